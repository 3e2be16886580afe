"""Profile -> routine, swaps, the weekly progression plan and the share link.

The rules (phase time shares, the high-pain session, progression steps, notes) live in
``data/routine_rules.toml`` with their sources; this module applies them.

Safety rules (each proven by tests/unit/test_routine.py):
- triage "emergency" or "urgent", an age under the minimum (data/notices.toml), or spine
  surgery in the last few months: no routine, ``.refused`` says why (``.refused_for`` names
  the rule);
- never an exercise whose contraindication tags meet the profile's conditions, nor one
  needing equipment the person lacks ("none" and the floor are always there), nor one whose
  spine movement a condition rules out (osteoporosis: no loaded or end-range flexion);
- warm-up first, main set, cool-down last; total within 10% of ``.target_minutes``, which is
  the asked-for minutes, or a shorter session when pain now is 7/10 or more;
- pain 7+: an easy walk and at most a few of the gentlest moves, never end-range flexion and
  end-range extension in one session; 9+ adds "see your GP if it is this bad";
- beginners get beginner-level exercises only; high STarT Back risk adds the pacing advice
  and never a strenuous ("hard") set; yoga only when asked; neck exercises only when
  asked (a back routine does not open with neck moves).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Protocol

from backcare.diary.model import PAIN_MAX, PAIN_MIN
from backcare.exercises import (
    CONDITION_LABELS,
    CONDITIONS,
    EQUIPMENT,
    LEVELS,
    PHASES,
    SPINE_MOVEMENTS,
    SPINE_RANGES,
    Catalogue,
    Dose,
    Exercise,
    load_catalogue,
)
from backcare.notices import load_notices
from backcare.paths import DATA_DIR
from backcare.screening import load_red_flags
from backcare.screening.start_back import RISKS, Risk
from backcare.screening.triage import LEVELS as TRIAGE_LEVELS
from backcare.screening.triage import Level

RULES_FILE = DATA_DIR / "routine_rules.toml"
SETTINGS = ("home", "gym")
MIN_MINUTES, MAX_MINUTES = 10, 90
TOLERANCE = 0.10  # total within 10% of the target
GENTLE_KINDS = ("mobility", "stretch", "yoga")  # "gentle mobility" when pain is high
SURGERY = "recent_spine_surgery"  # the condition that stops the builder (rules: spine_surgery)
PAIN_SCALE_MAX = 10


# ------------------------------------------------------------------------------ rules
@dataclass(frozen=True)
class PainRule:
    """How much pain during exercise is acceptable (rules: pain_rule). See ``pain_limit``."""

    absolute_limit: int  # usual pain below relative_from (or unknown): up to this out of 10
    relative_from: int  # usual pain of this or more: the relative rule
    relative_margin: int  # ... no more than this many points above the usual pain
    text: str
    short: str  # one line for calendar events
    source: str


@dataclass(frozen=True)
class Rules:
    refusal_levels: tuple[str, ...]
    refusal: dict[str, str]
    check_first: dict[str, str]  # heading, intro, confirm, screening_link, more, confirmed
    check_first_source: str
    check_valid_days: int  # how long a check or "none apply" counts (check_first.valid_days)
    age_question: str
    age_missing: str
    surgery_months: int
    surgery_label: str
    surgery_help: str
    surgery_refusal: str
    surgery_source: str
    warm_up_share: float
    cool_down_share: float
    max_sets: int
    max_sets_gentle: int
    phase_limits: dict[str, int]
    beginner_note: str
    high_pain_threshold: int
    high_pain_fraction: float
    high_pain_cap: float
    high_pain_floor: float
    high_pain_note: str
    severe_max_moves: int
    severe_moves: dict[str, int]
    gentlest_first: tuple[str, ...]
    never_together: tuple[str, ...]
    very_severe_from: int
    very_severe_note: str
    high_pain_source: str
    spine_rules: dict[str, dict[str, frozenset[str]]]
    spine_rules_source: str
    weeks: int
    reps_per_week: int
    reps_per_week_paced: int
    max_reps: int
    hold_per_week: int
    max_hold: int
    walk_per_week: float
    max_walk: float
    how_it_grows: str
    keep_going: str
    progression_source: str
    focus: tuple[str, ...]
    pain: PainRule
    schedule_note: str
    schedule_source: str
    see_someone: tuple[str, ...]
    see_someone_source: str
    pacing_note: str
    yoga_note: str
    neck_label: str
    neck_source: str
    triage_gp_note: str
    walking_note: str
    condition_notes: dict[str, str]
    shared_note: str

    @property
    def pain_rule(self) -> str:
        return self.pain.text

    @property
    def pain_rule_source(self) -> str:
        return self.pain.source


def _text(value: str, **values: object) -> str:
    return " ".join(value.split()).format(**values)


def _spine_rules(raw: dict, name: str) -> dict[str, dict[str, frozenset[str]]]:
    rules: dict[str, dict[str, frozenset[str]]] = {}
    for condition, limits in raw.items():
        if condition == "source":
            continue
        if condition not in CONDITIONS or not isinstance(limits, dict):
            raise ValueError(f"{name}: spine_rules.{condition} is not a condition's table")
        for movement, ranges in limits.items():
            if movement not in SPINE_MOVEMENTS or not set(ranges) <= set(SPINE_RANGES):
                raise ValueError(f"{name}: spine_rules.{condition}.{movement} is not valid")
        rules[condition] = {m: frozenset(r) for m, r in limits.items()}
    return rules


@cache
def load_rules(path: Path = RULES_FILE) -> Rules:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    try:
        prog = raw["progression"]
        high, surgery, pain = raw["high_pain"], raw["spine_surgery"], raw["pain_rule"]
        months = int(surgery["months"])
        pain_values = {
            "absolute_limit": int(pain["absolute_limit"]),
            "relative_from": int(pain["relative_from"]),
            "relative_margin": int(pain["relative_margin"]),
        }
        check = raw["check_first"]
        rules = Rules(
            refusal_levels=tuple(raw["refusal"]["levels"]),
            refusal={k: _text(raw["refusal"][k]) for k in raw["refusal"]["levels"]},
            check_first={
                # "{date}" stays for the page to fill in (lapsed, after_doctor).
                k: _text(check[k], date="{date}")
                for k in (
                    "heading",
                    "intro",
                    "confirm",
                    "screening_link",
                    "more",
                    "confirmed",
                    "lapsed",
                    "after_doctor",
                )
            },
            check_first_source=check["source"],
            check_valid_days=int(check["valid_days"]),
            age_question=_text(raw["age"]["question"]),
            age_missing=_text(raw["age"]["missing"]),
            surgery_months=months,
            surgery_label=_text(surgery["label"], months=months),
            surgery_help=_text(surgery["help"], months=months),
            surgery_refusal=_text(surgery["refusal"], months=months),
            surgery_source=surgery["source"],
            warm_up_share=float(raw["phases"]["warm_up"]),
            cool_down_share=float(raw["phases"]["cool_down"]),
            max_sets=int(raw["sets"]["max_sets"]),
            max_sets_gentle=int(raw["sets"]["max_sets_gentle"]),
            phase_limits={p: int(raw["limits"][p]) for p in PHASES},
            beginner_note=_text(raw["beginner"]["note"]),
            high_pain_threshold=int(high["threshold"]),
            high_pain_fraction=float(high["fraction"]),
            high_pain_cap=float(high["cap_minutes"]),
            high_pain_floor=float(high["floor_minutes"]),
            high_pain_note=_text(high["note"]),
            severe_max_moves=int(high["max_moves"]),
            severe_moves={p: int(high["moves"][p]) for p in PHASES},
            gentlest_first=tuple(high["gentlest_first"]),
            never_together=tuple(high["never_together"]),
            very_severe_from=int(high["very_severe_from"]),
            very_severe_note=_text(high["very_severe_note"]),
            high_pain_source=high["source"],
            spine_rules=_spine_rules(raw["spine_rules"], path.name),
            spine_rules_source=raw["spine_rules"]["source"],
            weeks=int(prog["weeks"]),
            reps_per_week=int(prog["reps_added_per_week"]),
            reps_per_week_paced=int(prog["reps_added_per_week_paced"]),
            max_reps=int(prog["max_reps"]),
            hold_per_week=int(prog["hold_added_per_week"]),
            max_hold=int(prog["max_hold_seconds"]),
            walk_per_week=float(prog["walk_minutes_added_per_week"]),
            max_walk=float(prog["max_walk_minutes"]),
            how_it_grows=_text(prog["how_it_grows"]),
            keep_going=_text(prog["keep_going"]),
            progression_source=prog["source"],
            focus=tuple(prog["focus"]),
            pain=PainRule(
                **pain_values,
                text=_text(pain["text"], **pain_values),
                short=_text(pain["short"], **pain_values),
                source=pain["source"],
            ),
            schedule_note=_text(raw["schedule"]["note"]),
            schedule_source=raw["schedule"]["source"],
            see_someone=tuple(
                line.replace("{not_improving_weeks}", str(load_red_flags().not_improving_weeks))
                for line in raw["see_someone"]["items"]
            ),
            see_someone_source=raw["see_someone"]["source"],
            pacing_note=_text(raw["pacing"]["note"]),
            yoga_note=_text(raw["yoga"]["note"]),
            neck_label=_text(raw["neck"]["label"]),
            neck_source=raw["neck"]["source"],
            triage_gp_note=_text(raw["triage_gp"]["note"]),
            walking_note=_text(raw["walking"]["note"]),
            condition_notes={k: _text(raw["conditions"][k]) for k in CONDITIONS},
            shared_note=_text(raw["shared"]["note"]),
        )
    except KeyError as err:
        raise ValueError(f"{path.name}: missing field {err.args[0]!r}") from None
    if len(rules.focus) != rules.weeks or rules.weeks < 6:
        raise ValueError(f"{path.name}: the plan needs at least 6 weeks and one focus per week")
    if sum(rules.severe_moves.values()) > rules.severe_max_moves:
        raise ValueError(f"{path.name}: high_pain.moves add up to more than max_moves")
    if len(rules.never_together) != 2 or not set(rules.never_together) <= set(SPINE_MOVEMENTS):
        raise ValueError(f"{path.name}: high_pain.never_together names two spine movements")
    if not rules.high_pain_threshold <= rules.very_severe_from <= PAIN_SCALE_MAX:
        raise ValueError(f"{path.name}: high_pain.very_severe_from must be from threshold to 10")
    return rules


def condition_labels(rules: Rules | None = None) -> dict[str, str]:
    """Plain-word labels of the conditions for forms (spine surgery names its period)."""
    rules = rules or load_rules()
    return {**CONDITION_LABELS, SURGERY: rules.surgery_label}


def pain_limit(usual_pain: int | None, rules: Rules | None = None) -> int:
    """The most pain (0-10) acceptable during exercise for someone whose usual pain is
    ``usual_pain`` (None: not known), by the pain rule in data/routine_rules.toml.

    Below ``relative_from`` (or unknown): the absolute limit (5). From ``relative_from`` on:
    the usual pain plus ``relative_margin`` (2), never above 10. Either way the pain should be
    back to the usual level by the next day.
    """
    if usual_pain is not None:
        _int_in("usual_pain", usual_pain, 0, PAIN_SCALE_MAX)
    pain = (rules or load_rules()).pain
    if usual_pain is None or usual_pain < pain.relative_from:
        return pain.absolute_limit
    return min(PAIN_SCALE_MAX, usual_pain + pain.relative_margin)


# ---------------------------------------------------------------------------- profile
@dataclass(frozen=True)
class Profile:
    """What the builder needs to know. Bad values raise ValueError naming the field."""

    experience: str = "beginner"
    minutes: int = 20
    days_per_week: int = 3
    setting: str = "home"
    equipment: frozenset[str] = field(default_factory=lambda: frozenset({"none"}))
    pain_now: int = 3
    conditions: frozenset[str] = field(default_factory=frozenset)
    include_yoga: bool = False
    triage_level: Level | None = None
    start_back_risk: Risk | None = None
    age: int | None = None  # years; None when not asked (the page always asks)
    include_neck: bool = False  # neck exercises only when asked (rules: neck)

    def __post_init__(self) -> None:
        _one_of("experience", self.experience, LEVELS)
        _int_in("minutes", self.minutes, MIN_MINUTES, MAX_MINUTES)
        _int_in("days_per_week", self.days_per_week, 1, 7)
        _one_of("setting", self.setting, SETTINGS)
        object.__setattr__(self, "equipment", _set_of("equipment", self.equipment, EQUIPMENT))
        _int_in("pain_now", self.pain_now, PAIN_MIN, PAIN_MAX)
        object.__setattr__(self, "conditions", _set_of("conditions", self.conditions, CONDITIONS))
        if not isinstance(self.include_yoga, bool):
            raise ValueError("include_yoga must be True or False")
        if not isinstance(self.include_neck, bool):
            raise ValueError("include_neck must be True or False")
        if self.triage_level is not None:
            _one_of("triage_level", self.triage_level, TRIAGE_LEVELS)
        if self.start_back_risk is not None:
            _one_of("start_back_risk", self.start_back_risk, RISKS)
        if self.age is not None:
            _int_in("age", self.age, 0, 120)

    @property
    def available(self) -> frozenset[str]:
        return self.equipment | {"none"}


def _one_of(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)} (got {value!r})")


def _int_in(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high} (got {value!r})")


def _set_of(name: str, value: object, allowed: tuple[str, ...]) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, set | frozenset | list | tuple):
        raise ValueError(f"{name} must be a set of names from {', '.join(allowed)}")
    unknown = sorted(str(v) for v in set(value) - set(allowed))
    if unknown:
        raise ValueError(f"{name}: unknown {unknown}; choose from {', '.join(allowed)}")
    return frozenset(value)


# ---------------------------------------------------------------------------- routine
@dataclass(frozen=True)
class RoutineItem:
    exercise: Exercise
    dose: Dose
    minutes: float

    @property
    def phase(self) -> str:
        return self.exercise.phase

    @property
    def sets(self) -> int:
        return self.dose.sets

    @property
    def reps(self) -> int:
        return self.dose.reps

    @property
    def hold_seconds(self) -> int:
        return self.dose.hold_seconds

    @property
    def seconds_per_rep(self) -> int:
        return self.dose.seconds_per_rep

    def describe(self) -> str:
        return self.dose.describe(self.minutes)


@dataclass(frozen=True)
class Routine:
    items: tuple[RoutineItem, ...]
    target_minutes: float
    notes: tuple[str, ...] = ()
    refused: str | None = None
    # The profile it was built for; None for a routine opened from a shared link.
    # Never written into the share link, the calendar or the handout.
    profile: Profile | None = field(default=None, repr=False)
    # Which rule refused: "triage", "age" or "surgery" (None when there is a routine).
    refused_for: str | None = None

    @property
    def conditions(self) -> frozenset[str]:
        """The conditions it was built for (none known for a shared routine)."""
        return self.profile.conditions if self.profile is not None else frozenset()

    def cautions(self, item: RoutineItem) -> tuple[str, ...]:
        """The cautions to show with ``item``: general ones and those for chosen conditions."""
        return item.exercise.cautions_for(self.conditions)

    @property
    def total_minutes(self) -> float:
        return round(sum(i.minutes for i in self.items), 2)

    def by_phase(self) -> list[tuple[str, tuple[RoutineItem, ...]]]:
        return [
            (phase, tuple(i for i in self.items if i.phase == phase))
            for phase in PHASES
            if any(i.phase == phase for i in self.items)
        ]


_RANK = {level: n for n, level in enumerate(LEVELS)}


def target_minutes(profile: Profile, rules: Rules | None = None) -> float:
    """The session length: as asked, or shorter when pain now is high (rules: high_pain)."""
    rules = rules or load_rules()
    if profile.pain_now >= rules.high_pain_threshold:
        short = round(profile.minutes * rules.high_pain_fraction)
        return float(max(rules.high_pain_floor, min(rules.high_pain_cap, short)))
    return float(profile.minutes)


def allowed(ex: Exercise, profile: Profile, rules: Rules | None = None) -> bool:
    """Whether this exercise may appear in this person's routine at all."""
    rules = rules or load_rules()
    if ex.contraindications & profile.conditions:
        return False
    if ex.needs(profile.available):
        return False
    for condition in profile.conditions & rules.spine_rules.keys():
        for movement, ranges in rules.spine_rules[condition].items():
            if ex.spine_range(movement) in ranges:
                return False
    if ex.kind == "yoga" and not profile.include_yoga:
        return False
    if ex.area == "neck" and not profile.include_neck:
        return False  # a back routine; neck exercises when asked (rules: neck)
    if _RANK[ex.level] > _RANK[profile.experience]:
        return False
    if profile.experience == "beginner" and ex.effort == "hard":
        return False
    if profile.pain_now >= rules.high_pain_threshold:
        # Severe pain: the gentlest moves and easy walking only.
        gentle = ex.effort == "gentle" and ex.level == "beginner"
        if not gentle or ex.kind not in (*GENTLE_KINDS, "aerobic"):
            return False
    return not (profile.start_back_risk == "high" and ex.effort == "hard")


