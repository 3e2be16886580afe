"""FHIR R4 export: the person's questionnaire scores and diary pain scores as one Bundle.

``fhir_bundle(screenings, entries, start=..., end=...)`` returns a JSON-ready ``dict``: a
FHIR R4 ``Bundle`` of type ``collection`` holding

- a ``QuestionnaireResponse`` for each questionnaire completed in the date range (its score,
  and the answers the diary kept: STarT Back's risk group, the Roland-Morris sentences
  ticked, the PSFS ratings);
- an ``Observation`` for each of its scores, coded with LOINC where a code exists (the codes
  and where each was looked up: ``data/instruments/<id>.toml``, ``[loinc]``) and otherwise
  in BackCare's own code system (``data/fhir.toml``);
- an ``Observation`` for each diary pain score (LOINC 72514-3, ``data/fhir.toml``);
- with logged routine sessions (``adherence``), an ``Observation`` for each plan week in the
  range: sessions done and planned as components, in BackCare's own code system (no LOINC
  code was found for it: ``data/fhir.toml`` ``[sessions]`` says where we looked).

Why "collection", not "document": a FHIR document is a clinical document attested by an
author about a subject, led by a ``Composition``; this is the person's own self-report, with
no clinician author and, by default, no identity. A collection is "a set of resources
collected into a single package for ease of distribution" that a record system imports
resource by resource, which is what a clinic does with it.

Privacy: nothing the person marked private goes in: diary notes, medication, mood and sleep
are never read (only each entry's time and pain score); the PSFS activity names are the
person's own words and go in only when ``include_activity_names`` is true. There is no
patient identity unless the person gives a label (name or initials): then one ``Patient``
with that name and nothing else, and every resource refers to it. A demo patient's Bundle
carries the security label HTEST (test health data).

Every score is written as the screen shows it (``backcare.change.as_read``: Oswestry whole
percent, the 0-10 scales one decimal) and every time with the computer's time zone, so the
numbers a clinician sees match the person's screen. Plain Python, no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import tomllib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from backcare.change import as_read, fmt_score
from backcare.diary.model import PAIN_MAX, PAIN_MIN, Entry, Screening
from backcare.paths import DATA_DIR
from backcare.records import Adherence, WeekAdherence
from backcare.screening.base import LOINC_SYSTEM, Code
from backcare.screening.instruments import INSTRUMENTS, Instrument
from backcare.screening.rmdq import load_rmdq
from backcare.screening.start_back import as_risk, load_start_back

FHIR_FILE = DATA_DIR / "fhir.toml"
UCUM = "http://unitsofmeasure.org"
XHTML = "http://www.w3.org/1999/xhtml"
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
TEST_DATA = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
    "code": "HTEST",
    "display": "test health data",
}
_IDS = uuid.UUID("6f1d3c52-6c1e-4f0b-9d59-2f9f4b0c1a7e")  # BackCare's namespace for ids


@dataclass(frozen=True)
class FhirSettings:
    """``data/fhir.toml``: BackCare's own code system and the pain score's LOINC code."""

    local_system: str
    questionnaire_base: str
    loinc_questionnaire_base: str
    pain: Code
    pain_source: str
    sessions: Code
    sessions_done: Code
    sessions_planned: Code
    sessions_category: str


@cache
def load_fhir_settings() -> FhirSettings:
    with FHIR_FILE.open("rb") as fh:
        raw = tomllib.load(fh)
    try:
        pain, sessions = raw["pain"], raw["sessions"]
        return FhirSettings(
            local_system=raw["local_system"],
            questionnaire_base=raw["questionnaire_base"],
            loinc_questionnaire_base=raw["loinc_questionnaire_base"],
            pain=Code(pain["code"], pain["display"]),
            pain_source=pain["source"],
            sessions=Code(sessions["code"], sessions["display"]),
            sessions_done=Code(sessions["done_code"], sessions["done_display"]),
            sessions_planned=Code(sessions["planned_code"], sessions["planned_display"]),
            sessions_category=sessions["category"],
        )
    except KeyError as missing:
        raise ValueError(f"{FHIR_FILE.name}: missing {missing}") from None


# ------------------------------------------------------------------------------ helpers
def _id(*parts: object) -> str:
    """A stable id made from what a resource is about: the same data, the same ids."""
    return str(uuid.uuid5(_IDS, "|".join(map(str, parts))))


def _when(value: dt.datetime) -> str:
    """A FHIR dateTime: the diary's local time with the computer's UTC offset."""
    aware = value if value.tzinfo else value.astimezone()
    return aware.isoformat(timespec="seconds")


def _narrative(text: str) -> dict[str, str]:
    return {"status": "generated", "div": f'<div xmlns="{XHTML}"><p>{html.escape(text)}</p></div>'}


def _coding(system: str, code: Code) -> dict[str, str]:
    return {"system": system, "code": code.code, "display": code.display}


def _score_code(entry: Instrument[Any], key: str = "score") -> dict[str, str]:
    """The LOINC coding of a score, or BackCare's own where LOINC has none."""
    codes = entry.codes
    if key in codes.scores:
        return _coding(LOINC_SYSTEM, codes.scores[key])
    local = Code(f"{entry.id}-{key}", f"{entry.name} {key}")
    return _coding(load_fhir_settings().local_system, local)


