"""What a pytest plugin offers a test suite, read from its installed code (never imported).

From the modules its ``pytest11`` entry points name, and the modules of the same distribution
they import at module level that mention fixtures, options or markers (a byte search first, so
a plugin inside a large library costs a few files): ``@pytest.fixture`` / ``@fixture``
functions (their ``name=``, and module-level aliases such as ``fake_process = fp``), ``autouse``
fixtures, ``parser.addoption("--x")`` / ``group._addoption``, ``parser.addini("key")`` and
markers registered with ``config.addinivalue_line("markers", "name: ...")``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path

from depsize import __version__, cachepickle
from depsize.env.cache import derived_file
from depsize.imports.repo import read_text
from depsize.models import InstalledDist
from depsize.records import dataclass

PYTEST_GROUP = "pytest11"
_MAX_MODULES = 25
_MARKER_NAME = re.compile(r"\s*([A-Za-z_][\w-]*)")
_FIXTURE_DECORATORS = frozenset({"fixture", "yield_fixture"})
_MENTIONS = re.compile(r"fixture|addoption|addini|addinivalue_line")


@dataclass(frozen=True)
class PytestApi:
    """A pytest plugin's fixtures, markers, command-line options and ini keys."""

    fixtures: frozenset[str] = frozenset()
    autouse: tuple[str, ...] = ()
    markers: frozenset[str] = frozenset()
    options: frozenset[str] = frozenset()
    ini_keys: frozenset[str] = frozenset()
    modules: tuple[Path, ...] = ()
    """The plugin files read; empty when none could be found or parsed."""
    entry_names: tuple[str, ...] = ()
    entry_modules: tuple[str, ...] = ()


@dataclass
class _Collected:
    fixtures: set[str] = field(default_factory=set)
    autouse: list[str] = field(default_factory=list)
    markers: set[str] = field(default_factory=set)
    options: set[str] = field(default_factory=set)
    ini_keys: set[str] = field(default_factory=set)


def pytest_entry_points(dist: InstalledDist) -> list[tuple[str, str]]:
    """``(entry name, module)`` of each ``pytest11`` entry point of ``dist``."""
    return [
        (ep.name, ep.value.split(":", 1)[0].strip())
        for ep in dist.entry_points
        if ep.group == PYTEST_GROUP
    ]


def read_pytest_api(dist: InstalledDist) -> PytestApi:
    """Read ``dist``'s pytest plugin modules (and the modules of its own they import)."""
    entries = pytest_entry_points(dist)
    tops = {n.split(".")[0] for n in dist.import_names} | {m.split(".")[0] for _, m in entries}
    files = {rel for rel, _size in dist.files}
    queue = [(m, True) for _, m in entries]
    seen: set[str] = set()
    read: list[Path] = []
    found = _Collected()
    while queue and len(seen) < _MAX_MODULES:
        module, is_entry = queue.pop(0)
        if module in seen:
            continue
        seen.add(module)
        located = _module_file(dist.site_packages, files, module)
        tree = _parse(located[0], is_entry) if located else None
        if tree is None or located is None:
            continue
        read.append(located[0])
        _collect(tree, found)
        imported = _own_imports(tree, module, located[1])
        queue.extend((m, False) for m in imported if m.split(".")[0] in tops)
    return PytestApi(
        frozenset(found.fixtures),
        tuple(found.autouse),
        frozenset(found.markers),
        frozenset(found.options),
        frozenset(found.ini_keys),
        tuple(read),
        tuple(n for n, _ in entries),
        tuple(m for _, m in entries),
    )


API_FORMAT = 1


class KnownApis(cachepickle.Kept[str, PytestApi]):
    """:func:`read_pytest_api` of each plugin distribution, kept beside the env scan cache under
    the stored scan's token (as the used-by-dependency pass is, :mod:`depsize.usedby.memo`):
    the plugins' code is read again only when the env is scanned again. depsize's version and
    this module's code are in the stamp."""

    def __init__(self, cache_dir: Path, token: str) -> None:
        code = cachepickle.code_stamp(sys.modules[__name__])
        super().__init__(
            derived_file(cache_dir, token, "pytestapi"),
            f"{API_FORMAT}:{__version__}:{code}:{token}",
            lambda apis: all(isinstance(a, PytestApi) for a in apis.values()),
        )

    def api(self, dist: InstalledDist) -> PytestApi:
        found = self.entries.get(dist.name)
        if found is None:
            found = read_pytest_api(dist)
            self.put(dist.name, found)
        return found


