"""The diary model stays light: importing it loads no pandas (nor numpy, SQLAlchemy, Altair).

Every writer of an entry (the quick entry, the demo, a future
notebook or API) needs the model and its checks, not the chart frames. Run in a fresh
interpreter, as ``python -c "import backcare.diary.model"`` would be.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import ROOT

HEAVY = ("pandas", "numpy", "sqlalchemy", "altair", "pyarrow", "streamlit")


@pytest.mark.parametrize(
    "statement",
    [
        "import backcare.diary.model",
        "from backcare.diary.model import Entry, PAIN_MAX",
        "from backcare.diary import Entry, read_entries",  # the package's re-exports
        "import backcare.diary.io",
    ],
)
def test_the_diary_model_and_files_import_no_data_libraries(statement):
    script = (
        f"import json, sys\n{statement}\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [], f"{statement} imported them"