def _number(instrument: str, score: float) -> int | float:
    """A score as the screen shows it: a whole number, or one decimal."""
    shown = as_read(instrument, score)
    return int(shown) if INSTRUMENTS[instrument].decimals == 0 else shown


def _quantity(instrument: str, score: float) -> dict[str, Any]:
    unit = INSTRUMENTS[instrument].unit or "{score}"
    return {"value": _number(instrument, score), "unit": unit, "system": UCUM, "code": unit}


def _answer(instrument: str, score: float) -> dict[str, Any]:
    value = _number(instrument, score)
    return {"valueInteger": value} if isinstance(value, int) else {"valueDecimal": value}


def _day(value: dt.datetime | dt.date) -> str:
    return f"{value:%-d %b %Y}"


# ---------------------------------------------------------------------- questionnaires
def _questionnaire_url(entry: Instrument[Any]) -> str:
    settings = load_fhir_settings()
    panel = entry.codes.panel
    if panel is not None:
        return settings.loinc_questionnaire_base + panel.code
    return settings.questionnaire_base + entry.id


def _activities(record: Screening, include_names: bool) -> list[tuple[str, int]]:
    """The PSFS rows kept with a score: (what to call the activity, rating)."""
    ratings = [int(r) for r in str(record.details.get("ratings", "")).split()]
    names = str(record.details.get("activities", "")).split("\n")
    return [
        (
            (names[n] if include_names and n < len(names) and names[n] else f"Activity {n + 1}"),
            rating,
        )
        for n, rating in enumerate(ratings)
    ]


def _kept_items(record: Screening, include_names: bool) -> list[dict[str, Any]]:
    """QuestionnaireResponse items for the answers the diary kept with a score."""
    if record.instrument == "rmdq" and "ticked" in record.details:
        ticked = {int(n) for n in str(record.details["ticked"]).split(",") if n}
        return [
            {"linkId": f"rmdq-{n}", "text": text, "answer": [{"valueBoolean": n in ticked}]}
            for n, text in enumerate(load_rmdq().items, start=1)
        ]
    if record.instrument == "psfs":
        return [
            {"linkId": f"activity-{n}", "text": name, "answer": [{"valueInteger": rating}]}
            for n, (name, rating) in enumerate(_activities(record, include_names), start=1)
        ]
    return []


def _scores(record: Screening) -> list[tuple[str, dict[str, Any], str]]:
    """(score key, Observation value, words) for each score of one kept result."""
    entry = INSTRUMENTS[record.instrument]
    shown = fmt_score(record.instrument, record.score)
    scores = [("score", {"valueQuantity": _quantity(record.instrument, record.score)}, shown)]
    if record.instrument == "start_back":
        distress = record.details.get("psychosocial")
        if isinstance(distress, int) and not isinstance(distress, bool):
            value = {"valueQuantity": {"value": distress, "unit": "{score}", "system": UCUM,
                                       "code": "{score}"}}  # fmt: skip
            scores.append(("distress", value, f"{distress} of 5"))
        risk = as_risk(record.details.get("risk"))
        answers = entry.codes.answers or {}
        if risk is not None and risk in answers:
            label = load_start_back().risks[risk].label
            coding = _coding(LOINC_SYSTEM, answers[risk])
            scores.append(("risk", {"valueCodeableConcept": {"coding": [coding], "text": label}},
                           label))  # fmt: skip
    return scores


