"""A throw-away PostgreSQL server for tests: initdb and pg_ctl on a free loopback port.

The store contract tests run against it (tests/unit/test_storage.py), and the clinic-mode
tests use it as their database. Nothing is shared with a developer's own server: the
cluster lives in one temporary folder, listens on 127.0.0.1 only, trusts local
connections, and is stopped and removed at the end.

initdb and postgres refuse to run as root, so as root the server runs as an unprivileged
user (``postgres`` from Debian's package, or the user named in ``PGTEMP_USER``).
Durability is switched off (fsync, synchronous_commit, full_page_writes): a test database
is thrown away, and this halves its start-up time on a slow disk.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import free_port


def find_bindir() -> Path | None:
    """The folder with initdb and pg_ctl: PG_BINDIR, Debian's versioned folders, or PATH."""
    if env := os.environ.get("PG_BINDIR"):
        return Path(env)
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


@dataclass(frozen=True)
class TempPostgres:
    host: str
    port: int
    user: str
    dbname: str

    def url(self, dbname: str | None = None) -> str:
        """A SQLAlchemy URL (psycopg 3) for a database on this server."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname or self.dbname}"


def _run_as(os_user: str | None) -> list[str]:
    return ["runuser", "-u", os_user, "--"] if os_user else []


@contextmanager
def temp_postgres() -> Iterator[TempPostgres]:
    """Start a fresh cluster, yield how to reach it, then stop and delete it.

    Raises FileNotFoundError when no PostgreSQL server binaries are installed."""
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError(
            "no PostgreSQL server binaries (initdb): apt-get install postgresql, or set PG_BINDIR"
        )
    os_user = None
    if os.geteuid() == 0:
        os_user = os.environ.get("PGTEMP_USER", "postgres")
        pwd.getpwnam(os_user)  # KeyError: no such user to run the server as
    # Not pytest's tmp_path: /tmp/pytest-of-root is private to root, and the server's
    # user must be able to enter its folder.
    base = Path(tempfile.mkdtemp(prefix="backcare-pg-"))
    datadir = base / "data"
    if os_user:
        user = pwd.getpwnam(os_user)
        os.chown(base, user.pw_uid, user.pw_gid)
    run = _run_as(os_user)
    port = free_port()
    try:
        subprocess.run(
            [
                *run,
                str(bindir / "initdb"),
                "-D",
                str(datadir),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -k {base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=100 -c shared_buffers=32MB"
        )
        subprocess.run(
            [
                *run,
                str(bindir / "pg_ctl"),
                "-D",
                str(datadir),
                "-l",
                str(base / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        yield TempPostgres("127.0.0.1", port, "postgres", "postgres")
    finally:
        if (datadir / "postmaster.pid").exists():
            subprocess.run(
                [*run, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "-w", "stop"],
                check=False,
                capture_output=True,
            )
        shutil.rmtree(base, ignore_errors=True)


APP_ROLE = "backcare_app"


def drop_backcare_tables(engine) -> None:
    """Drop every BackCare table, with the row-security policies that tie them together
    (SQLAlchemy's drop_all does not know a policy makes the diary's tables depend on
    ``grants``)."""
    import sqlalchemy as sa

    from backcare import storage

    names = ", ".join(storage.metadata.tables)  # our own table names
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {names} CASCADE"))


def app_role_url(admin_url: str, role: str = APP_ROLE) -> str:
    """The same database as ``admin_url``, reached as an ordinary role (not a superuser,
    no BYPASSRLS) that may create tables, as the README's Clinic deployment asks: row-level
    security holds it. BackCare's tables are dropped first, so the role makes and owns
    them afresh. The server trusts loopback connections, so the role needs no password."""
    import sqlalchemy as sa

    engine = sa.create_engine(admin_url)
    try:
        drop_backcare_tables(engine)
        with engine.begin() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
            ).scalar()
            if not exists:  # roles belong to the cluster; the name is ours, not input
                conn.execute(sa.text(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS"))
            conn.execute(sa.text(f"GRANT CREATE, USAGE ON SCHEMA public TO {role}"))
    finally:
        engine.dispose()
    return sa.make_url(admin_url).set(username=role).render_as_string(hide_password=False)
