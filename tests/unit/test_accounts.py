"""Who is signed in and in which role (backcare.accounts): a case table over the claims
Streamlit puts in st.user, the clinic's settings, and the provider check."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backcare import accounts
from backcare.accounts import ClinicSettings, NotSignedIn, identity_from_claims

ISS = "https://login.clinic.example"
SETTINGS = ClinicSettings.from_settings(
    {
        "clinician_emails": ["Dr.One@Clinic.example"],
        "trusted_issuers": [ISS],
        "role_claim": "roles",
        "clinician_values": ["backcare-clinician"],
    }
)


def _claims(**extra):
    return {"is_logged_in": True, "iss": ISS, "sub": "s-1", **extra}


ROLE_CASES = [
    # (why, claims, role)
    ("nothing special", _claims(), "patient"),
    ("role claim as a list", _claims(roles=["x", "backcare-clinician"]), "clinician"),
    ("role claim as a text", _claims(roles="backcare-clinician"), "clinician"),
    ("another role", _claims(roles=["nurse"]), "patient"),
    (
        "allow-listed and verified",
        _claims(email="dr.one@clinic.example", email_verified=True),
        "clinician",
    ),
    ("allow-listed, not verified", _claims(email="dr.one@clinic.example"), "patient"),
    (
        "allow-listed, 'true' as text",
        _claims(email="dr.one@clinic.example", email_verified="true"),
        "patient",
    ),
    (
        "allow-listed at an untrusted issuer",
        {**_claims(email="dr.one@clinic.example", email_verified=True), "iss": "https://x"},
        "patient",
    ),
    ("not allow-listed", _claims(email="dr.two@clinic.example", email_verified=True), "patient"),
]


@pytest.mark.parametrize(("why", "claims", "role"), ROLE_CASES, ids=[c[0] for c in ROLE_CASES])
def test_the_role_comes_from_the_claim_or_a_verified_allow_listed_email(why, claims, role):
    assert identity_from_claims(claims, SETTINGS).role == role


def test_no_settings_means_everyone_is_a_patient():
    claims = _claims(email="dr.one@clinic.example", email_verified=True, roles=["clinician"])
    assert identity_from_claims(claims, ClinicSettings()).role == "patient"


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"email": "test@example.com"},  # AppTest's default user: not signed in
        {"is_logged_in": False},
        {"is_logged_in": "true", "iss": ISS, "sub": "s"},
        {"is_logged_in": True, "sub": "s"},
        {"is_logged_in": True, "iss": ISS, "sub": ""},
        {"is_logged_in": True, "iss": ISS, "sub": 12},
    ],
)
def test_without_a_signed_in_issuer_and_subject_there_is_nobody(claims):
    with pytest.raises(NotSignedIn):
        identity_from_claims(claims, SETTINGS)


def test_the_label_shows_name_and_email():
    who = identity_from_claims(_claims(email=" a@b.example ", name="Ann"), SETTINGS)
    assert (who.issuer, who.subject, who.label) == (ISS, "s-1", "Ann (a@b.example)")
    assert identity_from_claims(_claims(), SETTINGS).label == "someone without a name or e-mail"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"clinician_emails": "a@b.example"}, None),  # one text is taken as a list of one
        ({"clinician_emails": [1]}, "clinician_emails"),
        ({"role_claim": ["roles"]}, "role_claim"),
        ({"share_code_days": 0}, "share_code_days"),
        ({"share_code_days": 31}, "share_code_days"),
        ({"share_code_days": "7"}, "share_code_days"),
        ({"share_code_days": True}, "share_code_days"),
    ],
)
def test_bad_settings_name_the_setting(settings, named):
    if named is None:
        assert ClinicSettings.from_settings(settings).clinician_emails == {"a@b.example"}
        return
    with pytest.raises(ValueError, match=named):
        ClinicSettings.from_settings(settings)


class _Discovery(BaseHTTPRequestHandler):
    body = json.dumps({"issuer": "x", "authorization_endpoint": "x/authorize"}).encode()

    def do_GET(self) -> None:  # http.server's method name
        status = 200 if self.path.endswith("openid-configuration") else 404
        self.send_response(status)
        self.end_headers()
        self.wfile.write(self.body if status == 200 else b"{}")

    def log_message(self, *_args) -> None:
        pass


def test_the_provider_check_answers_and_remembers(monkeypatch):
    monkeypatch.setattr(accounts, "_probes", {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Discovery)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert accounts.provider_reachable(f"{base}/.well-known/openid-configuration")
        assert not accounts.provider_reachable(f"{base}/nothing-here")
    finally:
        server.shutdown()
        server.server_close()
    # Remembered for PROBE_SECONDS: the same answer without asking again.
    assert accounts.provider_reachable(f"{base}/.well-known/openid-configuration")
    assert not accounts.provider_reachable("file:///etc/passwd")
    assert not accounts.provider_reachable("http://127.0.0.1:9/.well-known/openid-configuration")


def test_secrets_example_documents_every_clinic_setting():
    """Uncommented, the example's clinic tables are valid and name every setting."""
    import dataclasses
    import re
    import tomllib

    from backcare.ui.account import AUTH_KEYS, PROVIDER_KEYS
    from tests.helpers import ROOT

    text = (ROOT / "secrets.example.toml").read_text()
    clinic_part = text[text.index("\n# [auth]\n") :]
    setting = re.compile(r"# (\[\w+\]|\w+ = .*)$")
    uncommented = "\n".join(
        m.group(1) for line in clinic_part.splitlines() if (m := setting.match(line))
    )
    found = tomllib.loads(uncommented)
    assert set(found["auth"]) == {*AUTH_KEYS, *PROVIDER_KEYS}
    fields = {f.name for f in dataclasses.fields(ClinicSettings)}
    assert set(found[accounts.SETTINGS_SECTION]) == fields
    assert ClinicSettings.from_settings(found[accounts.SETTINGS_SECTION]).share_code_days == 7
