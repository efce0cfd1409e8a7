"""Where an include points, and whether depsize may follow it.

A requirements file can name any path in ``-r``/``-c``: ``/etc/passwd``, ``../../x``, a symlink
out of the project, a symlink loop, a name holding a NUL byte. Includes are followed only inside
the project folder and the folders the user allows (``--allow-outside``, ``[tool.depsize]
allow-outside``); paths are resolved without raising (a loop resolves to itself and then fails to
read, as a file that cannot be read).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from depsize.errors import InputError
from depsize.safeio import UnreadableFileError, read_bytes


def real_path(path: Path) -> Path | None:
    """``path`` with every symlink resolved, absolute; ``None`` when it cannot name a file
    (a NUL byte). Never raises for loops or missing parts."""
    try:
        return Path(os.path.realpath(path))
    except (ValueError, OSError):
        return None


def user_path(text: str) -> Path:
    """``text`` as a path, ``~`` expanded when it can be (never raises: a NUL byte or an unknown
    user leaves it as written)."""
    try:
        return Path(text).expanduser()
    except (ValueError, RuntimeError, KeyError):
        return Path(text)


def is_inside(path: Path, roots: Iterable[Path]) -> bool:
    """Whether the resolved ``path`` is one of ``roots`` (resolved) or under one of them."""
    real = real_path(path)
    if real is None:
        return False
    for root in roots:
        base = real_path(root)
        if base is not None and (real == base or base in real.parents):
            return True
    return False


def read_input(path: Path) -> bytes:
    """The bytes of the input file ``path``, read through :mod:`depsize.safeio`;
    :class:`~depsize.errors.InputError` naming it (``cannot read: ...``) otherwise."""
    try:
        return read_bytes(path)
    except UnreadableFileError as exc:
        reason = (
            exc.reason if exc.reason.startswith("cannot read") else f"cannot read: {exc.reason}"
        )
        raise InputError(reason, path) from None
