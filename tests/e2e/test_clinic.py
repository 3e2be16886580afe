"""Clinic mode in Chromium: `streamlit run app.py` with BACKCARE_STORAGE=accounts, a fresh
PostgreSQL database and sign-in at the local OpenID provider (tests/support/oidc.py).

Each person has their own browser context and signs in through the provider's page, as
a person would: two patients and a clinician. Patient A keeps a diary and shares it by a
code; patient B never sees it; the clinician opens it read-only (a forged code shows
nothing), downloads the clinician summary, and loses it when A stops sharing; A sees
who looked, signs out and in again with nothing forgotten, and deletes the account.

The accessibility and phone checks use minted sign-in cookies (no provider round trip)
for two other people, so they need nothing from the flow: axe-core on the Account and
sharing page of a patient with a code shown and of a clinician with a patient open, in
both colour schemes, and screenshots of both at 390x844 (touch) and 1366x768 in
tests/e2e/screenshots/clinic-*.png.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from tests.reliability.helpers import quick_save
from tests.reliability.test_accessibility import check_axe
from tests.support.browser import save_with_note, screenshot, wait_for_app
from tests.support.clinic_servers import fresh_database
from tests.support.server import (
    TEST_COOKIE_SECRET,
    Server,
    auth_secrets,
    free_port,
    start_server,
    storage_env,
)
from tests.support.signin import sign_in, sign_out, signed_in_cookie

ACCOUNT = "Account_and_sharing"
DIARY = "Pain_diary"
CLINIC = {"role_claim": "roles", "clinician_values": ["clinician"]}
A_NOTE = "Patient A swam 20 lengths before work"
A_PAIN = 8
FORGED = "ABCD-EFGH-JKLMN"
NO_CODE = "This code does not open a diary"
NONE_YET = "None yet."
A_LABEL = "Patient A (a@patients.example)"
A_VIEW = f"{A_LABEL}: read-only"


def as_shown(text: str) -> re.Pattern:
    """``text`` as the page shows a name from the provider: plain, with an invisible word
    joiner before each ":", "." and "@" (backcare.ui.text.plain)."""
    return re.compile(
        "".join("\u2060?" + re.escape(ch) if ch in ":.@" else re.escape(ch) for ch in text)
    )


# People who sign in with a minted cookie only (the accessibility and phone checks).
PATIENT_C = {"sub": "patient-c", "name": "Patient C", "email": "c@patients.example"}
CLINICIAN_2 = {
    "sub": "clinician-2",
    "name": "Dr Two",
    "email": "dr.two@clinic.example",
    "email_verified": True,
    "roles": ["clinician"],
}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}


@pytest.fixture(scope="module")
def database_url(postgres_server_url) -> Iterator[str]:
    """A new, empty database on the test PostgreSQL server, dropped afterwards."""
    url = fresh_database(postgres_server_url)
    try:
        yield url
    finally:
        admin = sa.create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                name = sa.make_url(url).database
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()


@pytest.fixture(scope="module")
def clinic_server(
    tmp_path_factory, chromium_executable, oidc_provider, database_url
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("clinic")
    port = free_port()  # the redirect_uri names it, so it is chosen first
    env = {
        **storage_env(folder / "data", "accounts"),
        "BACKCARE_DATABASE_URL": database_url,
    }
    server = start_server(
        folder,
        env=env,
        port=port,
        secrets_text=auth_secrets(oidc_provider, port, clinic=CLINIC),
    )
    try:
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------- helpers


def person(browser: Browser, **options) -> tuple[BrowserContext, Page]:
    context = browser.new_context(accept_downloads=True, **{**DESKTOP, **options})
    return context, context.new_page()


def minted(browser: Browser, server: Server, provider, claims: dict, **options) -> Page:
    """A new context signed in as ``claims`` by a minted cookie."""
    context, page = person(browser, **options)
    full = {"iss": provider.issuer, **claims}
    context.add_cookies([signed_in_cookie(TEST_COOKIE_SECRET, full, server.url)])
    return page


def go(page: Page, server: Server, path: str) -> None:
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def main_text(page: Page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def make_code(page: Page) -> str:
    page.get_by_role("button", name="Make a share code").click()
    wait_for_app(page)
    code = page.get_by_test_id("stCode").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{10,40}", code), code
    return code


def enter_code(page: Page, code: str) -> None:
    page.get_by_label("Share code from your patient").fill(code)
    page.get_by_role("button", name="Open the shared diary").click()
    wait_for_app(page)


def download(page: Page, button: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return Path(info.value.path()).read_bytes()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def whole_page(page: Page, name: str, slice_height: int = 1200) -> Path:
    """A screenshot of the whole page, and of it in slices a person can read (``name``-1,
    -2, ...): Streamlit scrolls inside its main block, so Playwright's full_page sees one
    screen; the viewport is made as tall as the page for the shots."""
    size = page.viewport_size or DESKTOP["viewport"]
    height = max(page.get_by_test_id("stMain").evaluate("e => e.scrollHeight"), size["height"])
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(500)  # charts redraw at the new size
    wait_for_app(page)
    try:
        path = screenshot(page, name)
        for number, top in enumerate(range(0, height, slice_height), start=1):
            clip = {
                "x": 0,
                "y": top,
                "width": size["width"],
                "height": min(slice_height, height - top),
            }
            page.screenshot(path=str(path.with_name(f"{name}-{number}.png")), clip=clip)
        return path
    finally:
        page.set_viewport_size(size)


EDIT_CONTROLS = (
    "Save entry",
    "Same as last entry",
    "Delete this entry",
    "Save changes",
    "Import",
)


# --------------------------------------------------------------------------- the flow


def test_two_patients_and_a_clinician(browser: Browser, clinic_server: Server):
    url = clinic_server.url

    # 1. Patient A signs in, keeps an entry with a note, makes a share code.
    a_context, a = person(browser)
    sign_in(a, url, "patient-a")
    expect(a.get_by_text("Signed in as Patient A").first).to_be_visible()
    go(a, clinic_server, DIARY)
    save_with_note(a, A_PAIN, A_NOTE)
    expect(a.get_by_text("1 entry, newest first.")).to_be_visible()
    go(a, clinic_server, ACCOUNT)
    expect(a.get_by_text("Nobody: your diary is yours alone.")).to_be_visible()
    code = make_code(a)

    # 2. Patient B, in a browser of their own: an empty diary, nothing of A's anywhere.
    b_context, b = person(browser)
    sign_in(b, url, "patient-b")
    go(b, clinic_server, DIARY)
    expect(b.get_by_text("No entries yet.")).to_be_visible()
    assert A_NOTE not in main_text(b)
    go(b, clinic_server, ACCOUNT)
    assert code not in main_text(b)
    exported = json.loads(download(b, "Download my diary and results (JSON)"))
    assert A_NOTE not in json.dumps(exported)
    assert not exported.get("entries"), exported
    b_context.close()

    # 3. The clinician: a forged code opens nothing; A's code opens A's diary, read-only.
    c_context, c = person(browser)
    sign_in(c, url, "clinician-1")
    go(c, clinic_server, ACCOUNT)
    expect(c.get_by_text("Signed in as Dr One").first).to_contain_text("(clinician)")
    expect(c.get_by_text(NONE_YET)).to_be_visible()
    enter_code(c, FORGED)
    expect(c.get_by_text(NO_CODE)).to_be_visible()
    expect(c.get_by_text(NONE_YET)).to_be_visible()
    expect(c.get_by_role("heading", name=re.compile("read-only"))).to_have_count(0)
    enter_code(c, code)
    expect(c.get_by_text(as_shown(f"{A_LABEL} shared their diary with you."))).to_be_visible()
    expect(c.get_by_role("heading", name=as_shown(A_VIEW))).to_be_visible()
    expect(c.get_by_role("heading", name="Pain over time", exact=True)).to_be_visible()
    shown = main_text(c)
    assert f"you wrote 1 entry on 1 day. Average pain {A_PAIN}.0 out of 10." in shown, shown
    assert A_NOTE not in shown  # "only you see it"
    for label in EDIT_CONTROLS:
        expect(c.get_by_role("button", name=label, exact=True)).to_have_count(0)
    expect(c.get_by_label("Note (only you see it)")).to_have_count(0)
    expect(c.get_by_label("Choose an entry to change or delete")).to_have_count(0)
    summary = pdf_text(download(c, "Download the clinician summary (PDF)"))
    assert "Patient A" in summary, summary[:500]
    assert f"Average pain {A_PAIN}.0" in summary, summary[:1500]
    assert A_NOTE not in summary

    # 4. A sees who looked, and stops sharing; the clinician's next run shows nothing.
    go(a, clinic_server, ACCOUNT)
    audit = a.get_by_test_id("stTable").last.inner_text()
    for did in (
        "opened your share code",
        "looked at your diary and results",
        "downloaded your clinician summary (PDF)",
    ):
        assert did in audit, audit
    assert "Dr One" in audit
    a.get_by_role("button", name="Stop sharing with Dr One").click()
    wait_for_app(a)
    expect(a.get_by_text("Nobody: your diary is yours alone.")).to_be_visible()
    expect(a.get_by_text("No longer shared with: Dr One")).to_be_visible()
    enter_code(c, "")  # any rerun of the clinician's page
    expect(c.get_by_text(NONE_YET)).to_be_visible()
    expect(c.get_by_role("heading", name=as_shown(A_VIEW))).to_have_count(0)
    c_context.close()

    # 5. A signs out and in again: the entry is still there. (The Account page has a
    # second "Sign out" in the page itself: sign out from the diary's sidebar.)
    go(a, clinic_server, DIARY)
    sign_out(a)
    sign_in(a, url, "patient-a")
    go(a, clinic_server, DIARY)
    expect(a.get_by_text("1 entry, newest first.")).to_be_visible()
    expect(a.get_by_test_id("stTable").first).to_contain_text(A_NOTE)

    # 6. A deletes the account: signed out; signing in again starts an empty diary.
    go(a, clinic_server, ACCOUNT)
    a.get_by_text("Delete my account", exact=True).click()
    a.get_by_text("I understand that it will all be gone for good").click()
    a.get_by_role("button", name="Delete my account and everything in it").click()
    a.wait_for_url(re.compile(r".*/oauth2/end_session.*"))
    a.get_by_role("button", name="End session").click()
    a.wait_for_url(re.compile(re.escape(url) + r"/.*"))
    wait_for_app(a)
    expect(a.get_by_role("button", name="Sign in").first).to_be_visible()
    sign_in(a, url, "patient-a")
    go(a, clinic_server, DIARY)
    expect(a.get_by_text("No entries yet.")).to_be_visible()
    a_context.close()


# --------------------------------------------------------------------------- axe, phone


def test_account_pages_are_accessible_and_fit_a_phone(
    browser: Browser, clinic_server: Server, oidc_provider
):
    patient = minted(browser, clinic_server, oidc_provider, PATIENT_C)
    go(patient, clinic_server, DIARY)
    quick_save(patient, 4)
    doctor = minted(browser, clinic_server, oidc_provider, CLINICIAN_2)
    go(doctor, clinic_server, ACCOUNT)
    go(patient, clinic_server, ACCOUNT)
    enter_code(doctor, make_code(patient))
    expect(
        doctor.get_by_role("heading", name=as_shown("Patient C (c@patients.example): read-only"))
    )

    for scheme in ("light", "dark"):  # the theme follows the browser's preference, live
        for page, who in ((patient, "patient"), (doctor, "clinician")):
            page.emulate_media(color_scheme=scheme)
            page.wait_for_function(
                "d => { const c = getComputedStyle(document.querySelector("
                "'[data-testid=stApp]')).backgroundColor.match(/\\d+/g).slice(0, 3);"
                " return (c.reduce((s, v) => s + +v, 0) / 3 < 128) === d; }",
                arg=scheme == "dark",
            )
            check_axe(page, f"Account and sharing, {who}, {scheme}")
            if scheme == "light":
                whole_page(page, f"clinic-account-{who}-1366")

    for who, claims in (("patient", PATIENT_C), ("clinician", CLINICIAN_2)):
        phone = minted(browser, clinic_server, oidc_provider, claims, **PHONE)
        go(phone, clinic_server, ACCOUNT)
        if who == "patient":
            make_code(phone)
        else:
            expect(phone.get_by_role("heading", name=re.compile("read-only"))).to_be_visible()
        whole_page(phone, f"clinic-account-{who}-390")
        phone.context.close()
    patient.context.close()
    doctor.context.close()
