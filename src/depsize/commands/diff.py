"""``depsize diff``: two JSON reports compared."""

from __future__ import annotations

from pathlib import Path

import click

from depsize.commands.common import handle_errors, shown
from depsize.commands.options import EPILOG


@click.command(epilog=EPILOG)
@click.argument("before", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("after", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--top", type=click.IntRange(min=1), help="Show at most N rows per section.")
@handle_errors
def diff(before: Path, after: Path, top: int | None) -> None:
    """Compare two reports written by `depsize scan --format json`.

    Shows the total, and which distributions appeared, disappeared, grew or shrank, by bytes,
    plus requirements whose status changed.
    """
    from depsize.diff import diff_reports, render
    from depsize.report.document import load

    result = diff_reports(load(before, "report"), load(after, "report"))
    click.echo(shown(render(result, top=top)), nl=False)
