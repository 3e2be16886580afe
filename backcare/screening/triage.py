"""Red-flag triage: the rule engine and the one triage vocabulary (``LEVELS``, ``Level``).

Every question, level, follow-up and combination rule lives in ``data/red_flags.toml``
with its source; this module loads and checks it and works out how soon to get checked.

Sources (details in the data file): NHS back pain page; Henschke 2009; Downie 2013;
Finucane 2020; NICE NG59/NG65.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

from backcare.paths import DATA_DIR
from backcare.screening.base import field_text, is_int, load_toml

RED_FLAGS_FILE = DATA_DIR / "red_flags.toml"

Level = Literal["emergency", "urgent", "gp", "self_care"]
LEVELS: tuple[Level, ...] = ("emergency", "urgent", "gp", "self_care")  # worst first
HOLD_LEVELS: tuple[Level, ...] = ("emergency", "urgent")
"""Levels that speak alone: they silence every reassurance and exercise suggestion until
resolved (their ``hold_exercise`` in the data file says the same; a test checks)."""


def as_level(value: object) -> Level | None:
    """``value`` as a triage level, or None when it is not one (e.g. a result kept by an
    older version of the code, or nothing)."""
    for level in LEVELS:
        if value == level:
            return level
    return None


def _level(value: str, where: str) -> Level:
    level = as_level(value)
    if level is None:
        raise ValueError(f"{where}: unknown level {value!r}")
    return level


@dataclass(frozen=True)
class LevelInfo:
    id: Level
    rank: int
    label: str
    action: str
    advice: str  # when at least one box was ticked
    advice_no_signs: str  # when none was (the same text if the file gives no other)
    hold_exercise: bool
    source: str


@dataclass(frozen=True)
class FollowUpOption:
    id: str
    label: str
    level: Level
    advice: str | None  # None: the flag's own advice


@dataclass(frozen=True)
class FollowUp:
    """A question asked only when its flag is ticked; an answer may change the flag's level.

    No answer counts as the flag's own level (the safe default)."""

    question: str
    source: str
    options: tuple[FollowUpOption, ...]

    def option(self, option_id: str) -> FollowUpOption:
        for option in self.options:
            if option.id == option_id:
                return option
        known = ", ".join(o.id for o in self.options)
        raise ValueError(f"unknown follow-up answer {option_id!r}; expected one of {known}")


@dataclass(frozen=True)
class Flag:
    id: str
    section: str
    question: str
    sign: str  # the sign's short name in lists (emergency notice, Learn, README)
    terms: tuple[str, ...]  # words that name the sign in free text (tests only)
    condition: str
    level: Level
    advice: str
    source: str
    follow_up: FollowUp | None = None


@dataclass(frozen=True)
class Fact:
    id: str
    field: str
    op: str
    value: float | None
    text: str
    source: str

    def holds(self, values: dict[str, Any]) -> bool:
        value = values[self.field]
        if self.op == "is_unknown":
            return value is None
        if self.op == "is_true":
            return value is True
        if self.op == "is_false":
            return value is False
        if self.op == "is_not_true":
            return value is not True
        if value is None:
            return False
        if self.op == ">":
            return value > self.value
        if self.op == ">=":
            return value >= self.value
        if self.op == "<":
            return value < self.value
        raise AssertionError(f"unknown op {self.op}")  # pragma: no cover - checked on load


@dataclass(frozen=True)
class RuleGroup:
    of: tuple[str, ...]
    at_least: int


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    groups: tuple[RuleGroup, ...]
    rule: str
    condition: str
    advice: str
    source: str
    sign: str | None = None  # an urgent combination's name in the Learn page's list

    def applies(self, present: frozenset[str]) -> bool:
        return all(sum(i in present for i in g.of) >= g.at_least for g in self.groups)


# The fact whose value is the NHS's "a few weeks" (see a GP if not improving): the one home
# of that number. Texts in the file say {not_improving_weeks}.
NOT_IMPROVING_FACT = "few_weeks_plus"


