"""backcare.charts: builders checked on chart.to_dict() with small (and one huge) diary."""

from __future__ import annotations

import json

import pytest

from backcare import analytics as a
from backcare import charts as c
from tests.unit.diary_data import demo_frames, events_frame, screenings_frame, synthetic_entries


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _marks(spec: dict) -> list[str]:
    return [
        layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        for layer in _layers(spec)
    ]


def _dataset_rows(spec: dict) -> dict[str, int]:
    return {name: len(rows) for name, rows in spec.get("datasets", {}).items()}


@pytest.fixture(scope="module")
def demo():
    entries, events, screenings = demo_frames(120)
    return entries, events, screenings


@pytest.fixture(scope="module")
def pain_spec(demo):
    entries, events, _ = demo
    return c.pain_over_time_chart(a.pain_over_time(entries, "All"), events).to_dict()


def test_pain_chart_has_title_and_alt_text(pain_spec):
    assert pain_spec["title"]["text"] == "Pain over time"
    assert pain_spec["description"].startswith("Chart of pain over time")
    assert "Average pain" in pain_spec["description"]


def test_pain_chart_layers_range_lines_markers_events(pain_spec):
    marks = _marks(pain_spec)
    assert marks[:2] == ["rule", "line"]  # range bars, mean and smoothed lines
    assert "point" in marks
    assert marks[-2:] == ["rule", "text"]  # events: rule and its label


def test_y_axis_is_fixed_0_to_10(pain_spec):
    checked = 0
    for layer in _layers(pain_spec):
        y = layer["encoding"].get("y", {})
        if y.get("scale"):  # event labels sit at pixel rows (scale None)
            assert y["scale"]["domain"] == [0, 10]
            checked += 1
    assert checked >= 3


def test_flares_and_exercise_use_shapes_not_only_colour(pain_spec):
    (markers,) = [layer for layer in _layers(pain_spec) if "shape" in layer.get("encoding", {})]
    shape = markers["encoding"]["shape"]
    assert shape["scale"]["range"] == [c.FLARE_SHAPE, c.EXERCISE_SHAPE]
    assert c.FLARE_SHAPE != c.EXERCISE_SHAPE
    assert shape["legend"]["title"] == "Marks"


def test_smoothed_line_is_dashed_and_in_the_legend(pain_spec):
    (lines,) = [layer for layer in _layers(pain_spec) if "strokeDash" in layer["encoding"]]
    dash = lines["encoding"]["strokeDash"]
    assert dash["scale"]["domain"] == ["Average per day", "7-day average"]
    solid, dashed = dash["scale"]["range"]
    assert solid == [1, 0] and dashed != [1, 0]


def test_event_labels_are_drawn_as_text(demo):
    entries, events, _ = demo
    spec = c.pain_over_time_chart(a.pain_over_time(entries, "All"), events).to_dict()
    labels = next(layer for layer in _layers(spec) if _marks(layer) == ["text"])
    rows = spec["datasets"][labels["data"]["name"]]
    assert [r["label"] for r in rows] == ["Screening done", "Routine started", "Screening done"]


def test_close_event_labels_step_down_so_they_do_not_overlap(demo):
    entries, events, _ = demo
    spec = c.pain_over_time_chart(a.pain_over_time(entries, "All"), events).to_dict()
    labels = next(layer for layer in _layers(spec) if _marks(layer) == ["text"])
    rows = [r["row"] for r in spec["datasets"][labels["data"]["name"]]]
    assert rows == [2, 16, 30]


@pytest.mark.parametrize(("days", "daily_ticks"), [(5, True), (31, True), (60, False)])
def test_short_charts_tick_once_a_day(days, daily_ticks):
    series = a.pain_over_time(synthetic_entries(days), "All")
    spec = c.pain_over_time_chart(series, events_frame([])).to_dict()
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert (axis.get("tickCount") == {"interval": "day", "step": 1}) is daily_ticks


