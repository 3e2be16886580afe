"""About and privacy: what BackCare is, where data lives, licences."""

import streamlit as st

from backcare.notices import load_notices
from backcare.screening.instruments import INSTRUMENTS
from backcare.ui import frame, hold_notice
from backcare.ui.state import UNDO_KEY
from backcare.ui.store import current_store, download_diary, storage_notice

# Emoji tab icon: Streamlit fetches a :material: tab icon from fonts.gstatic.com.
frame("About and privacy", "🛡️")
notices = load_notices()

st.title("About and privacy")
hold_notice()  # an emergency or urgent triage result: get checked first
st.header("What BackCare is")
st.markdown(
    "BackCare is an open-source self-help dashboard for adults with back pain. "
    "It brings together a warning-sign check, validated questionnaires, plain-language "
    "education with sources, an exercise routine builder and a pain diary."
)
st.warning(notices.not_a_diagnosis, icon=":material/info:")

st.header("Your data")
st.markdown(
    "- BackCare makes no network calls and has no analytics or tracking.\n"
    "- Nothing about your health is put in the page address.\n"
    "- There is no account: what you enter stays with you."
)

st.header("Where your pain diary lives")
choice = current_store()
storage_notice(choice)
st.markdown(
    "- Opened on the computer it runs on, BackCare keeps your diary in a file on that "
    "computer.\n"
    "- Opened from anywhere else, it keeps the diary in your browser tab only, so no "
    "other visitor can ever see it.\n"
    "- You can download all of it, or delete all of it, below."
)
count = choice.store.count(choice.owner)
left, right = st.columns(2)
download_diary(left, "Download my diary (CSV)", "csv", choice, disabled=count == 0)
download_diary(right, "Download my diary (JSON)", "json", choice, disabled=count == 0)

with st.expander("Delete my whole diary"):
    st.write(
        f"This deletes all {count} diary entries and saved screening results. "
        "It cannot be undone. Download a copy first if you may want it later."
    )
    sure = st.checkbox("I understand that my diary will be gone for good", key="about_sure")
    if st.button("Delete everything", type="primary", disabled=not sure, key="about_delete"):
        try:
            removed = choice.store.delete_all(choice.owner)
        except ValueError as exc:
            st.error(f"Nothing was deleted: {exc}")
        else:
            st.session_state.pop(UNDO_KEY, None)
            st.success(f"Deleted {removed} entries. Your diary is empty.")

st.header("Questionnaires, sources and licences")
st.markdown(
    "BackCare's own code and words are free to use under the MIT licence. The "
    "questionnaires belong to their authors and are shown with their notices. They were "
    "made for use with a clinician; here they help you prepare for that conversation."
)
for instrument in INSTRUMENTS.values():
    tool = instrument.load()
    with st.container(border=True):
        st.markdown(f"**{tool.name}** ({tool.version})")
        st.caption(tool.notice)
        st.caption(f"{tool.licence} Source: {tool.source}")
st.caption(
    "Every rule, cut-off and dose in BackCare names its source next to it: on the page "
    "that uses it and in the data files in the project's data/ folder."
)
st.caption(f"Emergency advice source: {notices.source}")
