"""How each tool is run on a project, and what its output claims.

Every tool gets the same exported tree and the same venv. A run records its commands, exit codes,
wall time, whether it crashed (a traceback, a panic, or the tool's own internal-error code) or
failed (any other unusable outcome), and its claims:

- ``removal_claims``: declared requirements the tool says can go (canonical names);
- ``likely_claims``: removals the tool reports at a lower confidence (depsize ``likely``,
  chokkin ``likely``); scored separately as the ``+likely`` variants;
- ``line_claims`` (depsize): ``transitive-only`` lines it is ``certain`` can go (another declared
  requirement installs the package; the line asks for nothing more), which ``trim`` removes
  only with ``--remove transitive-only``;
- ``undeclared_claims``: imported modules the tool says are not declared.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from declarations import (
    DEV_FILE,
    declaration_files,
    first_party,
    pyproject,
    requirement_files,
)
from definitions import REMOVABLE_STATUSES, Project, canonical
from workspace import clean_env

TOOL_TIMEOUT = 900
PEER_VERSIONS = {
    "deptry": "0.25.1",
    "fawltydeps": "0.20.0",
    "creosote": "5.2.0",
    "chokkin": "0.7.11",
}
"""Pinned so that a rerun measures the same tools; bump deliberately and commit new results."""

TOOLS = ("depsize", *PEER_VERSIONS)
CRASH_MARKERS = ("Traceback (most recent call last)", "panicked at")


@dataclass
class ToolRun:
    tool: str
    version: str | None = None
    commands: list[list[str]] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    seconds: float = 0.0
    crashed: bool = False
    failed: bool = False
    problem: str | None = None
    removal_claims: list[str] = field(default_factory=list)
    likely_claims: list[str] = field(default_factory=list)
    line_claims: list[str] = field(default_factory=list)
    """depsize only: ``transitive-only`` lines that are no version pin (removable, frees 0 B)."""
    undeclared_claims: list[str] = field(default_factory=list)
    statuses: dict[str, list[str]] = field(default_factory=dict)
    """depsize only: every status each requirement got (a name can have several rows)."""
    env_total_bytes: int | None = None
    """depsize only: ``env.total_bytes``."""

    def usable(self) -> bool:
        return not (self.crashed or self.failed)


@dataclass(frozen=True)
class Context:
    """Everything a tool adapter needs to point its tool at one project."""

    project: Project
    project_dir: Path
    venv: Path
    out: Path
    work: Path
    tools: Path
    repo_src: Path
    depsize_python: Path


@dataclass(frozen=True)
class Output:
    code: int
    stdout: str
    stderr: str


def execute(
    run: ToolRun, ctx: Context, args: list[str], env: dict[str, str] | None = None
) -> Output:
    """Run one command in the project folder; record it, its exit code and its wall time."""
    run.commands.append([a.replace(str(ctx.work), "<work>") for a in args])
    start = time.perf_counter()
    try:
        done = subprocess.run(
            args,
            cwd=ctx.project_dir,
            capture_output=True,
            text=True,
            errors="replace",
            env=env or clean_env(),
            timeout=TOOL_TIMEOUT,
            check=False,
        )
        out = Output(done.returncode, done.stdout, done.stderr)
    except subprocess.TimeoutExpired:
        out = Output(124, "", f"timed out after {TOOL_TIMEOUT} s")
    except OSError as exc:
        out = Output(127, "", str(exc))
    run.seconds += time.perf_counter() - start
    run.exit_codes.append(out.code)
    stem = f"{run.tool}-{len(run.commands)}"
    (ctx.out / f"{stem}.stdout").write_text(out.stdout, encoding="utf-8")
    (ctx.out / f"{stem}.stderr").write_text(out.stderr, encoding="utf-8")
    return out


def judge_exit(run: ToolRun, out: Output, ok: set[int], crash: set[int]) -> bool:
    """Mark ``run`` crashed or failed from one command's outcome; whether its output is usable."""
    marker = next((m for m in CRASH_MARKERS if m in out.stderr), None)
    if marker or out.code in crash:
        run.crashed = True
        why = f"'{marker}' on stderr" if marker else f"exit code {out.code}"
        run.problem = f"crashed ({why}): {_last_line(out.stderr)}"
        return False
    if out.code not in ok:
        run.failed = True
        run.problem = f"exit code {out.code}: {_last_line(out.stderr or out.stdout)}"
        return False
    return True


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _load_json(run: ToolRun, text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        run.failed = True
        run.problem = f"{what} is not JSON: {exc}"
        return None


# --- depsize -----------------------------------------------------------------------------------


def run_depsize(ctx: Context) -> ToolRun:
    """``depsize scan PROJECT --env VENV --format json --no-cache`` from this checkout's
    ``src/``: a cold run (as chokkin's ``--no-cache``) that writes no cache outside the scratch
    folder."""
    run = ToolRun("depsize")
    args = [str(ctx.depsize_python), "-m", "depsize", "scan", str(ctx.project_dir)]
    args += ["--env", str(ctx.venv), "--format", "json", "--no-cache", *ctx.project.depsize_args]
    out = execute(run, ctx, args, env=clean_env(PYTHONPATH=str(ctx.repo_src)))
    if not judge_exit(run, out, ok={0, 1}, crash={3}):
        return run
    report = _load_json(run, out.stdout, "depsize's stdout")
    if report is not None:
        parse_depsize(run, report)
    return run


def parse_depsize(run: ToolRun, report: dict[str, Any]) -> None:
    run.version = report.get("depsize_version")
    run.env_total_bytes = report.get("env", {}).get("total_bytes")
    removal, likely, lines = set(), set(), set()
    for row in report.get("requirements", []):
        name = canonical(row["name"])
        run.statuses.setdefault(name, [])
        if row["status"] not in run.statuses[name]:
            run.statuses[name].append(row["status"])
        if row["status"] in REMOVABLE_STATUSES and not row.get("ignored", False):
            # no confidence field (a depsize before confidences existed) means certain
            (likely if row.get("confidence", "certain") == "likely" else removal).add(name)
        if row["status"] == "transitive-only" and not row.get("ignored"):
            # a report from before transitive-only rows had a confidence: a pin was kept
            conf = row.get("confidence") or ("likely" if row.get("pin") else "certain")
            (likely if conf == "likely" else lines).add(name)
    run.removal_claims = sorted(removal)
    run.line_claims = sorted(lines - removal)
    run.likely_claims = sorted(likely - removal)
    run.undeclared_claims = sorted({u["module"] for u in report.get("undeclared", [])})
    run.statuses = {k: sorted(v) for k, v in sorted(run.statuses.items())}


# --- deptry --------------------------------------------------------------------------------------


def deptry_args(ctx: Context) -> list[str]:
    """deptry reads pyproject.toml itself; requirements files must be named (-rf / -rfd)."""
    args = []
    data = pyproject(ctx.project_dir)
    if not ("project" in data or "poetry" in data.get("tool", {})):
        files = requirement_files(ctx.project, ctx.project_dir)
        main = [f for f in files if not DEV_FILE.search(Path(f).name)]
        dev = [f for f in files if DEV_FILE.search(Path(f).name)]
        if main:
            args += ["--requirements-files", ",".join(main)]
        if dev:
            args += ["--requirements-files-dev", ",".join(dev)]
    for name in first_party(ctx.project_dir):
        args += ["--known-first-party", name]
    return args


def run_deptry(ctx: Context) -> ToolRun:
    """deptry must run inside the project's venv (it reads metadata through importlib): the
    venv's interpreter runs it from a ``pip --target`` folder put first on PYTHONPATH, so the
    venv itself is not changed."""
    run = ToolRun("deptry")
    report = ctx.out / "deptry.json"
    python = str(ctx.venv / "bin" / "python")
    args = [python, "-m", "deptry", ".", "--no-ansi", "--json-output", str(report)]
    args += deptry_args(ctx) + list(ctx.project.peer_args.get("deptry", ()))
    overlay = ctx.tools / f"deptry-{ctx.project.python}"
    env = clean_env(PYTHONPATH=str(overlay), PYTHONDONTWRITEBYTECODE="1")
    out = execute(run, ctx, args, env=env)
    if not judge_exit(run, out, ok={0, 1}, crash=set()):
        return run
    if not report.is_file():
        run.failed, run.problem = True, f"no JSON report written: {_last_line(out.stderr)}"
        return run
    violations = _load_json(run, report.read_text(encoding="utf-8"), "deptry's report")
    if violations is not None:
        parse_deptry(run, violations)
    return run


def parse_deptry(run: ToolRun, violations: list[dict[str, Any]]) -> None:
    codes = {v["error"]["code"]: set() for v in violations}
    for v in violations:
        codes[v["error"]["code"]].add(v["module"])
    run.removal_claims = sorted({canonical(m) for m in codes.get("DEP002", set())})
    run.undeclared_claims = sorted(codes.get("DEP001", set()) | codes.get("DEP003", set()))


# --- fawltydeps ----------------------------------------------------------------------------------


def run_fawltydeps(ctx: Context) -> ToolRun:
    run = ToolRun("fawltydeps")
    exe = str(ctx.tools / "fawltydeps" / "bin" / "fawltydeps")
    args = [exe, "--json", "--pyenv", str(ctx.venv)]
    declared = declaration_files(ctx.project, ctx.project_dir)
    args += ["--deps", *declared] if declared else []
    if declared and declared == requirement_files(ctx.project, ctx.project_dir):
        # fawltydeps picks a parser by file name; requirements/dev.txt needs saying
        args += ["--deps-parser-choice", "requirements.txt"]
    args += [*ctx.project.peer_args.get("fawltydeps", ()), "--", "."]
    out = execute(run, ctx, args)
    if not judge_exit(run, out, ok={0, 3, 4}, crash={1}):
        return run
    report = _load_json(run, out.stdout, "fawltydeps' stdout")
    if report is not None:
        run.version = report.get("version")
        run.removal_claims = sorted({canonical(d["name"]) for d in report["unused_deps"]})
        run.undeclared_claims = sorted({d["name"] for d in report["undeclared_deps"]})
    return run


# --- creosote ------------------------------------------------------------------------------------

PYPROJECT_SECTIONS = (
    ("project", "dependencies"),
    ("project", "optional-dependencies"),
    ("dependency-groups",),
    ("tool", "poetry", "dependencies"),
    ("tool", "poetry", "dev-dependencies"),
    ("tool", "pdm", "dev-dependencies"),
)


def creosote_targets(ctx: Context) -> list[list[str]]:
    """creosote reads one dependency file per run: one run per file, every section present."""
    targets = [["--deps-file", f] for f in requirement_files(ctx.project, ctx.project_dir)]
    declared = declaration_files(ctx.project, ctx.project_dir)
    data = pyproject(ctx.project_dir) if "pyproject.toml" in declared else {}
    sections = []
    for keys in PYPROJECT_SECTIONS:
        node: Any = data
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if node:
            sections.append(".".join(keys))
    groups = data.get("tool", {}).get("poetry", {}).get("group", {})
    sections += [f"tool.poetry.group.{g}.dependencies" for g in groups if isinstance(g, str)]
    if sections:
        targets.append(
            ["--deps-file", "pyproject.toml", *(x for s in sections for x in ("--section", s))]
        )
    return targets


def django_settings(ctx: Context) -> list[str]:
    """creosote's docs: point --django-settings at the settings file of a Django project."""
    if "django" not in ctx.project.kind.lower():
        return []
    found = []
    for path in ctx.project_dir.rglob("*.py"):
        rel = path.relative_to(ctx.project_dir)
        if "settings" in str(rel) and "INSTALLED_APPS" in path.read_text(errors="replace"):
            found.append(rel)
    found.sort(key=lambda p: (len(p.parts), str(p)))
    return ["--django-settings", str(found[0])] if found else []


def run_creosote(ctx: Context) -> ToolRun:
    run = ToolRun("creosote")
    exe = str(ctx.tools / "creosote" / "bin" / "creosote")
    common = ["--path", ".", "--venv", str(ctx.venv), "--format", "porcelain", "--include-deferred"]
    common += django_settings(ctx) + list(ctx.project.peer_args.get("creosote", ()))
    targets = creosote_targets(ctx)
    if not targets:
        run.failed, run.problem = True, "no dependency file to point creosote at"
    claims = set()
    for target in targets:
        out = execute(run, ctx, [exe, *common, *target])
        if not judge_exit(run, out, ok={0, 1}, crash=set()):
            return run
        claims |= {canonical(line.strip()) for line in out.stdout.splitlines() if line.strip()}
    run.removal_claims = sorted(claims)
    return run


# --- chokkin -------------------------------------------------------------------------------------


def run_chokkin(ctx: Context) -> ToolRun:
    """chokkin reads the venv at ``PROJECT/.venv``: a symlink to the venv, for this run only."""
    run = ToolRun("chokkin")
    exe = str(ctx.tools / "chokkin" / "bin" / "chokkin")
    link = ctx.project_dir / ".venv"
    made = not os.path.lexists(link)
    if made:
        link.symlink_to(ctx.venv)
    try:
        args = [exe, "--reporter", "json", "--no-cache", *ctx.project.peer_args.get("chokkin", ())]
        out = execute(run, ctx, [*args, "."])
    finally:
        if made:
            link.unlink()
    if not judge_exit(run, out, ok={0, 1}, crash={3}):
        return run
    report = _load_json(run, out.stdout, "chokkin's stdout")
    if report is not None:
        parse_chokkin(run, report)
    return run


def parse_chokkin(run: ToolRun, report: dict[str, Any]) -> None:
    run.version = report.get("version")
    certain, likely, undeclared = set(), set(), set()
    for issue in report.get("issues", []):
        if issue["code"] == "CHK002" and issue.get("distribution"):
            target = certain if issue.get("confidence") == "certain" else likely
            target.add(canonical(issue["distribution"]))
        elif issue["code"] in {"CHK003", "CHK004"}:
            module = issue.get("symbol") or str(issue.get("target", "")).rsplit(":", 1)[-1]
            undeclared.add(module)
    run.removal_claims = sorted(certain)
    run.likely_claims = sorted(likely - certain)
    run.undeclared_claims = sorted(m for m in undeclared if m)


RUNNERS: dict[str, Callable[[Context], ToolRun]] = {
    "depsize": run_depsize,
    "deptry": run_deptry,
    "fawltydeps": run_fawltydeps,
    "creosote": run_creosote,
    "chokkin": run_chokkin,
}
