"""What the screening modules share: reading their data files and checking answers.

Pure Python, no Streamlit. Every rule, cut-off and wording lives in ``data/red_flags.toml``
and ``data/instruments/*.toml`` with its source.
"""

from __future__ import annotations

import numbers
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from backcare.paths import DATA_DIR

INSTRUMENTS_DIR = DATA_DIR / "instruments"


def is_int(value: object) -> bool:
    """True for real integers; bool is not an answer here."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def answers_list(answers: object, expected: int, what: str) -> list[Any]:
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError(f"{what}: give the {expected} answers as a list, not {answers!r}")
    items = list(answers)
    if len(items) != expected:
        raise ValueError(f"{what}: expected {expected} answers, got {len(items)}")
    return items


def field_text(raw: dict[str, Any], key: str, where: str) -> str:
    try:
        value = raw[key]
    except KeyError:
        raise ValueError(f"{where}: missing field {key!r}") from None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: field {key!r} must be non-empty text")
    return " ".join(value.split())


def load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)
