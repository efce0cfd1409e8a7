"""``results/table.md`` from a results document (``results/results.json``)."""

from __future__ import annotations

from typing import Any

from scoring import VARIANTS

PRIMARY = ("depsize", "deptry", "fawltydeps", "creosote", "chokkin")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows), ""]


def _run_cell(project: dict[str, Any], tool: str) -> str | None:
    """Why a tool has no score on a project, or ``None`` when it has one."""
    run = project.get("runs", {}).get(tool)
    if run is None:
        return "not run"
    if run["crashed"]:
        return "**CRASH**"
    if run["failed"]:
        return "failed"
    return None


def pooled_table(results: dict[str, Any]) -> list[str]:
    rows = []
    for variant in VARIANTS:
        p = results["pooled"].get(variant)
        if not p:
            continue
        statuses = p.get("statuses")
        right = f"{statuses['right']}/{statuses['judged']}" if statuses else ""
        rows.append(
            [
                variant,
                str(p["projects"]),
                _pct(p["precision"]),
                _pct(p["recall"]),
                f"{p['tp']}/{p['fp']}/{p['fn']}",
                str(p["unjudged"]),
                f"{p['undeclared_fp']} of {p['undeclared_claims']}",
                f"{right} ({_pct(statuses['share'])})" if statuses else "",
                _starts_cell(results, variant),
            ]
        )
    header = [
        "tool",
        "projects",
        "precision",
        "recall",
        "tp/fp/fn",
        "unjudged",
        "undeclared FP",
        "statuses right",
        "app starts after its removals",
    ]
    return _table(header, rows)


def _starts_cell(results: dict[str, Any], variant: str) -> str:
    """``N of M`` projects whose app still starts after the tool's removals (``--start-check``)."""
    row = results.get("pooled_start_check", {}).get(variant)
    if not row:
        return ""
    stopped = f" (stops {', '.join(row['stopped'])})" if row["stopped"] else ""
    return f"{row['starts']} of {row['projects']}{stopped}"


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _command(command: list[str], width: int) -> str:
    """A start command on one line, cut to ``width`` characters (``python -c`` code included)."""
    text = " ".join(" ".join(command).split()).replace("`", "'")
    return text if len(text) <= width else text[: width - 1] + "…"


def _trim_cell(trim: dict[str, Any] | None) -> str:
    if trim is None:
        return "not run"
    if not trim["uninstalled"]:
        lines = len(trim["removed"])
        return f"starts ({lines} lines, nothing uninstalled)" if lines else "starts (no removals)"
    size = f"{len(trim['uninstalled'])} dists, {_mb(trim['uninstalled_bytes'])}"
    if trim["starts"]:
        return f"starts (without {size})"
    return f"**STOPS** at `{_command(trim['failed_command'], 40)}` (without {size})"


def start_check_section(results: dict[str, Any]) -> list[str]:
    """Per project and tool: does the app start in a venv without what the removals drop?"""
    checked = {
        n: p["start_check"] for n, p in sorted(results["projects"].items()) if p.get("start_check")
    }
    if not checked:
        return ["not measured (run with `--start-check`)", ""]
    rows, failures = [], []
    for name, check in checked.items():
        untrimmed = check.get("untrimmed") or {}
        if check.get("problem") or not untrimmed.get("starts"):
            why = (
                check.get("problem")
                or f"fails untrimmed at `{_command(untrimmed['failed_command'], 60)}`"
            )
            rows.append([name, f"**{why}**", *[""] * len(PRIMARY)])
            continue
        tools = check.get("tools", {})
        rows.append([name, "starts", *(_trim_cell(tools.get(t)) for t in PRIMARY)])
        for tool in PRIMARY:
            trim = tools.get(tool)
            if trim and not trim["starts"]:
                last = (trim["stderr_tail"].strip().splitlines() or [""])[-1]
                failures.append(
                    f"- {name} / {tool}: `{_command(trim['failed_command'], 100)}` → {last[:200]}"
                )
            if trim and trim["pip_check_new_missing"]:
                failures.append(f"- {name} / {tool}: pip check: {trim['pip_check_new_missing']}")
    header = ["project", "untrimmed", *PRIMARY]
    return [*_table(header, rows), "Why each stop:", "", *(failures or ["none"]), ""]


def _removal_cell(project: dict[str, Any], tool: str) -> str:
    problem = _run_cell(project, tool)
    if problem:
        return problem
    score = (project.get("scores") or {}).get(tool)
    if not score:
        return "no truth"
    r = score["removal"]
    flag = f" ⚠{len(r['unjudged'])} unjudged" if r["unjudged"] else ""
    return f"{_pct(r['precision'])} / {_pct(r['recall'])} ({r['tp']}/{r['fp']}/{r['fn']}){flag}"


def project_table(results: dict[str, Any]) -> list[str]:
    rows = []
    for name, project in sorted(results["projects"].items()):
        if project["status"] != "ok":
            rows.append([name, project.get("kind", ""), "", *[project["status"]] * len(PRIMARY)])
            continue
        truth = project.get("truth") or {}
        positives = str(truth.get("positives", "no truth"))
        rows.append(
            [name, project["kind"], positives, *(_removal_cell(project, t) for t in PRIMARY)]
        )
    return _table(["project", "kind", "truth removable", *PRIMARY], rows)


