"""How real applications load their own code without an ``import`` statement: more module edges.

- **Strings**: a dotted name in the project's code (``ROOT_URLCONF = "config.urls"``,
  ``include("pkg.api.urls")``, ``"pkg.mod:attr"``) is an edge from the module that spells it; in
  a configuration or command file (``DJANGO_SETTINGS_MODULE=config.settings`` in ``.env``,
  ``pytest.ini``, compose, Procfile) it starts the module like an entry point does.
- **Django**: every package of a project that uses Django loads its conventional submodules
  (``apps``, ``models``, ``admin``, ``urls``, ``signals``, ``management/commands/*``,
  ``templatetags/*``, ``migrations/*`` ...) once the package itself is loaded (by
  ``INSTALLED_APPS``, which the string edges follow). Celery's ``autodiscover_tasks`` loads each
  package's ``tasks``.
- **Package scans**: ``pkgutil.iter_modules(__path__)``, ``walk_packages`` or
  ``importlib.resources`` in a module loads every module of its package.
- **Computed imports**: ``import_module(f"pkg.loaders.{name}")`` loads every module under the
  literal prefix; ``import_module(name)`` with no prefix loads what the file's own string
  literals that may name a module (a loader table) name, first-party modules as edges and the
  rest as dynamic imports. When nothing resolves, the site is *open*: any module may be loaded
  there.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import field
from pathlib import Path

from depsize import safeio
from depsize.imports.files import SKIP_DIRS
from depsize.imports.layout import ModuleFile, ProjectLayout
from depsize.imports.model import FileScan, OpenLoad, RawImport
from depsize.imports.strings import Spelled, spelled_in_config
from depsize.records import dataclass
from depsize.safeio import UnreadableFileError

DJANGO_SUBMODULES = (
    "apps",
    "models",
    "admin",
    "signals",
    "receivers",
    "urls",
    "checks",
    "translation",
    "tasks",
    "wagtail_hooks",
    "search_indexes",
)
"""Modules of a Django app that Django, its contrib apps or common add-ons (Celery, Wagtail,
django-modeltranslation, Haystack) load by convention."""
DJANGO_SUBPACKAGES = ("management.commands", "templatetags", "migrations")
"""Packages of a Django app whose every module Django loads by name."""
CONFIG_SUFFIXES = (".ini", ".cfg", ".toml", ".yml", ".yaml", ".env", ".conf", ".json")
CONFIG_NAMES = frozenset(
    {"procfile", "makefile", "gnumakefile", "justfile", ".env", ".flaskenv", "tox.ini"}
)
_BUILD_SYSTEM = re.compile(r"^\[build-system\][^\n]*\n(?:(?!\[)[^\n]*\n)*", re.MULTILINE)
"""``[build-system]`` of a pyproject: what builds the project (an isolated build env), not what
the installed project needs. Blanked, lines kept, before its names are read."""
_MAX_CONFIG_BYTES = 1_000_000
_CONFIG_DEPTH = 2


@dataclass(frozen=True)
class ConfigFile:
    """A configuration or command file and the names it spells."""

    path: Path
    spelled: Spelled


@dataclass
class Links:
    """What :func:`link` adds to the module graph."""

    edges: dict[str, list[str]] = field(default_factory=dict)
    starts: list[tuple[str, Path, int]] = field(default_factory=list)
    """Modules a configuration file names (module, file, line): they run like entry points."""
    table_imports: dict[Path, list[RawImport]] = field(default_factory=dict)
    """Dynamic imports read from loader tables, per file."""
    open_loads: list[tuple[ModuleFile, OpenLoad]] = field(default_factory=list)
    """Computed imports nothing resolved: the graph is open there."""
    package_scans: list[str] = field(default_factory=list)


def config_files(root: Path) -> Iterator[Path]:
    """Configuration and command files of the project, two folder levels down and CI folders."""
    for folder, dirs, names in os.walk(root):
        rel = Path(folder).relative_to(root)
        depth = len(rel.parts)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS
            and (d.startswith(".github") or not d.startswith("."))
            and (depth < _CONFIG_DEPTH or (rel.parts and rel.parts[0] == ".github"))
            and not (Path(folder, d) / "pyvenv.cfg").exists()
        )
        for name in sorted(names):
            lower = name.lower()
            if (
                lower in CONFIG_NAMES
                or lower.endswith(CONFIG_SUFFIXES)
                or lower.startswith((".env", "dockerfile", "containerfile"))
            ):
                yield Path(folder, name)


def read_config(path: Path) -> ConfigFile | None:
    """The names a configuration file spells; ``None`` when it is not a readable regular file."""
    try:
        text = safeio.read_text(path, limit=_MAX_CONFIG_BYTES)
    except UnreadableFileError:
        return None
    if path.name.lower() in {"package.json", "package-lock.json"}:
        return None
    if path.name == "pyproject.toml":
        text = _BUILD_SYSTEM.sub(lambda m: "\n" * m[0].count("\n"), text)
    return ConfigFile(path, spelled_in_config(text))


def target(layout: ProjectLayout, value: str) -> str | None:
    """The project module a dotted name (``pkg.mod``, ``pkg.mod:attr``, ``pkg.mod.Class``) names."""
    parts = value.split(":", 1)[0].split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if layout.exists(name):
            return name
    return None


class _Index:
    """Project modules sorted by name, for every module under a prefix."""

    def __init__(self, modules: Iterable[str]) -> None:
        self.names = sorted(modules)

    def under(self, prefix: str) -> list[str]:
        start = bisect_left(self.names, prefix)
        found = []
        for name in self.names[start:]:
            if not name.startswith(prefix):
                break
            found.append(name)
        return found


def link(
    layout: ProjectLayout,
    scans: Mapping[Path, FileScan],
    configs: Iterable[ConfigFile],
    *,
    known: Callable[[str], bool],
) -> Links:
    """Edges, starts, table imports and open sites (see the module docstring).

    ``known(name)`` tells whether a name is a module outside the project (installed or stdlib):
    a loader table that names one resolves its computed import.
    """
    links = Links()
    index = _Index(layout.by_module)
    settings: dict[str, list[tuple[Path, str, int]]] = {}
    for path, scan in scans.items():
        for name, value, line in scan.spelled.settings:
            settings.setdefault(name, []).append((path, value, line))
    for path, scan in scans.items():
        info = layout.by_path[path]
        out = links.edges.setdefault(info.module, [])
        for value, _line in (*scan.spelled.dotted, *scan.spelled.words):
            found = target(layout, value)
            if found is not None and found != info.module:
                out.append(found)
        if "package-scan" in scan.spelled.flags:
            package = layout.package_of(info)
            out.extend(index.under(f"{package}.") if package else layout.by_module)
            links.package_scans.append(info.module)
        _computed(_Site(layout, index, info, scan, settings), links, known)
    configs = list(configs)
    for config in configs:
        for value, line in config.spelled.dotted:
            found = target(layout, value)
            if found is not None:
                links.starts.append((found, config.path, line))
    chosen = settings.get("DJANGO_SETTINGS_MODULE", [])
    _settings_variants(layout, index, chosen, configs, links)
    _conventions(layout, index, scans, links)
    return links


@dataclass(frozen=True)
class _Site:
    layout: ProjectLayout
    index: _Index
    info: ModuleFile
    scan: FileScan
    settings: Mapping[str, list[tuple[Path, str, int]]]
    """Upper-case names assigned anywhere in the project: (file, dotted literal or "", line)."""


def _computed(site: _Site, links: Links, known: Callable[[str], bool]) -> None:
    layout, index, info, scan = site.layout, site.index, site.info, site.scan
    out = links.edges.setdefault(info.module, [])
    scanned = "package-scan" in scan.spelled.flags  # names come from the package scan
    for load in scan.open_loads:
        if load.prefix:
            module = load.prefix.rstrip(".")
            if layout.is_first_party(module):
                out.extend(index.under(load.prefix))
            continue  # a prefix outside the project: it loads nothing of ours
        if load.setting:
            if not _by_setting(site, load, links, known):
                links.open_loads.append((info, load))
            continue
        if not _by_table(site, load, links, known) and not scanned:
            links.open_loads.append((info, load))
    for line in scan.spelled.exec_lines:
        load = OpenLoad(line, "", "dynamic", False, "exec(...)", by_name=False)
        links.open_loads.append((info, load))


def _by_table(site: _Site, load: OpenLoad, links: Links, known: Callable[[str], bool]) -> bool:
    """Resolve a computed import by the name-like strings of its own file (a loader table)."""
    resolved = False
    for value, line in site.scan.table:
        found = target(site.layout, value + load.suffix)
        if found is not None:
            links.edges.setdefault(site.info.module, []).append(found)
            resolved = True
        elif known(value.split(":", 1)[0]):
            raw = RawImport(value.split(":", 1)[0], 0, (), line, load.kind, load.lazy)
            links.table_imports.setdefault(site.info.path, []).append(raw)
            resolved = True
    return resolved


def _by_setting(site: _Site, load: OpenLoad, links: Links, known: Callable[[str], bool]) -> bool:
    """Resolve ``import_module(settings.X)`` by the project's own assignments of ``X``.

    Never assigned: the framework's default (``django.contrib.sessions.backends.db``), nothing
    of the project's requirements. Assigned dotted literals: those modules. Assigned anything
    else (``env("X")``): not resolved.
    """
    assigned = site.settings.get(load.setting, [])
    if any(not value for _path, value, _line in assigned):
        return False
    for path, value, line in assigned:
        module = value.split(":", 1)[0]
        found = target(site.layout, module)
        if found is not None:
            links.edges.setdefault(site.info.module, []).append(found)
        elif known(module):
            raw = RawImport(module, 0, (), line, load.kind, load.lazy)
            links.table_imports.setdefault(path, []).append(raw)
    return True


def _conventions(
    layout: ProjectLayout, index: _Index, scans: Mapping[Path, FileScan], links: Links
) -> None:
    _alembic(layout, index, links)
    django = any(r.module.partition(".")[0] == "django" for s in scans.values() for r in s.imports)
    autodiscover = any("autodiscover" in s.spelled.flags for s in scans.values())
    if not django and not autodiscover:
        return
    names = DJANGO_SUBMODULES if django else ("tasks",)
    packages = sorted({m for m, i in layout.by_module.items() if i.is_package} | layout.packages)
    for package in packages:
        out = links.edges.setdefault(package, [])
        out.extend(f"{package}.{n}" for n in names if layout.exists(f"{package}.{n}"))
        if django:
            for sub in DJANGO_SUBPACKAGES:
                if layout.exists(f"{package}.{sub}"):
                    out.append(f"{package}.{sub}")
                out.extend(index.under(f"{package}.{sub}."))


def _settings_variants(
    layout: ProjectLayout,
    index: _Index,
    chosen: list[tuple[Path, str, int]],
    configs: list[ConfigFile],
    links: Links,
) -> None:
    """Django's settings module is chosen by ``DJANGO_SETTINGS_MODULE``, often outside the
    repository at deploy time (``config.settings.production``): every module beside one the
    project chooses is a settings variant that may run."""
    chosen = chosen + [
        (c.path, value, line)
        for c in configs
        for name, value, line in c.spelled.settings
        if name == "DJANGO_SETTINGS_MODULE" and value
    ]
    for path, value, line in chosen:
        module = target(layout, value)
        package = module.rpartition(".")[0] if module else ""
        if module is None or not package:
            continue
        for sibling in index.under(f"{package}."):
            if sibling.count(".") == module.count("."):
                links.starts.append((sibling, path, line))


def _alembic(layout: ProjectLayout, index: _Index, links: Links) -> None:
    """An Alembic script folder (``env.py`` beside ``versions/``): ``alembic upgrade`` (or
    ``flask db upgrade``) runs ``env.py`` and every revision file, by path."""
    for module, info in layout.by_module.items():
        if module.rpartition(".")[2] != "env" or info.is_package:
            continue
        folder = module.rpartition(".")[0]
        versions = f"{folder}.versions" if folder else "versions"
        if layout.exists(versions) or (info.path.parent / "script.py.mako").is_file():
            for started in (module, *index.under(f"{versions}.")):
                links.starts.append((started, info.path, 1))
