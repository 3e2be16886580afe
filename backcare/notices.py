"""Standing notices (disclaimer, emergency advice, minimum age) from ``data/notices.toml``.

The emergency notice is not written by hand: it lists every emergency sign of the red-flag
check, from ``data/red_flags.toml`` (one source for the triage, the sidebar, the home page
and the handout).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backcare.paths import DATA_DIR
from backcare.screening import load_red_flags

NOTICES_FILE = DATA_DIR / "notices.toml"


@dataclass(frozen=True)
class CallLine:
    """The short emergency line with tap-to-call numbers (data/notices.toml [call_line])."""

    emergency_number: str  # 999: the emergency signs
    urgent_number: str  # 111: urgent, not an emergency
    text: str  # with {emergency} and {urgent} where the numbers go
    emergency_text: str  # while an emergency result stands: the {emergency} part alone
    signs_label: str  # "Which signs are emergencies?"
    signs: tuple[str, ...]  # every emergency sign, from data/red_flags.toml
    source: str

    def parts(self, *, emergency_only: bool = False) -> list[tuple[str, str | None]]:
        """The text in order as (words, None) and (number, number to call) pieces;
        ``emergency_only``: the line shown while an emergency result stands."""
        numbers = {"{emergency}": self.emergency_number, "{urgent}": self.urgent_number}
        pieces: list[tuple[str, str | None]] = []
        text = self.emergency_text if emergency_only else self.text
        for chunk in re.split(r"(\{emergency\}|\{urgent\})", text):
            if chunk in numbers:
                pieces.append((numbers[chunk], numbers[chunk]))
            elif chunk:
                pieces.append((chunk, None))
        return pieces


@dataclass(frozen=True)
class Notices:
    not_a_diagnosis: str
    emergency: str  # one sentence naming every emergency sign (made from red_flags.toml)
    emergency_markdown: str  # the same, its signs as a Markdown list
    source: str
    minimum_age: int  # BackCare is made for adults: no scoring or routine below this age
    minimum_age_source: str
    adults_only: str  # what a younger person is told instead
    call_line: CallLine

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
            call_line=_call_line(raw["call_line"], rules.emergency_signs, path),
        )
    except KeyError as err:
        raise ValueError(f"{path.name}: missing field {err.args[0]!r}") from None


def _call_line(raw: dict, signs: tuple[str, ...], path: Path) -> CallLine:
    line = CallLine(
        emergency_number=str(raw["emergency_number"]).strip(),
        urgent_number=str(raw["urgent_number"]).strip(),
        text=" ".join(raw["text"].split()),
        emergency_text=" ".join(raw["emergency_text"].split()),
        signs_label=raw["signs_label"].strip(),
        signs=signs,
        source=raw["source"].strip(),
    )
    for number in (line.emergency_number, line.urgent_number):
        if not number.isdigit():
            raise ValueError(f"{path.name}: call_line numbers are digits only, not {number!r}")
    if "{emergency}" not in line.text or "{urgent}" not in line.text:
        raise ValueError(f"{path.name}: call_line.text must contain {{emergency}} and {{urgent}}")
    if "{emergency}" not in line.emergency_text or "{urgent}" in line.emergency_text:
        raise ValueError(f"{path.name}: call_line.emergency_text must contain {{emergency}} only")
    return line
