"""Made-up demo patients: screening answers, a routine and a pain diary, the same every time.

Clinicians use these to show BackCare without real data. Nothing here is a real person.
Each persona is a set of answers; ``demo_patient(persona_id, today=...)`` scores them with
``backcare.screening``, builds the routine with ``backcare.routine`` and writes a diary
with a seeded ``random.Random``, its dates counted back from ``today``. The same persona
and ``today`` always give the same data (ids included). The diary ends the day before
``today``, so no entry is ever in the future.

Plain Python: ``backcare/ui/demo.py`` swaps a demo patient into a browser tab.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from backcare import records
from backcare.diary.frames import ROUTINE_STARTED
from backcare.diary.model import PAIN_MAX, PAIN_MIN, Entry, Event, Screening
from backcare.records import CURRENT, CheckRecord, RoutineRecord, SessionRecord, plan_week
from backcare.routine import Profile, Routine, build_routine, load_rules, pain_limit
from backcare.screening import (
    OswestryResult,
    PegResult,
    PsfsResult,
    RmdqResult,
    StartBackResult,
    TriageResult,
    oswestry,
    peg_result,
    psfs,
    rmdq,
    start_back,
    triage,
)
from backcare.storage import Store

DEMO_OWNER = "demo"


# ------------------------------------------------------------------------------ personas
@dataclass(frozen=True)
class ScreeningVisit:
    """The questionnaire answers given on one day of the diary (day 0 = its first day)."""

    day: int
    start_back: tuple[int, ...] | None = None  # 9 answers, as backcare.screening.start_back
    oswestry: tuple[int | None, ...] | None = None  # 10 sections, 0..5
    peg: tuple[int, int, int] | None = None  # pain, enjoyment, activity
    rmdq: tuple[int, ...] | None = None  # Roland-Morris: the numbers (1-24) of sentences ticked
    psfs: tuple[int, ...] | None = None  # PSFS ratings (0-10) of the persona's activities


@dataclass(frozen=True)
class Persona:
    id: str
    name: str
    story: str  # one line for the switch ("who is this?")
    seed: int
    days: int  # diary length in days, ending the day before ``today``
    age: int
    duration_weeks: int  # how long the pain has lasted on the last diary day
    improving: bool | None
    flags: frozenset[str]  # warning signs ticked in the check (done on ``today``)
    profile: Profile  # what they would tell the routine builder
    visits: tuple[ScreeningVisit, ...]
    routine_day: int | None  # the day the routine started, or None
    pain: Callable[[int, random.Random], float] = field(repr=False)  # pain level on a day
    flare_days: frozenset[int] = frozenset()
    entries_per_day: int = 1
    worsening: bool | None = False
    # The day the warning signs began (day 0 = the diary's first day). The diary must end
    # before it: signs like these need help the same day, never days of diary entries.
    signs_from_day: int | None = None
    activities: tuple[str, ...] = ()  # the PSFS activities the persona rates each time
    # Sessions logged on the Routine builder over the plan's weeks, on the diary's exercise
    # days (up to the days a week planned). Each is within the pain rule (pain during it
    # no higher than the limit, back to usual the next day) except these: (diary day, pain
    # during, back to usual the next day).
    breaches: tuple[tuple[int, int, bool], ...] = ()


def _odi(total: int) -> tuple[int, ...]:
    """Ten Oswestry section answers (0..5) adding up to ``total``, worst sections first.

    The order (pain, lifting, sitting, standing ... ) is a plain pattern for a demo.
    """
    if not 0 <= total <= 50:
        raise ValueError(f"an Oswestry total is 0 to 50, got {total}")
    order = (1, 3, 5, 4, 0, 2, 6, 8, 9, 7)  # sections that take the points first
    answers = [0] * 10
    for n in range(total):
        answers[order[n % 10]] += 1
    return tuple(answers)


def _acute_pain(day: int, rng: random.Random) -> float:
    # A lifting strain: about 7/10 at first, settling to about 2/10 by week three.
    return 7.0 - 5.0 * day / 20 + rng.gauss(0, 0.6)


def _chronic_pain(day: int, rng: random.Random) -> float:
    # About 6/10 for the first seven weeks, then easing to about 3.5/10 by six months.
    base = 6.0 if day < 49 else 6.0 - 2.5 * (day - 49) / (181 - 49)
    return base + rng.gauss(0, 0.7)


def _red_flag_pain(day: int, rng: random.Random) -> float:
    # New pain that is getting worse, not better: about 5/10 rising to about 8/10.
    return 5.0 + 3.0 * day / 13 + rng.gauss(0, 0.5)


# Chronic persona: Oswestry 42% -> 24% (totals out of 50), PEG easing with it; Roland-Morris
# 14 -> 7 sentences ticked and the PSFS rising 3.0 -> 6.3 (higher is better) on the same days.
_CHRONIC_ODI = ((0, 21), (28, 21), (56, 20), (84, 18), (112, 16), (140, 14), (181, 12))
_CHRONIC_PEG = ((7, 7, 6), (7, 6, 6), (6, 6, 6), (6, 5, 5), (5, 5, 4), (5, 4, 4), (4, 3, 3))
# Sentences in the order the persona stops ticking them as things ease (the last ones stay).
_CHRONIC_RMDQ_ORDER = (1, 24, 19, 8, 4, 5, 7, 3, 6, 9, 11, 13, 17, 21, 2, 18, 12, 14)
_CHRONIC_RMDQ = (14, 14, 13, 11, 10, 8, 7)  # sentences ticked at each visit
_CHRONIC_PSFS = ((3, 2, 4), (3, 3, 4), (4, 3, 5), (5, 4, 5), (5, 5, 6), (6, 5, 7), (6, 6, 7))
_CHRONIC_ACTIVITIES = ("Walk for 30 minutes", "Sit through a film", "Work in the garden")


def _rmdq_ticks(count: int) -> tuple[int, ...]:
    """The Roland-Morris sentences the chronic persona ticks when ``count`` are ticked."""
    return tuple(sorted(_CHRONIC_RMDQ_ORDER[-count:])) if count else ()


def _chronic_flares() -> frozenset[int]:
    """Six flare-ups of three or four days, spread over the six months (seeded)."""
    rng = random.Random(2207)  # noqa: S311  # nosec B311: seeded made-up demo data, not security
    days: set[int] = set()
    for start in (12, 38, 70, 101, 130, 160):
        first = start + rng.randint(0, 5)
        days.update(range(first, first + rng.randint(3, 4)))
    return frozenset(days)


PERSONAS: dict[str, Persona] = {
    p.id: p
    for p in (
        Persona(
            id="acute",
            name="Sam (34): back strain",
            story=(
                "Strained the lower back lifting a box three weeks ago. No warning signs. "
                "Pain falls from about 7 to about 2 out of 10 over three weeks."
            ),
            seed=101,
            days=21,
            age=34,
            duration_weeks=3,
            improving=True,
            flags=frozenset({"minor_trauma"}),
            profile=Profile(
                experience="beginner",
                minutes=15,
                days_per_week=5,
                pain_now=3,
                triage_level="self_care",
                start_back_risk="low",
            ),
            visits=(
                ScreeningVisit(0, (0, 0, 0, 1, 0, 0, 1, 0, 1), _odi(19), (7, 6, 7)),
                ScreeningVisit(20, None, _odi(6), (2, 2, 1)),
            ),
            routine_day=4,
            pain=_acute_pain,
            entries_per_day=2,
            # Plan week 2 (days 11-17): pain 6 during a session, over the limit of 5, so
            # week 3 holds week 2's doses ("same as last week").
            breaches=((13, 6, True),),
        ),
        Persona(
            id="chronic",
            name="Alex (52): long-term pain",
            story=(
                "Back pain for six months with flare-ups. Started an exercise routine in "
                "week 8. Oswestry falls from 42% to 24%, Roland-Morris from 14 to 7, and "
                "what Alex can do (PSFS) rises from 3.0 to 6.3 as pain eases. Logged "
                "sessions: a flare held the plan in its week 4; pain over the limit in "
                "weeks 6 and 7 stepped it back one week."
            ),
            seed=202,
            days=182,
            age=52,
            duration_weeks=26,
            improving=True,
            flags=frozenset(),
            profile=Profile(
                experience="beginner",
                minutes=20,
                days_per_week=3,
                equipment=frozenset({"mat", "chair"}),
                pain_now=4,
                triage_level="self_care",
                start_back_risk="medium",
            ),
            visits=tuple(
                ScreeningVisit(
                    day,
                    {0: (1, 0, 0, 1, 0, 1, 1, 0, 2), 181: (0, 0, 0, 1, 0, 1, 0, 0, 1)}.get(day),
                    _odi(total),
                    peg,
                    _rmdq_ticks(ticked),
                    ratings,
                )
                for (day, total), peg, ticked, ratings in zip(
                    _CHRONIC_ODI, _CHRONIC_PEG, _CHRONIC_RMDQ, _CHRONIC_PSFS, strict=True
                )
            ),
            activities=_CHRONIC_ACTIVITIES,
            routine_day=49,  # the first day of week 8
            pain=_chronic_pain,
            flare_days=_chronic_flares(),
            # Plan week 4 (days 70-76): a flare, pain 7 during a session: hold. Week 6
            # (days 84-90): pain 6 during one; week 7 (91-97): pain not back to usual the
            # next day: a hold, then one step back.
            breaches=((74, 7, True), (88, 6, True), (91, 5, False)),
        ),
        Persona(
            id="red_flag",
            name="Jo (61): warning signs",
            story=(
                "New back pain for two weeks, getting worse; her diary shows no warning "
                "signs. Today she noticed numbness around the bottom, trouble passing "
                "urine and tingling in both legs, did the check at once, and it said: "
                "call 999 or go to A&E now. These signs need A&E the same day, not a "
                "diary. The routine builder offers no exercises."
            ),
            seed=303,
            days=14,
            age=61,
            duration_weeks=2,
            improving=False,
            worsening=True,
            flags=frozenset({"saddle_numbness", "bladder_dysfunction", "bilateral_leg_symptoms"}),
            signs_from_day=14,  # today: the diary (days 0-13) ends before the signs began
            profile=Profile(pain_now=8, triage_level="emergency", start_back_risk="high"),
            visits=(ScreeningVisit(13, (1, 1, 0, 1, 1, 1, 1, 0, 3), _odi(30), (8, 8, 8)),),
            routine_day=None,
            pain=_red_flag_pain,
        ),
    )
}
DEFAULT_PERSONA = "chronic"


# ------------------------------------------------------------------------------ patients
@dataclass(frozen=True)
class DemoPatient:
    """Everything one persona fills: latest screening results, routine and diary."""

    persona: Persona
    today: date
    owner: str
    triage: TriageResult
    start_back: StartBackResult | None
    oswestry: OswestryResult | None
    peg: PegResult | None
    rmdq: RmdqResult | None
    psfs: PsfsResult | None
    profile: Profile
    routine: Routine | None  # None when the builder refuses (warning signs)
    refused: str | None  # why the builder refused, or None
    entries: tuple[Entry, ...]
    events: tuple[Event, ...]
    screenings: tuple[Screening, ...]
    sessions: tuple[SessionRecord, ...] = ()  # logged on the Routine builder

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=self.persona.days)

    def results(self) -> dict[str, Any]:
        """Latest results by name, as ``backcare.ui.state`` keeps them (None left out)."""
        found = {
            "triage": self.triage,
            "start_back": self.start_back,
            "oswestry": self.oswestry,
            "rmdq": self.rmdq,
            "peg": self.peg,
            "psfs": self.psfs,
        }
        return {name: result for name, result in found.items() if result is not None}


def _details(result: Any) -> dict[str, Any]:
    """The same details the Screening page keeps with a stored score."""
    return dict(result.saved_details())


def _clamp(value: float) -> int:
    return max(PAIN_MIN, min(PAIN_MAX, round(value)))


def _entries(persona: Persona, first: date, owner: str, rng: random.Random) -> list[Entry]:
    entries: list[Entry] = []
    for day in range(persona.days):
        level = persona.pain(day, rng)
        flare = day in persona.flare_days
        if flare:
            level += 2.0
        routine_on = persona.routine_day is not None and day >= persona.routine_day
        # Exercise on about four days in seven once the routine has started.
        exercised = routine_on and (day - (persona.routine_day or 0)) % 7 in (0, 2, 4, 5)
        hours = (8, 20) if persona.entries_per_day == 2 else (20,)
        for slot, hour in enumerate(hours):
            when = datetime.combine(first + timedelta(days=day), time(hour, rng.randint(0, 45)))
            pain = _clamp(level + (0.5 if slot == 0 else 0) + rng.gauss(0, 0.3))
            last_of_day = slot == len(hours) - 1
            entries.append(
                Entry(
                    timestamp=when,
                    pain=pain,
                    owner=owner,
                    id=f"demo-{persona.id}-{len(entries):04d}",
                    flare=flare,
                    medication_taken=flare or pain >= 7,
                    exercised=exercised and last_of_day,
                    exercise_minutes=persona.profile.minutes if exercised and last_of_day else None,
                    sleep_hours=round(min(9.0, max(4.0, 8.5 - pain * 0.35 + rng.gauss(0, 0.4))), 1)
                    if slot == 0 or persona.entries_per_day == 1
                    else None,
                    mood=_clamp(8.5 - pain * 0.6 + rng.gauss(0, 0.7)),
                )
            )
    return entries


SESSION_OFFSETS = (0, 2, 4, 5)  # the diary's exercise days, counted from the routine's start


def _sessions(
    persona: Persona, first: date, today: date, entries: list[Entry]
) -> list[SessionRecord]:
    """The sessions the persona logged over the plan's weeks (``Persona.breaches``)."""
    if persona.routine_day is None:
        return []
    start = first + timedelta(days=persona.routine_day)
    limit = pain_limit(persona.profile.pain_now)
    pain_on = {e.timestamp.date(): e.pain for e in entries}  # the day's last entry
    offsets = SESSION_OFFSETS[: persona.profile.days_per_week]
    over = {day: (pain, settled) for day, pain, settled in persona.breaches}
    found: list[SessionRecord] = []
    for days in range(7 * load_rules().weeks):
        day = start + timedelta(days=days)
        if days % 7 not in offsets or day >= today or day not in pain_on:
            continue
        pain, settled = over.get(persona.routine_day + days, (min(pain_on[day], limit), True))
        found.append(
            SessionRecord(
                day,
                plan_week(start, day),
                pain_during=pain,
                # Yesterday's session: "back to usual?" is asked today.
                settled_next_day=None if day + timedelta(days=1) >= today else settled,
            )
        )
    return found


