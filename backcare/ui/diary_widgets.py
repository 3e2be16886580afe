"""The Pain diary page's sections: quick entry, recent entries, clinician summary, import
and export. ``pages/4_Pain_diary.py`` calls them in order; the charts section is
``backcare/ui/diary_charts.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from pathlib import PurePath
from typing import Any

import pandas as pd
import streamlit as st

from backcare.change import fmt_score
from backcare.diary.io import MAX_IMPORT_BYTES, DiaryImportError, read_entries, read_kept
from backcare.diary.model import (
    INSTRUMENT_NAMES,
    INT_RANGES,
    LOCATIONS,
    MAX_MEDICATION_CHARS,
    MAX_NOTE_CHARS,
    MAX_SLEEP_HOURS,
    PAIN_MAX,
    PAIN_MIN,
    PAIN_RANGE,
    PAIN_VALUES,
    QUALITIES,
    Entry,
    Screening,
)
from backcare.interop import fhir_json
from backcare.reports import (
    MAX_LABEL_CHARS,
    SUMMARY_PARTS,
    clean_label,
    handover_file_name,
    summary_pdf,
)
from backcare.storage import add_kept
from backcare.ui.adherence_widgets import current_adherence
from backcare.ui.kept import Kept, kept
from backcare.ui.state import (
    CHOSEN_ENTRY_KEY,
    CONFIRM_DELETE_KEY,
    FHIR_NAMES_KEY,
    FLASH_KEY,
    QUICK_PREFIX,
    QUICK_VERSION_KEY,
    SCREENING_RESULTS,
    SUMMARY_DATES_KEY,
    SUMMARY_LABEL_KEY,
    SUMMARY_PARTS_KEY,
    UNDO_KEY,
    demo_persona,
)
from backcare.ui.store import StoreChoice, download_diary, offer_unsaved, save_entry
from backcare.ui.tables import text_table

RECENT = 20  # entries in one page of the list; the charts get a cached frame instead
PAIN_SCALE = list(PAIN_VALUES)
PAIN_QUESTION = f"from {PAIN_MIN} (no pain) to {PAIN_MAX} (worst pain you can imagine)"
PAIN_COLUMN = f"Pain ({PAIN_RANGE})"  # the entries table's pain column


@dataclass(frozen=True)
class DiaryView:
    """What the page reads on every rerun: a count, the latest RECENT entries, screenings."""

    total: int
    recent: list[Entry]
    screenings: list[Screening]

    @property
    def last(self) -> Entry | None:
        return self.recent[0] if self.recent else None


def load_view(choice: StoreChoice) -> DiaryView:
    """The only reads per rerun. If the database went away after opening, say so and stop."""
    store, owner = choice.store, choice.owner
    try:
        return DiaryView(
            total=store.count(owner),
            recent=store.list(owner, limit=RECENT, newest_first=True),
            screenings=store.screenings(owner),
        )
    except ValueError as exc:  # StorageError: the database went away after opening
        st.error(f"Your diary cannot be read right now: {exc}", icon=":material/error:")
        st.stop()


def flash(message: str) -> None:
    st.session_state[FLASH_KEY] = message


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def detail_fields(prefix: str, base: Entry | None) -> dict[str, Any]:
    """The optional detail widgets; returns Entry keyword arguments."""
    b = base or Entry(now(), 0)
    when = st.datetime_input(
        "When (leave empty for now)",
        value=base.timestamp if base else None,
        max_value=datetime.now(),
        key=f"{prefix}_when",
    )
    where = st.multiselect(
        "Where is the pain?", LOCATIONS, default=sorted(b.locations), key=f"{prefix}_where"
    )
    feels = st.multiselect(
        "What does it feel like?",
        QUALITIES,
        default=sorted(b.qualities),
        key=f"{prefix}_feel",
    )
    left, right = st.columns(2)
    sleep_hours = left.number_input(
        "Hours of sleep last night",
        0.0,
        float(MAX_SLEEP_HOURS),
        b.sleep_hours,
        0.5,
        key=f"{prefix}_sleep",
    )
    sleep_quality = right.number_input(
        "Sleep quality (0 = very poor, 10 = very good)",
        *INT_RANGES["sleep_quality"],
        b.sleep_quality,
        key=f"{prefix}_sleepq",
    )
    activity = left.number_input(
        "Minutes of activity today",
        *INT_RANGES["activity_minutes"],
        b.activity_minutes,
        key=f"{prefix}_act",
    )
    exercise = right.number_input(
        "Minutes of exercises today",
        *INT_RANGES["exercise_minutes"],
        b.exercise_minutes,
        key=f"{prefix}_exmin",
    )
    mood = left.number_input(
        "Mood (0 = very low, 10 = very good)", *INT_RANGES["mood"], b.mood, key=f"{prefix}_mood"
    )
    medication = right.text_input(
        "Medication (name and dose)",
        b.medication,
        max_chars=MAX_MEDICATION_CHARS,
        key=f"{prefix}_med",
    )
    st.caption("PEG questions, about the past week (0 = not at all, 10 = worst or completely)")
    p, e, g = st.columns(3)
    peg_pain = p.number_input(
        "Average pain", *INT_RANGES["peg_pain"], b.peg_pain, key=f"{prefix}_pegp"
    )
    peg_enjoy = e.number_input(
        "Pain got in the way of enjoying life",
        *INT_RANGES["peg_enjoyment"],
        b.peg_enjoyment,
        key=f"{prefix}_pege",
    )
    peg_activity = g.number_input(
        "Pain got in the way of daily activity",
        *INT_RANGES["peg_activity"],
        b.peg_activity,
        key=f"{prefix}_pega",
    )
    note = st.text_area(
        "Note (only you see it)", b.note, max_chars=MAX_NOTE_CHARS, key=f"{prefix}_note"
    )
    if base and when == base.timestamp.replace(second=0):
        when = base.timestamp  # the widget shows minutes; keep the stored seconds
    return {
        "timestamp": when or now(),
        "locations": where,
        "qualities": feels,
        "sleep_hours": sleep_hours,
        "sleep_quality": sleep_quality,
        "activity_minutes": activity,
        "exercise_minutes": exercise,
        "mood": mood,
        "medication": medication.strip(),
        "peg_pain": peg_pain,
        "peg_enjoyment": peg_enjoy,
        "peg_activity": peg_activity,
        "note": note.strip(),
    }


def show_flash() -> None:
    """The one-off confirmation of the last run ("Saved: ..."), at the top of the page."""
    if message := st.session_state.pop(FLASH_KEY, None):
        st.success(message, icon=":material/check_circle:")


def render_quick_entry(choice: StoreChoice, last: Entry | None) -> None:
    """How is your pain right now: the quick entry form, then "Same as last entry"."""
    owner = choice.owner
    st.header("How is your pain right now?")
    if offer_unsaved(choice):
        st.rerun()
    # Cleared by hand after a save, so a mistake never wipes what was typed.
    version = st.session_state.get(QUICK_VERSION_KEY, 0)
    quick = f"{QUICK_PREFIX}{version or ''}"
    with st.form("diary_quick_entry", border=True):
        pain = st.segmented_control(
            f"Pain now, {PAIN_QUESTION}",
            PAIN_SCALE,
            key=f"{quick}_pain",
        )
        flare = st.toggle("This is a flare-up", key=f"{quick}_flare")
        medication_taken = st.toggle("I took medication for the pain", key=f"{quick}_medtaken")
        exercised = st.toggle("I did my exercises", key=f"{quick}_exercised")
        with st.expander("Add more detail (optional)"):
            details = detail_fields(quick, None)
        saved = st.form_submit_button("Save entry", type="primary", icon=":material/save:")
    if saved:
        if pain is None:
            st.error(
                f"Choose your pain from {PAIN_MIN} to {PAIN_MAX} first, then press Save entry."
            )
        else:
            try:
                save_entry(
                    choice,
                    Entry(
                        pain=pain,
                        owner=owner,
                        flare=flare,
                        medication_taken=medication_taken,
                        exercised=exercised,
                        **details,
                    ),
                )
                for key in [k for k in st.session_state if str(k).startswith(QUICK_PREFIX)]:
                    del st.session_state[key]
                st.session_state[QUICK_VERSION_KEY] = version + 1
                st.rerun()
            except ValueError as exc:
                st.error(f"Not saved: {exc}")

    if st.button(
        "Same as last entry",
        icon=":material/content_copy:",
        disabled=last is None,
        help="Save a new entry, timed now, with the same answers as your last one.",
    ):
        try:
            if last is not None:  # the button is disabled without one
                save_entry(choice, last.same_as(now()))
            st.rerun()
        except ValueError as exc:
            st.error(f"Not saved: {exc}")


ENTRIES_UNTIL_KEY = "diary_entries_until"  # "Entries on or before" (a date)
ENTRIES_PAGE_KEY = "bc_diary_entries_page"  # which page of RECENT entries, 0 = the newest
RECHOOSE_KEY = "bc_diary_rechoose"  # the entry just changed: chosen again on the next run


def _first_page() -> None:
    st.session_state[ENTRIES_PAGE_KEY] = 0


def _turn_page(step: int) -> None:
    st.session_state[ENTRIES_PAGE_KEY] = max(0, st.session_state.get(ENTRIES_PAGE_KEY, 0) + step)


def entries_shown(choice: StoreChoice, view: DiaryView) -> tuple[list[Entry], bool]:
    """The page of entries the list shows (RECENT of them, newest first, on or before the
    chosen day) and whether older ones follow. Any entry can be reached: choose its day,
    or turn the pages."""
    until = st.session_state.get(ENTRIES_UNTIL_KEY)
    page = st.session_state.get(ENTRIES_PAGE_KEY, 0)
    if until in (None, date.today()) and page == 0:  # the page's own read: no second one
        return view.recent, view.total > len(view.recent)
    try:
        found = choice.store.list(
            choice.owner,
            until=until,
            limit=RECENT + 1,
            offset=page * RECENT,
            newest_first=True,
        )
    except ValueError as exc:  # StorageError: the database went away after opening
        st.error(f"Your diary cannot be read right now: {exc}", icon=":material/error:")
        return [], False
    return found[:RECENT], len(found) > RECENT


def entries_caption(recent: list[Entry], total: int, page: int) -> str:
    """What the list shows: "3 entries, newest first.", "The latest 20 of your 182
    entries, newest first.", or for an earlier day or page, which entries and their dates."""
    until = st.session_state.get(ENTRIES_UNTIL_KEY)
    if until in (None, date.today()) and page == 0:
        if total <= RECENT:
            return f"{total} {'entry' if total == 1 else 'entries'}, newest first."
        return f"The latest {RECENT} of your {total} entries, newest first."
    first, last = recent[-1].timestamp, recent[0].timestamp
    start = page * RECENT + 1
    day = f"{until.day} {until:%b %Y}" if until else "today"
    return (
        f"Entries {start} to {start + len(recent) - 1} on or before {day}, newest first: "
        f"{first.day} {first:%b %Y} to {last.day} {last:%b %Y}. Your diary has {total}."
    )


