"""Symptom screening: red-flag triage, Keele STarT Back, Oswestry (ODI v2.1a) and PEG.

Pure Python: every rule, cut-off and wording lives in ``data/red_flags.toml`` and
``data/instruments/*.toml`` with its source; this module loads them, checks answers and
scores them openly (each result keeps the points per item, the rule and the source).

Sources (details in the data files):
- STarT Back: Hill JC et al. Arthritis Rheum 2008;59(5):632-41; Keele University.
- Oswestry: Fairbank JC, Pynsent PB. Spine 2000;25(22):2940-52.
- PEG: Krebs EE et al. J Gen Intern Med 2009;24(6):733-8.
- Red flags: NHS back pain page; Henschke 2009; Downie 2013; Finucane 2020; NICE NG59/NG65.
"""

from __future__ import annotations

import numbers
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

from backcare.paths import DATA_DIR

RED_FLAGS_FILE = DATA_DIR / "red_flags.toml"
INSTRUMENTS_DIR = DATA_DIR / "instruments"

Level = Literal["emergency", "urgent", "gp", "self_care"]
LEVELS: tuple[str, ...] = ("emergency", "urgent", "gp", "self_care")  # worst first
Risk = Literal["low", "medium", "high"]
Band = Literal["minimal", "moderate", "severe", "very_severe", "extreme"]


# --------------------------------------------------------------------------------------
# Small checks
# --------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    """True for real integers; bool is not an answer here."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _answers_list(answers: object, expected: int, what: str) -> list[Any]:
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError(f"{what}: give the {expected} answers as a list, not {answers!r}")
    items = list(answers)
    if len(items) != expected:
        raise ValueError(f"{what}: expected {expected} answers, got {len(items)}")
    return items


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    try:
        value = raw[key]
    except KeyError:
        raise ValueError(f"{where}: missing field {key!r}") from None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: field {key!r} must be non-empty text")
    return " ".join(value.split())


def _load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


# --------------------------------------------------------------------------------------
# Keele STarT Back
# --------------------------------------------------------------------------------------


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
class StartBackTool:
    name: str
    version: str
    period: str
    copyright: str
    funding: str
    licence: str
    clinician_note: str
    clinician_note_source: str
    rule: str
    source: str
    items: tuple[StartBackItem, ...]
    risks: dict[str, RiskGroup]


