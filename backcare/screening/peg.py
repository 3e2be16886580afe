"""PEG (Pain, Enjoyment of life, General activity): load its data file and score it openly.

Source: Krebs EE et al. J Gen Intern Med 2009;24(6):733-8 (details in
``data/instruments/peg.toml``). Its minimal important change (Reed et al. J Pain 2023)
is in its registry entry, ``backcare.screening.instruments``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backcare.screening import base
from backcare.screening.base import Tool, Worked

ID = "peg"
DATA_FILE = base.INSTRUMENTS_DIR / f"{ID}.toml"
DECIMALS, UNIT = 1, ""  # the mean of three 0-10 items, read to one decimal


@dataclass(frozen=True)
class PegItem:
    id: str
    letter: str
    text: str
    low: str
    high: str


@dataclass(frozen=True)
class PegTool(Tool):
    meaning: str
    meaning_source: str
    items: tuple[PegItem, ...]


@cache
def load_peg(path: Path = DATA_FILE) -> PegTool:
    raw = base.load_toml(path)
    where = path.name
    items = tuple(
        PegItem(
            id=i["id"],
            letter=i["letter"],
            text=base.field_text(i, "text", where),
            low=base.field_text(i, "low", where),
            high=base.field_text(i, "high", where),
        )
        for i in raw["items"]
    )
    if [i.id for i in items] != ["pain", "enjoyment", "activity"]:
        raise ValueError(f"{where}: items must be pain, enjoyment, activity")
    return PegTool(
        **base.tool_fields(raw, where),
        meaning=base.field_text(raw, "meaning", where),
        meaning_source=base.field_text(raw, "meaning_source", where),
        items=items,
    )


@dataclass(frozen=True)
class PegResult:
    answers: tuple[int, int, int]  # pain, enjoyment, activity
    item_points: tuple[int, int, int]
    mean: float  # 0..10
    rule: str
    source: str
    score: float  # the mean, for the diary (date, instrument, score)
    instrument: str = ID

    def saved_details(self) -> dict[str, str | int]:
        return {}


def peg_result(pain: int, enjoyment: int, activity: int) -> PegResult:
    """Score the PEG with its working: each item 0..10, score = their mean (Krebs 2009)."""
    tool = load_peg()
    values = (pain, enjoyment, activity)
    for item, value in zip(tool.items, values, strict=True):
        if not base.is_int(value) or not 0 <= value <= 10:
            raise ValueError(
                f"PEG item {item.letter} ({item.id}): answer must be a whole number from 0 "
                f"to 10, got {value!r}"
            )
    clean = (int(pain), int(enjoyment), int(activity))
    mean = sum(clean) / 3
    return PegResult(
        answers=clean,
        item_points=clean,
        mean=mean,
        rule=tool.rule,
        source=tool.source,
        score=mean,
    )


def peg(pain: int, enjoyment: int, activity: int) -> float:
    """The PEG score: mean of three 0..10 items, a float from 0 to 10 (Krebs 2009)."""
    return peg_result(pain, enjoyment, activity).mean


def peg_answers(answers: Sequence[int]) -> PegResult:
    """``peg_result`` from the three answers as a list (pain, enjoyment, activity)."""
    pain, enjoyment, activity = base.answers_list(answers, 3, "PEG")
    return peg_result(pain, enjoyment, activity)


def worked(result: PegResult) -> Worked:
    """The result as the clinician summary prints it."""
    pain, enjoyment, activity = result.answers
    return Worked(
        "PEG (3 items, 0-10)",
        f"{base.format_score(result.mean, DECIMALS, UNIT)} of 10",
        f"Pain {pain}, enjoyment {enjoyment}, activity {activity}; mean of the three. "
        f"{result.rule}",
        result.source,
    )