def entries_table(entries: list[Entry]) -> None:
    """The entries as a table that wraps (a phone shows every column and the whole note)."""
    text_table(
        pd.DataFrame(
            {
                "When": [
                    f"{e.timestamp:%a} {e.timestamp.day} {e.timestamp:%b %Y, %H:%M}"
                    for e in entries
                ],
                PAIN_COLUMN: [e.pain for e in entries],
                "Marked": [
                    "; ".join(filter(None, [", ".join(e.marks), ", ".join(sorted(e.locations))]))
                    for e in entries
                ],
                "Note": [e.note for e in entries],  # plain text, never markdown
            }
        ),
        alt="Your diary entries, newest first: when, pain, what was marked and your note.",
    )


def render_recent_entries(choice: StoreChoice, view: DiaryView) -> None:
    """The entries, a page at a time from any day back, with change, delete and undo."""
    store = choice.store
    total = view.total
    st.header("Your entries")
    if UNDO_KEY in st.session_state:
        gone: Entry = st.session_state[UNDO_KEY]
        st.info(f"Deleted the entry from {gone.timestamp:%a %d %b, %H:%M}.")
        if st.button("Undo delete", icon=":material/undo:"):
            try:
                store.restore(st.session_state.pop(UNDO_KEY))
                flash("The entry is back.")
            except ValueError as exc:
                flash(f"Could not bring the entry back: {exc}")
            st.rerun()
    if not total:
        st.write("No entries yet. Your first one takes ten seconds.")
        return
    st.date_input(
        "Show entries on or before",
        value=date.today(),
        max_value=date.today(),
        format="DD/MM/YYYY",
        key=ENTRIES_UNTIL_KEY,
        on_change=_first_page,
        help="Choose a day to find an older entry; the list shows it and the ones before it.",
    )
    recent, more = entries_shown(choice, view)
    page = st.session_state.get(ENTRIES_PAGE_KEY, 0)
    if not recent:
        st.write("No entries on or before that day. Choose a later day.")
    else:
        st.caption(entries_caption(recent, total, page))
        entries_table(recent)
    newer, older = st.columns(2, wrap=False)
    newer.button(
        "Newer entries",
        icon=":material/arrow_upward:",
        disabled=page == 0,
        on_click=_turn_page,
        args=(-1,),
        width="stretch",
    )
    older.button(
        "Older entries",
        icon=":material/arrow_downward:",
        disabled=not more,
        on_click=_turn_page,
        args=(1,),
        width="stretch",
    )
    if not recent:
        return
    by_id = {e.id: e for e in recent}
    if (again := st.session_state.pop(RECHOOSE_KEY, None)) in by_id:
        st.session_state[CHOSEN_ENTRY_KEY] = again
    if st.session_state.get(CHOSEN_ENTRY_KEY) not in (None, *by_id):
        del st.session_state[CHOSEN_ENTRY_KEY]  # chosen on another page of the list
    chosen_id = st.selectbox(
        "Choose an entry to change or delete",
        list(by_id),
        index=None,
        format_func=lambda entry_id: by_id[entry_id].describe(),
        placeholder="Choose an entry",
        key=CHOSEN_ENTRY_KEY,
    )
    if chosen_id is not None:
        render_change_entry(choice, by_id[chosen_id])


