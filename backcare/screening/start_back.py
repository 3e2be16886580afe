"""Keele STarT Back Screening Tool (9 items): load its data file and score it openly.

Source: Hill JC et al. Arthritis Rheum 2008;59(5):632-41; Keele University (details in
``data/instruments/start_back.toml``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from backcare.screening import base
from backcare.screening.base import Tool, Worked

ID = "start_back"
DATA_FILE = base.INSTRUMENTS_DIR / f"{ID}.toml"
Risk = Literal["low", "medium", "high"]
RISKS: tuple[Risk, ...] = ("low", "medium", "high")  # the risk groups (Hill 2008)
DECIMALS, UNIT = 0, ""  # the total, 0-9, a whole number


def as_risk(value: object) -> Risk | None:
    """``value`` as a risk group id, or None when it is not one."""
    for risk in RISKS:
        if value == risk:
            return risk
    return None


@dataclass(frozen=True)
class StartBackItem:
    number: int
    text: str
    domain: str
    options: tuple[str, ...]
    points: tuple[int, ...]
    psychosocial: bool


@dataclass(frozen=True)
class RiskGroup:
    id: str
    label: str
    rule: str
    meaning: str
    source: str


@dataclass(frozen=True)
class StartBackTool(Tool):
    period: str
    funding: str
    clinician_note: str
    clinician_note_source: str
    items: tuple[StartBackItem, ...]
    risks: dict[str, RiskGroup]
    low_total_at_most: int  # total at or below this: low risk (cut-offs: the data file)
    high_distress_at_least: int  # else distress part at or above this: high; else medium

    @property
    def notice(self) -> str:
        """Keele's copyright and funding statement, as the form shows it."""
        return f"{self.copyright} {self.funding}"


@cache
def load_start_back(path: Path = DATA_FILE) -> StartBackTool:
    raw = base.load_toml(path)
    where = path.name
    agree = tuple(raw["agree_options"])
    agree_points = tuple(raw["agree_points"])
    items = []
    for item in raw["items"]:
        options = tuple(item.get("options", agree))
        points = tuple(item.get("points", agree_points))
        if len(options) != len(points):
            raise ValueError(f"{where}: item {item['number']}: options and points differ in length")
        items.append(
            StartBackItem(
                number=item["number"],
                text=base.field_text(item, "text", where),
                domain=base.field_text(item, "domain", where),
                options=options,
                points=points,
                psychosocial=bool(item.get("psychosocial", False)),
            )
        )
    if [i.number for i in items] != list(range(1, 10)):
        raise ValueError(f"{where}: expected items numbered 1 to 9")
    risks = {
        key: RiskGroup(
            id=key,
            label=base.field_text(r, "label", where),
            rule=base.field_text(r, "rule", where),
            meaning=base.field_text(r, "meaning", where),
            source=base.field_text(r, "source", where),
        )
        for key, r in raw["risks"].items()
    }
    if set(risks) != set(RISKS):
        raise ValueError(f"{where}: risks must be low, medium and high")
    cutoffs = raw.get("cutoffs", {})
    low, high = cutoffs.get("low_total_at_most"), cutoffs.get("high_distress_at_least")
    distress_items = sum(i.psychosocial for i in items)
    if not (base.is_int(low) and 0 <= low < len(items)) or not (
        base.is_int(high) and 0 < high <= distress_items
    ):
        raise ValueError(
            f"{where}: [cutoffs] needs low_total_at_most (0 to {len(items) - 1}) and "
            f"high_distress_at_least (1 to {distress_items})"
        )
    return StartBackTool(
        **base.tool_fields(raw, where),
        period=base.field_text(raw, "period", where),
        funding=base.field_text(raw, "funding", where),
        clinician_note=base.field_text(raw, "clinician_note", where),
        clinician_note_source=base.field_text(raw, "clinician_note_source", where),
        items=tuple(items),
        risks=risks,
        low_total_at_most=low,
        high_distress_at_least=high,
    )


@dataclass(frozen=True)
class StartBackResult:
    answers: tuple[int, ...]  # the 9 answers as given (item 9 is 0..4)
    item_points: tuple[int, ...]  # points each item scored (0 or 1)
    total: int  # 0..9
    psychosocial: int  # items 5-9, 0..5
    risk: Risk
    risk_label: str
    meaning: str
    rule: str
    source: str
    score: float  # the total as a float, for the diary (date, instrument, score)
    instrument: str = ID

    @property
    def leg_pain(self) -> bool:
        """Item 1: back pain spread down the leg(s) in the last 2 weeks."""
        return self.answers[0] == 1

    def saved_details(self) -> dict[str, str | int]:
        return {"risk": self.risk, "psychosocial": self.psychosocial}


def start_back(answers: Sequence[int]) -> StartBackResult:
    """Score the 9-item STarT Back tool.

    ``answers``: items 1-8 are 0 (disagree) or 1 (agree); item 9 is 0..4 (not at all,
    slightly, moderately, very much, extremely), where only 3 and 4 score a point.
    Low: total <= 3; high: psychosocial (items 5-9) >= 4; otherwise medium (Hill 2008; the
    cut-offs are read from the data file, beside their wording).
    """
    tool = load_start_back()
    items = base.answers_list(answers, len(tool.items), "STarT Back")
    points: list[int] = []
    for item, answer in zip(tool.items, items, strict=True):
        top = len(item.options) - 1
        if not base.is_int(answer) or not 0 <= answer <= top:
            raise ValueError(
                f"STarT Back item {item.number}: answer must be a whole number from 0 to "
                f"{top}, got {answer!r}"
            )
        points.append(item.points[answer])
    total = sum(points)
    psychosocial = sum(p for item, p in zip(tool.items, points, strict=True) if item.psychosocial)
    # Keele flowchart (Hill 2008): total 0-3 low; else subscale 4-5 high, 0-3 medium.
    if total <= tool.low_total_at_most:
        risk: Risk = "low"
    elif psychosocial >= tool.high_distress_at_least:
        risk = "high"
    else:
        risk = "medium"
    group = tool.risks[risk]
    return StartBackResult(
        answers=tuple(int(a) for a in items),
        item_points=tuple(points),
        total=total,
        psychosocial=psychosocial,
        risk=risk,
        risk_label=group.label,
        meaning=group.meaning,
        rule=group.rule,
        source=group.source,
        score=float(total),
    )


def worked(result: StartBackResult) -> Worked:
    """The result as the clinician summary prints it."""
    total = base.format_score(result.total, DECIMALS, UNIT)
    return Worked(
        "STarT Back (9 items)",
        f"{total} of 9, {result.risk_label}",
        f"{base.points_row('Items', result.item_points)}; total {total}, "
        f"psychosocial items 5-9: {result.psychosocial} of 5. {result.rule}",
        result.source,
    )
