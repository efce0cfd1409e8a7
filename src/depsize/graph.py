"""The dependency graph of an environment (DESIGN §3).

Edges come from ``Requires-Dist``, with markers evaluated for the *target* environment and
extras followed only where the requiring side asks for them. Reachability works on states
``(distribution, extra)``: ``uvicorn[standard]`` reaches uvicorn's base requirements *and* those
its ``standard`` extra adds; plain ``uvicorn`` reaches only the base ones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import field

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from depsize.models import InstalledDist, ScanWarning
from depsize.records import dataclass

State = tuple[NormalizedName, str]
"""A distribution and one of its extras; ``""`` is the distribution without extras."""


@dataclass(frozen=True)
class Edge:
    """``source`` (with ``source_extra`` active) requires ``target`` (with ``extras``)."""

    source: NormalizedName
    target: NormalizedName
    requirement: str
    extras: frozenset[str]
    source_extra: str = ""


@dataclass(frozen=True)
class MissingDependency:
    """A requirement whose target is not installed."""

    source: NormalizedName
    requirement: str
    target: NormalizedName


@dataclass(frozen=True)
class DepGraph:
    """Edges per state, plus what could not be resolved."""

    edges: Mapping[State, tuple[Edge, ...]]
    missing: tuple[MissingDependency, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()
    nodes: frozenset[NormalizedName] = field(default_factory=frozenset)

    def successors(self, state: State) -> Iterable[State]:
        for edge in self.edges.get(state, ()):
            yield (edge.target, "")
            for extra in edge.extras:
                yield (edge.target, extra)

    def requires(self, name: NormalizedName) -> tuple[NormalizedName, ...]:
        """Names ``name`` depends on without extras (what pipdeptree shows)."""
        return tuple(sorted({e.target for e in self.edges.get((name, ""), ())}))

    def reach(self, starts: Iterable[State]) -> set[NormalizedName]:
        """Names reachable from ``starts`` (the starts included)."""
        return {name for name, _ in self.reach_states(starts)}

    def reach_states(self, starts: Iterable[State]) -> set[State]:
        seen: set[State] = set()
        queue = deque(s for s in starts if s[0] in self.nodes)
        seen.update(queue)
        while queue:
            for nxt in self.successors(queue.popleft()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen


def _evaluate(marker: Marker | None, env: Mapping[str, str], extra: str) -> bool:
    if marker is None:
        return True
    try:
        return marker.evaluate({**env, "extra": extra})
    except (UndefinedComparison, UndefinedEnvironmentName, InvalidMarker):
        return False


def _extra_literals(markers: object) -> frozenset[str] | None:
    """The extras a marker compares ``extra`` with by ``==``/``!=`` (canonical names).

    ``None`` when ``extra`` is used any other way (``in``, against another variable, against a
    literal that is also a version, whose comparison packaging may make a version comparison),
    or when the parsed form is not the one expected: then every extra is evaluated. Otherwise the
    marker's value for any extra outside the set is its value for ``extra == ""``.
    """
    if not isinstance(markers, list):
        return None
    found: set[str] = set()
    for item in markers:
        if isinstance(item, list):
            inner = _extra_literals(item)
            if inner is None:
                return None
            found |= inner
        elif isinstance(item, tuple):
            literal = _extra_compared(item)
            if literal is None:
                return None
            if literal:
                found.add(canonicalize_name(literal))
    return frozenset(found)


def _extra_compared(atom: tuple[object, ...]) -> str | None:
    """``""`` for a comparison without ``extra``; the literal for ``extra ==/!= "x"``; else None."""
    if len(atom) != 3:
        return None
    lhs, op, rhs = atom
    if _is_extra(lhs):
        other = rhs
    elif _is_extra(rhs):
        other = lhs
    else:
        return ""
    literal = getattr(other, "value", None)
    if type(other).__name__ != "Value" or getattr(op, "value", None) not in {"==", "!="}:
        return None
    if not isinstance(literal, str) or not literal:
        return None
    try:
        Version(literal)
    except InvalidVersion:
        return literal
    return None


def _is_extra(node: object) -> bool:
    return type(node).__name__ == "Variable" and getattr(node, "value", None) == "extra"


@dataclass(frozen=True)
class _MarkerVerdict:
    """Under which states of its distribution a marker holds."""

    base: bool
    """It holds without extras (then the requirement is a base one, never an extra's)."""
    extras: frozenset[str] | None
    """The extras under which it holds and the base does not; ``None``: evaluate each."""


def build_graph(
    dists: Mapping[NormalizedName, InstalledDist], marker_env: Mapping[str, str]
) -> DepGraph:
    """Build the graph of ``dists`` for the target ``marker_env``."""
    builder = _Builder(dists, marker_env)
    for dist in dists.values():
        builder.add_dist(dist)
    return DepGraph(
        edges={k: tuple(v) for k, v in builder.edges.items()},
        missing=tuple(dict.fromkeys(builder.missing)),
        warnings=tuple(builder.warnings),
        nodes=frozenset(dists),
    )


@dataclass
class _Builder:
    dists: Mapping[NormalizedName, InstalledDist]
    marker_env: Mapping[str, str]
    edges: dict[State, list[Edge]] = field(default_factory=dict)
    missing: list[MissingDependency] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)
    verdicts: dict[str, _MarkerVerdict] = field(default_factory=dict)
    """One verdict per distinct marker text, shared by every distribution."""
    evaluated: dict[tuple[str, str], bool] = field(default_factory=dict)

    def add_dist(self, dist: InstalledDist) -> None:
        extras = ["", *(canonicalize_name(e) for e in dist.provides_extras)]
        positions: dict[str, list[int]] = {}
        for index, extra in enumerate(extras):
            positions.setdefault(extra, []).append(index)
        for text in dist.requires:
            try:
                req = Requirement(text)
            except InvalidRequirement as exc:
                reason = str(exc).partition("\n")[0]  # packaging adds a caret diagram below
                self.warnings.append(
                    ScanWarning(
                        f"{dist.name}: unparsable Requires-Dist {text!r} ({reason})",
                        dist.metadata_dir
                        / ("METADATA" if dist.metadata_format == "dist-info" else "PKG-INFO"),
                    )
                )
                continue
            self._add(dist.name, req, text, extras, positions)

    def _add(
        self,
        source: NormalizedName,
        req: Requirement,
        text: str,
        extras: list[str],
        positions: dict[str, list[int]],
    ) -> None:
        """One edge per state of ``source`` under which the requirement applies."""
        target = canonicalize_name(req.name)
        wanted = frozenset(canonicalize_name(e) for e in req.extras)
        for extra in self._states(req.marker, extras, positions):
            if target in self.dists:
                self.edges.setdefault((source, extra), []).append(
                    Edge(source, target, text, wanted, extra)
                )
            elif not extra:
                self.missing.append(MissingDependency(source, text, target))

    def _states(
        self, marker: Marker | None, extras: list[str], positions: dict[str, list[int]]
    ) -> list[str]:
        """The states (in declaration order, repeats kept) under which ``marker`` holds.

        Without ``extra`` in the marker only the base state is tried; with it, every declared
        extra is, and an extra's state applies where the base one does not.
        """
        if marker is None:
            return [""]
        key = str(marker)
        verdict = self._verdict(marker, key)
        by_extra = "extra" in key
        if not by_extra:
            return [""] if verdict.base else []
        if verdict.extras is None:
            return [
                e
                for e in extras
                if (verdict.base if not e else not verdict.base and self._holds(marker, key, e))
            ]
        indices = [i for e in verdict.extras for i in positions.get(e, ())]
        if verdict.base:
            indices.extend(positions[""])
        return [extras[i] for i in sorted(indices)]

    def _holds(self, marker: Marker, key: str, extra: str) -> bool:
        found = self.evaluated.get((key, extra))
        if found is None:
            found = self.evaluated[(key, extra)] = _evaluate(marker, self.marker_env, extra)
        return found

    def _verdict(self, marker: Marker, key: str) -> _MarkerVerdict:
        known = self.verdicts.get(key)
        if known is not None:
            return known
        parsed = getattr(marker, "_markers", None)
        literals = _extra_literals(parsed)
        if literals is not None and _plain_extra_test(parsed):
            verdict = _MarkerVerdict(base=False, extras=literals)  # ``extra == "x"``: no evaluator
        else:
            base = self._holds(marker, key, "")
            held = None
            if literals is not None:
                held = (
                    frozenset()
                    if base
                    else frozenset(e for e in literals if self._holds(marker, key, e))
                )
            verdict = _MarkerVerdict(base=base, extras=held)
        self.verdicts[key] = verdict
        return verdict


