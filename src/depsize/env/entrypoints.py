"""``entry_points.txt``: ``[group]`` sections of ``name = value`` lines, read as importlib does.

A line outside any section is ignored (as importlib ignores it); a line without ``=`` is reported
with its file and line and skipped, where importlib-metadata would raise.
"""

from __future__ import annotations

from pathlib import Path

from depsize.models import EntryPoint, ScanWarning

MAX_WARNINGS = 10


def parse_entry_points(text: str, path: Path) -> tuple[list[EntryPoint], list[ScanWarning]]:
    """The entry points in ``text`` and a warning for each line that is not one."""
    found: list[EntryPoint] = []
    warnings: list[ScanWarning] = []
    bad = 0
    group: str | None = None
    for lineno, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line.strip("[]")
            continue
        if group is None:
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            bad += 1
            if bad <= MAX_WARNINGS:
                warnings.append(
                    ScanWarning(f"not an entry point (name = value): {line[:120]!r}", path, lineno)
                )
            continue
        found.append(EntryPoint(group, name.strip(), value.strip()))
    if bad > MAX_WARNINGS:
        warnings.append(ScanWarning(f"{bad - MAX_WARNINGS:,} more bad lines not shown", path))
    return found, warnings