@dataclass(frozen=True)
class RedFlagRules:
    source: str
    intro: str
    caveat: str
    caveat_source: str
    hold_exercise_text: str
    held_text: str
    emergency_notice_template: str
    levels: dict[Level, LevelInfo]
    flags: tuple[Flag, ...]
    facts: tuple[Fact, ...]
    rules: tuple[Rule, ...]

    @property
    def flag_ids(self) -> frozenset[str]:
        return frozenset(f.id for f in self.flags)

    def flag(self, flag_id: str) -> Flag:
        for f in self.flags:
            if f.id == flag_id:
                return f
        raise ValueError(f"unknown red flag {flag_id!r}")

    def fact(self, fact_id: str) -> Fact:
        for fa in self.facts:
            if fa.id == fact_id:
                return fa
        raise ValueError(f"unknown fact {fact_id!r}")

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.section for f in self.flags))

    @property
    def not_improving_weeks(self) -> int:
        """The NHS's "a few weeks": not improving after this long -> see a GP."""
        return int(self.fact(NOT_IMPROVING_FACT).value or 0)

    def flags_at(self, level: Level) -> tuple[Flag, ...]:
        """The flags that give ``level`` on their own, in file order."""
        return tuple(f for f in self.flags if f.level == level)

    @property
    def emergency_signs(self) -> tuple[str, ...]:
        return tuple(f.sign for f in self.flags_at("emergency"))

    @property
    def emergency_notice(self) -> str:
        """The standing emergency notice as one sentence, listing every emergency sign."""
        *first, last = self.emergency_signs
        signs = "; ".join(first) + f"; or {last}" if first else last
        return self.emergency_notice_template.replace("{signs}", signs)

    @property
    def emergency_notice_markdown(self) -> str:
        """The same notice with the signs as a Markdown list (easier to read on a page)."""
        lead = self.emergency_notice_template.split("{signs}")[0].rstrip()
        return lead + "\n\n" + "\n".join(f"- {sign}" for sign in self.emergency_signs)


_FACT_FIELDS = {"age", "duration_weeks", "improving", "worsening"}
_FACT_OPS = {">", ">=", "<", "is_true", "is_false", "is_not_true", "is_unknown"}


def _follow_up(
    raw: dict[str, Any], flag_level: Level, levels: dict[Level, LevelInfo], w: str
) -> FollowUp:
    w = f"{w} follow-up"
    options = []
    for o in raw.get("options", []):
        wo = f"{w} option {o.get('id')!r}"
        level = _level(field_text(o, "level", wo), wo)
        if levels[level].rank > levels[flag_level].rank:
            raise ValueError(f"{wo}: a follow-up answer cannot be more serious than its flag")
        advice = field_text(o, "advice", wo) if "advice" in o else None
        if level != flag_level and advice is None:
            raise ValueError(f"{wo}: an answer that changes the level needs its own advice")
        options.append(
            FollowUpOption(field_text(o, "id", wo), field_text(o, "label", wo), level, advice)
        )
    if len(options) < 2 or len({o.id for o in options}) != len(options):
        raise ValueError(f"{w}: needs at least two options with different ids")
    if not any(o.id == "not_sure" and o.level == flag_level for o in options):
        raise ValueError(f"{w}: needs a 'not_sure' option at the flag's own level")
    return FollowUp(field_text(raw, "question", w), field_text(raw, "source", w), tuple(options))