def _plain_extra_test(parsed: object) -> bool:
    """The marker is exactly ``extra == "x"``: false without extras, true for ``x`` alone."""
    if not isinstance(parsed, list) or len(parsed) != 1 or not isinstance(parsed[0], tuple):
        return False
    atom = parsed[0]
    return (
        len(atom) == 3
        and getattr(atom[1], "value", None) == "=="
        and (_is_extra(atom[0]) or _is_extra(atom[2]))
    )


_Dag = Mapping[NormalizedName, set[NormalizedName]]
"""Each name's parents one step nearer the root: the shortest paths of one root."""


@dataclass(frozen=True)
class ShortestPaths:
    """The shortest paths from the roots to one distribution: the first few, and how many."""

    paths: tuple[tuple[NormalizedName, ...], ...]
    """The first shortest paths in name order, as many as were asked for."""
    total: int
    """How many shortest paths there are, counted without listing them (it can be 2**40)."""


def shortest_paths(
    graph: DepGraph,
    starts: Mapping[NormalizedName, Iterable[State]],
    target: NormalizedName,
    limit: int | None = None,
) -> ShortestPaths:
    """The shortest paths from a root (a name and the states it starts in) to ``target``.

    Only the length counts across roots: a path from any root whose length is the least over
    all of them is kept. Each root's breadth-first search keeps, per distribution, the ones a
    step nearer the root that require it: a DAG of every shortest path. Paths are counted by
    dynamic programming over it and listed in name order, depth first and without recursion,
    stopping after ``limit``: linear in the graph plus the paths listed, however many exist.
    """
    found: list[tuple[NormalizedName, _Dag, dict[NormalizedName, int]]] = []
    for root in sorted(starts):
        dag, depth = _shortest_dag(graph, root, starts[root])
        if target in depth:
            found.append((root, dag, depth))
    best = min((depth[target] for _, _, depth in found), default=0)
    found = [item for item in found if item[2][target] == best]
    total = sum(_count(dag, depth, target) for _, dag, depth in found)
    paths: list[tuple[NormalizedName, ...]] = []
    for root, shortest, _ in found:
        room = None if limit is None else limit - len(paths)
        if room is not None and room <= 0:
            break
        paths.extend(_first_paths(shortest, root, target, room))
    return ShortestPaths(tuple(paths), total)


