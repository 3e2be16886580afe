"""The pages in "this browser" mode, under AppTest.

AppTest runs no JavaScript, so a FakeBrowser (tests/support/fake_browser.py) takes the
component's place: the same messages, answered before the next run as a browser's are.
Each AppTest is a tab; two fakes of one profile are one browser, another profile another.
The component itself is tested in Chromium (tests/e2e/test_browser_store.py).
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from backcare.browser_mirror import NO_ANSWER, SAVED_WAITING
from backcare.browser_store import BROWSER_OWNER, ENTRY
from backcare.diary.model import Entry
from backcare.routine import load_rules
from backcare.screening import load_red_flags
from backcare.ui.browser import CONTINUE, FORGET, READING, WAIT_SECONDS
from backcare.ui.browser_component import COMPONENT_NAME
from backcare.ui.diary_widgets import PAIN_COLUMN
from backcare.ui.state import BROWSER_FLUSH_KEY, BROWSER_MIRROR_KEY, BROWSER_TRANSPORT_KEY
from tests.helpers import APP, click, quick_key, table_value
from tests.support.fake_browser import FakeBrowser, Profile

DIARY = "pages/4_Pain_diary.py"
ABOUT = "pages/5_About_and_privacy.py"
SCREENING = "pages/1_Screening.py"
RULES = load_red_flags()
ROUTINE_RULES = load_rules()


@pytest.fixture(autouse=True)
def _browser_mode(monkeypatch):
    monkeypatch.setenv("BACKCARE_STORAGE", "browser")
    FakeBrowser.reset()
    yield
    FakeBrowser.reset()


def open_page(page: str = DIARY, profile: str = "me", **fake) -> AppTest:
    """A new tab of browser ``profile`` on ``page``: the first run waits for the browser,
    the second has what it keeps."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state[BROWSER_TRANSPORT_KEY] = FakeBrowser(profile, **fake)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at.run()


def browser(at: AppTest) -> FakeBrowser:
    return at.session_state[BROWSER_TRANSPORT_KEY]


def save(at: AppTest, pain: int) -> AppTest:
    at.segmented_control(key=quick_key(at, "pain")).set_value(pain)
    return click(at, "Save entry")


def pains(at: AppTest) -> list[int]:
    """The pains in the recent entries table, newest first ([] without a table)."""
    return [int(p) for p in table_value(at.table[0])[PAIN_COLUMN]] if at.table else []


def texts(elements) -> str:
    return " ".join(e.value for e in elements)


def test_the_first_run_shows_nothing_that_depends_on_saved_data():
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state[BROWSER_TRANSPORT_KEY] = FakeBrowser("me")
    at.switch_page(DIARY).run()
    assert [i.value for i in at.info] == [READING]
    assert not at.title and not at.form_submit_button  # no diary, no empty diary either
    at.run()  # the browser's answer
    assert at.title[0].value == "Pain diary"
    assert "kept in this browser" in at.info[0].value


def test_without_a_stand_in_the_real_component_is_mounted_and_waited_for():
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    at.run()
    (element,) = at.get("bidi_component")
    assert element.proto.component_name == COMPONENT_NAME
    sent = json.loads(element.proto.json)  # what the browser gets as `data`
    assert sent["load"] == {"id": 1, "want": 0} and sent["ops"] == []
    assert [i.value for i in at.info] == [READING]  # no JavaScript here: no answer, ever


def test_a_save_says_saved_in_this_browser_only_once_the_browser_kept_it(tmp_path):
    at = open_page()
    save(at, 6)
    # The click's run queued it and reran: the write went out in that very next run.
    sent = browser(at).last_data["ops"]
    assert [(op["op"], op["value"]["pain"]) for op in sent] == [("put", 6)]
    assert pains(at) == [6]
    assert not any("Saved" in s.value for s in at.success)
    assert "Saving in this browser" in texts(at.caption)
    at.run()  # the browser confirmed
    assert at.success[0].value.startswith("Saved in this browser:")
    assert "pain 6" in at.success[0].value
    assert len(browser(at).stored()) == 1
    assert not (tmp_path / "data").exists()  # nothing written on the server


def test_a_reload_or_new_tab_sees_it_and_another_browser_does_not():
    at = open_page()
    save(at, 3)
    at.run()
    assert pains(open_page()) == [3]  # a reload, or another tab of the same browser
    assert pains(open_page(profile="someone else")) == []


