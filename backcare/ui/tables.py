"""Tables that read on a phone: ``st.table`` wraps its text (no sideways scrolling, no
toolbar over the heading above it), where ``st.dataframe`` cuts a note to a few letters.

``st.table`` renders Markdown in its cells, so text in a cell is made plain first
(``plain``): a note such as ``![](http://x/y.png)`` shows as those characters and makes
the browser fetch nothing.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

# Every ASCII punctuation mark is written as a numeric character reference (``&#58;`` for
# ":"). CommonMark shows a reference as its character and never reads it as structure, so
# no link, image, emphasis, heading, list or HTML can form.
_PUNCTUATION = re.compile(r"""[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]""")
# GFM still turns web and e-mail addresses in the text into links (it looks for "http://",
# "www." and "@" after the references are read). An invisible word joiner before each ":",
# "." and "@" keeps an address plain text; it is not read aloud.
_JOINER = "\u2060"


def _reference(match: re.Match) -> str:
    mark = match.group()
    return (_JOINER if mark in ":.@" else "") + f"&#{ord(mark)};"


def plain(text: object) -> str:
    """Text shown as itself in a Markdown cell: one line, every punctuation mark a numeric
    character reference, addresses kept from turning into links."""
    return _PUNCTUATION.sub(_reference, " ".join(str(text).split()))


def text_table(frame: pd.DataFrame, *, alt: str) -> None:
    """A table whose text cells are shown as plain text and wrap, described by ``alt``."""
    shown = frame.copy()
    for column in shown.columns:
        if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
            shown[column] = shown[column].map(plain)
    shown.columns = [plain(c) for c in shown.columns]
    st.table(shown, hide_index=True, alt=alt)
