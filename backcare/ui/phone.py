"""What every page needs on a phone, drawn by the frame: one stylesheet, the call line and
the menu that closes on choice. (The stylesheet is the app's one place for CSS; a rule
or two that is not about phones lives there too.)

- ``STYLES``: the one place for layout CSS. At phone width (Streamlit stacks columns at
  640 px and lays the sidebar over the page at 768 px) touch targets are at least 44 px
  high (the menu button, checkbox and toggle rows, radio options, button groups such as
  the 0-10 pain scale), the 0-10 scales fit one row (at 390 px and in a laptop's
  half-width column), and tables wrap their text instead of scrolling sideways.
- ``call_line_html()``: a short emergency line with tap-to-call links (``tel:999``,
  ``tel:111``), words from ``data/notices.toml``; shown where the sidebar, with the full
  list of emergency signs, is closed (phone and tablet width).
- ``menu_closes_on_choice()``: Streamlit leaves the sidebar open over the page after a
  ``st.page_link`` is chosen on a phone (its own page menu closes, a page link does not). A
  small script closes it, as Streamlit's own menu does, when a link in the sidebar is
  chosen while the sidebar lies over the page.

Only our own constant text goes into HTML here (numbers and words from data files,
escaped); never anything a person typed.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

import streamlit as st

from backcare.notices import CallLine, load_notices

PHONE = 640  # px: Streamlit stacks columns at or below this width
OVERLAY = 768  # px: at or below this the sidebar lies over the page (theme breakpoint md)
TARGET = 44  # px: the least height of a touch target at phone width (WCAG 2.5.5)
CALL_LINE_KEY = "bc_call_line"
SCRIPT_KEY = "bc_script_menu"  # containers of scripts: "bc_script..." take no space

STYLES = f"""
<style>
/* Button groups (the 0-10 pain scale, the plan's weeks): one row of equal buttons, at
   any width (a half-width column of a laptop's page wrapped the 0-10 scale too). */
[data-testid="stElementContainer"]:has(> [data-testid="stButtonGroup"]) {{ width: 100%; }}
[data-testid="stButtonGroup"] [role="radiogroup"], [data-testid="stButtonGroup"]
[role="group"] {{ flex-wrap: nowrap; width: 100%; max-width: 100%; }}
[data-testid="stButtonGroup"] button {{
  flex: 1 1 0; min-width: 0; padding-left: 0; padding-right: 0;
}}
/* A slider's value is written in the accent colour, too faint on the dark theme's page
   (3.8:1); in the text colour it reads in both themes. */
[data-testid="stSliderThumbValue"], [data-testid="stSliderThumbValue"] p {{ color: inherit; }}
/* Tables (st.table) wrap their text, long words too, rather than scroll sideways (Streamlit
   keeps each cell on one line). */
[data-testid="stTable"] [data-testid="stTableStyledTable"] :is(td, th),
[data-testid="stTable"] [data-testid="stTableStyledTable"] :is(td, th) * {{
  white-space: normal;
}}
[data-testid="stTable"] [data-testid="stTableStyledTable"] td,
[data-testid="stTable"] [data-testid="stTableStyledTable"] td * {{ overflow-wrap: anywhere; }}
/* The call line: only where the sidebar is closed; the script's box takes no space. */
[class*="st-key-bc_script"] {{ display: none; }}
@media (min-width: {OVERLAY + 1}px) {{ .st-key-{CALL_LINE_KEY} {{ display: none; }} }}
.bc-call-line {{
  border: 2px solid #b91c1c; border-radius: 0.5rem; padding: 0.25rem 0.75rem;
  background: rgba(185, 28, 28, 0.08); line-height: 1.5;
}}
.bc-call-line p {{ margin: 0.25rem 0; }}
.bc-call-line a {{
  /* A 44 px high target that does not stretch the line: padding out, margin back in. */
  display: inline-block; padding: 10px 0.25rem; margin: -10px 0; line-height: 24px;
  border-radius: 0.4rem; color: inherit; font-weight: 700; text-decoration: underline;
  text-underline-offset: 0.2em;
}}
.bc-call-line summary {{ min-height: {TARGET}px; display: flex; align-items: center;
  cursor: pointer; text-decoration: underline; }}
