"""The used distributions' metadata: a candidate they require, or list in an extra."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from depsize import safeio
from depsize.graph import DepGraph, State
from depsize.models import EnvScan, InstalledDist
from depsize.usedby.model import DependencyUse


def requirement_uses(
    scan: EnvScan,
    graph: DepGraph,
    wanted: set[NormalizedName],
    reached: set[State],
) -> Iterator[DependencyUse]:
    """A candidate the used distributions pull in: named by the first requirement that does."""
    seen: set[NormalizedName] = set()
    for state in sorted(reached):
        for edge in graph.edges.get(state, ()):
            target = edge.target
            if target in wanted and target not in seen and edge.source != target:
                seen.add(target)
                file, line = _metadata_line(scan.dists[edge.source], edge.requirement)
                yield DependencyUse(
                    target, edge.source, file, line, "requirement", edge.requirement
                )


def extra_uses(
    scan: EnvScan,
    graph: DepGraph,
    wanted: set[NormalizedName],
    direct: set[NormalizedName],
) -> Iterator[DependencyUse]:
    """A candidate listed in an extra of a distribution the project uses directly."""
    for source in sorted(direct):
        listed: dict[NormalizedName, list[tuple[str, str]]] = {}
        for extra in scan.dists[source].provides_extras:
            for edge in graph.edges.get((source, canonicalize_name(extra)), ()):
                if edge.target in wanted and edge.target != source:
                    listed.setdefault(edge.target, []).append((extra, edge.requirement))
        for target, pairs in sorted(listed.items()):
            file, line = _metadata_line(scan.dists[source], pairs[0][1])
            extras = tuple(sorted({extra for extra, _ in pairs}))
            yield DependencyUse(target, source, file, line, "extra", pairs[0][1], extras=extras)


def _metadata_line(dist: InstalledDist, requirement: str) -> tuple[Path, int | None]:
    """The metadata file that lists ``requirement`` and the line it is on (``None`` if unsure)."""
    if dist.metadata_format == "dist-info":
        file = dist.metadata_dir / "METADATA"
        try:
            lines = safeio.read_text(file).splitlines()
        except safeio.UnreadableFileError:
            return file, None
        for number, text in enumerate(lines, start=1):
            key, _, value = text.partition(":")
            if key.strip() == "Requires-Dist" and value.strip() == requirement.strip():
                return file, number
        return file, None
    return dist.metadata_dir / "requires.txt", None
