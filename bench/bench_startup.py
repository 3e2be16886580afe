"""Cold start from a user's seat: `streamlit run app.py` to the home page in Chromium.

Run from the project root (needs Chromium):

    python bench/bench_startup.py --repeat 5

Each repetition launches ``python -m streamlit run`` (headless, loopback, fresh process)
and times from the launch to the page's h1 being visible in an already running Chromium
with the script run finished: BackCare's ``app.py`` (h1 "BackCare") against a one-line
app (``bench/empty_app.py``, h1 "Empty"), alternating, in the same run. Prints the
medians and their ratio (target: BackCare at most 1.3x the empty app). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.browser import CHROMIUM_ARGS  # noqa: E402
from tests.support.server import free_port, storage_env  # noqa: E402

APPS = {"BackCare": ROOT / "app.py", "Empty": ROOT / "bench" / "empty_app.py"}


def launch(script: Path, data: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = {**os.environ, **storage_env(data)}
    process = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return process, f"http://127.0.0.1:{port}"


def wait_health(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("streamlit exited early")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:  # noqa: S310
                if resp.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("no health answer")


def one(browser, name: str, data: Path) -> tuple[float, float]:
    """(seconds to /_stcore/health ok, seconds to the h1 visible), from the launch."""
    page = browser.new_page()
    start = time.perf_counter()
    process, url = launch(APPS[name], data)
    try:
        wait_health(url, process)
        healthy = time.perf_counter() - start
        page.goto(url)
        page.get_by_role("heading", name=name, level=1).wait_for(timeout=120_000)
        page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
            timeout=120_000
        )
        shown = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=20)
        page.close()
    return healthy, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--chromium", default=os.environ.get("BACKCARE_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in APPS}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        one(browser, "Empty", Path(folder))  # warm the OS file cache for both
        one(browser, "BackCare", Path(folder))
        for _ in range(args.repeat):
            for name in APPS:
                times[name].append(one(browser, name, Path(folder) / "data"))
        browser.close()
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}, "
        f"{args.repeat} repetitions"
    )
    print(
        "| App | Launch to health ok, median (s) | Launch to h1 shown, median (s) | all runs (s) |"
    )
    print("|---|---:|---:|---|")
    medians = {}
    for name, runs in times.items():
        medians[name] = statistics.median(r[1] for r in runs)
        health = statistics.median(r[0] for r in runs)
        all_runs = ", ".join(f"{r[1]:.2f}" for r in runs)
        print(f"| {name} | {health:.2f} | {medians[name]:.2f} | {all_runs} |")
    print(
        f"\nRatio BackCare / empty app: {medians['BackCare'] / medians['Empty']:.2f}x "
        "(target <= 1.3x)"
    )


if __name__ == "__main__":
    main()
