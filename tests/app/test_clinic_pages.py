"""Clinic mode through the pages (AppTest with ``at.user``): sign-in unavailable keeps
everything in the tab, each signed-in person has a diary of their own, a patient shares
with a clinician by a code and sees who looked, withdraws, and deletes the account."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from backcare import clinic, storage
from backcare.ui import account as account_ui
from tests.app.test_diary_page import DIARY, quick_entry
from tests.helpers import APP, click

ACCOUNT = "pages/6_Account_and_sharing.py"
ISSUER = "https://login.clinic.example"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-secret-of-more-than-fourteen-bytes",
    "client_id": "backcare-test",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
CLINIC = {"clinician_emails": ["dr.jones@clinic.example"], "share_code_days": 5}
ANNA = {"sub": "anna-1", "email": "anna@example.org", "name": "Anna"}
BEN = {"sub": "ben-2", "email": "ben@example.org", "name": "Ben"}
DOC = {
    "sub": "doc-9",
    "email": "dr.jones@clinic.example",
    "email_verified": True,
    "name": "Dr Jones",
}


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    monkeypatch.setenv("BACKCARE_STORAGE", "accounts")
    monkeypatch.setenv("BACKCARE_DATABASE_URL", url)
    monkeypatch.setattr(account_ui, "provider_reachable", lambda url: True)
    return url


def visit(page: str = "app.py", user: dict | None = None, *, auth=True) -> AppTest:
    """A new visit: signed in as ``user`` (None: nobody), on ``page``."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    if auth:
        at.secrets["auth"] = AUTH
        at.secrets["backcare_clinic"] = CLINIC
    at.user = (
        {"is_logged_in": False} if user is None else {"is_logged_in": True, "iss": ISSUER, **user}
    )
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """The page's text as a reader sees it (names are kept plain with character
    references and invisible word joiners: backcare.ui.text.plain)."""
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    for kind in (at.info, at.warning, at.error, at.success, at.subheader):
        parts += [m.value for m in kind]
    return html.unescape("\n".join(str(p) for p in parts)).replace("\u2060", "")


def raw_texts(at: AppTest) -> str:
    """The Markdown the page sends, before the browser reads the references."""
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    for kind in (at.info, at.warning, at.error, at.success, at.subheader):
        parts += [m.value for m in kind]
    return "\n".join(str(p) for p in parts)


def rows(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if table not in sa.inspect(conn).get_table_names():
                return 0
            return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
    finally:
        engine.dispose()


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button] + [b.label for b in at.form_submit_button]


# --------------------------------------------------------------------------- no sign-in


@pytest.mark.parametrize(
    ("auth", "reachable", "why"),
    [
        (False, True, "sign-in is not set up on this BackCare"),
        (True, False, "the sign-in service does not answer"),
    ],
)
def test_without_sign_in_the_app_opens_says_why_and_keeps_nothing_on_the_server(
    database, monkeypatch, auth, reachable, why
):
    monkeypatch.setattr(account_ui, "provider_reachable", lambda url: reachable)
    at = visit(DIARY, auth=auth)
    assert f"Sign-in is unavailable right now: {why}" in texts(at)
    assert "Sign in" not in labels(at)
    quick_entry(at, 6)
    assert "this browser tab only" in texts(at)
    # Never a shared diary: nothing in the database, not even a file's worth of entries.
    assert rows(database, "entries") == 0 and rows(database, "accounts") == 0


def test_signed_out_the_diary_stays_in_the_tab_and_sign_in_is_offered(database):
    at = visit(DIARY)
    # In the menu, and on the page itself: a phone's menu is closed.
    assert "Sign in" in [b.label for b in at.sidebar.button]
    assert "Sign in" in [b.label for b in at.main.button]
    quick_entry(at, 4)
    assert rows(database, "entries") == 0


def test_a_signed_in_person_without_a_subject_is_refused(database):
    at = visit(DIARY, {"sub": ""})
    assert "did not say who you are" in texts(at)
    quick_entry(at, 4)
    assert rows(database, "entries") == 0


# --------------------------------------------------------------------------- own diary


