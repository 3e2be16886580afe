"""Education topics: load, validate and search the reviewed Markdown in ``data/content/``.

Each topic is one Markdown file with TOML front matter between ``+++`` lines::

    +++
    id = "myths"                      # must match the file name
    order = 11                        # reading order, unique
    title = "Common myths about back pain"
    summary = "One line."
    reading_minutes = 3
    related = ["flare_ups"]           # ids of other topics
    last_reviewed = 2026-11-24        # a TOML date
    figure = "scan_findings"          # optional: data/figures/<id>.csv
    links_to_page = "screening"       # optional: a BackCare page the topic points to
    [[sources]]
    citation = "NICE NG59 ..."
    url = "https://..."
    +++
    Body in Markdown, citing sources as [1], [2] ...

Anything malformed raises ``ValueError`` naming the file, so a broken file never reaches
a reader. ``suggestions()`` turns screening results into topics to read next, following
the rules (each with its source) in ``data/content/suggestions.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from backcare.paths import DATA_DIR
from backcare.screening.start_back import RISKS
from backcare.screening.triage import LEVELS

CONTENT_DIR = DATA_DIR / "content"
FIGURES_DIR = DATA_DIR / "figures"
SUGGESTIONS_FILE = CONTENT_DIR / "suggestions.toml"

MIN_SOURCES = 2
# Pages a topic may point to (keys of backcare.ui.frame.PAGES, kept here without streamlit).
LINKABLE_PAGES = frozenset({"screening", "routine", "diary", "about"})

_DELIMITER = "+++"
_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "order": int,
    "title": str,
    "summary": str,
    "reading_minutes": int,
    "related": list,
    "last_reviewed": date,
    "sources": list,
}
_OPTIONAL: dict[str, type] = {"figure": str, "links_to_page": str}
_CITATION = re.compile(r"\[(\d+)\](?!\()")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Source:
    citation: str
    url: str


@dataclass(frozen=True)
class Topic:
    id: str
    order: int
    title: str
    summary: str
    body: str
    sources: tuple[Source, ...]
    related: tuple[str, ...]
    reading_minutes: int
    last_reviewed: date
    figure: str | None = None
    links_to_page: str | None = None

    @property
    def plain_text(self) -> str:
        """The body as plain sentences (for readability checks and word counts)."""
        return plain_text(self.body)

    @property
    def cited(self) -> frozenset[int]:
        """The source numbers the body cites."""
        return frozenset(int(n) for n in _CITATION.findall(self.body))


# --------------------------------------------------------------------------- loading


def _split(path: Path, text: str) -> tuple[str, str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != _DELIMITER:
        raise ValueError(f"{path.name}: must start with a '+++' line opening the front matter")
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == _DELIMITER:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]).strip()
    raise ValueError(f"{path.name}: front matter has no closing '+++' line")


def _source(path: Path, n: int, raw: Any) -> Source:
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: source {n} must be a table with citation and url")
    citation, url = raw.get("citation"), raw.get("url")
    if not isinstance(citation, str) or not citation.strip():
        raise ValueError(f"{path.name}: source {n} has no citation")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise ValueError(f"{path.name}: source {n} needs a url starting with https://")
    extra = set(raw) - {"citation", "url"}
    if extra:
        raise ValueError(f"{path.name}: source {n} has unknown field(s) {sorted(extra)}")
    return Source(citation=citation.strip(), url=url.strip())


def _type_name(kind: type | tuple[type, ...]) -> str:
    return " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__


def parse_topic(path: Path, figures_dir: Path = FIGURES_DIR) -> Topic:
    """Read and check one topic file on its own (related ids are checked by load_topics)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path.name}: cannot be read ({err})") from None
    front, body = _split(path, text)
    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{path.name}: front matter is not valid TOML ({err})") from None

    for field, kind in _REQUIRED.items():
        if field not in meta:
            raise ValueError(f"{path.name}: missing field {field!r}")
        value = meta[field]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValueError(f"{path.name}: field {field!r} must be a {_type_name(kind)}")
    for field, kind in _OPTIONAL.items():
        if field in meta and not isinstance(meta[field], kind):
            raise ValueError(f"{path.name}: field {field!r} must be a {kind.__name__}")
    unknown = set(meta) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise ValueError(f"{path.name}: unknown field(s) {sorted(unknown)}")

    topic_id = meta["id"]
    if topic_id != path.stem or not _ID.match(topic_id):
        raise ValueError(f"{path.name}: id {topic_id!r} must match the file name {path.stem!r}")
    for field in ("title", "summary"):
        value = meta[field].strip()
        if not value or "\n" in value:
            raise ValueError(f"{path.name}: {field} must be one non-empty line")
    if meta["reading_minutes"] < 1:
        raise ValueError(f"{path.name}: reading_minutes must be at least 1")
    if not body:
        raise ValueError(f"{path.name}: the body is empty")
    related = meta["related"]
    if not all(isinstance(r, str) for r in related) or len(set(related)) != len(related):
        raise ValueError(f"{path.name}: related must be a list of distinct topic ids")
    if topic_id in related:
        raise ValueError(f"{path.name}: a topic cannot be related to itself")

    sources = tuple(_source(path, n, raw) for n, raw in enumerate(meta["sources"], start=1))
    if len(sources) < MIN_SOURCES:
        raise ValueError(f"{path.name}: needs at least {MIN_SOURCES} sources, has {len(sources)}")
    numbers = _CITATION.findall(body)
    too_long = [n for n in numbers if len(n) > 4]  # int() refuses 4,300+ digits
    if too_long:
        raise ValueError(f"{path.name}: citation [{too_long[0][:10]}...] is not a source number")
    cited = {int(n) for n in numbers}
    missing = sorted(n for n in cited if not 1 <= n <= len(sources))
    if missing:
        raise ValueError(
            f"{path.name}: citation(s) {missing} point past the {len(sources)} sources listed"
        )
    uncited = sorted(set(range(1, len(sources) + 1)) - cited)
    if uncited:
        raise ValueError(f"{path.name}: source(s) {uncited} are listed but never cited")

    figure = meta.get("figure")
    if figure is not None and not (figures_dir / f"{figure}.csv").is_file():
        raise ValueError(f"{path.name}: figure {figure!r} has no file {figure}.csv")
    page = meta.get("links_to_page")
    if page is not None and page not in LINKABLE_PAGES:
        raise ValueError(
            f"{path.name}: links_to_page {page!r} is not one of {sorted(LINKABLE_PAGES)}"
        )

    return Topic(
        id=topic_id,
        order=meta["order"],
        title=meta["title"].strip(),
        summary=meta["summary"].strip(),
        body=body,
        sources=sources,
        related=tuple(related),
        reading_minutes=meta["reading_minutes"],
        last_reviewed=meta["last_reviewed"],
        figure=figure,
        links_to_page=page,
    )


