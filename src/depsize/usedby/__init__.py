"""Requirements the project never imports but a distribution it uses loads: used-by-dependency.

FastAPI imports python-multipart inside a function, the first time a route takes a form; uvicorn
imports websockets for WebSocket endpoints; pandas imports openpyxl in ``read_excel``. The
project's code never names them, yet removing them breaks the app. This pass reads the installed
``.py`` files of the distributions the project uses (the ones its imports, commands and plugins
map to, and everything those reach in the dependency graph, extras included) for imports of the
candidates' import names: lazy ones inside functions, under ``try/except ImportError``,
``importlib.import_module("x")`` (:mod:`.code`); an import under ``if "x" in sys.modules``, a
``setup.py`` build script shipped in a package and a module only the candidate itself runs (a
setuptools plugin) are no use (:mod:`.shapes`, :mod:`.code`); one in a function nothing calls,
or at the top of a module nothing imports, is marked so (:mod:`.calls`, :mod:`.code`). It also
reads the used distributions' extras (python-multipart in ``fastapi[standard]``) and
requirements (:mod:`.metadata`). Nothing scanned is imported; the cost grows with the
candidates' matches, the files are only read and byte-matched.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from packaging.utils import NormalizedName

from depsize.graph import DepGraph, State
from depsize.models import EnvScan, InstalledDist
from depsize.usedby.metadata import extra_uses, requirement_uses
from depsize.usedby.model import DependencyUse, DependencyUses, UseHow

__all__ = ["CODE_NOT_READ", "DependencyUse", "DependencyUses", "UseHow", "find_dependency_uses"]

CODE_NOT_READ = "planned: libraries' code not read (a used distribution's code may import it)"
"""The doubt on a candidate whose users' code was not read (``read_code=False``)."""


def find_dependency_uses(
    scan: EnvScan,
    graph: DepGraph,
    candidates: Collection[NormalizedName],
    starts: Iterable[State],
    *,
    read_code: bool = True,
    jobs: int | None = None,
) -> DependencyUses:
    """Uses of ``candidates`` by the distributions reached from ``starts``.

    ``starts`` are the states (distribution, extra) the project uses directly. Their extras are
    read for the candidates; every reached distribution's code is read for imports of them.
    ``read_code=False`` (a planned set, whose files are not on disk) reads metadata only: a
    candidate that a reached distribution's library code could import gets a doubt instead.
    ``jobs``: processes for reading the code (``None``: the usable CPUs).
    """
    wanted = {c for c in candidates if c in scan.dists}
    start_states = [s for s in starts if s[0] in scan.dists]
    if not wanted or not start_states:
        return DependencyUses()
    from depsize.usedby.code import CodeSearch  # lazy: the code scanners, only when needed

    reached = graph.reach_states(start_states)
    direct = {name for name, _ in start_states}
    found: dict[NormalizedName, list[DependencyUse]] = {}
    for use in requirement_uses(scan, graph, wanted, reached):
        found.setdefault(use.candidate, []).append(use)
    code = CodeSearch(scan.dists, wanted if read_code else (), scan.env.python_minor)
    code.search_all([scan.dists[name] for name in sorted({name for name, _ in reached})], jobs)
    code.drop_loaded_elsewhere(_requirers(graph, reached, scan))
    for use in code.uses:
        found.setdefault(use.candidate, []).append(use)
    doubts = {} if read_code else _unread(scan, wanted, {name for name, _ in reached})
    # an extra that lists it is context for a use found above, never a use on its own:
    # pytest-xdist in pytest[dev] says nothing of this project
    for use in extra_uses(scan, graph, {c for c in wanted if c in found}, direct):
        found[use.candidate].append(use)
    return DependencyUses(
        uses={name: _ordered(uses, direct) for name, uses in sorted(found.items())},
        unreadable={name: tuple(paths) for name, paths in sorted(code.unreadable.items())},
        files_read=code.files_read,
        files_scanned=code.files_scanned,
        doubts=doubts,
    )


def _requirers(
    graph: DepGraph, reached: Iterable[State], scan: EnvScan
) -> dict[NormalizedName, list[InstalledDist]]:
    """Reached distribution → the reached ones that require it (the graph's edges, markers and
    extras as evaluated for the env)."""
    found: dict[NormalizedName, set[NormalizedName]] = {}
    for state in reached:
        for edge in graph.edges.get(state, ()):
            if edge.source != edge.target:
                found.setdefault(edge.target, set()).add(edge.source)
    return {
        target: [scan.dists[s] for s in sorted(sources) if s in scan.dists]
        for target, sources in found.items()
    }


def _unread(
    scan: EnvScan, wanted: Collection[NormalizedName], reached: Collection[NormalizedName]
) -> dict[NormalizedName, str]:
    """The candidates (with an import name) that the unread library code of a reached
    distribution other than themselves could import."""
    from depsize.usedby.library import is_library_code  # lazy: the code scanners, only when needed

    with_code = {
        name for name in reached if any(is_library_code(rel) for rel, _ in scan.dists[name].files)
    }
    return {
        name: CODE_NOT_READ
        for name in sorted(wanted)
        if scan.dists[name].import_names and with_code - {name}
    }


def _ordered(
    uses: list[DependencyUse], direct: Collection[NormalizedName]
) -> tuple[DependencyUse, ...]:
    """Code imports first, those of the directly used distributions and inside a named
    function first; then base requirements, then extras."""
    rank = {"import": 0, "requirement": 1, "extra": 2}
    return tuple(
        sorted(
            uses,
            key=lambda u: (
                rank[u.how],
                u.source not in direct,
                u.function is None,
                u.source,
                str(u.file),
                u.line or 0,
            ),
        )
    )