def test_each_person_keeps_a_diary_of_their_own(database):
    anna = visit(DIARY, ANNA)
    assert "Signed in as **Anna (anna@example.org)** (patient)." in texts(anna)
    quick_entry(anna, 7)
    assert "Saved:" in texts(anna)
    # Anna again, in a new visit (another tab, another server): her entry is there, and
    # Ben's diary does not show it.
    again = visit(DIARY, ANNA)
    assert "Anna" in texts(again) and len(again.table[0].value) == 1
    ben = visit(DIARY, BEN)
    assert not ben.table or len(ben.table[0].value) == 0
    quick_entry(ben, 2)
    assert len(ben.table[0].value) == 1
    store = storage.SqlStore(database)
    with store.engine.connect() as conn:
        found = conn.execute(
            sa.text(
                "SELECT a.subject, e.pain FROM entries e JOIN accounts a ON a.id = e.owner "
                "ORDER BY a.subject"
            )
        ).all()
    store.engine.dispose()
    assert [tuple(r) for r in found] == [("anna-1", 7), ("ben-2", 2)]


# --------------------------------------------------------------------------- sharing


def _share_code(at: AppTest) -> str:
    click(at, "Make a share code")
    assert "works once" in texts(at)
    return at.code[0].value


def test_a_patient_shares_with_a_clinician_sees_who_looked_and_withdraws(database):
    anna = visit(DIARY, ANNA)
    quick_entry(anna, 6)
    anna.switch_page(ACCOUNT).run()
    assert "Nobody: your diary is yours alone." in texts(anna)
    assert "within 5 days" in texts(anna)
    code = _share_code(anna)

    doc = visit(ACCOUNT, DOC)
    assert "(clinician)" in texts(doc)
    doc.text_input[0].set_value(code.lower())
    click(doc, "Open the shared diary")
    assert "Anna (anna@example.org) shared their diary with you." in texts(doc)
    doc.run()
    assert "Anna (anna@example.org): read-only" in texts(doc)
    assert not doc.exception

    anna.switch_page(ACCOUNT).run()
    shown = texts(anna)
    assert "**Dr Jones (dr.jones@clinic.example)**, since" in shown
    audit = anna.table[-1].value.to_string()
    assert "opened your share code" in audit and "looked at your diary and results" in audit

    click(anna, "Stop sharing with Dr Jones")
    assert "Nobody: your diary is yours alone." in texts(anna)
    doc.run()
    assert "None yet." in texts(doc)
    assert "(anna@example.org): read-only" not in texts(doc)


def test_a_forged_or_used_code_shows_nothing(database):
    anna = visit(ACCOUNT, ANNA)
    code = _share_code(anna)
    doc = visit(ACCOUNT, DOC)
    doc.text_input[0].set_value("ABCD-EFGH-IJKLM")
    click(doc, "Open the shared diary")
    assert "This code does not open a diary" in texts(doc)
    assert not doc.subheader
    doc.text_input[0].set_value(code)
    click(doc, "Open the shared diary")
    other = visit(ACCOUNT, {**DOC, "sub": "doc-10", "name": "Dr Two"})
    other.text_input[0].set_value(code)
    click(other, "Open the shared diary")
    assert "This code does not open a diary" in texts(other)
    assert not other.subheader


def test_a_patient_has_no_code_form(database):
    at = visit(ACCOUNT, ANNA)
    assert "Open the shared diary" not in labels(at)


# --------------------------------------------------------------------------- delete


def test_delete_my_account_removes_it_all_and_signs_out(database):
    anna = visit(DIARY, ANNA)
    quick_entry(anna, 5)
    anna.switch_page(ACCOUNT).run()
    _share_code(anna)
    anna.checkbox(key="bc_delete_sure").check().run()
    click(anna, "Delete my account and everything in it")
    assert anna.user == {"is_logged_in": False}
    for table in ("entries", "accounts", "share_codes", "revisions"):
        assert rows(database, table) == (1 if table == "revisions" else 0), table


def test_the_database_down_at_sign_in_keeps_entries_in_the_tab_with_the_reason(monkeypatch):
    monkeypatch.setenv("BACKCARE_STORAGE", "accounts")
    monkeypatch.setenv("BACKCARE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/backcare")
    at = visit(DIARY, ANNA)
    assert "could not be opened or written" in texts(at)
    quick_entry(at, 5)
    assert "Saved:" in texts(at)
    assert len(at.table[0].value) == 1  # in the tab, with the reason above


