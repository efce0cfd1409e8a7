"""``RECORD`` (and egg-info ``installed-files.txt``) rows, checked at one boundary.

Every row is validated here, before any path reaches the file system: a path with a NUL byte, or a
size that is not a plain ASCII byte count of a sane length (``5,000`` digits, ``²``,
Arabic-Indic digits), is
reported with the file and line and the row (or its size) set aside. The scanner then only sees
clean strings and Python ints.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from depsize.models import ScanWarning

MAX_SIZE_DIGITS = 18
"""A byte count of up to 10**18 - 1 (an exabyte); longer digit strings are not sizes."""
TRUSTED_SIZE_LIMIT = 1 << 20
"""RECORD sizes up to this are taken as they are (no stat); a larger claim is measured on disk,
so a RECORD cannot inflate a file's size by more than this. Few files are larger: the stats
they cost are few, and their figures are exact."""
MAX_ROW_WARNINGS = 10
"""Warnings kept per file; the rest are counted in one last warning."""


@dataclass
class FileList:
    """What a file list names: paths (in order, as written) and the sizes it gives."""

    paths: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    warnings: list[ScanWarning] = field(default_factory=list)
    _dropped: int = 0

    def warn(self, message: str, path: Path, line: int | None = None) -> None:
        if len(self.warnings) < MAX_ROW_WARNINGS:
            self.warnings.append(ScanWarning(message, path, line))
        else:
            self._dropped += 1

    def finish(self, path: Path) -> FileList:
        if self._dropped:
            self.warnings.append(ScanWarning(f"{self._dropped:,} more bad rows not shown", path))
            self._dropped = 0
        return self


def byte_count(text: str) -> int | None:
    """``text`` as a byte count when it is one: ASCII digits only, at most
    :data:`MAX_SIZE_DIGITS` of them (``str.isdigit`` alone accepts ``²`` and Arabic-Indic
    digits, and ``int`` refuses strings past Python's digit limit)."""
    if 0 < len(text) <= MAX_SIZE_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None


def _plain_lines(text: str) -> list[str] | None:
    """The lines of a RECORD without a quote, a NUL or a line longer than the csv module's
    field limit (which it reports as an error): CSV splitting is then ``str.split``, a path
    with a comma being quoted. ``None`` for any other RECORD."""
    if '"' in text or "\0" in text:
        return None
    lines = text.splitlines()
    if max(map(len, lines), default=0) > csv.field_size_limit():
        return None
    return lines


def _rows(text: str) -> Iterator[list[str]]:
    lines = _plain_lines(text)
    if lines is not None:
        return (line.split(",") if line else [] for line in lines)
    return csv.reader(text.splitlines())


def parse_record(text: str, path: Path) -> FileList:
    """The rows of a RECORD file's text; ``path`` names it in warnings."""
    lines = _plain_lines(text)
    if lines is not None:
        return _parse_plain(lines, path).finish(path)
    out = FileList()
    lineno = 0
    try:
        for lineno, row in enumerate(csv.reader(text.splitlines()), start=1):
            if row:
                _add_row(out, row, path, lineno)
    except csv.Error as exc:
        out.warn(f"RECORD is not valid CSV ({exc}); rest of it skipped", path, lineno + 1)
    return out.finish(path)


def _parse_plain(lines: list[str], path: Path) -> FileList:
    """:func:`_add_row` of every line, the common rows handled inline: the hot loop of
    reading an environment (one pass over every RECORD row), kept flat on purpose."""
    out = FileList()
    paths, sizes = out.paths, out.sizes
    for lineno, line in enumerate(lines, start=1):
        row = line.split(",")
        if len(row) == 3 and row[0]:  # no NUL: the text has none
            name, _hash, size = row
            paths.append(name)
            if not size or name.endswith(".pyc"):
                continue
            if len(size) <= MAX_SIZE_DIGITS and size.isascii() and size.isdigit():
                count = int(size)
                if count <= TRUSTED_SIZE_LIMIT:
                    sizes[name] = count
                continue
            paths.pop()  # the row's warning is _add_row's to give
        if line:
            _add_row(out, row, path, lineno)
    return out


def _add_row(out: FileList, row: list[str], path: Path, lineno: int) -> None:
    if len(row) != 3 or not row[0]:
        shown = ",".join(row)
        out.warn(f"malformed RECORD row skipped: {shown[:120]!r}", path, lineno)
        return
    name, _hash, size = row
    if "\0" in name:
        out.warn(f"RECORD path with a NUL byte skipped: {name[:120]!r}", path, lineno)
        return
    out.paths.append(name)
    if not size or name.endswith(".pyc"):  # byte-code gets rewritten: measured on disk
        return
    count = byte_count(size)
    if count is None:
        out.warn(
            f"RECORD size {size[:40]!r} is not a byte count; the file is measured on disk",
            path,
            lineno,
        )
        return
    if count <= TRUSTED_SIZE_LIMIT:
        out.sizes[name] = count


def row_lines(text: str) -> dict[str, int]:
    """The line each RECORD path is first on (to point a warning at it)."""
    lines: dict[str, int] = {}
    try:
        for lineno, row in enumerate(_rows(text), start=1):
            if row:
                lines.setdefault(row[0], lineno)
    except csv.Error:
        pass
    return lines


def parse_installed_files(text: str, path: Path, prefix: str) -> FileList:
    """An egg-info ``installed-files.txt``: one path per line, relative to the egg-info."""
    out = FileList()
    for lineno, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line:
            continue
        if "\0" in line:
            out.warn(f"path with a NUL byte skipped: {line[:120]!r}", path, lineno)
            continue
        out.paths.append(f"{prefix}/{line}")
    return out.finish(path)
