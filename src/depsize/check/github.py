"""GitHub Actions output for ``depsize check``: annotations and a job step summary.

(No ``from __future__ import annotations`` here: this module defines :func:`annotations`.)

Annotations are workflow commands (``::error file=…,line=…,title=…::message``) that GitHub
shows on the requirement lines at fault; the step summary is markdown appended to the file named
by ``$GITHUB_STEP_SUMMARY``. Everything here returns strings; only
:func:`append_step_summary` writes, and only to the path it is given.
"""

import posixpath
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from depsize.check.model import CheckResult, Outcome
from depsize.check.sizes import describe_size
from depsize.errors import InputError
from depsize.report.document import ReportDocument
from depsize.report.markdown import escape
from depsize.report.safe import visible, visible_lines


def github_actions_enabled(environ: Mapping[str, str]) -> bool:
    """True when running as a GitHub Actions step (``GITHUB_ACTIONS=true``)."""
    return environ.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """Escape a workflow command's message: ``%``, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value: as a message, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
    level: str = "error",
) -> str:
    """``::error file=requirements.txt,line=4,title=…::message``, every part escaped (and
    made visible first: :func:`~depsize.report.safe.visible`)."""
    props = []
    if file is not None:
        props.append(f"file={escape_property(visible(file))}")
        if line is not None:
            props.append(f"line={line}")
    if title is not None:
        props.append(f"title={escape_property(visible(title))}")
    head = f"{level} {','.join(props)}" if props else level
    return f"::{head}::{escape_data(visible_lines(message))}"


def project_prefix(project: Path, workspace: Path) -> str:
    """The project folder relative to the repository checkout, ``""`` when it is the root.

    Report paths are relative to the project; GitHub wants them relative to the repository.
    """
    try:
        relative = project.resolve().relative_to(workspace.resolve())
    except ValueError:
        return ""
    return relative.as_posix() if relative.parts else ""


def _path(file: str, prefix: str) -> str:
    if not prefix or PurePosixPath(file).is_absolute() or Path(file).is_absolute():
        return file
    return posixpath.normpath(posixpath.join(prefix, file))


MAX_ERRORS = 10
"""GitHub shows at most 10 error annotations of a step; the rest are summarised in one."""
_ONE_PER_CONTRIBUTOR = ("max-unused", "fail-on-warnings")
"""Budgets whose contributors are each a finding of their own (a requirement, a warning)."""


def _budget_command(violation: Outcome, prefix: str) -> str:
    """A size budget is one finding: one annotation on its first contributor's line that
    names the others, or without a file when no contributor has a line."""
    title = f"depsize check: {violation.budget}"
    at = next((c for c in violation.contributors if c.file is not None), None)
    if at is None:
        return workflow_command(violation.message, title=title)
    if violation.budget.startswith(("max-dist:", "max-requirement:")):
        message = f"{at.describe(where=False)}: {violation.message}"
    else:
        named = ", ".join(c.describe() for c in violation.contributors)
        message = f"{violation.message}; {violation.label}: {named}"
    assert at.file is not None
    return workflow_command(message, file=_path(at.file, prefix), line=at.line, title=title)


def _finding_commands(violation: Outcome, prefix: str) -> list[str]:
    """One annotation for each contributor that is a finding (a removable requirement, by
    the bytes it frees, largest first; a warning), on its first declaration's line."""
    title = f"depsize check: {violation.budget}"
    by_name = violation.budget == "max-unused"  # a requirement declared twice is one finding
    located = [c for c in violation.contributors if c.file is not None]
    first = {(c.name if by_name else c): c for c in reversed(located)}
    ranked = sorted(first.values(), key=lambda c: (-c.frees, violation.contributors.index(c)))
    commands = [
        workflow_command(
            f"{c.describe(where=False)}: {violation.message}",
            file=_path(c.file or "", prefix),
            line=c.line,
            title=title,
        )
        for c in ranked
    ]
    return commands or [workflow_command(violation.message, title=title)]


def annotations(result: CheckResult, prefix: str = "") -> list[str]:
    """One ``::error`` per distinct finding, the most important first: broken size budgets
    (one each, on the line of their largest contributor), then removable requirements by
    bytes, then warnings. Never more than :data:`MAX_ERRORS`: the rest are counted in one
    ``::warning`` that points at the step summary. *prefix* is prepended to relative paths
    (see :func:`project_prefix`). Duplicates are dropped, order is kept.
    """
    sized = [v for v in result.violations if v.budget not in _ONE_PER_CONTRIBUTOR]
    counted = sorted(
        (v for v in result.violations if v.budget in _ONE_PER_CONTRIBUTOR),
        key=lambda v: _ONE_PER_CONTRIBUTOR.index(v.budget),
    )
    commands = [_budget_command(v, prefix) for v in sized]
    commands += [c for v in counted for c in _finding_commands(v, prefix)]
    unique = list(dict.fromkeys(commands))
    if len(unique) <= MAX_ERRORS:
        return unique
    rest = len(unique) - MAX_ERRORS
    summary = workflow_command(
        f"{rest} more depsize findings are not annotated (GitHub shows {MAX_ERRORS} errors a "
        "step): see the job's step summary or the log",
        title="depsize check: more findings",
        level="warning",
    )
    return [*unique[:MAX_ERRORS], summary]


def _code(text: str) -> str:
    """A code span for a table cell (names and paths), fenced by more backticks than any run
    inside it; free text goes through :func:`~depsize.report.markdown.escape`."""
    text = visible(text).replace("\\", "\\\\").replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _environment_line(document: ReportDocument) -> str:
    env = document.env
    parts = [_code(env.path)] if env.path else []
    if env.python:
        parts.append(f"Python {env.python}")
    parts.append(f"total {describe_size(env.total_bytes)}")
    parts.append("disk usage" if env.size_unit == "disk_usage" else "apparent size")
    return "Environment: " + " · ".join(parts)


def _contributor_lines(violation: Outcome) -> list[str]:
    lines = [f"**{escape(violation.budget)}** — {escape(violation.label)}:", ""]
    for contributor in violation.contributors:
        where = f" — {_code(contributor.where)}" if contributor.where else ""
        lines.append(f"- {escape(contributor.describe(where=False))}{where}")
    return [*lines, ""]


def step_summary_markdown(result: CheckResult, document: ReportDocument) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: verdict, a table of budgets, contributors, notes."""
    total = len(result.violations) + len(result.passed)
    if result.failed:
        heading = f"## depsize check: ❌ {len(result.violations)} of {total} budgets broken"
    else:
        heading = f"## depsize check: ✅ all {total} budgets met"
    lines = [
        heading,
        "",
        _environment_line(document),
        "",
        "| result | budget | measured vs limit |",
    ]
    lines.append("|---|---|---|")
    for outcome in (*result.violations, *result.passed):
        mark = "✅ ok" if outcome.passed else "❌ FAIL"
        lines.append(f"| {mark} | {_code(outcome.budget)} | {escape(outcome.message)} |")
    lines.append("")
    for violation in result.violations:
        if violation.contributors:
            lines += _contributor_lines(violation)
    lines += [f"> {escape(note)}" for note in result.notes]
    return "\n".join(lines).rstrip("\n") + "\n"


def append_step_summary(path: str | Path, text: str) -> None:
    """Append *text* to the step summary file (GitHub creates it; we never truncate it)."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise InputError(f"cannot append to $GITHUB_STEP_SUMMARY ({exc})", Path(path)) from None
