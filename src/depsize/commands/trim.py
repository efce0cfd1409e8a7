"""``depsize trim``: the requirements the project should have."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from depsize.commands.common import (
    check_output,
    emit_warnings,
    handle_errors,
    locate_project,
    settings_for,
    shown,
)
from depsize.commands.lock import (
    LOCK_OPTION,
    READ_CODE_OPTION,
    exit_if_partial,
    judge,
    note_kept_likely,
)
from depsize.commands.options import EPILOG, env_options, project_options
from depsize.errors import InputError

TRIM_HELP = """Write the requirements the project should have: without the unused lines.

By default prints a unified diff (nothing is written); -o FILE writes a new file,
--in-place rewrites the source atomically and keeps FILE.bak. Removed lines are
replaced by a comment saying why and how many bytes they free (--no-comments
drops them). Every other byte of the file stays as it was. The summary goes to
stderr. See docs/trim.md.
"""


@click.command(help=TRIM_HELP, epilog=EPILOG)
@click.argument(
    "project", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@env_options
@project_options
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the trimmed file here (never over an existing file without --force).",
)
@click.option("--in-place", is_flag=True, help="Rewrite the source files (atomically).")
@click.option("--no-backup", is_flag=True, help="With --in-place: keep no FILE.bak.")
@click.option("--force", is_flag=True, help="Overwrite an existing -o target or .bak file.")
@click.option(
    "--remove",
    "remove",
    default="unused,dead-code-only",
    show_default=True,
    help="Statuses to remove: unused, dead-code-only, transitive-only.",
)
@click.option("--keep", multiple=True, help="Never remove this requirement (repeatable).")
@click.option(
    "--include-likely",
    is_flag=True,
    help="Also remove verdicts depsize is not certain of (confidence 'likely': the project "
    "loads code in a way depsize could not follow). Check the reasons first.",
)
@click.option("--no-comments", is_flag=True, help="Drop removed lines without a comment.")
@click.option(
    "--cpu-torch",
    is_flag=True,
    help="Where torch is declared and the env holds CUDA payload, add the CPU wheel "
    "index and report the projected saving.",
)
@click.option(
    "--add-missing",
    is_flag=True,
    help="Add undeclared imports, pinned to the installed version, with a comment.",
)
@LOCK_OPTION
@READ_CODE_OPTION
@handle_errors
def trim(project: Path | None, **options: Any) -> None:
    from depsize.trim import describe, parse_statuses, plan_from_analysis, unified_diff, write_plan

    in_place, output = bool(options.pop("in_place")), options.pop("output")
    if in_place and output is not None:
        raise InputError("give either -o FILE or --in-place, not both")
    force, backup = bool(options.pop("force")), not options.pop("no_backup")
    check_output(output, "the trimmed file")
    lock = options.pop("lock")
    project = locate_project(project, options)
    remove = parse_statuses(options.pop("remove"))
    include_likely = bool(options.pop("include_likely"))
    analysis, planned = judge(settings_for(project, **options), lock, options)
    if planned is not None:
        emit_warnings(analysis, quiet=False, verbose=0)
    plan = plan_from_analysis(
        analysis,
        remove=remove,
        keep=options.pop("keep"),
        include_likely=include_likely,
        comments=not options.pop("no_comments"),
        cpu_torch=bool(options.pop("cpu_torch")),
        add_missing=bool(options.pop("add_missing")),
    )
    if not in_place and output is None:
        from depsize.report.safe import patch_text

        click.echo(patch_text(unified_diff(plan)), nl=False)
    else:
        for path in write_plan(plan, in_place=in_place, output=output, force=force, backup=backup):
            click.echo(f"depsize: wrote {path}", err=True)
    for line in describe(plan):
        click.echo(shown(f"depsize: {line}"), err=True)
    if planned is not None and not include_likely:
        note_kept_likely(analysis, remove)
    exit_if_partial(planned)
