"""``--format markdown``: fits a pull-request comment and ``$GITHUB_STEP_SUMMARY``.

Every name, path and message is escaped (:func:`escape`): ``__init__`` is not bold, ``<script>``
is text, and a ``|`` never splits a table cell. Long sections fold into ``<details>``.
"""

from __future__ import annotations

import re

from depsize.analyze import Analysis
from depsize.report.safe import visible
from depsize.report.view import COLUMNS, Section, View, build_view
from depsize.units import human

FOLD_AFTER = 10
"""A section with more lines than this is folded into a ``<details>`` block."""

_INLINE = re.compile(r"([\\`*_\[\]|~])")
_BLOCK_START = re.compile(r"^(\s*)([#+=>-])")
_ORDERED_START = re.compile(r"^(\s*\d+)([.)])")


def escape(text: str) -> str:
    """*text* as literal Markdown inline text: ``&`` and ``<`` as entities (no HTML tag or
    entity can start), the characters that make emphasis, code, links, strike-through and
    cells (``\\ ` * _ [ ] | ~``) backslash-escaped, a leading ``#``, ``-``, ``+``, ``=``,
    ``>`` or ``1.`` kept from starting a block, a newline as a space, and every control, bidi
    or surrogate character as a visible escape (:func:`~depsize.report.safe.visible`)."""
    text = visible(text.replace("\r", " ").replace("\n", " "))
    text = _INLINE.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;"))
    return _ORDERED_START.sub(r"\1\\\2", _BLOCK_START.sub(r"\1\\\2", text))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _requirements_table(view: View) -> list[str]:
    head = ["requirement" if view.has_status else "root"]
    head += ["status"] if view.has_status else []
    head += ["own", "closure", "exclusive", "share"]
    head += ["declared at"] if view.has_status else []
    align = ["--:" if h in ("own", "closure", "exclusive", "share") else ":--" for h in head]
    out = [_row(head), "|" + "|".join(align) + "|"]
    for row in view.rows:
        cells = [escape(row.name)] + ([escape(row.status)] if view.has_status else [])
        cells += [human(row.own), human(row.closure), human(row.exclusive), human(row.share)]
        cells += [escape(row.source)] if view.has_status else []
        out.append(_row(cells))
    if view.hidden_rows:
        out += ["", f"… {view.hidden_rows} more rows ({human(view.hidden_share)} of share)"]
    return out


def _dists_table(view: View, *, heading: bool = True) -> list[str]:
    out = ["", "### Largest distributions", ""] if heading else []
    out += [_row(["distribution", "own", "pulled in by (status)"]), "|:--|--:|:--|"]
    out += [_row([escape(d.name), human(d.own), escape(d.pulled_in_by)]) for d in view.dists]
    if view.hidden_dists:
        out += ["", f"… {view.hidden_dists} more distributions"]
    return out


def _section(section: Section) -> list[str]:
    items = [f"- {escape(line)}" for line in section.lines]
    if len(items) <= FOLD_AFTER:
        return ["", f"### {escape(section.title)}", "", *items]
    summary = f"{escape(section.title)} ({len(items)})"
    return ["", f"<details><summary>{summary}</summary>", "", *items, "", "</details>"]


def render(
    analysis: Analysis, *, top: int | None = None, sort: str = "exclusive", by: str = "requirement"
) -> str:
    view = build_view(analysis, top=top, sort=sort)
    out = [
        "## depsize report",
        "",
        f"**{escape(view.summary)}**",
        "",
        f"<sub>{escape(view.title)}</sub>",
        "",
    ]
    if by == "distribution":
        out += _dists_table(view, heading=False)
    else:
        out += _requirements_table(view)
        out += ["", f"<sub>{escape(COLUMNS)}</sub>"]
        out += _dists_table(view) if view.dists else []
    for section in view.sections:
        out += _section(section)
    if view.recommendations:
        out += _section(Section("Recommendations", view.recommendations))
    if view.could_not_read:
        out += _section(Section("Could not read", view.could_not_read))
    out += ["", escape(view.totals), ""]
    return "\n".join(out)