def load_topics(
    directory: Path = CONTENT_DIR, figures_dir: Path = FIGURES_DIR
) -> tuple[Topic, ...]:
    """Every ``*.md`` topic in ``directory``, checked, in reading order."""
    paths = sorted(Path(directory).glob("*.md"))
    if not paths:
        raise ValueError(f"{directory}: no topic files (*.md) found")
    loaded = [(path, parse_topic(path, figures_dir)) for path in paths]
    ids = {t.id for _, t in loaded}
    seen_order: dict[int, str] = {}
    for path, topic in loaded:
        unknown = [r for r in topic.related if r not in ids]
        if unknown:
            raise ValueError(f"{path.name}: related topic(s) {unknown} do not exist")
        if topic.order in seen_order:
            raise ValueError(
                f"{path.name}: order {topic.order} is also used by {seen_order[topic.order]}.md"
            )
        seen_order[topic.order] = topic.id
    return tuple(sorted((t for _, t in loaded), key=lambda t: t.order))


@cache
def _cached_topics(directory: Path) -> tuple[Topic, ...]:
    return load_topics(directory)


def topics(directory: Path = CONTENT_DIR) -> tuple[Topic, ...]:
    """The topics in reading order (loaded once per directory)."""
    return _cached_topics(Path(directory))


def topic(topic_id: str, directory: Path = CONTENT_DIR) -> Topic:
    """One topic by id; an unknown id raises ValueError."""
    for t in topics(directory):
        if t.id == topic_id:
            return t
    raise ValueError(f"no topic with id {topic_id!r}")