@cache
def load_red_flags(path: Path = RED_FLAGS_FILE) -> RedFlagRules:
    """Read and check the red-flag file; a broken file raises ValueError naming the entry."""
    raw = load_toml(path)
    where = path.name
    facts = []
    for fa in raw["facts"]:
        w = f"{where} fact {fa.get('id')!r}"
        fact = Fact(
            id=field_text(fa, "id", w),
            field=field_text(fa, "field", w),
            op=field_text(fa, "op", w),
            value=fa.get("value"),
            text=field_text(fa, "text", w),
            source=field_text(fa, "source", w),
        )
        if fact.field not in _FACT_FIELDS or fact.op not in _FACT_OPS:
            raise ValueError(f"{w}: unknown field or op")
        if fact.op in {">", ">=", "<"} and not isinstance(fact.value, int | float):
            raise ValueError(f"{w}: op {fact.op} needs a number value")
        facts.append(fact)
    weeks = next((fa.value for fa in facts if fa.id == NOT_IMPROVING_FACT), None)
    if not isinstance(weeks, int) or weeks < 1:
        raise ValueError(f"{where}: fact {NOT_IMPROVING_FACT!r} must give a whole number of weeks")

    def text(item: dict[str, Any], key: str, w: str) -> str:
        """A checked text with {not_improving_weeks} filled in."""
        return field_text(item, key, w).replace("{not_improving_weeks}", str(weeks))

    facts = [replace(fa, text=fa.text.replace("{not_improving_weeks}", str(weeks))) for fa in facts]
    levels: dict[Level, LevelInfo] = {}
    for key, lv in raw["levels"].items():
        w = f"{where} level {key}"
        if (level_id := as_level(key)) is None:
            raise ValueError(f"{where}: levels must be exactly {LEVELS}")
        advice = text(lv, "advice", w)
        levels[level_id] = LevelInfo(
            id=level_id,
            rank=int(lv["rank"]),
            label=text(lv, "label", w),
            action=text(lv, "action", w),
            advice=advice,
            advice_no_signs=text(lv, "advice_no_signs", w) if "advice_no_signs" in lv else advice,
            hold_exercise=bool(lv["hold_exercise"]),
            source=text(lv, "source", w),
        )
    if set(levels) != set(LEVELS):
        raise ValueError(f"{where}: levels must be exactly {LEVELS}")
    flags = []
    for f in raw["flags"]:
        w = f"{where} flag {f.get('id')!r}"
        level = _level(field_text(f, "level", w), w)
        terms = f.get("terms", [])
        if not isinstance(terms, list) or not all(isinstance(t, str) and t for t in terms):
            raise ValueError(f"{w}: field 'terms' must be a list of words")
        if level in HOLD_LEVELS and not terms:
            raise ValueError(f"{w}: an emergency or urgent flag needs 'terms' (words naming it)")
        flags.append(
            Flag(
                id=field_text(f, "id", w),
                section=text(f, "section", w),
                question=text(f, "question", w),
                sign=text(f, "sign", w),
                terms=tuple(t.lower() for t in terms),
                condition=text(f, "condition", w),
                level=level,
                advice=text(f, "advice", w),
                source=text(f, "source", w),
                follow_up=_follow_up(f["follow_up"], level, levels, w)
                if "follow_up" in f
                else None,
            )
        )
    known = {f.id for f in flags} | {fa.id for fa in facts}
    if len(known) != len(flags) + len(facts):
        raise ValueError(f"{where}: flag and fact ids must be unique")
    rules = []
    for r in raw["rules"]:
        w = f"{where} rule {r.get('id')!r}"
        groups = tuple(RuleGroup(tuple(g["of"]), int(g["at_least"])) for g in r["groups"])
        for g in groups:
            unknown = set(g.of) - known
            if unknown:
                raise ValueError(f"{w}: unknown ids {sorted(unknown)}")
            if not 1 <= g.at_least <= len(g.of):
                raise ValueError(f"{w}: at_least must be between 1 and the group size")
        rule = Rule(
            id=field_text(r, "id", w),
            level=_level(field_text(r, "level", w), w),
            groups=groups,
            rule=text(r, "rule", w),
            condition=text(r, "condition", w),
            advice=text(r, "advice", w),
            source=text(r, "source", w),
            sign=text(r, "sign", w) if "sign" in r else None,
        )
        rules.append(rule)
    template = text(raw, "emergency_notice", where)
    if "{signs}" not in template:
        raise ValueError(f"{where}: 'emergency_notice' must contain {{signs}}")
    return RedFlagRules(
        source=text(raw, "source", where),
        intro=text(raw, "intro", where),
        caveat=text(raw, "caveat", where),
        caveat_source=text(raw, "caveat_source", where),
        hold_exercise_text=text(raw, "hold_exercise_text", where),
        held_text=text(raw, "held_text", where),
        emergency_notice_template=template,
        levels=levels,
        flags=tuple(flags),
        facts=tuple(facts),
        rules=tuple(rules),
    )


