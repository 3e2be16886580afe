"""An emergency or urgent result speaks alone on every page (issue 12 item 5).

While the person's kept warning-sign check says emergency or urgent, the home page, Learn,
the pain diary and About say to get checked first, at the top; Learn suggests nothing but
"When to see a doctor"; the home page suggests no exercise. The routine builder refuses on
its own (tests/app/test_routine_page.py). The check is kept, so this holds on a fresh
visit (tests/app/test_kept_records.py).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from backcare.screening import load_red_flags, start_back, triage
from tests.helpers import APP, keep

RULES = load_red_flags()
EMERGENCY = triage({"saddle_numbness"}, age=40, duration_weeks=1)
URGENT = triage({"night_pain"}, age=40, duration_weeks=1, improving=True, worsening=False)
GP = triage({"very_severe_pain"}, age=40, duration_weeks=1, improving=True, worsening=False)
LOW_RISK = start_back([0, 0, 0, 0, 0, 0, 0, 0, 1])
PAGES = ["app.py", "pages/2_Learn.py", "pages/4_Pain_diary.py", "pages/5_About_and_privacy.py"]


def opened(page: str, triage=None, start_back=None) -> AppTest:
    """``page`` opened after a visit that kept this check and STarT Back result."""
    keep(triage=triage, questionnaires=[start_back] if start_back else [])
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def first_alert(at: AppTest, kind: str) -> str:
    """The alert right under the page title: nothing comes between them."""
    children = list(at.main.children.values())
    types = [c.type for c in children]
    at_title = types.index("title")
    alert = children[at_title + 1]
    assert alert.type == kind, types
    return alert.value


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("result", "kind"), [(EMERGENCY, "error"), (URGENT, "warning")])
def test_every_page_says_get_checked_first(page, result, kind):
    at = opened(page, triage=result)
    text = first_alert(at, kind)
    assert f"Your warning-sign check: {result.label}: {result.action}." in text
    assert RULES.held_text in text
    links = [link.proto.label for link in at.get("page_link")]
    assert "See your result and every reason" in links


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("result", [None, GP])
def test_no_hold_notice_without_an_emergency_or_urgent_result(page, result):
    at = opened(page, triage=result)
    shown = " ".join(a.value for a in (*at.main.error, *at.main.warning))
    assert RULES.held_text not in shown


def _home_links(at: AppTest) -> list[str]:
    return [
        link.proto.label
        for link in at.get("page_link")
        if link.proto.label[:2] in {f"{n}." for n in range(1, 10)}
    ]


def test_home_suggests_no_exercise_while_a_result_stands():
    at = opened("app.py", triage=URGENT)
    links = _home_links(at)
    assert not any("Routine builder" in label for label in links)
    assert [label.split(".")[0] for label in links] == ["1", "2", "3", "4"]
    assert "exercise routine" not in " ".join(m.value for m in at.main.markdown)


def test_home_offers_the_routine_builder_otherwise():
    at = opened("app.py", triage=GP)
    assert "3. Routine builder: exercises fitted to you" in _home_links(at)


def _suggested(at: AppTest) -> list[str]:
    keys = [b.key or "" for b in at.button]
    return [k.removeprefix("learn_suggest_") for k in keys if k.startswith("learn_suggest_")]


@pytest.mark.parametrize("result", [EMERGENCY, URGENT])
def test_learn_suggests_only_what_to_do_now(result):
    at = opened("pages/2_Learn.py", triage=result, start_back=LOW_RISK)
    assert _suggested(at) == ["when_to_see_a_doctor"]
    captions = " ".join(c.value for c in at.caption)
    assert "get checked first" in captions


def test_learn_suggests_exercise_topics_when_no_result_holds():
    at = opened("pages/2_Learn.py", triage=GP, start_back=LOW_RISK)
    assert _suggested(at) == ["when_to_see_a_doctor", "why_exercise_helps", "which_exercises"]


def test_a_check_saved_by_a_newer_version_still_holds_without_a_crash():
    """Only the level is read from a kept check this version cannot read in full; the
    words come from red_flags.toml, and the page says the check could not be read."""
    from backcare import records, storage

    store = storage.SqlStore(storage.database_url())
    store.put_record("local", records.CHECK, {"v": 99, "level": "urgent", "what": "new"})
    store.engine.dispose()
    at = opened("pages/2_Learn.py")
    assert RULES.held_text in first_alert(at, "warning")
    at.switch_page("pages/1_Screening.py").run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "made by a newer version of BackCare" in warnings
    assert RULES.held_text in warnings
