"""Replace a file only once its new content is complete (the user's only copy is at stake).

* The new content goes to a temp file in the same folder, is fsynced, then moved over the
  file with ``os.replace`` (atomic on one file system): a crash, a full disk or an error
  leaves the old file as it was, never half a file.
* A symbolic link is followed: the file it points to is replaced (the temp file is made
  beside *that* file), and the link stays a link.
* A hard link is not kept: ``os.replace`` puts a new file under this name, so the file's
  other names (hard links) keep the old content. Keeping them would mean overwriting the
  file in place, which is not atomic.
* SIGTERM or SIGHUP while the temp file exists (the process is being stopped, or its
  terminal closed) removes the temp file before the process ends with the signal's usual
  status; without this the default action would end the process on the spot and leave
  the temp file behind. (SIGKILL cannot be caught: nothing can clean up after it.) The
  temp file is created with SIGTERM, SIGHUP and SIGINT held, so no signal can fall between
  its creation and the cleanup that knows its name.
"""
from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                      if hasattr(signal, name))


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _stop(signum, _frame):
    # SystemExit unwinds through the ``except BaseException`` below (removing the temp
    # file) and ends the process with 128 + signal, the shell's status for "killed by".
    raise SystemExit(128 + signum)


@contextmanager
def _stop_signals_unwind():
    """While inside: SIGTERM/SIGHUP raise SystemExit instead of ending the process at once.

    Only signals left at their default action are taken over, and only in the main thread
    (Python delivers signals there; elsewhere handlers cannot be set).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for number in _STOP_SIGNALS:
        if signal.getsignal(number) == signal.SIG_DFL:
            previous[number] = signal.signal(number, _stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def _signals_held():
    """While inside: SIGTERM, SIGHUP and SIGINT wait (blocked, not lost); on leaving, one
    that came meanwhile is delivered. Python runs its handler at the next instruction, so
    whatever was assigned inside is known to the code that handles it."""
    if not hasattr(signal, "pthread_sigmask"):
        yield                       # Windows: no signal masks (and no SIGTERM to Python)
        return
    held = set(_STOP_SIGNALS) | {signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def real_path(path: str | os.PathLike) -> Path:
    """``path`` with symbolic links resolved: the file that a write must replace."""
    return Path(os.path.realpath(path))


@contextmanager
def replacing_path(path: str | os.PathLike, suffix: str = ".tmp") -> Iterator[Path]:
    """A temp file's path beside ``path`` (its name ends with ``suffix``) for a writer that
    needs a file name; on success the temp file is moved over ``path`` with
    ``os.replace``; on any failure (an interrupt or a stop signal included) it is removed
    and ``path`` is left untouched."""
    target = real_path(path)
    with _stop_signals_unwind():
        temp_name = None
        try:
            with _signals_held():
                # Created with the stop signals held: one arriving now waits until the
                # name is known and the cleanup below covers it (issue 23: a signal just
                # after mkstemp left a 0-byte temp file behind).
                fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix,
                                                 dir=target.parent)
                os.close(fd)
            yield Path(temp_name)
            # mkstemp makes owner-only files; a replaced file keeps its permissions, a new
            # one gets the usual ones (umask), as if written in place.
            os.chmod(temp_name, _mode_for(target))
            os.replace(temp_name, target)
        except BaseException:
            if temp_name is not None and os.path.exists(temp_name):
                os.unlink(temp_name)
            raise


@contextmanager
def replacing(path: str | os.PathLike, mode: str = "wb", **open_kwargs):
    """Open a temp file beside ``path`` for writing; on success fsync it and move it over
    ``path`` with ``os.replace``; on any failure remove it and leave ``path`` untouched."""
    with replacing_path(path) as temp, open(temp, mode, **open_kwargs) as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
