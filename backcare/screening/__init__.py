"""Symptom screening: red-flag triage, Keele STarT Back, Oswestry (ODI v2.1a), Roland-Morris
(RMDQ), PEG and the Patient-Specific Functional Scale (PSFS).

Pure Python: every rule, cut-off and wording lives in ``data/red_flags.toml`` and
``data/instruments/*.toml`` with its source; the modules of this package load them, check
answers and score them openly (each result keeps the points per item, the rule and the
source).

- ``triage``: the red-flag rule engine and the one triage vocabulary (``LEVELS``, ``Level``).
- ``start_back``, ``oswestry``, ``rmdq``, ``peg``, ``psfs``: one module per questionnaire,
  each of the same
  shape (``base``), each with its entry in the registry ``instruments.INSTRUMENTS``.
  (Import the registry from ``backcare.screening.instruments``.)

The names below are re-exported so ``from backcare import screening`` and
``screening.triage(...)``, ``screening.start_back(...)`` and so on keep working. (The
functions ``triage``, ``start_back``, ``oswestry``, ``rmdq``, ``peg`` and ``psfs`` share their
names with
their modules: here the name is the function; import a module's other names from it,
``from backcare.screening.oswestry import OswestryTool``.)

Sources (details in the data files):
- STarT Back: Hill JC et al. Arthritis Rheum 2008;59(5):632-41; Keele University.
- Oswestry: Fairbank JC, Pynsent PB. Spine 2000;25(22):2940-52.
- Roland-Morris: Roland MO, Morris RW. Spine 1983;8:141-4; Roland & Fairbank, Spine 2000.
- PEG: Krebs EE et al. J Gen Intern Med 2009;24(6):733-8.
- PSFS: Stratford P et al. Physiother Can 1995;47:258-63.
- Red flags: NHS back pain page; Henschke 2009; Downie 2013; Finucane 2020; NICE NG59/NG65.
"""

from backcare.screening.base import INSTRUMENTS_DIR, QuestionnaireResult
from backcare.screening.instruments import INSTRUMENTS, Instrument
from backcare.screening.oswestry import (
    BANDS,
    Band,
    OswestryBand,
    OswestryResult,
    OswestrySection,
    OswestryTool,
    load_oswestry,
    oswestry,
    oswestry_band,
)
from backcare.screening.peg import PegItem, PegResult, PegTool, load_peg, peg, peg_result
from backcare.screening.psfs import PsfsResult, PsfsTool, load_psfs, psfs
from backcare.screening.rmdq import RmdqResult, RmdqTool, load_rmdq, rmdq
from backcare.screening.start_back import (
    RISKS,
    Risk,
    RiskGroup,
    StartBackItem,
    StartBackResult,
    StartBackTool,
    as_risk,
    load_start_back,
    start_back,
)
from backcare.screening.triage import (
    HOLD_LEVELS,
    LEVELS,
    NOT_IMPROVING_FACT,
    RED_FLAGS_FILE,
    Fact,
    Flag,
    FollowUp,
    FollowUpOption,
    Level,
    LevelInfo,
    Reason,
    RedFlagRules,
    Rule,
    RuleGroup,
    TriageResult,
    as_level,
    level_rank,
    load_red_flags,
    triage,
)

ScreeningResult = TriageResult | QuestionnaireResult
"""A result one screening step keeps for the other pages: the warning-sign check's or a
questionnaire's."""

__all__ = [
    "BANDS",
    "HOLD_LEVELS",
    "INSTRUMENTS",
    "INSTRUMENTS_DIR",
    "LEVELS",
    "NOT_IMPROVING_FACT",
    "RED_FLAGS_FILE",
    "RISKS",
    "Band",
    "Fact",
    "Flag",
    "FollowUp",
    "FollowUpOption",
    "Instrument",
    "Level",
    "LevelInfo",
    "OswestryBand",
    "OswestryResult",
    "OswestrySection",
    "OswestryTool",
    "PegItem",
    "PegResult",
    "PegTool",
    "PsfsResult",
    "PsfsTool",
    "QuestionnaireResult",
    "Reason",
    "RedFlagRules",
    "Risk",
    "RiskGroup",
    "RmdqResult",
    "RmdqTool",
    "Rule",
    "RuleGroup",
    "ScreeningResult",
    "StartBackItem",
    "StartBackResult",
    "StartBackTool",
    "TriageResult",
    "as_level",
    "as_risk",
    "level_rank",
    "load_oswestry",
    "load_peg",
    "load_psfs",
    "load_red_flags",
    "load_rmdq",
    "load_start_back",
    "oswestry",
    "oswestry_band",
    "peg",
    "peg_result",
    "psfs",
    "rmdq",
    "start_back",
    "triage",
]
