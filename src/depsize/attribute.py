"""Size attribution (DESIGN §3): own, closure, exclusive, freed and share.

Let T be the roots (declared requirements that are installed, or, before any are declared, the
distributions nothing requires) and reach(x) the distributions x pulls in, x included.

- own(d): the bytes of d itself.
- closure(r) = Σ own over reach(r).
- exclusive(r) = Σ own over reach(r) minus reach(T without r): what removing r alone frees.
- freed(S) = Σ own over reach(S) minus reach(T without S): what removing the set S frees.
- share(r): each distribution's bytes split evenly among the roots that reach it (the
  remainder bytes go to the first roots in order), so Σ share + extraneous + unowned = total.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from packaging.utils import NormalizedName

from depsize.graph import DepGraph, ShortestPaths, State, shortest_paths
from depsize.models import EnvScan
from depsize.records import dataclass


@dataclass(frozen=True)
class Root:
    """A starting point of attribution: a distribution with the extras asked of it."""

    name: NormalizedName
    extras: frozenset[str] = frozenset()

    def states(self) -> list[State]:
        return [(self.name, ""), *((self.name, e) for e in sorted(self.extras))]


@dataclass(frozen=True)
class RootSizes:
    root: Root
    reach: frozenset[NormalizedName]
    own: int
    closure: int
    exclusive: int
    share: int


@dataclass(frozen=True)
class Attribution:
    roots: tuple[RootSizes, ...]
    extraneous: tuple[NormalizedName, ...]
    extraneous_bytes: int
    unowned_bytes: int
    total_bytes: int

    def by_name(self) -> dict[NormalizedName, RootSizes]:
        return {r.root.name: r for r in self.roots}


def default_roots(graph: DepGraph) -> list[Root]:
    """Distributions nothing else requires; one member of each cycle nothing outside requires."""
    active = graph.reach_states((n, "") for n in graph.nodes)  # extras someone asks for
    required = {e.target for s in active for e in graph.edges.get(s, ()) if e.target != e.source}
    roots = sorted(n for n in graph.nodes if n not in required)
    reached = graph.reach(s for r in roots for s in Root(r).states())
    for name in sorted(graph.nodes):  # cycles: pick the first name of an unreached component
        if name not in reached:
            roots.append(name)
            reached |= graph.reach([(name, "")])
    return [Root(n) for n in sorted(roots)]


def _own(scan: EnvScan, names: Iterable[NormalizedName]) -> int:
    return sum(scan.dists[n].own_bytes for n in names)


def attribute(scan: EnvScan, graph: DepGraph, roots: Sequence[Root]) -> Attribution:
    """Sizes for every root; the shares, extraneous and unowned bytes add up to the total."""
    reaches = [frozenset(graph.reach(r.states())) for r in roots]
    reached_by: dict[NormalizedName, list[int]] = {}
    for index, reach in enumerate(reaches):
        for name in reach:
            reached_by.setdefault(name, []).append(index)
    shares = [0] * len(roots)
    for name, indexes in reached_by.items():
        whole, extra = divmod(scan.dists[name].own_bytes, len(indexes))
        for position, index in enumerate(sorted(indexes)):
            shares[index] += whole + (1 if position < extra else 0)
    sizes = []
    for index, root in enumerate(roots):
        mine = {n for n in reaches[index] if reached_by[n] == [index]}
        own = scan.dists[root.name].own_bytes if root.name in scan.dists else 0
        sizes.append(
            RootSizes(
                root,
                reaches[index],
                own,
                _own(scan, reaches[index]),
                _own(scan, mine),
                shares[index],
            )
        )
    extraneous = tuple(sorted(n for n in scan.dists if n not in reached_by))
    return Attribution(
        roots=tuple(sizes),
        extraneous=extraneous,
        extraneous_bytes=_own(scan, extraneous),
        unowned_bytes=scan.unowned_bytes,
        total_bytes=scan.total_bytes,
    )


def freed(
    scan: EnvScan, graph: DepGraph, roots: Sequence[Root], removed: Collection[NormalizedName]
) -> tuple[int, frozenset[NormalizedName]]:
    """Bytes (and distributions) that removing the roots named in ``removed`` frees together."""
    gone = graph.reach(s for r in roots if r.name in removed for s in r.states())
    kept = graph.reach(s for r in roots if r.name not in removed for s in r.states())
    names = frozenset(gone - kept)
    return _own(scan, names), names


def why(
    graph: DepGraph, roots: Sequence[Root], target: NormalizedName, limit: int | None = None
) -> ShortestPaths:
    """The shortest paths from a root to ``target`` over all roots that reach it (the first
    ``limit`` of them in name order), and how many there are."""
    starts: dict[NormalizedName, list[State]] = {}
    for root in roots:
        starts.setdefault(root.name, []).extend(root.states())
    return shortest_paths(graph, starts, target, limit)
