"""``--format html``: one self-contained page with a zoomable size treemap.

The page opens offline by double-click: its styles, d3-hierarchy (the squarified treemap layout,
ISC licence, shipped in ``report/static/``) and its own script are inlined; a Content-Security-
Policy forbids every fetch and allows only those two scripts, by hash. Text from the scanned
environment (names, paths, findings) is written with :func:`html.escape` into the markup, and
into the treemap's JSON with ``<``, ``>`` and ``&`` as ``\\u`` escapes: the script reads it as data
and puts it on the page through ``textContent`` only.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib import resources

from depsize.analyze import Analysis
from depsize.models import STATUS_TABLE
from depsize.report.safe import clean, visible
from depsize.report.treemap import build_tree, keys_in
from depsize.report.view import COLUMNS, Row, View, build_view
from depsize.units import human

D3_VERSION = "3.1.3"
"""The d3-hierarchy release in ``static/d3-hierarchy.min.js`` (see ``static/README.md``)."""

_KEPT = "var(--used)"
COLOURS: dict[str, str] = {
    "used": _KEPT,
    "command": _KEPT,
    "plugin": _KEPT,
    "configured": _KEPT,
    "types": _KEPT,
    "unused": "var(--unused)",
    "dead-code-only": "var(--dead-code-only)",
    "transitive-only": "var(--transitive-only)",
    "used-by-dependency": "var(--used-by-dependency)",
    "extraneous": "var(--extraneous)",
    "unowned": "var(--unowned)",
    "gpu": "var(--gpu)",
    "shared": "var(--shared)",
    "root": "var(--root)",
}
"""Colour of each treemap key; the other statuses (dev-only, optional-only, …) get ``--other``."""

_LEGEND_TEXT = {
    "shared": "reached by several requirements: shown once, not split",
    "extraneous": "installed, reached by no declared requirement",
    "unowned": "files no distribution's RECORD lists",
    "gpu": "GPU payload: CUDA wheels and libraries (see the recommendation)",
    "root": "a distribution nothing requires (no requirements declared)",
}


def _static(name: str) -> str:
    return (resources.files("depsize.report") / "static" / name).read_text(encoding="utf-8")


def escape(text: str) -> str:
    """Text for HTML content and attribute values: :func:`~depsize.report.safe.visible`
    (controls, bidi and surrogates as visible escapes), then :func:`html.escape`."""
    return html.escape(visible(text))


def script_json(value: object) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no ``<!--``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _legend(keys: set[str]) -> str:
    items = []
    for key in [*STATUS_TABLE, *_LEGEND_TEXT]:
        if key not in keys:
            continue
        info = STATUS_TABLE.get(key)  # type: ignore[call-overload]
        text = info.meaning if info is not None else _LEGEND_TEXT[key]
        colour = COLOURS.get(key, "var(--other)")
        items.append(
            f'<li data-key="{escape(key)}"><span class="swatch" style="--c: {colour}"></span>'
            f"<b>{escape(key)}</b> <span class=muted>{escape(text)}</span></li>"
        )
    return '<ul id="legend" aria-label="Colours">' + "".join(items) + "</ul>"


def _cell(value: str | int, text: str | None = None, cls: str = "") -> str:
    shown = human(value) if isinstance(value, int) else value
    attr = f' class="{cls}"' if cls else ""
    sort = str(value) if isinstance(value, int) else value.lower()
    return f'<td{attr} data-v="{escape(sort)}">{escape(text if text is not None else shown)}</td>'


def _status_cell(row: Row) -> str:
    key = row.status.split(" ")[0]
    colour = COLOURS.get(key, "var(--other)")
    return (
        f'<td data-v="{escape(row.status)}"><span class="status">'
        f'<span class="swatch" style="--c: {colour}"></span>{escape(row.status)}</span></td>'
    )


def _table(view: View) -> str:
    head = [("requirement" if view.has_status else "root", "")]
    head += [("status", "")] if view.has_status else []
    head += [(h, "num") for h in ("own", "closure", "exclusive", "share")]
    head += [("declared at", "src")] if view.has_status else []
    ths = "".join(
        f'<th class="{cls}" scope="col"><button type="button">{escape(h)}</button></th>'
        for h, cls in head
    )
    rows = []
    for row in view.rows:
        cells = [_cell(row.name)]
        cells += [_status_cell(row)] if view.has_status else []
        cells += [_cell(n, cls="num") for n in (row.own, row.closure, row.exclusive, row.share)]
        cells += [_cell(row.source, cls="src")] if view.has_status else []
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<div class="table-wrap"><table id="verdict-table" class="sortable">'
        f"<thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        f'<p class="columns">{escape(COLUMNS)}</p>'
    )


def _recommendations(analysis: Analysis) -> str:
    out = []
    for r in analysis.recommendations:
        parts = [f'<div class="rec"><div class="title">{escape(r.title)}: {human(r.bytes)}</div>']
        if r.before is not None and r.after is not None and r.before > 0:
            width = max(0.0, min(100.0, 100 * r.after / r.before))
            label = f"{human(r.before)} → {human(r.after)}"
            parts.append(
                f'<div class="bar" role="img" aria-label="{escape(label)}">'
                f'<div class="after" style="width: {width:.1f}%"></div></div>'
                f'<div class="bar-label">{escape(label)}</div>'
            )
        parts.append(f"<div>{escape(r.detail)}</div>")
        if r.fix:
            parts.append(f'<div class="muted">Fix: {escape(r.fix)}</div>')
        out.append("".join(parts) + "</div>")
    if not out:
        return ""
    return '<section id="recommendations"><h2>Recommendations</h2>' + "".join(out) + "</section>"


def _findings(view: View) -> str:
    out = []
    for section in view.sections:
        items = "".join(f"<li>{escape(line)}</li>" for line in section.lines)
        out.append(f"<h3>{escape(section.title)}</h3><ul>{items}</ul>")
    if view.could_not_read:
        items = "".join(f"<li>{escape(line)}</li>" for line in view.could_not_read)
        out.append(f"<h3>Could not read ({len(view.could_not_read)})</h3><ul>{items}</ul>")
    if not out:
        return ""
    return '<section id="findings" class="findings"><h2>Findings</h2>' + "".join(out) + "</section>"


_HINT = (
    "Area is bytes, colour the verdict. Click a rectangle (or Tab to it and press Enter) to zoom "
    "in; the path above, Escape or Backspace zoom out."
)


def render(analysis: Analysis, *, sort: str = "exclusive") -> str:
    """The whole page; every row is shown (the table sorts in the page)."""
    view = build_view(analysis, sort=sort)
    tree = build_tree(analysis)
    keys = keys_in(tree)
    colours = {k: COLOURS.get(k, "var(--other)") for k in sorted(keys)}
    data = script_json(  # every name made visible, as in the markup
        clean({"total": analysis.scan.total_bytes, "colours": colours, "tree": tree.to_data()})
    )
    d3, own = _static("d3-hierarchy.min.js"), _static("report.js")
    csp = (
        f"default-src 'none'; script-src {_hash(d3)} {_hash(own)}; "
        "style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    title_lines = "".join(f"<div>{escape(line)}</div>" for line in view.title.splitlines())
    body = (
        f'<header><h1>depsize report</h1><p class="summary">{escape(view.summary)}</p>'
        f'<div class="where">{title_lines}</div></header><main>'
        '<section id="map-section" aria-label="Size treemap"><h2>Where the bytes are</h2>'
        '<nav id="crumbs" aria-label="Zoom path"></nav>'
        '<div id="treemap" role="group" aria-label="Treemap of the environment"></div>'
        f'<div id="tip" role="tooltip" hidden></div>{_legend(keys)}'
        f'<p class="hint">{escape(_HINT)}</p></section>'
        f'<section id="verdicts"><h2>Requirements</h2>{_table(view)}</section>'
        f"{_recommendations(analysis)}{_findings(view)}</main>"
        f'<footer><p class="muted">{escape(view.totals)}</p>'
        f"<details><summary class=muted>d3-hierarchy {D3_VERSION} (ISC licence), inlined"
        f"</summary><pre>{escape(_static('LICENSE-d3-hierarchy'))}</pre></details></footer>"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f"<title>depsize report</title><style>{_static('report.css')}</style></head>"
        f"<body>{body}"
        f'<script type="application/json" id="depsize-data">{data}</script>'
        f"<script>{d3}</script><script>{own}</script></body></html>\n"
    )
