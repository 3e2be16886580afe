"""Standing notices (disclaimer, emergency advice) loaded from ``data/notices.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backcare.paths import DATA_DIR

NOTICES_FILE = DATA_DIR / "notices.toml"


@dataclass(frozen=True)
class Notices:
    not_a_diagnosis: str
    emergency: str
    source: str
    minimum_age: int  # BackCare is made for adults: no scoring or routine below this age
    minimum_age_source: str
    adults_only: str  # what a younger person is told instead


@cache
def load_notices(path: Path = NOTICES_FILE) -> Notices:
    """Read the notices; a missing field raises ValueError naming the file."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    try:
        return Notices(
            not_a_diagnosis=raw["not_a_diagnosis"].strip(),
            emergency=raw["emergency"].strip(),
            source=raw["source"].strip(),
            minimum_age=int(raw["minimum_age"]),
            minimum_age_source=raw["minimum_age_source"].strip(),
            adults_only=" ".join(raw["adults_only"].split()),
        )
    except KeyError as err:
        raise ValueError(f"{path.name}: missing field {err.args[0]!r}") from None