def _preference(profile: Profile, catalogue: Catalogue) -> Callable[[Exercise], tuple[int, ...]]:
    index = {ex.id: n for n, ex in enumerate(catalogue)}
    gym_kit = {"bench", "machine"}

    def key(ex: Exercise) -> tuple[int, ...]:
        return (
            0 if (profile.include_yoga and ex.kind == "yoga") else 1,
            0 if (profile.setting == "gym" and ex.equipment & gym_kit) else 1,
            abs(_RANK[ex.level] - _RANK[profile.experience]),
            index[ex.id],
        )

    return key


def _half(value: float) -> float:
    return round(value * 2) / 2


def _max_sets(ex: Exercise, rules: Rules) -> int:
    gentle = ex.effort == "gentle" and ex.kind in GENTLE_KINDS
    return max(ex.dose.sets, rules.max_sets_gentle if gentle else rules.max_sets)


def _item(ex: Exercise, sets: int | None = None, minutes: float | None = None) -> RoutineItem:
    if ex.kind == "aerobic":
        return RoutineItem(ex, ex.dose, float(minutes if minutes is not None else ex.minutes))
    sets = sets or ex.dose.sets
    return RoutineItem(ex, replace(ex.dose, sets=sets), round(ex.minutes_per_set * sets, 2))


