"""Text a person or a sign-in provider chose, shown as itself where Streamlit renders
Markdown (table cells, alerts, headings, button labels): ``plain``. The standard library
only, so every page's frame may use it.
"""

from __future__ import annotations

import re

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