def demo_patient(
    persona_id: str, today: date | None = None, owner: str = DEMO_OWNER
) -> DemoPatient:
    """Build one persona's data, its diary ending the day before ``today``."""
    try:
        persona = PERSONAS[persona_id]
    except KeyError:
        raise ValueError(
            f"unknown demo patient {persona_id!r}; choose one of {', '.join(PERSONAS)}"
        ) from None
    today = today or date.today()
    if isinstance(today, datetime) or not isinstance(today, date):
        raise ValueError(f"today must be a date, got {today!r}")
    first = today - timedelta(days=persona.days)
    rng = random.Random(persona.seed)  # noqa: S311  # nosec B311: seeded made-up demo data, not security

    screenings: list[Screening] = []
    latest: dict[str, Any] = {}
    for n, visit in enumerate(persona.visits):
        taken_at = datetime.combine(first + timedelta(days=visit.day), time(9, 0))
        scored = (
            ("start_back", None if visit.start_back is None else start_back(visit.start_back)),
            ("oswestry", None if visit.oswestry is None else oswestry(visit.oswestry)),
            ("peg", None if visit.peg is None else peg_result(*visit.peg)),
            ("rmdq", None if visit.rmdq is None else rmdq([n in visit.rmdq for n in range(1, 25)])),
            (
                "psfs",
                None if visit.psfs is None else psfs(visit.psfs, persona.activities or None),
            ),
        )
        for name, result in scored:
            if result is None:
                continue
            latest[name] = result
            screenings.append(
                Screening(
                    owner,
                    name,
                    taken_at,
                    float(result.score),
                    _details(result),
                    id=f"demo-{persona.id}-s{n}-{name}",
                    answers=tuple(result.answers),
                )
            )

    triaged = triage(
        persona.flags,
        age=persona.age,
        duration_weeks=persona.duration_weeks,
        improving=persona.improving,
        worsening=persona.worsening,
    )
    built = build_routine(persona.profile)
    events: list[Event] = []
    if persona.routine_day is not None and built.refused is None:
        events.append(
            Event(
                owner,
                first + timedelta(days=persona.routine_day),
                ROUTINE_STARTED,
                id=f"demo-{persona.id}-v0",
            )
        )
    entries = _entries(persona, first, owner, rng)
    sessions = _sessions(persona, first, today, entries) if built.refused is None else []
    return DemoPatient(
        persona=persona,
        today=today,
        owner=owner,
        triage=triaged,
        start_back=latest.get("start_back"),
        oswestry=latest.get("oswestry"),
        peg=latest.get("peg"),
        rmdq=latest.get("rmdq"),
        psfs=latest.get("psfs"),
        profile=persona.profile,
        routine=None if built.refused else built,
        refused=built.refused,
        entries=tuple(entries),
        events=tuple(events),
        screenings=tuple(screenings),
        sessions=tuple(sessions),
    )


