"""A requirements file kept byte for byte, so ``trim`` can drop lines and keep every other byte."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

EntryKind = Literal["blank", "requirement", "include", "constraint", "option", "invalid"]

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class PhysicalLine:
    """One physical line: its bytes without the line ending, the ending, and decoded text."""

    number: int
    content: bytes
    ending: bytes
    """``b"\\n"``, ``b"\\r\\n"``, ``b"\\r"``, or ``b""`` for a last line with no newline."""
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


def split_lines(data: bytes) -> tuple[tuple[PhysicalLine, ...], str]:
    """Split ``data`` into physical lines on ``\\r\\n``, ``\\n`` and ``\\r``; decode each line.

    Text is decoded as UTF-8 (a leading BOM is dropped from the text, kept in the bytes); bytes
    that are not UTF-8 are decoded as Latin-1 and the encoding returned says so.
    """
    try:
        data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "latin-1"
    lines = []
    for number, chunk in enumerate(data.splitlines(keepends=True), start=1):
        content = chunk.rstrip(b"\r\n")
        ending = chunk[len(content) :]
        text_bytes = content[len(_BOM) :] if number == 1 and content.startswith(_BOM) else content
        lines.append(PhysicalLine(number, content, ending, text_bytes.decode(encoding)))
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
