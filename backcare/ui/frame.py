"""The frame every page calls first: page config, sidebar menu, notice, screening link."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from backcare.notices import load_notices
from backcare.ui.demo import demo_banner, demo_switch

# Page files, relative to app.py (Streamlit's pages/ directory convention), with the
# menu label and icon. Streamlit's own menu is off (client.showSidebarNavigation) so
# the home page reads "Home", not the file name "app".
PAGES: dict[str, str] = {
    "home": "app.py",
    "screening": "pages/1_Screening.py",
    "learn": "pages/2_Learn.py",
    "routine": "pages/3_Routine_builder.py",
    "diary": "pages/4_Pain_diary.py",
    "about": "pages/5_About_and_privacy.py",
}
MENU: list[tuple[str, str, str]] = [
    ("home", "Home", ":material/home:"),
    ("screening", "Screening", ":material/fact_check:"),
    ("learn", "Learn", ":material/menu_book:"),
    ("routine", "Routine builder", ":material/fitness_center:"),
    ("diary", "Pain diary", ":material/edit_note:"),
    ("about", "About and privacy", ":material/shield:"),
]


def frame(
    title: str,
    icon: str = ":material/healing:",
    *,
    layout: Literal["centered", "wide"] = "centered",
) -> None:
    """Set up a page: browser title "<title> · BackCare", sidebar menu, demo switch and
    notices, and the "Demo data" banner at the top while the demo is on."""
    st.set_page_config(page_title=f"{title} · BackCare", page_icon=icon, layout=layout)
    notices = load_notices()
    with st.sidebar:
        for key, label, menu_icon in MENU:
            st.page_link(PAGES[key], label=label, icon=menu_icon)
        st.divider()
        demo_switch("sidebar")
        st.divider()
        st.markdown(f"**Not a diagnosis.** {notices.not_a_diagnosis}")
        st.markdown(f"**Emergency signs.** {notices.emergency}")
        st.page_link(
            PAGES["screening"],
            label="Check for warning signs",
            icon=":material/emergency:",
        )
    demo_banner()
