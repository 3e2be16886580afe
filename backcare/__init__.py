"""BackCare: the shared library behind the BackCare self-assessment dashboard.

Everything outside ``backcare.ui`` is plain Python (no Streamlit), so it can be
tested with pytest and used from a notebook or another front end.
"""

__version__ = "0.1.0"
