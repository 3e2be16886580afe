"""The only Streamlit code in the library: the shared page frame and widgets."""

from backcare.ui.frame import PAGES, frame, hold_notice

__all__ = ["PAGES", "frame", "hold_notice"]
