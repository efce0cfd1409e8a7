"""Reports written to a file (``-o``): whole or not at all."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from depsize.errors import InputError


def write_report(output: Path, text: str) -> None:
    """Write the report to ``output`` whole or not at all: a temporary file in the same folder,
    renamed over ``output`` once written. A device or FIFO given as ``output`` (``/dev/stdout``)
    is written to directly. A full disk or a vanished folder is an input error naming the file.
    """
    output = _through_links(output)
    try:
        direct = output.exists() and not stat.S_ISREG(output.stat().st_mode)
    except (OSError, ValueError):
        direct = False
    tmp: str | None = None
    try:
        if direct:
            _write_direct(output, text)
            return
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)
        umask = os.umask(0o22)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # noqa: PTH101 - a str path from mkstemp
        Path(tmp).replace(output)  # atomic within one folder
        tmp = None
    except OSError as exc:
        raise InputError(f"cannot write the report ({exc.strerror or exc})", output) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _through_links(output: Path) -> Path:
    """Where a symlink given as ``output`` leads (the link is kept, as a shell's ``>`` keeps
    it); a link that loops is an input error naming it."""
    if not output.is_symlink():
        return output
    try:
        return Path(os.path.realpath(output, strict=True))
    except FileNotFoundError:  # a dangling link: its target is created
        return Path(os.path.realpath(output))
    except OSError as exc:
        raise InputError(f"cannot write the report ({exc.strerror or exc})", output) from None


def _write_direct(output: Path, text: str) -> None:
    """Write to a device or FIFO (``/dev/stdout``, a process substitution). A FIFO nobody
    reads would block the open forever: it is opened without blocking, and no reader is an
    error naming it."""
    try:
        fd = os.open(output, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise InputError(
                "cannot write the report: no process reads this FIFO", output
            ) from None
        raise
    os.set_blocking(fd, True)
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
        handle.write(text)
