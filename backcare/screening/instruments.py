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
- Ostelo RWJG et al. Spine 2008;33(1):90-94: Roland-Morris 5 points or 30%.
- PSFS (higher is better): Stratford P et al. Physiother Can 1995;47:258-63 (the authors'
  form: a change of 2 points on the average score is beyond measurement error, 90% CI);
  Abbott JH, Schmitt JS. J Orthop Sports Phys Ther 2014;44(8):560-4 (anchor-based minimum
  important difference 1.3 to 2.7 points; 2.3 for a medium change).
- STarT Back: none published for its total; it sorts people into risk groups for matched
  care (Hill JC et al. Lancet 2011;378:1560-71).

LOINC codes: each data file's ``[loinc]`` table, looked up and cited there (or why there are
none); ``Instrument.codes`` reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from backcare.screening import oswestry, peg, psfs, rmdq, start_back
from backcare.screening.base import (
    INSTRUMENTS_DIR,
    LoincCodes,
    QuestionnaireResult,
    Tool,
    Worked,
    format_score,
    load_codes,
    load_toml,
)

Better = Literal["lower", "higher"]
R = TypeVar("R", bound=QuestionnaireResult)


@dataclass(frozen=True)
class MinimalImportantChange:
    """The thresholds for one measure, with their sources (the rule: ``backcare.change``).

    ``source`` is shown to people; ``floor_note`` is for reviewers only (why the floor has
    its value) and never appears in patient-facing text. ``scale_max``, ``decimals``,
    ``unit`` and ``better`` are the measure's own: an instrument's MIC is made from its
    registry entry (``Instrument.mic``), so they are written once. ``better`` is the
    direction of improvement: "lower" (pain, disability) or "higher" (PSFS ability).
    """

    measure: str
    points: float  # an improvement of at least this many points counts ...
    fraction: float | None  # ... or one of at least this share of the earlier score ...
    floor: float | None  # ... when it is also at least this many points (None: no such rule)
    scale_max: float
    decimals: int  # how people read a score: 0 = whole numbers (Oswestry %), 1 = one decimal
    unit: str  # what a score is written with: "%" for Oswestry, "" for the 0-10 scales
    source: str
    floor_note: str
    better: Better = "lower"

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher"):
            raise ValueError(f"{self.measure}: better must be 'lower' or 'higher'")
        if (self.fraction is None) != (self.floor is None):
            raise ValueError(f"{self.measure}: give both a fraction and a floor, or neither")
        if self.better == "higher" and self.fraction is not None:
            # "30% of the earlier score" is defined for falls (Ostelo 2008); a rise from a
            # low score would count too easily. No source gives one for a rise.
            raise ValueError(f"{self.measure}: a relative (30%) rule needs better='lower'")

    @property
    def improves(self) -> str:
        """The way a score moves when it gets better: 'fall' or 'rise'."""
        return "fall" if self.better == "lower" else "rise"

    @property
    def worsens(self) -> str:
        return "rise" if self.better == "lower" else "fall"

    @property
    def smallest(self) -> float:
        """The smallest improvement that can ever count (the floor, else the points)."""
        return self.points if self.floor is None else min(self.points, self.floor)

    @property
    def rule(self) -> str:
        """The rule in words: 'a fall of at least 2 points, or a fall of at least 30% ...'."""
        text = f"a {self.improves} of at least {_points(self.points)}"
        if self.fraction is not None and self.floor is not None:
            text += (
                f", or a {self.improves} of at least {self.fraction:.0%} of the earlier score "
                f"that is also at least {_points(self.floor)},"
            )
        return (
            f"{text} counts as better; only a {self.worsens} of at least "
            f"{_points(self.points)} counts as worse"
        )


def _points(value: float) -> str:
    return f"{value:g} point" if value == 1 else f"{value:g} points"


