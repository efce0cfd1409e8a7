"""``analyze(settings) -> Analysis``: the whole pipeline, with no printing and no exiting.

discover env → scan distributions → dependency graph ─────┐
declared requirements ────────────────────────────────────┼─► verdicts + sizes → Analysis
project imports (AST, reachability, commands) ─► join ─────┤
used distributions' code read for the rest (usedby) ──────┘
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import field
from functools import partial
from typing import TYPE_CHECKING, Literal

from depsize.config import Settings
from depsize.env.discover import discover
from depsize.errors import InputError
from depsize.records import dataclass

__all__ = ["Analysis", "GivenEnv", "Settings", "analyze"]

# The stages are imported where they run: a big project's files are listed and their scans
# begun on a pool first, and the workers read while this process imports the rest.
if TYPE_CHECKING:
    from pathlib import Path

    from packaging.utils import NormalizedName

    from depsize.attribute import Attribution, Root
    from depsize.graph import DepGraph
    from depsize.imports.begin import StartedImports
    from depsize.imports.model import ImportSite, ProjectImports
    from depsize.mapping import ImportMapper
    from depsize.models import EnvScan, PythonEnv, ScanWarning
    from depsize.recommend import Recommendation
    from depsize.requirements.model import DeclaredRequirement, DeclaredSet
    from depsize.usedby.memo import Search as UsedBy
    from depsize.verdicts import Judgement


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
    declared: DeclaredSet | None = None
    judged: tuple[DeclaredRequirement, ...] = ()
    imports: ProjectImports | None = None
    judgement: Judgement | None = None
    recommendations: tuple[Recommendation, ...] = ()
    notes: tuple[str, ...] = ()
    env_token: str | None = None
    """The env scan cache's token for ``scan`` (see :class:`depsize.env.cache.CachedEnv`)."""


@dataclass(frozen=True)
class GivenEnv:
    """An environment model built elsewhere (a lock's planned set), judged as a scanned one:
    ``analyze`` neither discovers nor scans it."""

    scan: EnvScan
    graph: DepGraph
    used_by: UsedBy | None = None
    """The used-by-dependency pass over it (a planned set has metadata, not files on disk);
    ``None``: the one that reads the installed files."""
    notes: tuple[str, ...] = ()


def _scan_env(env: PythonEnv, settings: Settings) -> tuple[EnvScan, DepGraph, str | None]:
    """The env scan and graph, from the env scan cache unless ``--no-cache`` or ``--stat-all``,
    with the stored scan's token (``None``: not stored, nothing derived from it is either)."""
    from depsize.env.cache import cached_env
    from depsize.env.scan import scan_env
    from depsize.graph import build_graph

    if settings.stat_all or not settings.use_cache:
        scan = scan_env(env, disk_usage=settings.disk_usage, stat_all=settings.stat_all)
        return scan, build_graph(scan.dists, env.marker_environment()), None
    found = cached_env(env, disk_usage=settings.disk_usage)
    return found.scan, found.graph, found.token


def analyze(settings: Settings, given: GivenEnv | None = None) -> Analysis:
    """Discover, scan, build the graph, read declarations and imports, judge and recommend.

    *settings* are taken as they are: :func:`depsize.config.resolve_settings` read the
    configuration and laid the flags over it. *given*: judge that environment instead of
    discovering and scanning one."""
    source = given or discover(
        settings.project,
        python=settings.python,
        env_dir=settings.env_dir,
        site_packages=settings.site_packages,
    )
    started = None if settings.env_only else _begin_imports(settings)
    try:
        return _analyze(settings, source, started)
    finally:
        if started is not None:
            started.cancel()


def _begin_imports(settings: Settings) -> StartedImports:
    """The project's files listed and their scans begun: a big cold batch runs on a pool
    while the env is scanned and the requirements read."""
    from depsize.imports.begin import begin_imports

    return begin_imports(
        settings.project,
        exclude=settings.exclude,
        use_cache=settings.use_cache,
        jobs=settings.jobs,
        overlapped=True,
    )


def _analyze(
    settings: Settings, source: PythonEnv | GivenEnv, started: StartedImports | None
) -> Analysis:
    from depsize.attribute import attribute
    from depsize.recommend import recommend
    from depsize.sanity import wrong_env
    from depsize.unreached import image_recommendation

    if isinstance(source, GivenEnv):
        given: GivenEnv | None = source
        scan, graph, token = source.scan, source.graph, None
    else:
        given = None
        scan, graph, token = _scan_env(source, settings)
    base = Analysis(
        settings=settings,
        scan=scan,
        graph=graph,
        env_token=token,
        roots=(),
        roots_from="unrequired",
        attribution=attribute(scan, graph, ()),
        warnings=scan.warnings + graph.warnings,
        notes=given.notes if given else (),
    )
    used_by = given.used_by if given else None
    result = _fallback(base, ()) if started is None else _with_project(base, started, used_by)
    reached = (
        frozenset().union(*(r.reach for r in result.attribution.roots))
        if result.roots_from == "declared"
        else None
    )
    extra = tuple(recommend(scan, graph, reached=reached))
    tooling = image_recommendation(result) if settings.image else None
    extra += (tooling,) if tooling else ()
    wrong = wrong_env(result)
    notes = result.notes + ((wrong,) if wrong else ())
    return _replace(result, recommendations=result.recommendations + extra, notes=notes)