def render_change_entry(choice: StoreChoice, chosen: Entry) -> None:
    """Change or delete one entry (with "Yes, delete it" first)."""
    store, owner = choice.store, choice.owner
    with st.form(f"diary_edit_{chosen.id}", border=True):
        st.write("Change this entry")
        new_pain = st.segmented_control(
            f"Pain, {PAIN_QUESTION}",
            PAIN_SCALE,
            default=chosen.pain,
            key=f"diary_edit_pain_{chosen.id}",
        )
        new_flags: dict[str, Any] = {
            name: st.toggle(label, value=getattr(chosen, name), key=f"edit_{name}_{chosen.id}")
            for name, label in (
                ("flare", "This was a flare-up"),
                ("medication_taken", "I took medication for the pain"),
                ("exercised", "I did my exercises"),
            )
        }
        new_details = detail_fields(f"diary_edit_{chosen.id}", chosen)
        changed = st.form_submit_button("Save changes", icon=":material/save:")
    if changed:
        try:
            updated = replace(
                chosen,
                pain=chosen.pain if new_pain is None else new_pain,
                **new_flags,
                **new_details,
            )
            store.update(updated)
            flash(f"Changed: {updated.describe()}.")
            refresh_choice(updated.id)
            st.rerun()
        except ValueError as exc:
            st.error(f"Not changed: {exc}")

    if st.session_state.get(CONFIRM_DELETE_KEY) == chosen.id:
        st.warning(f"Delete the entry from {chosen.describe()}?")
        yes, no = st.columns(2)
        if yes.button("Yes, delete it", type="primary", icon=":material/delete:"):
            try:
                st.session_state[UNDO_KEY] = store.delete(owner, chosen.id)
            except ValueError as exc:
                flash(f"Not deleted: {exc}")
            st.session_state.pop(CONFIRM_DELETE_KEY, None)
            st.rerun()
        if no.button("No, keep it"):
            st.session_state.pop(CONFIRM_DELETE_KEY, None)
            st.rerun()
    elif st.button("Delete this entry", icon=":material/delete:"):
        st.session_state[CONFIRM_DELETE_KEY] = chosen.id
        st.rerun()