def _questionnaire_entries(
    record: Screening, subject: dict[str, str] | None, include_names: bool
) -> list[dict[str, Any]]:
    entry = INSTRUMENTS[record.instrument]
    when = _when(record.taken_at)
    shown = fmt_score(record.instrument, record.score)
    better = f"; {entry.better} is better"
    response_id = _id("QuestionnaireResponse", record.instrument, record.taken_at, record.score)
    items = [
        {
            "linkId": "score",
            "text": _score_code(entry)["display"],
            "answer": [_answer(record.instrument, record.score)],
        },
        *_kept_items(record, include_names),
    ]
    summary = f"{entry.name}, {_day(record.taken_at)}: score {shown}{better}."
    if record.instrument == "psfs":
        rows = "; ".join(f"{n}: {r}" for n, r in _activities(record, include_names))
        summary += f" Activities rated 0-10: {rows}."
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "text": _narrative(summary),
        "questionnaire": _questionnaire_url(entry),
        "status": "completed",
        "authored": when,
        "item": items,
    }
    if subject:
        response["subject"] = subject
        response["author"] = subject
    out = [{"fullUrl": f"urn:uuid:{response_id}", "resource": response}]
    for key, value, words in _scores(record):
        code = _score_code(entry, key)
        observation_id = _id("Observation", record.instrument, key, record.taken_at, record.score)
        observation: dict[str, Any] = {
            "resourceType": "Observation",
            "id": observation_id,
            "text": _narrative(f"{code['display']}, {_day(record.taken_at)}: {words}."),
            "status": "final",
            "category": [SURVEY],
            "code": {"coding": [code], "text": f"{entry.name}: {key}"},
            "effectiveDateTime": when,
            **value,
            "derivedFrom": [{"reference": f"urn:uuid:{response_id}"}],
        }
        if subject:
            observation["subject"] = subject
        out.append({"fullUrl": f"urn:uuid:{observation_id}", "resource": observation})
    return out


# ------------------------------------------------------------------------------ pain
def _pain_rows(entries: Any) -> list[tuple[dt.datetime, int]]:
    """(time, pain) of each diary entry: from the diary's entries frame (its ``timestamp``
    and ``pain`` columns) or from ``Entry`` values. Nothing else of an entry is read."""
    if hasattr(entries, "itertuples"):
        return [
            (stamp.to_pydatetime(), int(pain))
            for stamp, pain in zip(entries["timestamp"], entries["pain"], strict=True)
        ]
    rows: list[tuple[dt.datetime, int]] = []
    for entry in entries:
        if not isinstance(entry, Entry):
            raise ValueError("entries must be the diary's entries frame or Entry values")
        rows.append((entry.timestamp, entry.pain))
    return rows


def _pain_entry(when: dt.datetime, pain: int, subject: dict[str, str] | None) -> dict[str, Any]:
    settings = load_fhir_settings()
    observation_id = _id("Observation", "pain", when, pain)
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": observation_id,
        "text": _narrative(
            f"Pain {pain} out of {PAIN_MAX} ({PAIN_MIN} = no pain), {when:%-d %b %Y, %H:%M}."
        ),
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [_coding(LOINC_SYSTEM, settings.pain)], "text": "Pain (0-10)"},
        "effectiveDateTime": _when(when),
        "valueInteger": pain,
    }
    if subject:
        observation["subject"] = subject
    return {"fullUrl": f"urn:uuid:{observation_id}", "resource": observation}


# ------------------------------------------------------------------------------ sessions
def _session_weeks(
    adherence: Adherence | None, start: dt.date, end: dt.date
) -> list[tuple[WeekAdherence, dt.date, dt.date]]:
    """(week, first day, last day) of each plan week that overlaps ``start``..``end``."""
    if adherence is None or adherence.start is None:
        return []
    out = []
    for week in adherence.weeks:
        first = adherence.start + dt.timedelta(weeks=week.week - 1)
        last = first + dt.timedelta(days=6)
        if first <= end and last >= start:
            out.append((week, first, last))
    return out


