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
import re
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


LOINC_SYSTEM = "http://loinc.org"


@dataclass(frozen=True)
class Code:
    """One code of a code system, with its display name."""

    code: str
    display: str


@dataclass(frozen=True)
class LoincCodes:
    """A questionnaire's LOINC codes, from the ``[loinc]`` table of its data file: the panel
    (the questionnaire) and its scores ("score" always; "distress", "risk" where LOINC has
    them), each looked up and cited (``source``). An instrument without LOINC codes says why
    in ``none`` and has no codes (``backcare.interop`` then uses BackCare's own system)."""

    panel: Code | None
    scores: dict[str, Code]
    source: str
    none: str
    answers: dict[str, Code] | None = None  # a coded score's answers (STarT Back's risk)

    @property
    def found(self) -> bool:
        return "score" in self.scores


def _code(value: object, where: str) -> Code:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: a code is a table with code and display, got {value!r}")
    code = value.get("code")
    if not (isinstance(code, str) and re.fullmatch(r"\d{1,7}-\d", code)):
        raise ValueError(f"{where}: {code!r} is not a LOINC code (digits, hyphen, check digit)")
    return Code(code, field_text(value, "display", where))


def load_codes(raw: dict[str, Any], where: str) -> LoincCodes:
    """The ``[loinc]`` table: codes with their source, or ``none`` saying why there are none."""
    table = raw.get("loinc")
    if not isinstance(table, dict):
        raise ValueError(f"{where}: a [loinc] table is needed (codes and source, or none)")
    if "none" in table:
        return LoincCodes(None, {}, "", field_text(table, "none", where))
    scores = {
        key: _code(value, f"{where} [loinc] {key}")
        for key, value in table.items()
        if key not in ("panel", "source", "answers")
    }
    answers = None
    if isinstance(table.get("answers"), dict):
        answers = {
            key: Code(str(value["code"]), field_text(value, "display", where))
            for key, value in table["answers"].items()
        }
    if "score" not in scores:
        raise ValueError(f"{where}: [loinc] needs score = {{ code, display }}, or none = why")
    panel = _code(table["panel"], f"{where} [loinc] panel") if "panel" in table else None
    return LoincCodes(panel, scores, field_text(table, "source", where), "", answers)


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


def format_score(value: float, decimals: int, unit: str = "") -> str:
    """A score as people read it: '36%' (Oswestry, whole percent), '4.3' (0-10 scales, one
    decimal), '5' (counts). The one formatter: ``backcare.change.fmt_score`` and every
    module's ``worked`` use it with the decimals and unit in the module (``DECIMALS``,
    ``UNIT``), which its registry entry reads."""
    return f"{value:.{decimals}f}{unit}"


def points_row(what: str, points: Sequence[int | None]) -> str:
    """Points per item as a readable row: 'Items 1-9: 0 0 0 1 1 0 1 0 1' ('-' = left out)."""
    shown = " ".join("-" if p is None else str(p) for p in points)
    return f"{what} 1-{len(points)}: {shown}"


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


def paragraphs(raw: dict[str, Any], key: str, where: str) -> str:
    """A text field whose blank lines part paragraphs: each paragraph's lines joined, the
    paragraphs kept apart by one blank line (for instructions shown as written)."""
    field_text(raw, key, where)  # present and non-empty
    parts = [" ".join(part.split()) for part in str(raw[key]).strip().split("\n\n")]
    return "\n\n".join(part for part in parts if part)


def load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)