def build_routine(profile: Profile, catalogue: Catalogue | None = None) -> Routine:
    """A routine for this profile, or a refusal. Same profile, same routine."""
    if not isinstance(profile, Profile):
        raise ValueError("build_routine needs a Profile")
    catalogue = catalogue or load_catalogue()
    rules = load_rules()
    refusal = _refusal(profile, rules)
    if refusal is not None:
        reason, text = refusal
        return Routine((), 0.0, (), text, profile, reason)

    target = target_minutes(profile, rules)
    pool = sorted(
        (ex for ex in catalogue if allowed(ex, profile, rules)), key=_preference(profile, catalogue)
    )
    if profile.pain_now >= rules.high_pain_threshold:
        items = _severe_pain_items(pool, target, rules)
    else:
        items = _items(pool, target, rules)
    items = _fill(items, target, rules)
    total = sum(i.minutes for i in items)
    notes = _notes(profile, items, rules)
    if abs(total - target) > TOLERANCE * target:
        # The safe exercises cannot fill the time: a shorter session, said plainly.
        notes.append(
            f"Only {total:g} minutes of exercises suit everything you told us, so the session "
            "is shorter than you asked. That is fine: a short session you can do is better "
            "than a long one that hurts."
        )
        target = float(total)
    return Routine(tuple(items), target, tuple(notes), None, profile)


