"""Is a change between two scores meaningful? Minimal important change (MIC) rules.

Sources:
- Ostelo RWJG et al. "Interpreting change scores for pain and functional status in low
  back pain: towards international consensus regarding minimal important change."
  Spine 2008;33(1):90-94. Oswestry 10 points or 30%; pain NRS 2 points or 30%.
- Farrar JT et al. Pain 2001;94:149-58: about 2 points or about 30% on a 0-10 pain scale.
- PEG (0-10, Krebs 2009): the 30% threshold is from secondary sources (CDC 2022 guideline
  summaries); we use the pain-scale rule, 2 points or 30%, as the issue specifies.
For all three, lower is better.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from backcare.diary.model import PAIN_MAX


@dataclass(frozen=True)
class MinimalImportantChange:
    measure: str
    points: float
    fraction: float
    scale_max: float
    source: str


MIC: dict[str, MinimalImportantChange] = {
    "oswestry": MinimalImportantChange(
        "oswestry", 10.0, 0.30, 100.0, "Ostelo et al., Spine 2008;33(1):90-94"
    ),
    "pain": MinimalImportantChange(
        "pain", 2.0, 0.30, float(PAIN_MAX), "Ostelo et al., Spine 2008; Farrar et al., Pain 2001"
    ),
    "peg": MinimalImportantChange(
        "peg", 2.0, 0.30, 10.0, "Krebs et al., J Gen Intern Med 2009; Ostelo et al., Spine 2008"
    ),
}

Direction = Literal["better", "worse", "no_meaningful_change"]


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


def meaningful_change(measure: str, before: float, after: float) -> Change:
    """Compare two scores of one measure against its minimal important change.

    A change counts when it reaches the points threshold *or* the 30% threshold
    (relative to the earlier score), in either direction.
    """
    try:
        mic = MIC[measure]
    except KeyError:
        raise ValueError(f"unknown measure {measure!r}; expected one of {sorted(MIC)}") from None
    for name, value in (("before", before), ("after", after)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{measure} {name} score must be a number, got {value!r}")
        if not 0 <= value <= mic.scale_max:
            raise ValueError(f"{measure} {name} score must be 0-{mic.scale_max:g}, got {value}")
    difference = after - before
    percent = None if before == 0 else difference / before * 100
    reaches = abs(difference) >= mic.points or (
        percent is not None and abs(percent) >= mic.fraction * 100
    )
    if not reaches or difference == 0:
        direction: Direction = "no_meaningful_change"
    else:
        direction = "better" if difference < 0 else "worse"
    rule = f"{mic.points:g} points or {mic.fraction:.0%} of the earlier score"
    return Change(measure, before, after, difference, percent, direction, rule, mic.source)
