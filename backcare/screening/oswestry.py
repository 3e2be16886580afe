"""Oswestry Disability Index v2.1a: load its data file and score it openly.

Source: Fairbank JC, Pynsent PB. Spine 2000;25(22):2940-52 (details in
``data/instruments/oswestry.toml``). Its minimal important change (Ostelo et al. Spine
2008) is in its registry entry, ``backcare.screening.instruments``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from backcare.screening import base
from backcare.screening.base import Tool, Worked

ID = "oswestry"
DATA_FILE = base.INSTRUMENTS_DIR / f"{ID}.toml"
Band = Literal["minimal", "moderate", "severe", "very_severe", "extreme"]
BANDS: tuple[Band, ...] = ("minimal", "moderate", "severe", "very_severe", "extreme")
DECIMALS, UNIT = 0, "%"  # percent, read as a whole number


@dataclass(frozen=True)
class OswestrySection:
    number: int
    title: str
    statements: tuple[str, ...]


@dataclass(frozen=True)
class OswestryBand:
    id: Band
    upto: float
    label: str
    meaning: str
    source: str


@dataclass(frozen=True)
class OswestryTool(Tool):
    instructions: str
    max_missing: int
    skip_label: str
    missing_message: str
    sections: tuple[OswestrySection, ...]
    bands: tuple[OswestryBand, ...]


def _band_id(value: object, where: str) -> Band:
    for band in BANDS:
        if value == band:
            return band
    raise ValueError(f"{where}: unknown band id {value!r}; expected one of {BANDS}")


@cache
def load_oswestry(path: Path = DATA_FILE) -> OswestryTool:
    raw = base.load_toml(path)
    where = path.name
    sections = tuple(
        OswestrySection(s["number"], base.field_text(s, "title", where), tuple(s["statements"]))
        for s in raw["sections"]
    )
    if len(sections) != 10 or any(len(s.statements) != 6 for s in sections):
        raise ValueError(f"{where}: expected 10 sections of 6 statements")
    bands = tuple(
        OswestryBand(
            id=_band_id(b.get("id"), where),
            upto=float(b["upto"]),
            label=base.field_text(b, "label", where),
            meaning=base.field_text(b, "meaning", where),
            source=base.field_text(b, "source", where),
        )
        for b in raw["bands"]
    )
    if [b.upto for b in bands] != sorted(b.upto for b in bands) or bands[-1].upto != 100:
        raise ValueError(f"{where}: bands must rise and end at 100")
    return OswestryTool(
        **base.tool_fields(raw, where),
        instructions=base.field_text(raw, "instructions", where),
        max_missing=int(raw["max_missing"]),
        skip_label=base.field_text(raw, "skip_label", where),
        missing_message=base.field_text(raw, "missing_message", where),
        sections=sections,
        bands=bands,
    )


@dataclass(frozen=True)
class OswestryResult:
    answers: tuple[int | None, ...]  # 10 answers, None = left out
    item_points: tuple[int | None, ...]  # points per section (same as the answer)
    total: int  # sum of answered sections
    possible: int  # 5 x sections answered
    answered: int
    percent: float  # unrounded, 0..100
    band: Band
    band_label: str
    meaning: str
    rule: str
    source: str
    score: float  # the percent, for the diary (date, instrument, score)
    instrument: str = ID

    @property
    def skipped(self) -> tuple[int, ...]:
        """Numbers (1-10) of the sections left out."""
        return tuple(i for i, a in enumerate(self.answers, start=1) if a is None)

    def saved_details(self) -> dict[str, str | int]:
        return {"band": self.band, "answered": self.answered}


def oswestry_band(percent: float) -> OswestryBand:
    """The band whose range holds ``percent``: up to and including each band's top.

    So 20.0 is minimal and anything above 20 (such as 20.4) is moderate; the published
    bands 0-20, 21-40, ... are whole numbers and leave no gap this way.
    """
    if isinstance(percent, bool) or not isinstance(percent, numbers.Real):
        raise ValueError(f"Oswestry percent must be a number, got {percent!r}")
    if not 0 <= percent <= 100:
        raise ValueError(f"Oswestry percent must be between 0 and 100, got {percent!r}")
    for band in load_oswestry().bands:
        if percent <= band.upto:
            return band
    raise AssertionError("unreachable: the last band ends at 100")  # pragma: no cover


def oswestry(answers: Sequence[int | None]) -> OswestryResult:
    """Score the ODI v2.1a: 10 sections, each 0..5 or None (left out / not applicable).

    Percent = sum / (5 x sections answered) x 100 (Fairbank & Pynsent 2000). At most one
    section may be left out; more raises ValueError naming the sections.
    """
    tool = load_oswestry()
    items = base.answers_list(answers, len(tool.sections), "Oswestry")
    for section, answer in zip(tool.sections, items, strict=True):
        if answer is None:
            continue
        if not base.is_int(answer) or not 0 <= answer <= 5:
            raise ValueError(
                f"Oswestry section {section.number} ({section.title}): answer must be a "
                f"whole number from 0 to 5, or left out, got {answer!r}"
            )
    missing = [s for s, a in zip(tool.sections, items, strict=True) if a is None]
    if len(missing) > tool.max_missing:
        raise ValueError(
            tool.missing_message.format(
                missing=len(missing),
                needed=len(tool.sections) - tool.max_missing,
                names=", ".join(f"{s.number} {s.title}" for s in missing),
            )
        )
    answered = len(items) - len(missing)
    total = sum(a for a in items if a is not None)
    possible = 5 * answered
    percent = total * 100 / possible  # multiply first: 9 of 45 gives exactly 20.0
    band = oswestry_band(percent)
    clean = tuple(None if a is None else int(a) for a in items)
    return OswestryResult(
        answers=clean,
        item_points=clean,
        total=total,
        possible=possible,
        answered=answered,
        percent=percent,
        band=band.id,
        band_label=band.label,
        meaning=band.meaning,
        rule=tool.rule,
        source=f"{tool.source}; bands: {band.source}",
        score=percent,
    )


def worked(result: OswestryResult) -> Worked:
    """The result as the clinician summary prints it."""
    left_out = (
        f" Left out: section {', '.join(map(str, result.skipped))}." if result.skipped else ""
    )
    return Worked(
        "Oswestry Disability Index",
        f"{base.format_score(result.percent, DECIMALS, UNIT)} ({result.band_label})",
        f"{base.points_row('Sections', result.item_points)}; "
        f"{result.total} of {result.possible} ({result.answered} sections answered) "
        f"x 100.{left_out} {result.rule}",
        result.source,
    )