def test_events_outside_the_range_are_left_out(demo):
    entries, events, _ = demo
    spec = c.pain_over_time_chart(a.pain_over_time(entries, "2 weeks"), events).to_dict()
    assert "text" not in _marks(spec)


POINTS_CASES = [
    # (diary, range) -- the chart data never exceeds 1,500 rows
    ({"days": 365}, "All"),
    ({"days": 3_650}, "All"),  # 10 years, 3 entries a day
    ({"n_entries": 100_000, "per_day": 3}, "All"),  # about 91 years
    ({"n_entries": 100_000, "per_day": 10}, "All"),
    ({"n_entries": 100_000, "per_day": 3}, "1 year"),
]


@pytest.mark.parametrize(("diary", "range_label"), POINTS_CASES)
def test_chart_data_never_exceeds_1500_rows(diary, range_label):
    series = a.pain_over_time(synthetic_entries(**diary), range_label)
    spec = c.pain_over_time_chart(series, events_frame([])).to_dict()
    rows = _dataset_rows(spec)
    assert rows, "chart carries no data"
    assert max(rows.values()) <= a.MAX_POINTS
    assert sum(rows.values()) <= a.MAX_POINTS + 10


def test_coarse_chart_says_how_to_see_markers():
    series = a.pain_over_time(synthetic_entries(1_000), "All")
    spec = c.pain_over_time_chart(series, events_frame([])).to_dict()
    assert "One point per week" in spec["title"]["subtitle"]
    assert "area" in _marks(spec)
    tooltip_fields = [t["field"] for t in spec["layer"][-1]["encoding"]["tooltip"]]
    assert "flare_days" in tooltip_fields and "exercise_days" in tooltip_fields


def test_before_after_chart_writes_the_numbers(demo):
    entries, events, _ = demo
    comparison = a.compare_periods(entries, events)
    spec = c.before_after_chart(comparison).to_dict()
    assert spec["title"]["text"] == "Average pain, before and after"
    assert "meaningful" in spec["description"]
    assert _marks(spec) == ["bar", "text", "rule", "text"]
    text = json.dumps(spec["datasets"])
    assert f"{comparison.before.mean:.1f}" in text and f"{comparison.after.mean:.1f}" in text
    assert f"Meaningful improvement: {comparison.target:.1f} or lower" in text


def test_before_after_encodes_fields_its_data_has(demo):
    entries, events, _ = demo
    spec = c.before_after_chart(a.compare_periods(entries, events)).to_dict()
    for layer in spec["layer"]:
        rows = spec["datasets"][layer["data"]["name"]]
        for channel in layer["encoding"].values():
            if isinstance(channel, dict) and "field" in channel:
                assert channel["field"] in rows[0], channel["field"]


def test_before_after_refuses_an_empty_comparison():
    empty = a.compare_periods(synthetic_entries(1).iloc[:0], events_frame([]))
    with pytest.raises(ValueError, match="nothing to compare"):
        c.before_after_chart(empty)


def test_screening_chart_has_mic_reference(demo):
    _, _, screenings = demo
    oswestry = next(t for t in a.screening_trends(screenings) if t.instrument == "oswestry")
    spec = c.screening_chart(oswestry).to_dict()
    assert spec["title"]["text"] == "Oswestry Disability Index over time"
    assert oswestry.summary in spec["description"]
    rule = next(layer for layer in _layers(spec) if _marks(layer) == ["rule"])
    assert rule["mark"]["strokeDash"]  # dashed, not colour alone
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert "Meaningful improvement: 32% or lower" in json.dumps(spec["datasets"])


def _texts(spec: dict) -> set[str]:
    return {row["text"] for rows in spec["datasets"].values() for row in rows if "text" in row}


def test_screening_chart_writes_scores_as_people_read_them():
    rows = [("2026-01-01", "oswestry", 35.5556), ("2026-02-01", "oswestry", 26.6667)]
    rows += [("2026-01-01", "peg", 6.6667), ("2026-02-01", "peg", 4.3333)]
    oswestry, peg = a.screening_trends(screenings_frame(rows))
    assert _texts(c.screening_chart(oswestry).to_dict()) == {
        "36%",
        "27%",
        "Meaningful improvement: 26% or lower",
    }
    assert _texts(c.screening_chart(peg).to_dict()) == {
        "6.7",
        "4.3",
        "Meaningful improvement: 4.9 or lower",
    }