@dataclass(frozen=True)
class Reason:
    """Why the level is what it is: one ticked flag or one combination rule."""

    flag_id: str  # the flag id, or the rule id for a combination rule
    kind: Literal["flag", "rule"]
    level: Level  # the level this reason gives on its own (after any follow-up answer)
    condition: str  # what it may point to (never a diagnosis)
    question: str  # the question asked (flag) or the rule in words (rule)
    advice: str  # plain-language explanation
    source: str
    flags: tuple[str, ...]  # the flags and facts involved
    answer: str | None = None  # the follow-up answer given, in words (flags with one)


@dataclass(frozen=True)
class TriageResult:
    level: Level
    reasons: tuple[Reason, ...]  # most serious first
    flags: frozenset[str]
    age: int | None
    duration_weeks: float | None
    improving: bool | None
    label: str
    action: str
    advice: str
    hold_exercise: bool
    source: str
    instrument: str = "triage"
    worsening: bool | None = None
    follow_ups: tuple[tuple[str, str], ...] = ()  # (flag id, answer id), sorted

    @property
    def urgent_or_worse(self) -> bool:
        return self.level in HOLD_LEVELS


def _check_flags(flags: object, rules: RedFlagRules) -> frozenset[str]:
    if isinstance(flags, str | bytes) or not isinstance(flags, Iterable):
        raise ValueError(f"red flags: give a set of flag ids, not {flags!r}")
    ids = list(flags)
    for flag_id in ids:
        if not isinstance(flag_id, str):
            raise ValueError(f"red flags: flag ids are text, got {flag_id!r}")
        if flag_id not in rules.flag_ids:
            raise ValueError(
                f"red flags: unknown flag id {flag_id!r}; known ids are in data/red_flags.toml"
            )
    return frozenset(ids)


def _check_follow_ups(
    follow_ups: object, flags: frozenset[str], rules: RedFlagRules
) -> dict[str, FollowUpOption]:
    """Follow-up answers by flag id; each must belong to a ticked flag that has one."""
    if follow_ups is None:
        return {}
    if not isinstance(follow_ups, Mapping):
        raise ValueError(f"follow_ups: give answers as {{flag id: answer id}}, not {follow_ups!r}")
    chosen = {}
    for flag_id, answer in follow_ups.items():
        if flag_id not in rules.flag_ids:
            raise ValueError(f"follow_ups: unknown flag id {flag_id!r}")
        flag = rules.flag(flag_id)
        if flag.follow_up is None:
            raise ValueError(f"follow_ups: the question {flag_id!r} has no follow-up")
        if flag_id not in flags:
            raise ValueError(f"follow_ups: an answer for {flag_id!r}, which is not ticked")
        if not isinstance(answer, str):
            raise ValueError(f"follow_ups: the answer for {flag_id!r} must be an answer id")
        chosen[flag_id] = flag.follow_up.option(answer)
    return chosen


def _check_course(improving: object, worsening: object) -> None:
    if improving is not None and not isinstance(improving, bool):
        raise ValueError(f"improving: give True, False or None, got {improving!r}")
    if worsening is not None and not isinstance(worsening, bool):
        raise ValueError(f"worsening: give True, False or None, got {worsening!r}")
    if improving is True and worsening is True:
        raise ValueError("improving and worsening: the pain cannot be getting better and worse")


