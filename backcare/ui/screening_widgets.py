"""Streamlit forms and result views for the Screening page.

Forms return plain answers (or None when not submitted); ``questionnaire`` scores them
through the instrument's registry entry (``backcare.screening.instruments``). Every text
comes from the data files, through the loaded tools, so the page holds no clinical wording
of its own. Each questionnaire has a form and a result view, listed in ``WIDGETS`` under
its registry id: the Screening page draws one tab per registry entry from them. The last
check and each questionnaire's last result come from the person's kept records
(``backcare/ui/kept.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import pandas as pd
import streamlit as st

from backcare.change import as_read, fmt_score
from backcare.notices import Notices
from backcare.records import MAX_NOTE_CHARS, Standing
from backcare.screening import (
    FollowUp,
    Instrument,
    OswestryResult,
    OswestryTool,
    PegResult,
    PegTool,
    QuestionnaireResult,
    Reason,
    RedFlagRules,
    StartBackResult,
    StartBackTool,
    TriageResult,
)
from backcare.screening.instruments import INSTRUMENTS
from backcare.screening.psfs import PsfsResult, PsfsTool
from backcare.screening.rmdq import RmdqResult, RmdqTool
from backcare.screening.triage import Level
from backcare.ui.browser import flush_later
from backcare.ui.frame import LEVEL_ICONS, held_message
from backcare.ui.kept import Kept, save_doctor_seen, save_questionnaire, today, unsaved_note
from backcare.ui.state import NEW_CHECK_KEY

# Answers to "how is the pain going?" -> the library's (improving, worsening); None = not sure.
COURSE_OPTIONS: dict[str, tuple[bool | None, bool | None]] = {
    "Getting better": (True, False),
    "About the same": (False, False),
    "Getting worse": (False, True),
    "I am not sure": (None, None),
}
COURSE_LABEL = "Is the pain getting better, staying about the same, or getting worse?"


@dataclass(frozen=True)
class TriageAnswers:
    flags: frozenset[str]
    age: int | None
    duration_weeks: int | None
    improving: bool | None
    worsening: bool | None
    follow_ups: dict[str, str]


def missing_message(numbers: list[int]) -> str:
    listed = ", ".join(str(n) for n in numbers)
    return f"Please answer every question before we score it. Not answered yet: {listed}."


# --------------------------------------------------------------------------------------
# Red-flag check
# --------------------------------------------------------------------------------------


@st.fragment
def red_flag_form(rules: RedFlagRules, check: Callable[[TriageAnswers], str | None]) -> None:
    """The warning-sign questions. On "Check my answers", ``check`` works out and keeps the
    result (or returns a problem to show), then the whole page runs again so the result
    shows at its top.

    Not an ``st.form``: a follow-up question appears under its box as soon as the box is
    ticked (a form would only show it after the button), and goes when it is unticked. A
    fragment: ticking a box reruns only these questions, not the page.
    """
    answers = _red_flag_answers(rules)
    if answers is None:
        return
    if problem := check(answers):
        st.error(problem)
    else:
        st.rerun()


def _red_flag_answers(rules: RedFlagRules) -> TriageAnswers | None:
    """The questions; the answers when "Check my answers" was pressed, else None."""
    with st.container(key="red_flag_check", border=True):
        st.markdown(
            "Tick the box for each question where your answer is **yes**. Leave the others empty."
        )
        ticked: set[str] = set()
        follow_ups: dict[str, str] = {}
        for section in rules.sections:
            st.markdown(f"**{section}**")
            for flag in rules.flags:
                if flag.section != section:
                    continue
                if not st.checkbox(flag.question, key=f"rf_{flag.id}"):
                    continue
                ticked.add(flag.id)
                if flag.follow_up is not None and (answer := _follow_up(flag.id, flag.follow_up)):
                    follow_ups[flag.id] = answer
        st.markdown("**About you and your pain**")
        age = st.number_input(
            "Your age in years",
            min_value=0,
            max_value=120,
            value=None,
            step=1,
            key="rf_age",
        )
        weeks = st.number_input(
            "About how many weeks have you had this back pain? (0 if it started this week)",
            min_value=0,
            max_value=520,
            value=None,
            step=1,
            key="rf_weeks",
        )
        course = st.radio(COURSE_LABEL, list(COURSE_OPTIONS), index=None, key="rf_course")
        submitted = st.button("Check my answers", type="primary", key="rf_check")
    if not submitted:
        return None
    improving, worsening = COURSE_OPTIONS.get(course, (None, None)) if course else (None, None)
    return TriageAnswers(
        flags=frozenset(ticked),
        age=None if age is None else int(age),
        duration_weeks=None if weeks is None else int(weeks),
        improving=improving,
        worsening=worsening,
        follow_ups=follow_ups,
    )


def _follow_up(flag_id: str, follow_up: FollowUp) -> str | None:
    """The follow-up question right under its ticked box; the answer's id, or None."""
    ids = {option.label: option.id for option in follow_up.options}
    with st.container(key=f"rf_follow_{flag_id}", border=True):
        choice = st.radio(follow_up.question, list(ids), index=None, key=f"rf_{flag_id}_follow_up")
    return ids[choice] if choice else None


