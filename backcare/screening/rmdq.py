"""Roland-Morris Disability Questionnaire (RMDQ, 24 items): load its data file and score it.

Source: Roland MO, Morris RW. Spine 1983;8(2):141-4; Roland M, Fairbank J. Spine
2000;25(24):3115-24 (details in ``data/instruments/rmdq.toml``). The person ticks the
sentences that describe them today (the developers advise against an explicit yes/no);
the score is the number ticked, 0-24, higher is worse. Its minimal important change
(Ostelo et al. Spine 2008: 5 points or 30%) is in its registry entry,
``backcare.screening.instruments``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backcare.screening import base
from backcare.screening.base import Tool, Worked

ID = "rmdq"
DATA_FILE = base.INSTRUMENTS_DIR / f"{ID}.toml"
ITEMS = 24
DECIMALS, UNIT = 0, ""  # the number of sentences ticked


@dataclass(frozen=True)
class RmdqTool(Tool):
    instructions: str
    meaning: str
    meaning_source: str
    items: tuple[str, ...]


@cache
def load_rmdq(path: Path = DATA_FILE) -> RmdqTool:
    raw = base.load_toml(path)
    where = path.name
    items = tuple(" ".join(str(text).split()) for text in raw.get("items", ()))
    if len(items) != ITEMS or not all(items):
        raise ValueError(f"{where}: expected {ITEMS} non-empty sentences in items")
    return RmdqTool(
        **base.tool_fields(raw, where),
        instructions=base.paragraphs(raw, "instructions", where),
        meaning=base.field_text(raw, "meaning", where),
        meaning_source=base.field_text(raw, "meaning_source", where),
        items=items,
    )


@dataclass(frozen=True)
class RmdqResult:
    answers: tuple[bool, ...]  # 24: True = ticked ("describes me today")
    item_points: tuple[int, ...]  # 1 per ticked sentence, else 0
    total: int  # 0..24
    rule: str
    source: str
    score: float  # the total, for the diary (date, instrument, score)
    instrument: str = ID

    @property
    def ticked(self) -> tuple[int, ...]:
        """Numbers (1-24) of the sentences ticked."""
        return tuple(n for n, tick in enumerate(self.answers, start=1) if tick)

    def saved_details(self) -> dict[str, str | int]:
        return {"ticked": ",".join(map(str, self.ticked))}


def _tick(number: int, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if base.is_int(value) and value in (0, 1):
        return bool(value)
    raise ValueError(
        f"RMDQ sentence {number}: give True (ticked) or False (not ticked), or 1 or 0, "
        f"got {value!r}"
    )


def rmdq(answers: Sequence[bool | int]) -> RmdqResult:
    """Score the RMDQ: 24 answers, each True/1 (ticked) or False/0; score = number ticked.

    ValueError names the problem: a wrong number of answers, or a value that is not a tick.
    """
    tool = load_rmdq()
    items = base.answers_list(answers, ITEMS, "RMDQ")
    ticks = tuple(_tick(n, value) for n, value in enumerate(items, start=1))
    points = tuple(int(t) for t in ticks)
    total = sum(points)
    return RmdqResult(
        answers=ticks,
        item_points=points,
        total=total,
        rule=tool.rule,
        source=tool.source,
        score=float(total),
    )


def worked(result: RmdqResult) -> Worked:
    """The result as the clinician summary prints it."""
    ticked = ", ".join(map(str, result.ticked)) or "none"
    return Worked(
        "Roland-Morris (24 items)",
        f"{base.format_score(result.total, DECIMALS, UNIT)} of {ITEMS}",
        f"Sentences ticked: {ticked}. {result.rule}",
        result.source,
    )
