"""Remove requirements from manifests, touching nothing else: TOML text and ``setup.cfg`` lines.

**TOML** (``pyproject.toml``, ``Pipfile``, Poetry tables).

No round-tripping TOML library is needed: the readers already know the character span of every
item (:attr:`DeclaredRequirement.span`), so an edit is a cut in the text. Each cut is one of:

- an array item alone on its line(s) (``"rich>=13",  # why``): the whole line goes, or becomes a
  comment line with the same indentation and line ending;
- an array item sharing its line (``dependencies = ["a", "b"]``): the item goes with the comma
  after it, or, for the last item, with the comma before it;
- a key (Poetry ``requests = "^2.31"``, a Pipfile entry) or a ``[tool.poetry.dependencies.x]``
  table: its line(s) go the same way; a key sharing its line with others is not edited.

Cuts are made from the end of the text backwards, each computed on the text as it is then, so a
cut never moves the text of the items before it. The result is parsed again and must equal the
original data minus exactly the removed items, or :class:`TrimVerificationError` is raised.

**setup.cfg**: a requirement alone on a continuation line of ``install_requires`` or an extra goes
with its line (or the line becomes an indented comment, which configparser skips); one sharing
its line with its key or with other requirements is left for the user. configparser must then read
the same values minus exactly the removed ones.
"""

from __future__ import annotations

import configparser
import copy
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from depsize.errors import InputError
from depsize.records import dataclass
from depsize.requirements.tomlfile import TomlLocator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_ITEM_REST = re.compile(r"[ \t]*,?[ \t]*(#[^\r\n]*)?\r?\n?")
_KEY_REST = re.compile(r"[ \t]*(#[^\r\n]*)?\r?\n?")
_POETRY = ("tool", "poetry")


class TrimVerificationError(InputError):
    """An edit did not give exactly the intended document: refused, nothing is written."""


@dataclass(frozen=True)
class TomlRemoval:
    """One item to remove: its span in the text, and how to comment on it (or ``None``)."""

    span: tuple[int, int]
    comment: Callable[[str], str] | None = None
    """Gives the comment's text from the text removed, on one line (a Poetry dependency given
    as a list of constraints goes as a whole key, so that text may be more than the item)."""


@dataclass(frozen=True)
class _Target:
    path: tuple[str, ...]
    index: int | None
    """Position in the array at :attr:`path`; ``None`` when the key (or table) itself goes."""
    span: tuple[int, int]


@dataclass(frozen=True)
class TomlEdit:
    """The edited text, the removals made, and those not made with the reason."""

    text: str
    removed: tuple[TomlRemoval, ...]
    skipped: tuple[tuple[TomlRemoval, str], ...]


def remove_items(text: str, removals: Sequence[TomlRemoval]) -> TomlEdit:
    """``text`` without the items of ``removals``; see the module docstring for how."""
    data = tomllib.loads(text)
    locator = TomlLocator(text)
    targets = _targets(locator)
    chosen: dict[tuple[int, int], tuple[_Target, Callable[[str], str] | None]] = {}
    removed: list[TomlRemoval] = []
    skipped: list[tuple[TomlRemoval, str]] = []
    for removal in removals:
        target = _target_for(removal, targets, locator)
        reason = _check(target, data, text)
        if target is None or reason:
            skipped.append((removal, reason or "cannot locate it in the file"))
        else:
            chosen.setdefault(target.span, (target, removal.comment))
            removed.append(removal)
    new_text = text
    for target, comment in sorted(chosen.values(), key=lambda c: c[0].span, reverse=True):
        new_text = _cut(new_text, target, comment)
    _verify(new_text, _expected(data, [t for t, _ in chosen.values()]))
    return TomlEdit(new_text, tuple(removed), tuple(skipped))


def _targets(locator: TomlLocator) -> dict[tuple[int, int], _Target]:
    found: dict[tuple[int, int], _Target] = {}
    for path, entry in locator.entries.items():
        found.setdefault((entry.start, entry.end), _Target(path, None, (entry.start, entry.end)))
        for index, item in enumerate(locator.array_items(entry)):
            found.setdefault(item, _Target(path, index, item))
    return found


def _target_for(
    removal: TomlRemoval, targets: dict[tuple[int, int], _Target], locator: TomlLocator
) -> _Target | None:
    target = targets.get(removal.span)
    if target is not None and target.index is not None and target.path[:2] == _POETRY:
        # One Poetry dependency given as a list of constraints: the key goes as a whole.
        entry = locator.get(*target.path)
        return None if entry is None else _Target(target.path, None, (entry.start, entry.end))
    return target


