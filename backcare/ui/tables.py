"""Tables that read on a phone: ``st.table`` wraps its text (no sideways scrolling, no
toolbar over the heading above it), where ``st.dataframe`` cuts a note to a few letters.

``st.table`` renders Markdown in its cells, so text in a cell is made plain first
(``plain``): a note such as ``![](http://x/y.png)`` shows as those characters and makes
the browser fetch nothing.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backcare.ui.text import plain


def text_table(frame: pd.DataFrame, *, alt: str) -> None:
    """A table whose text cells are shown as plain text and wrap, described by ``alt``."""
    shown = frame.copy()
    for column in shown.columns:
        if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
            shown[column] = shown[column].map(plain)
    shown.columns = [plain(c) for c in shown.columns]
    st.table(shown, hide_index=True, alt=alt)
