"""Kept records: what a person leaves behind between visits, as typed values.

A store keeps each record as a kind, an id and a JSON payload (``backcare.storage``,
``Store.put_record``); this module is the one home of the kinds and of each payload's
shape. Every value has ``to_payload()`` and ``from_payload()``; a payload that cannot be
read (written by a newer BackCare, or edited by hand) raises ``ValueError`` saying so, so a
page can say the saved item could not be read and offer to start again.

- ``CheckRecord`` (CHECK, one record per check, the newest counts): the warning-sign
  answers, the level and when. ``result()`` runs today's triage rules on the answers.
- ``DoctorSeen`` (DOCTOR_SEEN, record id = the check's): "a doctor has seen me about this".
- ``SignsChecked`` (SIGNS_CHECKED, record id CURRENT): the routine builder's "I have
  checked: none apply to me".
- ``RoutineRecord`` (ROUTINE, record id CURRENT): the profile, the exercises and doses (the
  share code: ids and doses only) and the day the plan started.
- ``SessionRecord`` (SESSION, record id = the day): one logged exercise session: done as
  planned or in part (which exercises were skipped or felt wrong), pain during it, whether
  pain was back to usual the next day, whether leg symptoms spread. ``sessions_by_week``
  groups them by plan week for ``backcare.routine.next_step``.
- ``Standing``: what the kept check, doctor-seen and confirmation records say together
  (``standing()``): whether an emergency or urgent result still stands.
- ``rescore``: a questionnaire result again from its kept answers (a ``Screening``).

Plain Python: no Streamlit, no pandas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from backcare.routine import (
    PAIN_SCALE_MAX,
    Profile,
    Routine,
    allowed,
    build_routine,
    decode_share,
    encode_share,
    load_rules,
)
from backcare.screening import LEVELS, QuestionnaireResult, TriageResult, triage
from backcare.screening.instruments import INSTRUMENTS

if TYPE_CHECKING:
    from backcare.storage import StoredRecord

# The kinds of kept record: the one home of each name (stores see only the text).
CHECK = "check"
ROUTINE = "routine"
DOCTOR_SEEN = "doctor_seen"
SIGNS_CHECKED = "signs_checked"
SESSION = "session"  # logged exercise sessions (issue 18)
KINDS: tuple[str, ...] = (CHECK, ROUTINE, DOCTOR_SEEN, SIGNS_CHECKED, SESSION)
# The record id of a kind kept once per person (the routine, the confirmation).
CURRENT = "current"
# Each payload carries "v"; a reader refuses a newer one instead of guessing.
PAYLOAD_VERSION = 1
MAX_NOTE_CHARS = 200
HOLD_LEVELS = ("emergency", "urgent")


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


# --------------------------------------------------------------------------- reading


def _payload(payload: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(payload, Mapping):
        raise ValueError(f"The saved {what} could not be read (it is not a record).")
    version = payload.get("v")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"The saved {what} could not be read (it has no version).")
    if version > PAYLOAD_VERSION:
        raise ValueError(
            f"The saved {what} was made by a newer version of BackCare, so this one cannot "
            "read it. Update BackCare, or start again."
        )
    return payload


def _field(payload: Mapping[str, Any], name: str, what: str) -> Any:
    if name not in payload:
        raise ValueError(f"The saved {what} could not be read ({name} is missing).")
    return payload[name]


def _bad(what: str, name: str, _value: Any) -> ValueError:
    """The message names the field, never its value: a page shows it as Markdown, and a
    hand-edited file could hold an image link the browser would fetch."""
    return ValueError(f"The saved {what} could not be read ({name} is not as expected).")


def _when(value: Any, what: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _bad(what, name, value) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _day(value: Any, what: str, name: str) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise _bad(what, name, value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _bad(what, name, value) from None


def _optional_bool(value: Any, what: str, name: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise _bad(what, name, value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --------------------------------------------------------------------------- check


@dataclass(frozen=True)
class CheckRecord:
    """One warning-sign check: the answers as given, the level they gave, and when.

    ``taken_at`` is local time to the second, like a diary entry's.
    """

    flags: frozenset[str]
    follow_ups: tuple[tuple[str, str], ...]  # (flag id, answer id), sorted
    age: int | None
    duration_weeks: float | None
    improving: bool | None
    worsening: bool | None
    level: str
    taken_at: datetime

    def __post_init__(self) -> None:
        what = "check"
        if isinstance(self.flags, str) or not isinstance(self.flags, Iterable):
            raise _bad(what, "flags", self.flags)
        flags = frozenset(self.flags)
        if not all(isinstance(f, str) for f in flags):
            raise _bad(what, "flags", self.flags)
        object.__setattr__(self, "flags", flags)
        pairs = self.follow_ups
        if isinstance(pairs, str) or not isinstance(pairs, Iterable):
            raise _bad(what, "follow_ups", pairs)
        clean = []
        for pair in pairs:
            if (
                not isinstance(pair, list | tuple)
                or len(pair) != 2
                or not all(isinstance(p, str) for p in pair)
            ):
                raise _bad(what, "follow_ups", self.follow_ups)
            clean.append((pair[0], pair[1]))
        object.__setattr__(self, "follow_ups", tuple(sorted(clean)))
        if self.age is not None and (
            isinstance(self.age, bool) or not isinstance(self.age, int) or not 0 <= self.age <= 120
        ):
            raise _bad(what, "age", self.age)
        weeks = self.duration_weeks
        if weeks is not None and (not _is_number(weeks) or not 0 <= weeks <= 5200):
            raise _bad(what, "duration_weeks", weeks)
        _optional_bool(self.improving, what, "improving")
        _optional_bool(self.worsening, what, "worsening")
        if self.level not in LEVELS:
            raise _bad(what, "level", self.level)
        if not isinstance(self.taken_at, datetime):
            raise _bad(what, "taken_at", self.taken_at)
        object.__setattr__(self, "taken_at", self.taken_at.replace(microsecond=0))

    @property
    def date(self) -> date:
        return self.taken_at.date()

    @property
    def holds(self) -> bool:
        """Emergency or urgent: it stands until a new check or a doctor has seen them."""
        return self.level in HOLD_LEVELS

    @classmethod
    def from_triage(cls, result: TriageResult, taken_at: datetime | None = None) -> CheckRecord:
        return cls(
            flags=result.flags,
            follow_ups=result.follow_ups,
            age=result.age,
            duration_weeks=result.duration_weeks,
            improving=result.improving,
            worsening=result.worsening,
            level=result.level,
            taken_at=taken_at or _now(),
        )

    def result(self) -> TriageResult:
        """Today's triage rules on the saved answers (so the advice is always today's).

        Raises ValueError when the answers no longer fit the rules (a question removed).
        """
        return triage(
            self.flags,
            age=self.age,
            duration_weeks=self.duration_weeks,
            improving=self.improving,
            worsening=self.worsening,
            follow_ups=dict(self.follow_ups),
        )

    def to_payload(self) -> dict[str, Any]:
        return {
            "v": PAYLOAD_VERSION,
            "flags": sorted(self.flags),
            "follow_ups": [list(pair) for pair in self.follow_ups],
            "age": self.age,
            "duration_weeks": self.duration_weeks,
            "improving": self.improving,
            "worsening": self.worsening,
            "level": self.level,
            "taken_at": self.taken_at.isoformat(),
        }

    @classmethod
    def from_payload(cls, payload: Any) -> CheckRecord:
        what = "check"
        data = _payload(payload, what)
        flags = _field(data, "flags", what)
        if not isinstance(flags, list):
            raise _bad(what, "flags", flags)
        follow_ups = _field(data, "follow_ups", what)
        if not isinstance(follow_ups, list):
            raise _bad(what, "follow_ups", follow_ups)
        return cls(
            flags=frozenset(flags),
            follow_ups=tuple(follow_ups),
            age=_field(data, "age", what),
            duration_weeks=_field(data, "duration_weeks", what),
            improving=_field(data, "improving", what),
            worsening=_field(data, "worsening", what),
            level=_field(data, "level", what),
            taken_at=_when(_field(data, "taken_at", what), what, "taken_at"),
        )


def saved_level(payload: Any) -> str | None:
    """The level a check payload says it gave, read leniently; None if there is none.

    For a check that cannot be read in full: an emergency or urgent level it recorded still
    stands (never silently dropped because the rest of the record is damaged).
    """
    level = payload.get("level") if isinstance(payload, Mapping) else None
    return level if level in LEVELS else None


# --------------------------------------------------------------------------- doctor seen


@dataclass(frozen=True)
class DoctorSeen:
    """A doctor has seen me about this: the day, an optional note, and which check."""

    date: date
    note: str = ""
    check_id: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.date, datetime) or not isinstance(self.date, date):
            raise _bad("doctor visit", "date", self.date)
        if not isinstance(self.note, str) or len(self.note) > MAX_NOTE_CHARS:
            raise ValueError(f"The note can be at most {MAX_NOTE_CHARS} characters long.")
        if self.check_id is not None and not isinstance(self.check_id, str):
            raise _bad("doctor visit", "check_id", self.check_id)

    def to_payload(self) -> dict[str, Any]:
        return {
            "v": PAYLOAD_VERSION,
            "date": self.date.isoformat(),
            "note": self.note,
            "check_id": self.check_id,
        }

    @classmethod
    def from_payload(cls, payload: Any) -> DoctorSeen:
        what = "doctor visit"
        data = _payload(payload, what)
        return cls(
            date=_day(_field(data, "date", what), what, "date"),
            note=data.get("note") or "",
            check_id=data.get("check_id"),
        )


# --------------------------------------------------------------------------- signs checked


@dataclass(frozen=True)
class SignsChecked:
    """The routine builder's "I have checked: none apply to me", and when."""

    at: datetime

    def __post_init__(self) -> None:
        if not isinstance(self.at, datetime):
            raise _bad("confirmation", "at", self.at)
        object.__setattr__(self, "at", self.at.replace(microsecond=0))

    @property
    def date(self) -> date:
        return self.at.date()

    def to_payload(self) -> dict[str, Any]:
        return {"v": PAYLOAD_VERSION, "at": self.at.isoformat()}

    @classmethod
    def from_payload(cls, payload: Any) -> SignsChecked:
        what = "confirmation"
        data = _payload(payload, what)
        return cls(at=_when(_field(data, "at", what), what, "at"))


