"""The questionnaire registry: one entry per instrument, read by everything else.

The Screening page's tabs, the session's results (``backcare.ui.state``), the diary's valid
instrument ids and names, the trends and their charts (names, scale, minimal important
change), the clinician summary (order and wording) and the About page's licences all come
from here. Modelled on tablib's format registry: each instrument is one module of the same
shape (``backcare.screening.base``), added by one entry below.

Adding a questionnaire: its data file (``data/instruments/<id>.toml``), its module (in the
shape of ``peg.py``), its entry in ``_ENTRIES`` below, and its form and result view
(``backcare.ui.screening_widgets.WIDGETS``). ``tests/unit/test_instruments.py`` checks that
every entry has all of them.

Minimal important change (MIC) sources, each also named in its entry:
- Ostelo RWJG et al. Spine 2008;33(1):90-94: Oswestry 10 points or 30%.
- Reed DE, Stump TE, Monahan PO, Kroenke K. J Pain 2023;25(1):142-52, PMC10859144:
  anchor-based MID for the PEG mostly 1.0-1.75 points.
- STarT Back: none published for its total; it sorts people into risk groups for matched
  care (Hill JC et al. Lancet 2011;378:1560-71).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from backcare.screening.base import INSTRUMENTS_DIR, QuestionnaireResult, Tool, Worked
from backcare.screening.oswestry import load_oswestry, oswestry
from backcare.screening.oswestry import worked as oswestry_worked
from backcare.screening.peg import load_peg, peg_answers
from backcare.screening.peg import worked as peg_worked
from backcare.screening.start_back import load_start_back, start_back
from backcare.screening.start_back import worked as start_back_worked

Better = Literal["lower", "higher"]
R = TypeVar("R", bound=QuestionnaireResult)
LOINC_TO_COME = (
    "Not looked up yet: issue 16 (Clinician handover) adds the LOINC codes, each checked "
    "and cited here."
)


@dataclass(frozen=True)
class MinimalImportantChange:
    """The thresholds for one measure, with their sources (the rule: ``backcare.change``).

    ``source`` is shown to people; ``floor_note`` is for reviewers only (why the floor has
    its value) and never appears in patient-facing text. ``scale_max``, ``decimals`` and
    ``unit`` are the measure's own: an instrument's MIC is made from its registry entry
    (``Instrument.mic``), so they are written once.
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
class MicThresholds:
    """A minimal important change as its source gives it; the instrument adds its scale."""

    points: float
    fraction: float
    floor: float
    source: str  # shown to people
    floor_note: str  # reviewers only: why the floor has its value


@dataclass(frozen=True)
class Instrument(Generic[R]):
    """One questionnaire: everything the pages, the diary, the charts and the clinician
    summary need to know about it."""

    id: str  # the data file's id, the diary's instrument id and the session's result name
    name: str  # in charts, trends and the clinician summary ("Oswestry Disability Index")
    short_name: str  # on tabs and in short tables ("Oswestry")
    load: Callable[[], Tool]  # the data file, read and checked (cached)
    score: Callable[[Sequence[Any]], R]  # the answers as the form gives them; ValueError if bad
    worked: Callable[[R], Worked]  # the result as the clinician summary prints it
    scale_max: float  # scores run from 0 to this
    decimals: int  # how a score is shown: 0 = whole numbers, 1 = one decimal
    unit: str  # what a score is written with ("%" or "")
    thresholds: MicThresholds | None  # its minimal important change, with the source ...
    no_mic: str | None = None  # ... or why there is none, in words people read in the trends
    loinc: str | None = None  # the LOINC code of the score, or None ...
    loinc_note: str = LOINC_TO_COME  # ... where the code comes from, or why there is none
    better: Better = "lower"

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher"):
            raise ValueError(f"{self.id}: better must be 'lower' or 'higher'")
        if (self.thresholds is None) == (self.no_mic is None):
            raise ValueError(f"{self.id}: give a minimal important change or say why not")
        if self.thresholds is not None and self.better != "lower":
            raise ValueError(
                f"{self.id}: backcare/change.py judges change only where lower is better"
            )
        if self.loinc is None and not self.loinc_note.strip():
            raise ValueError(f"{self.id}: without a LOINC code, say why in loinc_note")

    @property
    def module(self) -> str:
        """The module that scores it (``backcare.screening.<id>``)."""
        return self.score.__module__

    @property
    def data_file(self) -> Path:
        """Its wording, notices, rules and cut-offs, each with its source."""
        return INSTRUMENTS_DIR / f"{self.id}.toml"

    @cached_property
    def mic(self) -> MinimalImportantChange | None:
        """The minimal important change on this instrument's scale (``backcare.change``)."""
        t = self.thresholds
        if t is None:
            return None
        return MinimalImportantChange(
            self.id, t.points, t.fraction, t.floor, self.scale_max, self.decimals, self.unit,
            t.source, t.floor_note,
        )  # fmt: skip


