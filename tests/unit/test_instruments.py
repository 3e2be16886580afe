"""backcare.screening.instruments: every questionnaire has all its parts, in one registry.

Adding a questionnaire means its data file, its module, one registry entry, and its form and
result widgets; these tests fail until each part is there (and name the part).
"""

from __future__ import annotations

import importlib
import re
import tomllib

import pytest

from backcare import change
from backcare.screening import LEVELS, load_red_flags
from backcare.screening.instruments import INSTRUMENTS, instrument
from backcare.screening.start_back import load_start_back
from backcare.screening.triage import HOLD_LEVELS
from backcare.ui.frame import LEVEL_ICONS
from backcare.ui.screening_widgets import WIDGETS

ENTRIES = list(INSTRUMENTS.values())
IDS = [entry.id for entry in ENTRIES]
LOINC = re.compile(r"\d{1,7}-\d")  # LOINC codes: digits, a hyphen, one check digit


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_entry_has_its_data_file_with_the_same_id(entry):
    assert entry.data_file.is_file(), f"{entry.id}: no data file at {entry.data_file}"
    with entry.data_file.open("rb") as fh:
        raw = tomllib.load(fh)
    assert raw["id"] == entry.id


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_entry_scores_with_its_own_module(entry):
    assert entry.module == f"backcare.screening.{entry.id}"
    module = importlib.import_module(entry.module)
    assert (entry.id, entry.data_file) == (module.ID, module.DATA_FILE)
    for part in (entry.load, entry.score, entry.worked):
        assert part.__module__ == entry.module, part


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_entry_has_a_form_and_a_result_view(entry):
    widgets = WIDGETS[entry.id]
    assert callable(widgets.form) and callable(widgets.show)


def test_no_widgets_without_a_registry_entry():
    assert set(WIDGETS) == set(INSTRUMENTS)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_entry_has_names_a_licence_line_and_a_source(entry):
    tool = entry.load()
    assert entry.name.strip() and entry.short_name.strip()
    for field in ("name", "version", "licence", "source", "notice"):
        assert getattr(tool, field).strip(), f"{entry.id}: empty {field}"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_entry_has_a_mic_with_its_source_or_says_why_not(entry):
    if entry.mic is None:
        assert entry.no_mic and entry.no_mic.strip()
        assert entry.id not in change.MIC
    else:
        assert entry.mic.source.strip() and entry.mic.floor_note.strip()
        assert change.MIC[entry.id] is entry.mic  # one table, read from the registry
        assert (entry.mic.scale_max, entry.mic.decimals, entry.mic.unit) == (
            entry.scale_max,
            entry.decimals,
            entry.unit,
        )


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_entry_has_a_loinc_code_or_says_why_not(entry):
    if entry.loinc is None:
        assert entry.loinc_note.strip()
    else:
        assert LOINC.fullmatch(entry.loinc), entry.loinc
        assert entry.loinc_note.strip()  # where the code comes from


# Each code looked up before use (the data files name where): issue 16.
EXPECTED_LOINC = {
    "start_back": ("91349-1", {"score": "91351-7", "distress": "91350-9", "risk": "91352-5"}),
    "oswestry": ("97908-8", {"score": "97909-6"}),
    "peg": ("91148-7", {"score": "91147-9"}),
    "rmdq": None,  # none found
    "psfs": None,  # none found
}


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_the_loinc_codes_are_the_ones_looked_up(entry):
    codes = entry.codes
    expected = EXPECTED_LOINC[entry.id]
    if expected is None:
        assert not codes.found and codes.panel is None and "No LOINC code" in codes.none
        return
    panel, scores = expected
    assert codes.panel is not None and codes.panel.code == panel
    assert {key: code.code for key, code in codes.scores.items()} == scores
    assert "loinc.org" in codes.source.lower() or "LOINC" in codes.source


def test_start_back_risk_answers_are_loincs_answer_list():
    answers = INSTRUMENTS["start_back"].codes.answers
    assert answers is not None
    assert {risk: code.code for risk, code in answers.items()} == {
        "low": "LA9194-7",
        "medium": "LA8982-6",
        "high": "LA9193-9",
    }


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("", "a \\[loinc\\] table is needed"),
        ('[loinc]\nsource = "x"\n', "needs score"),
        ('[loinc]\nsource = "x"\nscore = { code = "1234", display = "x" }\n', "not a LOINC"),
    ],
)
def test_a_broken_loinc_table_is_refused_by_name(table, message):
    from backcare.screening.base import load_codes

    raw = tomllib.loads(table)
    with pytest.raises(ValueError, match=message):
        load_codes(raw, "x.toml")


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_entry_says_how_its_scores_are_read(entry):
    assert entry.scale_max > 0 and entry.decimals in (0, 1) and entry.better in ("lower", "higher")
    assert change.fmt_score(entry.id, entry.scale_max).startswith(f"{entry.scale_max:.0f}")


def test_the_mic_table_is_pain_and_the_registrys():
    with_mic = {entry.id for entry in ENTRIES if entry.mic is not None}
    assert set(change.MIC) == {"pain"} | with_mic


def test_an_unknown_instrument_is_named_in_the_error():
    with pytest.raises(ValueError, match="unknown instrument 'sf36'; expected one of start_back"):
        instrument("sf36")


# ------------------------------------------------------------------- one triage vocabulary
def test_the_data_files_levels_are_the_vocabulary():
    rules = load_red_flags()
    assert tuple(sorted(rules.levels, key=lambda lv: -rules.levels[lv].rank)) == LEVELS
    held = tuple(lv for lv in LEVELS if rules.levels[lv].hold_exercise)
    assert held == HOLD_LEVELS


def test_every_level_has_an_icon():
    assert set(LEVEL_ICONS) == set(LEVELS)


# ------------------------------------------------------------- STarT Back's cut-offs (Hill)
def test_start_back_cutoffs_come_from_the_data_file_and_its_wording_says_them():
    tool = load_start_back()
    low, high = tool.low_total_at_most, tool.high_distress_at_least
    assert (low, high) == (3, 4)  # Hill et al. 2008
    assert f"0 to {low}" in tool.risks["low"].rule
    assert f"{low + 1} or more" in tool.risks["medium"].rule
    assert f"{high} or 5" in tool.risks["high"].rule
    assert f"Total {low} or less" in tool.rule and f"is {high} or 5" in tool.rule


@pytest.mark.parametrize(
    ("cutoffs", "message"),
    [
        ("", "needs low_total_at_most"),
        ("[cutoffs]\nlow_total_at_most = 3\n", "high_distress_at_least"),
        ("[cutoffs]\nlow_total_at_most = 9\nhigh_distress_at_least = 4\n", "0 to 8"),
        ("[cutoffs]\nlow_total_at_most = 3\nhigh_distress_at_least = 6\n", "1 to 5"),
        ('[cutoffs]\nlow_total_at_most = "3"\nhigh_distress_at_least = 4\n', "cutoffs"),
    ],
)
def test_broken_start_back_cutoffs_are_refused_by_name(tmp_path, cutoffs, message):
    text = INSTRUMENTS["start_back"].data_file.read_text(encoding="utf-8")
    start = text.index("[cutoffs]")
    end = text.index("# Risk groups")
    broken = tmp_path / "start_back.toml"
    broken.write_text(text[:start] + cutoffs + "\n" + text[end:], encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_start_back(broken)
