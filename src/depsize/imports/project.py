"""The import stage as one call: :func:`analyze_imports` (its first half, the files listed and
their scans begun, is :mod:`depsize.imports.begin`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from depsize.imports import entries as entry_rules
from depsize.imports.begin import StartedImports, begin_imports, collector_paused
from depsize.imports.commands import (
    Command,
    command_files,
    read_commands,
)
from depsize.imports.layout import ModuleFile, ProjectLayout
from depsize.imports.links import Links, config_files, link, read_config
from depsize.imports.model import (
    EntryPointFound,
    FileScan,
    ImportSite,
    OpenSite,
    ProjectImports,
    RawImport,
    Scope,
)
from depsize.imports.reach import loaded_modules, reach, scopes
from depsize.imports.repo import config_folders
from depsize.imports.roots import source_roots
from depsize.imports.said import names_said, project_says
from depsize.imports.stdlib import is_stdlib
from depsize.models import ScanWarning


def analyze_imports(
    project: Path,
    python_minor: tuple[int, int],
    *,
    entries: Sequence[str] = (),
    exclude: Sequence[str] = (),
    importable: Callable[[str], bool] | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    fast_scan: bool = True,
    jobs: int | None = None,
    started: StartedImports | None = None,
) -> ProjectImports:
    """Scan ``project``'s sources and tell what each file imports, what is alive, and what else
    the project says (commands, tool configuration, names in strings: :class:`ProjectSays`).

    Nothing of an environment is read: ``python_minor`` is the target Python, whose stdlib is
    set aside. ``importable(name)`` tells whether a dotted name is a module the target provides
    outside the project and its stdlib: a loader table that names one resolves a computed import
    (default: none does). ``entries`` are extra entry points: dotted modules (``pkg.cli``) or
    paths of scripts relative to ``project``. ``exclude`` are globs relative to ``project``.
    Never raises for bad project files: they become warnings.

    ``fast_scan`` uses the string-aware scanner where it can (about 6x faster than ``ast``); it
    finds the same imports but, unlike the ``ast`` walk, does not validate the syntax of the rest
    of a file, so a stray error such as ``1abc`` outside import statements goes unreported. Pass
    ``False`` for the exact, slower walk. The cache keeps the two apart. ``jobs``: processes
    for the scan (``None``: the usable CPUs).

    ``started``: the listing and the files' scans already begun by :func:`begin_imports` for
    this ``project`` (the caller did other work meanwhile); ``exclude``, ``cache_dir``,
    ``use_cache``, ``fast_scan`` and ``jobs`` were given to it then and are not read here.
    """
    if started is None:
        started = begin_imports(
            project,
            exclude=exclude,
            cache_dir=cache_dir,
            use_cache=use_cache,
            fast_scan=fast_scan,
            jobs=jobs,
        )
    try:
        with collector_paused():
            return _analyze(
                started, python_minor, entries=entries, importable=importable or _nothing
            )
    finally:
        started.cancel()


def _nothing(_name: str) -> bool:
    return False


def _analyze(
    started: StartedImports,
    python_minor: tuple[int, int],
    *,
    entries: Sequence[str],
    importable: Callable[[str], bool],
) -> ProjectImports:
    root, files, warnings, side = started.root, started.files, started.warnings, started.side
    scans = started.scans()
    lenient = tuple(p for p, s in scans.items() if s.lenient)
    if lenient:
        running = ".".join(map(str, sys.version_info[:2]))
        note = f" for Python {running}; its import statements were read (newer syntax?)"
        warnings[:] = [
            replace(w, message=w.message + note) if w.file in lenient else w for w in warnings
        ]
    layout = ProjectLayout(root, files, source_roots(root, warnings))
    folders = config_folders(root)
    commands = [
        c
        for path in command_files(root, folders[1:], side.found)
        for c in read_commands(path, warnings)
    ]
    local = [c for c in commands if c.file.is_relative_to(root)]
    configs = [c for c in map(read_config, config_files(root)) if c is not None]
    links = link(
        layout,
        scans,
        configs,
        known=lambda name: is_stdlib(name, python_minor) or importable(name),
    )
    found = list(
        _find_entries(root, layout, scans=scans, commands=local, extra=entries, warnings=warnings)
    )
    entry_modules = [e.module for e in found]
    edges, raw_sites = _resolve(layout, scans, warnings, links)
    starts = [module for module, _file, _line in links.starts]
    scope_of = scopes(layout, edges, entry_modules, starts)
    open_sites = _open_sites(links, scope_of)
    if open_sites:
        scope_of = _open_scopes(scope_of, open_sites, edges)
    sites = _sites(layout, raw_sites, scope_of, python_minor)
    tests = (p for p, i in layout.by_path.items() if i.is_test and p.suffix == ".py")

    def excluded(name: str) -> bool:  # the project's own modules and the target's stdlib
        return layout.is_first_party(name) or is_stdlib(name, python_minor)

    says = project_says(folders, commands, tests, names_said(scans, configs, excluded))
    return ProjectImports(
        root=root,
        files=tuple(files),
        sites=tuple(sites),
        first_party=layout.first_party,
        entries=tuple(found),
        entry_found=bool(entry_modules),
        says=says,
        dead_modules=tuple(sorted(m for m, s in scope_of.items() if s == "dead")),
        open_loading=tuple(open_sites),
        lenient_files=lenient,
        warnings=tuple(warnings),
        cache_hits=started.cache.hits if started.cache is not None else 0,
    )


def _find_entries(
    root: Path,
    layout: ProjectLayout,
    *,
    scans: Mapping[Path, FileScan],
    commands: Sequence[Command],
    extra: Sequence[str],
    warnings: list[ScanWarning],
) -> Iterable[EntryPointFound]:
    candidates = [
        *(EntryPointFound(e, "given") for e in extra),
        *entry_rules.file_entries(layout, scans),
        *entry_rules.pyproject_entries(root, warnings),
        *entry_rules.command_entries(commands, root),
    ]
    seen: set[tuple[str, str]] = set()
    for entry in candidates:
        module = _entry_module(root, layout, entry.module)
        if module is None or (module, entry.how) in seen:
            continue
        seen.add((module, entry.how))
        yield EntryPointFound(module, entry.how, entry.file, entry.line)


def _entry_module(root: Path, layout: ProjectLayout, value: str) -> str | None:
    """A project module for an entry given as a module, ``file:<abs path>`` or relative path."""
    if value.startswith("file:") or value.endswith(".py"):
        path = Path(value.removeprefix("file:"))
        path = path if path.is_absolute() else root / path
        return layout.module_for_file(Path(os.path.normpath(path)))
    return value if layout.exists(value) else None


_Resolved = tuple[ModuleFile, str, RawImport, bool]
"""(file, absolute module, the import as written, read from a loader table)."""


def _resolve(
    layout: ProjectLayout,
    scans: Mapping[Path, FileScan],
    warnings: list[ScanWarning],
    links: Links,
) -> tuple[dict[str, list[str]], list[_Resolved]]:
    """Module graph edges, and each import with its module made absolute."""
    edges: dict[str, list[str]] = {m: list(t) for m, t in links.edges.items()}
    resolved: list[_Resolved] = []
    loaded: dict[tuple[str, tuple[str, ...]], list[str]] = {}  # the same imports recur
    for path, scan in scans.items():
        info = layout.by_path[path]
        targets = edges.setdefault(info.module, [])
        table = links.table_imports.get(path, [])
        for index, raw in enumerate((*scan.imports, *table)):
            module = layout.resolve(info, raw.module, raw.level)
            if module is not None and raw.level == 0 and not layout.is_first_party(module):
                module = layout.sibling(info, module) or module
            if module is None:
                message = f"relative import beyond the top package: {'.' * raw.level}{raw.module}"
                warnings.append(ScanWarning(message, path, raw.line))
                continue
            resolved.append((info, module, raw, index >= len(scan.imports)))
            if raw.kind != "type-checking" and layout.is_first_party(module):
                key = (module, raw.names)
                found = loaded.get(key)
                if found is None:
                    found = loaded[key] = loaded_modules(layout, module, raw.names)
                targets.extend(found)
    return edges, resolved


def _sites(
    layout: ProjectLayout,
    resolved: Iterable[_Resolved],
    scope_of: Mapping[str, Scope],
    python_minor: tuple[int, int],
) -> list[ImportSite]:
    """Import sites minus the target's stdlib, first-party ones flagged."""
    sites: list[ImportSite] = []
    for info, module, raw, guess in resolved:
        first_party = layout.is_first_party(module, from_test=info.is_test)
        if not first_party and is_stdlib(module, python_minor):
            continue
        scope = scope_of.get(info.module, "live")
        site = ImportSite(
            module,
            info.path,
            raw.line,
            raw.kind,
            raw.lazy,
            scope,
            raw.names,
            first_party,
            guess,
        )
        sites.append(site)
    return sites


def _open_scopes(
    scope_of: Mapping[str, Scope], sites: Sequence[OpenSite], edges: Mapping[str, list[str]]
) -> dict[str, Scope]:
    """Dead modules an open site may load, and what they import, are ``unknown``: not proven
    to run, not proven dead."""
    dead = [m for m, s in scope_of.items() if s == "dead"]
    loadable = [m for m in dead if any(site.may_load(m) for site in sites)]
    maybe = reach(edges, loadable, dead)
    return {m: "unknown" if m in maybe else s for m, s in scope_of.items()}


def _open_sites(links: Links, scope_of: Mapping[str, Scope]) -> list[OpenSite]:
    """Unresolved dynamic loading in live code, where the graph is open."""
    found = []
    for info, load in links.open_loads:
        if scope_of.get(info.module) != "live":
            continue
        what = f"{load.call} with a computed name" if load.by_name else load.call
        found.append(OpenSite(info.path, load.line or 1, what, load.suffix, load.by_name))
    return found
