"""``depsize plan``: the installed size of a resolved set before installing it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from depsize.commands.common import handle_errors, settings_for, shown
from depsize.commands.lock import READ_CODE_OPTION
from depsize.commands.options import EPILOG
from depsize.commands.scan import write_scan

if TYPE_CHECKING:
    from depsize.plan.build import Plan, PlanOptions


PLAN_HELP = (
    "Installed size of a resolved set before installing it: LOCK is a pylock.toml, uv.lock, "
    "poetry.lock, pip's `install --dry-run --report` JSON or a fully pinned requirements file. "
    "Each wheel's size comes from its zip directory (HTTP range reads, cached); attribution is "
    "the one `scan` computes. With --diff OLD NEW: what a change adds, removes or resizes."
)


@click.command(help=PLAN_HELP, epilog=EPILOG)
@click.argument("locks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--diff", "as_diff", is_flag=True, help="Compare two locks: OLD NEW.")
@click.option("--python-version", help="Target Python (e.g. 3.12). Default: this interpreter.")
@click.option(
    "--platform",
    help="Target wheel platform tag (linux_x86_64, manylinux_2_28_aarch64, macosx_14_0_arm64, "
    "win_amd64). Default: this machine.",
)
@click.option("--index-url", help="Simple index (default: PIP_INDEX_URL, pip config, PyPI).")
@click.option(
    "--find-links",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder of wheels to read before asking the index (repeatable).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the wheel listing cache.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per request.")
@click.option(
    "--interpreter",
    default="/usr/local/bin/python",
    show_default=True,
    help="Target interpreter path: console-script shebangs name it, so their bytes depend on it.",
)
@click.option(
    "--group",
    "groups",
    multiple=True,
    help="Also plan this dependency group (uv.lock, poetry.lock, pylock.toml; repeatable). "
    "Default: the main requirements only, as a deploy installs them.",
)
@click.option("--max-total", help="Budget for the installed total (e.g. 250MB): exit 1 over it.")
@click.option(
    "--project",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Judge this project's requirements against the planned set: the report is scan's "
    "(statuses, evidence, sizes) before installing. See docs/plan.md.",
)
@READ_CODE_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "html"]),
    default="table",
    help="html: scan's treemap report of the planned set (not with --diff).",
)
@handle_errors
def plan(locks: tuple[Path, ...], as_diff: bool, fmt: str, **options: Any) -> None:
    from depsize.plan.build import PlanOptions, plan_cache_dir
    from depsize.plan.build import plan as make_plan
    from depsize.plan.target import parse_target

    if len(locks) != (2 if as_diff else 1):
        raise click.UsageError("give one LOCK, or --diff OLD NEW")
    if as_diff and fmt == "html":
        raise click.UsageError("--diff writes table, json or markdown")
    budget = None
    if options["max_total"]:
        from depsize.check.sizes import parse_size

        budget = parse_size(options["max_total"], "--max-total")
    settings = PlanOptions(
        target=parse_target(options["python_version"], options["platform"]),
        index_url=options["index_url"],
        find_links=tuple(options["find_links"]),
        cache_dir=None if options["no_cache"] else plan_cache_dir(),
        timeout=options["timeout"],
        interpreter=options["interpreter"],
        groups=frozenset(options["groups"]),
    )
    if options["project"] is not None or options["read_code"]:
        _plan_outcome([_plan_project(locks, as_diff, fmt, settings, options)], budget)
        return
    plans = [make_plan(path, settings) for path in locks]
    _render_plans(plans, as_diff, fmt)
    _plan_outcome(plans, budget)


def _render_plans(plans: list[Plan], as_diff: bool, fmt: str) -> None:
    import shutil

    from depsize.plan import render
    from depsize.plan.diff import diff_plans

    tty = sys.stdout.isatty()
    color = tty and not os.environ.get("NO_COLOR")
    width = shutil.get_terminal_size().columns if tty else None
    if as_diff:
        diff = diff_plans(plans[0], plans[1])
        if fmt == "json":
            click.echo(render.render_diff_json(diff), nl=False)
        elif fmt == "markdown":
            click.echo(render.render_diff_markdown(diff), nl=False)
        else:
            render.render_diff_text(diff, sys.stdout, color=color, width=width)
    elif fmt == "json":
        click.echo(render.render_json(plans[0]), nl=False)
    elif fmt == "markdown":
        click.echo(render.render_markdown(plans[0]), nl=False)
    elif fmt == "html":
        click.echo(render.render_html(plans[0]), nl=False)
    else:
        render.render_text(plans[0], sys.stdout, color=color, width=width)


def _plan_project(
    locks: tuple[Path, ...],
    as_diff: bool,
    fmt: str,
    plan_options: PlanOptions,
    options: dict[str, Any],
) -> Plan:
    """``plan LOCK --project DIR``: scan's report of the project judged against the set."""
    from dataclasses import replace

    from depsize.plan.judge import planned_verdicts

    project = options["project"]
    if project is None:
        raise click.UsageError("--read-code reads the code a project uses: give --project")
    if as_diff:
        raise click.UsageError("--project judges one LOCK: not with --diff")
    settings = settings_for(project, no_cache=plan_options.cache_dir is None)
    found = planned_verdicts(settings, locks[0], plan_options, read_code=options["read_code"])
    view = {"top": None, "sort": "exclusive", "by": "requirement", "color": "auto"}
    write_scan(found.analysis, fmt, None, False, 0, **view)
    return replace(found.plan, warnings=())  # shown with the report's


def _plan_outcome(plans: list[Plan], budget: int | None) -> None:
    """Warnings on stderr; exit 2 when a size could not be read, 1 over the budget."""
    from depsize.errors import EXIT_POLICY, EXIT_USAGE
    from depsize.units import human

    for planned in plans:
        for warning in planned.warnings:
            click.echo(shown(f"depsize: warning: {warning}"), err=True)
    failed = [d for p in plans for d in p.errors]
    final = plans[-1]
    total = final.attribution.total_bytes
    if budget is not None and total > budget:
        click.echo(
            f"depsize: over budget: {human(total)} installed > --max-total {human(budget)}"
            + (" (and more: some sizes are unknown)" if final.partial else ""),
            err=True,
        )
        sys.exit(EXIT_POLICY)
    if failed:
        click.echo(f"depsize: error: partial result: {len(failed)} sizes not read", err=True)
        sys.exit(EXIT_USAGE)
    if budget is not None and final.partial:
        click.echo(
            f"depsize: error: budget not proven: {human(total)} known, "
            f"{len(final.unknown)} sizes unknown",
            err=True,
        )
        sys.exit(EXIT_USAGE)
