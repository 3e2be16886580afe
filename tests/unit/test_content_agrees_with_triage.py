"""Learn topics, the standing notice and the README say what the triage says (issue 12).

One answer everywhere: a Learn sentence that names an emergency or urgent sign (by the
words in its flag's ``terms`` in data/red_flags.toml) may give no weaker advice than the
triage gives that sign; "When to see a doctor" lists exactly the triage's emergency and
urgent signs under their tiers; the README's emergency line names every emergency sign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from backcare.content import plain_text, topics
from backcare.notices import load_notices
from backcare.screening import load_red_flags, triage
from tests.helpers import ROOT

RULES = load_red_flags()
TIERS = ("gp", "urgent", "emergency")  # weakest first
SIGN_FLAGS = [f for f in RULES.flags if f.level in ("emergency", "urgent")]


def _tier(text: str) -> str | None:
    """The advice a piece of text gives, by its words: None when it gives no advice."""
    low = text.lower()
    if "999" in low or "a&e" in low:
        return "emergency"
    if any(w in low for w in ("urgent", "111", "same day", "today", "at once", "straight away")):
        return "urgent"
    if any(w in low for w in ("gp", "doctor", "physio", "get help", "see a", "see your")):
        return "gp"
    return None


@dataclass(frozen=True)
class Statement:
    topic: str
    text: str  # one sentence, or one list item
    context: str  # the words its advice comes from (a list item: its heading and lead-in)


def statements(topic_id: str, body: str) -> list[Statement]:
    """Sentences of paragraphs, and list items with their section heading and lead-in."""
    found: list[Statement] = []
    heading, lead = "", ""
    for block in re.split(r"\n\s*\n", body):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].lstrip().startswith("#"):
            heading, lead = plain_text(lines[0]), ""
            lines = lines[1:]
        items = [line for line in lines if re.match(r"^\s*[-*+]\s+", line)]
        if items:
            for item in items:
                text = plain_text(item)
                found.append(Statement(topic_id, text, f"{heading} {lead} {text}"))
            continue
        paragraph = plain_text("\n".join(lines).replace("\n", " "))
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            found.append(Statement(topic_id, sentence, sentence))
        lead = paragraph
    return found


def named_signs(text: str) -> list:
    low = f" {text.lower()} "
    return [f for f in SIGN_FLAGS if any(term in low for term in f.terms)]


ALL_STATEMENTS = [s for t in topics() for s in statements(t.id, t.body)]


def weaker_than_triage(statement: Statement) -> list[str]:
    """The signs a statement names with weaker advice than the triage gives them."""
    tier = _tier(statement.context)
    if tier is None:
        return []  # names the sign without advising anything (education only)
    return [
        f"{f.id} ({f.level}) given {tier}"
        for f in named_signs(statement.text)
        if TIERS.index(tier) < TIERS.index(triage({f.id}).level)
    ]


def test_no_learn_topic_pairs_a_warning_sign_with_weaker_advice_than_the_triage():
    problems = [
        f"{s.topic}: {s.text!r}: {', '.join(found)}"
        for s in ALL_STATEMENTS
        if (found := weaker_than_triage(s))
    ]
    assert not problems, "\n".join(problems)


def test_the_check_catches_same_day_advice_for_an_emergency_sign():
    """The defect issue 12 item 6 names: flare_ups.md said "same day" for CES signs."""
    old = (
        "### Get help if\n\nGet help the same day if you notice any warning signs, such as "
        "numbness around your bottom, trouble peeing, or weakness in both legs [1]."
    )
    found = [f for s in statements("old", old) for f in weaker_than_triage(s)]
    assert {
        "saddle_numbness (emergency) given urgent",
        "bilateral_leg_symptoms (emergency) given urgent",
        "bladder_dysfunction (emergency) given urgent",
    } <= set(found)


def test_every_emergency_and_urgent_sign_is_found_by_its_terms_in_its_own_list():
    doctor = next(t for t in topics() if t.id == "when_to_see_a_doctor")
    said = " ".join(s.text for s in statements(doctor.id, doctor.body))
    for flag in SIGN_FLAGS:
        assert flag in named_signs(flag.sign), flag.id
        assert flag in named_signs(said), flag.id


# ---- "When to see a doctor" lists the triage's tiers exactly ---------------------------


def _section_items(body: str, heading_word: str) -> set[str]:
    """The list items of the section whose heading contains ``heading_word``."""
    sections = re.split(r"^###\s+", body, flags=re.M)
    (section,) = [s for s in sections if heading_word in s.splitlines()[0]]
    return {
        re.sub(r"\s+", " ", m.group(1)).strip()
        for m in re.finditer(r"^-\s+(.+)$", section, flags=re.M)
    }


DOCTOR = next(t for t in topics() if t.id == "when_to_see_a_doctor")


def test_when_to_see_a_doctor_lists_exactly_the_emergency_signs_under_999():
    assert _section_items(DOCTOR.body, "999") == set(RULES.emergency_signs)


def test_when_to_see_a_doctor_lists_exactly_the_urgent_signs_under_urgent():
    urgent = {f.sign for f in RULES.flags if f.level == "urgent"}
    urgent |= {r.sign for r in RULES.rules if r.level == "urgent"}
    assert None not in urgent, "every urgent rule needs a sign"
    assert _section_items(DOCTOR.body, "urgent") == urgent


def test_when_to_see_a_doctor_says_weak_signs_are_weak_alone_but_still_urgent():
    text = plain_text(DOCTOR.body)
    assert "rarely a sign of anything serious" in text
    assert "the NHS asks for a check the same day" in text


# ---- The standing notice and the README name every emergency sign -------------------


def _readme_emergency_line() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quote = re.search(r"((?:^>.*\n)+)", readme, flags=re.M)
    assert quote, "the README has no emergency note at the top"
    return re.sub(r"\s+", " ", re.sub(r"^>\s?", "", quote.group(1), flags=re.M))


@pytest.mark.parametrize("flag", RULES.flags_at("emergency"), ids=lambda f: f.id)
def test_every_emergency_flag_is_in_the_notice_and_the_readme(flag):
    notices = load_notices()
    assert flag.sign in notices.emergency
    assert flag.sign in notices.emergency_markdown
    line = _readme_emergency_line()
    assert flag.sign in line, f"README's emergency note lacks {flag.sign!r}"
    assert "999" in line and "A&E" in line


def test_every_see_a_gp_after_n_weeks_in_learn_uses_the_triage_number():
    """One clock everywhere: a topic that names a number of weeks before seeing a GP uses
    the triage's "a few weeks" (data/red_flags.toml), as the routine's notes do."""
    weeks = RULES.not_improving_weeks
    pattern = re.compile(r"(\d+) weeks?\b[^.]*\b(GP|doctor|physiotherapist)", re.IGNORECASE)
    found = []
    for topic in topics():
        for match in pattern.finditer(plain_text(topic.body)):
            found.append((topic.id, int(match.group(1)), match.group(0)))
    assert found, "no topic names the weeks before seeing a GP"
    wrong = [f for f in found if f[1] != weeks]
    assert not wrong, f"the triage says {weeks} weeks: {wrong}"