def _reason(reason: Reason) -> str:
    asked = (
        f"You said yes to: “{reason.question}”"
        if reason.kind == "flag"
        else f"Rule: {reason.question}"
    )
    if reason.answer:
        asked += f" You answered: “{reason.answer}”"
    return (
        f"- **May point to: {reason.condition}.** {reason.advice}  \n"
        f"  {asked}  \n"
        f"  *Source: {reason.source}*"
    )


def _to_tell(reason: Reason, rules: RedFlagRules) -> str:
    """A lower-level reason under an emergency or urgent result: only what to tell the
    doctor (the question answered, or the facts a rule used), never its calmer advice."""
    if reason.kind == "flag":
        return f"- You said yes to: “{reason.question}”"
    facts = {fa.id: fa.text for fa in rules.facts}
    said = [facts.get(i) or rules.flag(i).sign for i in reason.flags]
    return "- " + "; ".join(said)


def _reasons(result: TriageResult, rules: RedFlagRules) -> None:
    if not result.reasons:
        st.markdown("You did not tick any box, and no rule about age or time applies.")
        return
    # An emergency or urgent result speaks alone: its own reasons in full; anything at a
    # lower level is listed to tell the doctor, without its calmer advice.
    main = [r for r in result.reasons if r.level == result.level or not result.urgent_or_worse]
    rest = [r for r in result.reasons if r not in main]
    st.markdown("**Why we suggest this:**")
    st.markdown("\n".join(_reason(r) for r in main))
    if rest:
        st.markdown("**Also tell the doctor about:**")
        st.markdown("\n".join(_to_tell(r, rules) for r in rest))


def course_words(improving: bool | None, worsening: bool | None) -> str:
    """How the pain is going, in words, from the library's two answers."""
    if improving:
        return "getting better"
    if worsening:
        return "getting worse"
    if improving is False:
        return "about the same" if worsening is False else "not getting better"
    return "not sure how it is going"


def told(result: TriageResult) -> str:
    """The age, duration and course the result was worked out from, in words."""
    age = "age not given" if result.age is None else f"age {result.age}"
    weeks = (
        "how long not given"
        if result.duration_weeks is None
        else "pain for less than a week"  # "0 if it started this week"
        if result.duration_weeks < 1
        else f"pain for about {result.duration_weeks:g} week"
        + ("" if result.duration_weeks == 1 else "s")
    )
    course = course_words(result.improving, result.worsening)
    return f"{len(result.flags)} box(es) ticked; {age}; {weeks}; {course}."


def show_triage(result: TriageResult, rules: RedFlagRules) -> None:
    """The triage result with every reason; loud for emergency and urgent.

    An emergency or urgent result speaks alone: no reassuring caveat under it."""
    heading = f"{result.label}: {result.action}"
    body = f"## {heading}\n\n{result.advice}"
    if result.hold_exercise:
        body += f"\n\n**{rules.hold_exercise_text}**"
    icon = LEVEL_ICONS[result.level]
    if result.level == "emergency":
        st.error(body, icon=icon)
    elif result.level == "urgent":
        st.warning(body, icon=icon)
    elif result.level == "gp":
        st.info(body, icon=icon)
    else:
        st.success(body, icon=icon)
    _reasons(result, rules)
    st.caption(f"What you told us: {told(result)}")
    if result.urgent_or_worse:
        st.caption(f"Source for this advice: {result.source}.")
    else:
        st.caption(f"Source for this advice: {result.source}. {rules.caveat}")


