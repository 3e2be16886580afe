"""Screening page: the Roland-Morris (RMDQ) and PSFS tabs, through the registry (issue 16)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from backcare.screening import load_psfs, load_rmdq
from backcare.storage import SqlStore, database_url
from backcare.ui.state import result_key
from tests.helpers import click

PAGE = "pages/1_Screening.py"
RMDQ = load_rmdq()
PSFS = load_psfs()


@pytest.fixture
def page(app: AppTest) -> AppTest:
    app.switch_page(PAGE).run()
    assert not app.exception
    return app


def saved(at: AppTest, name: str):
    return at.session_state.get(result_key(name))


def stored(instrument: str):
    return [s for s in SqlStore(database_url()).screenings("local") if s.instrument == instrument]


def tick_rmdq(at: AppTest, *numbers: int) -> AppTest:
    for n in numbers:
        at.checkbox(key=f"rmdq_{n}").check()
    return click(at, "Score Roland-Morris")


def rate_psfs(at: AppTest, rows: list[tuple[str, int | None]]) -> AppTest:
    for n, (name, rating) in enumerate(rows, start=1):
        at.text_input(key=f"psfs_name_{n}").input(name)
        if rating is not None:
            at.radio(key=f"psfs_rating_{n}").set_value(rating)
    return click(at, "Score PSFS")


def test_both_have_a_tab_named_from_the_registry(page):
    labels = [tab.label for tab in page.tabs]
    assert labels == ["STarT Back", "Oswestry", "Roland-Morris", "PEG", "PSFS"]


def test_rmdq_shows_its_24_sentences_with_the_instructions_and_notice(page):
    boxes = [c for c in page.checkbox if c.key and c.key.startswith("rmdq_")]
    assert [c.label for c in boxes] == [f"{n}. {t}" for n, t in enumerate(RMDQ.items, 1)]
    text = " ".join(m.value for m in page.markdown)
    assert "only tick the sentence if you are sure it describes you today" in text
    assert any("Roland MO, Morris RW" in c.value for c in page.caption)


def test_rmdq_scores_the_ticks_shows_the_working_and_keeps_the_score(page):
    tick_rmdq(page, 2, 3, 9, 13, 17, 18, 21)
    assert "Your Roland-Morris score: 7 out of 24" in [s.value for s in page.subheader]
    text = " ".join(m.value for m in page.markdown)
    assert "You ticked 7 of the 24 sentences (numbers 2, 3, 9, 13, 17, 18, 21)" in text
    assert saved(page, "rmdq").score == 7
    (kept,) = stored("rmdq")
    assert kept.score == 7 and kept.details["ticked"] == "2,3,9,13,17,18,21"


def test_rmdq_with_nothing_ticked_scores_zero(page):
    tick_rmdq(page)
    assert "Your Roland-Morris score: 0 out of 24" in [s.value for s in page.subheader]


def test_psfs_shows_the_authors_question_and_scale(page):
    text = " ".join(m.value for m in page.markdown)
    assert " ".join(PSFS.question.split()) in text
    inputs = [t for t in page.text_input if t.key and t.key.startswith("psfs_name_")]
    assert len(inputs) == PSFS.max_activities == 5
    assert all(t.max_chars == PSFS.max_activity_chars for t in inputs)


def test_psfs_scores_the_average_and_says_higher_is_better(page):
    rate_psfs(page, [("Walk to the shops", 3), ("Lift my grandchild", 5), ("Garden", 7)])
    assert "Your PSFS score: 5.0 out of 10" in [s.value for s in page.subheader]
    assert any("higher is better" in m.label for m in page.metric)
    text = " ".join(m.value for m in page.markdown)
    assert "(3 + 5 + 7) divided by 3 = 5.0" in text
    (kept,) = stored("psfs")
    assert kept.score == pytest.approx(5.0)
    assert kept.details["ratings"] == "3 5 7"


def test_psfs_activity_names_are_shown_as_plain_text_in_a_table(page):
    name = "![x](http://127.0.0.1:9/p.png) **bold**"
    rate_psfs(page, [(name, 4)])
    table = page.dataframe[-1].value
    assert list(table["Activity"]) == [name]  # a dataframe cell: never markdown
    assert all(name not in m.value for m in page.markdown)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "name at least one activity and rate it"),
        ([("Walking", None)], "activity 1: choose a rating"),
        ([("Walking", 4), ("", 6)], "activity 2: write the activity's name"),
    ],
)
def test_psfs_problems_are_named_and_nothing_is_kept(page, rows, message):
    rate_psfs(page, rows)
    assert any(message in e.value for e in page.error), [e.value for e in page.error]
    assert saved(page, "psfs") is None and stored("psfs") == []


def test_the_about_page_lists_both_with_their_notices_from_the_registry(app):
    app.switch_page("pages/5_About_and_privacy.py").run()
    assert not app.exception
    names = " ".join(m.value for m in app.markdown)
    captions = " ".join(c.value for c in app.caption)
    for tool in (RMDQ, PSFS):
        assert f"**{tool.name}** ({tool.version})" in names
        assert tool.notice in captions and tool.licence in captions
