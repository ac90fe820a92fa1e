"""pytest settings for every folder the suite collects (tests/, notebooks/, teacher/answers/).

nbval ends each notebook by killing its kernel (``shutdown_kernel(now=True)`` sends SIGKILL), so
nothing the kernel would do on a normal exit happens: the chapters' ``tempfile.TemporaryDirectory``
folders (saved models, up to ~90 MB a chapter) stayed behind after every run. Here nbval asks the
kernel to shut down first, as JupyterLab does; a kernel that has not exited after
``shutdown_wait_time`` (5 s) is still killed. Checked by tests/test_chapter_tempfiles.py.

Kernels that other tests start through a Jupyter server (the browser and Binder tests) may still be
killed before they exit. Under ``kit test`` the temporary folder belongs to the kit alone
(``KIT_TEST_TMP``, see kit.py), so at the end of the run everything in it goes except pytest's own
folders, which pytest keeps for failed tests only (pyproject.toml).
"""

import os
import shutil
import tempfile
from pathlib import Path

try:
    from nbval.kernel import RunningKernel
except ImportError:  # nbval is a test extra; without it there are no notebook tests to stop
    RunningKernel = None


def _stop_with_a_shutdown_request(self) -> None:
    self.kc.stop_channels()
    self.km.shutdown_kernel(now=False)
    del self.km


if RunningKernel is not None:
    RunningKernel.stop = _stop_with_a_shutdown_request


def pytest_sessionfinish(session, exitstatus) -> None:
    own = os.environ.get("KIT_TEST_TMP")
    if not own or Path(own).resolve() != Path(tempfile.gettempdir()).resolve():
        return  # not a kit test run: the temporary folder is shared with other programs
    for entry in Path(own).iterdir():
        if entry.name.startswith("pytest-of-"):
            continue  # pytest's own: it keeps what failed tests left, for a look
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
