"""Proof that a project uses a pytest plugin: its fixtures, markers, options, ini keys or name.

A plugin is used when a test (or fixture) asks for one of its fixtures by parameter name,
``usefixtures`` or ``request.getfixturevalue``; when a test carries one of its markers; when the
pytest configuration (``addopts``, an ini key) or a command running pytest passes one of its
options; or when it is named by ``-p name`` or ``pytest_plugins``. The evidence is that use, with
its file and line. A plugin with nothing to ask for (only hooks, maybe options that tune it) or
with an ``autouse`` fixture acts on install alone, once pytest runs. ``-p no:name`` disables one.

This module reads what the project tells pytest: its pytest configuration and the commands
that run it (:class:`PytestSettings`), ``-p`` names, and the uses of given fixture and marker
names in its test modules (:func:`fixture_and_marker_uses`). :mod:`depsize.join.pytestplugins`
asks it for the names the installed plugins offer: the test files are read only when they hold
one of them (a byte search first), so the cost grows with the plugins installed, not with the
size of the test suite.
"""

from __future__ import annotations

import ast
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from depsize import __version__, cachepickle
from depsize.imports.astwalk import walk_nodes
from depsize.imports.commands import Command
from depsize.imports.entries import PYTHON_PROGRAM
from depsize.imports.literals import closing_paren
from depsize.imports.repo import ConfigEntry, read_text
from depsize.records import dataclass

PYTEST_SECTIONS = frozenset({"tool.pytest.ini_options", "tool.pytest", "pytest", "tool:pytest"})
_PYTEST_PROGRAMS = frozenset({"pytest", "py.test"})
_BUILTIN_MARKS = frozenset(
    {"parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings"}
)
_TOKEN = re.compile(r"[^\s\"',\[\]]+")


@dataclass(frozen=True)
class Use:
    """One place the project uses a fixture, marker, option, ini key or plugin name."""

    what: str
    """``fixture fs``, ``marker @pytest.mark.asyncio``, ``option --cov``, ``-p xdist``."""
    file: Path
    line: int


@dataclass(frozen=True)
class PytestSettings:
    """What the project tells pytest outside the tests: config entries and command lines."""

    entries: tuple[ConfigEntry, ...]
    """Entries of the pytest sections (``[tool.pytest.ini_options]``, ``[pytest]``...)."""
    commands: tuple[Command, ...]
    """Commands that run pytest."""

    def arguments(self) -> Iterator[tuple[list[str], Path, int, str]]:
        """Argument lists pytest receives: ``addopts`` values and command lines."""
        for entry in self.entries:
            if entry.key == "addopts":
                yield _TOKEN.findall(entry.value), entry.file, entry.line, "addopts"
        for cmd in self.commands:
            yield list(cmd.argv[1:]), cmd.file, cmd.line, cmd.text

    def ini_keys(self) -> frozenset[str]:
        """The ini keys the project sets: in its pytest configuration, or with ``-o key=value``
        (``--override-ini``) on a command line or in ``addopts``."""
        keys = {entry.key for entry in self.entries}
        for args, _file, _line, _text in self.arguments():
            for i, arg in enumerate(args):
                value = None
                if arg in ("-o", "--override-ini") and i + 1 < len(args):
                    value = args[i + 1]
                elif arg.startswith(("--override-ini=", "-o")) and arg not in ("-o",):
                    value = arg.split("=", 1)[1] if arg.startswith("--") else arg[2:]
                if value and "=" in value:
                    keys.add(value.split("=", 1)[0].strip())
        return frozenset(keys)


def pytest_settings(entries: Iterable[ConfigEntry], commands: Iterable[Command]) -> PytestSettings:
    chosen = tuple(e for e in entries if e.section in PYTEST_SECTIONS)
    runs = tuple(c for c in commands if _runs_pytest(c.argv))
    return PytestSettings(chosen, runs)


def _runs_pytest(argv: Sequence[str]) -> bool:
    program = argv[0].rsplit("/", 1)[-1]
    if program in _PYTEST_PROGRAMS:
        return True
    return bool(PYTHON_PROGRAM.match(program)) and list(argv[1:3]) == ["-m", "pytest"]


