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
        )
    except KeyError as err:
        raise ValueError(f"{path.name}: missing field {err.args[0]!r}") from None
