"""``--format json``: a versioned, documented schema (``docs/schema.json``, ``docs/json.md``).

Keys are stable; ``schema_version`` is bumped on any breaking change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from depsize import __version__
from depsize.analyze import Analysis
from depsize.check import CheckResult, Outcome
from depsize.evidence import Evidence
from depsize.models import REPORT_SCHEMA_VERSION
from depsize.recommend import Recommendation
from depsize.report.safe import clean
from depsize.report.view import project_relative, site_relative
from depsize.requirements.model import DeclaredRequirement
from depsize.undeclared import DeclaredElsewhere, Undeclared
from depsize.unreached import own_bytes, split_unreached
from depsize.verdicts import Verdict

SCHEMA_VERSION = REPORT_SCHEMA_VERSION


def _path(path: Path | None, project: Path) -> str | None:
    return None if path is None else project_relative(path, project)


def _evidence(items: tuple[Evidence, ...], project: Path) -> list[dict[str, Any]]:
    return [
        {
            "file": _path(e.file, project),
            "line": e.line,
            "text": e.text,
            "kind": e.kind,
            "scope": e.scope,
        }
        for e in items
    ]


def _declaration(req: DeclaredRequirement, project: Path, lock: bool) -> dict[str, Any]:
    return {
        "file": _path(req.source, project),
        "line": req.line,
        "end_line": req.end_line,
        "group": req.group,
        "specifier": req.specifier,
        "raw": req.raw,
        "lock": lock,
    }


def _verdict(v: Verdict, project: Path, locks: frozenset[Path]) -> dict[str, Any]:
    req, sizes = v.requirement, v.sizes
    return {
        "name": req.name,
        "display_name": req.display_name,
        "specifier": req.specifier,
        "extras": sorted(req.extras),
        "marker": req.marker,
        "group": req.group,
        "source": {"file": _path(req.source, project), "line": req.line, "end_line": req.end_line},
        "sources": [_declaration(r, project, r.source in locks) for r in v.declarations],
        "raw": req.raw,
        "status": v.status,
        "pin": v.pin,
        "ignored": v.ignored,
        "evidence_complete": v.evidence_complete,
        "confidence": v.confidence,
        "confidence_reason": v.confidence_reason,
        "installed_version": v.version,
        "required_by": list(v.required_by),
        "evidence": _evidence(v.evidence, project),
        "own_bytes": sizes.own if sizes else 0,
        "closure_bytes": sizes.closure if sizes else 0,
        "exclusive_bytes": sizes.exclusive if sizes else 0,
        "share_bytes": sizes.share if sizes else 0,
    }


def _undeclared(u: Undeclared, project: Path) -> dict[str, Any]:
    first = u.evidence[0] if u.evidence else None
    return {
        "module": u.module,
        "file": _path(first.file, project) if first else None,
        "line": first.line if first else None,
        "installed": u.installed,
        "dists": list(u.dists),
        "required_by": list(u.required_by),
        "hint": u.hint,
        "evidence": _evidence(u.evidence, project),
    }


def _elsewhere(e: DeclaredElsewhere, project: Path) -> dict[str, Any]:
    return {
        "module": e.module,
        "dists": list(e.dists),
        "declared_in": list(e.declared_in),
        "installed": e.installed,
        "evidence": _evidence(e.evidence, project),
    }


def _declarations(analysis: Analysis) -> dict[str, Any]:
    declared, project = analysis.declared, analysis.settings.project
    locks = declared.locks if declared else ()
    return {
        "locks": [
            {
                "file": _path(lock.path, project),
                "reason": lock.reason,
                "generated_from": [_path(p, project) for p in lock.generated_from],
                "note": lock.note,
            }
            for lock in locks
        ],
        "dev_files": [
            {"file": _path(s.path, project), "reason": s.group_reason}
            for s in (declared.sources if declared else ())
            if s.group_reason
        ],
        "project_itself": [
            {"file": _path(r.source, project), "line": r.line, "raw": r.raw}
            for r in (declared.self_references if declared else ())
        ],
    }


def _recommendation(r: Recommendation) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "title": r.title,
        "bytes": r.bytes,
        "detail": r.detail,
        "names": list(r.names),
        "fix": r.fix,
        "before_bytes": r.before,
        "after_bytes": r.after,
    }


def _env(analysis: Analysis) -> dict[str, Any]:
    scan = analysis.scan
    env = scan.env
    unreached = split_unreached(analysis)
    return {
        "path": str(env.prefix) if env.prefix else None,
        "site_packages": [str(p) for p in env.site_packages],
        "python": env.python_version,
        "found_by": env.how_found,
        "note": env.note,
        "size_unit": "disk_usage" if scan.disk_usage else "apparent",
        "total_bytes": scan.total_bytes,
        "unowned_bytes": scan.unowned_bytes,
        "unowned_files": len(scan.unowned_files),
        "extraneous_bytes": own_bytes(analysis, unreached.extraneous),
        "installer_tooling_bytes": own_bytes(analysis, unreached.tooling),
        "project_bytes": own_bytes(analysis, unreached.project),
    }


def _summary(analysis: Analysis) -> dict[str, Any]:
    judgement = analysis.judgement
    statuses: dict[str, int] = {}
    for verdict in judgement.verdicts if judgement else ():
        statuses[verdict.status] = statuses.get(verdict.status, 0) + 1
    return {
        "declared": len(judgement.verdicts) if judgement else 0,
        "statuses": statuses,
        "removable": list(judgement.removable) if judgement else [],
        "removable_freed_bytes": judgement.removable_freed if judgement else 0,
        "removable_exclusive_sum_bytes": judgement.removable_exclusive_sum if judgement else 0,
        "entry_points_found": bool(analysis.imports and analysis.imports.entry_found),
        "dead_modules": list(analysis.imports.dead_modules) if analysis.imports else [],
        "open_loading": [
            {"file": _path(s.file, analysis.settings.project), "line": s.line, "what": s.what}
            for s in (analysis.imports.open_loading if analysis.imports else ())
        ],
    }


def _unreached(analysis: Analysis) -> dict[str, Any]:
    """Distributions no root reaches: extraneous, installer tooling, the project itself."""
    unreached, dists = split_unreached(analysis), analysis.scan.dists
    return {
        key: [{"name": n, "own_bytes": dists[n].own_bytes} for n in names]
        for key, names in (
            ("extraneous", unreached.extraneous),
            ("installer_tooling", unreached.tooling),
            ("project_distributions", unreached.project),
        )
    }


def to_data(analysis: Analysis) -> dict[str, Any]:
    """The JSON document as plain data."""
    scan, attribution, project = analysis.scan, analysis.attribution, analysis.settings.project
    judgement = analysis.judgement
    declared = analysis.declared
    locks = (
        frozenset(lock.path for lock in declared.locks if lock.generated_from)
        if declared
        else frozenset()
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "depsize_version": __version__,
        "project": str(project),
        "env": _env(analysis),
        "summary": _summary(analysis),
        "roots_from": analysis.roots_from,
        "roots": [
            {
                "name": r.root.name,
                "extras": sorted(r.root.extras),
                "own_bytes": r.own,
                "closure_bytes": r.closure,
                "exclusive_bytes": r.exclusive,
                "share_bytes": r.share,
                "closure": sorted(r.reach),
            }
            for r in attribution.roots
        ],
        "requirements": (
            [_verdict(v, project, locks) for v in judgement.verdicts] if judgement else []
        ),
        "undeclared": [_undeclared(u, project) for u in judgement.undeclared] if judgement else [],
        "declared_elsewhere": (
            [_elsewhere(e, project) for e in judgement.elsewhere] if judgement else []
        ),
        "declarations": _declarations(analysis),
        "distributions": [
            {
                "name": d.name,
                "display_name": d.display_name,
                "version": d.version,
                "own_bytes": d.own_bytes,
                "file_count": d.file_count,
                "requires": list(analysis.graph.requires(d.name)),
                "import_names": list(d.import_names),
                "editable": d.editable,
                "files_from": d.files_source,
                "installer": d.installer,
            }
            for d in scan.dists.values()
        ],
        **_unreached(analysis),
        "missing_dependencies": [
            {"required_by": m.source, "requirement": m.requirement, "name": m.target}
            for m in analysis.graph.missing
        ],
        "conflicts": [
            {"path": site_relative(c.path, analysis), "owners": list(c.owners), "bytes": c.size}
            for c in scan.conflicts
        ],
        "recommendations": [_recommendation(r) for r in analysis.recommendations],
        "notes": list(analysis.notes),
        "warnings": [
            {"file": str(w.file) if w.file else None, "line": w.line, "message": w.message}
            for w in analysis.warnings
        ],
    }


def render(analysis: Analysis) -> str:
    """The report as JSON text: every string made visible (:func:`~depsize.report.safe.clean`:
    a file name that is not UTF-8 shows its bytes as ``\\xe9``), non-ASCII as ``\\u`` escapes."""
    return json.dumps(clean(to_data(analysis)), indent=2) + "\n"


def _outcome_data(outcome: Outcome) -> dict[str, Any]:
    return {
        "budget": outcome.budget,
        "passed": outcome.passed,
        "measured": outcome.measured,
        "limit": outcome.limit,
        "message": outcome.message,
        "label": outcome.label,
        "contributors": [
            {"name": c.name, "bytes": c.bytes, "file": c.file, "line": c.line, "detail": c.detail}
            for c in outcome.contributors
        ],
    }


def check_to_json(result: CheckResult) -> str:
    """``depsize check --format json``: every budget with its exact figures, and the notes."""
    data = {
        "failed": result.failed,
        "exit_code": result.exit_code,
        "violations": [_outcome_data(o) for o in result.violations],
        "passed": [_outcome_data(o) for o in result.passed],
        "notes": list(result.notes),
    }
    return json.dumps(clean(data), indent=2) + "\n"