# --------------------------------------------------------------------------- text helpers

_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_MARKS = re.compile(r"[*_`>#]+")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")


def plain_text(markdown: str) -> str:
    """Markdown as plain sentences: no citation markers, marks, bullets or headings.

    Headings and list items become sentences of their own (a full stop is added when
    they have none), so a readability score does not read a list as one long sentence.
    """
    text = _CITATION.sub("", markdown)
    text = _MD_LINK.sub(r"\1", text)
    sentences = []
    for raw in text.splitlines():
        line = _MD_MARKS.sub("", _BULLET.sub("", raw)).strip()
        line = re.sub(r"\s+([.,;:!?])", r"\1", line)
        line = re.sub(r"\s{2,}", " ", line)
        if not line:
            continue
        if line[-1] not in ".!?:":
            line += "."
        sentences.append(line)
    return " ".join(sentences)


# --------------------------------------------------------------------------- search

_TITLE_WEIGHT, _SUMMARY_WEIGHT, _BODY_CAP = 100, 10, 5


def _score(topic: Topic, terms: list[str]) -> int:
    """Per term: 100 for a title hit, 10 for a summary hit, 1 per body hit (at most 5).

    A topic matches only if every term appears somewhere. One title hit (100) outweighs
    any number of summary and body hits for that term (10 + 5), so title hits rank first.
    """
    title, summary, body = topic.title.lower(), topic.summary.lower(), topic.plain_text.lower()
    total = 0
    for term in terms:
        score = (
            _TITLE_WEIGHT * (term in title)
            + _SUMMARY_WEIGHT * (term in summary)
            + min(body.count(term), _BODY_CAP)
        )
        if score == 0:
            return 0
        total += score
    return total


def search(query: str, directory: Path = CONTENT_DIR) -> list[Topic]:
    """Topics matching every word of ``query`` (case-insensitive), best first.

    Title hits weigh most, then summary, then body; ties keep reading order. An empty or
    blank query returns every topic in reading order (the page then shows the full list).
    """
    all_topics = topics(directory)
    terms = [t for t in re.findall(r"[\w']+", query.lower()) if t]
    if not terms:
        return list(all_topics)
    scored = [(_score(t, terms), t) for t in all_topics]
    hits = [(s, t) for s, t in scored if s > 0]
    hits.sort(key=lambda st: (-st[0], st[1].order))
    return [t for _, t in hits]


# --------------------------------------------------------------------------- suggestions

START_BACK_RISKS = RISKS  # the one home: backcare.screening.start_back
TRIAGE_LEVELS = LEVELS  # the one home: backcare.screening.triage
_CONDITIONS = {
    "start_back_risk": list,
    "psychosocial_at_least": int,
    "leg_pain": bool,
    "triage_level": list,
    "oswestry_band": list,
}


@dataclass(frozen=True)
class Rule:
    id: str
    when: dict[str, Any]
    suggest: tuple[str, ...]
    why: str
    source: str
    last: bool = False  # when it fires, no later rule adds a topic


@dataclass(frozen=True)
class Suggestion:
    topic_id: str
    why: str


def load_rules(path: Path = SUGGESTIONS_FILE, directory: Path = CONTENT_DIR) -> tuple[Rule, ...]:
    """The suggestion rules, checked against the topics in ``directory``."""
    try:
        with Path(path).open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{Path(path).name}: not valid TOML ({err})") from None
    ids = {t.id for t in topics(directory)}
    rules = []
    for n, item in enumerate(raw.get("rule", []), start=1):
        where = f"{Path(path).name}: rule {n}"
        for field in ("id", "when", "suggest", "why", "source"):
            if field not in item:
                raise ValueError(f"{where} is missing {field!r}")
        when = item["when"]
        if not isinstance(when, dict) or not when:
            raise ValueError(f"{where}: 'when' must be a table with at least one condition")
        for key, value in when.items():
            kind = _CONDITIONS.get(key)
            if kind is None:
                raise ValueError(f"{where}: unknown condition {key!r}")
            if not isinstance(value, kind):
                raise ValueError(f"{where}: condition {key!r} must be a {kind.__name__}")
        unknown = [s for s in item["suggest"] if s not in ids]
        if unknown:
            raise ValueError(f"{where}: suggests unknown topic(s) {unknown}")
        if not isinstance(item.get("last", False), bool):
            raise ValueError(f"{where}: 'last' must be true or false")
        rules.append(
            Rule(
                id=item["id"],
                when=dict(when),
                suggest=tuple(item["suggest"]),
                why=item["why"].strip(),
                source=item["source"].strip(),
                last=item.get("last", False),
            )
        )
    if not rules:
        raise ValueError(f"{Path(path).name}: has no [[rule]] tables")
    return tuple(rules)


