"""Altair figures for the Learn page, drawn from small sourced CSV files in ``data/figures/``.

Each CSV opens with ``# key: value`` comment lines naming what it shows and where the
numbers come from (``title``, full ``source``, short ``credit`` shown on the chart, one
or more ``url``, optional ``note``), then a
header row and data rows, each row with its own ``source`` column. Only numbers that could
be checked against the paper are drawn; the note says what was left out.

``figure(figure_id)`` returns the chart together with its text summary and alt text: the
summary is written from the data, so the words and the picture cannot drift apart. Colour
is never the only signal: every mark also has a text label or a distinct shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from backcare.paths import DATA_DIR

FIGURES_DIR = DATA_DIR / "figures"
_META_KEYS = {"title", "source", "credit", "url", "note"}


@dataclass(frozen=True, eq=False)
class FigureData:
    id: str
    title: str
    source: str
    credit: str
    urls: tuple[str, ...]
    note: str
    frame: pd.DataFrame


@dataclass(frozen=True, eq=False)
class Figure:
    id: str
    chart: alt.LayerChart | alt.Chart
    summary: str
    alt_text: str
    source: str
    urls: tuple[str, ...]
    note: str


def load_figure_data(
    figure_id: str, directory: Path = FIGURES_DIR, columns: tuple[str, ...] = ()
) -> FigureData:
    """Read ``<figure_id>.csv``: its ``#`` header (title, source, url) and its rows."""
    path = Path(directory) / f"{figure_id}.csv"
    if not path.is_file():
        raise ValueError(f"{path.name}: no such figure file in {directory}")
    meta: dict[str, list[str]] = {}
    data_lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, sep, value = line.lstrip("#").partition(":")
            key = key.strip().lower()
            if not sep or key not in _META_KEYS:
                raise ValueError(
                    f"{path.name}: header line {line!r} must be '# key: value' with key "
                    f"one of {sorted(_META_KEYS)}"
                )
            meta.setdefault(key, []).append(value.strip())
        elif line.strip():
            data_lines.append(line)
    for key in ("title", "source", "credit", "url"):
        if not meta.get(key) or not all(meta[key]):
            raise ValueError(f"{path.name}: missing '# {key}: ...' header line")
    if not all(u.startswith("https://") for u in meta["url"]):
        raise ValueError(f"{path.name}: every url must start with https://")
    if len(data_lines) < 2:
        raise ValueError(f"{path.name}: needs a header row and at least one data row")
    frame = pd.read_csv(StringIO("\n".join(data_lines)))
    needed = ("source", *columns)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {missing}")
    if frame["source"].isna().any():
        raise ValueError(f"{path.name}: every row needs a source")
    return FigureData(
        id=figure_id,
        title=meta["title"][0],
        source=meta["source"][0],
        credit=meta["credit"][0],
        urls=tuple(meta["url"]),
        note=" ".join(meta.get("note", [])),
        frame=frame,
    )


def _title(data: FigureData, *how_to_read: str) -> alt.TitleParams:
    """Chart title with subtitle lines saying how to read it and where the numbers are from."""
    return alt.TitleParams(text=data.title, subtitle=[*how_to_read, f"Source: {data.credit}"])


def _rows(df: pd.DataFrame) -> list[Any]:
    """The rows of a small sourced CSV, each cell read by its column name (``row.year``);
    a cell's type depends on the file, so rows are not typed further."""
    return list(df.itertuples())


def _num(value: float) -> str:
    """14.05 -> '14', 15.0 -> '15' (whole points read better in prose)."""
    return f"{round(float(value)):,}"


# --------------------------------------------------------------------------- builders


