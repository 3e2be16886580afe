"""The home page stays light to start: no pandas, numpy, pyarrow or Altair on a cold start.

Streamlit itself loads none of them, so whatever the home page imports is what a person
waits for on first opening BackCare (bench/README.md, "Cold start": importing the demo
patient module at the top of backcare.ui.demo once added about 0.4 s to every start).
The home page is run in a fresh interpreter, exactly as Streamlit runs it on a first visit.

SQLAlchemy is the one exception: the home page reads the person's kept warning-sign check
from their store (an emergency result stands on every page, issue 13), and the store module
holds the SQL store (bench/README.md, "Cold start", has its cost).
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import APP, ROOT

HEAVY = ("pandas", "altair", "numpy", "pyarrow")

SCRIPT = f"""
import json, sys
from streamlit.testing.v1 import AppTest
before = {{m for m in {HEAVY!r} if m in sys.modules}}
at = AppTest.from_file({str(APP)!r}, default_timeout=60)
at.run()
assert not at.exception, [e.value for e in at.exception]
titles = [t.value for t in at.title]
print(json.dumps({{"before": sorted(before), "titles": titles,
                   "heavy": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
"""


def test_the_home_page_imports_no_data_libraries():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["titles"] == ["BackCare"]  # the home page really ran
    assert result["before"] == []  # AppTest itself loaded none of them
    assert result["heavy"] == [], f"the home page imported {result['heavy']}"
