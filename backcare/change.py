"""Is a change between two scores meaningful? Minimal important change (MIC) rules.

``MIC`` is the one table of thresholds: every other module imports it (or the functions
below) and copies no number. For all three measures lower is better.

The rule (issue 12, item 13):
- A **fall** is meaningful when it reaches the points threshold, or when it reaches 30% of
  the earlier score *and* is at least the floor. Without the floor, 30% of a low score is
  a tiny change (Oswestry 4% -> 2% is 50% lower but 2 points), well inside the day-to-day
  noise of the scale.
- A **rise** is "worse" only at the points threshold. The MIC is defined for improvement
  (Ostelo 2008); thresholds for deterioration differ and are less studied (e.g. the COMI
  study, Mannion et al., PMC2899314), so the relative rule is not used for a rise.

Sources:
- Ostelo RWJG et al. "Interpreting change scores for pain and functional status in low
  back pain: towards international consensus regarding minimal important change."
  Spine 2008;33(1):90-94. Oswestry 10 points or 30%; pain NRS 2 points or 30%.
- Farrar JT et al. Pain 2001;94:149-58: about 2 points or about 30% on a 0-10 pain scale.
- Reed DE, Stump TE, Monahan PO, Kroenke K. "Comparable minimally important differences
  and responsiveness of Brief Pain Inventory and PEG pain scales across six trials."
  J Pain 2023;25(1):142-52, PMC10859144: anchor-based MID for the PEG mostly 1.0-1.75
  points (distribution-based 0.6-1.2). Krebs 2009 only reports that PEG is sensitive to
  change, so it is not the source of a threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from backcare.diary.model import PAIN_MAX

TOLERANCE = 1e-9
"""Scores such as 6.1 - 4.1 are 1.9999999999999996 in floating point: a change within this
of a threshold counts as reaching it."""


@dataclass(frozen=True)
class MinimalImportantChange:
    """The thresholds for one measure, with their sources.

    ``source`` is shown to people; ``floor_note`` is for reviewers only (why the floor has
    its value) and never appears in patient-facing text.
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


MIC: dict[str, MinimalImportantChange] = {
    "oswestry": MinimalImportantChange(
        measure="oswestry",
        points=10.0,
        fraction=0.30,
        floor=5.0,
        scale_max=100.0,
        decimals=0,
        unit="%",
        source="Ostelo et al., Spine 2008",
        floor_note=(
            "BackCare's choice (issue 12, 'about 5 points'): half the 10-point MIC. Ostelo "
            "2008 gives no floor for the 30% rule; below a score of about 17, 30% is under 5 "
            "points, inside the ODI's measurement error (MDC about 10 points on mirror pages, "
            "clinical-facts section 2)."
        ),
    ),
    "pain": MinimalImportantChange(
        measure="pain",
        points=2.0,
        fraction=0.30,
        floor=1.0,
        scale_max=float(PAIN_MAX),
        decimals=1,
        unit="",
        source="Ostelo et al., Spine 2008; Farrar et al., Pain 2001",
        floor_note=(
            "BackCare's choice (issue 12, 'about 1 pain point'): one step of the 0-10 scale a "
            "person marks. Below a score of about 3.3, 30% is less than one step."
        ),
    ),
    "peg": MinimalImportantChange(
        measure="peg",
        points=1.75,
        fraction=0.30,
        floor=1.0,
        scale_max=10.0,
        decimals=1,
        unit="",
        source="Reed et al., J Pain 2023; Ostelo et al., Spine 2008",
        floor_note=(
            "Reed 2023 (PMC10859144): anchor-based MID mostly 1.0-1.75 points. The points "
            "threshold is the top of that range, the floor its bottom. The 30% rule is "
            "Ostelo 2008's for pain and function scales, applied to the PEG by BackCare "
            "(the PEG's own 30% figure comes only from secondary sources)."
        ),
    ),
}

Direction = Literal["better", "worse", "no_meaningful_change"]

VERDICTS: dict[str, str] = {
    "better": "a meaningful improvement",
    "worse": "a meaningful worsening",
    "no_meaningful_change": "less than a meaningful change",
}
"""The verdict in words, one per direction."""


def _mic(measure: str) -> MinimalImportantChange:
    try:
        return MIC[measure]
    except KeyError:
        raise ValueError(f"unknown measure {measure!r}; expected one of {sorted(MIC)}") from None


