"""Replace a file only once its new content is complete (the user's only copy is at stake)."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def replacing(path: str | os.PathLike, mode: str = "wb", **open_kwargs):
    """Open a temp file beside ``path`` for writing; on success fsync it and move it over
    ``path`` with ``os.replace``; on any failure remove it and leave ``path`` untouched."""
    target = Path(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes owner-only files; a replaced file keeps its permissions, a new one
        # gets the usual ones (umask), as if written in place.
        os.chmod(temp_name, _mode_for(target))
        os.replace(temp_name, target)
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise
