"""The terminal report: rich table and colour on a TTY, plain aligned text when piped."""

from __future__ import annotations

import io
from typing import IO

from depsize.analyze import Analysis
from depsize.models import STATUS_TABLE
from depsize.report.view import COLUMNS, View, build_view
from depsize.units import human

_BAR = 12


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
    """Write the scan report to ``stream``; plain text has no trailing blanks."""
    if color:
        _render(analysis, stream, color=True, width=width, top=top, sort=sort, verbose=verbose)
        return
    buffer = io.StringIO()
    _render(analysis, buffer, color=False, width=width, top=top, sort=sort, verbose=verbose)
    stream.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def _render(
    analysis: Analysis,
    stream: IO[str],
    *,
    color: bool,
    width: int | None,
    top: int | None,
    sort: str,
    verbose: int,
) -> None:
    from rich.console import Console  # imported only when rendering (startup time)

    console = Console(
        file=stream,
        color_system="auto" if color else None,
        width=width or 100,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )
    view = build_view(analysis, top=top, sort=sort)
    console.print(f"depsize · {view.title}", markup=False)
    console.print(view.summary, markup=False, style="bold" if color else None)
    console.print()
    console.print(_table(view, color, analysis.scan.total_bytes))
    if view.hidden_rows:
        console.print(
            f"… {view.hidden_rows} more rows ({human(view.hidden_share)} of share); "
            "--top shows more",
            markup=False,
        )
    console.print(COLUMNS, markup=False, style="dim" if color else None, soft_wrap=True)
    for section in view.sections:
        console.print()
        console.print(f"{section.title}:", markup=False, style="bold" if color else None)
        limit = None if verbose else 10
        for line in section.lines[:limit]:
            console.print(f"  {line}", markup=False, soft_wrap=True)
        if limit and len(section.lines) > limit:
            console.print(f"  … {len(section.lines) - limit} more (-v shows all)", markup=False)
    if view.recommendations:
        console.print()
        console.print("Recommendations:", markup=False, style="bold" if color else None)
        for number, text in enumerate(view.recommendations, start=1):
            console.print(f"  {number}. {text}", markup=False, soft_wrap=True)
    if view.could_not_read:
        console.print()
        console.print(f"Could not read ({len(view.could_not_read)}):", markup=False)
        limit = None if verbose else 10
        for line in view.could_not_read[:limit]:
            console.print(f"  {line}", markup=False, soft_wrap=True)
        if limit and len(view.could_not_read) > limit:
            console.print(f"  … {len(view.could_not_read) - limit} more (-v shows all)")
    console.print()
    console.print(view.totals, markup=False)


def _bar(share: int, total: int) -> str:
    filled = round(_BAR * share / total) if total else 0
    return "█" * filled + "·" * (_BAR - filled)


def _table(view: View, color: bool, total: int) -> object:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold" if color else "")
    table.add_column("requirement" if view.has_status else "root", no_wrap=True)
    if view.has_status:
        table.add_column("status", no_wrap=True)
    for name in ("own", "closure", "exclusive", "share"):
        table.add_column(name, justify="right", no_wrap=True)
    if color:
        table.add_column("", no_wrap=True)
    if view.has_status:
        table.add_column("declared at", no_wrap=True, overflow="ellipsis")
    for row in view.rows:
        cells: list[object] = [Text(row.name)]
        if view.has_status:
            style = _status_style(row.status) if color else ""
            cells.append(Text(row.status, style=style))
        cells += [human(row.own), human(row.closure), human(row.exclusive), human(row.share)]
        if color:
            cells.append(Text(_bar(row.share, total), style="blue"))
        if view.has_status:
            cells.append(Text(row.source))
        table.add_row(*cells)  # type: ignore[arg-type]
    return table


def _status_style(cell: str) -> str:
    info = STATUS_TABLE.get(cell.split(" ", maxsplit=1)[0])  # type: ignore[call-overload]
    return info.style if info is not None else ""
