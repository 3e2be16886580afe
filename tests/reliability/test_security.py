"""Security settings and scans: upload limits, XSRF and CORS left on, bandit, pip-audit.

- The upload limit is enforced twice: Streamlit's ``server.maxUploadSize = 5`` (the browser
  refuses a larger file with a message) and ``backcare.diary.MAX_IMPORT_BYTES`` (the library
  refuses one that reaches the page anyway, as AppTest does). Both say 5 MB.
- ``server.enableXsrfProtection`` and ``server.enableCORS`` are not switched off in
  ``.streamlit/config.toml``; a running server sets the XSRF cookie and refuses an upload
  without its token, and does not allow other origins.
- ``bandit -r backcare`` finds nothing; ``pip-audit -r requirements.txt`` finds no known
  vulnerability. pip-audit asks PyPI's vulnerability service: where that cannot be reached
  (no dependency could be audited), the test skips and says so, rather than pass or fail.
"""

from __future__ import annotations

import http.cookies
import ipaddress
import json
import socket
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import streamlit
from playwright.sync_api import Page, expect
from streamlit.testing.v1 import AppTest

from backcare.diary.io import MAX_IMPORT_BYTES
from tests.helpers import APP, ROOT, table_value
from tests.support.browser import wait_for_app
from tests.support.fixtures import server_fixture
from tests.support.server import Server, start_server, storage_env

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
MB = 1024 * 1024


server = server_fixture("security")


# --------------------------------------------------------------------------- configuration


def test_xsrf_and_cors_protections_are_not_switched_off():
    server = CONFIG.get("server", {})
    assert server.get("enableXsrfProtection", True) is not False
    assert server.get("enableCORS", True) is not False


def test_the_upload_limit_is_5_mb_in_streamlit_and_in_the_library():
    assert CONFIG["server"]["maxUploadSize"] == 5
    assert CONFIG["server"]["maxUploadSize"] * MB == MAX_IMPORT_BYTES


def test_users_never_see_error_details():
    assert CONFIG["client"]["showErrorDetails"] in ("none", False)


def _outward_address() -> str | None:
    """This machine's address on its network (the one other computers would use), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # UDP: picks the route, sends nothing
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if ipaddress.ip_address(address).is_loopback else address


def _listening(port: int) -> set[str]:
    """The local addresses with a socket listening on ``port`` (Linux /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            hex_address, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(hex_address)
            if len(raw) == 4:
                found.add(str(ipaddress.IPv4Address(raw[::-1])))
            else:  # four little-endian 32-bit words
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                found.add(str(ipaddress.IPv6Address(words)))
    return found


def test_the_server_listens_on_this_computer_only(tmp_path):
    """Issue 17: started as a person starts it (no address given), BackCare cannot be
    reached from other computers on the network: it listens on loopback only."""
    assert CONFIG["server"]["address"] in ("localhost", "127.0.0.1")
    started = start_server(tmp_path, env=storage_env(tmp_path / "data"), address=None)
    try:
        port = int(started.url.rsplit(":", 1)[1])
        listening = _listening(port)
        if listening:  # Linux: read the socket table
            assert all(ipaddress.ip_address(a).is_loopback for a in listening), listening
        outward = _outward_address()
        if outward is None and not listening:
            pytest.skip("no network address and no socket table to check against")
        if outward is not None:
            with pytest.raises(OSError):  # refused: nothing listens there
                socket.create_connection((outward, port), timeout=3).close()
        with socket.create_connection(("127.0.0.1", port), timeout=3):
            pass
    finally:
        started.stop()


# --------------------------------------------------------------------------- running server


def _get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback)
    return urllib.request.urlopen(request)  # noqa: S310


