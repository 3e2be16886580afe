"""Pain diary: the clinician summary PDF and the health-record (FHIR) file (issue 16).

Streamlit makes a download whose data is a callable later, in a thread of its own without
the script's context. These tests catch the callables the page registers and run them the
same way, after the script run, in another thread: what they return must be made only from
values captured during the run (the routine, the results, the dates, the label).
"""

from __future__ import annotations

import io
import json
import os
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.runtime.media_file_manager import MediaFileManager

from backcare import records
from backcare.diary.model import Entry
from backcare.reports import DEMO_MARK, latin1
from backcare.routine import Profile, build_routine
from backcare.ui.state import FHIR_NAMES_KEY, SUMMARY_LABEL_KEY

DIARY = "pages/4_Pain_diary.py"
NOTE = "private: my neighbour's name is Ann"


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """file name -> the callable the page handed to st.download_button."""
    made: dict = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def later(make):
    """Call ``make`` as Streamlit's download does: after the run, in another thread."""
    out: dict = {}
    thread = threading.Thread(target=lambda: out.update(value=make()))
    thread.start()
    thread.join(120)
    return out["value"]


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages)


def only(made: dict, prefix: str):
    names = [name for name in made if name and name.startswith(prefix)]
    assert names, list(made)
    return names[-1], made[names[-1]]


@pytest.fixture
def diary(sql_store) -> None:
    today = datetime.now().replace(microsecond=0, second=0)
    for days in range(3):
        sql_store.add(Entry(today - timedelta(days=days, hours=1), 4 + days, note=NOTE))
    sql_store.add_screening("local", "oswestry", today - timedelta(days=1), 80 / 3, {})
    sql_store.add_screening(
        "local",
        "psfs",
        today - timedelta(days=1),
        14 / 3,
        {"ratings": "4 5 5", "activities": "Walk my dog Rex\nSit at work\nGarden"},
    )


def test_the_summary_pdf_holds_the_routine_the_person_kept(app, diary, downloads, sql_store):
    routine = build_routine(Profile(minutes=20))
    kept = records.RoutineRecord.from_routine(routine, date.today())
    sql_store.put_record("local", records.ROUTINE, kept.to_payload(), record_id=records.CURRENT)
    app.switch_page(DIARY).run()
    assert not app.exception
    name, make = only(downloads, "backcare-summary")
    text = pdf_text(later(make))
    assert "No routine has been built" not in text
    for item in routine.items:
        assert latin1(item.exercise.name) in text, item.exercise.name
    assert "27%" in text and "26.6" not in text  # the saved Oswestry score, as shown
    assert NOTE not in text
    assert name.endswith(f"-to-{date.today():%Y-%m-%d}.pdf")


def test_the_label_goes_in_the_files_and_their_names_and_nowhere_else(app, diary, downloads):
    app.switch_page(DIARY).run()
    app.text_input(key=SUMMARY_LABEL_KEY).input("Ann B").run()
    _, make_pdf = only(downloads, "backcare-summary-Ann-B-")
    fhir_name, make_fhir = only(downloads, "backcare-health-record-Ann-B-")
    assert fhir_name.endswith(".json")
    assert "For: Ann B" in pdf_text(later(make_pdf))
    bundle = json.loads(later(make_fhir))
    resources = [e["resource"] for e in bundle["entry"]]
    (patient,) = [r for r in resources if r["resourceType"] == "Patient"]
    assert patient["name"] == [{"text": "Ann B"}]
    for stored in Path(os.environ["BACKCARE_DATA_DIR"]).rglob("*"):
        if stored.is_file():
            assert b"Ann B" not in stored.read_bytes(), stored  # the diary never keeps it


def test_the_fhir_file_has_the_scores_and_pain_but_no_notes_and_no_activity_names(
    app, diary, downloads
):
    app.switch_page(DIARY).run()
    _, make = only(downloads, "backcare-health-record-")
    raw = later(make).decode("utf-8")
    bundle = json.loads(raw)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert "Patient" not in kinds  # no identity without a label
    assert kinds.count("QuestionnaireResponse") == 2
    pains = [e["resource"] for e in bundle["entry"] if "valueInteger" in e["resource"]]
    assert sorted(p["valueInteger"] for p in pains) == [4, 5, 6]
    assert NOTE not in raw and "neighbour" not in raw
    assert "Rex" not in raw and "Activity 1" in raw


def test_ticking_include_my_activity_names_puts_them_in(app, diary, downloads):
    app.switch_page(DIARY).run()
    app.checkbox(key=FHIR_NAMES_KEY).check().run()
    _, make = only(downloads, "backcare-health-record-")
    raw = later(make).decode("utf-8")
    assert "Walk my dog Rex" in raw and NOTE not in raw


def test_a_demo_patients_files_say_demo_in_their_names_and_on_every_page(app, downloads):
    app.toggle(key="bc_demo_toggle_home").set_value(True).run()
    app.switch_page(DIARY).run()
    assert not app.exception
    name, make = only(downloads, "backcare-summary-")
    assert name.endswith("-demo-data-made-up-patient.pdf")
    data = later(make)
    for page in PdfReader(io.BytesIO(data)).pages:
        assert DEMO_MARK in " ".join(page.extract_text().split())
    assert "No routine has been built" not in pdf_text(data)  # Alex has a routine
    fhir_name, make_fhir = only(downloads, "backcare-health-record-")
    assert fhir_name.endswith("-demo-data-made-up-patient.json")
    assert json.loads(later(make_fhir))["meta"]["security"][0]["code"] == "HTEST"


def test_the_fhir_file_has_the_logged_sessions_per_week(app, diary, downloads, sql_store):
    """Issue 18: with a routine and logged sessions, one Observation per plan week in the
    range, made from values captured in the run (the callable runs in another thread)."""
    start = date.today() - timedelta(days=8)  # week 2 of the plan today
    routine = build_routine(Profile(minutes=20, days_per_week=3))
    kept = records.RoutineRecord.from_routine(routine, start)
    sql_store.put_record("local", records.ROUTINE, kept.to_payload(), record_id=records.CURRENT)
    session = records.SessionRecord(start + timedelta(days=1), 1, pain_during=3)
    sql_store.put_record(
        "local", records.SESSION, session.to_payload(), record_id=session.record_id
    )
    app.switch_page(DIARY).run()
    assert not app.exception
    _, make = only(downloads, "backcare-health-record-")
    bundle = json.loads(later(make))
    weeks = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("effectivePeriod") and "component" in e["resource"]
    ]
    assert weeks, "no sessions in the health-record file"
    first = min(weeks, key=lambda w: w["effectivePeriod"]["start"])
    assert first["effectivePeriod"]["start"] == start.isoformat()
    done = {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in first["component"]}
    assert list(done.values()) == [1, 3]
