"""``depsize check`` as text (a line per budget and a verdict line) and as JSON data."""

from __future__ import annotations

import json
from pathlib import Path

from depsize.check.model import CheckResult, Outcome
from depsize.report.document import ReportDocument


def _contributors(outcome: Outcome, limit: int = 10) -> str:
    shown = [c.describe() for c in outcome.contributors[:limit]]
    if len(outcome.contributors) > limit:
        shown.append(f"… and {len(outcome.contributors) - limit} more")
    return f"; {outcome.label}: " + ", ".join(shown) if shown else ""


def measured(document: ReportDocument) -> str:
    """What was measured, as the verdict line says it: the env (relative to the project when
    inside it), its Python and how it was found."""
    env = document.env
    path = env.path or (env.site_packages[0] if env.site_packages else "?")
    project = Path(document.project).resolve()
    try:
        shown = Path(path).resolve().relative_to(project).as_posix()
    except (ValueError, OSError):
        shown = path
    return f"measured {shown} (Python {env.python}, found by {env.found_by})"


def render(result: CheckResult, *, measured: str | None = None) -> str:
    """Plain lines: one ``ok``/``FAIL`` line per budget, notes, then the verdict line, which
    says what was *measured* when given."""
    lines = [f"ok   {o.message}" for o in result.passed]
    lines += [f"FAIL {o.message}{_contributors(o)}" for o in result.violations]
    lines += [f"note {note}" for note in result.notes]
    total = len(result.passed) + len(result.violations)
    if result.failed:
        lines.append(f"depsize check: {len(result.violations)} of {total} budgets broken")
    elif not total:
        lines.append("depsize check: no budget checked")
    else:
        lines.append(f"depsize check: all {total} budgets met")
    if measured:
        lines[-1] += f"; {measured}"
    return "\n".join(lines) + "\n"


def _outcome_data(outcome: Outcome) -> dict[str, object]:
    contributors = [
        {"name": c.name, "bytes": c.bytes, "file": c.file, "line": c.line, "detail": c.detail}
        for c in outcome.contributors
    ]
    return {
        "budget": outcome.budget,
        "passed": outcome.passed,
        "measured": outcome.measured,
        "limit": outcome.limit,
        "message": outcome.message,
        "label": outcome.label,
        "contributors": contributors,
    }


def render_json(result: CheckResult) -> str:
    """``depsize check --format json``: every budget with its exact figures, and the notes."""
    data = {
        "failed": result.failed,
        "exit_code": result.exit_code,
        "violations": [_outcome_data(o) for o in result.violations],
        "passed": [_outcome_data(o) for o in result.passed],
        "notes": list(result.notes),
    }
    return json.dumps(data, indent=2) + "\n"