def undeclared_table(results: dict[str, Any]) -> list[str]:
    rows = []
    for name, project in sorted(results["projects"].items()):
        if project["status"] != "ok":
            continue
        cells = []
        for tool in (t for t in PRIMARY if t != "creosote"):
            score = (project.get("scores") or {}).get(tool)
            problem = _run_cell(project, tool)
            if problem is None and score:
                problem = f"{score['undeclared']['fp']} of {score['undeclared']['claims']}"
            cells.append(problem or "no truth")
        rows.append([name, *cells])
    return _table(["project", *(t for t in PRIMARY if t != "creosote")], rows)


def statuses_table(results: dict[str, Any]) -> list[str]:
    rows = []
    for name, project in sorted(results["projects"].items()):
        score = (project.get("scores") or {}).get("depsize")
        if not score:
            continue
        s = score["statuses"]
        wrong = "; ".join(
            f"{w['name']}: {','.join(w['got'])} (want {'|'.join(w['want'])})" for w in s["wrong"]
        )
        rows.append([name, f"{s['right']}/{s['judged']}", wrong or "—"])
    return _table(["project", "right/judged", "wrong (got, want)"], rows)


def sizes_table(results: dict[str, Any]) -> list[str]:
    rows = []
    for name, project in sorted(results["projects"].items()):
        sizes = project.get("sizes")
        if not sizes:
            continue
        dep, ora, du = sizes["depsize_total"], sizes["oracle_total"], sizes["du_sb"]
        rows.append(
            [
                name,
                f"{dep:,}" if dep is not None else "n/a",
                f"{ora:,}",
                f"{du:,}" if du else "n/a",
                f"{dep - ora:+,}" if dep is not None else "n/a",
                f"{du - ora:+,}" if du else "n/a",
                ", ".join(f"{k} {v:+,}" for k, v in sizes["unexplained"].items() if v) or "none",
            ]
        )
    header = [
        "project",
        "depsize",
        "oracle",
        "du -sb",
        "depsize - oracle",
        "du - oracle",
        "unexplained",
    ]
    return _table(header, rows)


def size_explanations(results: dict[str, Any]) -> list[str]:
    lines = []
    for name, project in sorted(results["projects"].items()):
        sizes = project.get("sizes")
        if sizes:
            lines.append(f"- **{name}**")
            lines += [f"  - {line.strip()}" for line in sizes["explanation"]]
    return [*lines, ""]


def time_table(results: dict[str, Any]) -> list[str]:
    rows = []
    for name, project in sorted(results["projects"].items()):
        runs = project.get("runs", {})
        if runs:
            rows.append(
                [name, *(f"{runs[t]['seconds']:.2f}" if t in runs else "" for t in PRIMARY)]
            )
    return _table(["project (seconds)", *PRIMARY], rows)


def problems(results: dict[str, Any]) -> list[str]:
    lines = []
    for name, project in sorted(results["projects"].items()):
        if project["status"] != "ok":
            lines.append(f"- {name}: {project['status']}: {project.get('error', '')}")
        for tool, run in sorted(project.get("runs", {}).items()):
            if run["problem"]:
                lines.append(f"- {name} / {tool}: {run['problem']}")
        for tool, score in sorted((project.get("scores") or {}).items()):
            if score and score["removal"]["unjudged"]:
                lines.append(
                    f"- {name} / {tool}: UNJUDGED claims {score['removal']['unjudged']} "
                    f"(truth/{name}.toml does not judge them: it is incomplete)"
                )
    lines += [f"- tools: {p}" for p in results.get("tool_problems", [])]
    return [*(lines or ["none"]), ""]


def render(results: dict[str, Any]) -> str:
    versions = ", ".join(f"{t} {v or '?'}" for t, v in sorted(results["tool_versions"].items()))
    out = [
        "# Real-world benchmark",
        "",
        f"Tools: {versions}. Generated by `python benchmarks/realworld/run.py`; see README.md.",
        "Removal claims: depsize = unused/dead-code-only rows with confidence certain (what "
        "`depsize trim` removes); `depsize +transitive` adds the transitive-only lines it is "
        "certain can go (every certain claim); chokkin = CHK002 at certain (what `--fix` "
        "removes); `+likely` adds likely claims. Crashed or failed runs are left out of the "
        "pooled scores.",
        "",
        "## Pooled removal precision / recall",
        "",
        *pooled_table(results),
        "## Per project: removal precision / recall (tp/fp/fn)",
        "",
        *project_table(results),
        "## Undeclared-import false positives (false of claimed)",
        "",
        *undeclared_table(results),
        "## depsize statuses right",
        "",
        *statuses_table(results),
        "## App starts after each tool's removals",
        "",
        "A venv without what a fresh install from the trimmed declarations would not install "
        "(a hard-linked copy; see `startcheck.py`), then the project's `start` commands. "
        "`N dists, X MB`: the distributions uninstalled and their size.",
        "",
        *start_check_section(results),
        "## Sizes (bytes)",
        "",
        *sizes_table(results),
        "Where each difference comes from (each part measured by `oracle.py`):",
        "",
        *size_explanations(results),
        "## Wall time",
        "",
        *time_table(results),
        "## Problems",
        "",
        *problems(results),
    ]
    return "\n".join(out)
