"""Every page loads from app.py with no exception and shows its title and the frame."""

import pytest

from backcare.notices import load_notices
from tests.helpers import PAGE_TABLE


@pytest.mark.parametrize(("page", "browser_title", "_path"), PAGE_TABLE)
def test_page_loads_without_exception(app, page, browser_title, _path):
    if page != "app.py":
        app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    heading = browser_title.removesuffix(" · BackCare")
    titles = [t.value for t in app.title]
    assert titles, "page shows no title"
    assert titles[0] in {heading, "BackCare"}


@pytest.mark.parametrize(("page", "_title", "_path"), PAGE_TABLE)
def test_every_page_shows_the_disclaimer_in_the_sidebar(app, page, _title, _path):
    if page != "app.py":
        app.switch_page(page).run()
    notices = load_notices()
    sidebar_text = " ".join(m.value for m in app.sidebar.markdown)
    assert notices.not_a_diagnosis in sidebar_text
    assert notices.emergency_markdown in sidebar_text  # every emergency sign


def test_about_page_shows_every_questionnaire_notice(app):
    from backcare import screening

    app.switch_page("pages/5_About_and_privacy.py").run()
    captions = " ".join(c.value for c in app.caption)
    for tool in (screening.load_start_back(), screening.load_oswestry(), screening.load_peg()):
        assert tool.copyright in captions
    assert "© Keele University 01/08/07" in captions
    assert "ODI © Jeremy Fairbank, 1980. All Rights Reserved." in captions
