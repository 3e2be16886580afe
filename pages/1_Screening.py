"""Screening: red-flag check first, then STarT Back, Oswestry and PEG, scored openly."""

import streamlit as st

from backcare import screening
from backcare.notices import load_notices
from backcare.ui import frame
from backcare.ui import screening_widgets as w
from backcare.ui.state import save_screening_result, screening_result

# Emoji tab icon: Streamlit fetches a :material: tab icon from fonts.gstatic.com.
frame("Screening", "🩺")
st.title("Screening")
# Filled at the end: an emergency or urgent result stands above everything else.
top = st.container()
st.info(f"**This is not a diagnosis.** {load_notices().not_a_diagnosis}", icon=":material/info:")

rules = screening.load_red_flags()
notices = load_notices()
st.header("1. Warning signs")
st.markdown(rules.intro)
caveat = st.empty()  # the reassurance, only while no emergency or urgent result stands


def check(answers: w.TriageAnswers) -> str | None:
    """Work out and keep the result; a problem with the answers is returned to show."""
    try:
        result = screening.triage(
            answers.flags,
            age=answers.age,
            duration_weeks=answers.duration_weeks,
            improving=answers.improving,
            worsening=answers.worsening,
            follow_ups=answers.follow_ups,
        )
    except ValueError as err:
        return str(err)
    save_screening_result("triage", result)
    return None


w.red_flag_form(rules, check)
triaged = screening_result("triage")
hold = triaged if w.held(triaged) else None
young = triaged is not None and notices.below_minimum_age(triaged.age)
if hold is not None:
    # An emergency or urgent result stands above everything, at any age.
    with top:
        w.show_triage(hold, rules)
    w.triage_reminder(hold)
elif young:
    with top:
        w.show_adults_only(notices)
elif triaged is not None:
    w.show_triage(triaged, rules)
if hold is None:
    caveat.markdown(rules.caveat)

if young:
    st.stop()  # made for adults: no questionnaire is offered or scored under the minimum age

st.header("2. Questionnaires")
if hold is not None:
    w.show_held(hold)
sb_tab, odi_tab, peg_tab = st.tabs(["STarT Back", "Oswestry", "PEG"])

with sb_tab:
    sb = screening.load_start_back()
    st.markdown(f"**{sb.name}** ({sb.version}). {sb.clinician_note}")
    sb_answers = w.start_back_form(sb)
    if sb_answers is not None:
        missing = [n for n, a in enumerate(sb_answers, start=1) if a is None]
        if missing:
            st.error(w.missing_message(missing))
        else:
            try:
                w.keep_result("start_back", screening.start_back(sb_answers))
            except ValueError as err:
                st.error(str(err))
    if (sb_result := screening_result("start_back")) is not None:
        w.show_start_back(sb_result, sb, hold)

with odi_tab:
    odi = screening.load_oswestry()
    st.markdown(f"**{odi.name}** ({odi.version}).")
    odi_answers = w.oswestry_form(odi)
    if odi_answers is not None:
        try:
            w.keep_result("oswestry", screening.oswestry(odi_answers))
        except ValueError as err:
            st.error(str(err))
    if (odi_result := screening_result("oswestry")) is not None:
        w.show_oswestry(odi_result, odi, hold)

with peg_tab:
    pg = screening.load_peg()
    st.markdown(f"**{pg.name}** ({pg.version}).")
    peg_answers = w.peg_form(pg)
    if peg_answers is not None:
        missing = [n for n, a in enumerate(peg_answers, start=1) if a is None]
        if missing:
            st.error(w.missing_message(missing))
        else:
            try:
                w.keep_result("peg", screening.peg_result(*peg_answers))
            except ValueError as err:
                st.error(str(err))
    if (peg_res := screening_result("peg")) is not None:
        w.show_peg(peg_res, pg, hold)
