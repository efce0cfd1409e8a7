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

from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from packaging.utils import NormalizedName

from depsize.analyze import Analysis, GivenEnv, Settings, analyze
from depsize.graph import State
from depsize.plan.build import Plan, PlanOptions, plan
from depsize.usedby import DependencyUses, find_dependency_uses


@dataclass(frozen=True)
class PlannedAnalysis:
    plan: Plan
    analysis: Analysis


def unread_wheel(reason: str) -> str:
    """The doubt on a requirement whose wheel was not read."""
    return f"planned: its wheel was not read ({reason}): what it provides is unknown"


def planned_verdicts(settings: Settings, lock: Path, options: PlanOptions) -> PlannedAnalysis:
    """``analyze`` of the project in ``settings`` over the set ``lock`` resolves."""
    planned = plan(lock, options)
    unknown = {d.name: unread_wheel(d.reason or d.unknown or "") for d in planned.unknown}
    search = partial(find_dependency_uses, planned.scan, planned.graph, read_code=False)

    def used_by(candidates: frozenset[NormalizedName], starts: frozenset[State]) -> DependencyUses:
        found = search(candidates, starts)
        doubts = {**found.doubts, **{n: unknown[n] for n in candidates if n in unknown}}
        return replace(found, doubts=doubts)

    note = (
        f"verdicts on the set {lock} would install (planned, nothing installed): "
        "libraries' code not read, so verdicts that rest on it are 'likely'"
    )
    given = GivenEnv(planned.scan, planned.graph, used_by=used_by, notes=(note,))
    analysis = analyze(settings, given)
    warnings = tuple(dict.fromkeys(planned.warnings + analysis.warnings))
    return PlannedAnalysis(planned, replace(analysis, warnings=warnings))
