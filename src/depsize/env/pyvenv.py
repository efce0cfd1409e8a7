"""``pyvenv.cfg``: ``key = value`` lines, of which depsize wants the Python version.

Read through :mod:`depsize.safeio` (a FIFO there never blocks) and checked here: a version must be
``X.Y`` or ``X.Y.Z`` in plain digits. Anything else (``3``, garbage, a 5,000-digit number) is a
problem the caller reports, falling back on what the folder layout says.
"""

from __future__ import annotations

import re
from pathlib import Path

from depsize import safeio
from depsize.records import dataclass

_VERSION = re.compile(r"^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?(?:[.+\-a-z].*)?$", re.ASCII)


@dataclass(frozen=True)
class PyvenvVersion:
    """The version ``pyvenv.cfg`` gives (``None`` when it gives none that can be used) and, when
    it cannot be used, why (with the file and line)."""

    version: str | None = None
    problem: str | None = None


def parse_pyvenv_cfg(text: str) -> dict[str, tuple[str, int]]:
    """``key → (value, line)``; keys lower-cased, the first of a repeated key kept."""
    values: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        key, sep, value = line.partition("=")
        if sep:
            values.setdefault(key.strip().lower(), (value.strip(), number))
    return values


def checked_version(text: str) -> str | None:
    """``X.Y[.Z]`` from a version string (``3.11.7``, ``3.12.0.final.0``), or ``None``."""
    match = _VERSION.match(text.strip())
    if match is None:
        return None
    return ".".join(str(int(part)) for part in match.groups() if part is not None)


def pyvenv_version(path: Path) -> PyvenvVersion:
    """The Python version a ``pyvenv.cfg`` states; never raises."""
    try:
        values = parse_pyvenv_cfg(safeio.read_text(path))
    except safeio.UnreadableFileError as exc:
        return PyvenvVersion(None, None if exc.missing else f"{path}: {exc.reason}")
    found = values.get("version_info") or values.get("version")
    if found is None:
        return PyvenvVersion()
    raw, line = found
    version = checked_version(raw)
    if version is None:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        return PyvenvVersion(None, f"{path}:{line}: version {shown!r} is not X.Y or X.Y.Z")
    return PyvenvVersion(version)