# The registry, in the order the Screening page offers the questionnaires and the summary
# prints them.
_ENTRIES: tuple[Instrument[Any], ...] = (
    Instrument(
        id="start_back",
        name="STarT Back",
        short_name="STarT Back",
        load=load_start_back,
        score=start_back,
        worked=start_back_worked,
        scale_max=9.0,  # the total, 0-9 (Hill 2008), a whole number
        decimals=0,
        unit="",
        thresholds=None,
        no_mic="There is no agreed minimal important change for this tool; it sorts people "
        "into groups for care.",
    ),
    Instrument(
        id="oswestry",
        name="Oswestry Disability Index",
        short_name="Oswestry",
        load=load_oswestry,
        score=oswestry,
        worked=oswestry_worked,
        scale_max=100.0,  # percent, shown whole
        decimals=0,
        unit="%",
        thresholds=MicThresholds(
            points=10.0,
            fraction=0.30,
            floor=5.0,
            source="Ostelo et al., Spine 2008",
            floor_note=(
                "BackCare's choice (issue 12, 'about 5 points'): half the 10-point MIC. Ostelo "
                "2008 gives no floor for the 30% rule; below a score of about 17, 30% is under "
                "5 points, inside the ODI's measurement error (MDC about 10 points on mirror "
                "pages, clinical-facts section 2)."
            ),
        ),
    ),
    Instrument(
        id="peg",
        name="PEG",
        short_name="PEG",
        load=load_peg,
        score=peg_answers,
        worked=peg_worked,
        scale_max=10.0,  # the mean of three 0-10 items, to one decimal
        decimals=1,
        unit="",
        thresholds=MicThresholds(
            points=1.75,
            fraction=0.30,
            floor=1.0,
            source="Reed et al., J Pain 2023; Ostelo et al., Spine 2008",
            floor_note=(
                "Reed 2023 (PMC10859144): anchor-based MID mostly 1.0-1.75 points. The points "
                "threshold is the top of that range, the floor its bottom. The 30% rule is "
                "Ostelo 2008's for pain and function scales, applied to the PEG by BackCare "
                "(the PEG's own 30% figure comes only from secondary sources)."
            ),
        ),
    ),
)

INSTRUMENTS: dict[str, Instrument[Any]] = {entry.id: entry for entry in _ENTRIES}
"""Instrument id -> its entry, in the order the Screening page offers them."""

MIC: dict[str, MinimalImportantChange] = {
    entry.id: entry.mic for entry in _ENTRIES if entry.mic is not None
}
"""The instruments' minimal important changes (``backcare.change.MIC`` adds pain's)."""


def instrument(instrument_id: str) -> Instrument[Any]:
    """The registry entry for ``instrument_id``; ValueError naming the known ids if none."""
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        known = ", ".join(INSTRUMENTS)
        raise ValueError(f"unknown instrument {instrument_id!r}; expected one of {known}") from None
