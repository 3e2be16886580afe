"""Education topics: every shipped file is valid, cited and readable; search; suggestions."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import content
from backcare.content import plain_text, search, suggestions, topics
from backcare.figures import BUILDERS

TOPIC_IDS = [
    "symptoms",
    "causes",
    "when_to_see_a_doctor",
    "why_exercise_helps",
    "how_exercise_helps_the_back",
    "stretching",
    "which_exercises",
    "getting_guidance",
    "gym_or_home",
    "yoga",
    "myths",
    "flare_ups",
]
MAX_GRADE = 9  # Flesch-Kincaid grade, a usual bar for patient information
WORDS_PER_MINUTE = 150  # a relaxed reading pace for health text
TOPICS = {t.id: t for t in topics()}


# --------------------------------------------------------------------------- shipped content


def test_twelve_topics_in_reading_order():
    assert [t.id for t in topics()] == TOPIC_IDS


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_topic_has_the_contract_fields(topic_id):
    t = TOPICS[topic_id]
    assert t.title and t.summary and t.body
    assert "\n" not in t.summary
    assert isinstance(t.last_reviewed, date)
    assert t.reading_minutes >= 1
    assert all(s.citation and s.url.startswith("https://") for s in t.sources)


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_every_citation_resolves_and_every_source_is_cited(topic_id):
    t = TOPICS[topic_id]
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", t.body)}
    assert numbers, "the body cites nothing"
    assert numbers == set(range(1, len(t.sources) + 1))


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_at_least_two_sources(topic_id):
    assert len(TOPICS[topic_id].sources) >= 2


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_body_reads_at_grade_nine_or_below(topic_id):
    text = TOPICS[topic_id].plain_text
    assert "[" not in text and "**" not in text and "#" not in text
    assert textstat.flesch_kincaid_grade(text) <= MAX_GRADE


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_reading_minutes_match_the_length(topic_id):
    t = TOPICS[topic_id]
    words = len(t.plain_text.split())
    assert abs(t.reading_minutes - words / WORDS_PER_MINUTE) <= 1


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_related_topics_exist_and_figures_can_be_drawn(topic_id):
    t = TOPICS[topic_id]
    assert t.related and set(t.related) <= set(TOPIC_IDS) - {topic_id}
    if t.figure is not None:
        assert t.figure in BUILDERS


def test_at_least_three_topics_have_a_figure_and_all_figures_are_used():
    used = {t.figure for t in topics() if t.figure}
    assert len(used) >= 3
    assert used == set(BUILDERS)


def test_doctor_topic_links_to_the_screening_page():
    assert TOPICS["when_to_see_a_doctor"].links_to_page == "screening"
    assert "Screening page" in TOPICS["when_to_see_a_doctor"].body


@pytest.mark.parametrize("topic_id", ["symptoms", "when_to_see_a_doctor"])
def test_says_it_is_not_a_diagnosis(topic_id):
    assert "not a diagnosis" in TOPICS[topic_id].body


# The evidence, where the seed article overstates: each topic must say it (case table).
EVIDENCE = [
    ("stretching", "stretching on its own did no better than no treatment", "Owen 2020"),
    ("stretching", "flexibility work did help people with daily tasks", "Hayden 2021 J Physiother"),
    ("myths", "bed rest does not help", "Dahm 2010"),
    ("myths", "should not order scans as a matter of routine", "NICE NG59 1.1.4"),
    ("myths", "belts and corsets should not be offered", "NICE NG59"),
    ("myths", "advises against back braces", "WHO 2023"),
    ("causes", "96 in 100 at age 80", "Brinjikji 2015"),
    ("why_exercise_helps", "about 15 points less pain", "Hayden 2021"),
    ("flare_ups", "staying in bed does not help", "Dahm 2010"),
    ("yoga", "hatha, iyengar or viniyoga", "Wieland 2022"),
]


@pytest.mark.parametrize(("topic_id", "phrase", "_source"), EVIDENCE)
def test_topic_follows_the_evidence(topic_id, phrase, _source):
    assert phrase in TOPICS[topic_id].plain_text.lower()


# Claims the seed article makes that the evidence does not support: never say them.
OVERSTATEMENTS = [
    "stretching can help improve the quality of muscles",
    "prevents sore muscles",
    "machines can often be a much safer option",
    "drastically reduce",
    "cure",
    "guarantee",
    "sure way",
]


@pytest.mark.parametrize("phrase", OVERSTATEMENTS)
def test_no_topic_overstates(phrase):
    for t in topics():
        assert not re.search(rf"\b{re.escape(phrase)}\b", t.plain_text.lower()), t.id


# Claims a review found without a source (issue 12, item 15). Each sentence (or list item)
# that makes the claim must carry a citation, or say plainly that no good evidence was
# found; a claim no source supports may also be removed.
UNCITED_CLAIMS = [
    # (topic, pattern naming the claim, must the claim still be there?)
    ("causes", r"position to sleep|sleep position|sleeping position", True),
    ("how_exercise_helps_the_back", r"\bposture\b", True),
    ("how_exercise_helps_the_back", r"\brests?\b|\bresting\b|stiffen", True),
    ("gym_or_home", r"machines? (are|is) safer", True),
    ("which_exercises", r"all fours", True),
    ("which_exercises", r"partial curl", True),
    ("stretching", r"bounc", False),
    ("yoga", r"restorative", True),
    ("flare_ups", r"rest a little|break things up", True),
]
_NO_EVIDENCE = re.compile(r"^(we found no|no good stud)", re.IGNORECASE)


def _claims(body: str) -> list[str]:
    """The body as units that carry their own citation: each list item, and each sentence
    of a paragraph (the citation stands before the full stop: "... daily tasks [1].")."""
    units = []
    for line in body.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("- "):
            units.append(line[2:])
            continue
        units += re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", line)
    return units


@pytest.mark.parametrize(
    ("topic_id", "pattern", "kept"), UNCITED_CLAIMS, ids=[f"{t} {p}" for t, p, _ in UNCITED_CLAIMS]
)
def test_each_reviewed_claim_is_cited_or_says_no_evidence_was_found(topic_id, pattern, kept):
    t = TOPICS[topic_id]
    hits = [u for u in _claims(t.body) if re.search(pattern, u, re.IGNORECASE)]
    if kept:
        assert hits, f"{topic_id}: no sentence matches {pattern!r}"
    for unit in hits:
        cited = re.search(r"\[\d+\]", unit)
        assert cited or _NO_EVIDENCE.match(unit), f"{topic_id}: uncited claim: {unit!r}"


def test_stretching_says_the_evidence_is_mixed_and_cites_both_reviews():
    t = TOPICS["stretching"]
    assert "mixed" in t.plain_text.lower()
    citations = {s.citation.split(".")[0]: n for n, s in enumerate(t.sources, start=1)}
    owen = next(n for c, n in citations.items() if c.startswith("Owen PJ"))
    hayden = next(n for c, n in citations.items() if c.startswith("Hayden JA"))
    assert "J Physiother 2021;67(4):252-62" in t.sources[hayden - 1].citation
    assert {owen, hayden} <= t.cited
    research = t.body.split("### ")[1]  # "What the research says"
    assert f"[{owen}]" in research and f"[{hayden}]" in research


# --------------------------------------------------------------------------- plain text


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Walk daily [1].", "Walk daily."),
        ("## Heading\nText here [2] [3].", "Heading. Text here."),
        ("- **Bold** item\n- second", "Bold item. second."),
        ("See [the page](https://x.org) now.", "See the page now."),
    ],
)
def test_plain_text_strips_markdown_and_citations(markdown, expected):
    assert plain_text(markdown) == expected


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("yoga", "yoga"),
        ("YOGA", "yoga"),
        ("stretching", "stretching"),
        ("doctor", "when_to_see_a_doctor"),
        ("myths", "myths"),
        ("flare", "flare_ups"),
        ("gym", "gym_or_home"),
        ("exercise", "why_exercise_helps"),
    ],
)
def test_search_puts_the_title_hit_first(query, first):
    assert search(query)[0].id == first


def test_title_hits_outrank_body_hits():
    # "exercise" is in three titles and in the bodies of several other topics.
    hits = search("exercise")
    in_title = ["exercise" in t.title.lower() for t in hits]
    assert in_title[:3] == [True, True, True] and not any(in_title[3:])
    assert len(hits) > 3


def test_summary_hit_outranks_body_only_hit():
    # "scans" is in the myths summary and only in the body of causes.
    hits = [t.id for t in search("scans")]
    assert hits.index("myths") < hits.index("causes")


def test_search_is_case_insensitive_and_blank_returns_everything():
    assert search("Walking") == search("walking")
    assert [t.id for t in search("")] == TOPIC_IDS
    assert [t.id for t in search("   ")] == TOPIC_IDS


def test_every_word_must_match_and_nonsense_finds_nothing():
    assert search("zebra") == []
    both = {t.id for t in search("stretching pilates")}
    assert both and all(
        "stretching" in (t.title + t.summary + t.plain_text).lower()
        and "pilates" in (t.title + t.summary + t.plain_text).lower()
        for t in topics()
        if t.id in both
    )


VOCAB = sorted(
    {w for t in topics() for w in re.findall(r"[a-z]{4,}", (t.title + " " + t.summary).lower())}
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=2))
def test_search_property_title_matches_come_first(words):
    hits = search(" ".join(words))
    assert len({t.id for t in hits}) == len(hits)
    in_title = [all(w in t.title.lower() for w in words) for t in hits]
    # Once a result lacks some word in its title, no later result has all words in its title.
    assert in_title == sorted(in_title, reverse=True)


# --------------------------------------------------------------------------- malformed files

GOOD_A = """\
+++
id = "alpha"
order = 1
title = "Alpha"
summary = "First topic."
reading_minutes = 1
related = ["beta"]
last_reviewed = 2026-01-01