def refresh_choice(entry_id: str) -> None:
    """Keep the changed entry chosen, and have the picker show its new description: set
    by the script on the next run, before the picker is drawn, the browser redraws the
    picker's label (left alone, it kept the old description)."""
    st.session_state[RECHOOSE_KEY] = entry_id


def render_saved_screenings(screenings: list[Screening]) -> None:
    """The screening results kept in the diary, newest first, as people read them."""
    if screenings:
        st.subheader("Saved screening results")
        newest = list(reversed(screenings))
        text_table(
            pd.DataFrame(
                {
                    "Date": [f"{s.taken_at.day} {s.taken_at:%b %Y}" for s in newest],
                    "Questionnaire": [
                        INSTRUMENT_NAMES.get(s.instrument, s.instrument) for s in newest
                    ],
                    # As the Screening page and the summary show it: 27%, 4.3, 7.
                    "Score": [fmt_score(s.instrument, s.score) for s in newest],
                }
            ),
            alt="Your saved screening results, newest first: date, questionnaire and score.",
        )


def _audited(audit: Callable[[str], None], kind: str, make: Callable[[], bytes]) -> bytes:
    audit(kind)
    return make()


def render_clinician_summary(
    frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
    records: Sequence[Screening] = (),
    *,
    shared: tuple[Kept, str, Callable[[str], None]] | None = None,
) -> None:
    """The clinician summary PDF and the health-record file (FHIR): dates, parts to include
    and an optional name or initials, then the two downloads.

    ``shared``: a patient's diary a clinician reads (clinic mode): what the patient kept,
    their name for the files, and what to call with "pdf" or "fhir" on each download (the
    audit the patient reads). Otherwise this person's own.

    Streamlit makes a download whose data is a callable later, in a thread of its own that
    cannot read the session ("missing ScriptRunContext"): every value the files need (the
    routine, the results, the frames, the dates, the parts, the label) is captured here,
    during the script run, and handed to the pure functions that make them.
    """
    st.header("Clinician summary")
    if shared is None:
        st.caption(
            "A one- or two-page PDF to show your doctor or physiotherapist: your screening "
            "scores and how they were worked out, your pain chart, before and after, and "
            "your routine. Choose the dates and what to include. Your notes are never in it."
        )
    else:  # a clinician reading a patient's shared diary
        st.caption(
            "A one- or two-page PDF of this patient's screening scores and how they were "
            "worked out, their pain chart, before and after, and their routine. Choose the "
            "dates and what to include. Their notes are never in it. Each download is "
            "written to what the patient sees of who looked."
        )
    # The first and last day of the diary and screenings; min and max are vectorised, so this
    # stays cheap with years of entries (a Python loop over them took a third of each rerun).
    stamps = [column for column in (frames[0]["timestamp"], frames[2]["date"]) if not column.empty]
    if not stamps:
        st.info("Add diary entries or do a screening first: the summary is made from them.")
        return
    first_day = min(column.min() for column in stamps).date()
    last_day = max(max(column.max() for column in stamps).date(), date.today())
    chosen = st.session_state.get(SUMMARY_DATES_KEY) or ()
    if not all(first_day <= day <= last_day for day in chosen):  # the diary changed since
        del st.session_state[SUMMARY_DATES_KEY]
    dates = st.date_input(
        "Dates to include",
        value=(first_day, last_day),
        min_value=first_day,
        max_value=last_day,
        key=SUMMARY_DATES_KEY,
    )
    parts = st.multiselect(
        "What to include",
        list(SUMMARY_PARTS),
        default=list(SUMMARY_PARTS),
        format_func=lambda part: SUMMARY_PARTS[part],
        key=SUMMARY_PARTS_KEY,
    )
    demo = demo_persona() is not None
    if shared is None:
        label = st.text_input(
            "Your name or initials (optional)",
            max_chars=MAX_LABEL_CHARS,
            key=SUMMARY_LABEL_KEY,
            help="Printed on the summary and put in the file names, so your clinician knows "
            "whose it is. BackCare does not save it anywhere.",
        )
    else:
        label = shared[1]
    span = (dates[0], dates[-1]) if isinstance(dates, tuple) and len(dates) == 2 else None
    if span is None or not parts:
        st.warning("Choose a start and an end date, and at least one part to include.")
    start, end = span or (first_day, last_day)
    # Captured now, in the script run (see the docstring).
    saved = kept() if shared is None else shared[0]
    results = {name: saved.result(name) for name in SCREENING_RESULTS}
    routine = saved.current_routine()
    sessions = current_adherence(saved)

    def audited(kind: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
        """A shared diary's file is written to the patient's audit as it is made: no
        file without its audit row (a refused row, such as after a withdrawal, stops it)."""
        if shared is None:
            return make
        return partial(_audited, shared[2], kind, make)

    kept_records = tuple(records)
    who = clean_label(label)
    pdf, fhir = st.columns(2)
    pdf.download_button(
        "Download the clinician summary (PDF)",
        data=audited(
            "pdf",
            partial(
                summary_pdf,
                *frames,
                start=start,
                end=end,
                results=results,
                routine=routine,
                include=tuple(parts),
                records=kept_records,
                label=who,
                demo=demo,
                adherence=sessions,
            ),
        ),
        file_name=handover_file_name("summary", "pdf", start=start, end=end, label=who, demo=demo),
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        disabled=span is None or not parts,
        key="diary_summary_download",
    )
    with fhir:
        with_names = False
        if any(r.instrument == "psfs" for r in kept_records):
            with_names = st.checkbox(
                "Include my PSFS activity names",
                key=FHIR_NAMES_KEY,
                help="In the health-record file. They are your own words: without this, "
                "they are called Activity 1, 2 and so on.",
            )
        st.download_button(
            "Download for a health record (FHIR)",
            data=audited(
                "fhir",
                partial(
                    fhir_json,
                    kept_records,
                    frames[0],
                    start=start,
                    end=end,
                    label=who,
                    include_activity_names=with_names,
                    demo=demo,
                    adherence=sessions,
                ),
            ),
            file_name=handover_file_name(
                "health-record", "json", start=start, end=end, label=who, demo=demo
            ),
            mime="application/fhir+json",
            icon=":material/health_and_safety:",
            on_click="ignore",
            disabled=span is None,
            key="diary_fhir_download",
        )
    whose = "your" if shared is None else "the patient's"
    st.caption(
        "The health-record file is a FHIR R4 file that many clinic record systems can import: "
        f"{whose} questionnaire scores (with LOINC codes where they exist), diary pain "
        "scores and logged exercise sessions per week in these dates. It has no notes, "
        "medication, mood or sleep, and "
        + ("no name unless you give one above." if shared is None else "the patient's name.")
    )


def render_import(choice: StoreChoice) -> None:
    """Import a CSV or JSON file: every entry (and from BackCare's JSON, the results,
    checks and routine with them), or nothing and every problem by row."""
    store, owner = choice.store, choice.owner
    st.header("Import")
    st.caption(
        "A CSV or JSON file exported from BackCare, or a simple CSV with the columns "
        "date,pain and, if you like, note. Dates look like 2024-03-31 or 2024-03-31 08:30. "
        "BackCare's JSON file also brings back your questionnaire results, warning-sign "
        "checks and routine; it never replaces the routine you have now. "
        f"Up to {MAX_IMPORT_BYTES // (1024 * 1024)} MB."
    )
    upload = st.file_uploader("Diary file to import", type=["csv", "json"], key="diary_upload")
    if st.button("Import entries", icon=":material/upload:", disabled=upload is None) and upload:
        fmt = "json" if PurePath(upload.name).suffix.lower() == ".json" else "csv"
        try:
            data = upload.getvalue()
            entries = read_entries(data, format=fmt, owner=owner)
            extra = read_kept(data, owner=owner) if fmt == "json" else None
            added, more = store.add_many(entries), 0
            if extra:
                more = add_kept(
                    store,
                    owner,
                    events=extra.events,
                    screenings=extra.screenings,
                    records=extra.records,
                )
        except DiaryImportError as exc:
            st.error(
                f"Nothing was imported. Fix these {len(exc.problems)} problems in the file "
                "and try again:",
                icon=":material/error:",
            )
            text_table(
                pd.DataFrame(
                    {
                        "Row": [str(p.row) if p.row else "whole file" for p in exc.problems],
                        "Problem": [p.reason for p in exc.problems],
                    }
                ),
                alt="Each problem in the file, by row.",
            )
        except ValueError as exc:
            st.error(f"Nothing was imported: {exc}")
        else:
            skipped = len(entries) - added
            also = f" Also brought back {more} saved results and records." if more else ""
            flash(
                f"Imported {added} {'entry' if added == 1 else 'entries'}; skipped {skipped} "
                f"already in your diary.{also}"
            )
            st.rerun()


def render_export(choice: StoreChoice, total: int) -> None:
    """Download every entry as CSV, or everything kept as JSON."""
    st.header("Export")
    st.caption(
        "Download a copy to keep or to share with your clinician. The CSV file holds your "
        "diary entries only (spreadsheet formulas in notes are switched off). The JSON file "
        "holds everything: entries, questionnaire results, warning-sign checks and your "
        "routine, so Import brings all of it back."
    )
    saved = kept(choice)
    more = bool(saved.questionnaires or saved.routine or saved.standing.check_id)
    download_diary(st, "Download CSV", "csv", choice, disabled=total == 0)
    download_diary(st, "Download JSON", "json", choice, disabled=total == 0 and not more)
