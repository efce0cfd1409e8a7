"""Reports of a plan and of a plan diff: a table (rich), Markdown (a PR comment) and JSON."""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

from depsize import __version__
from depsize.plan.build import Plan
from depsize.plan.diff import PlanDiff
from depsize.units import human

PLAN_SCHEMA_VERSION = 1

COLUMNS = (
    "own: the bytes of the requirement's own distribution · closure: with everything it pulls "
    "in · exclusive: what removing it alone frees · share: its even share of what it pulls in "
    "(shares + extraneous = total)"
)

if TYPE_CHECKING:
    from depsize.analyze import Analysis


def _size(value: int | None) -> str:
    return "unknown" if value is None else human(value)


def _target(plan: Plan) -> str:
    platform = plan.target.platform or "this platform"
    return f"Python {plan.target.python_version} on {platform}"


def summary(plan: Plan) -> list[str]:
    total = plan.attribution.total_bytes
    known = len(plan.dists) - len(plan.unknown)
    lines = [
        f"{plan.lock.path} ({plan.lock.kind}) for {_target(plan)}: {len(plan.dists)} "
        f"distributions, {human(total)} installed ({total:,} bytes"
        + (f", {known} of {len(plan.dists)} known)" if plan.partial else ")"),
        f"byte-code a compiling install adds: about {human(plan.bytecode_estimate)} "
        "(an estimate; none with --no-compile)",
    ]
    if plan.partial:
        names = ", ".join(f"{d.name} {d.version} ({d.unknown})" for d in plan.unknown)
        lines.append(f"PARTIAL: installed size unknown for {len(plan.unknown)}: {names}")
    return lines


def _root_rows(plan: Plan) -> list[list[str]]:
    unknown = {d.name for d in plan.unknown}
    rows = []
    for sizes in sorted(plan.attribution.roots, key=lambda r: (-r.closure, r.root.name)):
        mark = " +?" if sizes.reach & unknown else ""
        name = plan.declared_text.get(sizes.root.name, sizes.root.name)
        rows.append(
            [
                name,
                human(sizes.own),
                human(sizes.closure) + mark,
                human(sizes.exclusive) + mark,
                human(sizes.share) + mark,
            ]
        )
    return rows


def _dist_rows(plan: Plan) -> list[list[str]]:
    ordered = sorted(plan.dists, key=lambda d: (-(d.installed_bytes or -1), d.name))
    return [
        [
            d.name,
            d.version,
            _size(d.installed_bytes),
            human(d.installer_bytes + d.script_bytes) if d.installed_bytes is not None else "",
            f"~{human(d.bytecode_estimate)}" if d.installed_bytes is not None else "",
            d.wheel or d.reason,
        ]
        for d in ordered
    ]


_ROOT_HEAD = ["requirement", "own", "closure", "exclusive", "share"]
_DIST_HEAD = ["distribution", "version", "installed", "installer files", "byte-code", "wheel"]


def render_text(plan: Plan, stream: IO[str], *, color: bool, width: int | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, width=width or 100, color_system="auto" if color else None)
    for line in summary(plan):
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    heading = "Declared requirements" if plan.roots_from == "declared" else "Top-level"
    for title, head, rows in (
        (heading, _ROOT_HEAD, _root_rows(plan)),
        ("Distributions", _DIST_HEAD, _dist_rows(plan)),
    ):
        table = Table(title=title, title_justify="left", show_edge=False)
        for index, column in enumerate(head):
            table.add_column(column, justify="right" if 0 < index < 5 else "left")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    console.print(COLUMNS, highlight=False, markup=False)
    for rec in plan.recommendations:
        console.print(f"- {rec.title}: {human(rec.bytes)}. {rec.detail}", markup=False)


def escape(text: str) -> str:
    from depsize.report.markdown import escape as markdown_escape

    return markdown_escape(text)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
    return out


def render_markdown(plan: Plan) -> str:
    lines = ["## depsize plan", "", *(escape(line) for line in summary(plan)), ""]
    lines += [*_md_table(_ROOT_HEAD, _root_rows(plan)), ""]
    lines += [*_md_table(_DIST_HEAD, _dist_rows(plan)), "", f"_{escape(COLUMNS)}_", ""]
    return "\n".join(lines)


def render_html(plan: Plan) -> str:
    """The planned set in ``scan``'s HTML report (treemap, table, recommendations)."""
    from depsize.report import html

    return html.render(plan_analysis(plan))


def plan_analysis(plan: Plan) -> Analysis:
    """The plan as an environment-only :class:`~depsize.analyze.Analysis`: it holds the same
    models a scan does, so reports and ``depsize check`` read it as they read a scan."""
    from depsize.analyze import Analysis, Settings

    return Analysis(
        settings=Settings(env_only=True),
        scan=plan.scan,
        graph=plan.graph,
        roots=plan.roots,
        roots_from=plan.roots_from,
        attribution=plan.attribution,
        warnings=plan.warnings,
        recommendations=plan.recommendations,
        notes=tuple(summary(plan)),
    )


