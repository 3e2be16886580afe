"""The exercise catalogue: contents the issue asks for, validation, illustrations."""

from __future__ import annotations

import copy
import importlib.util
import tomllib
import xml.etree.ElementTree as ET  # our own reviewed files, not user input
from pathlib import Path

import pytest

from backcare.exercises import (
    CATALOGUE_FILE,
    CONDITIONS,
    KINDS,
    PHASES,
    Dose,
    load_catalogue,
    parse_catalogue,
    parse_exercise,
)

CATALOGUE = load_catalogue()
RAW = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
SVG_NS = "{http://www.w3.org/2000/svg}"
ALLOWED_SVG = {"svg", "line", "polyline", "circle", "rect", "path"}


def test_catalogue_has_at_least_30_exercises():
    assert len(CATALOGUE) >= 30


@pytest.mark.parametrize(
    "ident",
    [
        "bridge",
        "bird_dog",
        "side_lying_leg_raise",
        "partial_curl",
        "knee_rolls",
        "pelvic_tilt",
        "child_pose",
        "cat_cow",
        "sphinx",
        "supine_twist",
        "brisk_walk",
        "neck_chin_tuck",
        "ankle_circles",
    ],
)
def test_named_exercises_are_in_the_catalogue(ident):
    assert ident in CATALOGUE


@pytest.mark.parametrize("phase", PHASES)
def test_every_phase_has_exercises(phase):
    assert sum(e.phase == phase for e in CATALOGUE) >= 5


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_present(kind):
    assert any(e.kind == kind for e in CATALOGUE)


@pytest.mark.parametrize("kit", ["bench", "machine", "chair", "strap"])
def test_equipment_exercises_exist(kit):
    assert any(kit in e.equipment for e in CATALOGUE)


def test_yoga_offers_at_least_five_poses():
    assert sum(e.kind == "yoga" for e in CATALOGUE) >= 5


def test_floor_needs_no_mat():
    """The floor is always there: no exercise requires a mat (it is comfort only)."""
    assert not [e.id for e in CATALOGUE if "mat" in e.equipment]


def test_warm_up_runs_from_neck_to_toes():
    warm = [e.id for e in CATALOGUE if e.phase == "warm_up"]
    assert warm.index("neck_chin_tuck") < warm.index("ankle_circles")


@pytest.mark.parametrize("ex", CATALOGUE.exercises, ids=lambda e: e.id)
def test_every_entry_is_complete_and_sourced(ex):
    assert ex.source and len(ex.steps) >= 2 and ex.stop_if
    for caution in ex.cautions:
        assert "(" in caution, f"caution without a source: {caution}"
    for variant in (ex.easier, ex.harder):
        assert not variant or variant in CATALOGUE
    assert ex.contraindications <= set(CONDITIONS)


@pytest.mark.parametrize("ex", CATALOGUE.exercises, ids=lambda e: e.id)
def test_every_exercise_has_a_plain_svg_illustration(ex):
    root = ET.parse(ex.illustration).getroot()  # noqa: S314 (our own data file)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("width") and root.get("height") and root.get("viewBox")
    tags = {el.tag.removeprefix(SVG_NS) for el in root.iter()}
    assert tags <= ALLOWED_SVG, tags - ALLOWED_SVG
    assert any(el.tag == f"{SVG_NS}circle" for el in root.iter()), "no head"
    assert "style" not in ex.illustration.read_text()


def _entry(ident="bridge", **changes):
    raw = copy.deepcopy(next(e for e in RAW["exercise"] if e["id"] == ident))
    for key, value in changes.items():
        if value is None:
            raw.pop(key)
        else:
            raw[key] = value
    return raw