def test_refused_storage_is_said_at_once_and_the_tab_keeps_entries_with_export():
    at = open_page(refuse="open")
    warning = at.warning[0].value
    assert "not keeping what you enter" in warning and "does not let this site" in warning
    assert "SecurityError: storage is off" in texts(at.text)
    assert any(b.label == "Export my diary now (JSON)" for b in at.get("download_button"))
    save(at, 4)
    assert pains(at) == [4]
    assert "Not saved in this browser" in at.error[0].value
    assert "1 entry is waiting in this tab" in at.error[0].value
    assert any(b.label == "Export my diary now (JSON)" for b in at.get("download_button"))
    assert browser(at).last_data["unsaved"] is True  # the browser warns before closing
    assert not any("Saved" in s.value for s in at.success)


def test_a_full_browser_keeps_the_entry_in_the_tab_until_try_again_saves_it():
    at = open_page(refuse="quota")
    save(at, 5)
    at.run()  # the browser refused the write
    assert "storage for BackCare is full" in at.error[0].value
    assert "Not saved in this browser" in at.error[0].value
    assert "1 entry is waiting in this tab" in at.error[0].value
    assert "QuotaExceededError" in texts(at.text)
    assert pains(at) == [5]
    browser(at).refuse = None  # some room again
    click(at, "Try saving again")
    at.run()
    assert not at.warning
    assert at.success[0].value == SAVED_WAITING
    assert [v["pain"] for v in browser(at).stored().values()] == [5]


def test_a_browser_that_does_not_answer_offers_this_tab_only():
    at = open_page(refuse="hang")
    assert [i.value for i in at.info] == [READING]
    assert not any(b.label == CONTINUE for b in at.button)
    at.session_state[BROWSER_MIRROR_KEY].started -= WAIT_SECONDS  # time passes
    at.run()
    click(at, CONTINUE)
    assert NO_ANSWER in at.warning[0].value
    save(at, 2)
    assert pains(at) == [2]


def protected(records: dict | None = None) -> None:
    FakeBrowser.profiles["me"] = Profile(records or {}, passphrase="correct horse")  # noqa: S106


def test_a_passphrase_opens_what_is_kept_and_a_wrong_one_changes_nothing():
    entry = Entry(datetime(2024, 5, 1, 9), 7, owner=BROWSER_OWNER)
    protected({("entry", entry.id): ENTRY.encode(entry)})
    at = open_page()
    assert "protected by a passphrase" in at.info[0].value
    assert not at.title  # nothing saved shows while locked
    assert {b.label for b in at.button} >= {CONTINUE, FORGET}
    browser(at).type_passphrase("wrong horse")
    at.run()
    assert "does not open" in at.error[0].value and "Nothing was" in at.error[0].value
    assert not at.title
    browser(at).type_passphrase("correct horse")
    at.run()
    at.run()
    assert pains(at) == [7]
    assert "Protected by your passphrase" in texts(at.caption)


def test_forget_everything_even_while_locked():
    protected({("entry", "x"): {"timestamp": "2024-05-01 09:00:00", "pain": 1}})
    at = open_page()
    at.checkbox(key="bc_forget_sure_gate").check().run()
    click(at, FORGET)
    at.run()
    assert browser(at).stored() is None  # no database at all
    assert at.title[0].value == "Pain diary" and pains(at) == []


def test_forget_everything_deletes_what_the_browser_keeps():
    at = open_page()
    save(at, 8)
    at.run()
    at.checkbox(key="bc_forget_sure_notice").check().run()
    click(at, FORGET)
    assert pains(at) == []  # at once on the page
    at.run()
    assert "Everything BackCare kept in this browser is deleted." in texts(at.success)
    assert browser(at).stored() is None


def test_choosing_a_passphrase_asks_the_component_for_its_form():
    at = open_page()
    click(at, "Protect with a passphrase")
    assert browser(at).last_data["ui"] == "set_passphrase"
    assert "form at the top of the page" in at.info[1].value
    browser(at).protect("correct horse")
    at.run()
    assert "now protected by your passphrase" in texts(at.success)
    assert browser(at).last_data["ui"] is None


def test_a_write_late_in_a_run_is_sent_without_waiting_for_a_click():
    """Screening keeps a score after the form's run has mounted the component: the page
    asks for one more run, which sends it (``backcare.ui.browser.flush_later``)."""
    at = open_page(SCREENING)
    (peg,) = [t for t in at.tabs if t.label == "PEG"]
    for number, item in enumerate(peg.get("radio")[:3]):
        item.set_value(item.options[number + 3])
    click(at, "Score PEG")
    assert at.session_state[BROWSER_MIRROR_KEY].unsent
    assert at.session_state[BROWSER_FLUSH_KEY]  # a fragment reruns the page after this run
    at.run()  # that rerun
    assert [op["kind"] for op in browser(at).last_data["ops"]] == ["screening"]


