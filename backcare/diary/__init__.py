"""The pain diary: the model, its files and its chart frames.

- ``backcare.diary.model``: entries, screenings, events and their checks (no pandas).
- ``backcare.diary.io``: CSV/JSON import and export.
- ``backcare.diary.frames``: the chart frames' columns, labels and builders (pandas).

Import from those modules. The names below are re-exported only so that ``from backcare
import diary`` and ``diary.X`` keep working while other branches move over. They load on
first use, so ``import backcare.diary.model`` loads the model alone (no pandas).
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES: dict[str, str] = {
    **dict.fromkeys(
        (
            "FUTURE_TOLERANCE",
            "INSTRUMENTS",
            "INSTRUMENT_NAMES",
            "LOCATIONS",
            "MAX_LABEL_CHARS",
            "MAX_MEDICATION_CHARS",
            "MAX_NOTE_CHARS",
            "PAIN_MAX",
            "PAIN_MIN",
            "PAIN_RANGE",
            "PAIN_VALUES",
            "QUALITIES",
            "Entry",
            "Event",
            "Screening",
            "latest_time",
            "new_id",
        ),
        "model",
    ),
    **dict.fromkeys(
        (
            "COLUMN_ALIASES",
            "EXPORT_COLUMNS",
            "MAX_IMPORT_BYTES",
            "MAX_IMPORT_ROWS",
            "REQUIRED_COLUMNS",
            "DiaryImportError",
            "Format",
            "RowProblem",
            "neutralise_cell",
            "read_entries",
            "to_csv",
            "to_json",
        ),
        "io",
    ),
    **dict.fromkeys(
        ("FRAME_COLUMNS", "entries_frame", "events_frame", "screenings_frame"), "frames"
    ),
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """A re-exported name (or a submodule), imported from its home on first use."""
    if name in ("model", "io", "frames"):
        return importlib.import_module(f"{__name__}.{name}")
    if name in _HOMES:
        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
