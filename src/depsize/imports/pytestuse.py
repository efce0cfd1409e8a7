"""Proof that a project uses a pytest plugin: its fixtures, markers, options, ini keys or name.

A plugin is used when a test (or fixture) asks for one of its fixtures by parameter name,
``usefixtures`` or ``request.getfixturevalue``; when a test carries one of its markers; when the
pytest configuration (``addopts``, an ini key) or a command running pytest passes one of its
options; or when it is named by ``-p name`` or ``pytest_plugins``. The evidence is that use, with
its file and line. A plugin with nothing to ask for (only hooks, maybe options that tune it) or
with an ``autouse`` fixture acts on install alone, once pytest runs. ``-p no:name`` disables one.

The test files are read only when they hold one of the candidate names (a byte search first),
so the cost grows with the plugins installed, not with the size of the test suite.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from depsize.imports.commands import Command
from depsize.imports.entries import PYTHON_PROGRAM
from depsize.imports.model import PluginUse
from depsize.imports.pytestapi import PytestApi
from depsize.imports.repo import ConfigEntry, read_text
from depsize.models import InstalledDist

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


def option_use(api: PytestApi, settings: PytestSettings) -> Use | None:
    """The first option of ``api`` that pytest receives, or ini key of it that is set."""
    for args, file, line, text in settings.arguments():
        for arg in args:
            option = _option_of(arg, api.options)
            if option:
                return Use(f"option {option} ({text})", file, line)
    for entry in settings.entries:
        if entry.key in api.ini_keys:
            return Use(f"ini key {entry.key}", entry.file, entry.line)
    return None


def _option_of(arg: str, options: frozenset[str]) -> str | None:
    """``--cov=src`` → ``--cov``; ``-n4`` → ``-n``; a value that is no option → ``None``."""
    if not arg.startswith("-"):
        return None
    head = arg.split("=", 1)[0]
    if head in options:
        return head
    if not arg.startswith("--") and arg[:2] in options:
        return arg[:2]
    return None


def fixture_and_marker_uses(files: Iterable[Path], names: Iterable[str]) -> dict[str, Use]:
    """First use of each fixture, marker or ``pytest_plugins`` module among ``names``.

    Keys are ``fixture:<name>``, ``marker:<name>`` and ``plugins:<module>``.
    """
    wanted = sorted(set(names))
    if not wanted:
        return {}
    pattern = re.compile(r"\b(?:pytest_plugins|" + "|".join(map(re.escape, wanted)) + r")\b")
    found: dict[str, Use] = {}
    for path in files:
        text = read_text(path)
        if text is None or not pattern.search(text):
            continue
        try:
            tree = ast.parse(text, filename=str(path))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for key, line, shown in _uses_in(tree):
            found.setdefault(key, Use(_label(key, shown), path, line))
    return found


def _label(key: str, shown: str) -> str:
    kind, _, name = key.partition(":")
    name = shown or name
    if kind == "marker":
        return f"marker @pytest.mark.{name}"
    return f"pytest_plugins names {name}" if kind == "plugins" else f"fixture {name}"


def _uses_in(tree: ast.Module) -> Iterator[tuple[str, int, str]]:
    """``(key, line, name to show)`` for every use in one test module."""
    for node in ast.walk(tree):
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
    for sub in ast.walk(node):
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


@dataclass(frozen=True)
class PytestPlugin:
    """One installed distribution with a pytest plugin, and what its code offers."""

    dist: InstalledDist
    api: PytestApi


def pytest_plugin_uses(
    plugins: Sequence[PytestPlugin],
    test_files: Iterable[Path],
    settings: PytestSettings,
    pytest_used: bool,
) -> list[PluginUse]:
    """Each plugin the project proves it uses, or that acts on install while pytest runs."""
    names = {n for p in plugins for n in (*p.api.fixtures, *p.api.markers)}
    uses = fixture_and_marker_uses(test_files, names) if plugins else {}
    uses = {**ini_fixture_uses(settings), **uses}
    named, disabled = named_plugins(settings)
    found: list[PluginUse] = []
    for plugin in plugins:
        proof = _proof(plugin, uses, named, settings)
        if proof is not None:
            found.append(PluginUse(plugin.dist.name, proof.what, proof.file, proof.line))
            continue
        reason = _acts_on_install(plugin.api)
        if pytest_used and reason and not disabled & set(_plugin_names(plugin)):
            first = plugin.api.modules[0] if plugin.api.modules else None
            found.append(PluginUse(plugin.dist.name, reason, first))
    return found


def _proof(
    plugin: PytestPlugin,
    uses: Mapping[str, Use],
    named: Mapping[str, Use],
    settings: PytestSettings,
) -> Use | None:
    api = plugin.api
    keys = [f"fixture:{n}" for n in sorted(api.fixtures)]
    keys += [f"marker:{n}" for n in sorted(api.markers)]
    keys += [f"plugins:{n}" for n in _plugin_names(plugin)]
    for key in keys:
        if key in uses:
            return uses[key]
    for name in _plugin_names(plugin):
        if name in named:
            return named[name]
    return option_use(api, settings)


def _plugin_names(plugin: PytestPlugin) -> list[str]:
    """Names ``-p`` and ``pytest_plugins`` may give it: entry names, modules, import names."""
    api = plugin.api
    return list(dict.fromkeys((*api.entry_names, *api.entry_modules, *plugin.dist.import_names)))


def _acts_on_install(api: PytestApi) -> str | None:
    """Why a plugin acts without being asked for, or ``None`` when it waits to be used."""
    if not api.modules:
        return "pytest plugin whose code could not be read: kept, as if it acts on install"
    if api.autouse:
        return f"pytest plugin that acts on install: autouse fixture {api.autouse[0]}"
    if not api.fixtures and not api.markers:
        return "pytest plugin that acts on install: hooks only, no fixtures or markers to use"
    return None
