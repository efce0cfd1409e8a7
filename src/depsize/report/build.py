"""An :class:`~depsize.analyze.Analysis` as a :class:`~depsize.report.document.ReportDocument`.

Paths are made relative to the project (files above it start with ``../``, installed files are
``site-packages/<dist>/…``) so a report reads the same on every machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import NormalizedName

from depsize import __version__
from depsize.analyze import Analysis
from depsize.recommend import Recommendation
from depsize.report.document import (
    ConflictRow,
    Declaration,
    Declarations,
    DevFileRow,
    DistRow,
    ElsewhereRow,
    EnvInfo,
    EvidenceRow,
    LockRow,
    MissingRow,
    NamedBytes,
    OpenLoading,
    RecommendationRow,
    ReportDocument,
    RequirementRow,
    RootRow,
    SelfReference,
    Source,
    Summary,
    UndeclaredRow,
    WarningRow,
)
from depsize.report.view import project_relative, site_relative
from depsize.requirements.model import DeclaredRequirement
from depsize.unreached import own_bytes, split_unreached

if TYPE_CHECKING:
    from depsize.evidence import Evidence
    from depsize.undeclared import DeclaredElsewhere, Undeclared
    from depsize.verdicts import Verdict


def _path(path: Path | None, project: Path) -> str | None:
    return None if path is None else project_relative(path, project)


def _evidence(items: tuple[Evidence, ...], project: Path) -> tuple[EvidenceRow, ...]:
    return tuple(
        EvidenceRow(
            file=_path(e.file, project), line=e.line, text=e.text, kind=e.kind, scope=e.scope
        )
        for e in items
    )


def _declaration(req: DeclaredRequirement, project: Path, lock: bool) -> Declaration:
    return Declaration(
        file=_path(req.source, project),
        line=req.line,
        end_line=req.end_line,
        group=req.group,
        specifier=req.specifier,
        raw=req.raw,
        lock=lock,
    )


def _requirement(v: Verdict, project: Path, locks: frozenset[Path]) -> RequirementRow:
    req, sizes = v.requirement, v.sizes
    return RequirementRow(
        name=req.name,
        display_name=req.display_name,
        specifier=req.specifier,
        extras=tuple(sorted(req.extras)),
        marker=req.marker,
        group=req.group,
        source=Source(file=_path(req.source, project), line=req.line, end_line=req.end_line),
        sources=tuple(_declaration(r, project, r.source in locks) for r in v.declarations),
        raw=req.raw,
        status=v.status,
        pin=v.pin,
        ignored=v.ignored,
        evidence_complete=v.evidence_complete,
        confidence=v.confidence,
        confidence_reason=v.confidence_reason,
        installed_version=v.version,
        required_by=tuple(v.required_by),
        evidence=_evidence(v.evidence, project),
        own_bytes=sizes.own if sizes else 0,
        closure_bytes=sizes.closure if sizes else 0,
        exclusive_bytes=sizes.exclusive if sizes else 0,
        share_bytes=sizes.share if sizes else 0,
        closure=tuple(sorted(sizes.reach)) if sizes else (),
    )


def _undeclared(u: Undeclared, project: Path) -> UndeclaredRow:
    first = u.evidence[0] if u.evidence else None
    return UndeclaredRow(
        module=u.module,
        file=_path(first.file, project) if first else None,
        line=first.line if first else None,
        installed=u.installed,
        dists=tuple(u.dists),
        required_by=tuple(u.required_by),
        hint=u.hint,
        evidence=_evidence(u.evidence, project),
    )


def _elsewhere(e: DeclaredElsewhere, project: Path) -> ElsewhereRow:
    return ElsewhereRow(
        module=e.module,
        dists=tuple(e.dists),
        declared_in=tuple(e.declared_in),
        installed=e.installed,
        evidence=_evidence(e.evidence, project),
    )


def _declarations(analysis: Analysis) -> Declarations:
    declared, project = analysis.declared, analysis.settings.project
    if declared is None:
        return Declarations()
    return Declarations(
        locks=tuple(
            LockRow(
                file=_path(lock.path, project),
                reason=lock.reason,
                generated_from=tuple(_path(p, project) for p in lock.generated_from),
                note=lock.note,
            )
            for lock in declared.locks
        ),
        dev_files=tuple(
            DevFileRow(file=_path(s.path, project), reason=s.group_reason)
            for s in declared.sources
            if s.group_reason
        ),
        project_itself=tuple(
            SelfReference(file=_path(r.source, project), line=r.line, raw=r.raw)
            for r in declared.self_references
        ),
    )


def _recommendation(r: Recommendation) -> RecommendationRow:
    return RecommendationRow(
        kind=r.kind,
        title=r.title,
        bytes=r.bytes,
        detail=r.detail,
        names=tuple(r.names),
        fix=r.fix,
        before_bytes=r.before,
        after_bytes=r.after,
    )


def _env(analysis: Analysis) -> EnvInfo:
    scan = analysis.scan
    env = scan.env
    unreached = split_unreached(analysis)
    return EnvInfo(
        path=str(env.prefix) if env.prefix else None,
        site_packages=tuple(str(p) for p in env.site_packages),
        python=env.python_version,
        found_by=env.how_found,
        note=env.note,
        size_unit="disk_usage" if scan.disk_usage else "apparent",
        total_bytes=scan.total_bytes,
        unowned_bytes=scan.unowned_bytes,
        unowned_files=len(scan.unowned_files),
        extraneous_bytes=own_bytes(analysis, unreached.extraneous),
        installer_tooling_bytes=own_bytes(analysis, unreached.tooling),
        project_bytes=own_bytes(analysis, unreached.project),
    )


def _summary(analysis: Analysis) -> Summary:
    judgement, imports, project = analysis.judgement, analysis.imports, analysis.settings.project
    statuses: dict[str, int] = {}
    for verdict in judgement.verdicts if judgement else ():
        statuses[verdict.status] = statuses.get(verdict.status, 0) + 1
    return Summary(
        declared=len(judgement.verdicts) if judgement else 0,
        statuses=statuses,
        removable=tuple(judgement.removable) if judgement else (),
        removable_freed_bytes=judgement.removable_freed if judgement else 0,
        removable_exclusive_sum_bytes=judgement.removable_exclusive_sum if judgement else 0,
        entry_points_found=bool(imports and imports.entry_found),
        dead_modules=tuple(imports.dead_modules) if imports else (),
        open_loading=tuple(
            OpenLoading(file=_path(s.file, project), line=s.line, what=s.what)
            for s in (imports.open_loading if imports else ())
        ),
    )


def _named(analysis: Analysis, names: tuple[NormalizedName, ...]) -> tuple[NamedBytes, ...]:
    dists = analysis.scan.dists
    return tuple(NamedBytes(name=n, own_bytes=dists[n].own_bytes) for n in names)


def _roots(analysis: Analysis) -> tuple[RootRow, ...]:
    return tuple(
        RootRow(
            name=r.root.name,
            extras=tuple(sorted(r.root.extras)),
            own_bytes=r.own,
            closure_bytes=r.closure,
            exclusive_bytes=r.exclusive,
            share_bytes=r.share,
            closure=tuple(sorted(r.reach)),
        )
        for r in analysis.attribution.roots
    )


def _distributions(analysis: Analysis) -> tuple[DistRow, ...]:
    return tuple(
        DistRow(
            name=d.name,
            display_name=d.display_name,
            version=d.version,
            own_bytes=d.own_bytes,
            file_count=d.file_count,
            requires=analysis.graph.requires(d.name),
            import_names=tuple(d.import_names),
            editable=d.editable,
            files_from=d.files_source,
            installer=d.installer,
        )
        for d in analysis.scan.dists.values()
    )


def build_document(analysis: Analysis) -> ReportDocument:
    """The report of *analysis*: what ``depsize scan --format json`` writes."""
    project, judgement, declared = analysis.settings.project, analysis.judgement, analysis.declared
    locks = frozenset(
        lock.path for lock in (declared.locks if declared else ()) if lock.generated_from
    )
    unreached = split_unreached(analysis)
    return ReportDocument(
        depsize_version=__version__,
        project=str(project),
        env=_env(analysis),
        summary=_summary(analysis),
        roots_from=analysis.roots_from,
        roots=_roots(analysis),
        requirements=tuple(
            _requirement(v, project, locks) for v in (judgement.verdicts if judgement else ())
        ),
        undeclared=tuple(
            _undeclared(u, project) for u in (judgement.undeclared if judgement else ())
        ),
        declared_elsewhere=tuple(
            _elsewhere(e, project) for e in (judgement.elsewhere if judgement else ())
        ),
        declarations=_declarations(analysis),
        distributions=_distributions(analysis),
        extraneous=_named(analysis, unreached.extraneous),
        installer_tooling=_named(analysis, unreached.tooling),
        project_distributions=_named(analysis, unreached.project),
        missing_dependencies=tuple(
            MissingRow(required_by=m.source, requirement=m.requirement, name=m.target)
            for m in analysis.graph.missing
        ),
        conflicts=tuple(
            ConflictRow(path=site_relative(c.path, analysis), owners=tuple(c.owners), bytes=c.size)
            for c in analysis.scan.conflicts
        ),
        recommendations=tuple(_recommendation(r) for r in analysis.recommendations),
        notes=tuple(analysis.notes),
        warnings=tuple(
            WarningRow(file=str(w.file) if w.file else None, line=w.line, message=w.message)
            for w in analysis.warnings
        ),
    )