.bc-call-line ul {{ margin: 0 0 0.5rem 0; }}
@media (max-width: {OVERLAY}px) {{
  [data-testid="stExpandSidebarButton"], [data-testid="stMainMenuButton"],
  [data-testid="stSidebarCollapseButton"] button {{
    min-width: {TARGET}px; min-height: {TARGET}px;
  }}
}}
@media (max-width: {PHONE}px) {{
  /* Less empty space above the first line, so more of the page shows on the first screen. */
  [data-testid="stMainBlockContainer"] {{ padding-top: 4.5rem; }}
  /* Checkbox, toggle and radio rows: the whole row is the target. */
  [data-testid="stCheckbox"] > label, [data-testid="stRadioOption"] {{
    min-height: {TARGET}px; align-items: center;
  }}
  [data-testid="stPageLink-NavLink"], [data-testid="stExpander"] summary {{
    min-height: {TARGET}px;
  }}
  [data-testid="stButtonGroup"] button {{ min-height: {TARGET}px; }}
  /* A horizontal radio group of 11 choices (PEG's 0-10): one row, each number under its
     circle. */
  [data-testid="stRadioGroup"][aria-orientation="horizontal"]:has(> :nth-child(11)) {{
    flex-wrap: nowrap; gap: 0; width: 100%;
  }}
  [data-testid="stRadioGroup"][aria-orientation="horizontal"]:has(> :nth-child(11)) > * {{
    flex: 1 1 0; min-width: 0; margin: 0;
  }}
  [data-testid="stRadioGroup"][aria-orientation="horizontal"]:has(> :nth-child(11))
  [data-testid="stRadioOption"] {{ justify-content: center; margin: 0; padding: 0; }}
  [data-testid="stRadioGroup"][aria-orientation="horizontal"]:has(> :nth-child(11))
  [data-testid="stRadioOption"] > div {{
    flex-direction: column; align-items: center; gap: 0.2rem;
  }}
  [data-testid="stRadioGroup"][aria-orientation="horizontal"]:has(> :nth-child(11))
  [data-testid="stRadioOption"] > div > div {{ margin: 0; }}
}}
</style>
"""

# Closes the sidebar when one of its links is chosen while it lies over the page, as
# Streamlit's own page menu does. Installed once per browser tab (the page is not
# reloaded when the page changes).
MENU_SCRIPT = f"""
<script>
(() => {{
  if (window.__backcareMenuCloses) return;
  window.__backcareMenuCloses = true;
  document.addEventListener("click", (event) => {{
    const link = event.target.closest && event.target.closest(
      '[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]');
    if (!link || window.innerWidth > {OVERLAY}) return;
    const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (close) setTimeout(() => close.click(), 0);
  }}, true);
}})();
</script>
"""


def scroll_to(anchor: str, nonce: object) -> None:
    """Bring the heading with id ``anchor`` to the top of the screen unless it is near the
    top already (on a phone, a topic chosen from a list shows at once, not below the
    list). ``nonce`` differs for each choice, so the script runs again each time."""
    target = json.dumps(anchor)
    with st.container(key=f"bc_script_scroll_{anchor}"):
        _scroll_script(target, nonce)


def _scroll_script(target: str, nonce: object) -> None:
    st.html(
        f"""<script>/* {escape(str(nonce))} */
(() => {{
  const heading = document.getElementById({target});
  if (!heading) return;
  const box = heading.getBoundingClientRect();
  if (box.top < 60 || box.top > window.innerHeight * 0.4) {{
    heading.style.scrollMarginTop = "4.5rem";  /* clear of the fixed top bar */
    heading.scrollIntoView({{block: "start"}});
  }}
}})();
</script>""",
        unsafe_allow_javascript=True,
    )


def call_line_html(line: CallLine, *, emergency_only: bool = False) -> str:
    """The call line as HTML: words escaped, each number a ``tel:`` link;
    ``emergency_only`` while an emergency result stands (it speaks alone)."""
    words = "".join(
        escape(text) if number is None else f'<a href="tel:{escape(number)}">{escape(text)}</a>'
        for text, number in line.parts(emergency_only=emergency_only)
    )
    signs = "".join(f"<li>{escape(sign)}</li>" for sign in line.signs)
    return (
        f'<div class="bc-call-line"><p>{words}</p>'
        f"<details><summary>{escape(line.signs_label)}</summary><ul>{signs}</ul></details></div>"
    )


def phone_frame() -> Any:
    """The stylesheet, the menu script and the call line, at the top of every page.
    Returns the call line's place, for ``emergency_call_line`` once the page knows the
    person's check."""
    st.html(STYLES)  # style only: Streamlit puts it where it takes no space
    with st.container(key=SCRIPT_KEY):
        st.html(MENU_SCRIPT, unsafe_allow_javascript=True)
    with st.container(key=CALL_LINE_KEY):
        place = st.empty()
        place.html(call_line_html(load_notices().call_line))
    return place


def emergency_call_line(place: Any) -> None:
    """While an emergency result stands: the call line says 999 alone (no "urgent but not
    an emergency" next to it)."""
    place.html(call_line_html(load_notices().call_line, emergency_only=True))
