"""Shared pieces of the hostile-input tests: a time limit and an independent byte count."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from depsize.models import EnvScan, ScanWarning


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the body blocks, on a FIFO say."""

    def _expired(_signum: int, _frame: FrameType | None) -> None:
        raise TimeoutError(f"blocked for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def bytes_on_disk(*tops: Path) -> int:
    """Every regular file under ``tops`` once by (st_dev, st_ino), symlinks not followed:
    ``du -sb --apparent-size`` without its folder sizes."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for top in tops:
        for root, _dirs, files in os.walk(top):
            for name in files:
                st = os.lstat(os.path.join(root, name))
                key = (st.st_dev, st.st_ino)
                if not os.path.islink(os.path.join(root, name)) and key not in seen:
                    seen.add(key)
                    total += st.st_size
    return total


def warnings_for(scan: EnvScan | list[ScanWarning], path: Path) -> list[ScanWarning]:
    found = scan.warnings if isinstance(scan, EnvScan) else scan
    return [w for w in found if w.file == path]