def _shortest_dag(
    graph: DepGraph, root: NormalizedName, states: Iterable[State]
) -> tuple[dict[NormalizedName, set[NormalizedName]], dict[NormalizedName, int]]:
    """Breadth-first over states from ``root``: each name's depth and its parents one step
    nearer the root."""
    depth: dict[NormalizedName, int] = {root: 0}
    parents: dict[NormalizedName, set[NormalizedName]] = {root: set()}
    queue: deque[State] = deque(dict.fromkeys(states))
    seen: set[State] = set(queue)
    while queue:
        state = queue.popleft()
        for nxt in graph.successors(state):
            name = nxt[0]
            if name not in depth:
                depth[name] = depth[state[0]] + 1
                parents[name] = set()
            if depth[name] == depth[state[0]] + 1 and state[0] != name:
                parents[name].add(state[0])
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return parents, depth


def _ancestors(parents: _Dag, target: NormalizedName) -> list[NormalizedName]:
    """``target`` and every name on a shortest path to it, nearest the root last."""
    order, seen = [target], {target}
    for name in order:  # grows while walked: breadth first towards the root
        for parent in parents[name]:
            if parent not in seen:
                seen.add(parent)
                order.append(parent)
    return order


def _count(parents: _Dag, depth: Mapping[NormalizedName, int], target: NormalizedName) -> int:
    """The number of shortest paths to ``target``: each name's count is the sum of its
    parents' (the root's is 1), taken root first (big integers: no overflow)."""
    order = sorted(_ancestors(parents, target), key=depth.__getitem__)
    count: dict[NormalizedName, int] = {}
    for name in order:
        count[name] = sum(count[p] for p in parents[name]) if parents[name] else 1
    return count[target]


def _first_paths(
    parents: _Dag,
    root: NormalizedName,
    target: NormalizedName,
    limit: int | None,
) -> list[tuple[NormalizedName, ...]]:
    """The first ``limit`` (all with ``None``) shortest paths root → target in name order."""
    useful = set(_ancestors(parents, target))
    children: dict[NormalizedName, list[NormalizedName]] = {name: [] for name in useful}
    for name in useful:
        for parent in parents[name]:
            children[parent].append(name)
    for names in children.values():
        names.sort()
    paths: list[tuple[NormalizedName, ...]] = []
    path: list[NormalizedName] = [root]
    stack: list[int] = [0]  # per step of ``path``: the next child to try
    while stack and (limit is None or len(paths) < limit):
        node = path[-1]
        if node == target:
            paths.append(tuple(path))
        index = stack[-1]
        if node != target and index < len(children[node]):
            stack[-1] += 1
            path.append(children[node][index])
            stack.append(0)
        else:
            path.pop()
            stack.pop()
    return paths