@cache
def load_start_back(path: Path = INSTRUMENTS_DIR / "start_back.toml") -> StartBackTool:
    raw = _load_toml(path)
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
                text=_text(item, "text", where),
                domain=_text(item, "domain", where),
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
            label=_text(r, "label", where),
            rule=_text(r, "rule", where),
            meaning=_text(r, "meaning", where),
            source=_text(r, "source", where),
        )
        for key, r in raw["risks"].items()
    }
    if set(risks) != {"low", "medium", "high"}:
        raise ValueError(f"{where}: risks must be low, medium and high")
    return StartBackTool(
        name=_text(raw, "name", where),
        version=_text(raw, "version", where),
        period=_text(raw, "period", where),
        copyright=_text(raw, "copyright", where),
        funding=_text(raw, "funding", where),
        licence=_text(raw, "licence", where),
        clinician_note=_text(raw, "clinician_note", where),
        clinician_note_source=_text(raw, "clinician_note_source", where),
        rule=_text(raw, "rule", where),
        source=_text(raw, "source", where),
        items=tuple(items),
        risks=risks,
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
    instrument: str = "start_back"

    @property
    def leg_pain(self) -> bool:
        """Item 1: back pain spread down the leg(s) in the last 2 weeks."""
        return self.answers[0] == 1


def start_back(answers: Sequence[int]) -> StartBackResult:
    """Score the 9-item STarT Back tool.

    ``answers``: items 1-8 are 0 (disagree) or 1 (agree); item 9 is 0..4 (not at all,
    slightly, moderately, very much, extremely), where only 3 and 4 score a point.
    Low: total <= 3; high: psychosocial (items 5-9) >= 4; otherwise medium (Hill 2008).
    """
    tool = load_start_back()
    items = _answers_list(answers, len(tool.items), "STarT Back")
    points: list[int] = []
    for item, answer in zip(tool.items, items, strict=True):
        top = len(item.options) - 1
        if not _is_int(answer) or not 0 <= answer <= top:
            raise ValueError(
                f"STarT Back item {item.number}: answer must be a whole number from 0 to "
                f"{top}, got {answer!r}"
            )
        points.append(item.points[answer])
    total = sum(points)
    psychosocial = sum(p for item, p in zip(tool.items, points, strict=True) if item.psychosocial)
    # Keele flowchart (Hill 2008): total 0-3 low; else subscale 4-5 high, 0-3 medium.
    if total <= 3:
        risk: Risk = "low"
    elif psychosocial >= 4:
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


# --------------------------------------------------------------------------------------
# Oswestry Disability Index v2.1a
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OswestrySection:
    number: int
    title: str
    statements: tuple[str, ...]


@dataclass(frozen=True)
class OswestryBand:
    id: str
    upto: float
    label: str
    meaning: str
    source: str


@dataclass(frozen=True)
class OswestryTool:
    name: str
    version: str
    copyright: str
    licence: str
    instructions: str
    rule: str
    source: str
    max_missing: int
    skip_label: str
    missing_message: str
    sections: tuple[OswestrySection, ...]
    bands: tuple[OswestryBand, ...]


@cache
def load_oswestry(path: Path = INSTRUMENTS_DIR / "oswestry.toml") -> OswestryTool:
    raw = _load_toml(path)
    where = path.name
    sections = tuple(
        OswestrySection(s["number"], _text(s, "title", where), tuple(s["statements"]))
        for s in raw["sections"]
    )
    if len(sections) != 10 or any(len(s.statements) != 6 for s in sections):
        raise ValueError(f"{where}: expected 10 sections of 6 statements")
    bands = tuple(
        OswestryBand(
            id=b["id"],
            upto=float(b["upto"]),
            label=_text(b, "label", where),
            meaning=_text(b, "meaning", where),
            source=_text(b, "source", where),
        )
        for b in raw["bands"]
    )
    if [b.upto for b in bands] != sorted(b.upto for b in bands) or bands[-1].upto != 100:
        raise ValueError(f"{where}: bands must rise and end at 100")
    return OswestryTool(
        name=_text(raw, "name", where),
        version=_text(raw, "version", where),
        copyright=_text(raw, "copyright", where),
        licence=_text(raw, "licence", where),
        instructions=_text(raw, "instructions", where),
        rule=_text(raw, "rule", where),
        source=_text(raw, "source", where),
        max_missing=int(raw["max_missing"]),
        skip_label=_text(raw, "skip_label", where),
        missing_message=_text(raw, "missing_message", where),
        sections=sections,
        bands=bands,
    )


@dataclass(frozen=True)
class OswestryResult:
    answers: tuple[int | None, ...]  # 10 answers, None = left out
    item_points: tuple[int | None, ...]  # points per section (same as the answer)
    total: int  # sum of answered sections
    possible: int  # 5 x sections answered
    answered: int
    percent: float  # unrounded, 0..100
    band: Band
    band_label: str
    meaning: str
    rule: str
    source: str
    score: float  # the percent, for the diary (date, instrument, score)
    instrument: str = "oswestry"

    @property
    def skipped(self) -> tuple[int, ...]:
        """Numbers (1-10) of the sections left out."""
        return tuple(i for i, a in enumerate(self.answers, start=1) if a is None)


def oswestry_band(percent: float) -> OswestryBand:
    """The band whose range holds ``percent``: up to and including each band's top.

    So 20.0 is minimal and anything above 20 (such as 20.4) is moderate; the published
    bands 0-20, 21-40, ... are whole numbers and leave no gap this way.
    """
    if isinstance(percent, bool) or not isinstance(percent, numbers.Real):
        raise ValueError(f"Oswestry percent must be a number, got {percent!r}")
    if not 0 <= percent <= 100:
        raise ValueError(f"Oswestry percent must be between 0 and 100, got {percent!r}")
    for band in load_oswestry().bands:
        if percent <= band.upto:
            return band
    raise AssertionError("unreachable: the last band ends at 100")  # pragma: no cover


def oswestry(answers: Sequence[int | None]) -> OswestryResult:
    """Score the ODI v2.1a: 10 sections, each 0..5 or None (left out / not applicable).

    Percent = sum / (5 x sections answered) x 100 (Fairbank & Pynsent 2000). At most one
    section may be left out; more raises ValueError naming the sections.
    """
    tool = load_oswestry()
    items = _answers_list(answers, len(tool.sections), "Oswestry")
    for section, answer in zip(tool.sections, items, strict=True):
        if answer is None:
            continue
        if not _is_int(answer) or not 0 <= answer <= 5:
            raise ValueError(
                f"Oswestry section {section.number} ({section.title}): answer must be a "
                f"whole number from 0 to 5, or left out, got {answer!r}"
            )
    missing = [s for s, a in zip(tool.sections, items, strict=True) if a is None]
    if len(missing) > tool.max_missing:
        raise ValueError(
            tool.missing_message.format(
                missing=len(missing),
                needed=len(tool.sections) - tool.max_missing,
                names=", ".join(f"{s.number} {s.title}" for s in missing),
            )
        )
    answered = len(items) - len(missing)
    total = sum(a for a in items if a is not None)
    possible = 5 * answered
    percent = total * 100 / possible  # multiply first: 9 of 45 gives exactly 20.0
    band = oswestry_band(percent)
    clean = tuple(None if a is None else int(a) for a in items)
    return OswestryResult(
        answers=clean,
        item_points=clean,
        total=total,
        possible=possible,
        answered=answered,
        percent=percent,
        band=band.id,  # type: ignore[arg-type]
        band_label=band.label,
        meaning=band.meaning,
        rule=tool.rule,
        source=f"{tool.source}; bands: {band.source}",
        score=percent,
    )


# --------------------------------------------------------------------------------------
# PEG
# --------------------------------------------------------------------------------------


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


@cache
def load_peg(path: Path = INSTRUMENTS_DIR / "peg.toml") -> PegTool:
    raw = _load_toml(path)
    where = path.name
    items = tuple(
        PegItem(
            id=i["id"],
            letter=i["letter"],
            text=_text(i, "text", where),
            low=_text(i, "low", where),
            high=_text(i, "high", where),
        )
        for i in raw["items"]
    )
    if [i.id for i in items] != ["pain", "enjoyment", "activity"]:
        raise ValueError(f"{where}: items must be pain, enjoyment, activity")
    return PegTool(
        name=_text(raw, "name", where),
        version=_text(raw, "version", where),
        copyright=_text(raw, "copyright", where),
        licence=_text(raw, "licence", where),
        rule=_text(raw, "rule", where),
        meaning=_text(raw, "meaning", where),
        meaning_source=_text(raw, "meaning_source", where),
        source=_text(raw, "source", where),
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
    instrument: str = "peg"


def peg_result(pain: int, enjoyment: int, activity: int) -> PegResult:
    """Score the PEG with its working: each item 0..10, score = their mean (Krebs 2009)."""
    tool = load_peg()
    values = (pain, enjoyment, activity)
    for item, value in zip(tool.items, values, strict=True):
        if not _is_int(value) or not 0 <= value <= 10:
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


# --------------------------------------------------------------------------------------
# Red-flag triage
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelInfo:
    id: str
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
    level: str
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
    level: str
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
    level: str
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
    doctor_seen_label: str
    doctor_seen_help: str
    doctor_seen_done: str  # "{date}": the day the person said a doctor saw them
    doctor_seen_source: str
    levels: dict[str, LevelInfo]
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

    def flags_at(self, level: str) -> tuple[Flag, ...]:
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


def _follow_up(raw: dict[str, Any], flag_level: str, levels: dict[str, Any], w: str) -> FollowUp:
    w = f"{w} follow-up"
    options = []
    for o in raw.get("options", []):
        wo = f"{w} option {o.get('id')!r}"
        level = _text(o, "level", wo)
        if level not in levels:
            raise ValueError(f"{wo}: unknown level {level!r}")
        if levels[level].rank > levels[flag_level].rank:
            raise ValueError(f"{wo}: a follow-up answer cannot be more serious than its flag")
        advice = _text(o, "advice", wo) if "advice" in o else None
        if level != flag_level and advice is None:
            raise ValueError(f"{wo}: an answer that changes the level needs its own advice")
        options.append(FollowUpOption(_text(o, "id", wo), _text(o, "label", wo), level, advice))
    if len(options) < 2 or len({o.id for o in options}) != len(options):
        raise ValueError(f"{w}: needs at least two options with different ids")
    if not any(o.id == "not_sure" and o.level == flag_level for o in options):
        raise ValueError(f"{w}: needs a 'not_sure' option at the flag's own level")
    return FollowUp(_text(raw, "question", w), _text(raw, "source", w), tuple(options))


@cache
def load_red_flags(path: Path = RED_FLAGS_FILE) -> RedFlagRules:
    """Read and check the red-flag file; a broken file raises ValueError naming the entry."""
    raw = _load_toml(path)
    where = path.name
    facts = []
    for fa in raw["facts"]:
        w = f"{where} fact {fa.get('id')!r}"
        fact = Fact(
            id=_text(fa, "id", w),
            field=_text(fa, "field", w),
            op=_text(fa, "op", w),
            value=fa.get("value"),
            text=_text(fa, "text", w),
            source=_text(fa, "source", w),
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
        return _text(item, key, w).replace("{not_improving_weeks}", str(weeks))

    facts = [replace(fa, text=fa.text.replace("{not_improving_weeks}", str(weeks))) for fa in facts]
    levels = {}
    for key, lv in raw["levels"].items():
        w = f"{where} level {key}"
        advice = text(lv, "advice", w)
        levels[key] = LevelInfo(
            id=key,
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
        level = _text(f, "level", w)
        if level not in levels:
            raise ValueError(f"{w}: unknown level {level!r}")
        terms = f.get("terms", [])
        if not isinstance(terms, list) or not all(isinstance(t, str) and t for t in terms):
            raise ValueError(f"{w}: field 'terms' must be a list of words")
        if level in ("emergency", "urgent") and not terms:
            raise ValueError(f"{w}: an emergency or urgent flag needs 'terms' (words naming it)")
        flags.append(
            Flag(
                id=_text(f, "id", w),
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
            id=_text(r, "id", w),
            level=_text(r, "level", w),
            groups=groups,
            rule=text(r, "rule", w),
            condition=text(r, "condition", w),
            advice=text(r, "advice", w),
            source=text(r, "source", w),
            sign=text(r, "sign", w) if "sign" in r else None,
        )
        if rule.level not in levels:
            raise ValueError(f"{w}: unknown level {rule.level!r}")
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
        doctor_seen_label=text(raw, "doctor_seen_label", where),
        doctor_seen_help=text(raw, "doctor_seen_help", where),
        doctor_seen_done=text(raw, "doctor_seen_done", where),
        doctor_seen_source=text(raw, "doctor_seen_source", where),
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
    level: str  # the level this reason gives on its own (after any follow-up answer)
    condition: str  # what it may point to (never a diagnosis)
    question: str  # the question asked (flag) or the rule in words (rule)
    advice: str  # plain-language explanation
    source: str
    flags: tuple[str, ...]  # the flags and facts involved
    answer: str | None = None  # the follow-up answer given, in words (flags with one)

    @property
    def text(self) -> str:
        return self.question


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
        return self.level in ("emergency", "urgent")


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
    if age is not None and (not _is_int(age) or not 0 <= age <= 120):
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
            reasons.append(
                Reason(
                    flag_id=flag.id,
                    kind="flag",
                    level=flag.level if option is None else option.level,
                    condition=flag.condition,
                    question=flag.question,
                    advice=(option and option.advice) or flag.advice,
                    source=flag.source
                    if option is None or option.level == flag.level
                    else f"{flag.source}; {flag.follow_up.source}",  # type: ignore[union-attr]
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
    level = max((r.level for r in reasons), key=rank.__getitem__, default="self_care")
    info = rules.levels[level]
    return TriageResult(
        level=level,  # type: ignore[arg-type]
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
    levels = load_red_flags().levels
    if level not in levels:
        raise ValueError(f"unknown triage level {level!r}; expected one of {LEVELS}")
    return levels[level].rank
