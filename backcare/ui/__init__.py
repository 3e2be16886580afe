"""The only Streamlit code in the library: the shared page frame and widgets."""

from backcare.ui.frame import PAGES, frame

__all__ = ["PAGES", "frame"]