[[sources]]
citation = "Source one"
url = "https://example.org/1"

[[sources]]
citation = "Source two"
url = "https://example.org/2"
+++
Moving helps [1]. Rest does not [2].
"""
GOOD_B = (
    GOOD_A.replace('"alpha"', '"beta"')
    .replace("order = 1", "order = 2")
    .replace('related = ["beta"]', 'related = ["alpha"]')
)


def _write(tmp_path: Path, a: str = GOOD_A, b: str = GOOD_B) -> Path:
    (tmp_path / "alpha.md").write_text(a, encoding="utf-8")
    (tmp_path / "beta.md").write_text(b, encoding="utf-8")
    return tmp_path


def test_good_files_load_in_order(tmp_path):
    loaded = content.load_topics(_write(tmp_path))
    assert [t.id for t in loaded] == ["alpha", "beta"]
    assert loaded[0].sources[1].url == "https://example.org/2"


MALFORMED = [
    ("missing field", GOOD_A.replace('title = "Alpha"\n', ""), "missing field 'title'"),
    ("bad toml", GOOD_A.replace('title = "Alpha"', "title = Alpha"), "not valid TOML"),
    ("citation past sources", GOOD_A.replace("[2].", "[2] [3]."), r"citation\(s\) \[3\]"),
    ("unknown related", GOOD_A.replace('["beta"]', '["gamma"]'), "'gamma'.*do not exist"),
    ("id not file name", GOOD_A.replace('id = "alpha"', 'id = "other"'), "must match"),
    (
        "one source",
        GOOD_A.split('[[sources]]\ncitation = "Source two"')[0].rstrip() + "\n+++\nA [1].\n",
        "at least 2 sources",
    ),
    ("uncited source", GOOD_A.replace(" Rest does not [2].", ""), r"source\(s\) \[2\]"),
    ("no front matter", "Just text [1].\n", "must start with"),
    ("unclosed front matter", GOOD_A.replace("+++\nMoving", "Moving"), "no closing"),
    ("http url", GOOD_A.replace("https://example.org/1", "http://x"), "https://"),
    ("unknown field", GOOD_A.replace("order = 1", "order = 1\ncolour = 3"), "unknown field"),
    ("missing figure", GOOD_A.replace("order = 1", 'order = 1\nfigure = "nope"'), "nope.csv"),
    (
        "bad page link",
        GOOD_A.replace("order = 1", 'order = 1\nlinks_to_page = "moon"'),
        "links_to_page",
    ),
    ("empty body", GOOD_A.split("+++\nMoving")[0] + "+++\n", "body is empty"),
    ("same order", GOOD_A.replace("order = 1", "order = 2"), "order 2 is also used"),
    ("wrong type", GOOD_A.replace("reading_minutes = 1", 'reading_minutes = "1"'), "int"),
    ("self related", GOOD_A.replace('["beta"]', '["alpha"]'), "related to itself"),
    ("date as text", GOOD_A.replace("2026-01-01", '"soon"'), "last_reviewed"),
]


@pytest.mark.parametrize(("_case", "text", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_file_raises_naming_the_file(tmp_path, _case, text, message):
    directory = _write(tmp_path, a=text)
    with pytest.raises(ValueError, match=r"alpha\.md") as err:
        content.load_topics(directory)
    assert re.search(message, str(err.value)), str(err.value)


def test_empty_directory_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no topic files"):
        content.load_topics(tmp_path)


def test_unknown_topic_id_is_an_error():
    with pytest.raises(ValueError, match="no topic with id 'nope'"):
        content.topic("nope")


# --------------------------------------------------------------------------- suggestions

SUGGESTION_CASES = [
    ({}, []),
    ({"start_back_risk": "low", "psychosocial": 0}, ["why_exercise_helps", "which_exercises"]),
    ({"start_back_risk": "medium", "psychosocial": 2}, ["which_exercises", "getting_guidance"]),
    (
        {"start_back_risk": "high", "psychosocial": 4},
        ["myths", "flare_ups", "getting_guidance"],
    ),
    ({"psychosocial": 5}, ["myths", "flare_ups"]),
    ({"psychosocial": 3}, []),
    ({"leg_pain": True}, ["when_to_see_a_doctor"]),
    ({"leg_pain": False}, []),
    ({"triage_level": "gp"}, ["when_to_see_a_doctor"]),
    ({"triage_level": "emergency"}, ["when_to_see_a_doctor"]),
    ({"triage_level": "self_care"}, []),
    ({"oswestry_band": "severe"}, ["getting_guidance", "flare_ups"]),
    ({"oswestry_band": "minimal"}, ["why_exercise_helps", "how_exercise_helps_the_back"]),
    # An emergency or urgent result speaks alone (issue 12 item 5): no exercise topics.
    (
        {"triage_level": "urgent", "start_back_risk": "low", "psychosocial": 1},
        ["when_to_see_a_doctor"],
    ),
    (
        {
            "triage_level": "emergency",
            "start_back_risk": "high",
            "psychosocial": 5,
            "leg_pain": True,
            "oswestry_band": "minimal",
        },
        ["when_to_see_a_doctor"],
    ),
    (
        {"triage_level": "gp", "start_back_risk": "low", "psychosocial": 1},
        ["when_to_see_a_doctor", "why_exercise_helps", "which_exercises"],
    ),
]


@pytest.mark.parametrize(("values", "expected"), SUGGESTION_CASES)
def test_suggestions_follow_screening_results(values, expected):
    assert [s.topic_id for s in suggestions(**values)] == expected


def test_each_suggestion_says_why():
    for s in suggestions(start_back_risk="high", psychosocial=5, leg_pain=True):
        assert s.why and s.topic_id in TOPICS


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"start_back_risk": "very high"}, "start_back_risk"),
        ({"psychosocial": 6}, "psychosocial"),
        ({"psychosocial": -1}, "psychosocial"),
        ({"triage_level": "maybe"}, "triage_level"),
    ],
)
def test_bad_screening_values_are_rejected(values, message):
    with pytest.raises(ValueError, match=message):
        suggestions(**values)


def test_every_rule_names_its_source_and_real_topics():
    for rule in content.load_rules():
        assert rule.source and rule.why
        assert set(rule.suggest) <= set(TOPIC_IDS)


@settings(max_examples=100, deadline=None)
@given(
    risk=st.sampled_from([None, *content.START_BACK_RISKS]),
    psychosocial=st.one_of(st.none(), st.integers(0, 5)),
    leg_pain=st.one_of(st.none(), st.booleans()),
    level=st.sampled_from([None, *content.TRIAGE_LEVELS]),
)
def test_suggestion_properties(risk, psychosocial, leg_pain, level):
    result = suggestions(
        start_back_risk=risk, psychosocial=psychosocial, leg_pain=leg_pain, triage_level=level
    )
    ids = [s.topic_id for s in result]
    assert len(ids) == len(set(ids)) and set(ids) <= set(TOPIC_IDS)
    if leg_pain or level in {"emergency", "urgent", "gp"}:
        assert ids[0] == "when_to_see_a_doctor"  # safety first
    if level in {"emergency", "urgent"}:
        assert ids == ["when_to_see_a_doctor"]  # get checked first; nothing else
        assert "get checked first" in result[0].why
    elif psychosocial is not None and psychosocial >= 4:
        assert {"myths", "flare_ups"} <= set(ids)


BAD_RULES = [
    (
        '[[rule]]\nid = "x"\nwhen = { leg_pain = true }\nsuggest = ["nope"]\nwhy = "w"\n'
        'source = "s"\n',
        "unknown topic",
    ),
    (
        '[[rule]]\nid = "x"\nwhen = { mood = true }\nsuggest = ["alpha"]\nwhy = "w"\n'
        'source = "s"\n',
        "unknown condition 'mood'",
    ),
    (
        '[[rule]]\nid = "x"\nwhen = { leg_pain = true }\nsuggest = ["alpha"]\nwhy = "w"\n',
        "missing 'source'",
    ),
    (
        '[[rule]]\nid = "x"\nwhen = { leg_pain = true }\nsuggest = ["alpha"]\nwhy = "w"\n'
        'source = "s"\nlast = "yes"\n',
        "'last' must be true or false",
    ),
    ("rule = [", "not valid TOML"),
    ("", "no \\[\\[rule\\]\\]"),
]


@pytest.mark.parametrize(("text", "message"), BAD_RULES)
def test_malformed_rules_file_raises_naming_it(tmp_path, text, message):
    (tmp_path / "topics").mkdir()
    directory = _write(tmp_path / "topics")
    rules = tmp_path / "rules.toml"
    rules.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(ValueError, match=rf"rules\.toml.*{message}"):
        content.load_rules(rules, directory)


# --------------------------------------------------------------------------- result objects

_SB = SimpleNamespace  # a stand-in for the screening page's frozen result dataclasses
INPUT_CASES = [
    ("nothing", (None, None, None), {}),
    (
        "start back with leg pain",
        (_SB(risk="high", psychosocial=4, answers=(1, 0, 0, 0, 1, 1, 1, 1, 0)), None, None),
        {"start_back_risk": "high", "psychosocial": 4, "leg_pain": True},
    ),
    (
        "start back without leg pain",
        (_SB(risk="low", psychosocial=0, answers=(0,) * 9), None, None),
        {"start_back_risk": "low", "psychosocial": 0, "leg_pain": False},
    ),
    ("triage", (None, _SB(level="gp", flags=frozenset()), None), {"triage_level": "gp"}),
    ("band as id", (None, None, _SB(percent=30.0, band="moderate")), {"oswestry_band": "moderate"}),
    (
        "band as object",
        (None, None, _SB(percent=70.0, band=_SB(id="very_severe"))),
        {"oswestry_band": "very_severe"},
    ),
    ("odd values", (_SB(risk="?", psychosocial=9, answers="x"), "junk", 3), {}),
]


@pytest.mark.parametrize(
    ("_case", "results", "expected"), INPUT_CASES, ids=[c[0] for c in INPUT_CASES]
)
def test_suggestion_inputs_read_result_objects(_case, results, expected):
    blank = dict.fromkeys(
        ["start_back_risk", "psychosocial", "leg_pain", "triage_level", "oswestry_band"]
    )
    values = content.suggestion_inputs(*results)
    assert values == {**blank, **expected}
    suggestions(**values)  # always acceptable input
