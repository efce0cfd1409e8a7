"""``depsize why``: the shortest paths from a declared requirement to a distribution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from depsize.commands.common import (
    analyze_with_progress,
    handle_errors,
    locate_project,
    settings_for,
)
from depsize.commands.options import EPILOG, env_options, project_options
from depsize.errors import InputError

WHY_PATHS = 5
"""Shortest paths ``depsize why`` shows unless asked for more."""


@click.command(epilog=EPILOG)
@click.argument("name")
@click.argument(
    "project", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@env_options
@project_options
@click.option(
    "--max-paths",
    type=click.IntRange(min=1),
    default=WHY_PATHS,
    show_default=True,
    help="Show at most N shortest paths (and how many more there are).",
)
@click.option("--all-paths", is_flag=True, help="Show every shortest path, however many.")
@handle_errors
def why(
    name: str, project: Path | None, max_paths: int, all_paths: bool, **env_options: Any
) -> None:
    """Show the shortest paths from a declared requirement to the distribution NAME.

    Without declared requirements, the roots are the distributions nothing requires. The
    first paths in name order are shown (--max-paths), with the count of the others.
    """
    from packaging.utils import canonicalize_name

    from depsize.attribute import why as why_paths
    from depsize.report.safe import terminal
    from depsize.units import human

    project = locate_project(project, env_options)
    analysis = analyze_with_progress(settings_for(project, **env_options))
    target = canonicalize_name(name)
    dists = analysis.scan.dists
    if target not in dists:
        raise InputError(f"{name} is not installed in {analysis.scan.env.site_packages[0]}")
    found = why_paths(analysis.graph, analysis.roots, target, None if all_paths else max_paths)
    lines = [f"{target} {dists[target].version}: {human(dists[target].own_bytes)} own"]
    kind = "declared requirement" if analysis.roots_from == "declared" else "root"
    if not found.paths:
        lines.append(f"{target} is reached by no {kind} (extraneous).")
    else:
        count = "Shortest path" if found.total == 1 else f"Shortest paths ({found.total:,})"
        lines.append(f"{count} from a {kind}:")
    lines.extend(
        "  " + " -> ".join(f"{n} ({human(dists[n].own_bytes)})" for n in path)
        for path in found.paths
    )
    more = found.total - len(found.paths)
    if more:
        lines.append(f"  … and {more:,} more paths; --all-paths shows them")
    for line in lines:
        click.echo(terminal(line))
