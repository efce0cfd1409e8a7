"""``plan(lock, options) -> Plan``: the planned set as the same models an env scan builds.

Each planned distribution becomes an :class:`~depsize.models.InstalledDist` whose files are
what the installer would write, so the dependency graph, attribution (own, closure, exclusive,
share) and recommendations are the ones ``scan`` computes, applied before installing.
"""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path
from typing import Literal

from packaging.utils import NormalizedName

from depsize.attribute import Attribution, Root, attribute, default_roots
from depsize.errors import InputError
from depsize.graph import DepGraph, build_graph
from depsize.models import EnvScan, InstalledDist, PythonEnv, ScanWarning
from depsize.plan.http import Http
from depsize.plan.index import Index, default_index_url
from depsize.plan.listing import PlanCache
from depsize.plan.locks import read_poetry_lock, read_pylock, read_uv_lock
from depsize.plan.model import PLANNED_SITE, LockFile, PlannedDist
from depsize.plan.pinned import read_pinned, read_pip_report
from depsize.plan.resolve import Resolver
from depsize.plan.target import Target
from depsize.recommend import Recommendation, recommend
from depsize.records import dataclass


def plan_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/depsize/plan`` (``~/.cache/depsize/plan``), beside the env scan cache."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "depsize" / "plan"


@dataclass(frozen=True)
class PlanOptions:
    target: Target
    index_url: str | None = None
    """``None``: :func:`~depsize.plan.index.default_index_url`."""
    find_links: tuple[Path, ...] = ()
    cache_dir: Path | None = None
    """``None`` caches nothing (``--no-cache``)."""
    timeout: float = 30.0
    interpreter: str = "/usr/local/bin/python"
    """The target interpreter path console-script shebangs name."""
    jobs: int = 8
    groups: frozenset[str] = frozenset()
    """Dependency groups planned besides the main one (``--group``)."""


