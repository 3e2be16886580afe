"""backcare.interop: the FHIR R4 Bundle, validated with fhir.resources (R4B models) and read
back: every score and date in it equals the one on screen; nothing private goes in."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.change import as_read, fmt_score
from backcare.demo import PERSONAS, demo_patient
from backcare.diary.frames import entries_frame
from backcare.diary.model import Entry, Screening
from backcare.interop import fhir_bundle, fhir_json, load_fhir_settings
from backcare.screening.instruments import INSTRUMENTS

TODAY = dt.date(2026, 3, 15)
LOINC = "http://loinc.org"
LOCAL = load_fhir_settings().local_system


def _resources(bundle: dict, kind: str | None = None) -> list[dict]:
    found = [item["resource"] for item in bundle["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def _codes(resource: dict) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in resource["code"]["coding"]}


def _patient_bundle(persona: str = "chronic", **kwargs) -> tuple[dict, object]:
    patient = demo_patient(persona, TODAY)
    bundle = fhir_bundle(
        patient.screenings,
        entries_frame(patient.entries),
        start=patient.first_day,
        end=TODAY,
        made_at=dt.datetime(2026, 3, 15, 12),
        **kwargs,
    )
    return bundle, patient


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"label": "A. B."}, {"demo": True, "include_activity_names": True}],
    ids=["anonymous", "labelled", "demo with names"],
)
def test_the_bundle_is_valid_fhir(persona, kwargs):
    bundle, _ = _patient_bundle(persona, **kwargs)
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    assert json.loads(json.dumps(bundle)) == bundle  # JSON-ready as it is
    for item in bundle["entry"]:
        assert item["fullUrl"] == f"urn:uuid:{item['resource']['id']}"
        assert item["resource"]["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/')


def test_a_questionnaire_response_and_observations_per_completed_questionnaire():
    bundle, patient = _patient_bundle()
    responses = _resources(bundle, "QuestionnaireResponse")
    assert len(responses) == len(patient.screenings)
    assert all(r["status"] == "completed" for r in responses)
    by_form = {r["questionnaire"] for r in responses}
    assert by_form == {
        "http://loinc.org/q/91349-1",  # STarT Back panel
        "http://loinc.org/q/97908-8",  # Oswestry panel
        "http://loinc.org/q/91148-7",  # PEG panel
        "https://backcare.example/fhir/Questionnaire/rmdq",  # no LOINC panel
        "https://backcare.example/fhir/Questionnaire/psfs",
    }
    observations = _resources(bundle, "Observation")
    refs = {r["id"] for r in responses}
    scored = [o for o in observations if "derivedFrom" in o]
    assert all(o["derivedFrom"][0]["reference"].removeprefix("urn:uuid:") in refs for o in scored)


@pytest.mark.parametrize(
    ("instrument", "key", "code"),
    [
        ("start_back", "score", (LOINC, "91351-7")),
        ("start_back", "distress", (LOINC, "91350-9")),
        ("start_back", "risk", (LOINC, "91352-5")),
        ("oswestry", "score", (LOINC, "97909-6")),
        ("peg", "score", (LOINC, "91147-9")),
        ("rmdq", "score", (LOCAL, "rmdq-score")),
        ("psfs", "score", (LOCAL, "psfs-score")),
    ],
)
def test_each_score_is_coded_with_loinc_where_a_code_exists(instrument, key, code):
    bundle, _ = _patient_bundle()
    coded = [o for o in _resources(bundle, "Observation") if code in _codes(o)]
    assert coded, (instrument, key)
    assert all(o["code"]["text"] == f"{INSTRUMENTS[instrument].name}: {key}" for o in coded)


def test_start_back_risk_is_coded_with_loincs_answer():
    bundle, patient = _patient_bundle()
    risks = [o for o in _resources(bundle, "Observation") if (LOINC, "91352-5") in _codes(o)]
    latest = risks[-1]["valueCodeableConcept"]
    assert latest["text"] == patient.start_back.risk_label
    assert latest["coding"][0]["code"] == {"low": "LA9194-7", "medium": "LA8982-6"}.get(
        patient.start_back.risk
    )


def test_round_trip_every_score_and_date_equals_the_one_on_screen():
    bundle, patient = _patient_bundle()
    shown = {
        (s.instrument, s.taken_at.date(), fmt_score(s.instrument, s.score))
        for s in patient.screenings
    }
    back = set()
    score_of = {f"{entry.name}: score": key for key, entry in INSTRUMENTS.items()}
    for o in _resources(bundle, "Observation"):
        instrument = score_of.get(o["code"]["text"])
        if instrument is None:  # the diary's pain, STarT Back's distress part and risk
            continue
        value = o["valueQuantity"]["value"]
        when = dt.datetime.fromisoformat(o["effectiveDateTime"]).astimezone().replace(tzinfo=None)
        assert value == as_read(instrument, value)  # already as people read it
        back.add((instrument, when.date(), fmt_score(instrument, value)))
    assert back == shown
    oswestry = [o for o in _resources(bundle, "Observation") if (LOINC, "97909-6") in _codes(o)]
    assert oswestry[0]["valueQuantity"] == {
        "value": 42,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }


def test_round_trip_every_pain_score_and_time():
    bundle, patient = _patient_bundle()
    pains = [o for o in _resources(bundle, "Observation") if (LOINC, "72514-3") in _codes(o)]
    assert len(pains) == len(patient.entries)
    back = sorted(
        (
            dt.datetime.fromisoformat(o["effectiveDateTime"]).astimezone().replace(tzinfo=None),
            o["valueInteger"],
        )
        for o in pains
    )
    assert back == sorted((e.timestamp, e.pain) for e in patient.entries)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(sorted(INSTRUMENTS)),
    st.floats(0, 1, allow_nan=False),
)
def test_any_score_is_sent_as_it_is_shown(instrument, share):
    entry = INSTRUMENTS[instrument]
    score = share * entry.scale_max
    record = Screening("local", instrument, dt.datetime(2026, 3, 1, 9), score, {})
    bundle = fhir_bundle([record], [], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 1))
    (observation,) = [o for o in _resources(bundle, "Observation") if "valueQuantity" in o]
    value = observation["valueQuantity"]["value"]
    assert fmt_score(instrument, value) == fmt_score(instrument, score)
    assert 0 <= value <= entry.scale_max


def test_no_notes_or_other_private_fields_go_in():
    entries = [
        Entry(
            dt.datetime(2026, 3, 1, 8, 30),
            5,
            note="secret note about Ann",
            medication="secret-pill 20 mg",
            mood=2,
            sleep_hours=4.5,
        )
    ]
    raw = fhir_json([], entries, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 1)).decode()
    for private in ("secret", "Ann", "mood", "sleep", "4.5"):
        assert private not in raw
    (pain,) = _resources(json.loads(raw), "Observation")
    assert pain["valueInteger"] == 5


def test_psfs_activity_names_go_in_only_when_asked():
    record = Screening(
        "local",
        "psfs",
        dt.datetime(2026, 3, 1, 9),
        14 / 3,
        {"ratings": "4 5 5", "activities": "Walk my dog Rex\nSit at work\nGarden"},
    )
    day = dt.date(2026, 3, 1)
    hidden = fhir_json([record], [], start=day, end=day).decode()
    assert "Rex" not in hidden and "Activity 1" in hidden
    shown = fhir_bundle([record], [], start=day, end=day, include_activity_names=True)
    (response,) = _resources(shown, "QuestionnaireResponse")
    assert [i["text"] for i in response["item"][1:]] == ["Walk my dog Rex", "Sit at work", "Garden"]
    assert [i["answer"][0]["valueInteger"] for i in response["item"][1:]] == [4, 5, 5]
    assert "Walk my dog Rex" in response["text"]["div"]


def test_rmdq_sentences_ticked_are_answers_with_their_wording():
    record = Screening("local", "rmdq", dt.datetime(2026, 3, 1, 9), 2, {"ticked": "1,24"})
    bundle = fhir_bundle([record], [], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 1))
    (response,) = _resources(bundle, "QuestionnaireResponse")
    items = response["item"][1:]
    assert len(items) == 24
    assert [i["answer"][0]["valueBoolean"] for i in items].count(True) == 2
    assert items[0]["text"] == "I stay at home most of the time because of my back."


def test_no_identity_unless_a_label_is_given():
    anonymous, _ = _patient_bundle()
    assert not _resources(anonymous, "Patient")
    assert all("subject" not in r for r in _resources(anonymous))
    labelled, _ = _patient_bundle(label="  A.\nB. ")
    (patient,) = _resources(labelled, "Patient")
    assert patient["name"] == [{"text": "A. B."}]
    assert set(patient) == {"resourceType", "id", "text", "name"}  # nothing else about them
    others = [r for r in _resources(labelled) if r["resourceType"] != "Patient"]
    assert all(r["subject"]["reference"] == f"urn:uuid:{patient['id']}" for r in others)


def test_a_demo_bundle_is_labelled_test_data():
    bundle, _ = _patient_bundle(demo=True)
    assert bundle["meta"]["security"][0]["code"] == "HTEST"
    assert all(r["meta"]["security"][0]["code"] == "HTEST" for r in _resources(bundle))


def test_the_date_range_keeps_only_those_days():
    patient = demo_patient("chronic", TODAY)
    start = TODAY - dt.timedelta(days=14)
    bundle = fhir_bundle(patient.screenings, entries_frame(patient.entries), start=start, end=TODAY)
    for resource in _resources(bundle):
        when = resource.get("effectiveDateTime") or resource.get("authored")
        assert start <= dt.date.fromisoformat(when[:10]) <= TODAY
    assert len(_resources(bundle, "QuestionnaireResponse")) == 5  # the last visit's five


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": TODAY, "end": TODAY - dt.timedelta(days=1)}, "starts after"),
        ({"start": "2026-01-01", "end": TODAY}, "must be a date"),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fhir_bundle([], [], **kwargs)


def _adherence():
    """Three plan weeks from Mon 2 Mar 2026 (3 a week planned); week 3 in progress."""
    from backcare.records import SessionRecord, Sessions, adherence

    logged = (
        SessionRecord(dt.date(2026, 3, 2), 1, pain_during=3),
        SessionRecord(dt.date(2026, 3, 4), 1, pain_during=7),
        SessionRecord(dt.date(2026, 3, 10), 2, pain_during=4),
        SessionRecord(dt.date(2026, 3, 16), 3, pain_during=2),
    )
    return adherence(Sessions(logged), 3, dt.date(2026, 3, 2), dt.date(2026, 3, 17))


def test_sessions_go_in_as_one_observation_a_week_in_our_own_code():
    """Issue 18: done against planned per plan week, valid R4B, BackCare's own code (no
    LOINC code was found for it), the week in progress marked preliminary."""
    bundle = fhir_bundle(
        [],
        [],
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        made_at=dt.datetime(2026, 3, 17, 12),
        adherence=_adherence(),
        label="A. B.",
    )
    Bundle.model_validate(bundle)
    settings = load_fhir_settings()
    weeks = [
        r for r in _resources(bundle, "Observation") if (LOCAL, settings.sessions.code) in _codes(r)
    ]
    assert len(weeks) == 3
    rows = [
        (
            w["effectivePeriod"]["start"],
            w["effectivePeriod"]["end"],
            w["status"],
            {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in w["component"]},
        )
        for w in weeks
    ]
    done, planned = settings.sessions_done.code, settings.sessions_planned.code
    assert rows == [
        ("2026-03-02", "2026-03-08", "final", {done: 2, planned: 3}),
        ("2026-03-09", "2026-03-15", "final", {done: 1, planned: 3}),
        ("2026-03-16", "2026-03-22", "preliminary", {done: 1, planned: 3}),
    ]
    assert all(c["system"] == LOCAL for w in weeks for c in w["code"]["coding"])
    assert all(w["category"][0]["coding"][0]["code"] == "activity" for w in weeks)
    assert all(w["subject"]["display"] == "A. B." for w in weeks)
    assert (
        "plan week 1 (2 Mar to 8 Mar 2026): 2 of 3 planned sessions logged"
        in (weeks[0]["text"]["div"])
    )


def test_sessions_only_for_the_weeks_in_the_range_and_only_when_logged():
    bundle = fhir_bundle(
        [], [], start=dt.date(2026, 3, 9), end=dt.date(2026, 3, 12), adherence=_adherence()
    )
    [week] = _resources(bundle, "Observation")
    assert week["effectivePeriod"]["start"] == "2026-03-09"
    assert not fhir_bundle([], [], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))["entry"]
