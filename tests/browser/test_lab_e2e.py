"""Every chapter notebook, opened in JupyterLab in a real browser (headless Chromium), Run All Cells.

Per notebook: no error output; every widget view drawn (none left "Loading widget...", none
"Error displaying widget"); one widget used (an option picked, a slider moved, text typed ...)
changes what it shows; a Korean chapter shows Hangul. A screenshot of each chapter goes to
tests/_artifacts/screenshots/ (printed at the end of the run): look at them, since a missing font
draws Hangul as boxes even when the page's text is right.

Skipped, with the reason, where Chromium or playwright is missing (``./kit test`` installs both).
Run only these: ``./kit test tests/browser``; leave them out: ``./kit test -m "not browser"``.
"""

from __future__ import annotations

import pytest

from .lab_driver import NOTEBOOKS, chapter_notebooks

CHAPTERS = chapter_notebooks()

pytestmark = pytest.mark.browser


def _id(path):
    return path.relative_to(NOTEBOOKS).with_suffix("").as_posix()


@pytest.mark.parametrize(
    "notebook",
    CHAPTERS or [pytest.param(None, marks=pytest.mark.skip(reason="no chapter notebooks in notebooks/{ko,en}/ yet"))],
    ids=_id if CHAPTERS else None,
)
def test_chapter_runs_and_its_widgets_work_in_jupyterlab(notebook, lab_runs):
    run = lab_runs[notebook]
    widget_console = [e for e in run.console_errors if "widget" in e.lower()]
    details = "".join(f"\n  - {p}" for p in run.problems)
    if widget_console:
        details += "\n  browser console (widget errors): " + " | ".join(widget_console[:5])
    shots = ", ".join(str(s) for s in run.screenshots) or "none"
    assert not run.problems, f"{run.rel} in JupyterLab:{details}\n  screenshots: {shots}"
