"""Read TOML files, and find where each key and array item starts in the text.

``tomllib`` gives values but no positions. :class:`TomlLocator` scans the text of a document that
``tomllib`` already accepted and records, for every key (``tool.poetry.dependencies.requests``) and
table header, the character offsets of the key and of its value; :meth:`TomlLocator.array_items`
gives the span of each item of an array value. Strings of all four kinds, comments, multi-line
arrays and inline tables are handled.
"""

from __future__ import annotations

import bisect
import configparser
import contextlib
import hashlib
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from depsize.errors import InputError
from depsize.records import dataclass
from depsize.requirements.paths import read_input
from depsize.safeio import read_text, read_text_or_none

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}#\r\n]*")
_POSITION = re.compile(r"line (\d+), column (\d+)")


class _ScanError(Exception):
    """The text is not shaped as expected; stop locating (values stay correct, lines default)."""


@dataclass(frozen=True)
class TomlEntry:
    """Offsets of one key (or table header) and of its value (or table body) in the text."""

    start: int
    value_start: int
    end: int


class TomlLocator:
    """Positions of keys, tables and array items in TOML text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.entries: dict[tuple[str, ...], TomlEntry] = {}
        with contextlib.suppress(_ScanError, IndexError, ValueError, RecursionError):
            self._scan()

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self._line_starts, offset)

    def get(self, *path: str) -> TomlEntry | None:
        return self.entries.get(path)

    def array_items(self, entry: TomlEntry) -> list[tuple[int, int]]:
        """(start, end) offsets of each item when the entry's value is an array, else ``[]``."""
        pos = entry.value_start
        if not self.text.startswith("[", pos):
            return []
        items: list[tuple[int, int]] = []
        pos += 1
        try:
            while True:
                pos = self._skip_space(pos, newlines=True)
                if self.text[pos] == "]":
                    return items
                if self.text[pos] == ",":
                    pos += 1
                    continue
                end = self._skip_value(pos)
                items.append((pos, end))
                pos = end
        except (_ScanError, IndexError, ValueError, RecursionError):
            return items

    # -- scanning -----------------------------------------------------------------------------

    def _scan(self) -> None:
        text = self.text
        table: tuple[str, ...] = ()
        headers: list[tuple[tuple[str, ...], int, int]] = []
        pos = self._skip_space(0, newlines=True)
        while pos < len(text):
            if text[pos] == "[":
                start = pos
                width = 2 if text.startswith("[[", pos) else 1
                keys, pos = self._read_key(pos + width)
                pos = text.index("]" * width, pos) + width
                table = tuple(keys)
                headers.append((table, start, pos))
            else:
                start = pos
                keys, pos = self._read_key(pos)
                pos = self._expect(pos, "=")
                value_start = self._skip_space(pos)
                pos = self._skip_value(value_start)
                self.entries.setdefault((*table, *keys), TomlEntry(start, value_start, pos))
            pos = self._skip_space(pos, newlines=True)
        ends = [start for _, start, _ in headers[1:]] + [len(text)]
        for (path, start, body), end in zip(headers, ends, strict=True):
            body_end = max(body, len(text[:end].rstrip()))
            self.entries.setdefault(path, TomlEntry(start, body, body_end))

    def _skip_space(self, pos: int, *, newlines: bool = False) -> int:
        text = self.text
        while pos < len(text):
            char = text[pos]
            if char in " \t" or (newlines and char in "\r\n"):
                pos += 1
            elif char == "#" and newlines:
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
            else:
                break
        return pos

    def _expect(self, pos: int, char: str) -> int:
        pos = self._skip_space(pos)
        if not self.text.startswith(char, pos):
            raise _ScanError(pos)
        return pos + 1

    def _read_key(self, pos: int) -> tuple[list[str], int]:
        keys: list[str] = []
        while True:
            pos = self._skip_space(pos)
            char = self.text[pos]
            if char in "\"'":
                end = self._skip_string(pos)
                keys.append(_key_text(self.text[pos:end]))
                pos = end
            else:
                match = _BARE_KEY.match(self.text, pos)
                if match is None:
                    raise _ScanError(pos)
                keys.append(match.group())
                pos = match.end()
            pos = self._skip_space(pos)
            if not self.text.startswith(".", pos):
                return keys, pos
            pos += 1

    def _skip_value(self, pos: int) -> int:
        char = self.text[pos]
        if char in "\"'":
            return self._skip_string(pos)
        if char == "[":
            return self._skip_container(pos, "]", self._skip_value)
        if char == "{":
            return self._skip_container(pos, "}", self._skip_pair)
        match = _SCALAR.match(self.text, pos)
        if match is None or not match.group().strip():
            raise _ScanError(pos)
        return pos + len(match.group().rstrip())

    def _skip_pair(self, pos: int) -> int:
        _, pos = self._read_key(pos)
        pos = self._skip_space(self._expect(pos, "="))
        return self._skip_value(pos)

    def _skip_container(self, pos: int, close: str, skip_item: Callable[[int], int]) -> int:
        pos += 1
        while True:
            pos = self._skip_space(pos, newlines=True)
            char = self.text[pos]
            if char == close:
                return pos + 1
            pos = pos + 1 if char == "," else skip_item(pos)

    def _skip_string(self, pos: int) -> int:
        text = self.text
        quote = text[pos]
        if text.startswith(quote * 3, pos):
            end = text.index(quote * 3, pos + 3)
            while quote == '"' and _escaped(text, end):
                end = text.index(quote * 3, end + 1)
            run = 3
            while run < 5 and text.startswith(quote, end + run):
                run += 1
            return end + run
        end = text.index(quote, pos + 1)
        while quote == '"' and _escaped(text, end):
            end = text.index(quote, end + 1)
        return end + 1