def show_adults_only(notices: Notices) -> None:
    """For an age under BackCare's minimum: made for adults, see a GP; no result shown."""
    st.warning(notices.adults_only, icon=":material/info:")
    st.error(notices.emergency_markdown, icon=LEVEL_ICONS["emergency"])


def show_held(level: Level) -> None:
    """In place of a questionnaire's meaning while an emergency or urgent result stands."""
    text = held_message(level)
    if level == "emergency":
        st.error(text, icon=LEVEL_ICONS[level])
    else:
        st.warning(text, icon=LEVEL_ICONS[level])


def dated(moment: datetime) -> str:
    """A kept result's date as people read it: "Mon 03 Mar 2025, 10:15"."""
    return f"{moment:%a %d %b %Y, %H:%M}"


def _start_new_check() -> None:
    """ "Start a new check": the empty form (the last check's ticks are not carried over)."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("rf_")]:
        del st.session_state[key]
    st.session_state[NEW_CHECK_KEY] = True


def _keep_last_check() -> None:
    st.session_state.pop(NEW_CHECK_KEY, None)


def start_new_check_button() -> None:
    st.button(
        "Start a new check",
        on_click=_start_new_check,
        icon=":material/restart_alt:",
        key="rf_start_new",
        help="The questions start empty: answer each one as things are now.",
    )


def keep_last_check_button() -> None:
    """While a new check is being filled in: go back to the last one instead."""
    st.button("Keep my last check", on_click=_keep_last_check, key="bc_keep_last_check")


def last_check(standing: Standing, rules: RedFlagRules, *, show_result: bool = True) -> None:
    """The last kept check with its date: the result (or, while it stands, a short repeat of
    the one at the top and "A doctor has seen me about this"), and "Start a new check".
    ``show_result`` False: no result below the date (under the minimum age)."""
    check, result = standing.check, standing.result
    if check is not None:
        st.markdown(f"**Your last check: {dated(check.taken_at)}**")
    if standing.problem:
        st.warning(f"{standing.problem} Please start a new check.", icon=":material/error:")
    if standing.seen is not None:
        st.info(
            rules.doctor_seen_done.format(date=f"{standing.seen.date:%a %d %b %Y}"),
            icon=":material/medical_services:",
        )
        if standing.seen.note:
            st.caption("Your note:")
            st.text(standing.seen.note)
        if result is not None and check is not None:
            with st.expander(f"The check from {dated(check.taken_at)}"):
                show_triage(result, rules)
    elif standing.hold_level is not None:
        if result is not None:
            triage_reminder(result)
        doctor_seen_form(standing, rules)
    elif result is not None and show_result:
        show_triage(result, rules)
    start_new_check_button()


def doctor_seen_form(standing: Standing, rules: RedFlagRules) -> None:
    """ "A doctor has seen me about this": the day and an optional note; lifts the hold."""
    with st.form("doctor_seen", border=True):
        st.markdown(rules.doctor_seen_help)
        first = standing.check.date if standing.check is not None else None
        day = st.date_input(
            "When did a doctor see you?",
            value=today(),
            min_value=first,
            max_value=today(),
            format="DD/MM/YYYY",
            key="doctor_seen_day",
        )
        note = st.text_input(
            "A note for yourself (optional)",
            max_chars=MAX_NOTE_CHARS,
            placeholder="For example: A&E, scan was clear",
            key="doctor_seen_note",
        )
        done = st.form_submit_button(rules.doctor_seen_label, icon=":material/check:")
    if done and standing.check_id is not None:
        unsaved_note(save_doctor_seen(standing.check_id, day, note))
        st.rerun()


def saved_results_caption(kept: Kept) -> None:
    """Which questionnaires have a kept result, and when (each tab shows it in full)."""
    parts = [
        f"{instrument.short_name} on {kept.questionnaires[name].taken_at:%d %b %Y}"
        for name, instrument in INSTRUMENTS.items()  # in the order of the tabs
        if name in kept.questionnaires
    ]
    if parts:
        st.caption("Your last saved results: " + "; ".join(parts) + ". Each tab shows its own.")


def last_result_heading(kept: Kept, name: str) -> QuestionnaireResult | None:
    """Above a questionnaire's last kept result: its date. Returns the result to show, or
    None (with the score alone, for a result kept before answers were)."""
    found = kept.questionnaires.get(name)
    if found is None:
        return None
    st.markdown(f"**Your last result: {dated(found.taken_at)}**")
    if found.result is None:
        score = INSTRUMENTS[name].shown(found.score)
        st.caption(
            f"Score {score}. This result was saved without its answers, so only the score is shown."
        )
    return found.result


def triage_reminder(result: TriageResult) -> None:
    """A short repeat next to the check button, where the person is looking after it."""
    text = (
        f"**{result.label}: {result.action}.** Your full result, with every reason, is at "
        "the top of this page."
    )
    if result.level == "emergency":
        st.error(text, icon=LEVEL_ICONS[result.level])
    else:
        st.warning(text, icon=LEVEL_ICONS[result.level])


# --------------------------------------------------------------------------------------
# STarT Back
# --------------------------------------------------------------------------------------


def start_back_form(tool: StartBackTool) -> list[int | None] | None:
    st.markdown(f"**{tool.name}** ({tool.version}). {tool.clinician_note}")
    with st.form("start_back_form"):
        st.markdown(f"**{tool.period}**")
        answers: list[int | None] = []
        for item in tool.items:
            choice = st.radio(
                f"{item.number}. {item.text}",
                item.options,
                index=None,
                horizontal=True,
                key=f"sb_{item.number}",
            )
            answers.append(None if choice is None else item.options.index(choice))
        st.caption(f"{tool.copyright}. {tool.funding}")
        submitted = st.form_submit_button("Score STarT Back", type="primary")
    return answers if submitted else None


def _meaning(text: str, hold: Level | None) -> None:
    """A questionnaire result's meaning; while an emergency or urgent result stands (its
    level as ``hold``), the hold message instead (no reassurance, no exercise advice)."""
    if hold is not None:
        show_held(hold)
    else:
        st.markdown(text)


def show_start_back(
    result: StartBackResult, tool: StartBackTool, hold: Level | None = None
) -> None:
    st.subheader(f"Your result: {result.risk_label}")
    c1, c2 = st.columns(2)
    c1.metric("Total score (0-9)", result.total)
    c2.metric("Distress part, items 5-9 (0-5)", result.psychosocial)
    _meaning(result.meaning, hold)
    st.markdown(f"**Rule:** {result.rule} *Source: {result.source}*")
    rows = [
        {
            "Item": f"Item {item.number}: {item.domain}",
            "Your answer": item.options[answer],
            "Points": points,
            "Distress part": "yes" if item.psychosocial else "",
        }
        for item, answer, points in zip(tool.items, result.answers, result.item_points, strict=True)
    ]
    st.markdown("**How it was worked out** (each answer and the points it gave):")
    st.table(pd.DataFrame(rows).set_index("Item"))
    st.caption(f"Scoring: {tool.rule}")
    st.info(f"{tool.clinician_note} (Source: {tool.clinician_note_source})", icon=":material/info:")


# --------------------------------------------------------------------------------------
# Oswestry
# --------------------------------------------------------------------------------------


def oswestry_form(tool: OswestryTool) -> list[int | None] | None:
    """Returns 10 answers 0..5, None for a section left out; None if not submitted."""
    st.markdown(f"**{tool.name}** ({tool.version}).")
    with st.form("oswestry_form"):
        st.markdown(tool.instructions)
        answers: list[int | None] = []
        for section in tool.sections:
            options = [*section.statements, tool.skip_label]
            choice = st.radio(
                f"Section {section.number}: {section.title}",
                options,
                index=None,
                key=f"odi_{section.number}",
            )
            if choice is None or choice == tool.skip_label:
                answers.append(None)
            else:
                answers.append(section.statements.index(choice))
        # E-mail addresses as code, not links: a caption fades links below 4.5:1 contrast
        # (axe color-contrast, serious); its text and code pass.
        notice = re.sub(r"(\S+@[\w.-]+\w)", r"`\1`", f"{tool.copyright} {tool.licence}")
        st.caption(notice)
        submitted = st.form_submit_button("Score Oswestry", type="primary")
    return answers if submitted else None


def show_oswestry(result: OswestryResult, tool: OswestryTool, hold: Level | None = None) -> None:
    percent = fmt_score("oswestry", result.percent)  # a whole percent, as people read it
    st.subheader(f"Your result: {percent} · {result.band_label}")
    st.metric("Oswestry score (0-100%, lower is better)", percent)
    _meaning(result.meaning, hold)
    st.markdown(
        f"**How it was worked out:** you scored {result.total} out of a possible "
        f"{result.possible} ({result.answered} sections answered, 5 points each). "
        f"{result.total} divided by {result.possible}, times 100 = {percent}"
        + ("." if as_read("oswestry", result.percent) == result.percent else ", rounded.")
    )
    rows = [
        {
            "Section": f"Section {section.number}: {section.title}",
            "Your answer": (tool.skip_label if answer is None else section.statements[answer]),
            "Points": "left out" if answer is None else str(answer),
        }
        for section, answer in zip(tool.sections, result.answers, strict=True)
    ]
    st.table(pd.DataFrame(rows).set_index("Section"))
    st.caption(f"Rule: {result.rule} Source: {result.source}.")


# --------------------------------------------------------------------------------------
# PEG
# --------------------------------------------------------------------------------------


def peg_form(tool: PegTool) -> list[int | None] | None:
    st.markdown(f"**{tool.name}** ({tool.version}).")
    with st.form("peg_form"):
        answers: list[int | None] = []
        for item in tool.items:
            answers.append(
                st.radio(
                    f"{item.letter}. {item.text} (0 = {item.low}, 10 = {item.high})",
                    list(range(11)),
                    index=None,
                    horizontal=True,
                    key=f"peg_{item.id}",
                )
            )
        submitted = st.form_submit_button("Score PEG", type="primary")
    return answers if submitted else None


def show_peg(result: PegResult, tool: PegTool, hold: Level | None = None) -> None:
    score = fmt_score("peg", result.mean)  # one decimal
    st.subheader(f"Your PEG score: {score} out of 10")
    st.metric("PEG score (0-10, lower is better)", score)
    p, e, g = result.item_points
    st.markdown(
        f"**How it was worked out:** ({p} + {e} + {g}) divided by 3 = {score}. "
        f"*{tool.rule} Source: {result.source}.*"
    )
    _meaning(f"{tool.meaning} *(Source: {tool.meaning_source})*", hold)


# --------------------------------------------------------------------------------------
# Roland-Morris (RMDQ)
# --------------------------------------------------------------------------------------


def rmdq_form(tool: RmdqTool) -> list[bool] | None:
    """24 tick boxes, ticked = "describes me today" (no explicit yes/no, as the developers
    advise); the ticks when submitted, else None."""
    st.markdown(f"**{tool.name}** ({tool.version}).")
    with st.form("rmdq_form"):
        for paragraph in tool.instructions.split("\n\n"):
            st.markdown(paragraph)
        ticks = [
            st.checkbox(f"{n}. {text}", key=f"rmdq_{n}")
            for n, text in enumerate(tool.items, start=1)
        ]
        st.caption(f"{tool.copyright} {tool.licence}")
        submitted = st.form_submit_button("Score Roland-Morris", type="primary")
    return ticks if submitted else None


def show_rmdq(result: RmdqResult, tool: RmdqTool, hold: Level | None = None) -> None:
    entry = INSTRUMENTS[result.instrument]
    score = entry.shown(result.total)
    st.subheader(f"Your Roland-Morris score: {score} out of {len(tool.items)}")
    st.metric(f"Roland-Morris score (0-{len(tool.items)}, lower is better)", score)
    ticked = ", ".join(map(str, result.ticked)) or "none"
    st.markdown(
        f"**How it was worked out:** one point for each sentence you ticked. You ticked "
        f"{result.total} of the {len(tool.items)} sentences (numbers {ticked})."
    )
    if result.ticked:
        st.dataframe(
            pd.DataFrame(
                {
                    "Sentence": [f"{n}" for n in result.ticked],
                    "Describes you today": [tool.items[n - 1] for n in result.ticked],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    _meaning(f"{tool.meaning} *(Source: {tool.meaning_source})*", hold)
    st.caption(f"Rule: {result.rule} Source: {result.source}.")


# --------------------------------------------------------------------------------------
# Patient-Specific Functional Scale (PSFS)
# --------------------------------------------------------------------------------------


def psfs_form(tool: PsfsTool) -> list[tuple[str | None, int | None]] | None:
    """Up to ``max_activities`` rows of (activity name, rating 0-10); the rows filled in
    (a name, a rating or both) when submitted, else None. Names are plain text."""
    st.markdown(f"**{tool.name}** ({tool.version}). {tool.clinician_note}")
    with st.form("psfs_form"):
        st.markdown(tool.question)
        st.caption(f"0 = {tool.low}; 10 = {tool.high}.")
        rows: list[tuple[str | None, int | None]] = []
        for n in range(1, tool.max_activities + 1):
            name = st.text_input(
                f"Activity {n}" + ("" if n == 1 else " (optional)"),
                max_chars=tool.max_activity_chars,
                key=f"psfs_name_{n}",
            )
            rating = st.radio(
                f"Activity {n}: how well can you do it today? (0 = {tool.low}, 10 = {tool.high})",
                list(range(11)),
                index=None,
                horizontal=True,
                key=f"psfs_rating_{n}",
            )
            if name.strip() or rating is not None:
                rows.append((name.strip() or None, rating))
        st.caption(f"{tool.copyright} {tool.licence}")
        submitted = st.form_submit_button("Score PSFS", type="primary")
    return rows if submitted else None


def show_psfs(result: PsfsResult, tool: PsfsTool, hold: Level | None = None) -> None:
    entry = INSTRUMENTS[result.instrument]
    score = entry.shown(result.mean)
    st.subheader(f"Your PSFS score: {score} out of 10")
    st.metric("PSFS score (0-10, higher is better)", score)
    count = len(result.ratings)
    st.markdown(
        f"**How it was worked out:** ({' + '.join(map(str, result.ratings))}) divided by "
        f"{count} = {score}. *{tool.rule} Source: {result.source}.*"
    )
    # The activities are the person's own words: a dataframe shows them as plain text.
    st.dataframe(
        pd.DataFrame(
            {
                "Activity": [
                    name or f"Activity {n}" for n, name in enumerate(result.activities, start=1)
                ],
                "Rating (0-10)": list(result.ratings),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    _meaning(f"{tool.meaning} *(Source: {tool.meaning_source})*", hold)


def keep_result(result: QuestionnaireResult) -> None:
    """Keep a questionnaire result, with its answers and dated now, for other pages and
    visits; the diary shows the scores over time against their minimal important change."""
    problem = save_questionnaire(result, result.saved_details())
    flush_later()  # in the browser, send it now (written after the store's component)
    if problem:
        st.warning(
            "Your result is shown here, but it could not be saved: " + problem,
            icon=":material/warning:",
        )
    else:
        st.caption("Saved, dated today: it is here next time, and in your pain diary.")


# --------------------------------------------------------------------------------------
# One tab per questionnaire in the registry
# --------------------------------------------------------------------------------------

ToolT = TypeVar("ToolT")
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class QuestionnaireWidgets(Generic[ToolT, ResultT]):
    """A questionnaire's form and result view (the page's part of adding one)."""

    form: Callable[[ToolT], Sequence[Any] | None]  # the answers, None if not submitted
    show: Callable[[ResultT, ToolT, Level | None], None]
    every_answer: bool = True  # False: an unanswered item is a left-out one (Oswestry)


WIDGETS: dict[str, QuestionnaireWidgets[Any, Any]] = {
    "start_back": QuestionnaireWidgets(start_back_form, show_start_back),
    "oswestry": QuestionnaireWidgets(oswestry_form, show_oswestry, every_answer=False),
    "rmdq": QuestionnaireWidgets(rmdq_form, show_rmdq),
    "peg": QuestionnaireWidgets(peg_form, show_peg),
    "psfs": QuestionnaireWidgets(psfs_form, show_psfs, every_answer=False),
}
"""Registry id -> its widgets; ``tests/unit/test_instruments.py`` checks every entry has some."""


def questionnaire(kept: Kept, instrument: Instrument[Any], hold: Level | None) -> None:
    """One questionnaire's tab: its last kept result first, under its date, and the form to
    answer it again (folded away under "Answer it again" while there is one); a result just
    sent is scored, kept and shown under the form instead, or what to fix."""
    widgets = WIDGETS[instrument.id]
    tool = instrument.load()
    above = st.container()
    place = (
        st.expander("Answer it again", icon=":material/edit_note:")
        if instrument.id in kept.questionnaires
        else st.container()
    )
    with place:
        answers = widgets.form(tool)
    if answers is not None:
        missing = [n for n, a in enumerate(answers, start=1) if a is None]
        if widgets.every_answer and missing:
            st.error(missing_message(missing))
        else:
            try:
                result = instrument.score(answers)
            except ValueError as err:
                st.error(str(err))
            else:
                keep_result(result)
                widgets.show(result, tool, hold)
                return
    with above:
        if (last := last_result_heading(kept, instrument.id)) is not None:
            widgets.show(last, tool, hold)