def named_plugins(settings: PytestSettings) -> tuple[dict[str, Use], set[str]]:
    """``-p name`` arguments: plugin name → where; and the names ``-p no:name`` disables."""
    named: dict[str, Use] = {}
    disabled: set[str] = set()
    for args, file, line, _text in settings.arguments():
        for i, arg in enumerate(args):
            value = args[i + 1] if arg == "-p" and i + 1 < len(args) else None
            if value is None and arg.startswith("-p") and len(arg) > 2 and arg[2] != "-":
                value = arg[2:]
            if value is None:
                continue
            if value.startswith("no:"):
                disabled.add(value[3:])
            else:
                named.setdefault(value, Use(f"-p {value}", file, line))
    return named, disabled


def fixture_and_marker_uses(
    files: Iterable[Path],
    fixtures: Iterable[str],
    markers: Iterable[str],
    known: KnownUses | None = None,
) -> dict[str, Use]:
    """First use of each fixture, marker or ``pytest_plugins`` module, in the order of ``files``.

    Keys are ``fixture:<name>`` and ``marker:<name>`` of the given ``fixtures`` and ``markers``
    some test module uses, and ``plugins:<module>``. A module is parsed only when its text may
    hold a use not found yet (see :class:`_Worth`), or its uses are taken from ``known`` (all of
    them, found by an earlier run that parsed it unchanged).
    """
    wanted = {"fixture": set(fixtures), "marker": set(markers)}
    if not wanted["fixture"] and not wanted["marker"]:
        return {}
    asked = {f"{kind}:{name}" for kind, names in wanted.items() for name in names}
    worth = _Worth(wanted)
    found: dict[str, Use] = {}
    for path in files:
        uses = known.uses(path) if known is not None else None
        if uses is None:
            stamp = known.stamp_of(path) if known is not None else None
            text = read_text(path)
            if text is None or not worth.parsing(text):
                continue
            uses = _parsed_uses(text, path)
            if known is not None and stamp is not None:
                known.put(str(path), (stamp, uses))  # the stamp taken before the read
        for key, line, shown in uses:
            found.setdefault(key, Use(_label(key, shown), path, line))
        done = {(k, n) for k, names in wanted.items() for n in names if f"{k}:{n}" in found}
        if done:  # their first use is known: later modules need not be parsed for them
            for kind, name in done:
                wanted[kind].discard(name)
            worth = _Worth(wanted)
    return {k: use for k, use in found.items() if k.startswith("plugins:") or k in asked}


def _parsed_uses(text: str, path: Path) -> tuple[Found, ...]:
    """Every use in one test module's text; none when it does not parse."""
    try:
        tree = ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    return tuple(_uses_in(tree))


Found = tuple[str, int, str]
"""``(key, line, name to show)``: one use in a test module (see :func:`_uses_in`)."""
Stamp = tuple[int, int]
KNOWN_FORMAT = 1


class KnownUses(cachepickle.Kept[str, tuple[Stamp, tuple[Found, ...]]]):
    """Every use of each test module parsed, whatever was asked then, kept between runs in
    depsize's cache folder (one file per project) under the module's size and mtime: a module
    edited since is parsed again. The stored uses do not depend on the names asked for, so an
    answer made of them is the one a parse would give. depsize's version and this module's
    code are in the stamp, so a new parser never reads old answers."""

    def __init__(self, cache_dir: Path, root: Path) -> None:
        where = os.path.realpath(root)
        digest = zlib.crc32(where.encode("utf-8", "surrogateescape"))
        code = cachepickle.code_stamp(sys.modules[__name__])
        super().__init__(
            cache_dir / f"pytestuses-{digest:08x}.pickle",
            f"{KNOWN_FORMAT}:{__version__}:{code}:{where}",
            _well_formed,
        )

    def stamp_of(self, path: Path) -> Stamp | None:
        try:
            info = path.stat()
        except OSError:
            return None
        return info.st_size, info.st_mtime_ns

    def uses(self, path: Path) -> tuple[Found, ...] | None:
        """The module's uses when it is unchanged since they were stored."""
        entry = self.entries.get(str(path))
        if entry is None or entry[0] != self.stamp_of(path):
            return None
        return entry[1]


def _well_formed(entries: dict[object, object]) -> bool:
    """A stored ``{path: ((size, mtime_ns), ((key, line, name), ...))}``, nothing else."""
    for path, entry in entries.items():
        if not (isinstance(path, str) and isinstance(entry, tuple) and len(entry) == 2):
            return False
        stamp, uses = entry
        if not (isinstance(stamp, tuple) and len(stamp) == 2 and isinstance(uses, tuple)):
            return False
        if not all(isinstance(u, tuple) and len(u) == 3 for u in uses):
            return False
    return True


