"""The terminal report: rich table and colour on a TTY, plain aligned text when piped.

Width: the terminal's on a TTY, ``COLUMNS`` when set, and when piped a width wide enough for the
whole table. Numbers and names are never cut: when the table does not fit, whole columns are left
out in :data:`DROP_ORDER` and the footer names them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING

from depsize.analyze import Analysis
from depsize.models import STATUS_TABLE
from depsize.report.view import COLUMNS, Row, Section, View, build_view
from depsize.units import human

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

_BAR = 12
PIPED_MIN_WIDTH = 100
_UNBOUNDED = 10_000
DROP_ORDER = ("share", "own", "closure", "declared at")
"""Columns left out, in this order, when the table is wider than the terminal."""
COLOR_MODES = ("auto", "always", "never")


def use_color(mode: str, stream: IO[str], environ: Mapping[str, str]) -> bool:
    """``--color``: *always*/*never* win; *auto* honours ``FORCE_COLOR``, then ``NO_COLOR``
    (any non-empty value, as no-color.org says), then whether *stream* is a terminal."""
    if mode != "auto":
        return mode == "always"
    if environ.get("FORCE_COLOR", ""):
        return True
    if environ.get("NO_COLOR", ""):
        return False
    return _isatty(stream)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width(stream: IO[str], environ: Mapping[str, str]) -> int | None:
    """``COLUMNS`` when set, else the terminal's width on a TTY, else ``None`` (piped)."""
    columns = environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not _isatty(stream):
        return None
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, OSError, ValueError):
        return None


def render(
    analysis: Analysis,
    stream: IO[str],
    *,
    color: bool,
    width: int | None = None,
    top: int | None = None,
    sort: str = "exclusive",
    verbose: int = 0,
    by: str = "requirement",
) -> None:
    """Write the scan report to ``stream``; plain text has no trailing blanks.

    *width* ``None`` means piped: as wide as the table needs (at least 100 columns).
    """
    view = build_view(analysis, top=top, sort=sort)
    if color:
        _render(view, stream, color=True, width=width, verbose=verbose, by=by)
        return
    buffer = io.StringIO()
    _render(view, buffer, color=False, width=width, verbose=verbose, by=by)
    stream.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def _console(stream: IO[str], color: bool, width: int) -> Console:
    from rich.console import Console  # imported only when rendering (startup time)

    return Console(
        file=stream,
        color_system="auto" if color else None,
        width=width,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def _render(
    view: View, stream: IO[str], *, color: bool, width: int | None, verbose: int, by: str
) -> None:
    probe = _console(io.StringIO(), color, _UNBOUNDED)
    if width is None:
        width = max(PIPED_MIN_WIDTH, _natural_width(probe, view, color, by))
    console = _console(stream, color, width)
    bold = "bold" if color else None
    console.print(f"depsize · {view.title}", markup=False)
    console.print(view.summary, markup=False, style=bold)
    if by == "distribution":
        _print_dists(console, view, color, heading=False)
    else:
        console.print()
        _print_requirements(console, view, color, width)
        if view.dists:
            _print_dists(console, view, color, heading=True)
    for section in view.sections:
        _print_section(console, section, color, verbose)
    if view.recommendations:
        console.print()
        console.print("Recommendations:", markup=False, style=bold)
        for number, text in enumerate(view.recommendations, start=1):
            console.print(f"  {number}. {text}", markup=False, soft_wrap=True)
    if view.could_not_read:
        lines = tuple(view.could_not_read)
        _print_section(console, Section(f"Could not read ({len(lines)})", lines), color, verbose)
    console.print()
    console.print(view.totals, markup=False)


def _natural_width(probe: Console, view: View, color: bool, by: str) -> int:
    tables = [_dist_table(view, color)] if view.dists else []
    if by != "distribution":
        tables.append(_table(view, color, view.total, ()))
    return max(probe.measure(t).maximum for t in tables)


def _print_requirements(console: Console, view: View, color: bool, width: int) -> None:
    dropped = _fit(view, color, width)
    console.print(_table(view, color, view.total, dropped))
    if view.hidden_rows:
        console.print(
            f"… {view.hidden_rows} more rows ({human(view.hidden_share)} of share); "
            "--top shows more",
            markup=False,
        )
    _print_dropped(console, dropped, width)
    console.print(COLUMNS, markup=False, style="dim" if color else None)


def _print_dists(console: Console, view: View, color: bool, *, heading: bool) -> None:
    console.print()
    if heading:
        console.print("Largest distributions:", markup=False, style="bold" if color else None)
    console.print(_dist_table(view, color))
    if view.hidden_dists:
        console.print(f"… {view.hidden_dists} more distributions; --top shows more", markup=False)


def _print_dropped(console: Console, dropped: tuple[str, ...], width: int) -> None:
    shown = [name for name in dropped if name != "bar"]
    if shown:
        console.print(
            f"Columns left out to fit {width} columns: {', '.join(shown)} "
            "(a wider terminal or COLUMNS=N shows them; --format json has every figure)",
            markup=False,
        )


def _fit(view: View, color: bool, width: int) -> tuple[str, ...]:
    """The columns to leave out, in :data:`DROP_ORDER` (the colour bar first), so the table
    fits *width* unbroken. Measured on an unbounded console: the report's own console would
    clamp the measure to its width."""
    probe = _console(io.StringIO(), color, _UNBOUNDED)
    order = (("bar",) if color else ()) + DROP_ORDER
    dropped: tuple[str, ...] = ()
    for name in ("", *order):
        dropped += (name,) if name else ()
        if probe.measure(_table(view, color, view.total, dropped)).maximum <= width:
            break
    return dropped


def _print_section(console: Console, section: Section, color: bool, verbose: int) -> None:
    """A titled group of findings; in plain text every line starts at column 0, so a line
    that begins with ``file:line:`` is one editors and problem matchers can jump to."""
    indent = "  " if color else ""
    console.print()
    console.print(f"{section.title}:", markup=False, style="bold" if color else None)
    limit = None if verbose else 10
    for line in section.lines[:limit]:
        console.print(f"{indent}{line}", markup=False, soft_wrap=True)
    if limit and len(section.lines) > limit:
        more = len(section.lines) - limit
        console.print(f"{indent}… {more} more (-v shows all)", markup=False)


def _bar(share: int, total: int) -> str:
    filled = round(_BAR * share / total) if total else 0
    return "█" * filled + "·" * (_BAR - filled)


_FIGURES = ("own", "closure", "exclusive", "share")


def _columns(view: View, color: bool, dropped: tuple[str, ...]) -> list[str]:
    names = ["name"] + (["status"] if view.has_status else []) + list(_FIGURES)
    names += ["bar"] if color else []
    names += ["declared at"] if view.has_status else []
    return [n for n in names if n not in dropped]


def _table(view: View, color: bool, total: int, dropped: tuple[str, ...]) -> Table:
    """The requirements table without the *dropped* columns. Figures never wrap; names,
    statuses and places wrap (never cut) only when even the narrowest table does not fit."""
    from rich.table import Table

    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold" if color else "")
    columns = _columns(view, color, dropped)
    for name in columns:
        if name == "name":
            table.add_column("requirement" if view.has_status else "root", overflow="fold")
        elif name in _FIGURES:
            table.add_column(name, justify="right", no_wrap=True)
        else:
            table.add_column("" if name == "bar" else name, overflow="fold")
    for row in view.rows:
        table.add_row(*(_cell(row, name, color, total) for name in columns))
    return table


def _cell(row: Row, column: str, color: bool, total: int) -> Text | str:
    from rich.text import Text

    if column in _FIGURES:
        return human(getattr(row, column))
    if column == "status":
        return Text(row.status, style=_status_style(row.status) if color else "")
    if column == "bar":
        return Text(_bar(row.share, total), style="blue")
    return Text(row.source if column == "declared at" else row.name)


def _dist_table(view: View, color: bool) -> Table:
    """The largest installed distributions; the list of requirements wraps, never the rest."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold" if color else "")
    table.add_column("distribution", overflow="fold")
    table.add_column("own", justify="right", no_wrap=True)
    table.add_column("pulled in by (status)", overflow="fold", min_width=20)
    for row in view.dists:
        table.add_row(Text(row.name), human(row.own), Text(row.pulled_in_by))
    return table


def _status_style(cell: str) -> str:
    info = STATUS_TABLE.get(cell.split(" ", maxsplit=1)[0])  # type: ignore[call-overload]
    return info.style if info is not None else ""