def _upload(server: Server, headers: dict[str, str]) -> tuple[int, bytes]:
    body = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
    body += b"date,pain\n2026-01-01,3\n\r\n--x--\r\n"
    request = urllib.request.Request(  # noqa: S310 (our own loopback server)
        f"{server.url}/_stcore/upload_file/no-session/no-file",
        data=body,
        method="PUT",
        headers={"Content-Type": "multipart/form-data; boundary=x", **headers},
    )
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_the_server_sets_an_xsrf_cookie_and_refuses_an_upload_without_its_token(server):
    with _get(f"{server.url}/_stcore/health") as response:
        cookies = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    assert "_streamlit_xsrf" in cookies, "no XSRF cookie: protection is off"
    token = cookies["_streamlit_xsrf"].value

    status, body = _upload(server, {})
    assert status == 403 and b"XSRF" in body, (status, body)
    status, body = _upload(server, {"Cookie": f"_streamlit_xsrf={token}", "X-Xsrftoken": "forged"})
    assert status == 403 and b"XSRF" in body, (status, body)
    # With the real token the XSRF check passes (the made-up session is what fails then).
    status, body = _upload(server, {"Cookie": f"_streamlit_xsrf={token}", "X-Xsrftoken": token})
    assert b"XSRF" not in body, (status, body)


def test_other_origins_are_not_allowed_by_cors(server):
    with _get(f"{server.url}/_stcore/health", {"Origin": "http://evil.example"}) as response:
        allowed = response.headers.get("Access-Control-Allow-Origin")
    assert allowed not in ("*", "http://evil.example"), allowed


def test_a_file_over_5_mb_is_refused_in_the_browser_with_a_message(page: Page, server, tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"date,pain\n" + b"2026-01-01 08:00,3\n" * ((6 * MB - 10) // 19))
    assert big.stat().st_size > 5 * MB
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{server.url}/Pain_diary")
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(big))
    expect(page.get_by_text("File must be 5.0MB or smaller.")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Import entries")).to_be_disabled()
    expect(page.get_by_text("No entries yet")).to_be_visible()


def test_a_file_over_5_mb_that_reaches_the_page_is_refused_by_the_library(tmp_path, monkeypatch):
    """AppTest skips the browser's check: the library's own limit still refuses the file."""
    monkeypatch.setenv("BACKCARE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BACKCARE_STORAGE", "sql")
    monkeypatch.delenv("BACKCARE_DATABASE_URL", raising=False)
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page("pages/4_Pain_diary.py").run()
    data = b"date,pain\n" + b"2026-01-01 08:00,3\n" * ((6 * MB - 10) // 19)
    assert 5.9 * MB < len(data) <= 6 * MB
    at.file_uploader(key="diary_upload").set_value(("big.csv", data, "text/csv")).run()
    next(b for b in at.button if b.label == "Import entries").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("Nothing was imported")
    problems = list(table_value(at.table[-1])["Problem"])
    assert problems == ["The file is 6.0 MB; the limit is 5 MB. Split it."]


# --------------------------------------------------------------------------- scanners


def _tool(module: str) -> None:
    if subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True).returncode:
        pytest.fail(f"{module} is not installed: pip install -r requirements-dev.txt")


def test_bandit_finds_nothing_in_the_library():
    _tool("bandit")
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "backcare", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert findings == [], "bandit findings:\n" + "\n".join(findings)
    assert result.returncode == 0, result.stderr


def test_pip_audit_finds_no_known_vulnerability_in_the_runtime_pins():
    _tool("pip_audit")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "-r",
            "requirements.txt",
            "-f",
            "json",
            "--progress-spinner",
            "off",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pip-audit gave no report (exit {result.returncode}):\n{result.stderr}")
    deps = report["dependencies"]
    vulnerable = [
        f"{d['name']} {d.get('version')}: " + ", ".join(v["id"] for v in d["vulns"])
        for d in deps
        if d.get("vulns")
    ]
    assert vulnerable == [], "pip-audit found known vulnerabilities:\n" + "\n".join(vulnerable)
    audited = [d for d in deps if "skip_reason" not in d]
    if not audited:
        reasons = {d["skip_reason"].split(":")[0] for d in deps}
        pytest.skip(
            "pip-audit could not reach PyPI's vulnerability service from here, so none of "
            f"the {len(deps)} pinned packages could be audited ({'; '.join(sorted(reasons))})"
        )