def triage(
    flags: Iterable[str],
    *,
    age: int | None = None,
    duration_weeks: float | None = None,
    improving: bool | None = None,
    worsening: bool | None = None,
    follow_ups: Mapping[str, str] | None = None,
) -> TriageResult:
    """How soon to get checked, from ticked red flags, age, duration and the pain's course.

    ``improving``: is the pain getting better (None = not sure); ``worsening``: is it getting
    worse (None = not said). ``follow_ups``: answers to the follow-up questions of ticked
    flags, ``{flag id: answer id}``; an unanswered follow-up keeps the flag's own level.
    The level is the most serious of: each ticked flag's level (after its follow-up), and
    every combination rule in ``data/red_flags.toml`` that applies; ``self_care`` when
    nothing applies. Unknown values (None) are handled as described at the top of the file.
    """
    rules = load_red_flags()
    present_flags = _check_flags(flags, rules)
    if age is not None and (not is_int(age) or not 0 <= age <= 120):
        raise ValueError(f"age: give a whole number of years from 0 to 120, got {age!r}")
    if duration_weeks is not None and (
        isinstance(duration_weeks, bool)
        or not isinstance(duration_weeks, numbers.Real)
        or not 0 <= duration_weeks <= 5200
    ):
        raise ValueError(
            f"duration_weeks: give the number of weeks (0 or more), got {duration_weeks!r}"
        )
    _check_course(improving, worsening)
    answers = _check_follow_ups(follow_ups, present_flags, rules)

    values = {
        "age": age,
        "duration_weeks": duration_weeks,
        "improving": improving,
        "worsening": worsening,
    }
    facts = frozenset(fa.id for fa in rules.facts if fa.holds(values))
    present = present_flags | facts

    reasons: list[Reason] = []
    for flag in rules.flags:  # file order, stable
        if flag.id in present_flags:
            option = answers.get(flag.id)
            source = flag.source
            if option is not None and option.level != flag.level and flag.follow_up is not None:
                source = f"{flag.source}; {flag.follow_up.source}"  # the answer changed the level
            reasons.append(
                Reason(
                    flag_id=flag.id,
                    kind="flag",
                    level=flag.level if option is None else option.level,
                    condition=flag.condition,
                    question=flag.question,
                    advice=(option and option.advice) or flag.advice,
                    source=source,
                    flags=(flag.id,),
                    answer=None if option is None else option.label,
                )
            )
    for rule in rules.rules:
        if rule.applies(present):
            involved = tuple(i for g in rule.groups for i in g.of if i in present)
            reasons.append(
                Reason(
                    flag_id=rule.id,
                    kind="rule",
                    level=rule.level,
                    condition=rule.condition,
                    question=rule.rule,
                    advice=rule.advice,
                    source=rule.source,
                    flags=involved,
                )
            )
    rank = {key: info.rank for key, info in rules.levels.items()}
    reasons.sort(key=lambda r: -rank[r.level])  # stable: file order within a level
    none: Level = "self_care"
    level = max((r.level for r in reasons), key=rank.__getitem__, default=none)
    info = rules.levels[level]
    return TriageResult(
        level=level,
        reasons=tuple(reasons),
        flags=present_flags,
        age=age,
        duration_weeks=duration_weeks,
        improving=improving,
        label=info.label,
        action=info.action,
        advice=info.advice if present_flags else info.advice_no_signs,
        hold_exercise=info.hold_exercise,
        source=info.source,
        worsening=worsening,
        follow_ups=tuple(sorted((k, v.id) for k, v in answers.items())),
    )


def level_rank(level: str) -> int:
    """0 (self_care) .. 3 (emergency); raises ValueError for an unknown level."""
    known = as_level(level)
    if known is None:
        raise ValueError(f"unknown triage level {level!r}; expected one of {LEVELS}")
    return load_red_flags().levels[known].rank
