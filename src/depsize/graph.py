"""The dependency graph of an environment (DESIGN §3).

Edges come from ``Requires-Dist``, with markers evaluated for the *target* environment and
extras followed only where the requiring side asks for them. Reachability works on states
``(distribution, extra)``: ``uvicorn[standard]`` reaches uvicorn's base requirements *and* those
its ``standard`` extra adds; plain ``uvicorn`` reaches only the base ones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name

from depsize.models import InstalledDist, ScanWarning

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

    def add_dist(self, dist: InstalledDist) -> None:
        extras = ["", *(canonicalize_name(e) for e in dist.provides_extras)]
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
            self._add(dist.name, req, text, extras)

    def _add(self, source: NormalizedName, req: Requirement, text: str, extras: list[str]) -> None:
        """One edge per state of ``source`` under which the requirement applies."""
        target = canonicalize_name(req.name)
        base = _evaluate(req.marker, self.marker_env, "")
        wanted = frozenset(canonicalize_name(e) for e in req.extras)
        by_extra = req.marker is not None and "extra" in str(req.marker)
        for extra in extras if by_extra else ("",):
            applies = (
                base if not extra else (not base and _evaluate(req.marker, self.marker_env, extra))
            )
            if not applies:
                continue
            if target in self.dists:
                self.edges.setdefault((source, extra), []).append(
                    Edge(source, target, text, wanted, extra)
                )
            elif not extra:
                self.missing.append(MissingDependency(source, text, target))