@cache
def _cached_rules(path: Path, directory: Path) -> tuple[Rule, ...]:
    return load_rules(path, directory)


def _fires(rule: Rule, values: dict[str, Any]) -> bool:
    for key, wanted in rule.when.items():
        if key == "psychosocial_at_least":
            have = values["psychosocial"]
            if have is None or have < wanted:
                return False
        elif key == "leg_pain":
            if values["leg_pain"] is None or values["leg_pain"] != wanted:
                return False
        elif values[key] not in wanted:
            return False
    return True


def suggestions(
    *,
    start_back_risk: str | None = None,
    psychosocial: int | None = None,
    leg_pain: bool | None = None,
    triage_level: str | None = None,
    oswestry_band: str | None = None,
    rules_path: Path = SUGGESTIONS_FILE,
    directory: Path = CONTENT_DIR,
) -> tuple[Suggestion, ...]:
    """Topics to read next, from plain screening values (None = not answered).

    Rules fire in file order (safety first); a topic suggested twice keeps its first
    reason; a rule marked ``last`` ends the list (an emergency or urgent triage result:
    nothing but what to do now). With no screening values at all the result is empty: the
    page then invites the reader to do the screening instead of guessing.
    """
    if start_back_risk is not None and start_back_risk not in START_BACK_RISKS:
        raise ValueError(f"start_back_risk must be one of {START_BACK_RISKS}")
    if psychosocial is not None and not (isinstance(psychosocial, int) and 0 <= psychosocial <= 5):
        raise ValueError("psychosocial must be a whole number from 0 to 5 (STarT Back)")
    if triage_level is not None and triage_level not in TRIAGE_LEVELS:
        raise ValueError(f"triage_level must be one of {TRIAGE_LEVELS}")
    values = {
        "start_back_risk": start_back_risk,
        "psychosocial": psychosocial,
        "leg_pain": leg_pain,
        "triage_level": triage_level,
        "oswestry_band": oswestry_band,
    }
    chosen: dict[str, Suggestion] = {}
    for rule in _cached_rules(Path(rules_path), Path(directory)):
        if _fires(rule, values):
            for topic_id in rule.suggest:
                chosen.setdefault(topic_id, Suggestion(topic_id=topic_id, why=rule.why))
            if rule.last:
                break
    return tuple(chosen.values())


def suggestion_inputs(
    start_back: Any = None, triage: Any = None, oswestry: Any = None
) -> dict[str, Any]:
    """Plain values for ``suggestions()`` from screening result objects (any may be None).

    Reads ``start_back.risk``, ``.psychosocial`` and ``.answers`` (item 1 = 1 means the
    pain spreads down a leg), ``triage.level`` and ``oswestry.band`` (a band id, or an
    object with ``.id``). Anything missing or unexpected becomes None, so a result saved
    by an older version of the screening page never breaks the Learn page.
    """
    risk = getattr(start_back, "risk", None)
    psychosocial = getattr(start_back, "psychosocial", None)
    answers = getattr(start_back, "answers", None)
    level = getattr(triage, "level", None)
    band = getattr(oswestry, "band", None)
    band = getattr(band, "id", band)
    leg_pain = None
    if isinstance(answers, tuple | list) and answers and answers[0] in (0, 1):
        leg_pain = answers[0] == 1
    return {
        "start_back_risk": risk if risk in START_BACK_RISKS else None,
        "psychosocial": psychosocial
        if isinstance(psychosocial, int)
        and not isinstance(psychosocial, bool)
        and 0 <= psychosocial <= 5
        else None,
        "leg_pain": leg_pain,
        "triage_level": level if level in TRIAGE_LEVELS else None,
        "oswestry_band": band if isinstance(band, str) else None,
    }