def _sessions_entry(
    week: WeekAdherence, first: dt.date, last: dt.date, subject: dict[str, str] | None
) -> dict[str, Any]:
    settings = load_fhir_settings()
    local = settings.local_system
    observation_id = _id("Observation", "sessions", first, week.week, week.done, week.planned)
    so_far = " so far (the week is not over)" if week.current else ""
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": observation_id,
        "text": _narrative(
            f"Exercise routine, plan week {week.week} ({first:%-d %b} to {last:%-d %b %Y}): "
            f"{week.done} of {week.planned} planned sessions logged{so_far}."
        ),
        "status": "preliminary" if week.current else "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": settings.sessions_category,
                    }
                ]
            }
        ],
        "code": {
            "coding": [_coding(local, settings.sessions)],
            "text": "Exercise sessions in a plan week",
        },
        "effectivePeriod": {"start": first.isoformat(), "end": last.isoformat()},
        "component": [
            {
                "code": {"coding": [_coding(local, settings.sessions_done)]},
                "valueInteger": week.done,
            },
            {
                "code": {"coding": [_coding(local, settings.sessions_planned)]},
                "valueInteger": week.planned,
            },
        ],
    }
    if subject:
        observation["subject"] = subject
    return {"fullUrl": f"urn:uuid:{observation_id}", "resource": observation}


# ------------------------------------------------------------------------------ bundle
def fhir_bundle(
    screenings: Iterable[Screening],
    entries: Any,
    *,
    start: dt.date,
    end: dt.date,
    label: str = "",
    include_activity_names: bool = False,
    demo: bool = False,
    made_at: dt.datetime | None = None,
    adherence: Adherence | None = None,
) -> dict[str, Any]:
    """A FHIR R4 Bundle (type collection) of ``start``..``end`` (both days included), as a
    JSON-ready dict.

    ``screenings``: the diary's kept questionnaire results (``Screening`` values);
    ``entries``: the diary's entries frame (``backcare.diary.frames.entries_frame``) or
    ``Entry`` values, of which only the time and pain score are read; ``label``: the
    person's optional name or initials (a ``Patient`` with that name, else no identity);
    ``include_activity_names``: put the PSFS activity names in (else "Activity 1", ...);
    ``demo``: a made-up patient's data, labelled HTEST; ``adherence``: the routine's
    logged sessions per plan week (``backcare.records.adherence``), one Observation for
    each week that overlaps the range.
    """
    for value, name in ((start, "start"), (end, "end")):
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValueError(f"The {name} of the date range must be a date.")
    if start > end:
        raise ValueError("The date range starts after it ends: choose a start before the end.")
    label = " ".join(str(label).split())
    records: Sequence[Screening] = sorted(
        (
            s
            for s in screenings
            if start <= s.taken_at.date() <= end and s.instrument in INSTRUMENTS
        ),
        key=lambda s: (s.taken_at, list(INSTRUMENTS).index(s.instrument)),
    )
    pains = sorted(r for r in _pain_rows(entries) if start <= r[0].date() <= end)

    resources: list[dict[str, Any]] = []
    subject: dict[str, str] | None = None
    if label:
        patient_id = _id("Patient", label)
        subject = {"reference": f"urn:uuid:{patient_id}", "display": label}
        resources.append(
            {
                "fullUrl": f"urn:uuid:{patient_id}",
                "resource": {
                    "resourceType": "Patient",
                    "id": patient_id,
                    "text": _narrative(f"{label} (the name or initials the person gave)."),
                    "name": [{"text": label}],
                },
            }
        )
    for record in records:
        resources += _questionnaire_entries(record, subject, include_activity_names)
    resources += [_pain_entry(when, pain, subject) for when, pain in pains]
    weeks = _session_weeks(adherence, start, end)
    resources += [_sessions_entry(week, first, last, subject) for week, first, last in weeks]

    made = made_at or dt.datetime.now().replace(microsecond=0)
    bundle_id = _id("Bundle", start, end, label, len(records), len(pains), len(weeks), made)
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{bundle_id}"},
        "type": "collection",
        "timestamp": _when(made),
        "entry": resources,
    }
    if demo:
        bundle["meta"] = {"security": [TEST_DATA]}
        for item in resources:
            item["resource"]["meta"] = {"security": [TEST_DATA]}
    return bundle


def fhir_json(screenings: Iterable[Screening], entries: Any, **kwargs: Any) -> bytes:
    """``fhir_bundle`` as UTF-8 JSON bytes, for a download (the FHIR JSON format)."""
    bundle = fhir_bundle(screenings, entries, **kwargs)
    return json.dumps(bundle, indent=2, ensure_ascii=False).encode("utf-8")
