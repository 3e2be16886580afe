"""The exercise catalogue: ``data/exercises.toml`` loaded into frozen dataclasses.

Every entry is checked on load; a bad entry raises ``ValueError`` naming the entry and the
field. Illustrations live in ``data/illustrations/<id>.svg`` (one per exercise).

Equipment rule: the floor is always available, so floor exercises list only ``"none"``;
a mat is comfort, named in the steps. An exercise is possible when every item it lists is
``"none"`` or something the person has.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from backcare.paths import DATA_DIR

CATALOGUE_FILE = DATA_DIR / "exercises.toml"
ILLUSTRATION_DIR = DATA_DIR / "illustrations"

PHASES = ("warm_up", "main", "cool_down")
PHASE_LABELS = {"warm_up": "Warm-up", "main": "Main set", "cool_down": "Cool-down"}
KINDS = ("strength", "mobility", "stretch", "yoga", "aerobic")
EQUIPMENT = ("none", "mat", "chair", "strap", "bench", "machine")
LEVELS = ("beginner", "intermediate", "advanced")
EFFORTS = ("gentle", "moderate", "hard")
# How an exercise moves the spine (the trunk, not the neck): each movement it makes and how
# far. "mid": part of the way; "end": to the end of the range; "loaded": against a weight
# (the body's own lifted against gravity, or a machine's), which the rules treat at least as
# strictly as end range. Movements not listed are not made (the spine stays neutral).
SPINE_MOVEMENTS = ("flexion", "extension", "rotation", "side_bend")
# The part of the body an exercise is for: the back (trunk, hips, legs) unless it says
# "neck". Neck exercises go into a routine only when the person asks for them.
AREAS = ("back", "neck")
SPINE_RANGES = ("mid", "end", "loaded")
END_OR_LOADED = frozenset({"end", "loaded"})
CONDITIONS = (
    "pregnancy",
    "osteoporosis",
    "sciatica",
    "flexion_sensitive",
    "extension_sensitive",
    "recent_spine_surgery",
    "knee_problems",
    "hip_replacement",
)

# Plain-word labels for forms and handouts.
LEVEL_LABELS = {
    "beginner": "New to exercise, or not active lately",
    "intermediate": "Fairly active",
    "advanced": "Very active, used to strength training",
}
EQUIPMENT_LABELS = {
    "mat": "Exercise mat",
    "chair": "Sturdy chair",
    "strap": "Strap, belt or towel",
    "bench": "Adjustable bench",
    "machine": "Gym machines (cable, rowing, bike)",
}
CONDITION_LABELS = {
    "pregnancy": "Pregnant",
    "osteoporosis": "Osteoporosis or a spine fracture from thin bones",
    "sciatica": "Sciatica (pain running down a leg)",
    "flexion_sensitive": "Bending forward makes my back worse",
    "extension_sensitive": "Leaning backwards makes my back worse",
    "recent_spine_surgery": "Recent spine surgery",
    "knee_problems": "Knee problems",
    "hip_replacement": "Hip replacement",
}


@dataclass(frozen=True)
class Dose:
    """How much of one exercise: sets of reps, each rep held and taking some seconds.

    Aerobic work (walking, the bike) has no reps: its dose is its minutes.
    """

    sets: int
    reps: int
    hold_seconds: int
    seconds_per_rep: int
    per_side: bool = False

    def describe(self, minutes: float | None = None) -> str:
        if self.reps == 0:
            return f"{_fmt_minutes(minutes)} at a comfortable pace" if minutes else "as timed"
        side = " each side" if self.per_side else ""
        sets = f"{self.sets} sets of " if self.sets > 1 else ""
        if self.reps == 1 and self.hold_seconds:
            times = f"{self.sets} times" if self.sets > 1 else "once"
            return f"hold {self.hold_seconds} seconds{side}, {times}"
        hold = f", hold {self.hold_seconds} s each" if self.hold_seconds else ""
        return f"{sets}{self.reps} reps{side}{hold}"

    def work_seconds(self) -> int:
        """Seconds of movement and holding in this dose (rests not counted)."""
        sides = 2 if self.per_side else 1
        return self.sets * self.reps * (self.hold_seconds + self.seconds_per_rep) * sides


def _fmt_minutes(minutes: float) -> str:
    value = round(minutes, 1)
    text = f"{value:g}"
    return f"{text} minute" if value == 1 else f"{text} minutes"


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    phase: str
    kind: str
    position: str
    equipment: frozenset[str]
    level: str
    effort: str
    dose: Dose
    minutes: float
    steps: tuple[str, ...]
    stop_if: tuple[str, ...]
    cautions: tuple[str, ...]
    contraindications: frozenset[str]
    easier: str
    harder: str
    source: str
    flexible_minutes: tuple[float, float] | None = None
    # (movement, range) pairs, sorted; see SPINE_MOVEMENTS and SPINE_RANGES.
    spine: tuple[tuple[str, str], ...] = ()
    # (condition, caution) pairs, sorted: shown only to someone who chose that condition.
    condition_cautions: tuple[tuple[str, str], ...] = ()
    # For reviewers only (evidence grade, the doses the sources give): never shown to users.
    review_note: str = ""
    area: str = "back"  # see AREAS

    def spine_range(self, movement: str) -> str | None:
        """How far this exercise takes the spine in ``movement``, or None if not at all."""
        return dict(self.spine).get(movement)

    def end_range(self, movement: str) -> bool:
        """True when the spine goes to the end of its range in ``movement``, or under load."""
        return self.spine_range(movement) in END_OR_LOADED

    def cautions_for(self, conditions: frozenset[str] | set[str]) -> tuple[str, ...]:
        """The cautions to show someone with these conditions: the general ones, then those
        for each condition they chose (a pregnancy caution only for someone pregnant)."""
        keyed = tuple(text for key, text in self.condition_cautions if key in conditions)
        return self.cautions + keyed

    def patient_texts(self) -> tuple[str, ...]:
        """Every string from this entry that a user can see, whatever they chose."""
        return (
            self.name,
            self.position,
            *self.steps,
            *self.stop_if,
            *self.cautions,
            *(text for _, text in self.condition_cautions),
            self.source,
        )

    @property
    def illustration(self) -> Path:
        return ILLUSTRATION_DIR / f"{self.id}.svg"

    @property
    def minutes_per_set(self) -> float:
        return self.minutes / self.dose.sets

    def needs(self, available: frozenset[str] | set[str]) -> frozenset[str]:
        """The equipment this exercise lists that is missing from ``available``."""
        return frozenset(self.equipment - {"none"} - set(available))


def _need(raw: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in raw:
        raise ValueError(f"{where}: missing field {key!r}")
    value = raw[key]
    if isinstance(value, bool) and kind is not bool:
        raise ValueError(f"{where}: field {key!r} must be {kind}, not a true/false value")
    if not isinstance(value, kind):
        raise ValueError(f"{where}: field {key!r} has the wrong type ({type(value).__name__})")
    return value


def _choice(raw: dict, key: str, allowed: tuple[str, ...], where: str) -> str:
    value = _need(raw, key, str, where)
    if value not in allowed:
        raise ValueError(f"{where}: {key} {value!r} is not one of {', '.join(allowed)}")
    return value


def _texts(raw: dict, key: str, where: str, *, allow_empty: bool) -> tuple[str, ...]:
    value = _need(raw, key, list, where)
    if not allow_empty and not value:
        raise ValueError(f"{where}: {key} must not be empty")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: every item of {key} must be non-empty text")
    return tuple(v.strip() for v in value)


def _tags(raw: dict, key: str, allowed: tuple[str, ...], where: str) -> frozenset[str]:
    values = _texts(raw, key, where, allow_empty=key == "contraindications")
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValueError(f"{where}: unknown {key} {unknown}; allowed: {', '.join(allowed)}")
    return frozenset(values)


def _spine(raw: dict, where: str) -> tuple[tuple[str, str], ...]:
    value = raw.get("spine", {})
    if not isinstance(value, dict):
        raise ValueError(f'{where}: spine must be a table such as {{ flexion = "mid" }}')
    for movement, extent in value.items():
        if movement not in SPINE_MOVEMENTS:
            raise ValueError(
                f"{where}: spine movement {movement!r} is not one of {', '.join(SPINE_MOVEMENTS)}"
            )
        if extent not in SPINE_RANGES:
            raise ValueError(
                f"{where}: spine {movement} {extent!r} is not one of {', '.join(SPINE_RANGES)}"
            )
    return tuple(sorted(value.items()))


def _condition_cautions(raw: dict, where: str) -> tuple[tuple[str, str], ...]:
    value = raw.get("condition_cautions", {})
    if not isinstance(value, dict):
        raise ValueError(f"{where}: condition_cautions must be a table of condition = text")
    unknown = sorted(set(value) - set(CONDITIONS))
    if unknown:
        raise ValueError(
            f"{where}: unknown condition_cautions {unknown}; allowed: {', '.join(CONDITIONS)}"
        )
    if not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise ValueError(f"{where}: every condition caution must be non-empty text")
    return tuple(sorted((k, " ".join(v.split())) for k, v in value.items()))


def _review_note(raw: dict, where: str) -> str:
    value = raw.get("review_note", "")
    if not isinstance(value, str):
        raise ValueError(f"{where}: review_note must be text")
    return " ".join(value.split())


def parse_exercise(raw: dict) -> Exercise:
    """One catalogue entry from its TOML table; ValueError names what is wrong."""
    where = f"exercise {raw.get('id', '?')!r}"
    ints = {}
    for key, low, high in [
        ("sets", 1, 10),
        ("reps", 0, 50),
        ("hold_seconds", 0, 120),
        ("seconds_per_rep", 0, 30),
    ]:
        value = _need(raw, key, int, where)
        if not low <= value <= high:
            raise ValueError(f"{where}: {key} {value} is outside {low}-{high}")
        ints[key] = value
    dose = Dose(per_side=_need(raw, "per_side", bool, where), **ints)
    minutes = float(_need(raw, "minutes", (int, float), where))
    if not 0.5 <= minutes <= 60:
        raise ValueError(f"{where}: minutes {minutes} is outside 0.5-60")
    if (minutes / dose.sets * 4) % 1:
        raise ValueError(f"{where}: minutes per set must be a multiple of a quarter minute")
    if dose.work_seconds() > minutes * 60:
        raise ValueError(f"{where}: the dose takes longer than its {minutes} minutes")
    kind = _choice(raw, "kind", KINDS, where)
    flexible = raw.get("flexible_minutes")
    if kind == "aerobic":
        if not (isinstance(flexible, list) and len(flexible) == 2):
            raise ValueError(f"{where}: aerobic entries need flexible_minutes = [least, most]")
        least, most = (float(v) for v in flexible)
        if not 0 < least <= minutes <= most:
            raise ValueError(f"{where}: flexible_minutes must surround minutes")
        flexible = (least, most)
        if dose.reps != 0:
            raise ValueError(f"{where}: aerobic entries have reps = 0 (their dose is minutes)")
    elif flexible is not None:
        raise ValueError(f"{where}: only aerobic entries have flexible_minutes")
    elif dose.reps == 0:
        raise ValueError(f"{where}: reps must be at least 1")
    ident = _need(raw, "id", str, where)
    if not ident.replace("_", "").isalnum() or not ident.islower():
        raise ValueError(f"{where}: id must be lower-case letters, digits and underscores")
    return Exercise(
        id=ident,
        name=_need(raw, "name", str, where).strip(),
        phase=_choice(raw, "phase", PHASES, where),
        kind=kind,
        position=_need(raw, "position", str, where).strip(),
        equipment=_tags(raw, "equipment", EQUIPMENT, where),
        level=_choice(raw, "level", LEVELS, where),
        effort=_choice(raw, "effort", EFFORTS, where),
        dose=dose,
        minutes=minutes,
        steps=_texts(raw, "steps", where, allow_empty=False),
        stop_if=_texts(raw, "stop_if", where, allow_empty=False),
        cautions=_texts(raw, "cautions", where, allow_empty=True),
        contraindications=_tags(raw, "contraindications", CONDITIONS, where),
        area=_choice(raw, "area", AREAS, where) if "area" in raw else "back",
        easier=_need(raw, "easier", str, where),
        harder=_need(raw, "harder", str, where),
        source=_need(raw, "source", str, where).strip(),
        flexible_minutes=flexible,
        spine=_spine(raw, where),
        condition_cautions=_condition_cautions(raw, where),
        review_note=_review_note(raw, where),
    )


def parse_catalogue(raw: dict, *, illustrations: Path | None = ILLUSTRATION_DIR) -> Catalogue:
    entries = raw.get("exercise")
    if not isinstance(entries, list) or not entries:
        raise ValueError("exercise catalogue: no [[exercise]] entries")
    exercises = tuple(parse_exercise(e) for e in entries)
    ids = [e.id for e in exercises]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"exercise catalogue: duplicate ids {dupes}")
    for ex in exercises:
        for field in ("easier", "harder"):
            target = getattr(ex, field)
            if target and target not in ids:
                raise ValueError(f"exercise {ex.id!r}: {field} {target!r} is not in the catalogue")
            if target == ex.id:
                raise ValueError(f"exercise {ex.id!r}: {field} points to itself")
        if illustrations is not None and not (illustrations / f"{ex.id}.svg").is_file():
            raise ValueError(f"exercise {ex.id!r}: no illustration {ex.id}.svg")
    return Catalogue(exercises)


@dataclass(frozen=True)
class Catalogue:
    exercises: tuple[Exercise, ...]

    def __len__(self) -> int:
        return len(self.exercises)

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises)

    def __contains__(self, ident: object) -> bool:
        return any(e.id == ident for e in self.exercises)

    def get(self, ident: str) -> Exercise:
        for ex in self.exercises:
            if ex.id == ident:
                return ex
        raise ValueError(f"unknown exercise id {ident!r}")


@cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """Read and check the catalogue (cached: the file is static, reviewed data)."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    return parse_catalogue(raw)
