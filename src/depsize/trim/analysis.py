"""A trim plan from an :class:`~depsize.analyze.Analysis`."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from depsize.errors import InputError
from depsize.trim.lines import select_removals
from depsize.trim.model import DEFAULT_REMOVE, Addition, CpuTorch, TrimPlan
from depsize.trim.plan import plan_trim
from depsize.trim.show import shown_path

if TYPE_CHECKING:
    from depsize.analyze import Analysis

_RUNTIME_KINDS = ("runtime", "dynamic")


def additions_from(analysis: Analysis) -> tuple[list[Addition], list[str]]:
    """Undeclared imports to declare (``--add-missing``): those live code imports at run time
    and exactly one installed distribution provides, pinned to its version; notes for the rest."""
    judgement = analysis.judgement
    additions: list[Addition] = []
    notes: list[str] = []
    for missing in judgement.undeclared if judgement else ():
        live = [e for e in missing.evidence if e.scope == "live" and e.kind in _RUNTIME_KINDS]
        dists = [analysis.scan.dists[n] for n in missing.dists if n in analysis.scan.dists]
        reason = None
        if not live:
            reason = "not imported at run time by live code"
        elif len(dists) != 1:
            reason = "not installed" if not dists else f"provided by {', '.join(missing.dists)}"
        if reason is not None:
            notes.append(f"--add-missing: {missing.module} not added ({reason})")
            continue
        site = live[0]
        where = shown_path(site.file, analysis.settings.project) if site.file else "?"
        additions.append(
            Addition(
                dists[0].display_name, dists[0].version, missing.module, f"{where}:{site.line}"
            )
        )
    return additions, notes


def plan_from_analysis(
    analysis: Analysis,
    *,
    remove: Collection[str] = DEFAULT_REMOVE,
    keep: Iterable[str] = (),
    include_likely: bool = False,
    comments: bool = True,
    cpu_torch: bool = False,
    add_missing: bool = False,
) -> TrimPlan:
    """The trim plan for an analysed project, with the bytes the summary needs measured."""
    from depsize.attribute import freed

    declared, judgement = analysis.declared, analysis.judgement
    if declared is None or judgement is None:
        raise InputError("declares no requirements to trim", analysis.settings.project)
    additions, notes = additions_from(analysis) if add_missing else ([], [])
    cpu = _cpu_torch(analysis) if cpu_torch else None
    if cpu_torch and cpu is None:
        notes.append("--cpu-torch: the environment holds no CUDA payload; nothing to change")
    removals = select_removals(judgement, remove, keep, include_likely=include_likely)
    notes += _kept_notes(analysis, {r.requirement.name for r in removals})
    roots = judgement.roots
    reach = analysis.graph.reach(s for root in roots for s in root.states())
    reachable = sum(analysis.scan.dists[n].own_bytes for n in reach if n in analysis.scan.dists)
    plan = plan_trim(
        declared,
        removals,
        comments=comments,
        additions=additions,
        cpu_torch=cpu,
        project=analysis.settings.project,
        reachable_bytes=reachable,
        freed_bytes=lambda names: freed(analysis.scan, analysis.graph, roots, names)[0],
    )
    return replace(plan, notes=plan.notes + tuple(notes))


def _kept_notes(analysis: Analysis, removed: Collection[str]) -> list[str]:
    """The dev-group lines a removal leaves, because tests import the name."""
    judgement = analysis.judgement
    project = analysis.settings.project
    return [
        f"{shown_path(req.source, project)}:{req.line}: {req.display_name} kept in group "
        f"{req.group}: tests import it"
        for verdict in (judgement.verdicts if judgement else ())
        if verdict.requirement.name in removed
        for req in verdict.kept
    ]


def _cpu_torch(analysis: Analysis) -> CpuTorch | None:
    for recommendation in analysis.recommendations:
        if recommendation.kind == "gpu-payload" and recommendation.bytes:
            return CpuTorch(recommendation.bytes)
    return None