def back_pain_burden(data: FigureData) -> Figure:
    df = data.frame.copy()
    base = alt.Chart(df).encode(
        y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=320), sort=None),
    )
    bars = base.mark_bar(color="#9ecae9").encode(
        x=alt.X("cases_millions:Q", title="People with low back pain (millions)"),
        tooltip=[
            alt.Tooltip("label:N", title="Year"),
            alt.Tooltip("cases_millions:Q", title="Millions"),
            alt.Tooltip("lower:Q", title="Lower (95% UI)"),
            alt.Tooltip("upper:Q", title="Upper (95% UI)"),
        ],
    )
    errors = base.mark_errorbar(color="black", ticks=True).encode(
        x=alt.X("lower:Q", title="People with low back pain (millions)"), x2="upper:Q"
    )
    labels = base.mark_text(align="left", dx=6, dy=-10, color="black").encode(
        x="upper:Q", text=alt.Text("cases_millions:Q", format=",")
    )
    rows = {r.year: r for r in _rows(df)}
    now, later = rows[2020], rows[2050]
    alt_text = (
        f"Bar chart: about {_num(now.cases_millions)} million people had low back pain in "
        f"2020 and about {_num(later.cases_millions)} million are expected by 2050."
    )
    summary = (
        f"About {_num(now.cases_millions)} million people worldwide had low back pain in "
        f"2020 (likely range {_num(now.lower)} to {_num(now.upper)} million). Experts "
        f"project about {_num(later.cases_millions)} million by 2050 (likely range "
        f"{_num(later.lower)} to {_num(later.upper)} million), mostly because there will be "
        "more people and more older people. The black lines show the likely range."
    )
    chart = (bars + errors + labels).properties(
        title=_title(data, "Black lines: 95% uncertainty interval."),
        description=alt_text,
        height=210,
    )
    return Figure(data.id, chart, summary, alt_text, data.source, data.urls, data.note)


def scan_findings(data: FigureData) -> Figure:
    df = data.frame.copy()
    df["age_label"] = "Age " + df["age"].astype(str)
    order = list(dict.fromkeys(df["finding"]))
    base = alt.Chart(df).encode(
        y=alt.Y("finding:N", title=None, axis=alt.Axis(labelLimit=320), sort=order)
    )
    line = base.mark_line(color="#888888").encode(
        x=alt.X(
            "percent:Q",
            title="People with no back pain who have it (%)",
            scale=alt.Scale(domain=[0, 100]),
        ),
        detail="finding:N",
    )
    points = base.mark_point(filled=True, size=120).encode(
        x="percent:Q",
        shape=alt.Shape("age_label:N", title="Age", scale=alt.Scale(range=["circle", "square"])),
        color=alt.Color("age_label:N", title="Age", scale=alt.Scale(range=["#4c78a8", "#e45756"])),
        tooltip=["finding:N", "age_label:N", alt.Tooltip("percent:Q", title="%")],
    )
    labels = base.mark_text(dy=-12, color="black").encode(
        x="percent:Q", text=alt.Text("percent:Q", format=".0f")
    )
    parts = []
    for finding in order:
        sub = df[df["finding"] == finding].set_index("age")["percent"]
        parts.append(f"{finding.lower()} {_num(sub[20])}% at age 20 and {_num(sub[80])}% at 80")
    alt_text = (
        "Dot chart of four scan findings in people with no back pain at ages 20 and 80; "
        "every finding is more common at 80."
    )
    summary = (
        "Scans of people who have no back pain at all often show changes in the spine, "
        "and more so with age: " + "; ".join(parts) + ". These changes are usually a normal "
        "part of getting older, so a scan finding on its own does not explain back pain."
    )
    chart = (line + points + labels).properties(
        title=_title(data, "Circle: age 20. Square: age 80."),
        description=alt_text,
        height=300,
    )
    return Figure(data.id, chart, summary, alt_text, data.source, data.urls, data.note)


