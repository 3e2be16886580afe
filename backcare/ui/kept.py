"""What this person has kept, read from their store on every run, and the writers.

Every page reads the warning-sign check, the routine and the questionnaire results through
``kept()``, so a result made in another tab or on an earlier visit counts on this run: an
emergency or urgent check stands on every page until a newer check gives a lower level or
the person records that a doctor has seen them. The read is cached in the tab by the
store's revision for the owner (one query a run when nothing changed).

While the demo is on, ``current_store()`` is the demo patient's own store, so everything
here reads and writes the demo's records and never the person's.

A write the store refuses (a full disk...) is held in the tab and counts for this visit,
with a warning: nothing confirmed to the person is dropped in silence. In the browser
(``backcare.browser_store``), what the browser refuses is held in the tab by its store,
read back like the rest, and warned about the same way (``held_records``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import streamlit as st

from backcare import records
from backcare.records import (
    CheckRecord,
    DoctorSeen,
    RoutineRecord,
    SessionRecord,
    Sessions,
    SignsChecked,
    Standing,
    rescore,
    sessions_by_week,
    standing,
)
from backcare.routine import Routine
from backcare.screening import QuestionnaireResult, ScreeningResult, TriageResult
from backcare.storage import StorageError, StoredRecord
from backcare.ui.state import KEPT_CACHE_KEY, UNSAVED_RECORDS_KEY
from backcare.ui.store import StoreChoice, current_store, held_back, held_records


def now() -> datetime:
    """The local time to the second: when a check, a confirmation or a routine is made.
    The one clock of the kept records (tests freeze it)."""
    return datetime.now().replace(microsecond=0)


def today() -> date:
    return now().date()


@dataclass(frozen=True)
class Questionnaire:
    """The newest kept result of one questionnaire."""

    instrument: str
    taken_at: datetime
    score: float
    details: Mapping[str, Any]
    result: QuestionnaireResult | None  # scored again from its answers; None when kept without
    problem: str | None = None  # why its answers could not be scored again


@dataclass(frozen=True)
class Kept:
    """Everything the pages read about this person, from one store read."""

    standing: Standing = field(default_factory=Standing)
    routine: RoutineRecord | None = None
    routine_problem: str | None = None  # why the kept routine could not be read
    questionnaires: Mapping[str, Questionnaire] = field(default_factory=dict)
    session_records: tuple[StoredRecord, ...] = ()  # logged exercise sessions (issue 18)

    def sessions(self, start: date, day: date) -> Sessions:
        """The logged sessions of the plan that started on ``start``, by plan week."""
        return sessions_by_week(self.session_records, start, day)

    @property
    def hold_level(self) -> str | None:
        """ "emergency" or "urgent" while such a result stands, else None."""
        return self.standing.hold_level

    def result(self, name: str) -> ScreeningResult | None:
        """The latest result by screening name ("triage" or a questionnaire id from the
        registry), as the pages and the clinician summary take them; None when there is none.

        The warning-sign check counts while it is the person's current one (not once a
        doctor has seen them about it)."""
        return self.triage if name == "triage" else self.questionnaire(name)

    def current_routine(self) -> Routine | None:
        """The kept routine under today's rules, or None (none kept, one that cannot be
        read, or answers today's rules refuse)."""
        if self.routine is None:
            return None
        try:
            routine = self.routine.routine()
        except ValueError:  # a damaged kept routine: the page says so where it is built
            return None
        return routine if routine.refused is None else None

    @property
    def triage(self) -> TriageResult | None:
        """The warning-sign check that counts, or None."""
        return self.standing.result if self.standing.level is not None else None

    def questionnaire(self, instrument: str) -> QuestionnaireResult | None:
        """The newest result of a questionnaire (an id from the registry), or None."""
        found = self.questionnaires.get(instrument)
        return None if found is None else found.result

    @property
    def start_back_risk(self) -> str | None:
        """The last STarT Back risk group ("low", "medium", "high"), or None."""
        found = self.suggestion_source("start_back")
        risk = found.get("risk") if isinstance(found, Mapping) else getattr(found, "risk", None)
        return risk if isinstance(risk, str) else None

    def suggestion_source(self, name: str) -> Any | None:
        """What Learn's suggestions read for ``name``: the full result, or for one kept
        before answers were, its details (risk, psychosocial, band)."""
        if name == "triage":
            level = self.standing.level
            return None if level is None else {"level": level}
        found = self.questionnaires.get(name)
        if found is None:
            return None
        return found.result if found.result is not None else found.details


def _records(choice: StoreChoice, kind: str) -> list[StoredRecord]:
    """The store's records of ``kind``, with any this tab holds because the store refused
    them (they replace a record of the same id, and come last)."""
    found = choice.store.records(choice.owner, kind)
    held = [r for k, r, _why in st.session_state.get(UNSAVED_RECORDS_KEY, []) if k == kind]
    if held:
        ids = {r.record_id for r in held}
        found = [r for r in found if r.record_id not in ids] + held
    return found


def _questionnaires(choice: StoreChoice) -> dict[str, Questionnaire]:
    newest: dict[str, Questionnaire] = {}
    for kept in choice.store.screenings(choice.owner):  # oldest first: the last one stays
        result, problem = None, None
        if kept.answers is not None:
            try:
                result = rescore(kept.instrument, kept.answers)
            except ValueError as exc:
                problem = str(exc)
        newest[kept.instrument] = Questionnaire(
            kept.instrument, kept.taken_at, kept.score, dict(kept.details), result, problem
        )
    return newest