def test_rmdq_and_psfs_charts_write_whole_points_and_one_decimal():
    rows = [("2026-01-01", "rmdq", 14.0), ("2026-02-01", "rmdq", 7.0)]
    rows += [("2026-01-01", "psfs", 3.0), ("2026-02-01", "psfs", 19 / 3)]
    trends = {t.instrument: t for t in a.screening_trends(screenings_frame(rows))}
    rmdq = _texts(c.screening_chart(trends["rmdq"]).to_dict())
    psfs = _texts(c.screening_chart(trends["psfs"]).to_dict())
    assert {"14", "7"} <= rmdq and not any("." in t for t in rmdq)
    assert {"3.0", "6.3"} <= psfs and not any("6.33" in t for t in psfs)


@pytest.mark.parametrize("instrument", ["oswestry", "rmdq", "psfs"])
def test_screening_chart_tooltips_show_scores_as_written(instrument):
    """Issue 17: hovering a point shows 27%, not the raw 26.6667."""
    rows = [("2026-01-01", instrument, 8.0), ("2026-02-01", instrument, 20 / 3)]
    (trend,) = a.screening_trends(screenings_frame(rows))
    spec = c.screening_chart(trend).to_dict()
    tips = [
        tip
        for layer in _layers(spec)
        for tip in layer.get("encoding", {}).get("tooltip", [])
        if tip.get("title") == "Score"
    ]
    assert tips and all(t["field"] == "text" for t in tips)


def test_start_back_chart_has_no_mic_line(demo):
    _, _, screenings = demo
    start_back = next(t for t in a.screening_trends(screenings) if t.instrument == "start_back")
    spec = c.screening_chart(start_back).to_dict()
    assert "rule" not in _marks(spec)
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 9]


def test_better_days_chart_shows_counts_as_text(demo):
    entries, _, _ = demo
    better = a.better_days(entries)
    spec = c.better_days_chart(better).to_dict()
    assert spec["title"]["text"] == "Pain the day after exercise and other days"
    assert "not what causes what" in spec["description"]
    text = json.dumps(spec["datasets"])
    assert f"({better.after_exercise_days} days)" in text
    assert f"({better.after_other_days} days)" in text


def test_better_days_chart_refuses_too_few_days():
    with pytest.raises(ValueError, match="not enough days"):
        c.better_days_chart(a.better_days(synthetic_entries(5)))


def test_every_chart_has_title_and_description(demo):
    entries, events, screenings = demo
    built = [
        c.pain_over_time_chart(a.pain_over_time(entries, "3 months"), events),
        c.before_after_chart(a.compare_periods(entries, events)),
        c.better_days_chart(a.better_days(entries)),
        *[c.screening_chart(t) for t in a.screening_trends(screenings)],
    ]
    for chart in built:
        spec = chart.to_dict()
        assert spec["title"]["text"]
        assert len(spec["description"]) > 40


@pytest.mark.parametrize("range_label", list(a.RANGES))
def test_every_chart_is_valid_vega_lite(demo, range_label):
    """The page builds specs without Altair's validation (backcare.ui.diary_charts.vega_spec),
    so every builder is held to the Vega-Lite schema here, on every range."""
    entries, events, screenings = demo
    built = [
        c.pain_over_time_chart(a.pain_over_time(entries, range_label), events),
        c.pain_over_time_chart(
            a.pain_over_time(synthetic_entries(n_entries=20_000, per_day=4), range_label),
            events_frame([]),
        ),
        c.before_after_chart(a.compare_periods(entries, events)),
        c.better_days_chart(a.better_days(entries)),
        *[c.screening_chart(t) for t in a.screening_trends(screenings)],
    ]
    for chart in built:
        chart.to_dict(validate=True)  # raises on any schema error