def refusal(profile: Profile) -> Routine | None:
    """The refusal ``build_routine`` would give this profile (triage, age, surgery), or None."""
    found = _refusal(profile, load_rules())
    return None if found is None else Routine((), 0.0, (), found[1], profile, found[0])


def _refusal(profile: Profile, rules: Rules) -> tuple[str, str] | None:
    """(rule, text) when this profile gets no routine at all, else None."""
    if profile.triage_level in rules.refusal_levels:
        return "triage", rules.refusal[profile.triage_level]
    notices = load_notices()
    if profile.age is not None and profile.age < notices.minimum_age:
        return "age", notices.adults_only
    if SURGERY in profile.conditions:
        return "surgery", rules.surgery_refusal
    return None


def _items(pool: list[Exercise], target: float, rules: Rules) -> list[RoutineItem]:
    """Warm-up, main set and cool-down, each phase filling its share of the time."""
    warm = _half(target * rules.warm_up_share)
    cool = _half(target * rules.cool_down_share)
    budgets = {"warm_up": warm, "main": target - warm - cool, "cool_down": cool}

    chosen: dict[str, list[RoutineItem]] = {p: [] for p in PHASES}
    carry = 0.0
    for phase in PHASES:
        budget = budgets[phase] + carry
        used = 0.0
        for ex in pool:
            if (
                ex.phase == phase
                and ex.kind != "aerobic"
                and len(chosen[phase]) < rules.phase_limits[phase]
                and not _same_family(ex, chosen[phase])
                and used + ex.minutes <= budget + 1e-9
            ):
                chosen[phase].append(_item(ex))
                used += ex.minutes
        for ex in pool:  # one aerobic block fills what is left, within its range
            if ex.phase == phase and ex.kind == "aerobic" and ex.flexible_minutes:
                low, high = ex.flexible_minutes
                room = _half(budget - used - 0.25)
                if room >= low:
                    minutes = min(high, room)
                    chosen[phase].append(_item(ex, minutes=minutes))
                    used += minutes
                break
        carry = budget - used
    return [i for p in PHASES for i in chosen[p]]


def _end_ranges(ex: Exercise) -> int:
    """How many spine movements this exercise takes to end range or under load."""
    return sum(ex.end_range(movement) for movement, _ in ex.spine)


def clashes(ex: Exercise, others: list[Exercise] | tuple[Exercise, ...], rules: Rules) -> bool:
    """True when ``ex`` with ``others`` would take the spine to end range both ways named in
    the rules' ``never_together`` (end-range flexion and end-range extension)."""
    one, two = rules.never_together
    group = [*others, ex]
    return any(e.end_range(one) for e in group) and any(e.end_range(two) for e in group)


def _severe_pain_items(pool: list[Exercise], target: float, rules: Rules) -> list[RoutineItem]:
    """Pain 7+: an easy walk and at most a few of the gentlest moves (rules: high_pain),
    within the session's time. The cool-down is chosen first so the session always ends
    with one; ``_fill`` then lengthens the walk and adds sets to reach the time.
    """
    first = {ident: n for n, ident in enumerate(rules.gentlest_first)}
    order = {ex.id: n for n, ex in enumerate(pool)}
    moves = sorted(
        (ex for ex in pool if ex.kind != "aerobic"),
        key=lambda ex: (first.get(ex.id, len(first)), _end_ranges(ex), order[ex.id]),
    )
    walk = next((ex for ex in pool if ex.kind == "aerobic" and ex.flexible_minutes), None)
    limits = dict(rules.severe_moves)
    if walk is None or walk.phase != "warm_up":
        limits["warm_up"] = max(1, limits["warm_up"])  # a session still starts with a warm-up
    chosen: dict[str, list[RoutineItem]] = {p: [] for p in PHASES}
    picked: list[Exercise] = []
    used = 0.0
    if walk is not None and walk.flexible_minutes is not None:  # chosen for having them
        chosen[walk.phase].append(_item(walk, minutes=walk.flexible_minutes[0]))
        used = walk.flexible_minutes[0]
    for phase in ("cool_down", "warm_up", "main"):
        for ex in moves:
            if len(picked) >= rules.severe_max_moves:
                break
            if (
                ex.phase == phase
                and sum(i.exercise.kind != "aerobic" for i in chosen[phase]) < limits[phase]
                and used + ex.minutes <= target + 1e-9
                and not _same_family(ex, chosen[phase])
                and not clashes(ex, picked, rules)
            ):
                chosen[phase].append(_item(ex))
                picked.append(ex)
                used += ex.minutes
    return [i for p in PHASES for i in chosen[p]]


def _same_family(ex: Exercise, items: list[RoutineItem]) -> bool:
    """True when an easier or harder version of ``ex`` (same kind) is already chosen."""
    for it in items:
        other = it.exercise
        if other.kind != ex.kind:
            continue
        if ex.id in (other.easier, other.harder) or other.id in (ex.easier, ex.harder):
            return True
    return False


def _fill(items: list[RoutineItem], target: float, rules: Rules) -> list[RoutineItem]:
    """Use leftover time: stretch aerobic blocks, then add sets, main set first."""
    items = list(items)

    def left() -> float:
        return target - sum(i.minutes for i in items)

    for n, it in enumerate(items):
        ex = it.exercise
        if ex.kind == "aerobic" and ex.flexible_minutes and left() >= 0.5:
            more = min(ex.flexible_minutes[1] - it.minutes, _half(left() - 0.25))
            if more > 0:
                items[n] = _item(ex, minutes=it.minutes + more)
    order = sorted(range(len(items)), key=lambda n: (PHASES.index(items[n].phase) != 1, n))
    grew = True
    while grew and left() > TOLERANCE * target / 2:
        grew = False
        for n in order:
            it = items[n]
            ex = it.exercise
            if ex.kind == "aerobic" or it.sets >= _max_sets(ex, rules):
                continue
            if ex.minutes_per_set <= left() + 1e-9:
                items[n] = _item(ex, sets=it.sets + 1)
                grew = True
    return items


