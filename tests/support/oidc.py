"""A local OpenID Connect provider for tests: oidc-provider-mock on 127.0.0.1.

    with oidc_provider() as provider:          # or the session fixture ``oidc_provider``
        provider.metadata_url                  # for [auth] server_metadata_url
        provider.issuer                        # http://127.0.0.1:PORT, the ID token's iss

The provider runs in a thread of the test process, on a free port. Its sign-in form has
one button per predefined user (``USERS``; tests/support/signin.py clicks them). Claims
beyond ``sub`` go into the ID token, which is all Streamlit reads (it never calls the
userinfo endpoint); standard claims only with their scope, and Streamlit asks for
``openid email profile``. Always use 127.0.0.1, never localhost: the mock's issuer is
the Host the request used, and Authlib checks the ID token's ``iss`` against it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# Who can sign in at the test provider: subject -> the claims in the ID token.
USERS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "patient-a": {"name": "Patient A", "email": "a@patients.example", "email_verified": True},
        # No email_verified claim at all: some providers leave it out.
        "patient-b": {"name": "Patient B", "email": "b@patients.example"},
        "clinician-1": {
            "name": "Dr One",
            "email": "dr.one@clinic.example",
            "email_verified": True,
            "roles": ["clinician"],
        },
    }
)


@dataclass(frozen=True)
class Provider:
    """A running test provider: where it is and who can sign in."""

    port: int
    users: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: USERS)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def claims(self, sub: str) -> dict[str, Any]:
        """The ID-token claims a sign-in as ``sub`` gives (without the token's own
        aud/exp/iat/nonce/at_hash/auth_time): for minting a cookie that looks real."""
        return {"iss": self.issuer, "sub": sub, **self.users[sub]}


@contextmanager
def oidc_provider(users: Mapping[str, Mapping[str, Any]] = USERS) -> Iterator[Provider]:
    """Run oidc-provider-mock on a free loopback port until the block ends."""
    from oidc_provider_mock import User, run_server_in_thread

    predefined = [User(sub=sub, claims=dict(claims)) for sub, claims in users.items()]
    with run_server_in_thread(port=0, user_claims=predefined) as server:
        yield Provider(port=server.server_port, users=users)
