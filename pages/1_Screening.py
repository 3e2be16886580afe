"""Screening: red-flag check first, then STarT Back, Oswestry and PEG, scored openly.

The last check and each questionnaire's last result are kept and shown with their dates.
An emergency or urgent check stands at the top until a newer check gives a lower level or
the person records that a doctor has seen them about it.
"""

import streamlit as st

from backcare import screening
from backcare.notices import load_notices
from backcare.ui import frame
from backcare.ui import screening_widgets as w
from backcare.ui.kept import kept, save_check, unsaved_warning
from backcare.ui.state import NEW_CHECK_KEY

# Emoji tab icon: Streamlit fetches a :material: tab icon from fonts.gstatic.com.
frame("Screening", "🩺")
st.title("Screening")
# Filled below: an emergency or urgent result stands above everything else.
top = st.container()
notices = load_notices()
st.info(f"**This is not a diagnosis.** {notices.not_a_diagnosis}", icon=":material/info:")
# What changes from run to run sits in containers, so the questionnaire tabs keep their
# place in the page and the tab the person opened stays open.
with st.container():
    unsaved_warning()

rules = screening.load_red_flags()
saved = kept()
standing = saved.standing
hold = saved.hold_level
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
    save_check(result)  # a refused save is held in the tab and said at the top
    st.session_state.pop(NEW_CHECK_KEY, None)
    return None


# Under the minimum age: no questionnaires, and unless a result stands, no result either.
young = standing.age is not None and notices.below_minimum_age(standing.age)
with st.container():
    if standing.check_id is None or st.session_state.get(NEW_CHECK_KEY):
        if standing.check_id is not None:
            w.keep_last_check_button()
        w.red_flag_form(rules, check)
    else:
        w.last_check(standing, rules, show_result=not young)
if hold is not None:
    # An emergency or urgent result stands above everything, at any age.
    with top:
        if standing.result is not None:
            w.show_triage(standing.result, rules)
        else:  # a kept check that cannot be read in full: its level still stands
            w.show_held(hold)
elif young:
    with top:
        w.show_adults_only(notices)
else:
    caveat.markdown(rules.caveat)

if young:
    st.stop()  # made for adults: no questionnaire is offered or scored under the minimum age

st.header("2. Questionnaires")
with st.container():
    if hold is not None:
        w.show_held(hold)
    w.saved_results_caption(saved)
sb_tab, odi_tab, peg_tab = st.tabs(["STarT Back", "Oswestry", "PEG"])

with sb_tab:
    sb = screening.load_start_back()
    st.markdown(f"**{sb.name}** ({sb.version}). {sb.clinician_note}")
    result, place = w.questionnaire(
        saved, "start_back", lambda: w.start_back_form(sb), screening.start_back
    )
    if result is not None:
        with place:
            w.show_start_back(result, sb, hold)

with odi_tab:
    odi = screening.load_oswestry()
    st.markdown(f"**{odi.name}** ({odi.version}).")
    result, place = w.questionnaire(
        saved, "oswestry", lambda: w.oswestry_form(odi), screening.oswestry, all_needed=False
    )
    if result is not None:
        with place:
            w.show_oswestry(result, odi, hold)

with peg_tab:
    pg = screening.load_peg()
    st.markdown(f"**{pg.name}** ({pg.version}).")
    result, place = w.questionnaire(
        saved, "peg", lambda: w.peg_form(pg), lambda answers: screening.peg_result(*answers)
    )
    if result is not None:
        with place:
            w.show_peg(result, pg, hold)
