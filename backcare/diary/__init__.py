"""The pain diary: the model, its files and its chart frames.

- ``backcare.diary.model``: entries, screenings, events and their checks (no pandas).
- ``backcare.diary.io``: CSV/JSON import and export.
- ``backcare.diary.frames``: the chart frames' columns and builders (pandas).

Import from those modules. The names below are re-exported only so that ``from backcare
import diary`` and ``diary.X`` keep working while other branches move over; the frame
names load pandas only when first used, so ``import backcare.diary.model`` stays light.
"""

from __future__ import annotations

from typing import Any

from backcare.diary.io import (
    COLUMN_ALIASES,
    EXPORT_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    REQUIRED_COLUMNS,
    DiaryImportError,
    Format,
    RowProblem,
    neutralise_cell,
    read_entries,
    to_csv,
    to_json,
)
from backcare.diary.model import (
    FUTURE_TOLERANCE,
    INSTRUMENT_NAMES,
    INSTRUMENTS,
    LOCATIONS,
    MAX_LABEL_CHARS,
    MAX_MEDICATION_CHARS,
    MAX_NOTE_CHARS,
    QUALITIES,
    Entry,
    Event,
    Screening,
    new_id,
)

_FRAMES = ("FRAME_COLUMNS", "entries_frame", "events_frame", "screenings_frame")


def __getattr__(name: str) -> Any:
    """The frame names, from ``backcare.diary.frames`` (pandas) on first use."""
    if name in _FRAMES:
        from backcare.diary import frames

        return getattr(frames, name)
    raise AttributeError(f"module 'backcare.diary' has no attribute {name!r}")


__all__ = [
    "COLUMN_ALIASES",
    "EXPORT_COLUMNS",
    "FUTURE_TOLERANCE",
    "INSTRUMENTS",
    "INSTRUMENT_NAMES",
    "LOCATIONS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_LABEL_CHARS",
    "MAX_MEDICATION_CHARS",
    "MAX_NOTE_CHARS",
    "QUALITIES",
    "REQUIRED_COLUMNS",
    "Entry",
    "Event",
    "Format",
    "DiaryImportError",
    "RowProblem",
    "Screening",
    "neutralise_cell",
    "new_id",
    "read_entries",
    "to_csv",
    "to_json",
    *_FRAMES,
]
