"""Reachability over the project's own module graph.

Nodes are project modules; an import of a first-party name adds edges to every project module it
loads: ``import a.b.c`` loads ``a``, ``a.b`` and ``a.b.c``; ``from pkg import mod`` also loads
``pkg.mod`` when that is a module. ``TYPE_CHECKING`` imports load nothing at run time and add no
edge. Modules reached from an entry point are ``live``; test modules (and what only they reach)
are ``test``; the rest is ``dead``. Without any entry point every non-test module is ``live``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from depsize.imports.layout import ProjectLayout
from depsize.imports.model import Scope


def loaded_modules(layout: ProjectLayout, module: str, names: Iterable[str]) -> list[str]:
    """Project modules an import of ``module`` (``from module import names``) executes."""
    parts = module.split(".")
    found = [".".join(parts[:end]) for end in range(1, len(parts) + 1)]
    found.extend(f"{module}.{name}" for name in names if name != "*")
    return [m for m in found if m in layout.by_module]


def ancestors(module: str) -> list[str]:
    """``a.b.c`` → ``a``, ``a.b``: the packages that run before a module."""
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]


def reach(
    edges: Mapping[str, Iterable[str]], starts: Iterable[str], known: Iterable[str]
) -> set[str]:
    """Modules reachable from ``starts`` (ancestors of each reached module included)."""
    nodes = set(known)
    seen: set[str] = set()
    visited: set[str] = set()  # a module visited once has had its ancestors visited too
    queue: deque[str] = deque()

    def visit(module: str) -> None:
        if module in visited:
            return
        visited.add(module)
        for name in (*ancestors(module), module):
            if name in nodes and name not in seen:
                seen.add(name)
                queue.append(name)

    for start in starts:
        visit(start)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            visit(target)
    return seen


def scopes(
    layout: ProjectLayout,
    edges: Mapping[str, Iterable[str]],
    entries: Iterable[str],
    starts: Iterable[str] = (),
) -> dict[str, Scope]:
    """Scope of every project module given the entry modules (empty: everything live).

    ``starts`` run like entries (modules a configuration file names) but do not by themselves
    mean the project has entry points.
    """
    modules = list(layout.by_module)
    entry_list = [e for e in entries if e in layout.by_module or e in layout.packages]
    tests = [m for m, info in layout.by_module.items() if info.is_test]
    if entry_list:
        live = reach(edges, [*entry_list, *starts], modules)
    else:
        live = {m for m, info in layout.by_module.items() if not info.is_test}
    tested = reach(edges, tests, modules)
    result: dict[str, Scope] = {}
    for module, info in layout.by_module.items():
        if info.is_test:
            result[module] = "test"
        elif module in live:
            result[module] = "live"
        else:
            result[module] = "test" if module in tested else "dead"
    return result