def _lookup(data: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            raise KeyError(key)
        data = data[key]
    return data


def _check(target: _Target | None, data: dict[str, Any], text: str) -> str | None:
    """Why ``target`` cannot be removed safely, or ``None`` when it can."""
    if target is None:
        return None
    start, end = target.span
    try:
        value = _lookup(data, target.path)
        if target.index is not None:
            item = tomllib.loads("item = " + text[start:end])["item"]
            if not isinstance(value, list) or value[target.index] != item:
                return "the item found at its position does not match the parsed file"
    except (KeyError, IndexError, tomllib.TOMLDecodeError):
        return "cannot locate it in the parsed file"
    if target.index is None and not _own_lines(text, target.span, _KEY_REST):
        return "it shares its line with other keys; edit it by hand"
    return None


def _line_bounds(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Offsets of the start of the first line of ``span`` and past the end of its last line."""
    start = text.rfind("\n", 0, span[0]) + 1
    end = text.find("\n", span[1])
    return start, len(text) if end < 0 else end + 1


def _own_lines(text: str, span: tuple[int, int], rest: re.Pattern[str]) -> bool:
    """Whether ``span`` sits alone on its lines (up to a comma and a trailing comment)."""
    start, end = _line_bounds(text, span)
    return not text[start : span[0]].strip() and rest.fullmatch(text, span[1], end) is not None


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _cut(text: str, target: _Target, comment: Callable[[str], str] | None) -> str:
    rest = _ITEM_REST if target.index is not None else _KEY_REST
    start, end = target.span
    if _own_lines(text, target.span, rest):
        line_start, line_end = _line_bounds(text, target.span)
        if comment is None:
            return text[:line_start] + text[line_end:]
        old = text[line_start:line_end]
        ending = "\r\n" if old.endswith("\r\n") else "\n" if old.endswith("\n") else ""
        note = comment(_one_line(text[start:end]))
        return f"{text[:line_start]}{text[line_start:start]}# {note}{ending}{text[line_end:]}"
    after = _skip(text, end, " \t")
    if after < len(text) and text[after] == ",":
        return text[:start] + text[_skip(text, after + 1, " \t") :]
    before = _skip_back(text, start, " \t\r\n")
    if before > 0 and text[before - 1] == ",":
        return text[: before - 1] + text[end:]
    return text[:start] + text[end:]


def _skip(text: str, pos: int, chars: str) -> int:
    while pos < len(text) and text[pos] in chars:
        pos += 1
    return pos


def _skip_back(text: str, pos: int, chars: str) -> int:
    while pos > 0 and text[pos - 1] in chars:
        pos -= 1
    return pos


def _expected(data: dict[str, Any], targets: Sequence[_Target]) -> dict[str, Any]:
    """``data`` without the targets: what the edited text must parse to."""
    expected = copy.deepcopy(data)
    ordered = sorted(targets, key=lambda t: (t.path, -1 if t.index is None else t.index))
    for target in reversed(ordered):
        if target.index is None:
            del _lookup(expected, target.path[:-1])[target.path[-1]]
        else:
            del _lookup(expected, target.path)[target.index]
    return expected


def _verify(text: str, expected: dict[str, Any]) -> None:
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TrimVerificationError(
            f"the edited TOML does not parse ({exc}); refused, nothing written"
        ) from None
    if parsed != expected:
        raise TrimVerificationError(
            "the edited TOML does not hold the intended values; refused, nothing written"
        )


@dataclass(frozen=True)
class LineRemoval:
    """A requirement on lines ``line``..``end_line`` whose text is ``raw``; the comment to leave."""

    line: int
    end_line: int
    raw: str
    comment: str | None = None


@dataclass(frozen=True)
class LinesEdit:
    data: bytes
    removed: tuple[LineRemoval, ...]
    skipped: tuple[tuple[LineRemoval, str], ...]


def remove_setup_cfg_lines(data: bytes, removals: Sequence[LineRemoval]) -> LinesEdit:
    """``data`` (a setup.cfg) without the requirement lines of ``removals``."""
    lines = data.splitlines(keepends=True)
    try:
        _config_rows(data)
    except (configparser.Error, UnicodeDecodeError) as exc:
        why = f"configparser cannot read the file, so an edit could not be checked ({exc})"
        return LinesEdit(data, (), tuple((r, why) for r in removals))
    removed: list[LineRemoval] = []
    skipped: list[tuple[LineRemoval, str]] = []
    new_lines: dict[int, bytes] = {}
    for removal in removals:
        reason = _setup_cfg_problem(lines, removal)
        if reason is not None:
            skipped.append((removal, reason))
            continue
        old = lines[removal.line - 1]
        content = old.rstrip(b"\r\n")
        indent = content[: len(content) - len(content.lstrip())]
        comment = removal.comment
        new_lines[removal.line] = (
            b"" if comment is None else indent + comment.encode() + old[len(content) :]
        )
        removed.append(removal)
    out = [new_lines.get(number, line) for number, line in enumerate(lines, start=1)]
    new = b"".join(out)
    _verify_setup_cfg(data, new, [r.raw for r in removed])
    return LinesEdit(new, tuple(removed), tuple(skipped))


def _setup_cfg_problem(lines: Sequence[bytes], removal: LineRemoval) -> str | None:
    if not 0 < removal.line <= len(lines) or removal.end_line != removal.line:
        return "cannot find it in the file as read"
    text = lines[removal.line - 1].decode("utf-8", errors="replace")
    if not text[:1].isspace():
        return "it is on the line of its key; edit it by hand"
    if text.strip() != removal.raw.strip():
        return "its line holds more than this requirement; edit it by hand"
    return None


class _CaseKeepingParser(configparser.ConfigParser):
    def optionxform(self, optionstr: str) -> str:
        return optionstr


def _config_rows(data: bytes) -> list[tuple[str, str, str]]:
    parser = _CaseKeepingParser(interpolation=None)
    parser.read_string(data.decode("utf-8-sig"))
    return [
        (section, key, line.strip())
        for section in parser.sections()
        for key in parser[section]
        for line in parser.get(section, key, raw=True).split("\n")
    ]


def _verify_setup_cfg(old: bytes, new: bytes, removed: Sequence[str]) -> None:
    """The values configparser reads from ``new`` are those of ``old`` minus ``removed``."""
    try:
        after = _config_rows(new)
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise TrimVerificationError(
            f"the edited setup.cfg does not parse ({exc}); refused, nothing written"
        ) from None
    pending = iter(after)
    expected = next(pending, None)
    gone: list[str] = []
    for row in _config_rows(old):
        if row == expected:
            expected = next(pending, None)
        else:
            gone.append(row[2])
    if expected is not None or Counter(gone) != Counter(r.strip() for r in removed):
        raise TrimVerificationError(
            "the edited setup.cfg does not hold the intended values; refused, nothing written"
        )
