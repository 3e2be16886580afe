"""Clinic mode's people: who is signed in (``st.user``'s claims), and in which role.

Light on purpose (the standard library only): every page's frame asks who is signed in
before it draws anything. The page hands ``st.user.to_dict()`` in; nothing here imports
streamlit. The accounts, sharing and audit kept in the database are ``backcare.clinic``.

A person is known by the sign-in provider's issuer and subject (the ``iss`` and ``sub``
claims of the ID token), never by e-mail alone: an e-mail address can change hands or be
claimed unverified at another provider. Everyone signed in is a patient; a clinician is
one whose verified e-mail is on the clinic's allow-list, or whose ID token carries a
configured role claim (``ClinicSettings``).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Role = Literal["patient", "clinician"]
# The secrets table of clinic mode's own settings (``[backcare_clinic]``).
SETTINGS_SECTION = "backcare_clinic"
DEFAULT_SHARE_CODE_DAYS = 7
MAX_SHARE_CODE_DAYS = 30


class NotSignedIn(ValueError):
    """The claims do not describe a signed-in person with an issuer and a subject."""


def _strings(settings: Mapping[str, Any], name: str) -> frozenset[str]:
    value = settings.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"[{SETTINGS_SECTION}] {name} must be a list of texts")
    return frozenset(v.strip() for v in value if v.strip())


@dataclass(frozen=True)
class ClinicSettings:
    """The clinic's rules (secrets ``[backcare_clinic]``), checked when read.

    * ``clinician_emails``: an allow-list, honoured only when the provider says the
      address is verified (``email_verified`` is the boolean true) and, when
      ``trusted_issuers`` is set, only for those issuers.
    * ``role_claim`` and ``clinician_values``: an ID-token claim (``roles``, ``groups``;
      a text or a list) any of whose values makes the person a clinician.
    * ``share_code_days``: how long a patient's share code can be used (1-30, default 7).
    """

    clinician_emails: frozenset[str] = frozenset()
    trusted_issuers: frozenset[str] = frozenset()
    role_claim: str = ""
    clinician_values: frozenset[str] = frozenset()
    share_code_days: int = DEFAULT_SHARE_CODE_DAYS

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> ClinicSettings:
        """Read the settings; a wrong type raises ValueError naming the setting."""
        found = dict(settings or {})
        claim = found.get("role_claim", "")
        if not isinstance(claim, str):
            raise ValueError(f"[{SETTINGS_SECTION}] role_claim must be a text")
        days = found.get("share_code_days", DEFAULT_SHARE_CODE_DAYS)
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValueError(f"[{SETTINGS_SECTION}] share_code_days must be a whole number")
        if not 1 <= days <= MAX_SHARE_CODE_DAYS:
            raise ValueError(
                f"[{SETTINGS_SECTION}] share_code_days must be 1 to {MAX_SHARE_CODE_DAYS}"
            )
        return cls(
            clinician_emails=frozenset(e.lower() for e in _strings(found, "clinician_emails")),
            trusted_issuers=_strings(found, "trusted_issuers"),
            role_claim=claim.strip(),
            clinician_values=_strings(found, "clinician_values"),
            share_code_days=days,
        )

    def role_for(self, claims: Mapping[str, Any]) -> Role:
        """ "clinician" by the role claim or the verified allow-listed e-mail, else
        "patient"."""
        if self.role_claim and self.clinician_values:
            value = claims.get(self.role_claim)
            values = [value] if isinstance(value, str) else value
            if isinstance(values, list) and any(v in self.clinician_values for v in values):
                return "clinician"
        email = claims.get("email")
        listed = isinstance(email, str) and email.strip().lower() in self.clinician_emails
        verified = claims.get("email_verified") is True  # the boolean, not "true"
        trusted = not self.trusted_issuers or claims.get("iss") in self.trusted_issuers
        return "clinician" if listed and verified and trusted else "patient"


@dataclass(frozen=True)
class Identity:
    """A signed-in person. ``issuer`` and ``subject`` are the only key a store uses."""

    issuer: str
    subject: str
    role: Role
    email: str = ""
    name: str = ""

    @property
    def label(self) -> str:
        """How other people see this person: name and e-mail, or what there is."""
        if self.name and self.email:
            return f"{self.name} ({self.email})"
        return self.name or self.email or "someone without a name or e-mail"


def identity_from_claims(claims: Mapping[str, Any], settings: ClinicSettings) -> Identity:
    """The Identity in ``st.user.to_dict()``; NotSignedIn when nobody is signed in or the
    provider did not say who it is."""
    if claims.get("is_logged_in") is not True:
        raise NotSignedIn("nobody is signed in")
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not (isinstance(issuer, str) and issuer and isinstance(subject, str) and subject):
        raise NotSignedIn(
            "the sign-in service did not say who you are (no issuer or subject): sign out "
            "and in again, or ask the clinic to check its sign-in settings"
        )
    email, name = claims.get("email"), claims.get("name")
    return Identity(
        issuer=issuer,
        subject=subject,
        role=settings.role_for(claims),
        email=email.strip() if isinstance(email, str) else "",
        name=name.strip() if isinstance(name, str) else "",
    )


# --------------------------------------------------------------------------- the provider

# How long one answer about the provider counts, and how long the question may take.
PROBE_SECONDS = 30.0
PROBE_TIMEOUT = 2.0
_probes: dict[str, tuple[float, bool]] = {}
_probes_lock = threading.Lock()


def provider_reachable(metadata_url: str) -> bool:
    """Does the provider's discovery document answer, with an authorization endpoint?

    ``st.login()`` only sends the browser to ``/auth/login``; when the provider is down,
    Streamlit answers that with a bare "Authentication error" page. So the page asks
    first and says sign-in is unavailable instead. One answer counts for PROBE_SECONDS
    per address, for the whole server.
    """
    now = time.monotonic()
    with _probes_lock:
        cached = _probes.get(metadata_url)
    if cached and now - cached[0] < PROBE_SECONDS:
        return cached[1]
    if not metadata_url.startswith(("https://", "http://")):
        ok = False
    else:
        try:
            # The scheme is checked just above (http or https only): bandit's B310 is about
            # file: and custom schemes.
            with urllib.request.urlopen(metadata_url, timeout=PROBE_TIMEOUT) as answer:  # noqa: S310  # nosec B310
                ok = answer.status == 200 and "authorization_endpoint" in json.loads(
                    answer.read(1_000_000)
                )
        except (OSError, ValueError):  # refused, timed out, not found; not JSON
            ok = False
    with _probes_lock:
        _probes[metadata_url] = (now, ok)
    return ok
