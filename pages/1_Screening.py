"""Screening: red-flag check first, then the questionnaires in the registry, scored openly."""

import streamlit as st

from backcare import screening
from backcare.notices import load_notices
from backcare.screening.instruments import INSTRUMENTS
from backcare.ui import frame
from backcare.ui import screening_widgets as w
from backcare.ui.state import save_screening_result, triage_result

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
triaged = triage_result()
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
instruments = list(INSTRUMENTS.values())
for instrument, tab in zip(instruments, st.tabs([i.short_name for i in instruments]), strict=True):
    with tab:
        w.questionnaire(instrument, hold)
