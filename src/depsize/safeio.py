"""Reading files depsize does not trust: regular files only, never blocking, never unbounded.

Every file depsize reads — environment metadata, project sources, configuration, requirement
files, reports and baselines — comes through here. A FIFO, a socket or a device where a file is
expected would block a plain ``open()`` forever or never end (``/dev/zero``); a file of
gigabytes would exhaust memory. So a read:

- opens with ``O_NONBLOCK`` and checks ``S_ISREG`` on the open descriptor (no race between a
  check and the open);
- refuses files larger than the cap (:func:`max_file_bytes`, from ``DEPSIZE_MAX_FILE_BYTES``,
  default 64 MiB) and stops reading once past it, whatever ``st_size`` said;
- turns every ``OSError`` (missing, permission, symlink loop, NUL byte in the name…) into an
  :class:`UnreadableFileError` naming the file, which callers report and step over.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager

from depsize.errors import InputError

TYPE_CHECKING = False  # pathlib and typing are imported only when needed: replays are quick
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from typing import BinaryIO

DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
_ENV_VAR = "DEPSIZE_MAX_FILE_BYTES"


class UnreadableFileError(InputError):
    """A file that cannot, or must not, be read: missing, not a regular file, too large,
    unreadable. ``reason`` is the short text for a warning line."""

    def __init__(self, reason: str, path: Path, *, missing: bool = False) -> None:
        self.reason = reason
        self.missing = missing
        super().__init__(reason, path)


def max_file_bytes() -> int:
    """The per-file read cap: ``DEPSIZE_MAX_FILE_BYTES`` when set to a positive integer."""
    raw = os.environ.get(_ENV_VAR, "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) < 19 and int(raw) > 0:
        return int(raw)
    return DEFAULT_MAX_FILE_BYTES


def read_bytes(path: str | os.PathLike[str], *, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (default :func:`max_file_bytes`).

    Raises :class:`UnreadableFileError` for anything else; never blocks.
    """
    cap = max_file_bytes() if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFileError("no such file", _shown(path), missing=True) from None
    except (OSError, ValueError) as exc:  # ValueError: an embedded NUL byte in the name
        raise UnreadableFileError(_reason(exc), _shown(path)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _kind(info.st_mode)
            raise UnreadableFileError(f"not a regular file ({kind}); not read", _shown(path))
        if info.st_size > cap:
            raise UnreadableFileError(
                f"{info.st_size:,} bytes, over the {cap:,}-byte read limit ({_ENV_VAR}); not read",
                _shown(path),
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise UnreadableFileError(
                    f"over the {cap:,}-byte read limit ({_ENV_VAR}); not read", _shown(path)
                )
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFileError(_reason(exc), _shown(path)) from None
    finally:
        os.close(fd)


@contextmanager
def open_regular(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A regular file opened for binary reading (seek and read parts of it: ELF headers of a
    shared object far over the read cap), with the checks of :func:`read_bytes` but no cap.

    Raises :class:`UnreadableFileError` for anything but a regular file; never blocks.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFileError("no such file", _shown(path), missing=True) from None
    except (OSError, ValueError) as exc:
        raise UnreadableFileError(_reason(exc), _shown(path)) from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise UnreadableFileError(_reason(exc), _shown(path)) from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise UnreadableFileError(f"not a regular file ({_kind(mode)}); not read", _shown(path))
    with os.fdopen(fd, "rb") as handle:
        yield handle


def read_text(
    path: str | os.PathLike[str], *, limit: int | None = None, errors: str = "replace"
) -> str:
    """The UTF-8 text of a regular file (see :func:`read_bytes`); a leading BOM is dropped.

    With ``errors="strict"`` an undecodable file raises :class:`UnreadableFileError`.
    """
    data = read_bytes(path, limit=limit)
    try:
        return data.decode("utf-8-sig", errors=errors)
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"not valid UTF-8 at byte {exc.start} ({exc.reason})", _shown(path)
        ) from None


def read_text_or_none(path: str | os.PathLike[str], *, limit: int | None = None) -> str | None:
    """:func:`read_text`, or ``None`` for any file that cannot be read (never raises)."""
    try:
        return read_text(path, limit=limit)
    except UnreadableFileError:
        return None


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` (following symlinks) is a regular file; ``False`` on any error."""
    try:
        return stat.S_ISREG(os.stat(os.fspath(path) or ".").st_mode)  # noqa: PTH116 - no pathlib
    except (OSError, ValueError):
        return False


def _shown(path: str | os.PathLike[str]) -> Path:
    """The path as an error names it."""
    from pathlib import Path

    return Path(os.fsdecode(path))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return f"cannot read: {exc}"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a file"
