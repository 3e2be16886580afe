"""Learn: short, cited topics on back pain, its causes and why movement helps."""

import streamlit as st

from backcare import content
from backcare.ui import PAGES, frame, hold_notice
from backcare.ui.kept import kept
from backcare.ui.learn_widgets import print_styles, suggested_groups, topic_buttons, topic_view
from backcare.ui.phone import scroll_to

# Emoji tab icon: Streamlit fetches a :material: tab icon from fonts.gstatic.com.
frame("Learn", "📖", layout="wide")
print_styles()
TOPIC_KEY = "bc_learn_topic"  # the open topic's id (not sensitive; mirrored in the URL)
CHOSEN_KEY = "bc_learn_chosen"  # how many topics were chosen: each choice scrolls to it

st.title("Learn")
hold_notice()  # an emergency or urgent triage result: get checked first
st.caption(
    "Plain-language topics on back pain and exercise. Every fact is numbered and "
    "linked to its source at the end of the topic."
)

try:
    topics = content.topics()
    saved = kept()  # the person's saved check and questionnaire results
    inputs = content.suggestion_inputs(
        saved.suggestion_source("start_back"),
        saved.suggestion_source("triage"),
        saved.suggestion_source("oswestry"),
    )
    suggested = content.suggestions(**inputs)
except ValueError as err:
    st.error(f"The Learn topics could not be loaded: {err}")
    st.stop()
titles = {t.id: t.title for t in topics}


def open_topic(topic_id: str) -> None:
    st.session_state[TOPIC_KEY] = topic_id
    st.session_state[CHOSEN_KEY] = st.session_state.get(CHOSEN_KEY, 0) + 1


# The open topic: this session's choice, else a topic id in the URL, else the first.
if TOPIC_KEY not in st.session_state:
    st.session_state[TOPIC_KEY] = (
        st.query_params.get("topic") if st.query_params.get("topic") in titles else topics[0].id
    )

nav, main = st.columns([1, 2], gap="large")
with nav, st.container(key="learn_suggest", border=True):
    st.header("Suggested for you", anchor="suggested")
    if suggested:
        st.caption("Based on your saved results from the Screening page.")
        for why, topic_ids in suggested_groups(suggested):  # each reason once, under its topics
            topic_buttons("learn_suggest", topic_ids, titles, open_topic)
            st.caption(why)
    else:
        st.caption("Answer the questions on the Screening page to see topics picked for you.")
        st.page_link(PAGES["screening"], label="Go to Screening", icon=":material/fact_check:")

with nav, st.container(key="learn_nav"):
    query = st.text_input("Search topics", placeholder="For example: scans, yoga, sleep")
    matches = content.search(query)
    if not matches:
        st.info("No topic matches your search. Try a shorter or different word.")
    else:
        ids = [t.id for t in matches]
        current = st.session_state[TOPIC_KEY]
        choice = st.radio(
            f"Topics ({len(ids)} of {len(topics)})",
            ids,
            index=ids.index(current) if current in ids else None,
            format_func=titles.__getitem__,
            captions=[t.summary for t in matches],
        )
        if choice is not None and choice != current:
            open_topic(choice)

topic = content.topic(st.session_state[TOPIC_KEY])
st.query_params["topic"] = topic.id
with main, st.container(key="learn_topic"):
    topic_view(topic, titles, open_topic)
if chosen := st.session_state.get(CHOSEN_KEY):
    scroll_to("topic", f"{topic.id}-{chosen}")  # the chosen topic shows at once
