"""Standing notices (disclaimer, emergency advice, minimum age) from ``data/notices.toml``.

The emergency notice is not written by hand: it lists every emergency sign of the red-flag
check, from ``data/red_flags.toml`` (one source for the triage, the sidebar, the home page
and the handout).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backcare.paths import DATA_DIR
from backcare.screening import load_red_flags

NOTICES_FILE = DATA_DIR / "notices.toml"


@dataclass(frozen=True)
class Notices:
    not_a_diagnosis: str
    emergency: str  # one sentence naming every emergency sign (made from red_flags.toml)
    emergency_markdown: str  # the same, its signs as a Markdown list
    source: str
    minimum_age: int  # BackCare is made for adults: no scoring or routine below this age
    minimum_age_source: str
    adults_only: str  # what a younger person is told instead

    def below_minimum_age(self, age: int | None) -> bool:
        """True when an age was given and it is under the minimum (None: not known)."""
        return age is not None and age < self.minimum_age


@cache
def load_notices(path: Path = NOTICES_FILE) -> Notices:
    """Read the notices; a missing field raises ValueError naming the file."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    rules = load_red_flags()
    try:
        return Notices(
            not_a_diagnosis=raw["not_a_diagnosis"].strip(),
            emergency=rules.emergency_notice,
            emergency_markdown=rules.emergency_notice_markdown,
            source=raw["source"].strip(),
            minimum_age=int(raw["minimum_age"]),
            minimum_age_source=raw["minimum_age_source"].strip(),
            adults_only=" ".join(raw["adults_only"].split()),
        )
    except KeyError as err:
        raise ValueError(f"{path.name}: missing field {err.args[0]!r}") from None