def test_the_about_page_says_where_things_are_kept_and_how_to_forget_them():
    at = open_page(ABOUT)
    assert "kept in this browser" in at.info[0].value
    assert "Safari deletes it after 7 days" in at.info[0].value
    assert any(e.label == FORGET for e in at.expander)
    assert not any(e.label == "Delete my whole diary" for e in at.expander)


# --------------------------------------------------------------------------- kept records
# The check, questionnaire answers, routine and doctor's visit live in the browser too.

ROUTINE = "pages/3_Routine_builder.py"
HELD_PAGES = ["app.py", "pages/2_Learn.py", DIARY, ABOUT]


def check(at: AppTest, flags=(), age=40, weeks=1) -> AppTest:
    """Send the warning-sign check on the Screening page."""
    for flag in flags:
        at.checkbox(key=f"rf_{flag}").check()
    at.number_input(key="rf_age").set_value(age)
    at.number_input(key="rf_weeks").set_value(weeks)
    at.radio(key="rf_course").set_value("Getting better")
    return click(at, "Check my answers")


def alerts(at: AppTest) -> str:
    return " ".join(a.value for a in (*at.main.error, *at.main.warning, *at.main.info))


def kinds(at: AppTest) -> list[str]:
    return sorted(kind for kind, _ in browser(at).stored() or {})


def test_an_emergency_check_is_kept_in_the_browser_and_stands_in_a_new_tab(tmp_path):
    at = check(open_page(SCREENING), ["saddle_numbness"])
    at.run()  # the browser confirmed
    assert kinds(at) == ["record:check"]
    label = RULES.levels["emergency"].label
    for page in HELD_PAGES:  # a new tab of the same browser, on every page
        assert f"Your warning-sign check: {label}" in alerts(open_page(page)), page
    routine = open_page(ROUTINE)
    assert routine.error[0].value == ROUTINE_RULES.refusal["emergency"]
    assert not routine.get("form")
    # Another browser knows nothing of it, and nothing was written on the server.
    assert f"Your warning-sign check: {label}" not in alerts(open_page(DIARY, profile="b"))
    assert not (tmp_path / "data").exists()


def test_questionnaire_answers_and_the_routine_come_back_in_a_new_tab():
    at = check(open_page(SCREENING))
    at.run()
    (peg,) = [t for t in at.tabs if t.label == "PEG"]
    for number, item in enumerate(peg.get("radio")[:3]):
        item.set_value(item.options[number + 3])
    click(at, "Score PEG")
    at.run()
    at.run()
    (kept,) = [v for (kind, _), v in browser(at).stored().items() if kind == "screening"]
    assert kept["answers"] == [3, 4, 5]
    at = open_page(ROUTINE)
    click(at, "Build my routine")
    at.run()
    at.run()
    assert "record:routine" in kinds(at)
    again = open_page(ROUTINE)
    assert not again.error and "You are in week 1 of" in texts(again.success)


def test_a_check_the_browser_refuses_still_stands_with_a_warning_and_forget_clears_it():
    at = check(open_page(SCREENING, refuse="quota"), ["saddle_numbness"])
    at.run()  # the browser refused the write
    assert "kept for this visit only" in alerts(at)
    assert "storage for BackCare is full" in alerts(at)
    assert RULES.levels["emergency"].action in alerts(at)  # it still counts in this tab
    assert not browser(at).stored()
    assert browser(at).last_data["unsaved"] is True  # the browser warns before closing
    at.switch_page(DIARY).run()
    at.checkbox(key="bc_forget_sure_notice").check().run()
    click(at, FORGET)
    at.run()
    assert RULES.levels["emergency"].label not in alerts(at)
    assert browser(at).stored() is None


def test_forget_everything_removes_the_kept_check_too():
    at = check(open_page(SCREENING), ["night_pain"])
    at.run()
    at = open_page(DIARY)
    at.checkbox(key="bc_forget_sure_notice").check().run()
    click(at, FORGET)
    at.run()
    assert browser(at).stored() is None
    assert "Your warning-sign check" not in alerts(open_page(DIARY))
