"""Several clinic-mode app servers on one PostgreSQL database, and people signed in to
them by minted cookies: for tests/reliability/test_clinic_servers.py and
bench/bench_clinic.py.

Every server gets ``BACKCARE_STORAGE=accounts``, the same ``BACKCARE_DATABASE_URL`` and the
same ``[auth]`` cookie_secret, and a redirect_uri naming its own port: a person's cookie is
minted for the origin of the server they use (a cookie names its origin, and a server
refuses one made for another: /work/scratch/auth/DESIGN.md section 4).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.support.postgres import app_role_url
from tests.support.server import (
    TEST_COOKIE_SECRET,
    Server,
    auth_secrets,
    free_port,
    start_server,
    storage_env,
)
from tests.support.signin import signed_in_cookie


def subject(session: int) -> str:
    return f"person-{session:02d}"


def claims(issuer: str, session: int) -> dict[str, object]:
    """A patient's ID-token claims (any subject: the cookie is minted, not signed in)."""
    return {
        "iss": issuer,
        "sub": subject(session),
        "name": f"Person {session:02d}",
        "email": f"person{session:02d}@patients.example",
        "email_verified": True,
    }


@dataclass
class Clinic:
    servers: list[Server]
    database_url: str
    issuer: str

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self.servers]

    def cookies(self, session: int, url: str) -> list[dict]:
        return [signed_in_cookie(TEST_COOKIE_SECRET, claims(self.issuer, session), url)]

    def stored(self) -> tuple[Counter[tuple[str, str]], int]:
        """(subject, note) of every entry, joined to its account; and the entries whose
        owner is no account at all."""
        engine = sa.create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    sa.text(
                        "SELECT a.subject, e.note FROM entries e JOIN accounts a ON a.id = e.owner"
                    )
                ).all()
                orphans = conn.execute(
                    sa.text(
                        "SELECT COUNT(*) FROM entries e "
                        "WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = e.owner)"
                    )
                ).scalar_one()
        finally:
            engine.dispose()
        return Counter((str(who), str(note)) for who, note in rows), int(orphans)


def fresh_database(server_url: str) -> str:
    """A new, empty database on the test PostgreSQL server; its URL."""
    name = "clinic_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


@contextmanager
def clinic_servers(
    folder: Path, provider: Any, postgres_server_url: str, count: int
) -> Iterator[Clinic]:
    """``count`` clinic-mode servers (``BACKCARE_STORAGE=accounts``) on one fresh database
    of the PostgreSQL server at ``postgres_server_url``, signing in at ``provider``, each
    with its own port and redirect_uri and the same cookie_secret, connected as an ordinary
    role (tests/support/postgres.py ``app_role_url``); stopped at the end."""
    admin = fresh_database(postgres_server_url)
    url = app_role_url(admin)  # the servers connect as an ordinary role: row security holds
    servers: list[Server] = []
    try:
        for n in range(count):
            port = free_port()
            folder = folder / f"server-{n}"
            folder.mkdir()
            env = {
                **storage_env(folder / "data", "accounts"),
                "BACKCARE_DATABASE_URL": url,
            }
            servers.append(
                start_server(folder, env=env, port=port, secrets_text=auth_secrets(provider, port))
            )
        yield Clinic(servers, admin, provider.issuer)  # read back as the admin: every row
    finally:
        for server in servers:
            server.stop()