BAD_ENTRIES = [
    ("missing name", _entry(name=None), "missing field 'name'"),
    ("bad phase", _entry(phase="middle"), "phase 'middle'"),
    ("bad kind", _entry(kind="dance"), "kind 'dance'"),
    ("bad level", _entry(level="expert"), "level 'expert'"),
    ("unknown tag", _entry(contraindications=["flu"]), "unknown contraindications"),
    ("unknown kit", _entry(equipment=["rowing boat"]), "unknown equipment"),
    ("too many sets", _entry(sets=11), "sets 11"),
    ("dose too long", _entry(reps=40), "takes longer"),
    ("odd minutes", _entry(minutes=1.1), "quarter minute"),
    ("no steps", _entry(steps=[]), "steps must not be empty"),
    ("sets as text", _entry(sets="2"), "wrong type"),
    ("per_side as number", _entry(per_side=1), "wrong type"),
    ("aerobic no range", _entry("brisk_walk", flexible_minutes=None), "flexible_minutes"),
    ("range on strength", _entry(flexible_minutes=[1, 2]), "only aerobic"),
    ("bad id", _entry(id="Bridge Two"), "lower-case"),
    ("bad area", _entry(area="arm"), "area .arm."),
]


@pytest.mark.parametrize(("_case", "raw", "message"), BAD_ENTRIES, ids=[c[0] for c in BAD_ENTRIES])
def test_bad_entries_raise_a_clear_error(_case, raw, message):
    with pytest.raises(ValueError, match=message):
        parse_exercise(raw)


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        parse_catalogue({"exercise": [_entry(), _entry()]}, illustrations=None)


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="harder 'nope'"):
        parse_catalogue({"exercise": [_entry(harder="nope", easier="")]}, illustrations=None)


def test_missing_illustration_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no illustration"):
        parse_catalogue({"exercise": [_entry(harder="", easier="")]}, illustrations=tmp_path)


DOSE_WORDS = [
    (Dose(1, 5, 0, 3), None, "5 reps"),
    (Dose(2, 5, 3, 3, per_side=True), None, "2 sets of 5 reps each side, hold 3 s each"),
    (Dose(2, 1, 20, 5, per_side=True), None, "hold 20 seconds each side, 2 times"),
    (Dose(1, 1, 20, 5), None, "hold 20 seconds, once"),
    (Dose(1, 0, 0, 0), 12.0, "12 minutes at a comfortable pace"),
]


@pytest.mark.parametrize(("dose", "minutes", "words"), DOSE_WORDS)
def test_doses_read_as_plain_words(dose, minutes, words):
    assert dose.describe(minutes) == words


def _drawing_tool():
    """tools/make_illustrations.py, loaded as a module."""
    path = Path(__file__).resolve().parents[2] / "tools" / "make_illustrations.py"
    spec = importlib.util.spec_from_file_location("make_illustrations", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_illustrations_match_their_generator():
    """data/illustrations is exactly what tools/make_illustrations.py draws, one per id."""
    tool = _drawing_tool()
    assert set(tool.POSES) == {e.id for e in CATALOGUE}
    for ex in CATALOGUE:
        assert ex.illustration.read_text(encoding="utf-8") == tool.drawing(ex.id), ex.id


def test_every_drawing_shows_the_movement():
    """Issue 17: a drawing shows where the movement starts (faint) and ends (solid), with an
    arrow; only exercises held still show one position."""
    tool = _drawing_tool()
    assert set(tool.STARTS) | tool.STILL == set(tool.POSES)
    assert not set(tool.STARTS) & tool.STILL
    assert len(tool.STILL) <= 6
    for ex in CATALOGUE:
        svg = ex.illustration.read_text(encoding="utf-8")
        if ex.id in tool.STILL:
            assert tool.START_INK not in svg and tool.ARROW not in svg, ex.id
            continue
        assert tool.STARTS[ex.id] != tool.POSES[ex.id], ex.id
        assert svg.count(f'stroke="{tool.START_INK}"') >= 3, ex.id  # a faint start figure
        assert svg.count(f'stroke="{tool.ARROW}"') == 2, ex.id  # the arrow and its head