def _check(measure: str, name: str, value: object, mic: MinimalImportantChange) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{measure} {name} score must be a number, got {value!r}")
    if not 0 <= value <= mic.scale_max:  # also rejects NaN
        raise ValueError(f"{measure} {name} score must be 0-{mic.scale_max:g}, got {value}")
    return float(value)


def as_read(measure: str, value: float) -> float:
    """A score rounded the way people read it: Oswestry whole percent, 0-10 scales to one
    decimal. Compare scores *after* this, so the verdict fits the numbers on screen."""
    return round(float(value), _mic(measure).decimals)


def fmt_score(measure: str, value: float) -> str:
    """'36%' for Oswestry, '3.1' for pain and PEG."""
    mic = _mic(measure)
    return f"{value:.{mic.decimals}f}{mic.unit}"


def score_text(instrument: str, score: float) -> str:
    """Any saved screening score as people read it: a measure with a MIC by ``fmt_score``
    (Oswestry a whole percent, PEG one decimal); another (STarT Back's whole-number total)
    as it is."""
    return fmt_score(instrument, score) if instrument in MIC else f"{float(score):g}"


def fmt_points(measure: str, value: float) -> str:
    """A difference in points as people read it: '18 points', '1.0 point', '2.5 points'."""
    size = f"{abs(value):.{_mic(measure).decimals}f}"
    return f"{size} point" if float(size) == 1 else f"{size} points"


def fmt_percent(percent: float, threshold: float) -> str:
    """Whole percent, except that a value just under ``threshold`` (in %) that would round
    up to it reads 'just under 30%', so the text never shows 30% for a change under 30%."""
    shown = abs(percent)
    if shown < threshold - TOLERANCE and round(shown) >= threshold:
        return f"just under {threshold:.0f}%"
    return f"{shown:.0f}%"


@dataclass(frozen=True)
class Change:
    measure: str
    before: float
    after: float
    difference: float  # after - before; negative is better
    percent: float | None  # change relative to before, in %; None when before is 0
    direction: Direction
    rule: str
    source: str

    @property
    def meaningful(self) -> bool:
        return self.direction != "no_meaningful_change"

    @property
    def verdict(self) -> str:
        """'a meaningful improvement', 'a meaningful worsening' or 'less than a meaningful
        change'."""
        return VERDICTS[self.direction]

    @property
    def movement(self) -> str:
        """'down 2.0 points (33% lower)', 'up 10 points (50% higher)' or 'no change'."""
        if self.difference == 0:
            return "no change"
        way, more = ("down", "lower") if self.difference < 0 else ("up", "higher")
        text = f"{way} {fmt_points(self.measure, self.difference)}"
        if self.percent is None:
            return text
        share = fmt_percent(self.percent, MIC[self.measure].fraction * 100)
        return f"{text} ({share} {more})"


def meaningful_change(measure: str, before: float, after: float) -> Change:
    """Compare two scores of one measure against its minimal important change.

    A fall counts at ``points``, or at ``fraction`` of the earlier score when it is also at
    least ``floor`` points; a rise counts as worse only at ``points``.
    """
    mic = _mic(measure)
    before = _check(measure, "before", before, mic)
    after = _check(measure, "after", after, mic)
    difference = after - before
    percent = None if before == 0 else difference / before * 100
    fall, rise = -difference, difference
    if fall > 0 and (
        fall >= mic.points - TOLERANCE
        or (fall >= mic.fraction * before - TOLERANCE and fall >= mic.floor - TOLERANCE)
    ):
        direction: Direction = "better"
    elif rise > 0 and rise >= mic.points - TOLERANCE:
        direction = "worse"
    else:
        direction = "no_meaningful_change"
    return Change(measure, before, after, difference, percent, direction, mic.rule, mic.source)


def readable_target(measure: str, before: float) -> float | None:
    """``improvement_target`` as people read scores: the highest score written with the
    measure's decimals that is still a meaningful improvement (8.0 -> 6.2 on the PEG)."""
    target = improvement_target(measure, before)
    if target is None:
        return None
    scale = 10 ** _mic(measure).decimals
    return math.floor(target * scale + TOLERANCE * scale) / scale


def improvement_target(measure: str, before: float) -> float | None:
    """The score at or below which a later score is a meaningful improvement on ``before``;
    None when no score on the scale would be (the earlier score is too low)."""
    mic = _mic(measure)
    before = _check(measure, "before", before, mic)
    needed = min(mic.points, max(mic.fraction * before, mic.floor))
    target = before - needed
    if target < -TOLERANCE:
        return None
    return max(0.0, target)