def _escaped(text: str, pos: int) -> bool:
    """Whether the character at ``pos`` is preceded by an odd number of backslashes."""
    count = 0
    while pos - count - 1 >= 0 and text[pos - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _key_text(quoted: str) -> str:
    if quoted.startswith("'"):
        return quoted[1:-1]
    try:
        return str(json.loads(quoted))
    except ValueError:
        return quoted[1:-1]


@dataclass(frozen=True)
class TomlDocument:
    """A parsed TOML file with its text, digest and positions."""

    path: Path
    text: str
    sha256: str
    data: dict[str, Any]
    locator: TomlLocator

    def lines(self, span: tuple[int, int]) -> tuple[int, int]:
        """(first line, last line) of the text in ``span``."""
        start, end = span
        return self.locator.line_of(start), self.locator.line_of(max(start, end - 1))

    def spans(
        self, path: tuple[str, ...], count: int, *, whole_key: bool = False
    ) -> list[tuple[int, int]]:
        """Spans of the ``count`` items of the array at ``path``. When the items cannot be
        located one by one: the key's span for each item with ``whole_key`` (the items are one
        declaration), else ``(0, 0)`` (unknown: ``trim`` leaves them alone); ``(0, 0)`` when the
        key cannot be found."""
        entry = self.locator.get(*path)
        if entry is None:
            return [(0, 0)] * count
        items = self.locator.array_items(entry)
        if len(items) == count:
            return items
        return [(entry.start, entry.end) if whole_key else (0, 0)] * count

    def entry_span(self, path: tuple[str, ...]) -> tuple[int, int]:
        entry = self.locator.get(*path)
        return (0, 0) if entry is None else (entry.start, entry.end)


def read_toml(path: Path) -> TomlDocument:
    """Read and parse ``path`` (through :mod:`depsize.safeio`); :class:`InputError` naming the
    file (and the parser's line) if it cannot be read or is not valid TOML."""
    return parse_toml(path, read_input(path))


def parse_toml(path: Path, raw: bytes) -> TomlDocument:
    """Parse ``raw``, the bytes of ``path``; :class:`InputError` if it is not valid TOML, or
    nests too deeply to parse."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    data = loads_toml(text, path)
    digest = hashlib.sha256(raw).hexdigest()
    return TomlDocument(path, text, digest, data, TomlLocator(text))


def loads_toml(text: str, path: Path) -> dict[str, Any]:
    """``tomllib.loads``; :class:`InputError` naming ``path`` for invalid or too deeply nested
    TOML (the parser recurses once per level of nesting)."""
    if sys.version_info >= (3, 11):
        import tomllib  # lazy: only projects with a TOML manifest need the parser
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _POSITION.search(str(exc))
        line = int(match.group(1)) if match else None
        raise InputError(f"invalid TOML: {exc}", path, line) from None
    except RecursionError:
        raise InputError("invalid TOML: arrays or tables nested too deeply to read", path) from None


def read_project_name(directory: Path) -> str | None:
    """The project name a local source folder declares, from pyproject.toml or setup.cfg."""
    text = read_text_or_none(directory / "pyproject.toml")
    try:
        data = loads_toml(text, directory / "pyproject.toml") if text is not None else {}
    except InputError:
        data = {}
    tool = data.get("tool")
    for table in (data.get("project"), tool.get("poetry") if isinstance(tool, dict) else None):
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            return str(table["name"])
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(read_text(directory / "setup.cfg", errors="strict"))
    except (configparser.Error, InputError):
        return None
    return parser.get("metadata", "name", fallback=None)
