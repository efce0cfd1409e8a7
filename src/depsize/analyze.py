"""``analyze(settings) -> Analysis``: the whole pipeline, with no printing and no exiting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from depsize.attribute import Attribution, Root, attribute, default_roots
from depsize.env.discover import discover
from depsize.env.scan import scan_env
from depsize.graph import DepGraph, build_graph
from depsize.models import EnvScan, ScanWarning


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, from flags and ``[tool.depsize]``."""

    project: Path = Path()
    python: Path | None = None
    env_dir: Path | None = None
    site_packages: tuple[Path, ...] = ()
    disk_usage: bool = False


@dataclass(frozen=True)
class Analysis:
    """The result of one run: every later stage (reports, check, trim) reads only this."""

    settings: Settings
    scan: EnvScan
    graph: DepGraph
    roots: tuple[Root, ...]
    roots_from: Literal["declared", "unrequired"]
    attribution: Attribution
    warnings: tuple[ScanWarning, ...] = field(default=())


def analyze(settings: Settings) -> Analysis:
    """Discover, scan, build the graph and attribute sizes."""
    env = discover(
        settings.project,
        python=settings.python,
        env_dir=settings.env_dir,
        site_packages=settings.site_packages,
    )
    scan = scan_env(env, disk_usage=settings.disk_usage)
    graph = build_graph(scan.dists, env.marker_environment())
    roots = tuple(default_roots(graph))
    return Analysis(
        settings=settings,
        scan=scan,
        graph=graph,
        roots=roots,
        roots_from="unrequired",
        attribution=attribute(scan, graph, roots),
        warnings=scan.warnings + graph.warnings,
    )
