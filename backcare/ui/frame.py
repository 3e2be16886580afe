"""The frame every page calls first: page config, the "this browser" store, sidebar menu,
notice, screening link; and the hold notice pages show while an emergency or urgent triage
result stands (read from the person's kept check on every run, so it stands in every tab
and on every visit)."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from backcare.notices import load_notices
from backcare.screening import load_red_flags
from backcare.screening.triage import HOLD_LEVELS, Level, as_level
from backcare.ui.account import sign_in_panel, sign_in_state
from backcare.ui.browser import frame_store, gate, visitor_mode
from backcare.ui.demo import demo_banner, demo_switch
from backcare.ui.kept import kept
from backcare.ui.phone import emergency_call_line, phone_frame

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
    "account": "pages/6_Account_and_sharing.py",
}
MENU: list[tuple[str, str, str]] = [
    ("home", "Home", ":material/home:"),
    ("screening", "Screening", ":material/fact_check:"),
    ("learn", "Learn", ":material/menu_book:"),
    ("routine", "Routine builder", ":material/fitness_center:"),
    ("diary", "Pain diary", ":material/edit_note:"),
    ("about", "About and privacy", ":material/shield:"),
    ("account", "Account and sharing", ":material/account_circle:"),  # clinic mode only
]


def frame(
    title: str,
    icon: str = "🩹",  # an emoji: a :material: tab icon is fetched from Google Fonts
    *,
    layout: Literal["centered", "wide"] = "centered",
) -> None:
    """Set up a page: browser title "<title> · BackCare", sidebar menu, demo switch and
    notices, the phone's call line, and the "Demo data" banner while the demo is on.

    In "this browser" mode the store's component comes first (its passphrase form shows
    at the very top), and the page stops after the sidebar until the browser has handed
    over what it keeps (``backcare.ui.browser.gate``)."""
    st.set_page_config(page_title=f"{title} · BackCare", page_icon=icon, layout=layout)
    browser = frame_store()
    notices = load_notices()
    accounts = visitor_mode()[0] == "accounts"
    with st.sidebar:
        if accounts:  # clinic mode: who is signed in, first
            sign_in_panel(sign_in_state(), "sidebar")
            st.divider()
        for key, label, menu_icon in MENU:
            if key != "account" or accounts:
                st.page_link(PAGES[key], label=label, icon=menu_icon)
        st.divider()
        demo_switch("sidebar")
        st.divider()
        st.markdown(f"**Not a diagnosis.** {notices.not_a_diagnosis}")
        st.markdown(f"**Emergency signs.** {notices.emergency_markdown}")
        st.page_link(
            PAGES["screening"],
            label="Check for warning signs",
            icon=":material/emergency:",
        )
    call_line = phone_frame()  # phone: stylesheet, the menu closing on choice, the call line
    demo_banner()
    if browser is not None:
        gate(browser)
    if kept().hold_level == "emergency":
        emergency_call_line(call_line)


# Each triage level's icon, next to its words (never colour or icon alone).
LEVEL_ICONS: dict[Level, str] = {
    "emergency": ":material/emergency:",
    "urgent": ":material/priority_high:",
    "gp": ":material/stethoscope:",
    "self_care": ":material/self_improvement:",
}


def held_message(level: Level) -> str:
    """What a page says instead of its usual advice while a triage result at ``level``
    (emergency or urgent) holds it."""
    rules = load_red_flags()
    info = rules.levels[level]
    return f"**Your warning-sign check: {info.label}: {info.action}.** {rules.held_text}"


def hold_notice() -> bool:
    """While the person's kept check is emergency or urgent (and no doctor has seen them
    about it since), say so first: get checked before anything else on the page (an
    emergency or urgent result speaks alone). Returns True when the notice was shown, so a
    page can leave out its exercise suggestions."""
    level = as_level(kept().hold_level)
    if level is None or level not in HOLD_LEVELS:
        return False
    text = held_message(level)
    if level == "emergency":
        st.error(text, icon=LEVEL_ICONS[level])
    else:
        st.warning(text, icon=LEVEL_ICONS[level])
    st.page_link(
        PAGES["screening"], label="See your result and every reason", icon=":material/fact_check:"
    )
    return True
