"""Altair chart builders for the pain diary, from the frames ``backcare.analytics`` prepares.

No Streamlit here. Every chart has a title and a ``description`` (Streamlit shows it as the
chart's aria-label, its alt text). Colour is never the only signal: flares and exercise
days have their own shapes, the smoothed line is dashed, values are written as text and
every encoding has a legend or an axis title.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from backcare.analytics import (
    BetterDays,
    Comparison,
    PainSeries,
    ScreeningTrend,
    fmt_date,
)
from backcare.change import fmt_score
from backcare.diary.frames import EVENT_COLUMNS
from backcare.diary.model import PAIN_MAX, PAIN_MIN, PAIN_RANGE
from backcare.records import Adherence
from backcare.screening.instruments import INSTRUMENTS

# Calm palette; each colour is paired with a shape, a dash or a text label.
MEAN_COLOUR = "#2166ac"
SMOOTH_COLOUR = "#4d4d4d"
RANGE_COLOUR = "#9ecae1"
FLARE_COLOUR = "#b2182b"
EXERCISE_COLOUR = "#1b7837"
EVENT_COLOUR = "#6a51a3"
BAR_COLOUR = "#6baed6"
TARGET_COLOUR = "#1b7837"

FLARE_SHAPE = "triangle-up"
EXERCISE_SHAPE = "square"
PAIN_SCALE = alt.Scale(domain=[PAIN_MIN, PAIN_MAX], nice=False, zero=True)
# Streamlit fits the chart to its width: a height is the whole chart, title and legend in.
HEIGHT = 460
# Streamlit's theme leaves no room above the title: give it some.
PADDING = {"top": 12, "left": 5, "right": 5, "bottom": 5}

_PERIOD_TEXT = {"day": "day", "week": "week", "month": "month", "year": "year"}
_X_FORMAT = {"day": "%-d %b", "week": "%-d %b %Y", "month": "%b %Y", "year": "%Y"}


def pain_over_time_chart(series: PainSeries, events: pd.DataFrame) -> alt.LayerChart:
    """Pain over time: range per period, mean line, dashed smoothed line, flare and
    exercise markers (shapes), and events as labelled vertical rules."""
    g = series.granularity
    mean_label = f"Average per {_PERIOD_TEXT[g]}"
    smooth_label = series.smoothing
    data = series.frame[
        [
            "period",
            "mean",
            "low",
            "high",
            "rolling",
            "entries",
            "flare_days",
            "exercise_days",
            "flare",
            "exercise",
        ]
    ].copy()
    base = alt.Chart(data)
    x = alt.X(
        "period:T",
        title=None if g == "day" else f"{g.capitalize()} starting",
        axis=alt.Axis(
            format=_X_FORMAT[g], labelOverlap=True, grid=False, **_day_ticks(data["period"])
        ),
    )
    n = len(data)
    range_width = 6 if n <= 20 else 3 if n <= 120 else 1
    y_range = alt.Y(
        "low:Q", scale=PAIN_SCALE, title=f"Pain ({PAIN_MIN} = none, {PAIN_MAX} = worst)"
    )
    if g == "day":
        # Days: one bar from the day's lowest to highest entry (no joining across gaps).
        range_mark = base.mark_rule(
            color=RANGE_COLOUR,
            strokeWidth=range_width,
            opacity=0.8,
            strokeCap="round",
            aria=False,  # the hover points below describe each day, range included
        ).encode(x=x, y=y_range, y2="high:Q")
    else:
        range_mark = base.mark_area(color=RANGE_COLOUR, opacity=0.35, aria=False).encode(
            x=x, y=y_range, y2="high:Q"
        )
    lines = (
        base.transform_fold(["mean", "rolling"], as_=["series", "value"])
        .transform_calculate(line=f"datum.series == 'mean' ? '{mean_label}' : '{smooth_label}'")
        .mark_line(interpolate="linear")
        .encode(
            x=x,
            y=alt.Y("value:Q", scale=PAIN_SCALE),
            color=alt.Color(
                "line:N",
                scale=alt.Scale(
                    domain=[mean_label, smooth_label], range=[MEAN_COLOUR, SMOOTH_COLOUR]
                ),
                legend=alt.Legend(title="Lines", orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "line:N",
                scale=alt.Scale(domain=[mean_label, smooth_label], range=[[1, 0], [6, 4]]),
                legend=alt.Legend(title="Lines", orient="bottom"),
            ),
            strokeWidth=alt.StrokeWidth(
                "line:N",
                scale=alt.Scale(domain=[mean_label, smooth_label], range=[1.2, 2.5]),
                legend=None,
            ),
        )
    )
    marker_legend = ["Flare (at the highest entry)", "Exercise (along the bottom)"]
    markers = (
        base.transform_fold(["flare", "exercise"], as_=["kind", "on"])
        .transform_filter("datum.on")
        .transform_calculate(
            marker="datum.kind == 'flare' ? 'Flare (at the highest entry)' : "
            "'Exercise (along the bottom)'",
            # Flares sit on top of the period's range; exercise marks run along the bottom.
            y="datum.kind == 'flare' ? datum.high : 0.3",
        )
        .mark_point(
            filled=True,
            size=70 if n <= 120 else 30,
            opacity=0.9,
            # Hidden from screen readers: the hover points below already read out each
            # day's flare and exercise counts, and with none to show Vega left an empty,
            # unnamed graphics-symbol group (axe svg-img-alt, serious).
            aria=False,
        )
        .encode(
            x=x,
            y=alt.Y("y:Q", scale=PAIN_SCALE),
            shape=alt.Shape(
                "marker:N",
                scale=alt.Scale(domain=marker_legend, range=[FLARE_SHAPE, EXERCISE_SHAPE]),
                legend=alt.Legend(title="Marks", orient="bottom"),
            ),
            color=alt.Color(
                "marker:N",
                scale=alt.Scale(domain=marker_legend, range=[FLARE_COLOUR, EXERCISE_COLOUR]),
                legend=alt.Legend(title="Marks", orient="bottom"),
            ),
        )
    )
    # Invisible on long charts (a hover target for the tooltip); on short ones a dot on the
    # average, so a single day still shows its average.
    few = n <= 60
    hover = base.mark_point(
        opacity=1 if few else 0, size=40 if few else 120, filled=few, color=MEAN_COLOUR
    ).encode(
        x=x,
        y=alt.Y("mean:Q", scale=PAIN_SCALE),
        tooltip=[
            alt.Tooltip("period:T", title=g.capitalize(), format="%-d %b %Y"),
            alt.Tooltip("mean:Q", title="Average", format=".1f"),
            alt.Tooltip("low:Q", title="Lowest"),
            alt.Tooltip("high:Q", title="Highest"),
            alt.Tooltip("entries:Q", title="Entries"),
            alt.Tooltip("flare_days:Q", title="Flare days"),
            alt.Tooltip("exercise_days:Q", title="Exercise days"),
        ],
    )
    # Markers per day only: on weeks or months nearly every point would carry both, so
    # there the counts go to the tooltip and the summary instead.
    layers: list[alt.Chart] = [range_mark, lines, *([markers] if g == "day" else []), hover]
    shown_events = _events_in_range(events, series)
    if not shown_events.empty:
        ev = alt.Chart(shown_events)
        layers.append(
            ev.mark_rule(color=EVENT_COLOUR, strokeDash=[2, 3], strokeWidth=1.5).encode(
                x=alt.X("date:T"), tooltip=[alt.Tooltip("label:N", title="Event")]
            )
        )
        layers.append(
            ev.mark_text(
                align="left", baseline="top", dx=4, fontSize=11, color=EVENT_COLOUR
            ).encode(x=alt.X("date:T"), y=alt.Y("row:Q", scale=None), text="label:N")
        )
    spread = "Bars" if g == "day" else "Shading"
    subtitle = (
        f"One point per {_PERIOD_TEXT[g]}. {spread}: lowest to highest entry. "
        f"Dashed line: {smooth_label.lower()}."
    )
    if g != "day":
        subtitle += " Pick a shorter range to see flare and exercise days."
    return (
        alt.layer(*layers)
        .resolve_scale(color="independent", shape="independent", strokeDash="independent")
        .properties(
            title=alt.TitleParams("Pain over time", subtitle=subtitle, anchor="start"),
            description=f"Chart of pain over time, {series.range_label.lower()}. " + series.summary,
            height=HEIGHT,
            padding=PADDING,
        )
    )


def _day_ticks(dates: pd.Series) -> dict:
    """On a month or less, one tick per day: Vega's default would put two ticks in a day,
    both labelled with the same date."""
    if len(dates) and dates.max() - dates.min() <= pd.Timedelta(days=31):
        return {"tickCount": {"interval": "day", "step": 1}}
    return {}


def _events_in_range(events: pd.DataFrame, series: PainSeries) -> pd.DataFrame:
    if events.empty or series.start is None or series.end is None:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "label": [], "row": []})
    inside = events[(events["date"] >= series.start) & (events["date"] <= series.end)]
    inside = inside[list(EVENT_COLUMNS)].sort_values("date", kind="stable").reset_index(drop=True)
    # Labels step down in three rows (pixels from the top) so close events stay readable.
    return inside.assign(row=[2 + 14 * (i % 3) for i in range(len(inside))])


def before_after_chart(comparison: Comparison) -> alt.LayerChart:
    """Average pain in the two periods as bars with the numbers written on them, and a
    dashed line where a meaningful improvement would start."""
    if comparison.before is None or comparison.after is None:
        raise ValueError("there is nothing to compare yet: the diary has no entries")
    rows = [
        {
            "which": p.label,
            "pain": p.mean if p.mean is not None else 0.0,
            "text": "no entries" if p.mean is None else f"{p.mean:.1f}",
            "when": f"{fmt_date(p.start)} to {fmt_date(p.end)}, {p.days} days with entries",
        }
        for p in (comparison.before, comparison.after)
    ]
    data = pd.DataFrame(rows)
    order = [str(r["which"]) for r in rows]
    base = alt.Chart(data).encode(
        x=alt.X("which:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelLimit=400)),
    )
    bars = base.mark_bar(color=BAR_COLOUR, size=60).encode(
        y=alt.Y("pain:Q", scale=PAIN_SCALE, title=f"Average pain ({PAIN_RANGE})"),
        tooltip=[
            alt.Tooltip("which:N", title="Period"),
            alt.Tooltip("when:N", title="Dates"),
            alt.Tooltip("pain:Q", title="Average", format=".1f"),
        ],
    )
    labels = base.mark_text(dy=-8, fontSize=14, fontWeight="bold").encode(
        y=alt.Y("pain:Q", scale=PAIN_SCALE), text="text:N"
    )
    layers = [bars, labels]
    target = comparison.target
    if target is not None:
        line = pd.DataFrame(
            {"target": [target], "text": [f"Meaningful improvement: {target:.1f} or lower"]}
        )
        tchart = alt.Chart(line)
        layers.append(
            tchart.mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=1.5).encode(
                y="target:Q"
            )
        )
        layers.append(
            tchart.mark_text(align="left", baseline="top", dy=4, x=4, color=TARGET_COLOUR).encode(
                y="target:Q", text="text:N"
            )
        )
    return alt.LayerChart(layer=layers).properties(
        title=alt.TitleParams("Average pain, before and after", anchor="start"),
        description="Bar chart comparing average pain in two periods. " + comparison.summary,
        height=340,
        padding=PADDING,
    )


def screening_chart(trend: ScreeningTrend) -> alt.LayerChart:
    """One instrument's scores over time, each written on the chart, with a dashed line at
    the score that would be a meaningful improvement on the first one."""
    better = INSTRUMENTS[trend.instrument].better

    def shown(score: float) -> str:
        return fmt_score(trend.instrument, score)

    data = trend.frame.assign(text=trend.frame["score"].map(shown))
    scale = alt.Scale(domain=[0, trend.scale_max], nice=False)
    base = alt.Chart(data).encode(
        x=alt.X(
            "date:T",
            title=None,
            axis=alt.Axis(format="%-d %b %Y", labelOverlap=True, **_day_ticks(data["date"])),
        )
    )
    line = base.mark_line(color=MEAN_COLOUR, point=alt.OverlayMarkDef(size=60)).encode(
        y=alt.Y("score:Q", scale=scale, title=f"Score (0-{trend.scale_max:g}, {better} is better)"),
        # The score as written on the chart (Oswestry 27%, not 26.6667).
        tooltip=[alt.Tooltip("date:T", format="%-d %b %Y"), alt.Tooltip("text:N", title="Score")],
    )
    labels = base.mark_text(dy=-10, fontSize=12).encode(
        y=alt.Y("score:Q", scale=scale), text="text:N"
    )
    layers = [line, labels]
    if trend.target is not None:
        ref = alt.Chart(
            pd.DataFrame(
                {
                    "target": [trend.target],
                    "text": [f"Meaningful improvement: {shown(trend.target)} or {better}"],
                }
            )
        )
        layers.append(
            ref.mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=1.5).encode(
                y=alt.Y("target:Q", scale=scale)
            )
        )
        layers.append(
            ref.mark_text(align="left", baseline="top", dy=4, x=4, color=TARGET_COLOUR).encode(
                y=alt.Y("target:Q", scale=scale), text="text:N"
            )
        )
    return alt.LayerChart(layer=layers).properties(
        title=alt.TitleParams(f"{trend.name} over time", anchor="start"),
        description=f"Line chart of {trend.name} scores over time. " + trend.summary,
        height=300,
        padding=PADDING,
    )


def better_days_chart(result: BetterDays) -> alt.LayerChart:
    """Average pain the day after days with the factor (exercise; a logged routine session)
    versus other days, with counts as text."""
    if not result.enough:
        raise ValueError("not enough days yet to compare; show the summary text instead")
    data = pd.DataFrame(
        {
            "group": [result.label, "After other days"],
            "pain": [result.after_exercise_mean, result.after_other_mean],
            "days": [result.after_exercise_days, result.after_other_days],
        }
    )
    data["text"] = [f"{p:.1f} ({d} days)" for p, d in zip(data["pain"], data["days"], strict=True)]
    order = list(data["group"])
    base = alt.Chart(data).encode(
        y=alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
    )
    bars = base.mark_bar(color=BAR_COLOUR, size=28).encode(
        x=alt.X(
            "pain:Q",
            scale=PAIN_SCALE,
            title=f"Average pain the next day ({PAIN_RANGE})",
            axis=alt.Axis(values=list(range(PAIN_MIN, PAIN_MAX + 1, 2)), format="d"),
        ),
        tooltip=[
            alt.Tooltip("group:N", title="Group"),
            alt.Tooltip("pain:Q", title="Average", format=".1f"),
            alt.Tooltip("days:Q", title="Days"),
        ],
    )
    labels = base.mark_text(align="left", dx=5, fontSize=13).encode(
        x=alt.X("pain:Q", scale=PAIN_SCALE), text="text:N"
    )
    return alt.LayerChart(layer=[bars, labels]).properties(
        title=alt.TitleParams(result.title, anchor="start"),
        description=f"Bar chart of pain on the day after {result.factor} and after other "
        "days. " + result.summary,
        height=220,
        padding=PADDING,
    )


def adherence_chart(adherence: Adherence) -> alt.LayerChart:
    """Sessions logged per plan week as bars, the planned number as a line across each,
    and "done of planned" written above each bar (whole numbers)."""
    rows = [
        {
            "week": f"Week {w.week}" + (" (now)" if w.current else ""),
            "done": w.done,
            "planned": w.planned,
            "text": f"{w.done} of {w.planned}",
        }
        for w in adherence.weeks
    ]
    if not rows:
        raise ValueError("there are no plan weeks to show yet")
    data = pd.DataFrame(rows)
    order = [str(r["week"]) for r in rows]
    top = max(max(w.done, w.planned) for w in adherence.weeks) + 1
    y_scale = alt.Scale(domain=[0, top], nice=False)
    base = alt.Chart(data).encode(
        x=alt.X("week:N", sort=order, title="Plan week", axis=alt.Axis(labelAngle=0)),
    )
    bars = base.mark_bar(color=BAR_COLOUR, size=28).encode(
        y=alt.Y(
            "done:Q",
            scale=y_scale,
            title="Sessions",
            axis=alt.Axis(format="d", tickMinStep=1),
        ),
        tooltip=[
            alt.Tooltip("week:N", title="Week"),
            alt.Tooltip("done:Q", title="Sessions logged", format="d"),
            alt.Tooltip("planned:Q", title="Planned", format="d"),
        ],
    )
    planned = base.mark_tick(color=TARGET_COLOUR, thickness=3, size=40, aria=False).encode(
        y=alt.Y("planned:Q", scale=y_scale)
    )
    labels = base.mark_text(dy=-8, fontSize=13, fontWeight="bold", aria=False).encode(
        y=alt.Y("done:Q", scale=y_scale), text="text:N"
    )
    return alt.LayerChart(layer=[bars, planned, labels]).properties(
        title=alt.TitleParams(
            "Sessions per plan week",
            subtitle="Line above each bar: sessions planned",
            anchor="start",
        ),
        description="Bar chart of exercise sessions logged in each week of the plan against "
        "the number planned. " + adherence.summary,
        height=300,
        padding=PADDING,
    )
