"""What the screening modules share: the shape of a questionnaire, reading data files and
checking answers.

Pure Python, no Streamlit. Every rule, cut-off and wording lives in ``data/red_flags.toml``
and ``data/instruments/*.toml`` with its source. Each questionnaire module (``start_back``,
``oswestry``, ``peg``) has the same shape: ``ID``, its data file, ``load_<id>()`` giving a
``Tool``, a result type that is a ``QuestionnaireResult``, a scoring function and
``worked(result)`` for the clinician summary; its entry in the registry
(``backcare.screening.instruments``) points to them.
"""

from __future__ import annotations

import numbers
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypedDict, cast

from backcare.paths import DATA_DIR

INSTRUMENTS_DIR = DATA_DIR / "instruments"


@dataclass(frozen=True)
class Worked:
    """One questionnaire result as the clinician summary prints it: a row of its table."""

    questionnaire: str  # e.g. "STarT Back (9 items)"
    result: str  # e.g. "5 of 9, Medium risk"
    how: str  # how it was worked out: points per item, the rule
    source: str


@dataclass(frozen=True)
class Tool:
    """What every questionnaire's data file says about the instrument; each module's tool
    adds its items, bands or cut-offs (About page, notices, every result's rule)."""

    name: str  # the instrument's own title, e.g. "PEG pain scale"
    version: str
    copyright: str
    licence: str
    rule: str  # how it is scored, in words
    source: str

    @property
    def notice(self) -> str:
        """The copyright notice as the form and the About page show it."""
        return self.copyright


class ToolFields(TypedDict):
    name: str
    version: str
    copyright: str
    licence: str
    rule: str
    source: str


def tool_fields(raw: dict[str, Any], where: str) -> ToolFields:
    """The fields every questionnaire's data file has (``Tool``), each checked."""
    return cast(
        ToolFields, {key: field_text(raw, key, where) for key in ToolFields.__annotations__}
    )


class QuestionnaireResult(Protocol):
    """What every questionnaire result offers: the diary keeps (date, instrument, score)."""

    @property
    def instrument(self) -> str: ...

    @property
    def score(self) -> float: ...

    def saved_details(self) -> dict[str, str | int]: ...  # kept with the score in the diary


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
