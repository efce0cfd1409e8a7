"""``depsize scan``: the report of what takes the space, and what can go."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from depsize.commands.common import (
    check_output,
    emit_warnings,
    handle_errors,
    locate_project,
    settings_for,
    shown,
    warn_wrong_env,
)
from depsize.commands.lock import LOCK_OPTION, READ_CODE_OPTION, exit_if_partial, judge
from depsize.commands.options import EPILOG, IMAGE_OPTION, env_options, project_options

if TYPE_CHECKING:
    from depsize.analyze import Analysis


SCAN_HELP = """Report what takes the space in the project's environment, and what can go.

Each declared requirement gets one status: used, dev-only, dead-code-only,
optional-only, types-only, command, plugin, transitive-only, unused,
not-installed or not-applicable, with its evidence (file:line).

\b
Figures (bytes on disk; apparent size unless --disk-usage):
  own        the distribution's own files
  closure    own + every distribution it pulls in (markers and extras evaluated
             for the scanned environment)
  exclusive  what removing it alone would free: its closure minus what the
             other roots still need
  share      every distribution's bytes split evenly among the roots that reach
             it; shares + extraneous + unowned = the env total
  unowned    files in site-packages that no distribution lists
"""


@click.command(help=SCAN_HELP, epilog=EPILOG)
@click.argument(
    "project", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@env_options
@project_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "html"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--by",
    type=click.Choice(["requirement", "distribution"]),
    default="requirement",
    show_default=True,
    help="The table to show: declared requirements (with the largest distributions "
    "below), or only the installed distributions by their own size.",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the table: auto colours a terminal unless NO_COLOR is set (FORCE_COLOR "
    "forces it).",
)
@click.option(
    "--binary-units",
    is_flag=True,
    help="Sizes in KiB, MiB, GiB (powers of 1024, as du and ncdu show them) instead of kB, "
    "MB, GB. JSON always has exact bytes.",
)
@click.option(
    "--fail-on",
    "fail_on",
    metavar="STATUS,...",
    help="Exit 1 when a requirement has one of these statuses (e.g. unused,dead-code-only); "
    "requirements ignored by [tool.depsize] never count.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to FILE instead of stdout.",
)
@click.option("--top", type=click.IntRange(min=1), help="Show only the N largest rows.")
@click.option(
    "--sort",
    type=click.Choice(["exclusive", "closure", "own", "share", "name"]),
    default="exclusive",
    show_default=True,
    help="Sort the table by this column.",
)
@IMAGE_OPTION
@LOCK_OPTION
@READ_CODE_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No warnings on stderr.")
@click.option("-v", "--verbose", count=True, help="Show every warning and conflict.")
@handle_errors
def scan(
    project: Path,
    fmt: str,
    by: str,
    color: str,
    fail_on: str | None,
    binary_units: bool,
    output: Path | None,
    top: int | None,
    sort: str,
    quiet: bool,
    verbose: int,
    **env_options: Any,
) -> None:
    from depsize import units
    from depsize.failon import parse_fail_on

    failing = parse_fail_on(fail_on) if fail_on is not None else None
    check_output(output)
    lock = env_options.pop("lock")
    project = locate_project(project, env_options)
    with units.binary_units(binary_units):
        analysis, planned = judge(settings_for(project, **env_options), lock, env_options)
        write_scan(analysis, fmt, output, quiet, verbose, top=top, sort=sort, by=by, color=color)
    exit_if_partial(planned)
    if failing is not None:
        _fail_on(analysis, failing)


def write_scan(
    analysis: Analysis,
    fmt: str,
    output: Path | None,
    quiet: bool,
    verbose: int,
    **view: Any,
) -> None:
    if fmt != "table" or output is not None:  # the table has its own "Could not read" section
        emit_warnings(analysis, quiet, verbose)
    warn_wrong_env(analysis)
    if output is None:
        _render_scan(analysis, fmt, sys.stdout, verbose, view)
        return
    buffer = io.StringIO()  # written whole once rendered: no half-written report
    _render_scan(analysis, fmt, buffer, verbose, {**view, "to_file": True})
    from depsize.report.output import write_report

    write_report(output, buffer.getvalue())


def _render_scan(
    analysis: Analysis, fmt: str, stream: IO[str], verbose: int, view: dict[str, Any]
) -> None:
    top, sort, by, color = view["top"], view["sort"], view["by"], view["color"]
    if fmt == "json":
        from depsize.report import json as json_report

        stream.write(json_report.render(analysis))
    elif fmt == "markdown":
        from depsize.report import markdown

        stream.write(markdown.render(analysis, top=top, sort=sort, by=by))
    elif fmt == "html":
        from depsize.report import html

        stream.write(html.render(analysis, sort=sort))
    else:
        from depsize.report import console

        console.render(
            analysis,
            stream,
            color=console.use_color(
                "never" if view.get("to_file") and color == "auto" else color,
                stream,
                os.environ,
            ),
            width=console.terminal_width(stream, os.environ),
            top=top,
            sort=sort,
            verbose=verbose,
            by=by,
        )


def _fail_on(analysis: Analysis, statuses: frozenset[str]) -> None:
    """``--fail-on``: name every requirement with one of *statuses* on stderr and exit 1."""
    from depsize.errors import EXIT_POLICY
    from depsize.failon import failing

    hits = failing(analysis.judgement, statuses)
    if not hits:
        return
    names = ", ".join(f"{v.requirement.display_name} ({v.status})" for v in hits)
    click.echo(shown(f"depsize: --fail-on: {len(hits)} requirement(s) found: {names}"), err=True)
    sys.exit(EXIT_POLICY)