def test_the_database_refusing_a_save_holds_it_in_the_tab(database, monkeypatch):
    at = visit(DIARY, ANNA)

    def refuse(self, entry):
        raise storage.StorageError("the clinic's database went away")

    monkeypatch.setattr(clinic.PersonStore, "add", refuse)
    quick_entry(at, 5)
    shown = texts(at)
    assert "Not saved: the clinic's database went away" in shown
    assert "1 entry is waiting in this tab." in shown
    assert rows(database, "entries") == 0


def test_a_signed_in_clinician_shows_the_demo_patient_and_nothing_is_written(database):
    doc = visit("app.py", DOC)
    before = {t: rows(database, t) for t in ("entries", "screenings", "records", "audit")}
    doc.toggle(key="bc_demo_toggle_home").set_value(True).run()
    doc.switch_page(DIARY).run()
    assert not doc.exception
    assert "Demo data" in texts(doc) and len(doc.table[0].value) > 0
    doc.switch_page(ACCOUNT).run()
    assert "The demo patient is on" in texts(doc)
    after = {t: rows(database, t) for t in before}
    assert after == before == dict.fromkeys(before, 0)


def _bordered_blocks(node) -> list:
    """Every container drawn with a border, under ``node`` (an AppTest tree node)."""
    found = []
    for child in getattr(node, "children", {}).values():
        proto = getattr(child, "proto", None)
        if proto is not None and "border: true" in str(proto).replace("\n", " "):
            found.append(child)
        found += _bordered_blocks(child)
    return found


def _texts_under(node) -> str:
    parts = []
    for child in getattr(node, "children", {}).values():
        if hasattr(child, "value") and isinstance(child.value, str):
            parts.append(html.unescape(child.value).replace("\u2060", ""))
        parts.append(_texts_under(child))
    return "\n".join(p for p in parts if p)


def test_a_clinician_sees_where_the_patients_read_only_diary_ends(database):
    """On a phone the patient's read-only view and the clinician's own account ("Your
    pain over time" ... "Share your diary with your clinician") are one long scroll: the
    patient's view is boxed and ends with a line saying whose it was."""
    anna = visit(DIARY, ANNA)
    quick_entry(anna, 6)
    anna.switch_page(ACCOUNT).run()
    code = _share_code(anna)
    doc = visit(ACCOUNT, DOC)
    doc.text_input[0].set_value(code)
    click(doc, "Open the shared diary")
    doc.run()
    boxes = [b for b in _bordered_blocks(doc.main) if "read-only" in _texts_under(b)]
    assert boxes, "the patient's read-only view is not in a bordered container"
    inside = _texts_under(boxes[-1])
    assert "End of Anna (anna@example.org)'s shared diary. Below: your own account" in inside
    assert "Share your diary with your clinician" not in inside
    assert "Share your diary with your clinician" in _texts_under(doc.main)


def test_a_name_from_the_provider_is_shown_as_itself_never_as_markdown(database):
    """People choose their name at the sign-in provider: a name made of Markdown (an image
    that would make the clinician's browser fetch an address) is shown as its characters
    to the clinician, and to the patient themself."""
    sly = {
        "sub": "sly-3",
        "email": "sly@example.org",
        "name": "![x](http://127.0.0.1:9/t.png) **Sly**",
    }
    patient = visit(ACCOUNT, sly)
    code = _share_code(patient)
    assert "Signed in as **![x](http://127.0.0.1:9/t.png) **Sly** (sly@example.org)**" in texts(
        patient
    )
    doc = visit(ACCOUNT, DOC)
    doc.text_input[0].set_value(code)
    click(doc, "Open the shared diary")
    doc.run()
    assert "![x](http://127.0.0.1:9/t.png) **Sly** (sly@example.org): read-only" in texts(doc)
    for at in (patient, doc):
        sent = raw_texts(at)
        assert "](http" not in sent and "![" not in sent and "**Sly**" not in sent
    patient.switch_page(ACCOUNT).run()
    assert "Stop sharing with" in " ".join(b.label for b in patient.button)
    assert not any("](http" in b.label for b in patient.button)


def test_the_account_page_says_so_when_the_database_goes_away(database, monkeypatch):
    anna = visit(ACCOUNT, ANNA)

    def gone(self, owner):
        raise storage.StorageError("the clinic's database went away")

    monkeypatch.setattr(clinic.Clinic, "shares", gone)
    anna.run()
    assert not anna.exception
    assert "Your account cannot be read right now: the clinic's database went away" in texts(anna)
