"""Streamlit pieces for the Learn page: one topic, its figure, sources and print styles."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

from backcare.content import Suggestion, Topic
from backcare.figures import figure
from backcare.ui.frame import PAGES

# Link text for pages a topic can point to (front-matter field links_to_page).
PAGE_LINK_LABELS = {
    "screening": (
        "Check your symptoms for warning signs on the Screening page",
        ":material/fact_check:",
    ),
    "routine": ("Build a gentle routine", ":material/fitness_center:"),
    "diary": ("Open the pain diary", ":material/edit_note:"),
    "about": ("About and privacy", ":material/shield:"),
}

# Print: drop the app chrome, the topic list and the buttons; keep the topic, chart, sources.
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], .st-key-learn_nav, .st-key-learn_suggest,
  .st-key-learn_related, [data-testid="stColumn"]:has(.st-key-learn_nav) {
    display: none !important;
  }
  [data-testid="stMainBlockContainer"] { padding-top: 0 !important; max-width: 100% !important; }
}
</style>
"""


def suggested_groups(suggested: Iterable[Suggestion]) -> list[tuple[str, list[str]]]:
    """The suggestions grouped by their reason, in order: each reason is shown once, under
    every topic it suggests (one rule often suggests two topics for the same reason)."""
    groups: dict[str, list[str]] = {}
    for item in suggested:
        groups.setdefault(item.why, []).append(item.topic_id)
    return list(groups.items())


def print_styles() -> None:
    st.html(PRINT_CSS)


def source_list(topic: Topic) -> str:
    """Numbered Markdown list of the topic's sources, each linked (our reviewed content)."""
    return "\n".join(
        f"{n}. [{s.citation}](<{s.url}>)" for n, s in enumerate(topic.sources, start=1)
    )


def figure_view(figure_id: str) -> None:
    """The chart, its text summary next to it, and where its numbers come from."""
    try:
        fig = figure(figure_id)
    except ValueError as err:
        st.error(f"This figure could not be drawn: {err}")
        return
    with st.container(border=True):
        # The chart carries fig.alt_text as its description, which becomes its aria-label.
        st.altair_chart(fig.chart, width="stretch")
        st.markdown(f"**What the chart shows.** {fig.summary}")
        names = ["open"] if len(fig.urls) == 1 else [f"paper {i}" for i in range(1, 9)]
        links = ", ".join(f"[{name}](<{url}>)" for name, url in zip(names, fig.urls, strict=False))
        st.caption(f"Source: {fig.source} ({links}). {fig.note}")


def topic_view(topic: Topic, titles: dict[str, str], open_topic: Callable[[str], None]) -> None:
    """One topic: title, summary, body, figure, page link, numbered sources, related."""
    st.header(topic.title, anchor="topic")
    st.caption(
        f"{topic.reading_minutes} min read · last reviewed "
        f"{topic.last_reviewed:%d %B %Y} · not a diagnosis"
    )
    st.markdown(f"**{topic.summary}**")
    st.markdown(topic.body)
    if topic.links_to_page:
        label, icon = PAGE_LINK_LABELS[topic.links_to_page]
        st.page_link(PAGES[topic.links_to_page], label=label, icon=icon)
    if topic.figure:
        figure_view(topic.figure)
    st.subheader("Sources", anchor="sources")
    st.markdown(source_list(topic))
    with st.container(key="learn_related"):
        st.subheader("Related topics", anchor="related")
        with st.container(horizontal=True):
            topic_buttons("learn_related", topic.related, titles, open_topic)


def topic_buttons(
    prefix: str,
    topic_ids: Iterable[str],
    titles: dict[str, str],
    open_topic: Callable[[str], None],
) -> None:
    """A button per topic that opens it (keys ``<prefix>_<topic id>``)."""
    for topic_id in topic_ids:
        st.button(
            titles[topic_id],
            key=f"{prefix}_{topic_id}",
            on_click=open_topic,
            args=(topic_id,),
            icon=":material/arrow_forward:",
        )
