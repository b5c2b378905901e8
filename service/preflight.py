"""Start-up checks that turn a bad environment into one clear line instead of a later traceback."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def unwritable(directory: Path) -> str | None:
    """Why the index cannot be written under `directory` (read-only, no permission, disk full, a
    file in the way), or None. Creates the directory, as the index would, and writes a probe file."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".pathways-write-check-") as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return f"cannot write to {directory}: {exc.strerror or exc}"
    return None