def still_valid(day: date, today: date, valid_days: int | None = None) -> bool:
    """Whether a check or confirmation made on ``day`` still counts on ``today``.

    It counts for ``valid_days`` days (data/routine_rules.toml, check_first.valid_days: a
    week, one week of the plan), counting the day itself; a day after today (a clock put
    back) counts as today.
    """
    days = load_rules().check_valid_days if valid_days is None else valid_days
    return (today - day).days < days


# --------------------------------------------------------------------------- routine


def plan_week(start: date, today: date) -> int:
    """The week of a plan started on ``start`` that ``today`` falls in: week 1 from the
    start day, a new week every 7 days, never before week 1 or past the plan's last week
    (data/routine_rules.toml, progression.weeks)."""
    return max(1, min(load_rules().weeks, (today - start).days // 7 + 1))


def _profile_payload(profile: Profile) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(Profile):
        value = getattr(profile, f.name)
        out[f.name] = sorted(value) if isinstance(value, frozenset) else value
    return out


def _profile_from(data: Any) -> Profile:
    what = "routine"
    if not isinstance(data, Mapping):
        raise _bad(what, "profile", data)
    known = {f.name for f in fields(Profile)}
    values = {name: value for name, value in data.items() if name in known}
    for name in ("equipment", "conditions"):
        if name in values and not isinstance(values[name], list):
            raise _bad(what, name, values[name])
    try:
        return Profile(**values)
    except (TypeError, ValueError) as exc:
        # Profile's messages start with the field's name and go on to echo its value.
        field_name = re.sub(r"[^a-z_].*", "", str(exc), flags=re.S) or "profile"
        raise _bad(what, field_name, None) from None


@dataclass(frozen=True)
class RoutineRecord:
    """The current routine: the answers it was built for, its exercises and doses, and the
    day its plan started (week 1)."""

    profile: Profile
    items: str  # routine.encode_share: exercise ids and doses only
    start: date

    def __post_init__(self) -> None:
        if not isinstance(self.profile, Profile):
            raise _bad("routine", "profile", self.profile)
        if not isinstance(self.items, str) or not self.items:
            raise _bad("routine", "items", self.items)
        if isinstance(self.start, datetime) or not isinstance(self.start, date):
            raise _bad("routine", "start", self.start)

    @classmethod
    def from_routine(cls, routine: Routine, start: date) -> RoutineRecord:
        """Keep a routine built from a profile (a refused or shared one cannot be kept)."""
        if routine.profile is None or routine.refused is not None:
            raise ValueError("Only a routine built from your answers can be kept.")
        return cls(routine.profile, encode_share(routine), start)

    def routine(self) -> Routine:
        """The routine again, under today's rules.

        The exercises and doses as kept (swaps included) with the notes and cautions of
        the profile. If today's rules refuse the profile, that refusal; if they no longer
        allow one of the kept exercises for it, the routine they build now.
        """
        built = build_routine(self.profile)
        if built.refused is not None:
            return built
        try:
            kept = decode_share(self.items)
        except ValueError as exc:
            raise ValueError(f"The saved routine could not be read. {exc}") from None
        if not all(allowed(item.exercise, self.profile) for item in kept.items):
            return built
        return replace(built, items=kept.items)

    @property
    def weeks(self) -> int:
        """How many weeks the plan has (data/routine_rules.toml, progression.weeks)."""
        return load_rules().weeks

    def week(self, today: date) -> int:
        """The plan week ``today`` falls in (``plan_week``)."""
        return plan_week(self.start, today)

    def to_payload(self) -> dict[str, Any]:
        return {
            "v": PAYLOAD_VERSION,
            "profile": _profile_payload(self.profile),
            "items": self.items,
            "start": self.start.isoformat(),
        }

    @classmethod
    def from_payload(cls, payload: Any) -> RoutineRecord:
        what = "routine"
        data = _payload(payload, what)
        items = _field(data, "items", what)
        if not isinstance(items, str) or not items:
            raise _bad(what, "items", items)
        return cls(
            profile=_profile_from(_field(data, "profile", what)),
            items=items,
            start=_day(_field(data, "start", what), what, "start"),
        )


# --------------------------------------------------------------------------- sessions

PLANNED, IN_PART = "planned", "part"
DONE = (PLANNED, IN_PART)  # done as planned, or done in part
MAX_SESSION_IDS = 40  # exercise ids in one session's lists (a routine has fewer)


def _ids(value: Any, name: str) -> frozenset[str]:
    what = "session"
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _bad(what, name, value)
    ids = frozenset(value)
    if len(ids) > MAX_SESSION_IDS or not all(
        isinstance(i, str) and re.fullmatch(r"[a-z0-9_]{1,40}", i) for i in ids
    ):
        raise _bad(what, name, value)
    return ids


@dataclass(frozen=True)
class SessionRecord:
    """One logged exercise session of the current routine.

    ``week``: the plan week it was done in (``plan_week``); ``done``: "planned" (done as
    planned: nothing skipped or felt wrong) or "part" (``skipped`` and ``felt_wrong`` name
    exercise ids); ``pain_during`` 0-10 or None (not said); ``settled_next_day``: pain back
    to usual the next day (None: not asked yet); ``leg_symptoms_spread``: pain, tingling or
    numbness spread down a leg (during the ``felt_wrong`` exercises when named).
    """

    date: date
    week: int
    done: str = PLANNED
    skipped: frozenset[str] = frozenset()
    felt_wrong: frozenset[str] = frozenset()
    pain_during: int | None = None
    settled_next_day: bool | None = None
    leg_symptoms_spread: bool = False

    def __post_init__(self) -> None:
        what = "session"
        if isinstance(self.date, datetime) or not isinstance(self.date, date):
            raise _bad(what, "date", self.date)
        weeks = load_rules().weeks
        if isinstance(self.week, bool) or not isinstance(self.week, int):
            raise _bad(what, "week", self.week)
        if not 1 <= self.week <= weeks:
            raise ValueError(f"The plan week must be a whole number from 1 to {weeks}.")
        if self.done not in DONE:
            raise _bad(what, "done", self.done)
        object.__setattr__(self, "skipped", _ids(self.skipped, "skipped"))
        object.__setattr__(self, "felt_wrong", _ids(self.felt_wrong, "felt_wrong"))
        if self.done == PLANNED and (self.skipped or self.felt_wrong):
            raise ValueError(
                "A session done as planned has nothing skipped or felt wrong: choose "
                "'done in part' to name those exercises."
            )
        pain = self.pain_during
        if pain is not None and (
            isinstance(pain, bool) or not isinstance(pain, int) or not 0 <= pain <= PAIN_SCALE_MAX
        ):
            raise ValueError(
                f"Pain during the session must be a whole number from 0 to {PAIN_SCALE_MAX}."
            )
        _optional_bool(self.settled_next_day, what, "settled_next_day")
        if not isinstance(self.leg_symptoms_spread, bool):
            raise _bad(what, "leg_symptoms_spread", self.leg_symptoms_spread)

    @property
    def record_id(self) -> str:
        """One session a day: logging the day again (or answering "back to usual?" the next
        day) replaces it."""
        return self.date.isoformat()

    def to_payload(self) -> dict[str, Any]:
        return {
            "v": PAYLOAD_VERSION,
            "date": self.date.isoformat(),
            "week": self.week,
            "done": self.done,
            "skipped": sorted(self.skipped),
            "felt_wrong": sorted(self.felt_wrong),
            "pain_during": self.pain_during,
            "settled_next_day": self.settled_next_day,
            "leg_symptoms_spread": self.leg_symptoms_spread,
        }

    @classmethod
    def from_payload(cls, payload: Any) -> SessionRecord:
        what = "session"
        data = _payload(payload, what)
        lists = {}
        for name in ("skipped", "felt_wrong"):
            value = data.get(name, [])
            if not isinstance(value, list):
                raise _bad(what, name, value)
            lists[name] = frozenset(value)
        return cls(
            date=_day(_field(data, "date", what), what, "date"),
            week=_field(data, "week", what),
            done=_field(data, "done", what),
            pain_during=data.get("pain_during"),
            settled_next_day=data.get("settled_next_day"),
            leg_symptoms_spread=data.get("leg_symptoms_spread", False),
            **lists,
        )


@dataclass(frozen=True)
class Sessions:
    """The kept sessions of the current plan, read: ``all`` by day, ``weeks`` the finished
    plan weeks' sessions (week 1 first) for ``next_step``, ``problems`` how many kept
    sessions could not be read (left out)."""

    all: tuple[SessionRecord, ...] = ()
    weeks: tuple[tuple[SessionRecord, ...], ...] = ()
    problems: int = 0

    def on(self, day: date) -> SessionRecord | None:
        return next((s for s in self.all if s.date == day), None)

    def per_week(self) -> dict[int, int]:
        """Sessions done in each plan week (week -> count), for adherence."""
        counts: dict[int, int] = {}
        for session in self.all:
            counts[session.week] = counts.get(session.week, 0) + 1
        return counts


def sessions_by_week(kept: Iterable[StoredRecord], start: date, today: date) -> Sessions:
    """The kept sessions of the plan that started on ``start``, grouped by plan week for
    ``next_step``: one group per finished week (week 1 to the week before ``today``'s),
    empty for a week with none logged. Sessions before ``start`` (an earlier routine) or
    after ``today`` are left out; unreadable ones are counted in ``problems``."""
    found: dict[date, SessionRecord] = {}
    problems = 0
    for record in kept:  # oldest first: a day logged again replaces the earlier one
        try:
            session = SessionRecord.from_payload(record.payload)
        except ValueError:
            problems += 1
            continue
        if start <= session.date <= today:
            found[session.date] = session
    ordered = tuple(found[d] for d in sorted(found))
    current = plan_week(start, today)
    weeks = tuple(
        tuple(s for s in ordered if s.week == week and s.date < today) for week in range(1, current)
    )
    return Sessions(ordered, weeks, problems)


@dataclass(frozen=True)
class WeekAdherence:
    """Sessions logged in one plan week against the days a week planned."""

    week: int
    done: int
    planned: int
    current: bool  # the week in progress (today's)


@dataclass(frozen=True)
class Adherence:
    """Sessions done per plan week against planned, with a summary in words."""

    weeks: tuple[WeekAdherence, ...]
    summary: str
    start: date | None = None  # the plan's first day: week n is start + 7(n-1) days on

    @property
    def done(self) -> int:
        return sum(w.done for w in self.weeks)


def adherence(sessions: Sessions, days_per_week: int, start: date, today: date) -> Adherence:
    """Sessions done in each plan week so far (week 1 to today's) against
    ``days_per_week`` planned, and a summary in whole numbers: the finished weeks'
    share and this week so far."""
    if isinstance(days_per_week, bool) or not isinstance(days_per_week, int):
        raise ValueError("days_per_week must be a whole number from 1 to 7")
    if not 1 <= days_per_week <= 7:
        raise ValueError("days_per_week must be a whole number from 1 to 7")
    current = plan_week(start, today)
    counts = sessions.per_week()
    weeks = tuple(
        WeekAdherence(w, counts.get(w, 0), days_per_week, w == current)
        for w in range(1, current + 1)
    )
    finished = [w for w in weeks if not w.current]
    now = weeks[-1]
    this_week = f"This week (week {now.week}) so far: {now.done} of {now.planned}."
    if not finished:
        return Adherence(
            weeks, f"Sessions logged in week 1 so far: {now.done} of {now.planned}.", start
        )
    done = sum(min(w.done, w.planned) for w in finished)
    planned = sum(w.planned for w in finished)
    count = len(finished)
    summary = (
        f"Sessions logged: {sum(w.done for w in finished)} in the {count} finished "
        f"week{'s' if count > 1 else ''} of your plan, against {planned} planned "
        f"({round(100 * done / planned)}% of planned sessions done). {this_week}"
    )
    return Adherence(weeks, summary, start)


# --------------------------------------------------------------------------- questionnaires


def rescore(instrument: str, answers: Any) -> QuestionnaireResult:
    """The full result of a kept questionnaire, worked out again from its answers by
    today's scoring (the registry, ``backcare.screening.instruments``). Raises ValueError
    for answers that do not fit.
    """
    if instrument not in INSTRUMENTS:
        raise ValueError(f"There is no questionnaire called {instrument!r}.")
    if not isinstance(answers, list | tuple):
        raise ValueError("The saved answers could not be read.")
    try:
        return INSTRUMENTS[instrument].score(tuple(answers))
    except TypeError:
        raise ValueError("The saved answers could not be read.") from None


# --------------------------------------------------------------------------- standing


@dataclass(frozen=True)
class Standing:
    """What the kept warning-sign records say now.

    ``check`` is the newest check (None when there is none or it cannot be read; then
    ``problem`` says why), ``result`` today's rules on its answers, ``seen`` a doctor's
    visit recorded for it, ``confirmed`` the routine builder's "none apply" when it is newer
    than the check. ``hold_level`` is "emergency" or "urgent" while such a result stands.
    """

    check: CheckRecord | None = None
    check_id: str | None = None
    result: TriageResult | None = None
    seen: DoctorSeen | None = None
    confirmed: SignsChecked | None = None
    hold_level: str | None = None
    problem: str | None = None

    @property
    def level(self) -> str | None:
        """The level to act on now: a standing hold, else the check's own level (None once
        a doctor has seen them about it, or with no check)."""
        if self.hold_level is not None:
            return self.hold_level
        if self.result is None or self.seen is not None:
            return None
        return self.result.level

    @property
    def age(self) -> int | None:
        return None if self.check is None else self.check.age

    def signs_checked(self, today: date, valid_days: int | None = None) -> bool:
        """Whether the warning signs count as checked for the routine builder today.

        Never while a result stands. Otherwise the newer of the check and the
        confirmation decides, while it is recent (``still_valid``); a check a doctor has
        since seen the person about does not count (ask again).
        """
        if self.hold_level is not None:
            return False
        if self.confirmed is not None:
            return still_valid(self.confirmed.date, today, valid_days)
        if self.check is None or self.result is None or self.seen is not None:
            return False
        return still_valid(self.check.date, today, valid_days)

    @property
    def lapsed_on(self) -> date | None:
        """The day of the last check or confirmation that no longer counts, for words like
        "your last check was on ..."; None when there was none."""
        if self.confirmed is not None:
            return self.confirmed.date
        return None if self.check is None else self.check.date


def standing(
    checks: Sequence[StoredRecord],
    doctor_seen: Sequence[StoredRecord] = (),
    confirmations: Sequence[StoredRecord] = (),
) -> Standing:
    """The standing of the newest check: the one taken last (by its ``taken_at``; checks
    imported from a file keep their own time), the one written last among equals."""
    if not checks:
        return Standing(confirmed=_newest_confirmation(confirmations, after=None))
    order = [(_taken_at(record), n) for n, record in enumerate(checks)]
    when, newest = max(order)
    latest = checks[newest]
    confirmed = _newest_confirmation(confirmations, after=when)
    seen = _seen_for(latest.record_id, doctor_seen)
    try:
        check = CheckRecord.from_payload(latest.payload)
        try:
            result = check.result()
        except ValueError:  # triage's message would echo a flag id from the file
            raise ValueError(
                "The saved check could not be read (its answers do not fit today's questions)."
            ) from None
    except ValueError as exc:
        # Unreadable: an emergency or urgent level it recorded still holds.
        level = saved_level(latest.payload)
        held = level if level in HOLD_LEVELS and seen is None else None
        return Standing(
            check_id=latest.record_id,
            seen=seen,
            confirmed=confirmed,
            hold_level=held,
            problem=str(exc),
        )
    held = result.level if result.level in HOLD_LEVELS and seen is None else None
    return Standing(check, latest.record_id, result, seen, confirmed, held)


def _local(moment: datetime) -> datetime:
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def _taken_at(record: StoredRecord) -> datetime:
    """When a kept check was taken (local time); when it was saved if that cannot be read."""
    try:
        return _local(datetime.fromisoformat(record.payload["taken_at"]))
    except (KeyError, TypeError, ValueError):
        return _local(record.saved_at)


def _seen_for(check_id: str, records: Iterable[StoredRecord]) -> DoctorSeen | None:
    for record in reversed(list(records)):
        if record.record_id != check_id:
            continue
        try:
            return DoctorSeen.from_payload(record.payload)
        except ValueError:
            return None  # unreadable: the hold stays (never lifted by a damaged record)
    return None


def _newest_confirmation(
    records: Iterable[StoredRecord], after: datetime | None
) -> SignsChecked | None:
    """The newest readable confirmation, if it was made after the newest check (a check
    made in the same second wins: it asked every question)."""
    for record in reversed(list(records)):
        try:
            confirmed = SignsChecked.from_payload(record.payload)
        except ValueError:
            return None
        return confirmed if after is None or confirmed.at > after else None
    return None
