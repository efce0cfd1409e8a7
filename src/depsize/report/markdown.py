"""``--format markdown``: fits a pull-request comment and ``$GITHUB_STEP_SUMMARY``."""

from __future__ import annotations

from depsize.analyze import Analysis
from depsize.report.view import COLUMNS, build_view
from depsize.units import human


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(analysis: Analysis, *, top: int | None = None, sort: str = "exclusive") -> str:
    view = build_view(analysis, top=top, sort=sort)
    out = [
        "## depsize report",
        "",
        f"**{_cell(view.summary)}**",
        "",
        f"<sub>{_cell(view.title)}</sub>",
        "",
    ]
    head = ["requirement" if view.has_status else "root"]
    head += ["status"] if view.has_status else []
    head += ["own", "closure", "exclusive", "share"]
    head += ["declared at"] if view.has_status else []
    out.append("| " + " | ".join(head) + " |")
    out.append(
        "|"
        + "|".join(
            ":--" if i == 0 or (view.has_status and h in ("status", "declared at")) else "--:"
            for i, h in enumerate(head)
        )
        + "|"
    )
    for row in view.rows:
        cells = [f"`{_cell(row.name)}`"] + ([row.status] if view.has_status else [])
        cells += [human(row.own), human(row.closure), human(row.exclusive), human(row.share)]
        cells += [f"`{_cell(row.source)}`"] if view.has_status else []
        out.append("| " + " | ".join(cells) + " |")
    if view.hidden_rows:
        out += ["", f"… {view.hidden_rows} more rows ({human(view.hidden_share)} of share)"]
    out += ["", f"<sub>{_cell(COLUMNS)}</sub>"]
    for section in view.sections:
        out += ["", f"### {section.title}", ""]
        out += [f"- {_cell(line)}" for line in section.lines]
    if view.recommendations:
        out += ["", "### Recommendations", ""]
        out += [f"{n}. {_cell(text)}" for n, text in enumerate(view.recommendations, start=1)]
    if view.could_not_read:
        out += ["", f"<details><summary>Could not read ({len(view.could_not_read)})</summary>", ""]
        out += [f"- `{_cell(line)}`" for line in view.could_not_read]
        out += ["", "</details>"]
    out += ["", _cell(view.totals), ""]
    return "\n".join(out)
