"""Answering a run from the run cache, before the command-line layer is imported.

Imports only the standard library, :mod:`depsize.safeio` and the run cache's own modules.
"""

from __future__ import annotations

import os
import sys

from depsize import safeio
from depsize.runcache.key import (
    MAX_FILE_BYTES,
    cache_dir,
    cache_file,
    cacheable,
    invocation,
    unchanged,
)
from depsize.runcache.store import StoredRun, decode, key_bytes


def replay(argv: list[str]) -> int | None:
    """Write the stored output of ``depsize ARGV`` and return its exit code, when a stored run
    has the same invocation and every input is unchanged; ``None``: run the command."""
    if not cacheable(argv) or not all(hasattr(s, "buffer") for s in (sys.stdout, sys.stderr)):
        return None  # a run without byte streams (an embedding program) is not replayed
    try:
        key = key_bytes(invocation(argv))
        data = safeio.read_bytes(cache_file(cache_dir(), key), limit=MAX_FILE_BYTES)
    except (safeio.UnreadableFileError, OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    run = decode(data)
    if (
        run is None
        or run.key != key
        or not _same_environ(run)
        or not unchanged(run.paths, run.stamps, run.base)
    ):
        return None
    _write(run)
    return run.exit_code


def _same_environ(run: StoredRun) -> bool:
    environ = os.environ
    if run.all_environ and len(environ) != sum(value is not None for _, value in run.environ):
        return False
    return all(environ.get(name) == value for name, value in run.environ)


def _write(run: StoredRun) -> None:
    streams = {1: sys.stdout.buffer, 2: sys.stderr.buffer}
    last = None
    for number, data in run.chunks:
        if last is not None and last is not streams[number]:
            last.flush()
        last = streams[number]
        last.write(data)
    for stream in streams.values():
        stream.flush()