def _notes(profile: Profile, items: list[RoutineItem], rules: Rules) -> list[str]:
    notes = [rules.pain_rule]
    if profile.experience == "beginner":
        notes.append(rules.beginner_note)
    if profile.pain_now >= rules.high_pain_threshold:
        notes.append(rules.high_pain_note)
    if profile.pain_now >= rules.very_severe_from:
        notes.append(rules.very_severe_note)
    if profile.start_back_risk == "high":
        notes.append(rules.pacing_note)
    if profile.triage_level == "gp":
        notes.append(rules.triage_gp_note)
    if profile.include_yoga:
        notes.append(rules.yoga_note)
    if any(i.exercise.kind == "aerobic" for i in items):
        notes.append(rules.walking_note)
    notes.extend(rules.condition_notes[c] for c in CONDITIONS if c in profile.conditions)
    return notes


def swap(routine: Routine, index: int, catalogue: Catalogue | None = None) -> Routine:
    """Replace item ``index`` with the next alternative under the same rules.

    Alternatives come from the same phase, are allowed for the same profile, are not already
    in the routine, and keep the total within 10% of the target. Repeated swaps cycle.
    """
    if not isinstance(routine, Routine) or routine.refused is not None or routine.profile is None:
        raise ValueError("Build a routine from your answers first; then you can swap items.")
    if not isinstance(index, int) or not 0 <= index < len(routine.items):
        raise ValueError(f"There is no item {index!r} to swap.")
    catalogue = catalogue or load_catalogue()
    rules = load_rules()
    old = routine.items[index]
    in_use = {i.exercise.id for i in routine.items}
    ids = [ex.id for ex in catalogue]
    start = ids.index(old.exercise.id)
    rest = sum(i.minutes for n, i in enumerate(routine.items) if n != index)
    others = [i.exercise for n, i in enumerate(routine.items) if n != index]
    severe = routine.profile.pain_now >= rules.high_pain_threshold
    for step in range(1, len(ids)):
        ex = catalogue.get(ids[(start + step) % len(ids)])
        if ex.id in in_use or ex.phase != old.phase or not allowed(ex, routine.profile, rules):
            continue
        if severe and clashes(ex, others, rules):
            continue
        if (ex.kind == "aerobic") != (old.exercise.kind == "aerobic"):
            continue
        if ex.kind == "aerobic":
            low, high = ex.flexible_minutes or (ex.minutes, ex.minutes)
            new = _item(ex, minutes=min(high, max(low, old.minutes)))
        else:
            sets = round(old.minutes / ex.minutes_per_set)
            new = _item(ex, sets=min(_max_sets(ex, rules), max(1, sets)))
        if abs(rest + new.minutes - routine.target_minutes) <= TOLERANCE * routine.target_minutes:
            items = list(routine.items)
            items[index] = new
            return replace(routine, items=tuple(items))
    raise ValueError(
        f"No other exercise fits in place of {old.exercise.name!r} for your answers. "
        "You can keep it, or change your answers above."
    )


# ------------------------------------------------------------------------- progression
@dataclass(frozen=True)
class PlanWeek:
    """One week of the plan: its exercises at that week's doses, fitted to the session.

    ``items`` are the week's exercises (an exercise may be left out in a later week to keep
    the session to its length: ``left_out`` names them); ``minutes`` their total, always
    within 10% of the routine's session length.
    """

    week: int
    focus: str
    doses: tuple[tuple[str, str], ...]  # (exercise name, dose in words), for ``items``
    items: tuple[RoutineItem, ...] = ()
    minutes: float = 0.0
    left_out: tuple[str, ...] = ()  # names of the routine's exercises not in this week

    def item_for(self, exercise_id: str) -> RoutineItem | None:
        """This week's dose of an exercise of the routine, or None when it is left out."""
        return next((i for i in self.items if i.exercise.id == exercise_id), None)


@dataclass(frozen=True)
class ProgressionPlan:
    weeks: tuple[PlanWeek, ...]
    how_it_grows: str
    keep_going: str
    pain_rule: str
    pain_rule_source: str
    schedule: str  # sessions per week and NHS inform's "3 times a day" as one plan
    see_someone: tuple[str, ...]
    see_someone_source: str
    source: str
    paced: bool  # slower growth: high STarT Back risk or high pain (pacing rules)


def _dose_minutes(item: RoutineItem, dose: Dose) -> float:
    """Minutes for ``dose`` of the item's exercise: the item's own time per set (rests
    included), plus the extra seconds of work each set of ``dose`` holds, rounded up to the
    half minute."""
    per_set = item.minutes / item.dose.sets
    extra = (replace(dose, sets=1).work_seconds() - replace(item.dose, sets=1).work_seconds()) / 60
    return _half((per_set + extra) * dose.sets + 0.24)


def dose_in_week(item: RoutineItem, week: int, *, paced: bool = False) -> RoutineItem:
    """The item's dose in week ``week`` (1 = the starting dose), growing by the rules.

    Every set grows; ``progression_plan`` then fits each week to the session's length.
    """
    if week < 1:
        raise ValueError("week must be 1 or more")
    rules = load_rules()
    steps = week - 1
    ex, dose = item.exercise, item.dose
    if ex.kind == "aerobic":
        top = max(item.minutes, rules.max_walk)
        return replace(item, minutes=min(top, item.minutes + rules.walk_per_week * steps))
    if steps == 0:
        return item
    if dose.reps == 1 and dose.hold_seconds:
        top = max(dose.hold_seconds, rules.max_hold)
        hold = min(top, dose.hold_seconds + rules.hold_per_week * steps)
        new = replace(dose, hold_seconds=hold)
    else:
        per_week = rules.reps_per_week_paced if paced else rules.reps_per_week
        top = max(dose.reps, rules.max_reps)
        new = replace(dose, reps=min(top, dose.reps + per_week * steps))
    return RoutineItem(ex, new, _dose_minutes(item, new))


