"""Is a change between two scores meaningful? Minimal important change (MIC) rules.

``MIC`` is the one table of thresholds: pain's is written here, each questionnaire's in its
registry entry (``backcare.screening.instruments``); every other module imports the table
(or the functions below) and copies no number. How a score is shown (decimals, unit) and
which way is better (``better``: "lower" for pain and disability, "higher" for the PSFS's
ability ratings) are read from the same entries.

The rule (issue 12, item 13), written for lower-is-better; for a higher-is-better measure
"fall" and "rise" swap:
- A **fall** is meaningful when it reaches the points threshold, or when it reaches 30% of
  the earlier score *and* is at least the floor. Without the floor, 30% of a low score is
  a tiny change (Oswestry 4% -> 2% is 50% lower but 2 points), well inside the day-to-day
  noise of the scale. A measure whose source gives no relative rule (the PSFS) has no
  fraction and no floor: only the points count.
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
from backcare.screening.base import format_score
from backcare.screening.instruments import INSTRUMENTS, MinimalImportantChange
from backcare.screening.instruments import MIC as INSTRUMENT_MIC

TOLERANCE = 1e-9
"""Scores such as 6.1 - 4.1 are 1.9999999999999996 in floating point: a change within this
of a threshold counts as reaching it."""


PAIN = MinimalImportantChange(
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
)
"""The diary's 0-10 pain scale (not a questionnaire, so not in the registry)."""

MIC: dict[str, MinimalImportantChange] = {"pain": PAIN, **INSTRUMENT_MIC}
"""The one table of thresholds: pain's, and each questionnaire's from its registry entry
(``backcare.screening.instruments``, where each is written once with its source)."""

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


def _reading(measure: str) -> tuple[int, str]:
    """(decimals, unit) of a measure as people read it: a questionnaire's from its registry
    entry, pain's from ``PAIN``."""
    if measure in INSTRUMENTS:
        entry = INSTRUMENTS[measure]
        return entry.decimals, entry.unit
    mic = _mic(measure)
    return mic.decimals, mic.unit


def as_read(measure: str, value: float) -> float:
    """A score rounded the way people read it: Oswestry whole percent, 0-10 scales to one
    decimal. Compare scores *after* this, so the verdict fits the numbers on screen."""
    return round(float(value), _reading(measure)[0])


def fmt_score(measure: str, value: float) -> str:
    """'36%' for Oswestry, '3.1' for pain and PEG, '5' for STarT Back (the one formatter,
    ``backcare.screening.base.format_score``, with the measure's decimals and unit)."""
    decimals, unit = _reading(measure)
    return format_score(value, decimals, unit)


def fmt_points(measure: str, value: float) -> str:
    """A difference in points as people read it: '18 points', '1.0 point', '2.5 points'."""
    size = f"{abs(value):.{_reading(measure)[0]}f}"
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
    difference: float  # after - before; negative is better where lower is better
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
        fraction = MIC[self.measure].fraction
        share = (
            f"{abs(self.percent):.0f}%"
            if fraction is None
            else fmt_percent(self.percent, fraction * 100)
        )
        return f"{text} ({share} {more})"


def meaningful_change(measure: str, before: float, after: float) -> Change:
    """Compare two scores of one measure against its minimal important change.

    An improvement (a fall where lower is better, a rise where higher is better) counts at
    ``points``, or at ``fraction`` of the earlier score when it is also at least ``floor``
    points; a change the other way counts as worse only at ``points``.
    """
    mic = _mic(measure)
    before = _check(measure, "before", before, mic)
    after = _check(measure, "after", after, mic)
    difference = after - before
    percent = None if before == 0 else difference / before * 100
    gain = -difference if mic.better == "lower" else difference  # > 0: an improvement
    relative = (
        mic.fraction is not None
        and mic.floor is not None
        and gain >= mic.fraction * before - TOLERANCE
        and gain >= mic.floor - TOLERANCE
    )
    if gain > 0 and (gain >= mic.points - TOLERANCE or relative):
        direction: Direction = "better"
    elif gain < 0 and -gain >= mic.points - TOLERANCE:
        direction = "worse"
    else:
        direction = "no_meaningful_change"
    return Change(measure, before, after, difference, percent, direction, mic.rule, mic.source)


def readable_target(measure: str, before: float) -> float | None:
    """``improvement_target`` as people read scores: the score written with the measure's
    decimals nearest the earlier one that is still a meaningful improvement (8.0 -> 6.2 on
    the PEG; 4.0 -> 6.0 on the PSFS)."""
    target = improvement_target(measure, before)
    if target is None:
        return None
    scale = 10 ** _reading(measure)[0]
    if MIC[measure].better == "higher":
        return math.ceil(target * scale - TOLERANCE * scale) / scale
    return math.floor(target * scale + TOLERANCE * scale) / scale


def improvement_target(measure: str, before: float) -> float | None:
    """The score from which on a later score is a meaningful improvement on ``before`` (at
    or below it where lower is better, at or above it where higher is better); None when no
    score on the scale would be (the earlier score is already too near the best end)."""
    mic = _mic(measure)
    before = _check(measure, "before", before, mic)
    if mic.better == "higher":
        target = before + mic.points
        return None if target > mic.scale_max + TOLERANCE else min(mic.scale_max, target)
    needed = mic.points
    if mic.fraction is not None and mic.floor is not None:
        needed = min(mic.points, max(mic.fraction * before, mic.floor))
    target = before - needed
    if target < -TOLERANCE:
        return None
    return max(0.0, target)
