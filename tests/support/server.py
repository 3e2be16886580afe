"""Start and stop ``python -m streamlit run app.py`` on a free loopback port.

``serve`` is the one way tests run a server for a module or a session (its own data
folder, stopped afterwards); ``start_server`` with ``storage_env`` for one test or a bench.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from tests.helpers import ROOT


def storage_env(data_dir: Path, mode: str = "") -> dict[str, str]:
    """Diary storage for a test server: its own data dir, never the developer's database.

    An empty BACKCARE_STORAGE means "not configured": the privacy rule decides (a
    browser on 127.0.0.1 gets the SQLite file in ``data_dir``).
    """
    return {
        "BACKCARE_DATA_DIR": str(data_dir),
        "BACKCARE_STORAGE": mode,
        "BACKCARE_DATABASE_URL": "",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Secrets of test servers only (loopback, throw-away); not a deployment's.
TEST_COOKIE_SECRET = "backcare-test-cookie-secret-of-40-bytes!"  # noqa: S105  # nosec B105


def _toml_char(ch: str) -> str:
    if ch in '"\\':
        return "\\" + ch
    if ord(ch) < 0x20 or ord(ch) == 0x7F:  # TOML forbids these raw in a basic string
        return f"\\u{ord(ch):04X}"
    return ch


def _toml(value: object) -> str:
    """One TOML value: a basic string (quotes, backslashes and control characters
    escaped), an integer, a boolean or a list of those."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        escaped = "".join(_toml_char(ch) for ch in value)
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    raise TypeError(f"no TOML rendering for {type(value).__name__}: {value!r}")


def auth_secrets(
    provider: Any,
    port: int,
    *,
    cookie_secret: str = TEST_COOKIE_SECRET,
    client_secret: str = "backcare-test-secret",  # noqa: S107  # nosec B107
    clinic: dict[str, object] | None = None,
) -> str:
    """The secrets.toml text for a test server on ``port`` signing in at ``provider``
    (tests/support/oidc.py; anything with ``.metadata_url``): Streamlit's ``[auth]`` for
    the default provider and, when given, the ``[backcare_clinic]`` table (clinician_emails,
    trusted_issuers, role_claim, clinician_values, share_code_days). oidc-provider-mock
    accepts any client id and secret. The redirect_uri names 127.0.0.1 and ``port``: the
    sign-in cookie's origin must equal the page's, so start the server on that port."""
    auth = {
        "redirect_uri": f"http://127.0.0.1:{port}/oauth2callback",
        "cookie_secret": cookie_secret,
        "client_id": "backcare-test",
        "client_secret": client_secret,
        "server_metadata_url": provider.metadata_url,
    }
    for key in clinic or {}:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            raise ValueError(f"not a bare TOML key: {key!r}")
    tables = {"auth": auth, **({"backcare_clinic": clinic} if clinic is not None else {})}
    return "".join(
        f"[{name}]\n" + "".join(f"{key} = {_toml(value)}\n" for key, value in table.items()) + "\n"
        for name, table in tables.items()
    )


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path
    data_dir: Path | None = None  # BACKCARE_DATA_DIR, when the server was given one

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(
    log_dir: Path,
    env: dict[str, str] | None = None,
    script: Path = ROOT / "app.py",
    timeout: float = 60.0,
    port: int | None = None,
    address: str | None = "127.0.0.1",
    secrets_text: str | None = None,
) -> Server:
    """Start Streamlit as its own e2e suite does and wait for /_stcore/health (on a free
    port, or on ``port``: a restart where the browser's storage must be found again, since
    it belongs to the origin, port included; a sign-in's redirect_uri, which names it).

    ``address=None`` leaves the listening address to ``.streamlit/config.toml``, as a
    person's own ``streamlit run app.py`` does.

    ``secrets_text`` (e.g. from ``auth_secrets``) is written to a secrets.toml in
    ``log_dir`` and passed with ``--secrets.files``, which replaces Streamlit's whole search
    list (~/.streamlit, ./.streamlit and the one next to the script): a developer's own
    ``.streamlit/secrets.toml`` is never read by such a server."""
    port = port or free_port()
    stamp = time.monotonic_ns()
    log = log_dir / f"streamlit-{port}-{stamp}.log"
    secrets: list[str] = []
    if secrets_text is not None:
        secrets_path = log_dir / f"secrets-{port}-{stamp}.toml"
        secrets_path.write_text(secrets_text, encoding="utf-8")
        secrets = ["--secrets.files", str(secrets_path)]
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        *(["--server.address", address] if address else []),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        # Tests want to see what went wrong; users get "none" from config.toml.
        "--client.showErrorDetails",
        "full",
        *secrets,
    ]
    full_env = {**os.environ, **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(
            cmd, cwd=script.parent, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:  # noqa: S310
                if resp.read().strip() == b"ok":
                    data = full_env.get("BACKCARE_DATA_DIR")
                    return Server(process, url, log, Path(data) if data else None)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"streamlit did not answer within {timeout}s:\n{log.read_text()}")


@contextmanager
def serve(
    tmp_path_factory: Any, name: str, mode: str = "", script: Path = ROOT / "app.py"
) -> Iterator[Server]:
    """A server of ``script`` with its own data folder (a new ``name`` folder from pytest's
    ``tmp_path_factory``) and diary storage ``mode`` ("" lets the privacy rule decide);
    stopped when the block ends."""
    folder = tmp_path_factory.mktemp(name)
    server = start_server(folder, env=storage_env(folder / "data", mode), script=script)
    try:
        yield server
    finally:
        server.stop()


def forget_kept(server: Server, owner: str = "local") -> None:
    """Forget what the person kept in a server's SQLite file (checks, routine, doctor
    visits, confirmations, questionnaire results), so a test starts as a new person would
    on a server other tests used: a kept emergency check stops every later routine."""
    from backcare import storage

    path = None if server.data_dir is None else server.data_dir / storage.DB_FILENAME
    if path is None or not path.exists():
        return
    store = storage.SqlStore(f"sqlite:///{path}")
    try:
        with store.engine.begin() as conn:
            table = storage.screenings_table
            conn.execute(table.delete().where(table.c.owner == owner))
        store.delete_records(owner)  # after the screenings: changes the owner's revision
    finally:
        store.engine.dispose()


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # http.server's method name
        type(self).requests.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *_args) -> None:
        pass


@contextmanager
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback web server that records the path of every request made to it.

    Yields its base URL and the (live) list of requested paths.
    """
    handler = type("Recorder", (_Recorder,), {"requests": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler.requests
    finally:
        httpd.shutdown()
        httpd.server_close()