@dataclass(frozen=True)
class Plan:
    lock: LockFile
    target: Target
    dists: tuple[PlannedDist, ...]
    scan: EnvScan
    graph: DepGraph
    roots: tuple[Root, ...]
    roots_from: Literal["declared", "unrequired"]
    attribution: Attribution
    recommendations: tuple[Recommendation, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()
    requests: int = 0
    bytes_fetched: int = 0
    declared_text: dict[NormalizedName, str] = field(default_factory=dict)

    @property
    def unknown(self) -> tuple[PlannedDist, ...]:
        return tuple(d for d in self.dists if d.installed_bytes is None)

    @property
    def partial(self) -> bool:
        return bool(self.unknown)

    @property
    def errors(self) -> tuple[PlannedDist, ...]:
        return tuple(d for d in self.dists if d.unknown == "error")

    @property
    def bytecode_estimate(self) -> int:
        return sum(d.bytecode_estimate for d in self.dists)


def read_lock(path: Path, target: Target, groups: frozenset[str] = frozenset()) -> LockFile:
    """Read ``path`` by its name (``pylock*.toml``, ``uv.lock``, ``poetry.lock``, ``*.json``
    for pip's report, anything else a pinned requirements file); ``groups``: dependency groups
    planned besides the main one (lock files that have groups only)."""
    env = target.marker_environment()
    name = path.name
    if name.startswith("pylock") and name.endswith(".toml"):
        return read_pylock(path, env, groups)
    if name == "uv.lock":
        return read_uv_lock(path, env, groups)
    if name == "poetry.lock":
        return read_poetry_lock(path, env, groups)
    if groups:
        raise InputError("--group applies to pylock.toml, uv.lock and poetry.lock", path)
    if name.endswith(".json"):
        return read_pip_report(path)
    if name.endswith((".toml", ".lock")):
        raise InputError(
            "unknown lock file: expected pylock.toml (or pylock.NAME.toml), uv.lock, "
            "poetry.lock, pip's --report JSON or a pinned requirements file",
            path,
        )
    return read_pinned(path, env)


def plan(path: Path, options: PlanOptions) -> Plan:
    """Size every distribution ``path`` pins, for ``options.target``."""
    target = options.target
    lock = read_lock(path, target, options.groups)
    if lock.marker_env:
        target = Target(target.python_version, target.platform, lock.marker_env)
        target = Target(_report_version(lock.marker_env, target), target.platform, lock.marker_env)
    http = Http(timeout=options.timeout)
    resolver = make_resolver(lock, target, options, http)
    planned = tuple(_plan_all(resolver, lock, options.jobs))
    return assemble(lock, target, planned, requests=http.requests, fetched=http.bytes_received)


def make_resolver(lock: LockFile, target: Target, options: PlanOptions, http: Http) -> Resolver:
    """What finds and sizes each wheel of ``lock`` for ``target``."""
    return Resolver(
        tags=target.tags(),
        index=Index(options.index_url or default_index_url(), http),
        http=http,
        cache=PlanCache(options.cache_dir),
        lock_dir=lock.path.parent,
        find_links=options.find_links,
        interpreter=options.interpreter,
        python_minor=target.minor,
        prefer_index=options.index_url is not None,
        requested=(None if lock.declared is None else frozenset(d.name for d in lock.declared)),
    )


def _plan_all(resolver: Resolver, lock: LockFile, jobs: int) -> list[PlannedDist]:
    """Cached listings first, in this thread; the rest by ``jobs`` threads (network-bound)."""
    found = [resolver.cached(dist) for dist in lock.dists]
    missing = [dist for dist, done in zip(lock.dists, found, strict=True) if done is None]
    if missing:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            fetched = iter(list(pool.map(resolver.plan, missing)))
        found = [done if done is not None else next(fetched) for done in found]
    return [done for done in found if done is not None]


def _report_version(env: dict[str, str], target: Target) -> str:
    found = env.get("python_full_version") or env.get("python_version")
    return ".".join(found.split(".")[:2]) if found else target.python_version


def _as_installed(dist: PlannedDist) -> InstalledDist:
    """The distribution as the env scanner would see it once installed: files, requirements,
    import names and entry points (the verdicts read those)."""
    meta = next(
        (p.rsplit("/", 1)[0] for p, _ in dist.files if p.endswith(".dist-info/METADATA")),
        f"{dist.name}-{dist.version}.dist-info",
    )
    return InstalledDist(
        name=dist.name,
        display_name=dist.name,
        version=dist.version,
        metadata_dir=PLANNED_SITE / meta,
        site_packages=PLANNED_SITE,
        requires=dist.requires,
        provides_extras=dist.provides_extras,
        files=dist.files,
        own_bytes=dist.installed_bytes or 0,
        import_names=dist.import_names,
        entry_points=dist.entry_points,
        installer="pip",
    )


def _partial_note(planned: tuple[PlannedDist, ...]) -> str:
    unknown = sum(1 for d in planned if d.installed_bytes is None)
    return f"; PARTIAL: {unknown} installed sizes unknown" if unknown else ""


def assemble(
    lock: LockFile,
    target: Target,
    planned: tuple[PlannedDist, ...],
    *,
    requests: int = 0,
    fetched: int = 0,
) -> Plan:
    """The EnvScan, graph, attribution and recommendations of a planned set."""
    env = PythonEnv(
        site_packages=(PLANNED_SITE,),
        python_version=target.python_version,
        how_found=f"planned from {lock.path} ({lock.kind})" + _partial_note(planned),
        platform=target.marker_environment(),
    )
    dists = {d.name: _as_installed(d) for d in planned}
    scan = EnvScan(env=env, dists=dict(sorted(dists.items())), unowned_bytes=0, unowned_files=())
    graph = build_graph(scan.dists, env.marker_environment())
    declared = [d for d in (lock.declared or ()) if d.name in scan.dists]
    if declared:
        roots = tuple(Root(d.name, d.extras) for d in declared)
        roots_from: Literal["declared", "unrequired"] = "declared"
    else:
        roots, roots_from = tuple(default_roots(graph)), "unrequired"
    attribution = attribute(scan, graph, roots)
    reached = frozenset().union(*(r.reach for r in attribution.roots)) if declared else None
    warnings = list(lock.warnings) + list(graph.warnings)
    warnings += [
        ScanWarning(f"{d.name} {d.version}: installed size unknown: {d.reason}", lock.path)
        for d in planned
        if d.installed_bytes is None
    ]
    return Plan(
        lock=lock,
        target=target,
        dists=tuple(sorted(planned, key=lambda d: d.name)),
        scan=scan,
        graph=graph,
        roots=roots,
        roots_from=roots_from,
        attribution=attribution,
        recommendations=tuple(recommend(scan, graph, reached=reached)),
        warnings=tuple(warnings),
        requests=requests,
        bytes_fetched=fetched,
        declared_text={d.name: d.text for d in declared},
    )
