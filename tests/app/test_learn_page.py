"""Learn page flows in AppTest: choose topics, search, suggestions from kept screening
results (saved on an earlier visit: tests/helpers.keep)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from backcare import content, records, storage
from backcare.content import topic, topics
from backcare.screening import oswestry, start_back, triage
from tests.helpers import APP, keep

LEARN = "pages/2_Learn.py"


def _open(query_topic: str | None = None, triage=None, questionnaires=()) -> AppTest:
    """Home, then the Learn page, after a visit that kept these screening results."""
    keep(triage=triage, questionnaires=questionnaires)
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    if query_topic is not None:
        at.query_params["topic"] = query_topic
    at.switch_page(LEARN).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _heading(at: AppTest) -> str:
    """The open topic's title (the h2 with the "topic" anchor)."""
    return next(h.value for h in at.header if h.proto.anchor == "topic")


def _main_markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.main.markdown)


def _suggested(at: AppTest) -> list[str]:
    keys = [b.key or "" for b in at.button]
    return [k.removeprefix("learn_suggest_") for k in keys if k.startswith("learn_suggest_")]


def test_opens_on_the_first_topic_with_its_summary_body_and_numbered_sources():
    at = _open()
    first = topics()[0]
    assert _heading(at) == first.title
    text = _main_markdown(at)
    assert first.summary in text
    assert first.body in text
    for n, source in enumerate(first.sources, start=1):
        assert f"{n}. [{source.citation}](<{source.url}>)" in text
    assert "not a diagnosis" in " ".join(c.value for c in at.caption)


def test_topic_list_shows_every_title_with_its_summary():
    at = _open()
    radio = at.radio[0]
    assert radio.label == f"Topics ({len(topics())} of {len(topics())})"
    assert radio.options == [t.title for t in topics()]
    assert list(radio.proto.captions) == [t.summary for t in topics()]


def test_choosing_a_topic_opens_it_keeps_it_and_puts_its_id_in_the_url():
    at = _open()
    at.radio[0].set_value("myths").run()
    assert _heading(at) == topic("myths").title
    assert at.query_params["topic"] == "myths"
    at.run()  # a rerun (e.g. any other widget) keeps the choice
    assert _heading(at) == topic("myths").title


@pytest.mark.parametrize("topic_id", [t.id for t in topics() if t.figure])
def test_topic_with_a_figure_draws_it_with_alt_text_and_summary(topic_id):
    at = _open(query_topic=topic_id)
    assert _heading(at) == topic(topic_id).title
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert spec["description"]
    assert "What the chart shows." in _main_markdown(at)


def test_topic_without_figure_draws_no_chart():
    at = _open(query_topic="causes")
    assert len(at.get("vega_lite_chart")) == 0


def test_unknown_topic_in_the_url_falls_back_to_the_first_topic():
    at = _open(query_topic="<script>")
    assert _heading(at) == topics()[0].title


def test_related_topic_buttons_open_the_related_topic():
    at = _open(query_topic="myths")
    first_related = topic("myths").related[0]
    at.button(key=f"learn_related_{first_related}").click().run()
    assert _heading(at) == topic(first_related).title


def test_doctor_topic_links_to_the_screening_page():
    at = _open(query_topic="when_to_see_a_doctor")
    links = [(p.proto.label, p.proto.page) for p in at.main.get("page_link")]
    assert ("Check your symptoms for warning signs on the Screening page", "Screening") in links


@pytest.mark.parametrize(
    ("query", "first_title"),
    [("scans", "Common myths about back pain"), ("YOGA", "Yoga for back pain")],
)
def test_search_lists_the_best_match_first(query, first_title):
    at = _open()
    at.text_input[0].input(query).run()
    assert at.text_input[0].label == "Search topics"
    assert at.radio[0].options[0] == first_title
    assert len(at.radio[0].options) < len(topics())


def test_search_with_no_match_says_so_and_keeps_the_open_topic():
    at = _open(query_topic="yoga")
    at.text_input[0].input("zebra").run()
    assert "No topic matches" in at.info[0].value
    assert len(at.radio) == 0
    assert _heading(at) == topic("yoga").title