def _fallback(base: Analysis, notes: tuple[str, ...]) -> Analysis:
    from depsize.attribute import attribute, default_roots

    roots = tuple(default_roots(base.graph))
    return _replace(
        base,
        roots=roots,
        roots_from="unrequired",
        attribution=attribute(base.scan, base.graph, roots),
        notes=base.notes + notes,
    )


def _replace(analysis: Analysis, **changes: object) -> Analysis:
    from dataclasses import replace

    return replace(analysis, **changes)  # type: ignore[arg-type]


def _judged(
    declared: DeclaredSet, groups: tuple[str, ...], installed: Collection[NormalizedName]
) -> tuple[DeclaredRequirement, ...]:
    return declared.judged(frozenset(groups), installed)


def _check_groups(declared: DeclaredSet, groups: tuple[str, ...]) -> None:
    """``--group``/``groups =`` must name groups the project declares."""
    known = sorted(
        {r.group for r in declared.requirements} | {g for g, _ in declared.group_includes}
    )
    unknown = [g for g in groups if g not in known]
    if unknown:
        listed = ", ".join(known) if known else "no groups (it declares no requirements)"
        raise InputError(f"unknown group {unknown[0]!r}; this project declares: {listed}")


def _named_by_project(search: UsedBy, files: tuple[Path, ...]) -> UsedBy:
    """``search`` where a library function nothing else calls is called when the project's
    files name it (outside the memo: the answer depends on the project)."""
    from depsize.usedby.calls import with_project_calls

    return lambda candidates, starts: with_project_calls(search(candidates, starts), files)


def _with_project(
    base: Analysis, started: StartedImports, used_by: UsedBy | None = None
) -> Analysis:
    from depsize.mapping import ImportMapper
    from depsize.requirements import load_declared

    settings = base.settings
    declared = load_declared(
        settings.project, settings.requirements, allow_outside=settings.allow_outside
    )
    _check_groups(declared, settings.groups)
    judged = _judged(declared, settings.groups, base.scan.dists)
    mapper = ImportMapper(base.scan.dists, settings.mapping)
    if judged:
        _load_judging()  # while the project's files are scanned on a pool
    imports = _imports(base, mapper, started)
    warnings = base.warnings + declared.warnings + imports.warnings
    if not judged:
        note = "the project declares no requirements: roots are the distributions nothing requires"
        return _replace(
            _fallback(base, (note,)), declared=declared, imports=imports, warnings=warnings
        )
    from depsize.env.cache import default_cache_dir
    from depsize.join import join_env  # the judging stages: only for declared requirements
    from depsize.usedby import find_dependency_uses
    from depsize.usedby.memo import memoised
    from depsize.verdicts import JudgeInput, judge, removal_recommendation

    cache_dir = default_cache_dir() if settings.use_cache else None
    uses = join_env(imports, base.scan.dists, mapper, cache_dir=cache_dir, env_token=base.env_token)
    judged_names = {r.name for r in judged}
    own = declared.project_name
    elsewhere = tuple(
        r for r in declared.requirements if r.name not in judged_names and r.name != own
    )
    declared_names = {r.name for r in declared.requirements}

    def resolve(site: ImportSite) -> tuple[NormalizedName, ...]:
        return mapper.providers(site.candidates(), declared_names)

    def hint(module: str) -> str | None:
        return ", ".join(mapper.map((module,)).dists) or None

    judgement = judge(
        JudgeInput(
            declared=judged,
            scan=base.scan,
            graph=base.graph,
            marker_env=base.scan.env.marker_environment(),
            imports=imports,
            uses=uses,
            resolve=resolve,
            hint=hint,
            ignore=settings.ignore,
            unreadable_files=len(
                {w.file for w in imports.warnings if w.file is not None}
                - set(imports.lenient_files)
            ),
            locked=declared.locked,
            elsewhere=elsewhere,
            project_name=declared.project_name,
            used_by=_named_by_project(
                used_by
                or memoised(
                    partial(find_dependency_uses, base.scan, base.graph, jobs=settings.jobs),
                    base.env_token,
                    default_cache_dir(),
                ),
                imports.files,
            ),
        )
    )
    removal = removal_recommendation(judgement, base.scan.total_bytes)
    return _replace(
        base,
        roots=judgement.roots,
        roots_from="declared",
        attribution=judgement.attribution,
        declared=declared,
        judged=judged,
        imports=imports,
        judgement=judgement,
        warnings=warnings,
        recommendations=(removal,) if removal else (),
    )


def _load_judging() -> None:
    """Import the judging stages (only a project with declared requirements needs them)."""
    import depsize.join
    import depsize.usedby
    import depsize.usedby.memo
    import depsize.verdicts  # noqa: F401


def _imports(base: Analysis, mapper: ImportMapper, started: StartedImports) -> ProjectImports:
    from depsize.imports import analyze_imports

    settings = base.settings
    return analyze_imports(
        settings.project,
        base.scan.env.python_minor,
        entries=settings.entries,
        importable=mapper.is_installed,
        started=started,
    )
