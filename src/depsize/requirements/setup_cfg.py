"""``setup.cfg``: ``[options] install_requires`` and ``[options.extras_require]``, with lines.

Values are read as setuptools reads them: a value on several lines has one requirement per line
(markers after ``;`` included); a value on one line is split on ``;``. Full-line comments (``#`` or
``;``) are skipped. ``file: a.txt, b.txt`` reads requirement lines from those files.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from depsize.errors import InputError
from depsize.models import ScanWarning
from depsize.requirements.model import (
    MAIN_GROUP,
    DeclaredRequirement,
    FormatResult,
    GroupKind,
    SourceFile,
)
from depsize.requirements.paths import is_inside, read_input
from depsize.requirements.targets import Origin, TargetError, build, pep508_parts
from depsize.safeio import UnreadableFileError, read_text

_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]")
_KEY = re.compile(r"^(?P<key>[^=:\s][^=:]*?)\s*[=:]\s*(?P<value>.*)$")


@dataclass
class _Option:
    section: str
    key: str
    values: list[tuple[int, str]]
    """(line number, text) of the value on the key's line and of each continuation line."""


def _options(lines: list[str]) -> Iterator[_Option]:
    section = ""
    current: _Option | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith(("#", ";")):
            continue
        if current is not None and (line[:1].isspace() or not stripped):
            current.values.append((number, stripped))
            continue
        if current is not None:
            yield _trimmed(current)
            current = None
        section_match = _SECTION.match(line)
        key_match = _KEY.match(line)
        if section_match:
            section = section_match.group("name").strip().lower()
        elif key_match:
            key = key_match.group("key").strip().lower().replace("-", "_")
            current = _Option(section, key, [(number, key_match.group("value").strip())])
    if current is not None:
        yield _trimmed(current)


def _trimmed(option: _Option) -> _Option:
    """The option without trailing empty lines, as configparser stores values."""
    while len(option.values) > 1 and not option.values[-1][1]:
        option.values.pop()
    return option


def _items(option: _Option) -> list[tuple[int, str]]:
    """(line, requirement text) of each requirement in an option's value."""
    if len(option.values) > 1:
        return [(n, text) for n, text in option.values if text and not text.startswith("#")]
    number, text = option.values[0]
    return [(number, part.strip()) for part in text.split(";") if part.strip()]


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.requirements: list[DeclaredRequirement] = []
        self.warnings: list[ScanWarning] = []

    def option(self, option: _Option, group: str) -> None:
        kind: GroupKind = "main" if group == MAIN_GROUP else "extra"
        first = option.values[0][1]
        if first.startswith("file:") and len(option.values) == 1:
            for name in first[len("file:") :].split(","):
                self.from_file(self.path.parent / name.strip(), group, option.values[0][0])
            return
        for number, text in _items(option):
            origin = Origin(self.path, number, number, text, group, kind)
            self.one(text, origin)

    def one(self, text: str, origin: Origin) -> None:
        try:
            self.requirements.append(build(pep508_parts(text), origin))
        except TargetError as exc:
            self.warnings.append(
                ScanWarning(f"cannot parse {text!r}: {exc}", origin.source, origin.line)
            )

    def from_file(self, path: Path, group: str, line: int) -> None:
        if not is_inside(path, [self.path.parent]):
            message = f"'file:' names {path}, outside the project folder; not read"
            self.warnings.append(ScanWarning(message, self.path, line))
            return
        try:
            lines = read_text(path, errors="strict").splitlines()
        except UnreadableFileError as exc:
            raise InputError(
                f"cannot read {path} named by 'file:': {exc.reason}", self.path, line
            ) from None
        kind: GroupKind = "main" if group == MAIN_GROUP else "extra"
        for number, text in enumerate(lines, start=1):
            requirement = re.sub(r"(^|\s+)#.*$", "", text).strip()
            if requirement:
                self.one(requirement, Origin(path, number, number, text, group, kind))


def read_setup_cfg(path: Path) -> FormatResult:
    """Every requirement ``path`` declares in ``install_requires`` and ``extras_require``."""
    return setup_cfg_requirements(path, read_input(path))


def setup_cfg_requirements(path: Path, raw: bytes) -> FormatResult:
    """:func:`read_setup_cfg` over ``raw``, the bytes of ``path``."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    reader = _Reader(path, text)
    for option in _options(text.splitlines()):
        if option.section == "options" and option.key == "install_requires":
            reader.option(option, MAIN_GROUP)
        elif option.section == "options.extras_require":
            reader.option(option, option.key)
    source = SourceFile(path, "setup.cfg", hashlib.sha256(raw).hexdigest())
    return FormatResult(source, tuple(reader.requirements), tuple(reader.warnings))