def _read(choice: StoreChoice) -> Kept:
    now_standing = standing(
        _records(choice, records.CHECK),
        _records(choice, records.DOCTOR_SEEN),
        _records(choice, records.SIGNS_CHECKED),
    )
    routine, problem = None, None
    routines = _records(choice, records.ROUTINE)
    if routines:
        try:
            routine = RoutineRecord.from_payload(routines[-1].payload)
        except ValueError as exc:
            problem = str(exc)
    sessions = tuple(_records(choice, records.SESSION))
    return Kept(now_standing, routine, problem, _questionnaires(choice), sessions)


def kept(choice: StoreChoice | None = None) -> Kept:
    """What this person has kept (the demo patient's while the demo is on).

    If the store cannot be read, an empty ``Kept`` and the reason once as a warning."""
    choice = choice or current_store()
    try:
        key = (
            choice.cache_key,
            choice.owner,
            choice.store.revision(choice.owner),
            len(st.session_state.get(UNSAVED_RECORDS_KEY, [])),
        )
        cached = st.session_state.get(KEPT_CACHE_KEY)
        if cached is not None and cached[0] == key:
            return cached[1]
        found = _read(choice)
    except StorageError as exc:
        st.warning(f"Your saved results cannot be read right now: {exc}", icon=":material/warning:")
        return Kept()
    st.session_state[KEPT_CACHE_KEY] = (key, found)
    return found


# --------------------------------------------------------------------------- writers


def _put(kind: str, payload: dict[str, Any], record_id: str | None = None) -> str | None:
    """Keep a record; if the store refuses it, hold it in this tab and return why. (The
    browser store holds what the browser refuses by itself: ``held_back`` says why.)"""
    choice = current_store()
    try:
        kept_now = choice.store.put_record(choice.owner, kind, payload, record_id=record_id)
    except StorageError as exc:
        held = StoredRecord(kind, record_id or records.CURRENT, datetime.now(UTC), payload)
        if record_id is None:  # a new record of a kind kept many times: an id of its own
            held = StoredRecord(kind, f"unsaved-{now():%Y%m%d%H%M%S}", held.saved_at, payload)
        waiting = [
            (k, r, why)
            for k, r, why in st.session_state.get(UNSAVED_RECORDS_KEY, [])
            if (k, r.record_id) != (kind, held.record_id)
        ]
        st.session_state[UNSAVED_RECORDS_KEY] = [*waiting, (kind, held, str(exc))]
        return str(exc)
    return held_back(choice, kind, kept_now.record_id)


def save_check(result: TriageResult) -> str | None:
    """Keep a new warning-sign check (it becomes the one that counts)."""
    return _put(records.CHECK, CheckRecord.from_triage(result, now()).to_payload())


def save_doctor_seen(check_id: str, day: date, note: str = "") -> str | None:
    """ "A doctor has seen me about this": lifts the hold of that check."""
    seen = DoctorSeen(day, note.strip(), check_id)
    return _put(records.DOCTOR_SEEN, seen.to_payload(), record_id=check_id)


def confirm_signs_checked() -> str | None:
    """The routine builder's "I have checked: none apply to me", dated now."""
    return _put(records.SIGNS_CHECKED, SignsChecked(now()).to_payload(), records.CURRENT)


def save_routine(routine: Routine, start: date | None = None) -> str | None:
    """Keep the routine as the current one; its plan starts ``start`` (default today)."""
    kept_routine = RoutineRecord.from_routine(routine, start or today())
    return _put(records.ROUTINE, kept_routine.to_payload(), records.CURRENT)


def forget_routine() -> str | None:
    """No current routine any more (new answers the builder refuses): returns a problem."""
    choice = current_store()
    held = st.session_state.get(UNSAVED_RECORDS_KEY, [])
    st.session_state[UNSAVED_RECORDS_KEY] = [h for h in held if h[0] != records.ROUTINE]
    try:
        choice.store.delete_records(choice.owner, records.ROUTINE)
    except StorageError as exc:
        return str(exc)
    return None


def save_session(session: SessionRecord) -> str | None:
    """Keep a logged exercise session (one a day: the day's record id, so logging the day
    again, or answering "back to usual?" the next day, replaces it). The first one also
    marks "Routine started" on the pain chart, which the diary's before/after comparison
    uses as its dividing line. Returns a problem or None."""
    from backcare.diary.frames import ROUTINE_STARTED

    problem = _put(records.SESSION, session.to_payload(), session.record_id)
    if problem is None:
        choice = current_store()
        try:
            if not any(e.label == ROUTINE_STARTED for e in choice.store.events(choice.owner)):
                choice.store.add_event(choice.owner, session.date, ROUTINE_STARTED)
        except StorageError as exc:
            return str(exc)
    return problem


def save_questionnaire(result: QuestionnaireResult, details: Mapping[str, Any]) -> str | None:
    """Keep a questionnaire result, with its answers, dated now; returns a problem or None."""
    choice = current_store()
    try:
        choice.store.add_screening(
            choice.owner,
            result.instrument,
            now(),
            float(result.score),
            dict(details),
            answers=tuple(result.answers),
        )
    except ValueError as exc:  # StorageError is a ValueError
        return str(exc)
    return None


def unsaved_note(problem: str | None) -> None:
    """Say that something is kept for this visit only, and why (right after a refused save)."""
    if problem:
        st.warning(
            f"This is kept for this visit only: it could not be saved. The reason: {problem}",
            icon=":material/warning:",
        )


def unsaved_warning() -> None:
    """While the store has refused a check, a routine or a confirmation: say that it counts
    for this visit only, and why (pages that make them show this)."""
    held = held_records(current_store())
    if held:
        unsaved_note(held[-1][2])
