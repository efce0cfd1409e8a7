"""``depsize check``: size and hygiene budgets, for CI."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from depsize.commands.common import (
    analyze_with_progress,
    handle_errors,
    locate_project,
    settings_for,
    shown,
)
from depsize.commands.options import EPILOG, env_options, project_options
from depsize.errors import InputError

if TYPE_CHECKING:
    from depsize.analyze import Analysis
    from depsize.check.model import CheckResult
    from depsize.report.document import ReportDocument


CHECK_HELP = """Fail (exit 1) when the environment breaks a size or hygiene budget.

Budgets come from the flags and from [tool.depsize.check] in pyproject.toml
(flags win). Sizes accept SI and IEC units: 500MB, 1.5GiB, 120000000. Every
broken budget is listed with its measured value, its limit and the top
contributors (with the requirement's file:line). Under GitHub Actions the
requirement lines at fault get ::error annotations and a summary is appended to
$GITHUB_STEP_SUMMARY. See docs/check.md.
"""


@click.command(help=CHECK_HELP, epilog=EPILOG)
@click.argument(
    "project", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@env_options
@project_options
@click.option("--max-total", help="Budget for the whole environment (e.g. 500MB).")
@click.option("--max-dist", multiple=True, help="NAME=SIZE ceiling for one distribution.")
@click.option("--max-dist-default", help="Ceiling for every distribution's own size.")
@click.option(
    "--max-requirement", multiple=True, help="NAME=SIZE ceiling for a requirement's closure."
)
@click.option("--max-requirement-default", help="Ceiling for every requirement's closure.")
@click.option("--max-unused", type=int, help="Most requirements allowed with a counted status.")
@click.option(
    "--count",
    multiple=True,
    help="Statuses --max-unused counts (comma-separated; default unused,dead-code-only; "
    "'undeclared' counts undeclared imports).",
)
@click.option(
    "--count-likely/--no-count-likely",
    default=None,
    help="Also count verdicts of confidence 'likely' (default: only 'certain' ones).",
)
@click.option("--max-growth", help="Allowed growth over --baseline: a size (50MB) or 10%.")
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A JSON report written earlier by `depsize scan --format json`.",
)
@click.option(
    "--update-baseline",
    is_flag=True,
    help="Write the current report to --baseline (atomically) when within budget.",
)
@click.option(
    "--fail-on-warnings/--no-fail-on-warnings",
    default=None,
    help="Also fail when an input could not be read (e.g. a malformed requirement).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "github"]),
    default="text",
    show_default=True,
    help="text: a line per budget; json: the outcome as data; markdown: the step summary; "
    "github: text plus ::error annotations (added to text under GitHub Actions anyway).",
)
@click.option(
    "--lock",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Check the set a lock file resolves (uv.lock, poetry.lock, pylock.toml, pip's report, "
    "pinned requirements) before anything is installed, as `depsize plan` sizes it.",
)
@click.option("--binary-units", is_flag=True, help="Sizes in KiB, MiB, GiB instead of kB, MB, GB.")
@handle_errors
def check(project: Path | None, **options: Any) -> None:
    from depsize import units
    from depsize.check.policy import CheckOptions
    from depsize.check.run import check_analysis, validate_request

    lock = options.pop("lock")
    project = locate_project(project, options)
    names = CheckOptions.__dataclass_fields__
    flags = CheckOptions(**{k: options.pop(k) for k in list(options) if k in names})
    fmt, binary = options.pop("fmt"), bool(options.pop("binary_units"))
    update = bool(options.pop("update_baseline"))
    with units.binary_units(binary):
        settings = settings_for(project, check=flags, **options)
        validate_request(settings.policy, update_baseline=update)  # before the scan
        analysis = analyze_with_progress(settings) if lock is None else _planned(lock)
        document, result = check_analysis(analysis, settings.policy, update_baseline=update)
        _write_check(project, fmt, result, document)
    sys.exit(result.exit_code)


def _planned(lock: Path) -> Analysis:
    """``check --lock``: the lock's planned set for this interpreter and platform, from the
    index pip is configured with; a size that cannot be read is an error, never a pass."""
    from depsize.plan.build import PlanOptions, plan_cache_dir
    from depsize.plan.build import plan as make_plan
    from depsize.plan.render import plan_analysis
    from depsize.plan.target import parse_target

    planned = make_plan(
        lock, PlanOptions(target=parse_target(None, None), cache_dir=plan_cache_dir())
    )
    for warning in planned.warnings:
        click.echo(shown(f"depsize: warning: {warning}"), err=True)
    if planned.errors or planned.partial:
        unknown = len(planned.errors) + len(planned.unknown)
        raise InputError(f"{unknown} installed sizes unknown; no budget was checked", lock)
    return plan_analysis(planned)


def _write_check(project: Path, fmt: str, result: CheckResult, document: ReportDocument) -> None:
    from depsize.check import github, text

    on_actions = github.github_actions_enabled(os.environ)
    if fmt == "json":
        click.echo(text.render_json(result), nl=False)
    elif fmt == "markdown":
        click.echo(github.step_summary_markdown(result, document), nl=False)
    else:
        click.echo(shown(text.render(result, measured=text.measured(document))), nl=False)
    if fmt == "github" or (fmt == "text" and on_actions):
        prefix = github.project_prefix(project, Path(os.environ.get("GITHUB_WORKSPACE", ".")))
        for line in github.annotations(result, prefix):
            click.echo(line)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if on_actions and summary:
        github.append_step_summary(summary, github.step_summary_markdown(result, document))
