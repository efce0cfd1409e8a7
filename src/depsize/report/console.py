"""The terminal report: a rich table on a TTY, plain aligned text when piped."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from depsize.analyze import Analysis
from depsize.attribute import RootSizes
from depsize.units import human

if TYPE_CHECKING:
    from rich.console import Console

COLUMNS_HELP = (
    "own: the bytes of the distribution itself. "
    "closure: own + every distribution it pulls in. "
    "exclusive: what removing it alone would free (its closure minus what the others need). "
    "share: each distribution's bytes split evenly among the roots that reach it; "
    "the share column + extraneous + unowned adds up to the env total."
)

SORT_KEYS = ("exclusive", "closure", "own", "share", "name")


def sorted_roots(analysis: Analysis, sort: str) -> list[RootSizes]:
    rows = list(analysis.attribution.roots)
    if sort == "name":
        return sorted(rows, key=lambda r: r.root.name)
    return sorted(rows, key=lambda r: (-int(getattr(r, sort)), r.root.name))


def _label(row: RootSizes) -> str:
    extras = f"[{','.join(sorted(row.root.extras))}]" if row.root.extras else ""
    return f"{row.root.name}{extras}"


def render(
    analysis: Analysis,
    stream: IO[str],
    *,
    color: bool,
    width: int | None = None,
    top: int | None = None,
    sort: str = "exclusive",
    verbose: int = 0,
) -> None:
    """Write the scan report to ``stream``."""
    from rich.console import Console  # imported only when rendering (startup time)
    from rich.table import Table

    console = Console(
        file=stream,
        color_system="auto" if color else None,
        width=width or 100,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
    )
    env = analysis.scan.env
    console.print(
        f"Environment: {env.prefix or env.site_packages[0]} (Python {env.python_version}, "
        f"found by {env.how_found})"
    )
    if env.note:
        console.print(f"Note: {env.note}")
    rows = sorted_roots(analysis, sort)
    shown = rows[:top] if top else rows
    table = Table(box=None, show_edge=False, pad_edge=False)
    for name, justify in (
        ("root", "left"),
        ("own", "right"),
        ("closure", "right"),
        ("exclusive", "right"),
        ("share", "right"),
        ("deps", "right"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in shown:
        table.add_row(
            _label(row),
            human(row.own),
            human(row.closure),
            human(row.exclusive),
            human(row.share),
            str(len(row.reach) - 1),
        )
    console.print()
    console.print(table)
    if len(shown) < len(rows):
        rest = rows[len(shown) :]
        console.print(f"… {len(rest)} more roots, {human(sum(r.share for r in rest))} of share")
    console.print()
    _footer(console, analysis, verbose)


def _footer(console: Console, analysis: Analysis, verbose: int) -> None:
    scan, attribution = analysis.scan, analysis.attribution
    unit = "disk usage" if scan.disk_usage else "apparent size"
    console.print(
        f"Total: {human(scan.total_bytes)} ({scan.total_bytes:,} bytes, {unit}) in "
        f"{len(scan.dists)} distributions; unowned files: {human(scan.unowned_bytes)} "
        f"({len(scan.unowned_files)} files)"
    )
    if attribution.extraneous:
        console.print(
            f"Extraneous (reached by no root): {human(attribution.extraneous_bytes)} in "
            f"{', '.join(attribution.extraneous)}"
        )
    if analysis.roots_from == "unrequired":
        console.print("Roots: the distributions nothing else requires (no declared requirements).")
    for conflict in scan.conflicts[: None if verbose else 5]:
        console.print(
            f"Conflict: {conflict.path} is installed by {' and '.join(conflict.owners)}; "
            f"counted once, for {conflict.owners[0]}"
        )
    for missing in analysis.graph.missing:
        console.print(f"Missing: {missing.source} requires {missing.requirement!r}, not installed")
