"""Run depsize and its peers on real projects and score them against hand-written truth.

    python benchmarks/realworld/run.py [--only NAME] [--sources DIR] [--work DIR] [--skip-install]
                                       [--results-dir DIR] [--check]

For each ``projects/NAME.toml``: export the project at its commit (from ``--sources``, else a
``git clone``), build a Python venv from the project's own declared dependencies (reused while
the install spec and commit are unchanged), run depsize from this checkout's ``src/`` and the
peer tools, compare the sizes with ``du -sb`` and ``oracle.py``, score every tool against
``truth/NAME.toml``, and write ``results/results.json`` and ``results/table.md``. See README.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomllib
import workspace
from declarations import declaration_files
from definitions import (
    TRUTH,
    DefinitionError,
    Project,
    Truth,
    load_project,
    load_truth,
    project_files,
    validate_all,
)
from report import render
from scoring import pooled, score_project
from sizes import compare_sizes
from startcheck import pooled_starts, start_check
from tools import PEER_VERSIONS, RUNNERS, Context, ToolRun
from workspace import SetupError

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SRC = REPO / "src"
DEFAULT_WORK = REPO / "benchmarks" / ".work" / "realworld"
DEFAULT_RESULTS = HERE / "results"
TOOLS_PYTHON = "3.11"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", metavar="NAME", help="run one project (merged into results)")
    parser.add_argument("--sources", type=Path, help="folder with DIR/<mirror> or DIR/<name>")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="scratch folder")
    parser.add_argument("--skip-install", action="store_true", help="reuse venvs as they are")
    parser.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument("--check", action="store_true", help="validate the definitions only")
    parser.add_argument(
        "--start-check",
        action="store_true",
        help="after each tool's removals, start the app in a trimmed copy of its venv",
    )
    return parser.parse_args(argv)


# --- tools -------------------------------------------------------------------------------------


def depsize_requirements() -> list[str]:
    """depsize's runtime dependencies, read from this checkout's pyproject.toml."""
    with open(REPO / "pyproject.toml", "rb") as handle:
        return list(tomllib.load(handle)["project"]["dependencies"])


class ToolBox:
    """The tools' installs under ``<work>/tools``: made once, reused while their spec holds.

    deptry runs on the project's own interpreter, so it gets one ``pip --target`` folder per
    Python version (``tools/deptry-3.11``), made when a project first needs it.
    """

    def __init__(self, tools: Path, skip: bool) -> None:
        self.tools, self.skip = tools, skip
        self.versions: dict[str, str | None] = {}
        self.problems: list[str] = []
        self.deptry: dict[str, Path | None] = {}

    def prepare(self) -> None:
        self.tools.mkdir(parents=True, exist_ok=True)
        python = workspace.python_for(TOOLS_PYTHON)
        self._note(
            workspace.install_venv_tool(
                "depsize-deps",
                depsize_requirements(),
                self.tools / "depsize-deps",
                python,
                self.skip,
            )
        )
        for name, version in PEER_VERSIONS.items():
            if name == "deptry":
                self.versions[name] = version if self.deptry_for(TOOLS_PYTHON) else None
                continue
            print(f"tool {name}=={version}", file=sys.stderr)
            where = self.tools / name
            problem = workspace.install_venv_tool(
                name, [f"{name}=={version}"], where, python, self.skip
            )
            self._note(problem)
            site = next(iter(sorted((where / "lib").glob("python3.*/site-packages"))), where)
            self.versions[name] = None if problem else workspace.dist_version(site, name)

    def deptry_for(self, python_version: str) -> Path | None:
        """The deptry folder for projects on ``python_version``, or ``None`` if it failed."""
        if python_version not in self.deptry:
            where = self.tools / f"deptry-{python_version}"
            requirement = f"deptry=={PEER_VERSIONS['deptry']}"
            print(f"tool {requirement} for Python {python_version}", file=sys.stderr)
            try:
                python = workspace.python_for(python_version)
                problem = workspace.install_target_tool(
                    where.name, requirement, where, python, self.skip
                )
            except SetupError as exc:
                problem = f"{where.name}: {exc}"
            self._note(problem)
            self.deptry[python_version] = None if problem else where
        return self.deptry[python_version]

    def _note(self, problem: str | None) -> None:
        if problem and problem not in self.problems:
            print(f"!! {problem}", file=sys.stderr)
            self.problems.append(problem)


# --- one project -------------------------------------------------------------------------------


def setup_project(project: Project, args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    """Sources, venv, freeze and a fresh tree; what the results record about them."""
    git_dir = workspace.find_git_dir(project, args.sources, scratch)
    spec = workspace.venv_spec(project)
    if not workspace.venv_is_current(scratch / "venv", spec):
        if args.skip_install and (scratch / "venv" / "bin" / "python").exists():
            print("  --skip-install: reusing a venv built from another spec", file=sys.stderr)
        elif args.skip_install:
            raise SetupError("no venv and --skip-install given")
        else:
            print(f"  building venv ({len(project.install)} pip installs)", file=sys.stderr)
            workspace.build_venv(project, git_dir, scratch)
    frozen = workspace.freeze(scratch)
    missing = workspace.export(git_dir, project.commit, scratch / "tree")
    if not (scratch / "tree" / project.subdir).is_dir():
        raise SetupError(f"subdir {project.subdir!r} is not a folder at {project.commit}")
    return {"freeze": frozen, "export_missing": missing}


def truth_summary(truth: Truth) -> dict[str, Any]:
    reqs = truth.requirements.values()
    return {
        "file": str(truth.path.relative_to(HERE)),
        "judged": len(truth.requirements),
        "positives": sum(r.removable is True for r in reqs),
        "negatives": sum(r.removable is False for r in reqs),
        "ambiguous": sum(r.removable is None for r in reqs),
        "undeclared": len(truth.undeclared),
    }


def run_tools(ctx: Context, box: ToolBox) -> tuple[dict[str, ToolRun], Any]:
    """depsize first (then the sizes, before anything else touches the venv), then the peers."""
    shutil.rmtree(ctx.out, ignore_errors=True)
    ctx.out.mkdir(parents=True)
    print("  depsize", file=sys.stderr)
    runs = {"depsize": RUNNERS["depsize"](ctx)}
    sizes = compare_sizes(workspace.site_packages(ctx.venv), runs["depsize"].env_total_bytes)
    for tool in PEER_VERSIONS:
        ready = box.deptry_for(ctx.project.python) if tool == "deptry" else box.versions.get(tool)
        if not ready:
            runs[tool] = ToolRun(tool, failed=True, problem="not installed (see tool problems)")
            continue
        print(f"  {tool}", file=sys.stderr)
        runs[tool] = RUNNERS[tool](ctx)
        runs[tool].version = runs[tool].version or box.versions.get(tool)
    return runs, sizes


def load_definitions(path: Path) -> tuple[Project, Truth | None, str | None]:
    project = load_project(path)
    truth_path = TRUTH / path.name
    if not truth_path.is_file():
        return project, None, f"no truth/{path.name}: the tools run, nothing is scored"
    return project, load_truth(truth_path, project.name), None


def run_project(path: Path, args: argparse.Namespace, box: ToolBox) -> dict[str, Any]:
    print(f"== {path.stem}", file=sys.stderr)
    try:
        project, truth, note = load_definitions(path)
    except DefinitionError as exc:
        return {"status": "invalid-definition", "error": str(exc)}
    result: dict[str, Any] = {
        "kind": project.kind,
        "url": project.url,
        "commit": project.commit,
        "subdir": project.subdir,
        "status": "ok",
        "error": note,
        "truth": truth_summary(truth) if truth else None,
    }
    scratch = args.work.resolve() / "projects" / project.name
    start = time.perf_counter()
    try:
        result.update(setup_project(project, args, scratch))
    except SetupError as exc:
        result.update(status="setup-failed", error=str(exc))
        return result
    result["setup_seconds"] = round(time.perf_counter() - start, 2)
    work = args.work.resolve()
    ctx = Context(
        project=project,
        project_dir=scratch / "tree" / project.subdir,
        venv=scratch / "venv",
        out=scratch / "out",
        work=work,
        tools=work / "tools",
        repo_src=SRC,
        depsize_python=work / "tools" / "depsize-deps" / "bin" / "python",
    )
    result["declaration_files"] = declaration_files(project, ctx.project_dir)
    runs, result["sizes"] = run_tools(ctx, box)
    result["runs"] = {tool: _rounded(asdict(run)) for tool, run in runs.items()}
    result["scores"] = score_project(runs, truth) if truth else None
    if args.start_check:
        print("  start check", file=sys.stderr)
        result["start_check"] = start_check(
            project,
            runs,
            depsize_report=ctx.out / "depsize-1.stdout",
            venv=ctx.venv,
            tree=scratch / "tree",
            scratch_root=scratch / "trim-check",
            pip=ctx.depsize_python,
            work=work,
        )
    return result


def _rounded(run: dict[str, Any]) -> dict[str, Any]:
    run["seconds"] = round(run["seconds"], 3)
    return run


# --- the results -----------------------------------------------------------------------------


def _git_head() -> str:
    done = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty", "--abbrev=40"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def assemble(
    projects: dict[str, Any], versions: dict[str, Any], problems: list[str]
) -> dict[str, Any]:
    return {
        "format": 1,
        "volatile": {
            "generated": datetime.now(UTC).isoformat(timespec="seconds"),
            "depsize_checkout": _git_head(),
            "machine": f"{platform.system()} {platform.machine()}, {platform.python_version()}",
        },
        "tool_versions": versions,
        "tool_problems": problems,
        "projects": projects,
        "pooled": pooled({n: p.get("scores") for n, p in projects.items()}),
        "pooled_start_check": pooled_starts(projects),
    }


def write_results(results: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (folder / "results.json").write_text(text, encoding="utf-8")
    (folder / "table.md").write_text(render(results), encoding="utf-8")


def loud_findings(results: dict[str, Any]) -> None:
    """Unjudged claims and unexplained size differences, on stderr, so nobody misses them."""
    for name, project in sorted(results["projects"].items()):
        for variant, score in sorted((project.get("scores") or {}).items()):
            if score and score["removal"]["unjudged"]:
                claims = score["removal"]["unjudged"]
                print(
                    f"!! UNJUDGED: {variant} claims {claims} removable in {name}; "
                    f"truth/{name}.toml does not judge them",
                    file=sys.stderr,
                )
        unexplained = (project.get("sizes") or {}).get("unexplained", {})
        if any(unexplained.values()):
            print(f"!! UNEXPLAINED size difference in {name}: {unexplained}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    problems = validate_all()
    for problem in problems:
        print(f"definition problem: {problem}", file=sys.stderr)
    if args.check:
        return 1 if problems else 0
    files = project_files(args.only)
    if not files:
        print(
            f"no project definition {'named ' + args.only if args.only else 'found'}",
            file=sys.stderr,
        )
        return 2
    start = time.perf_counter()
    box = ToolBox(args.work.resolve() / "tools", args.skip_install)
    box.prepare()
    projects = {path.stem: run_project(path, args, box) for path in files}
    previous = args.results_dir / "results.json"
    if args.only and previous.is_file():
        projects = {**json.loads(previous.read_text(encoding="utf-8"))["projects"], **projects}
    versions = {"depsize": _depsize_version(projects), **box.versions}
    results = assemble(projects, versions, box.problems)
    results["volatile"]["seconds"] = round(time.perf_counter() - start, 1)
    write_results(results, args.results_dir)
    loud_findings(results)
    print(render(results))
    print(
        f"wrote {args.results_dir / 'results.json'} in {results['volatile']['seconds']} s",
        file=sys.stderr,
    )
    return 0


def _depsize_version(projects: dict[str, Any]) -> str | None:
    for project in projects.values():
        version = project.get("runs", {}).get("depsize", {}).get("version")
        if version:
            return version
    return None


if __name__ == "__main__":
    sys.exit(main())
