"""Education figures: sourced data, the numbers drawn, alt text, summaries, error bars."""

from __future__ import annotations

import json
import re

import pytest
import vl_convert as vlc

from backcare import figures
from backcare.figures import BUILDERS, figure, load_figure_data

FIGURE_IDS = sorted(BUILDERS)

# The numbers each CSV must hold, checked by hand against the source named next to them
# (clinical-facts.md sections 6 and 8). A change to a CSV has to change this table too.
EXPECTED_ROWS = {
    "back_pain_burden": (  # Ferreira 2023 (GBD 2021): millions, 95% UI
        ["year", "cases_millions", "lower", "upper"],
        [(2020, 619, 554, 694), (2050, 843, 759, 933)],
    ),
    "scan_findings": (  # Brinjikji 2015: % of people with no back pain
        ["finding", "age", "percent"],
        [
            ("Disc degeneration", 20, 37),
            ("Disc degeneration", 80, 96),
            ("Disc bulge", 20, 30),
            ("Disc bulge", 80, 84),
            ("Disc protrusion", 20, 29),
            ("Disc protrusion", 80, 43),
            ("Annular fissure", 20, 19),
            ("Annular fissure", 80, 29),
        ],
    ),
    "exercise_effects": (  # Hayden 2021; Yamato 2015: points on 0-100, 95% CI
        ["improvement", "lower", "upper"],
        [(15, 12, 18), (7, 5, 8), (14.05, 9.19, 18.91)],
    ),
    "walking_recurrence": (["median_days"], [(208,), (112,)]),  # Pocovi 2024 (WalkBack)
}

# Words a reader of each text summary must find (the numbers behind the picture).
SUMMARY_MUST_SAY = {
    "back_pain_burden": ["619 million", "843 million", "2050"],
    "scan_findings": ["37% at age 20", "96% at 80", "84% at 80", "no back pain"],
    "exercise_effects": ["15 points", "7 points", "falls short of the 10-point", "14 points"],
    "walking_recurrence": ["208 days", "112 days"],
}


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_csv_names_its_source_on_every_row(figure_id):
    data = load_figure_data(figure_id)
    assert data.title and data.source
    assert data.urls and all(u.startswith("https://") for u in data.urls)
    assert data.frame["source"].notna().all()


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_csv_holds_exactly_the_checked_numbers(figure_id):
    columns, rows = EXPECTED_ROWS[figure_id]
    frame = load_figure_data(figure_id).frame
    assert [tuple(r) for r in frame[columns].itertuples(index=False)] == rows


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_summary_says_the_numbers(figure_id):
    fig = figure(figure_id)
    for words in SUMMARY_MUST_SAY[figure_id]:
        assert words in fig.summary


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_chart_has_title_and_alt_text(figure_id):
    fig = figure(figure_id)
    spec = fig.chart.to_dict()
    assert spec["description"] == fig.alt_text and len(fig.alt_text) > 40
    data = load_figure_data(figure_id)
    assert spec["title"]["text"] == data.title
    assert any(line.startswith("Source: ") for line in spec["title"]["subtitle"])


def _marks(spec: dict) -> list[str]:
    out = []
    for layer in spec.get("layer", [spec]):
        mark = layer.get("mark")
        out.append(mark["type"] if isinstance(mark, dict) else mark)
    return out


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_values_are_written_on_the_chart_not_only_coloured(figure_id):
    assert "text" in _marks(figure(figure_id).chart.to_dict())


@pytest.mark.parametrize("figure_id", ["back_pain_burden", "exercise_effects"])
def test_uncertainty_is_drawn_as_error_bars(figure_id):
    assert "errorbar" in _marks(figure(figure_id).chart.to_dict())


def test_scan_ages_differ_by_shape_as_well_as_colour():
    spec = figure("scan_findings").chart.to_dict()
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert points["encoding"]["shape"]["field"] == "age_label"


def test_exercise_units_are_consistent():
    # One chart, one unit: every row is a 0-100 point difference.
    spec = figure("exercise_effects").chart.to_dict()
    assert "0-100" in json.dumps(spec)
    frame = load_figure_data("exercise_effects").frame
    assert frame[["improvement", "lower", "upper"]].le(100).all().all()


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_chart_renders_to_svg(figure_id):
    svg = vlc.vegalite_to_svg(figure(figure_id).chart.to_json())
    assert svg.startswith("<svg")
    assert load_figure_data(figure_id).title.split(" (")[0] in svg


def test_unknown_figure_is_an_error():
    with pytest.raises(ValueError, match="no figure 'nope'"):
        figure("nope")


GOOD = "# title: T\n# source: S\n# credit: C\n# url: https://example.org\nx,source\n1,S\n"
MALFORMED = [
    ("no source line", GOOD.replace("# source: S\n", ""), "missing '# source"),
    ("no credit line", GOOD.replace("# credit: C\n", ""), "missing '# credit"),
    ("no url", GOOD.replace("# url: https://example.org\n", ""), "missing '# url"),
    ("http url", GOOD.replace("https://", "http://"), "https://"),
    ("unknown header", "# author: me\n" + GOOD, "key one of"),
    ("no source column", GOOD.replace(",source", "").replace(",S", ""), "source"),
    ("row without source", GOOD.replace("1,S", "1,"), "every row needs a source"),
    ("no data rows", GOOD.replace("1,S\n", ""), "at least one data row"),
    ("missing column", GOOD.replace("x,", "y,"), r"missing column\(s\) \['x'\]"),
]


@pytest.mark.parametrize(("_case", "text", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_csv_raises_naming_the_file(tmp_path, _case, text, message):
    (tmp_path / "demo.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"demo\.csv") as err:
        load_figure_data("demo", tmp_path, columns=("x",))
    assert re.search(message, str(err.value)), str(err.value)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(ValueError, match=r"nope\.csv"):
        figures.load_figure_data("nope", tmp_path)