def _with_sets(start: RoutineItem, grown: RoutineItem, sets: int) -> RoutineItem:
    dose = replace(grown.dose, sets=sets)
    return RoutineItem(grown.exercise, dose, _dose_minutes(start, dose))


def fit_week(
    routine: Routine, week: int, *, paced: bool = False, fallback: tuple[RoutineItem, ...] = ()
) -> tuple[RoutineItem, ...]:
    """Week ``week``'s exercises, grown by the rules and fitted to the session length.

    As doses grow, a session would outgrow the time the person chose (a 20-minute routine
    took 57 minutes by week 8). So, in this order, until the week is within 10% of the
    session length: a set is trimmed (more reps in fewer sets), the walk grows no further
    than its first week's length, one more exercise of the main set is left out (the last
    first; one a week at most, and at least half of them stay), and then exercises stay at
    last week's dose (``fallback``): the warm-up and cool-down first, then the main set,
    the last first. If the week then runs short, sets and walking time come
    back. A week that still does not fit keeps ``fallback`` whole ("stay at the same
    step").
    """
    target = routine.target_minutes
    high, low = target * (1 + TOLERANCE), target * (1 - TOLERANCE)
    aim = target * (1 + TOLERANCE / 2)
    start = list(routine.items)
    grown = [dose_in_week(i, week, paced=paced) for i in start]
    items: list[RoutineItem | None] = list(grown)

    def total() -> float:
        return sum(i.minutes for i in items if i is not None)

    def sets_to_trim() -> dict[int, RoutineItem]:
        return {
            n: i
            for n, i in enumerate(items)
            if i is not None and i.exercise.kind != "aerobic" and i.sets > 1
        }

    while total() > aim + 1e-9 and (trimmable := sets_to_trim()):
        n = max(trimmable, key=lambda n: (trimmable[n].sets, trimmable[n].phase == "main", n))
        items[n] = _with_sets(start[n], grown[n], trimmable[n].sets - 1)
    for n, item in enumerate(items):
        if item is not None and item.exercise.kind == "aerobic" and total() > aim + 1e-9:
            cut = min(item.minutes - start[n].minutes, _half(total() - target + 0.25))
            if cut > 0:
                items[n] = replace(item, minutes=item.minutes - cut)
    main = [n for n, i in enumerate(start) if i.phase == "main" and i.exercise.kind != "aerobic"]
    kept_last_week = {i.exercise.id for i in fallback} if fallback else None
    if kept_last_week is not None:  # left out last week: left out from then on
        for n in main:
            if start[n].exercise.id not in kept_last_week:
                items[n] = None
    # One more exercise of the main set may go each week, the last first; half stay.
    for n in reversed(main[(len(main) + 1) // 2 :]):
        if total() <= aim + 1e-9:
            break
        if items[n] is not None:
            items[n] = None
            break
    # Still long: exercises stay at last week's dose; the warm-up and cool-down first (the
    # main set's growth matters most), then the main set, the last first.
    before = {i.exercise.id: i for i in fallback}
    for n in sorted(range(len(items)), key=lambda n: (start[n].phase == "main", -n)):
        if total() <= aim + 1e-9:
            break
        held, now = before.get(start[n].exercise.id), items[n]
        if now is not None and held is not None and held.minutes < now.minutes:
            items[n] = held
            grown[n] = held
    # Run short after trimming? Give back sets, main set first, then walking time.
    order = [
        n
        for n, i in sorted(
            ((n, i) for n, i in enumerate(items) if i is not None),
            key=lambda pair: (pair[1].phase != "main", pair[0]),
        )
    ]
    grew = True
    while total() < target - 1e-9 and grew:
        grew = False
        for n in order:
            item = items[n]
            if item is None:  # not left out after ordering; this keeps mypy sure of it
                continue
            if item.exercise.kind == "aerobic":
                more = min(grown[n].minutes - item.minutes, _half(target - total()))
                if more > 0 and total() + more <= high + 1e-9:
                    items[n] = replace(item, minutes=item.minutes + more)
                    grew = True
            elif item.sets < grown[n].sets:
                bigger = _with_sets(start[n], grown[n], item.sets + 1)
                if total() - item.minutes + bigger.minutes <= high + 1e-9:
                    items[n] = bigger
                    grew = True
    fitted = tuple(i for i in items if i is not None)
    if low - 1e-9 <= total() <= high + 1e-9 or not fallback:
        return fitted
    return fallback


def this_week(routine: Routine, week: int) -> Routine:
    """The routine with each dose as the plan has it in ``week`` (1: as built)."""
    if week <= 1:
        return routine
    paced = progression_plan(routine).paced
    return replace(routine, items=tuple(dose_in_week(i, week, paced=paced) for i in routine.items))


def progression_plan(routine: Routine) -> ProgressionPlan:
    """A week-by-week plan (at least 6 weeks) for the routine's items, each week fitted to
    the session's length (``fit_week``)."""
    rules = load_rules()
    profile = routine.profile
    paced = profile is not None and (
        profile.start_back_risk == "high" or profile.pain_now >= rules.high_pain_threshold
    )
    weeks: list[PlanWeek] = []
    last: tuple[RoutineItem, ...] = routine.items
    for w in range(1, rules.weeks + 1):
        items = routine.items if w == 1 else fit_week(routine, w, paced=paced, fallback=last)
        kept = {i.exercise.id for i in items}
        weeks.append(
            PlanWeek(
                week=w,
                focus=rules.focus[w - 1],
                doses=tuple((i.exercise.name, i.describe()) for i in items),
                items=items,
                minutes=round(sum(i.minutes for i in items), 2),
                left_out=tuple(i.exercise.name for i in routine.items if i.exercise.id not in kept),
            )
        )
        last = items
    return ProgressionPlan(
        weeks=tuple(weeks),
        how_it_grows=rules.how_it_grows,
        keep_going=rules.keep_going,
        pain_rule=rules.pain_rule,
        pain_rule_source=rules.pain_rule_source,
        schedule=rules.schedule_note,
        see_someone=rules.see_someone,
        see_someone_source=rules.see_someone_source,
        source=rules.progression_source,
        paced=paced,
    )


# ----------------------------------------------------------------------- share link
SHARE_PARAM = "routine"
_SHARE_VERSION = "1"
_ITEM = re.compile(r"^([a-z0-9_]{1,40})\.(\d{1,2})\.(\d{1,2})\.(\d{1,3})\.(\d{1,3})$")
MAX_SHARED_ITEMS = 40


def encode_share(routine: Routine) -> str:
    """Exercise ids and doses only: ``1~id.sets.reps.hold.quarter-minutes~...``.

    Nothing about the person (conditions, pain, scores) goes into it.
    """
    if routine.refused is not None or not routine.items:
        raise ValueError("There is no routine to share.")
    parts = [
        f"{i.exercise.id}.{i.sets}.{i.reps}.{i.hold_seconds}.{round(i.minutes * 4)}"
        for i in routine.items
    ]
    return "~".join([_SHARE_VERSION, *parts])


def decode_share(text: str, catalogue: Catalogue | None = None) -> Routine:
    """The routine a share link carries; anything unexpected raises ValueError."""
    catalogue = catalogue or load_catalogue()
    bad = "This routine link is damaged or out of date. Please build a new routine."
    if not isinstance(text, str) or len(text) > 2000:
        raise ValueError(bad)
    version, *parts = text.split("~")
    if version != _SHARE_VERSION or not parts or len(parts) > MAX_SHARED_ITEMS:
        raise ValueError(bad)
    items: list[RoutineItem] = []
    for number, part in enumerate(parts, start=1):
        match = _ITEM.match(part)
        if not match:
            # Never echo the link's text: pages show this message as markdown, and a
            # link could carry ![](http://...) that the browser would fetch.
            raise ValueError(f"{bad} (item {number} is not in the right form)")
        ident, sets, reps, hold, quarters = match.groups()
        if ident not in catalogue:
            raise ValueError(f"{bad} (unknown exercise {ident!r})")
        ex = catalogue.get(ident)
        sets, reps, hold, minutes = int(sets), int(reps), int(hold), int(quarters) / 4
        if any(i.exercise.id == ident for i in items):
            raise ValueError(f"{bad} ({ex.name} appears twice)")
        if ex.kind == "aerobic":
            low, high = ex.flexible_minutes or (ex.minutes, ex.minutes)
            ok = sets == 1 and reps == 0 and hold == 0 and low <= minutes <= high
        else:
            dose = replace(ex.dose, sets=sets, reps=reps, hold_seconds=hold)
            ok = (
                1 <= sets <= 6
                and 1 <= reps <= 30
                and hold <= 60
                and 0.5 <= minutes <= 30
                and dose.work_seconds() <= minutes * 60
            )
        if not ok:
            raise ValueError(f"{bad} (the dose for {ex.name} is not possible)")
        dose = (
            ex.dose
            if ex.kind == "aerobic"
            else replace(ex.dose, sets=sets, reps=reps, hold_seconds=hold)
        )
        items.append(RoutineItem(ex, dose, minutes))
    phases = [PHASES.index(i.phase) for i in items]
    if phases != sorted(phases):
        raise ValueError(f"{bad} (the exercises are out of order)")
    total = sum(i.minutes for i in items)
    if total > MAX_MINUTES * (1 + TOLERANCE):
        raise ValueError(f"{bad} (the session is longer than {MAX_MINUTES} minutes)")
    rules = load_rules()
    return Routine(tuple(items), float(round(total, 2)), (rules.shared_note, rules.pain_rule))


# ------------------------------------------------------------------------ next step
ACTIONS = ("progress", "hold", "step_back")


class LoggedSession(Protocol):
    """What ``next_step`` reads of a logged session (``backcare.records.SessionRecord``,
    or any record with these fields). A ``date`` and ``felt_wrong`` exercise ids are read
    when present: the day names the breach, the ids say which exercise to leave out."""

    @property
    def pain_during(self) -> int | None: ...

    @property
    def settled_next_day(self) -> bool | None: ...

    @property
    def leg_symptoms_spread(self) -> bool: ...


@dataclass(frozen=True)
class NextStepRules:
    """How the plan answers logged sessions (rules: next_step). See ``next_step``."""

    step_back_after: int
    progress: str
    hold: str
    step_back: str
    nothing_logged: str
    pain_over: str
    not_settled: str
    leg_spread: str
    leg_note: str
    offer: str
    handout_from: str
    source: str


@cache
def load_next_step_rules(path: Path = RULES_FILE) -> NextStepRules:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    try:
        rules = raw["next_step"]
        loaded = NextStepRules(
            step_back_after=int(rules["step_back_after"]),
            **{
                name: " ".join(str(rules[name]).split())
                for name in (
                    "progress",
                    "hold",
                    "step_back",
                    "nothing_logged",
                    "pain_over",
                    "not_settled",
                    "leg_spread",
                    "leg_note",
                    "offer",
                    "handout_from",
                )
            },
            source=rules["source"],
        )
    except KeyError as err:
        raise ValueError(f"{path.name}: missing field next_step.{err.args[0]}") from None
    if loaded.step_back_after < 2:
        raise ValueError(f"{path.name}: next_step.step_back_after must be 2 or more")
    return loaded


@dataclass(frozen=True)
class Decision:
    """What the plan does in the coming week, and why.

    ``action``: "progress" (the plan's next week), "hold" (the same doses again) or
    "step_back" (one week's doses back). ``reasons``: why, in words (the breaches of the
    week just finished). ``headline``: the sentence for the person. ``dropped``: exercise
    ids left out because leg symptoms spread during them (any week so far), ``offers`` the
    gentler version of each from the same family (None when there is none), ``leg_note``
    what to do about it. ``limit``: the pain limit applied.
    """

    action: str
    reasons: tuple[str, ...]
    headline: str
    limit: int
    dropped: tuple[str, ...] = ()
    offers: tuple[tuple[str, str | None], ...] = ()
    leg_note: str | None = None

    def __post_init__(self) -> None:
        _one_of("action", self.action, ACTIONS)

    @property
    def change(self) -> int:
        """How many plan weeks the doses move: +1, 0 or -1."""
        return {"progress": 1, "hold": 0, "step_back": -1}[self.action]


def _session_fields(session: LoggedSession) -> tuple[int | None, bool | None, bool]:
    pain, settled, spread = (
        session.pain_during,
        session.settled_next_day,
        session.leg_symptoms_spread,
    )
    if pain is not None:
        _int_in("pain_during", pain, 0, PAIN_SCALE_MAX)
    if settled is not None and not isinstance(settled, bool):
        raise ValueError(f"settled_next_day must be True, False or None (got {settled!r})")
    if not isinstance(spread, bool):
        raise ValueError(f"leg_symptoms_spread must be True or False (got {spread!r})")
    return pain, settled, spread


def _on(session: LoggedSession) -> str:
    day = getattr(session, "date", None)
    return f" on {day:%A}" if isinstance(day, date) else ""


def _felt_wrong(session: LoggedSession) -> tuple[str, ...]:
    ids = getattr(session, "felt_wrong", ()) or ()
    return tuple(sorted(str(i) for i in ids))


def _order(session: LoggedSession) -> tuple[object, ...]:
    """A sort key over everything ``next_step`` reads: the words come out the same
    whatever order the sessions of a week are given in."""
    pain, settled, spread = _session_fields(session)
    day = getattr(session, "date", None)
    return (
        day.toordinal() if isinstance(day, date) else 0,
        -1 if pain is None else pain,
        {None: 0, False: 1, True: 2}[settled],
        spread,
        _felt_wrong(session),
    )


def breaches(week: Sequence[LoggedSession], limit: int) -> tuple[str, ...]:
    """Each way the week's sessions went over the pain rule, in words, by day."""
    words = load_next_step_rules()
    found: list[str] = []
    for session in sorted(week, key=_order):
        pain, settled, _spread = _session_fields(session)
        if pain is not None and pain > limit:
            found.append(words.pain_over.format(on=_on(session), pain=pain, limit=limit))
        if settled is False:
            found.append(words.not_settled.format(on=_on(session)))
    return tuple(found)


def _gentler(ident: str, catalogue: Catalogue) -> str | None:
    try:
        easier = catalogue.get(ident).easier
    except (KeyError, ValueError):
        return None
    return easier or None


def next_step(
    weeks: Sequence[Sequence[LoggedSession]],
    *,
    usual_pain: int | None = None,
    catalogue: Catalogue | None = None,
) -> Decision:
    """The plan's next step from the logged sessions, by the pain rule (rules: pain_rule,
    next_step). ``weeks``: the sessions grouped by plan week, oldest first, the last being
    the week just finished. ``usual_pain`` (0-10 or None) sets the limit (``pain_limit``).

    - a breach (pain during above the limit, or not back to usual the next day) in the
      week just finished: "hold"; breaches in ``step_back_after`` weeks in a row:
      "step_back";
    - otherwise leg symptoms spreading in the week just finished: "hold"; a week with no
      session logged (or no weeks): "hold";
    - otherwise: "progress".
    Leg symptoms spreading during an exercise (any week) leave that exercise out
    (``dropped``) and offer its easier version from the same family.
    """
    rules = load_next_step_rules()
    limit = pain_limit(usual_pain)
    weeks = [list(week) for week in weeks]
    for week in weeks:
        for session in week:
            _session_fields(session)  # every session checked, whatever the week
    last = weeks[-1] if weeks else []
    over = breaches(last, limit)
    spread_last = tuple(
        rules.leg_spread.format(on=_on(s))
        for s in sorted(last, key=_order)
        if s.leg_symptoms_spread
    )
    in_a_row = rules.step_back_after
    if over and len(weeks) >= in_a_row and all(breaches(w, limit) for w in weeks[-in_a_row:]):
        action, reasons = "step_back", over + spread_last
        headline = rules.step_back.format(why=" and ".join(over))
    elif over or spread_last:
        action, reasons = "hold", over + spread_last
        headline = rules.hold.format(why=" and ".join(reasons))
    elif not last:
        action, reasons = "hold", (rules.nothing_logged,)
        headline = rules.hold.format(why=rules.nothing_logged)
    else:
        action, reasons = "progress", ()
        headline = rules.progress.format(limit=limit)
    dropped = tuple(
        sorted(
            {
                ident
                for week in weeks
                for session in week
                if session.leg_symptoms_spread
                for ident in _felt_wrong(session)
            }
        )
    )
    catalogue = catalogue or load_catalogue()
    offers = tuple((ident, _gentler(ident, catalogue)) for ident in dropped)
    leg_note = None
    if dropped or spread_last:
        names = [_name(ident, catalogue) for ident in dropped] or ["an exercise"]
        gentler = [_name(g, catalogue) for _i, g in offers if g is not None]
        offer = rules.offer.format(gentler=" or ".join(gentler)) if gentler else ""
        leg_note = rules.leg_note.format(exercises=" and ".join(names), offer=offer)
    return Decision(action, reasons, headline, limit, dropped, offers, leg_note)


def _name(ident: str, catalogue: Catalogue) -> str:
    try:
        return catalogue.get(ident).name
    except (KeyError, ValueError):
        return "an exercise"


def plan_step(
    weeks: Sequence[Sequence[LoggedSession]],
    *,
    usual_pain: int | None = None,
    catalogue: Catalogue | None = None,
) -> tuple[int, Decision | None]:
    """The plan week whose doses the coming week takes, and the decision that set it.

    Replays ``next_step`` week by week from week 1: each finished week moves the doses
    by its decision, never before week 1 nor past the plan's last week. Weeks before the
    first logged session follow the plan's calendar (a week each, as before logging began;
    no decision). No finished weeks: week 1 and no decision.
    """
    top = load_rules().weeks
    step, decision = 1, None
    logging = False
    for n in range(1, len(weeks) + 1):
        logging = logging or bool(weeks[n - 1])
        if not logging:
            step = min(top, step + 1)
            continue
        decision = next_step(weeks[:n], usual_pain=usual_pain, catalogue=catalogue)
        step = max(1, min(top, step + decision.change))
    return step, decision


def leave_out(
    routine: Routine, dropped: Iterable[str], catalogue: Catalogue | None = None
) -> Routine:
    """The routine without the exercises in ``dropped``: each replaced by its easier version
    from the same family when that is allowed for the profile and not already in it, else
    left out. A shared routine (no profile) only loses them."""
    dropped = set(dropped)
    if not dropped or routine.refused is not None:
        return routine
    catalogue = catalogue or load_catalogue()
    in_use = {item.exercise.id for item in routine.items}
    items: list[RoutineItem] = []
    for item in routine.items:
        if item.exercise.id not in dropped:
            items.append(item)
            continue
        easier = _gentler(item.exercise.id, catalogue)
        if easier and easier not in in_use and easier not in dropped and routine.profile:
            ex = catalogue.get(easier)
            if allowed(ex, routine.profile):
                items.append(_item(ex))
                in_use.add(easier)
    return replace(routine, items=tuple(items))