_DEF = re.compile(r"\bdef\b")
_DEF_HEAD = re.compile(r"def\s+\w+\s*\(")


class _Worth:
    """Whether a test module's text may hold a use of the ``wanted`` fixtures and markers:
    ``pytest_plugins``; a marker as ``mark`` ``.`` its name (spaces, comments or continuations
    maybe between); a fixture quoted (``usefixtures("db")``) or as a word inside the brackets of
    a ``def`` (a parameter). A ``def`` whose brackets cannot be told (type parameters, a quote
    the scanner does not know) counts as a yes."""

    def __init__(self, wanted: dict[str, set[str]]) -> None:
        parts = [r"\bpytest_plugins\b"]
        if wanted["marker"]:
            gap = r"(?:\s|\\|#[^\n]*)*"
            names = "|".join(map(re.escape, sorted(wanted["marker"])))
            parts.append(rf"\bmark{gap}\.{gap}(?:{names})\b")
        self.plain = re.compile("|".join(parts))
        self.fixture: re.Pattern[str] | None = None
        self.quoted: re.Pattern[str] | None = None
        if wanted["fixture"]:
            names = "|".join(map(re.escape, sorted(wanted["fixture"])))
            self.fixture = re.compile(rf"\b(?:{names})\b")
            self.quoted = re.compile(rf"[\"'](?:{names})[\"']")

    def parsing(self, text: str) -> bool:
        if self.plain.search(text):
            return True
        if self.fixture is None or self.quoted is None or not self.fixture.search(text):
            return False
        if self.quoted.search(text):
            return True
        for match in _DEF.finditer(text):
            head = _DEF_HEAD.match(text, match.start())
            if head is None:
                return True
            close = closing_paren(text, head.end() - 1)
            if close < 0 or self.fixture.search(text, head.end(), close):
                return True
        return False


def _label(key: str, shown: str) -> str:
    kind, _, name = key.partition(":")
    name = shown or name
    if kind == "marker":
        return f"marker @pytest.mark.{name}"
    return f"pytest_plugins names {name}" if kind == "plugins" else f"fixture {name}"


def _uses_in(tree: ast.Module) -> Iterator[Found]:
    """``(key, line, name to show)`` for every use in one test module."""
    for node in walk_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("test") or _is_fixture(node):
                arguments = node.args
                for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
                    yield f"fixture:{arg.arg}", arg.lineno, ""
        elif isinstance(node, ast.Call):
            yield from _call_uses(node)
        elif isinstance(node, ast.Attribute) and _marker(node):
            yield f"marker:{_marker(node)}", node.lineno, ""
        elif isinstance(node, ast.Assign):
            yield from _plugins_named(node)


def _plugins_named(node: ast.Assign) -> Iterator[tuple[str, int, str]]:
    """``pytest_plugins = ["pytest_django.plugin"]``: the module and its top-level package."""
    if any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in node.targets):
        for module, line in _strings(node.value):
            yield f"plugins:{module}", line, module
            yield f"plugins:{module.split('.')[0]}", line, module


def _is_fixture(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "fixture":
            return True
    return False


def _call_uses(node: ast.Call) -> Iterator[tuple[str, int, str]]:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in {"usefixtures", "getfixturevalue"}:
        for arg in node.args:
            yield from ((f"fixture:{s}", line, "") for s, line in _strings(arg))


def _marker(node: ast.Attribute) -> str | None:
    """``pytest.mark.asyncio`` or ``mark.asyncio`` → ``asyncio`` (built-in marks excepted)."""
    value = node.value
    is_mark = (isinstance(value, ast.Attribute) and value.attr == "mark") or (
        isinstance(value, ast.Name) and value.id == "mark"
    )
    return node.attr if is_mark and node.attr not in _BUILTIN_MARKS else None


def _strings(node: ast.expr) -> Iterator[tuple[str, int]]:
    for sub in walk_nodes(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value, sub.lineno


def ini_fixture_uses(settings: PytestSettings) -> dict[str, Use]:
    """``usefixtures = fs`` in the pytest configuration."""
    found: dict[str, Use] = {}
    for entry in settings.entries:
        if entry.key == "usefixtures":
            for name in _TOKEN.findall(entry.value):
                found.setdefault(f"fixture:{name}", Use(f"fixture {name}", entry.file, entry.line))
    return found