def _module_file(site: Path, files: set[str], module: str) -> tuple[Path, bool] | None:
    """The file of ``module`` in site-packages and whether it is a package's ``__init__``."""
    base = module.replace(".", "/")
    for rel, package in ((f"{base}.py", False), (f"{base}/__init__.py", True)):
        if rel in files or (site / rel).is_file():
            return site / rel, package
    return None


def _parse(path: Path, always: bool) -> ast.Module | None:
    """The module's tree; a module the plugin imports only when it mentions pytest's API."""
    text = read_text(path)
    if text is None or not (always or _MENTIONS.search(text)):
        return None
    try:
        return ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _own_imports(tree: ast.Module, module: str, package: bool) -> Iterator[str]:
    """Modules imported at module level (inside ``if``/``try`` too), relative ones resolved."""
    here = module if package else module.rpartition(".")[0]
    for node in _module_level(tree.body):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = here.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}".strip(".") if base else parent
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for node in body:
        yield node
        if isinstance(node, ast.If | ast.Try):
            for block in (node.body, node.orelse, getattr(node, "finalbody", [])):
                yield from _module_level(block)
            for handler in getattr(node, "handlers", []):
                yield from _module_level(handler.body)


def _collect(tree: ast.Module, found: _Collected) -> None:
    strings = _string_constants(tree)
    local_fixtures: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            _fixture(node, found, local_fixtures)
        elif isinstance(node, ast.Call):
            _registration(node, strings, found)
    for node in _module_level(tree.body):
        value = node.value if isinstance(node, ast.Assign) else None
        if not isinstance(node, ast.Assign):
            continue
        if (isinstance(value, ast.Name) and value.id in local_fixtures) or _applied_fixture(value):
            found.fixtures.update(t.id for t in node.targets if isinstance(t, ast.Name))


def _applied_fixture(value: ast.expr | None) -> bool:
    """``mocker = pytest.fixture()(_mocker)``: a fixture made by calling the decorator."""
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Call):
        return False
    target = value.func.func
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in _FIXTURE_DECORATORS


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """``name = "literal"`` assignments anywhere in the module (a marker line kept in a name)."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            text = value.value if isinstance(value, ast.Constant) else None
            if isinstance(target, ast.Name) and isinstance(text, str):
                out[target.id] = text
    return out


def _fixture(
    node: ast.FunctionDef | ast.AsyncFunctionDef, found: _Collected, local: set[str]
) -> None:
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name not in _FIXTURE_DECORATORS:
            continue
        keywords = {k.arg: k.value for k in call.keywords} if call else {}
        given = keywords.get("name")
        fixture = given.value if isinstance(given, ast.Constant) else node.name
        found.fixtures.add(str(fixture))
        local.add(node.name)
        autouse = keywords.get("autouse")
        if isinstance(autouse, ast.Constant) and autouse.value is True:
            found.autouse.append(str(fixture))


def _registration(node: ast.Call, strings: dict[str, str], found: _Collected) -> None:
    if not isinstance(node.func, ast.Attribute):
        return
    method = node.func.attr
    args = [_string(a, strings) for a in node.args]
    if method in {"addoption", "_addoption"}:
        found.options.update(a for a in args if a and a.startswith("-"))
    elif method == "addini" and args and args[0]:
        found.ini_keys.add(args[0])
    elif method == "addinivalue_line" and len(args) == 2 and args[0] == "markers" and args[1]:
        match = _MARKER_NAME.match(args[1])
        if match:
            found.markers.add(match[1])


def _string(node: ast.expr, strings: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return strings.get(node.id)
    return None