def exercise_effects(data: FigureData) -> Figure:
    df = data.frame.copy()
    order = list(df["label"])
    base = alt.Chart(df).encode(
        y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=320), sort=order)
    )
    x_title = "Improvement (points on a 0-100 scale; more is better)"
    errors = base.mark_errorbar(ticks=True, color="black").encode(
        x=alt.X("lower:Q", title=x_title, scale=alt.Scale(domain=[0, 25])), x2="upper:Q"
    )
    points = base.mark_point(filled=True, size=120, shape="circle", color="#4c78a8").encode(
        x="improvement:Q",
        tooltip=[
            "label:N",
            alt.Tooltip("improvement:Q", title="Average improvement", format=".1f"),
            alt.Tooltip("lower:Q", title="Lower (95% CI)"),
            alt.Tooltip("upper:Q", title="Upper (95% CI)"),
            alt.Tooltip("threshold:Q", title="Smallest important change"),
            "source:N",
        ],
    )
    labels = base.mark_text(dy=-12, color="black").encode(
        x="improvement:Q", text=alt.Text("improvement:Q", format=".0f")
    )
    marks = (
        alt.Chart(df.dropna(subset=["threshold"]))
        .mark_point(shape="diamond", size=110, filled=False, color="#e45756", strokeWidth=2)
        .encode(
            y=alt.Y("label:N", sort=order),
            x="threshold:Q",
            tooltip=[alt.Tooltip("threshold:Q", title="Smallest important change")],
        )
    )
    sentences = []
    for row in _rows(df):
        text = (
            f"{row.label.replace(': ', ', ')}: about {_num(row.improvement)} points better "
            f"(likely range {_num(row.lower)} to {_num(row.upper)})"
        )
        if pd.notna(row.threshold):
            verdict = "reaches" if row.improvement >= row.threshold else "falls short of"
            text += f", which {verdict} the {_num(row.threshold)}-point change the review "
            text += "judged important"
        sentences.append(text + ".")
    alt_text = (
        "Dot chart with error bars: exercise improves pain by about 15 points and daily "
        "function by about 7 points on 0 to 100 scales; Pilates improves pain by about 14 "
        "points. Open diamonds mark the smallest change judged important."
    )
    summary = " ".join(sentences) + (
        " Black lines show the likely range (95% confidence interval); open diamonds mark "
        "the smallest change the review judged important."
    )
    chart = (errors + points + labels + marks).properties(
        title=_title(
            data,
            "Points on a 0-100 scale. Dot: average gain.",
            "Black line: 95% confidence interval.",
            "Open diamond: smallest change judged important.",
        ),
        description=alt_text,
        height=260,
    )
    return Figure(data.id, chart, summary, alt_text, data.source, data.urls, data.note)


def walking_recurrence(data: FigureData) -> Figure:
    df = data.frame.copy()
    order = list(df["group"])
    base = alt.Chart(df).encode(
        y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=320), sort=order)
    )
    bars = base.mark_bar(color="#4c78a8").encode(
        x=alt.X("median_days:Q", title="Median days until pain came back and limited activity"),
        tooltip=["group:N", alt.Tooltip("median_days:Q", title="Median days")],
    )
    labels = base.mark_text(align="left", dx=6, color="black").encode(
        x="median_days:Q", text=alt.Text("median_days:Q", format=".0f")
    )
    rows = list(_rows(df))
    walk, control = rows[0], rows[1]
    alt_text = (
        f"Bar chart: {walk.group}, median {walk.median_days} days; "
        f"{control.group}, median {control.median_days} days."
    )
    summary = (
        f"In the WalkBack trial, half of the people with the walking plan went "
        f"{walk.median_days} days or more before back pain came back and limited what they "
        f"could do. Without the plan, half had that happen by {control.median_days} days."
    )
    chart = (bars + labels).properties(
        title=_title(data, "Longer bars mean more time free of an activity-limiting flare."),
        description=alt_text,
        height=190,
    )
    return Figure(data.id, chart, summary, alt_text, data.source, data.urls, data.note)


# Figure id -> (builder, columns its CSV must have).
BUILDERS = {
    "back_pain_burden": (
        back_pain_burden,
        ("year", "label", "cases_millions", "lower", "upper"),
    ),
    "scan_findings": (scan_findings, ("finding", "age", "percent")),
    "exercise_effects": (
        exercise_effects,
        ("label", "improvement", "lower", "upper", "threshold"),
    ),
    "walking_recurrence": (walking_recurrence, ("group", "median_days")),
}


def figure(figure_id: str, directory: Path = FIGURES_DIR) -> Figure:
    """The chart, text summary and alt text for one figure id."""
    if figure_id not in BUILDERS:
        raise ValueError(f"no figure {figure_id!r}; known figures: {sorted(BUILDERS)}")
    builder, columns = BUILDERS[figure_id]
    return builder(load_figure_data(figure_id, directory, columns))
