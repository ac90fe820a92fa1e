"""pytest settings for every folder the suite collects (tests/, notebooks/, teacher/answers/).

nbval ends each notebook by killing its kernel (``shutdown_kernel(now=True)`` sends SIGKILL), so
nothing the kernel would do on a normal exit happens: the chapters' ``tempfile.TemporaryDirectory``
folders (saved models, up to ~90 MB a chapter) stayed behind after every run. Here nbval asks the
kernel to shut down first, as JupyterLab does; a kernel that has not exited after
``shutdown_wait_time`` (5 s) is still killed. Checked by tests/test_chapter_tempfiles.py.
"""

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
