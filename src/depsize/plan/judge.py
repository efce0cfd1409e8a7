"""Verdicts before installing: the project's requirements judged against a lock's planned set.

The plan's models stand in for a scanned environment (:class:`~depsize.analyze.GivenEnv`), so
the verdicts are ``scan``'s own: the project's imports, commands and plugins mapped to the planned
distributions (import names from the wheels' paths, entry points from their
``entry_points.txt``), then the same judge, attribution and recommendations. What the plan cannot
know is said, never guessed:

- the libraries' code is not read (no wheel is downloaded whole): a requirement nothing in the
  project uses, but that a used distribution's code could import, is ``likely``, not ``certain``
  (:data:`depsize.usedby.CODE_NOT_READ`); their metadata (requirements, extras) is read;
- a distribution whose wheel could not be read (sdist only, no wheel for the target, an error)
  has no import names or entry points: a removable verdict on it is ``likely`` too.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from packaging.utils import NormalizedName

from depsize.analyze import Analysis, GivenEnv, Settings, analyze
from depsize.errors import InputError
from depsize.graph import State
from depsize.plan.build import Plan, PlanOptions, make_resolver, plan
from depsize.plan.code import code_folder
from depsize.plan.http import Http
from depsize.plan.listing import PlanCache
from depsize.records import dataclass
from depsize.usedby import DependencyUses, find_dependency_uses

UsedBy = Callable[[frozenset[NormalizedName], frozenset[State]], DependencyUses]


@dataclass(frozen=True)
class PlannedAnalysis:
    plan: Plan
    analysis: Analysis


def unread_wheel(reason: str) -> str:
    """The doubt on a requirement whose wheel was not read."""
    return f"planned: its wheel was not read ({reason}): what it provides is unknown"


PLUGIN_NOT_READ = "planned: its pytest plugin modules were not read (the fixtures, markers and "
PLUGIN_NOT_READ += "options that would prove it used)"


def _unread_plugins(planned: Plan) -> dict[NormalizedName, str]:
    """pytest plugins: their modules say which fixtures and markers prove them used, and the
    import stage reads them from installed files only."""
    return {
        name: PLUGIN_NOT_READ
        for name, dist in planned.scan.dists.items()
        if any(ep.group == "pytest11" for ep in dist.entry_points)
    }


def planned_verdicts(
    settings: Settings, lock: Path, options: PlanOptions, *, read_code: bool = False
) -> PlannedAnalysis:
    """``analyze`` of the project in ``settings`` over the set ``lock`` resolves; with
    ``read_code``, the used distributions' library code is read from their wheels."""
    planned = plan(lock, options)
    unread = _unread_plugins(planned)
    unread |= {d.name: unread_wheel(d.reason or d.unknown or "") for d in planned.unknown}
    with tempfile.TemporaryDirectory(prefix="depsize-code-") as scratch:
        cache = PlanCache(options.cache_dir or Path(scratch))
        search = (
            _code_reader(planned, options, cache)
            if read_code
            else partial(find_dependency_uses, planned.scan, planned.graph, read_code=False)
        )

        def used_by(
            candidates: frozenset[NormalizedName], starts: frozenset[State]
        ) -> DependencyUses:
            found = search(candidates, starts)
            doubts = {**found.doubts, **{n: unread[n] for n in candidates if n in unread}}
            return replace(found, doubts=doubts)

        code = (
            "read from their wheels"
            if read_code
            else "not read, so the verdicts its absence decides are 'likely'"
        )
        note = f"verdicts on the set {lock} would install (planned): libraries' code {code}"
        given = GivenEnv(planned.scan, planned.graph, used_by=used_by, notes=(note,))
        analysis = analyze(settings, given)
    warnings = tuple(dict.fromkeys(planned.warnings + analysis.warnings))
    return PlannedAnalysis(planned, replace(analysis, warnings=warnings))


def _code_reader(planned: Plan, options: PlanOptions, cache: PlanCache) -> UsedBy:
    """The used-by-dependency pass over the reached distributions' code, read from their
    wheels (each once); a wheel whose code cannot be read leaves a doubt instead."""
    http = Http(timeout=options.timeout)
    resolver = make_resolver(planned.lock, planned.target, options, http)
    locked = {d.name: d for d in planned.lock.dists}
    minor = f"{planned.target.minor[0]}.{planned.target.minor[1]}"
    folders: dict[NormalizedName, Path | str] = {}

    def folder(name: NormalizedName) -> Path | str:
        """The folder of ``name``'s code, or why it could not be read."""
        if name not in folders:
            try:
                located = resolver.locate(locked[name]) if name in locked else None
                folders[name] = (
                    code_folder(*located, name, minor, http, cache)
                    if located is not None
                    else "no wheel for the target"
                )
            except InputError as exc:
                folders[name] = str(exc)
        return folders[name]

    def search(candidates: frozenset[NormalizedName], starts: frozenset[State]) -> DependencyUses:
        scan = planned.scan
        reached = {
            n for n, _ in planned.graph.reach_states(s for s in starts if s[0] in scan.dists)
        }
        dists = dict(scan.dists)
        unread: dict[NormalizedName, str] = {}
        for name in sorted(reached):
            where = folder(name)
            if isinstance(where, Path):
                meta = where / dists[name].metadata_dir.name
                dists[name] = replace(dists[name], site_packages=where, metadata_dir=meta)
            else:
                unread[name] = where
        with_code = replace(scan, dists=dists)
        found = find_dependency_uses(with_code, planned.graph, candidates, starts)
        doubts = {}
        for candidate in sorted(candidates):
            other = next((n for n in sorted(unread) if n != candidate), None)
            if other is not None:
                doubts[candidate] = (
                    f"planned: the code of {other} could not be read ({unread[other]})"
                )
        return replace(found, doubts={**doubts, **found.doubts})

    return search