def test_choosing_from_search_results_opens_that_topic():
    at = _open()
    at.text_input[0].input("walking").run()
    options = at.radio[0].options
    at.radio[0].set_value(content.search("walking")[-1].id).run()
    assert _heading(at) == options[-1]


# --------------------------------------------------------------------------- suggestions


def test_without_screening_results_it_points_to_the_screening_page():
    at = _open()
    assert _suggested(at) == []
    links = [p.proto.label for p in at.main.get("page_link")]
    assert "Go to Screening" in links


START_BACK = [
    # (STarT Back answers: risk, psychosocial, item 1 leg pain; expected suggestions in order)
    (
        (1, 0, 0, 0, 1, 1, 1, 1, 3),
        ["when_to_see_a_doctor", "myths", "flare_ups", "getting_guidance"],
    ),
    ((0, 0, 0, 0, 1, 1, 1, 1, 0), ["myths", "flare_ups", "getting_guidance"]),
    ((0, 1, 1, 0, 1, 1, 0, 0, 0), ["which_exercises", "getting_guidance"]),
    (
        (1, 0, 0, 0, 0, 0, 0, 0, 0),
        ["when_to_see_a_doctor", "why_exercise_helps", "which_exercises"],
    ),
]


@pytest.mark.parametrize(("answers", "expected"), START_BACK)
def test_suggestions_follow_the_kept_start_back_result(answers, expected):
    at = _open(questionnaires=[start_back(answers)])
    assert _suggested(at) == expected
    labels = [b.label for b in at.button if (b.key or "").startswith("learn_suggest_")]
    assert labels == [topic(t).title for t in expected]
    assert "Based on your saved results" in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize(("answers", "expected"), START_BACK)
def test_suggested_for_you_never_repeats_a_caption(answers, expected):
    """Issue 17: one rule suggests two topics for one reason; the reason is said once."""
    from backcare.content import suggestion_inputs, suggestions

    result = start_back(answers)
    at = _open(questionnaires=[result])
    box = next(b for b in at.main.get("flex_container") if getattr(b, "key", "") == "learn_suggest")
    captions = [c.value for c in box.caption]
    reasons = {s.why for s in suggestions(**suggestion_inputs(result, None, None))}
    assert len(captions) == len(set(captions))
    assert reasons <= set(captions)


def test_clicking_a_suggestion_opens_it():
    at = _open(questionnaires=[start_back((0, 0, 0, 0, 1, 1, 1, 1, 4))])
    at.button(key="learn_suggest_flare_ups").click().run()
    assert _heading(at) == topic("flare_ups").title


def test_triage_and_oswestry_results_also_drive_suggestions():
    at = _open(
        triage=triage({"osteoporosis"}, age=50, duration_weeks=1, improving=True, worsening=False),
        questionnaires=[oswestry((5, 5, 5, 5, 5, 1, 0, 0, 0, 0))],
    )
    assert _suggested(at) == ["when_to_see_a_doctor", "getting_guidance", "flare_ups"]


def _store_directly(*, details=None, check=None) -> None:
    store = storage.SqlStore(storage.database_url())
    if details is not None:  # a result kept before answers were (schema 2)
        store.add_screening("local", "start_back", datetime(2024, 5, 1, 9), 6, details)
    if check is not None:
        store.put_record("local", records.CHECK, check)
    store.engine.dispose()


def test_a_result_kept_without_answers_still_drives_suggestions():
    _store_directly(details={"risk": "high", "psychosocial": 5})
    at = _open()
    assert _suggested(at) == ["myths", "flare_ups", "getting_guidance"]


def test_an_odd_kept_result_is_ignored_not_a_crash():
    _store_directly(details={"risk": "???"}, check={"v": 1, "level": "not a level"})
    at = _open()
    assert _suggested(at) == []


def test_a_broken_content_file_shows_an_error_not_a_traceback(monkeypatch):
    def broken(*_args, **_kwargs):
        raise ValueError("myths.md: missing field 'title'")

    monkeypatch.setattr(content, "topics", broken)
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page(LEARN).run()
    assert not at.exception
    assert "myths.md: missing field 'title'" in at.error[0].value
