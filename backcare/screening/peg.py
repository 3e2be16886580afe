"""PEG (Pain, Enjoyment of life, General activity): load its data file and score it openly.

Source: Krebs EE et al. J Gen Intern Med 2009;24(6):733-8 (details in
``data/instruments/peg.toml``). Minimal important change: Reed DE et al. J Pain
2023;25(1):142-52, PMC10859144 (anchor-based MID mostly 1.0-1.75 points); the 30% rule
from Ostelo et al. Spine 2008 (the rule itself is in ``backcare.change``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backcare.screening.base import (
    INSTRUMENTS_DIR,
    Instrument,
    MinimalImportantChange,
    Worked,
    answers_list,
    field_text,
    is_int,
    load_toml,
)

ID = "peg"
DATA_FILE = INSTRUMENTS_DIR / "peg.toml"


@dataclass(frozen=True)
class PegItem:
    id: str
    letter: str
    text: str
    low: str
    high: str


@dataclass(frozen=True)
class PegTool:
    name: str
    version: str
    copyright: str
    licence: str
    rule: str
    meaning: str
    meaning_source: str
    source: str
    items: tuple[PegItem, ...]

    @property
    def notice(self) -> str:
        return self.copyright


@cache
def load_peg(path: Path = DATA_FILE) -> PegTool:
    raw = load_toml(path)
    where = path.name
    items = tuple(
        PegItem(
            id=i["id"],
            letter=i["letter"],
            text=field_text(i, "text", where),
            low=field_text(i, "low", where),
            high=field_text(i, "high", where),
        )
        for i in raw["items"]
    )
    if [i.id for i in items] != ["pain", "enjoyment", "activity"]:
        raise ValueError(f"{where}: items must be pain, enjoyment, activity")
    return PegTool(
        name=field_text(raw, "name", where),
        version=field_text(raw, "version", where),
        copyright=field_text(raw, "copyright", where),
        licence=field_text(raw, "licence", where),
        rule=field_text(raw, "rule", where),
        meaning=field_text(raw, "meaning", where),
        meaning_source=field_text(raw, "meaning_source", where),
        source=field_text(raw, "source", where),
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
        if not is_int(value) or not 0 <= value <= 10:
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
    pain, enjoyment, activity = answers_list(answers, 3, "PEG")
    return peg_result(pain, enjoyment, activity)


def worked(result: PegResult) -> Worked:
    """The result as the clinician summary prints it."""
    pain, enjoyment, activity = result.answers
    return Worked(
        "PEG (3 items, 0-10)",
        f"{result.mean:.1f} of 10",
        f"Pain {pain}, enjoyment {enjoyment}, activity {activity}; mean of the three. "
        f"{result.rule}",
        result.source,
    )


SCALE_MAX, DECIMALS, UNIT = 10.0, 1, ""  # the mean of three 0-10 items, to one decimal

MIC = MinimalImportantChange(
    measure=ID,
    points=1.75,
    fraction=0.30,
    floor=1.0,
    scale_max=SCALE_MAX,
    decimals=DECIMALS,
    unit=UNIT,
    source="Reed et al., J Pain 2023; Ostelo et al., Spine 2008",
    floor_note=(
        "Reed 2023 (PMC10859144): anchor-based MID mostly 1.0-1.75 points. The points "
        "threshold is the top of that range, the floor its bottom. The 30% rule is "
        "Ostelo 2008's for pain and function scales, applied to the PEG by BackCare "
        "(the PEG's own 30% figure comes only from secondary sources)."
    ),
)

INSTRUMENT = Instrument(
    id=ID,
    name="PEG",
    short_name="PEG",
    module=__name__,
    data_file=DATA_FILE,
    load=load_peg,
    score=peg_answers,
    worked=worked,
    scale_max=SCALE_MAX,
    decimals=DECIMALS,
    unit=UNIT,
    mic=MIC,
    no_mic=None,
    loinc=None,
    loinc_note="Not looked up yet: issue 16 (Clinician handover) adds the LOINC codes, "
    "each checked and cited here.",
)
