"""Screening page flows in AppTest: red-flag check, STarT Back, Oswestry and PEG."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from backcare.screening import load_oswestry, load_red_flags, load_start_back
from backcare.ui.state import result_key

PAGE = "pages/1_Screening.py"
RULES = load_red_flags()
HOLD = RULES.hold_exercise_text


@pytest.fixture
def page(app: AppTest) -> AppTest:
    app.switch_page(PAGE).run()
    assert not app.exception
    return app


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def saved(at: AppTest, name: str):
    return at.session_state.get(result_key(name))


def top_block(at: AppTest):
    """The container created right under the title, for emergency and urgent results."""
    children = list(at.main.children.values())
    assert children[0].type == "title"
    return children[1]


def alerts_text(block) -> str:
    alerts = [*block.error, *block.warning, *block.info, *block.success]
    return " ".join(a.value for a in alerts)


# ---- red-flag check --------------------------------------------------------------------


def test_page_opens_with_the_check_first_and_the_not_a_diagnosis_statement(page):
    assert page.title[0].value == "Screening"
    assert "This is not a diagnosis" in page.info[0].value
    headers = [h.value for h in page.header]
    assert headers == ["1. Warning signs", "2. Questionnaires"]
    assert len(page.checkbox) == len(RULES.flags)
    labels = {c.label for c in page.checkbox}
    assert RULES.flag("saddle_numbness").question in labels
    assert saved(page, "triage") is None
    assert alerts_text(top_block(page)) == ""


def fill_red_flags(at, flags=(), age=None, weeks=None, improving=None):
    for flag in flags:
        at.checkbox(key=f"rf_{flag}").check()
    if age is not None:
        at.number_input(key="rf_age").set_value(age)
    if weeks is not None:
        at.number_input(key="rf_weeks").set_value(weeks)
    if improving is not None:
        at.radio(key="rf_improving").set_value(improving)
    return click(at, "Check my answers")


def test_a_cauda_equina_tick_shows_the_emergency_first(page):
    fill_red_flags(page, ["bladder_dysfunction"], age=40, weeks=1)
    top = top_block(page)
    assert len(top.error) == 1
    message = top.error[0].value
    assert "Emergency: Call 999 or go to A&E now" in message
    assert HOLD in message  # hold off the exercise programme
    text = " ".join(m.value for m in top.markdown)
    assert "Cauda equina syndrome" in text
    assert RULES.flag("bladder_dysfunction").source in text
    result = saved(page, "triage")
    assert result.level == "emergency"
    assert result.flags == frozenset({"bladder_dysfunction"})
    told = " ".join(c.value for c in top.caption)
    assert "1 warning sign(s) ticked; age 40; pain for about 1 week;" in told


# (ticked flags, age, weeks, improving answer, level, alert kind, at the top?)
RED_FLAG_FLOWS = [
    ([], 35, 2, "Yes, it is getting better", "self_care", "success", False),
    ([], 35, 8, "No, it is the same or getting worse", "gp", "info", False),
    ([], 35, 3, "I am not sure", "self_care", "success", False),
    (["night_pain"], 35, 2, "Yes, it is getting better", "gp", "info", False),
    (["cancer_history"], 60, 1, None, "urgent", "warning", True),
    (["minor_trauma", "osteoporosis"], 66, 1, None, "urgent", "warning", True),
    (["chest_pain"], 45, 0, None, "emergency", "error", True),
]


@pytest.mark.parametrize(
    ("flags", "age", "weeks", "improving", "level", "kind", "at_top"), RED_FLAG_FLOWS
)
def test_red_flag_levels(page, flags, age, weeks, improving, level, kind, at_top):
    fill_red_flags(page, flags, age=age, weeks=weeks, improving=improving)
    result = saved(page, "triage")
    assert result.level == level
    label = RULES.levels[level].label
    top_text = alerts_text(top_block(page))
    shown = [a.value for a in getattr(page, kind)]
    assert any(label in v for v in shown), shown
    assert (label in top_text) is at_top
    assert (HOLD in " ".join(shown)) is at_top


def test_every_reason_is_named_with_condition_and_source(page):
    fill_red_flags(page, ["night_pain", "thoracic_pain"], age=40, weeks=2)
    result = saved(page, "triage")
    text = " ".join(m.value for m in page.markdown)
    for reason in result.reasons:
        assert reason.condition in text
        assert reason.source in text


def test_triage_result_stays_on_rerun(page):
    fill_red_flags(page, ["saddle_numbness"])
    page.run()
    assert "Emergency" in alerts_text(top_block(page))


# ---- STarT Back -----------------------------------------------------------------------

SB = load_start_back()


def answer_start_back(at, answers):
    for item, answer in zip(SB.items, answers, strict=True):
        if answer is not None:
            at.radio(key=f"sb_{item.number}").set_value(item.options[answer])
    return click(at, "Score STarT Back")


@pytest.mark.parametrize(
    ("answers", "risk", "total", "psychosocial"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 1], "Low risk", 0, 0),
        ([1, 1, 1, 1, 0, 0, 0, 0, 2], "Medium risk", 4, 0),
        ([1, 0, 0, 0, 1, 1, 1, 0, 4], "High risk", 5, 4),
    ],
)
def test_start_back_scores_and_shows_its_working(page, answers, risk, total, psychosocial):
    answer_start_back(page, answers)
    assert f"Your result: {risk}" in [s.value for s in page.subheader]
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Total score (0-9)"] == str(total)
    assert metrics["Distress part, items 5-9 (0-5)"] == str(psychosocial)
    table = page.table[0].value
    assert list(table["Points"]) == list(saved(page, "start_back").item_points)
    assert table["Your answer"].iloc[8] == SB.items[8].options[answers[8]]
    text = " ".join(m.value for m in page.markdown) + " ".join(i.value for i in page.info)
    assert "Hill" in text  # the rule's source
    assert "made this tool for doctors" in text
    assert SB.copyright in " ".join(c.value for c in page.caption)
    result = saved(page, "start_back")
    assert result.instrument == "start_back"
    assert result.answers == tuple(answers)


def test_start_back_missing_answers_are_named_and_nothing_is_saved(page):
    answer_start_back(page, [1, 0, None, 0, 0, None, 0, 0, 2])
    errors = [e.value for e in page.error]
    assert any("Not answered yet: 3, 6" in e for e in errors), errors
    assert saved(page, "start_back") is None
    assert not page.table


# ---- Oswestry -------------------------------------------------------------------------

ODI = load_oswestry()


def answer_oswestry(at, answers):
    for section, answer in zip(ODI.sections, answers, strict=True):
        if answer is None:
            continue  # not answered at all: counts as left out
        value = ODI.skip_label if answer == "skip" else section.statements[answer]
        at.radio(key=f"odi_{section.number}").set_value(value)
    return click(at, "Score Oswestry")


def test_oswestry_all_sections(page):
    answer_oswestry(page, [2, 2, 2, 2, 2, 2, 2, 2, 2, 3])
    result = saved(page, "oswestry")
    assert result.percent == 42.0
    assert result.band == "severe"
    assert "Your result: 42% · Severe effect (41-60%)" in [s.value for s in page.subheader]
    text = " ".join(m.value for m in page.markdown)
    assert "you scored 21 out of a possible 50" in text
    table = page.table[0].value
    assert list(table["Points"]) == ["2"] * 9 + ["3"]


def test_oswestry_one_section_left_out_still_scores(page):
    answer_oswestry(page, [1, 1, 1, 1, 1, 1, 1, "skip", 1, 1])
    result = saved(page, "oswestry")
    assert result.answered == 9
    assert result.percent == 20.0
    assert result.band == "minimal"
    table = page.table[0].value
    assert table["Points"].iloc[7] == "left out"


def test_oswestry_two_sections_left_out_gives_no_score_and_says_why(page):
    answer_oswestry(page, [1, 1, 1, 1, 1, 1, 1, "skip", 1, None])
    errors = [e.value for e in page.error]
    assert any("2 sections were left out" in e for e in errors), errors
    assert any("10 Travelling" in e for e in errors)
    assert saved(page, "oswestry") is None
    assert not page.exception


def test_oswestry_shows_copyright(page):
    captions = " ".join(c.value for c in page.caption)
    assert "ODI © Jeremy Fairbank, 1980. All Rights Reserved." in captions
    assert "Mapi Research Trust" in captions


# ---- PEG ------------------------------------------------------------------------------


def answer_peg(at, pain, enjoyment, activity):
    for key, value in (("pain", pain), ("enjoyment", enjoyment), ("activity", activity)):
        if value is not None:
            at.radio(key=f"peg_{key}").set_value(value)
    return click(at, "Score PEG")


def test_peg_scores_the_mean(page):
    answer_peg(page, 6, 5, 7)
    assert "Your PEG score: 6.0 out of 10" in [s.value for s in page.subheader]
    text = " ".join(m.value for m in page.markdown)
    assert "(6 + 5 + 7) divided by 3 = 6.0" in text
    result = saved(page, "peg")
    assert result.score == 6.0
    assert result.instrument == "peg"


def test_peg_missing_item_is_named(page):
    answer_peg(page, 6, None, 7)
    assert any("Not answered yet: 2" in e.value for e in page.error)
    assert saved(page, "peg") is None


def test_all_results_show_again_after_a_rerun(page):
    answer_peg(page, 1, 2, 3)
    answer_start_back(page, [0] * 9)
    answer_oswestry(page, [0] * 10)
    page.run()
    subheaders = [s.value for s in page.subheader]
    assert "Your PEG score: 2.0 out of 10" in subheaders
    assert "Your result: Low risk" in subheaders
    assert any(s.startswith("Your result: 0%") for s in subheaders)


def test_questionnaire_results_are_kept_in_the_diary_store(page):
    """Saved scores reach the diary's store, dated, for change over time."""
    from backcare.storage import SqlStore, database_url

    answer_peg(page, 6, 5, 4)
    answer_oswestry(page, [2] * 10)
    stored = {s.instrument: s for s in SqlStore(database_url()).screenings("local")}
    assert stored["peg"].score == pytest.approx(5.0)
    assert stored["oswestry"].score == pytest.approx(40.0)
    assert stored["oswestry"].details["band"] == "moderate"
    assert any("Saved to your pain diary" in c.value for c in page.caption)


def test_a_missing_answer_stores_nothing(page):
    from backcare.storage import SqlStore, database_url

    answer_peg(page, 6, None, 7)
    assert SqlStore(database_url()).screenings("local") == []