@dataclass(frozen=True)
class MicThresholds:
    """A minimal important change as its source gives it; the instrument adds its scale and
    its direction (``better``)."""

    points: float
    fraction: float | None  # None: no relative rule (the source gives none)
    floor: float | None
    source: str  # shown to people
    floor_note: str  # reviewers only: why the thresholds have their values


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
    better: Better = "lower"

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher"):
            raise ValueError(f"{self.id}: better must be 'lower' or 'higher'")
        if (self.thresholds is None) == (self.no_mic is None):
            raise ValueError(f"{self.id}: give a minimal important change or say why not")

    @property
    def module(self) -> str:
        """The module that scores it (``backcare.screening.<id>``)."""
        return self.score.__module__

    @property
    def data_file(self) -> Path:
        """Its wording, notices, rules and cut-offs, each with its source."""
        return INSTRUMENTS_DIR / f"{self.id}.toml"

    def shown(self, value: float) -> str:
        """A score as people read it ('36%', '4.3', '5'): the one formatter, with this
        instrument's decimals and unit."""
        return format_score(value, self.decimals, self.unit)

    @cached_property
    def codes(self) -> LoincCodes:
        """Its LOINC codes from the data file's ``[loinc]`` table (or why there are none)."""
        return load_codes(load_toml(self.data_file), self.data_file.name)

    @property
    def loinc(self) -> str | None:
        """The LOINC code of its score, or None where LOINC has none."""
        return self.codes.scores["score"].code if self.codes.found else None

    @property
    def loinc_note(self) -> str:
        """Where the codes come from, or why there are none."""
        return self.codes.source or self.codes.none

    @cached_property
    def mic(self) -> MinimalImportantChange | None:
        """The minimal important change on this instrument's scale (``backcare.change``)."""
        t = self.thresholds
        if t is None:
            return None
        return MinimalImportantChange(
            self.id, t.points, t.fraction, t.floor, self.scale_max, self.decimals, self.unit,
            t.source, t.floor_note, self.better,
        )  # fmt: skip


# The registry, in the order the Screening page offers the questionnaires and the summary
# prints them.
_ENTRIES: tuple[Instrument[Any], ...] = (
    Instrument(
        id="start_back",
        name="STarT Back",
        short_name="STarT Back",
        load=start_back.load_start_back,
        score=start_back.start_back,
        worked=start_back.worked,
        scale_max=9.0,  # the total, 0-9 (Hill 2008), a whole number
        decimals=start_back.DECIMALS,
        unit=start_back.UNIT,
        thresholds=None,
        no_mic="There is no agreed minimal important change for this tool; it sorts people "
        "into groups for care.",
    ),
    Instrument(
        id="oswestry",
        name="Oswestry Disability Index",
        short_name="Oswestry",
        load=oswestry.load_oswestry,
        score=oswestry.oswestry,
        worked=oswestry.worked,
        scale_max=100.0,  # percent, shown whole
        decimals=oswestry.DECIMALS,
        unit=oswestry.UNIT,
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
        id="rmdq",
        name="Roland-Morris Disability Questionnaire",
        short_name="Roland-Morris",
        load=rmdq.load_rmdq,
        score=rmdq.rmdq,
        worked=rmdq.worked,
        scale_max=24.0,  # sentences ticked, 0-24 (Roland & Fairbank 2000), a whole number
        decimals=rmdq.DECIMALS,
        unit=rmdq.UNIT,
        thresholds=MicThresholds(
            points=5.0,
            fraction=0.30,
            floor=2.0,
            source="Ostelo et al., Spine 2008",
            floor_note=(
                "Ostelo 2008: 5 points or 30%. The 2-point floor is BackCare's choice, in the "
                "spirit of Oswestry's (half the points threshold, rounded down): below a score "
                "of about 7, 30% is 2 sentences or fewer, and scores under 4 may not show "
                "change at all (floor effect, clinical-facts section 3)."
            ),
        ),
    ),
    Instrument(
        id="peg",
        name="PEG",
        short_name="PEG",
        load=peg.load_peg,
        score=peg.peg_answers,
        worked=peg.worked,
        scale_max=10.0,  # the mean of three 0-10 items, to one decimal
        decimals=peg.DECIMALS,
        unit=peg.UNIT,
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
    Instrument(
        id="psfs",
        name="Patient-Specific Functional Scale",
        short_name="PSFS",
        load=psfs.load_psfs,
        score=psfs.psfs_answers,
        worked=psfs.worked,
        scale_max=10.0,  # the average of 0-10 ratings, to one decimal
        decimals=psfs.DECIMALS,
        unit=psfs.UNIT,
        better="higher",  # 10 = able to do the activity as before the problem
        thresholds=MicThresholds(
            points=2.0,
            fraction=None,
            floor=None,
            source="Stratford et al., Physiother Can 1995; Abbott & Schmitt, JOSPT 2014",
            floor_note=(
                "2 points on the average score is the change the authors' form gives as beyond "
                "measurement error (minimum detectable change, 90% CI; Stratford 1995). Abbott "
                "& Schmitt 2014 (1,708 patients): anchor-based MID 1.3 (small), 2.3 (medium), "
                "2.7 (large) points, stable across body regions; 2 points lies in that range. "
                "No relative (30%) rule is published for the PSFS, so none is used."
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
