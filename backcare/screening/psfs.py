"""Patient-Specific Functional Scale (PSFS): load its data file and score it openly.

Source: Stratford P, Gill C, Westaway M, Binkley J. Physiother Can 1995;47:258-63 (details
in ``data/instruments/psfs.toml``). The person names up to 5 activities and rates each from
0 (unable) to 10 (as before the problem); the score is the average, and HIGHER IS BETTER.
Activity names are the person's own words: plain text, length-limited, never markdown. Its
minimal important change is in its registry entry, ``backcare.screening.instruments``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backcare.screening import base
from backcare.screening.base import Tool, Worked

ID = "psfs"
DATA_FILE = base.INSTRUMENTS_DIR / f"{ID}.toml"
RATINGS = range(0, 11)  # each activity 0..10
DECIMALS, UNIT = 1, ""  # the average of the ratings, read to one decimal


@dataclass(frozen=True)
class PsfsTool(Tool):
    question: str
    low: str
    high: str
    clinician_note: str
    clinician_note_source: str
    meaning: str
    meaning_source: str
    max_activities: int
    max_activity_chars: int


@cache
def load_psfs(path: Path = DATA_FILE) -> PsfsTool:
    raw = base.load_toml(path)
    where = path.name
    most, chars = raw.get("max_activities", 0), raw.get("max_activity_chars", 0)
    if not (base.is_int(most) and base.is_int(chars) and 1 <= most <= 10 < chars):
        raise ValueError(
            f"{where}: max_activities (1-10) and max_activity_chars (over 10) are needed"
        )
    return PsfsTool(
        **base.tool_fields(raw, where),
        question=base.field_text(raw, "question", where),
        low=base.field_text(raw, "low", where),
        high=base.field_text(raw, "high", where),
        clinician_note=base.field_text(raw, "clinician_note", where),
        clinician_note_source=base.field_text(raw, "clinician_note_source", where),
        meaning=base.field_text(raw, "meaning", where),
        meaning_source=base.field_text(raw, "meaning_source", where),
        max_activities=int(most),
        max_activity_chars=int(chars),
    )


@dataclass(frozen=True)
class PsfsResult:
    ratings: tuple[int, ...]  # 1..5 ratings, 0..10 each, in the order given
    activities: tuple[str, ...]  # the person's names for them ("" where none was given)
    mean: float  # 0..10, unrounded; higher is better
    rule: str
    source: str
    score: float  # the mean, for the diary (date, instrument, score)
    instrument: str = ID

    @property
    def item_points(self) -> tuple[int, ...]:
        return self.ratings

    def saved_details(self) -> dict[str, str | int]:
        """Kept with the score in the person's own diary (the FHIR export leaves the
        activity names out unless the person asks for them)."""
        return {
            "ratings": " ".join(map(str, self.ratings)),
            "activities": "\n".join(self.activities),
        }


def _clean_name(number: int, name: object, limit: int) -> str:
    if name is None:
        return ""
    if not isinstance(name, str):
        raise ValueError(f"PSFS activity {number}: the activity's name must be text")
    clean = " ".join(name.split())  # one line of plain text
    if len(clean) > limit:
        raise ValueError(
            f"PSFS activity {number}: the name is {len(clean)} characters long; keep it to "
            f"{limit} or fewer"
        )
    return clean


def psfs(ratings: Sequence[int], activities: Sequence[str | None] | None = None) -> PsfsResult:
    """Score the PSFS: 1 to 5 ratings, each a whole number 0..10, with the activities'
    names if given (the same number of them). Score = mean of the ratings (Stratford 1995).

    ValueError names the problem: no rating, too many, a rating outside 0-10, or names that
    do not match the ratings.
    """
    tool = load_psfs()
    if isinstance(ratings, str | bytes) or not isinstance(ratings, Sequence):
        raise ValueError(f"PSFS: give the ratings as a list, not {ratings!r}")
    values = list(ratings)
    if not values:
        raise ValueError("PSFS: name at least one activity and rate it from 0 to 10")
    if len(values) > tool.max_activities:
        raise ValueError(f"PSFS: rate at most {tool.max_activities} activities, got {len(values)}")
    for number, value in enumerate(values, start=1):
        if not base.is_int(value) or value not in RATINGS:
            raise ValueError(
                f"PSFS activity {number}: the rating must be a whole number from 0 to 10, "
                f"got {value!r}"
            )
    names: list[str | None] = [None] * len(values) if activities is None else list(activities)
    if isinstance(activities, str | bytes) or len(names) != len(values):
        raise ValueError(f"PSFS: give one activity name per rating ({len(values)}), or none at all")
    clean = tuple(
        _clean_name(n, name, tool.max_activity_chars) for n, name in enumerate(names, start=1)
    )
    rated = tuple(int(v) for v in values)
    mean = sum(rated) / len(rated)
    return PsfsResult(
        ratings=rated,
        activities=clean,
        mean=mean,
        rule=tool.rule,
        source=tool.source,
        score=mean,
    )


def psfs_answers(answers: Sequence[tuple[str | None, int | None]]) -> PsfsResult:
    """``psfs`` from the form's rows: (activity name, rating) for each row filled in. A row
    with a name but no rating (or a rating but no name) is named in the error."""
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError("PSFS: give the activities as a list of (name, rating) rows")
    names: list[str] = []
    ratings: list[int] = []
    for number, (name, rating) in enumerate(answers, start=1):
        if rating is None:
            raise ValueError(f"PSFS activity {number}: choose a rating from 0 to 10")
        if name is None or not str(name).strip():
            raise ValueError(f"PSFS activity {number}: write the activity's name")
        names.append(str(name))
        ratings.append(rating)
    return psfs(ratings, names)


def worked(result: PsfsResult) -> Worked:
    """The result as the clinician summary prints it (activities by number, not by name)."""
    count = len(result.ratings)
    return Worked(
        "Patient-Specific Functional Scale",
        f"{base.format_score(result.mean, DECIMALS, UNIT)} of 10 (higher is better)",
        f"{base.points_row('Activities', result.ratings)}; the average of the {count}. "
        f"{result.rule}",
        result.source,
    )
