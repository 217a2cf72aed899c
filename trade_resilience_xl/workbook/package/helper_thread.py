"""One helper thread for work that releases the GIL (zlib deflating and inflating), so that
a second core works while the caller makes or parses the next piece."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor


class _Done:
    """A finished piece of work (what ``Helper`` gives where no thread can start)."""

    def __init__(self, value) -> None:
        self.value = value

    def result(self):
        return self.value


class Helper:
    """One worker thread, or, where threads cannot start (Pyodide), the caller itself."""

    def __enter__(self):
        try:
            self.pool: ThreadPoolExecutor | None = ThreadPoolExecutor(1)
        except RuntimeError:
            self.pool = None
        return self

    def submit(self, fn, *args):
        if self.pool is not None:
            try:
                return self.pool.submit(fn, *args)
            except RuntimeError:                  # "can't start new thread"
                self.pool = None
        return _Done(fn(*args))

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
