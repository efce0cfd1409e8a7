"""A requirements file kept byte for byte, so ``trim`` can drop lines and keep every other byte."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from depsize.records import dataclass

EntryKind = Literal["blank", "requirement", "include", "constraint", "option", "invalid"]

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class PhysicalLine:
    """One physical line: its bytes without the line ending, the ending, and decoded text."""

    number: int
    content: bytes
    ending: bytes
    """The line break (``b"\\n"``, ``b"\\r\\n"``, ``b"\\r"``, ``b"\\x0c"`` ... any of
    :data:`LINE_BREAKS`), or ``b""`` for a last line with no line break."""
    text: str


@dataclass(frozen=True)
class Entry:
    """One logical line (physical lines joined by ``\\`` continuations)."""

    start: int
    end: int
    raw: str
    """The joined text as written, comments included, variables not expanded."""
    kind: EntryKind


@dataclass(frozen=True)
class RequirementsFile:
    """A requirements file as read: exact bytes, physical lines and logical entries."""

    path: Path
    data: bytes
    sha256: str
    encoding: str
    lines: tuple[PhysicalLine, ...]
    entries: tuple[Entry, ...] = ()

    @property
    def requirement_spans(self) -> tuple[tuple[int, int], ...]:
        return tuple((e.start, e.end) for e in self.entries if e.kind == "requirement")

    @property
    def include_spans(self) -> tuple[tuple[int, int], ...]:
        return tuple((e.start, e.end) for e in self.entries if e.kind in {"include", "constraint"})

    @property
    def option_spans(self) -> tuple[tuple[int, int], ...]:
        return tuple((e.start, e.end) for e in self.entries if e.kind == "option")


LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Every character ``str.splitlines`` ends a line at, as pip splits a requirements file."""


def split_lines(data: bytes) -> tuple[tuple[PhysicalLine, ...], str]:
    """Split ``data`` into physical lines exactly where pip does: ``str.splitlines`` of the
    decoded text (``\\r\\n``, ``\\n``, ``\\r``, and also ``\\x0b``, ``\\x0c``, ``\\x1c``-``\\x1e``,
    ``\\x85``, U+2028 and U+2029); decode each line.

    Text is decoded as UTF-8 (a leading BOM is dropped from the text, kept in the bytes); bytes
    that are not UTF-8 are decoded as Latin-1 and the encoding returned says so. The lines'
    bytes and endings joined give ``data`` back exactly.
    """
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    lines = []
    for number, chunk in enumerate(text.splitlines(keepends=True), start=1):
        body = chunk.splitlines()[0]
        ending = chunk[len(body) :]
        shown = body[1:] if number == 1 and body.startswith("\ufeff") else body
        lines.append(PhysicalLine(number, body.encode(encoding), ending.encode(encoding), shown))
    return tuple(lines), encoding


def read_requirements_bytes(path: Path, data: bytes) -> RequirementsFile:
    """A :class:`RequirementsFile` for ``data`` (the bytes read from ``path``), without entries."""
    lines, encoding = split_lines(data)
    digest = hashlib.sha256(data).hexdigest()
    return RequirementsFile(path, data, digest, encoding, lines)


def render(rfile: RequirementsFile, drop: Iterable[tuple[int, int]] = ()) -> bytes:
    """The file's bytes without the physical lines inside the (start, end) spans of ``drop``.

    With nothing dropped the result equals :attr:`RequirementsFile.data` byte for byte.
    """
    dropped: set[int] = set()
    for start, end in drop:
        dropped.update(range(start, end + 1))
    return b"".join(
        line.content + line.ending for line in rfile.lines if line.number not in dropped
    )
