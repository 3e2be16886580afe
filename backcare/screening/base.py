"""What the screening modules share: the registry's record types, reading data files and
checking answers.

Pure Python, no Streamlit. Every rule, cut-off and wording lives in ``data/red_flags.toml``
and ``data/instruments/*.toml`` with its source. Each questionnaire module (``start_back``,
``oswestry``, ``peg``) has the same shape: a data file, ``load_<id>()``, a result type, a
scoring function, ``worked(result)`` for the clinician summary and ``INSTRUMENT``, its entry
in the registry (``backcare.screening.instruments``).
"""

from __future__ import annotations

import numbers
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

from backcare.paths import DATA_DIR

INSTRUMENTS_DIR = DATA_DIR / "instruments"

Better = Literal["lower", "higher"]


@dataclass(frozen=True)
class MinimalImportantChange:
    """The thresholds for one measure, with their sources (the rule: ``backcare.change``).

    ``source`` is shown to people; ``floor_note`` is for reviewers only (why the floor has
    its value) and never appears in patient-facing text. ``scale_max``, ``decimals`` and
    ``unit`` are the measure's own: an instrument's MIC is made from its module's constants,
    which its registry entry reads too.
    """

    measure: str
    points: float  # a fall or rise of at least this many points counts
    fraction: float  # a fall of at least this share of the earlier score counts ...
    floor: float  # ... when it is also at least this many points
    scale_max: float
    decimals: int  # how people read a score: 0 = whole numbers (Oswestry %), 1 = one decimal
    unit: str  # what a score is written with: "%" for Oswestry, "" for the 0-10 scales
    source: str
    floor_note: str

    @property
    def rule(self) -> str:
        """The rule in words: 'a fall of at least 2 points, or a fall of at least 30% ...'."""
        return (
            f"a fall of at least {_points(self.points)}, or a fall of at least "
            f"{self.fraction:.0%} of the earlier score that is also at least "
            f"{_points(self.floor)}, counts as better; only a rise of at least "
            f"{_points(self.points)} counts as worse"
        )


def _points(value: float) -> str:
    return f"{value:g} point" if value == 1 else f"{value:g} points"


@dataclass(frozen=True)
class Worked:
    """One questionnaire result as the clinician summary prints it: a row of its table."""

    questionnaire: str  # e.g. "STarT Back (9 items)"
    result: str  # e.g. "5 of 9, Medium risk"
    how: str  # how it was worked out: points per item, the rule
    source: str


class Tool(Protocol):
    """What every loaded questionnaire offers, whatever else it has (About page, notices)."""

    @property
    def name(self) -> str: ...  # the instrument's own title, e.g. "PEG pain scale"

    @property
    def version(self) -> str: ...

    @property
    def licence(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def notice(self) -> str: ...  # the copyright notice (and any funding statement)


class QuestionnaireResult(Protocol):
    """What every questionnaire result offers: the diary keeps (date, instrument, score)."""

    @property
    def instrument(self) -> str: ...

    @property
    def score(self) -> float: ...

    def saved_details(self) -> dict[str, str | int]: ...  # kept with the score in the diary


R = TypeVar("R", bound=QuestionnaireResult)


@dataclass(frozen=True)
class Instrument(Generic[R]):
    """One questionnaire: everything the pages, the diary, the charts and the clinician
    summary need to know about it. Each module makes its own (``INSTRUMENT``); the registry
    (``backcare.screening.instruments.INSTRUMENTS``) lists them.
    """

    id: str  # the data file's id, the diary's instrument id and the session's result name
    name: str  # in charts, trends and the clinician summary ("Oswestry Disability Index")
    short_name: str  # on tabs and in short tables ("Oswestry")
    module: str  # the module that scores it (its ``__name__``)
    data_file: Path  # wording, notices, rules and cut-offs, each with its source
    load: Callable[[], Tool]  # the data file, read and checked (cached)
    score: Callable[[Sequence[Any]], R]  # the answers as the form gives them; ValueError if bad
    worked: Callable[[R], Worked]
    scale_max: float  # scores run from 0 to this
    decimals: int  # how a score is shown: 0 = whole numbers, 1 = one decimal
    unit: str  # what a score is written with ("%" or "")
    mic: MinimalImportantChange | None  # the minimal important change, with its source
    no_mic: str | None  # when there is no MIC: why, in words people read in the trends
    loinc: str | None  # the LOINC code of the score, or None ...
    loinc_note: str  # ... where the code comes from, or why there is none yet
    better: Better = "lower"

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher"):
            raise ValueError(f"{self.id}: better must be 'lower' or 'higher'")
        if (self.mic is None) == (self.no_mic is None):
            raise ValueError(f"{self.id}: give a minimal important change or say why there is none")
        if self.mic is not None:
            scale = (self.mic.measure, self.mic.scale_max, self.mic.decimals, self.mic.unit)
            if scale != (self.id, self.scale_max, self.decimals, self.unit):
                raise ValueError(f"{self.id}: the MIC's scale differs from the instrument's")
            if self.better != "lower":
                raise ValueError(
                    f"{self.id}: backcare/change.py judges change only where lower is better"
                )
        if self.loinc is None and not self.loinc_note.strip():
            raise ValueError(f"{self.id}: without a LOINC code, say why in loinc_note")


def is_int(value: object) -> bool:
    """True for real integers; bool is not an answer here."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def answers_list(answers: object, expected: int, what: str) -> list[Any]:
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError(f"{what}: give the {expected} answers as a list, not {answers!r}")
    items = list(answers)
    if len(items) != expected:
        raise ValueError(f"{what}: expected {expected} answers, got {len(items)}")
    return items


def field_text(raw: dict[str, Any], key: str, where: str) -> str:
    try:
        value = raw[key]
    except KeyError:
        raise ValueError(f"{where}: missing field {key!r}") from None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: field {key!r} must be non-empty text")
    return " ".join(value.split())


def load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)
