"""Suite-wide settings.

Hypothesis's default 200 ms deadline turns a busy machine into a failing test (CI and
developers share 2 cores), and no test here is meant to measure time: speed is measured
in bench/. So deadlines are off; the number of examples stays Hypothesis's default unless
a test says otherwise.
"""

from hypothesis import settings

settings.register_profile("backcare", deadline=None)
settings.load_profile("backcare")