def plan_document(plan: Plan) -> dict[str, Any]:
    return {
        "schema": "depsize-plan",
        "schema_version": PLAN_SCHEMA_VERSION,
        "depsize_version": __version__,
        "lock": {"path": str(plan.lock.path), "kind": plan.lock.kind},
        "target": {
            "python_version": plan.target.python_version,
            "platform": plan.target.platform,
        },
        "total_bytes": plan.attribution.total_bytes,
        "bytecode_estimate_bytes": plan.bytecode_estimate,
        "partial": plan.partial,
        "roots_from": plan.roots_from,
        "distributions": [
            {
                "name": d.name,
                "version": d.version,
                "wheel": d.wheel,
                "installed_bytes": d.installed_bytes,
                "installer_bytes": d.installer_bytes,
                "script_bytes": d.script_bytes,
                "bytecode_estimate_bytes": d.bytecode_estimate,
                "file_count": len(d.files),
                "requires": list(plan.graph.requires(d.name)),
                "unknown": d.unknown,
                "reason": d.reason or None,
            }
            for d in plan.dists
        ],
        "requirements": [
            {
                "name": r.root.name,
                "declared": plan.declared_text.get(r.root.name),
                "own_bytes": r.own,
                "closure_bytes": r.closure,
                "exclusive_bytes": r.exclusive,
                "share_bytes": r.share,
            }
            for r in plan.attribution.roots
        ],
        "extraneous": list(plan.attribution.extraneous),
        "recommendations": [
            {"kind": r.kind, "bytes": r.bytes, "detail": r.detail} for r in plan.recommendations
        ],
        "warnings": [
            {"file": str(w.file) if w.file else None, "line": w.line, "message": w.message}
            for w in plan.warnings
        ],
        "fetched": {"requests": plan.requests, "bytes": plan.bytes_fetched},
    }


def render_json(plan: Plan) -> str:
    return json.dumps(plan_document(plan), indent=2) + "\n"


# --- diff ----------------------------------------------------------------------------------


def _signed(value: int | None) -> str:
    if value is None:
        return "unknown"
    return ("+" if value >= 0 else "-") + human(abs(value))


def diff_summary(diff: PlanDiff) -> list[str]:
    delta = diff.new_total - diff.old_total
    lines = [
        f"installed size {human(diff.old_total)} → {human(diff.new_total)} "
        f"({_signed(delta)}, {delta:+,} bytes)"
    ]
    for root, size in sorted(diff.added_by_root().items(), key=lambda kv: -kv[1]):
        lines.append(f"{root} adds {human(size)} ({size:,} bytes) of its own")
    if diff.partial:
        lines.append("PARTIAL: some installed sizes are unknown; the totals leave them out")
    return lines


def _diff_rows(diff: PlanDiff) -> list[list[str]]:
    return [
        [
            c.kind,
            c.name,
            " → ".join(v for v in (c.old_version, c.new_version) if v),
            _signed(c.delta),
            ", ".join(c.brought_by) or "(nothing declared reaches it)",
        ]
        for c in diff.changes
    ]


_DIFF_HEAD = ["change", "distribution", "version", "installed", "brought in by"]


def render_diff_text(diff: PlanDiff, stream: IO[str], *, color: bool, width: int | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, width=width or 100, color_system="auto" if color else None)
    for line in diff_summary(diff):
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    if not diff.changes:
        console.print("no distribution is added, removed or resized", markup=False)
        return
    table = Table(show_edge=False)
    for index, column in enumerate(_DIFF_HEAD):
        table.add_column(column, justify="right" if index == 3 else "left")
    for row in _diff_rows(diff):
        table.add_row(*row)
    console.print(table)


def render_diff_markdown(diff: PlanDiff) -> str:
    lines = ["## depsize plan: what this change installs", ""]
    lines += [f"- {escape(line)}" for line in diff_summary(diff)] + [""]
    if diff.changes:
        lines += [*_md_table(_DIFF_HEAD, _diff_rows(diff)), ""]
    return "\n".join(lines)


def render_diff_json(diff: PlanDiff) -> str:
    document = {
        "schema": "depsize-plan-diff",
        "schema_version": PLAN_SCHEMA_VERSION,
        "old_total_bytes": diff.old_total,
        "new_total_bytes": diff.new_total,
        "partial": diff.partial,
        "changes": [
            {
                "kind": c.kind,
                "name": c.name,
                "old_version": c.old_version,
                "new_version": c.new_version,
                "old_bytes": c.old_bytes,
                "new_bytes": c.new_bytes,
                "delta_bytes": c.delta,
                "brought_by": list(c.brought_by),
            }
            for c in diff.changes
        ],
        "added_by_requirement": diff.added_by_root(),
    }
    return json.dumps(document, indent=2) + "\n"
