"""The questionnaire registry: one entry per instrument, read by everything else.

The Screening page's tabs, the session's results (``backcare.ui.state``), the diary's valid
instrument ids and names, the trends and their charts (names, scale, minimal important
change), the clinician summary (order and wording) and the About page's licences all come
from here. Modelled on tablib's format registry: each instrument is one module of the same
shape (``backcare.screening.base``), added by its import and one item in ``_ENTRIES``.

Adding a questionnaire: its data file (``data/instruments/<id>.toml``), its module (in the
shape of ``peg.py``: ``load_<id>``, a result with ``instrument``, ``score`` and
``saved_details()``, a scoring function, ``worked`` and ``INSTRUMENT``), its entry here, and
its form and result widgets (``backcare.ui.screening_widgets.WIDGETS``).
``tests/unit/test_instruments.py`` checks that every entry has all of them.
"""

from __future__ import annotations

from typing import Any

from backcare.screening.base import Instrument, MinimalImportantChange, Worked
from backcare.screening.oswestry import INSTRUMENT as OSWESTRY
from backcare.screening.peg import INSTRUMENT as PEG
from backcare.screening.start_back import INSTRUMENT as START_BACK

# The registry: each module's INSTRUMENT, in the order they are offered and printed.
# (Imported by name: ``backcare.screening.start_back`` is also the scoring function.)
_ENTRIES: tuple[Instrument[Any], ...] = (START_BACK, OSWESTRY, PEG)

INSTRUMENTS: dict[str, Instrument[Any]] = {entry.id: entry for entry in _ENTRIES}
"""Instrument id -> its entry, in the order the Screening page offers them."""

MIC: dict[str, MinimalImportantChange] = {
    entry.id: entry.mic for entry in _ENTRIES if entry.mic is not None
}
"""The instruments' minimal important changes (``backcare.change.MIC`` adds pain's)."""


def instrument(instrument_id: str) -> Instrument[Any]:
    """The registry entry for ``instrument_id``; ValueError naming the known ids if none."""
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        known = ", ".join(INSTRUMENTS)
        raise ValueError(f"unknown instrument {instrument_id!r}; expected one of {known}") from None


__all__ = ["INSTRUMENTS", "MIC", "Instrument", "MinimalImportantChange", "Worked", "instrument"]