def fill_store(store: Store, patient: DemoPatient) -> int:
    """Write a demo patient's diary and kept records into ``store`` (a fresh session store):
    entries, events, questionnaire results with their answers, today's warning-sign check
    and the routine, its plan started on the day the persona began it, with the sessions
    logged on it. Returns entries."""
    added = store.add_many(patient.entries)
    for s in patient.screenings:
        store.add_screening(
            patient.owner, s.instrument, s.taken_at, s.score, dict(s.details), answers=s.answers
        )
    for event in patient.events:
        store.add_event(patient.owner, event.date, event.label)
    checked_at = datetime.combine(patient.today, time(9, 0))
    check = CheckRecord.from_triage(patient.triage, checked_at)
    store.put_record(patient.owner, records.CHECK, check.to_payload(), record_id="demo-check")
    if patient.routine is not None:
        started = patient.first_day + timedelta(days=patient.persona.routine_day or 0)
        if patient.persona.routine_day is None:
            started = patient.today
        kept = RoutineRecord.from_routine(patient.routine, started)
        store.put_record(patient.owner, records.ROUTINE, kept.to_payload(), record_id=CURRENT)
    for session in patient.sessions:
        store.put_record(
            patient.owner, records.SESSION, session.to_payload(), record_id=session.record_id
        )
    return added
