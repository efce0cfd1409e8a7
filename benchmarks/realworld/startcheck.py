"""Does the app still start after a tool's removals? (``run.py --start-check``)

A removal verdict says: delete these lines and deploy. The unforgiving test of it is a fresh
environment built from the trimmed requirements: it lacks every distribution that only the removed
lines brought in, and the app must still start in it. Per project and per tool:

1. what a fresh install from the trimmed declarations would not install: the closures of the
   removed requirements minus the closures of the kept ones (closures from depsize's JSON report:
   each requirement's ``closure``, else the ``requires`` edges of its ``distributions``), never the
   project's own distribution nor what ``python -m venv`` seeds every venv with (pip; setuptools
   before Python 3.12);
2. a scratch copy of the venv made of hard links (``cp -al``), so that ``pip uninstall`` in it
   only unlinks the copy's names and the project's venv is left as it was (checked: file count and
   bytes before and after); the project folder is copied too, since starting an app may write;
3. ``pip uninstall -y`` of exactly those distributions in the copy, then ``pip check``: any
   requirement it now reports missing (and did not before) means the computed set is wrong, and is
   recorded;
4. the project's ``start`` commands, in order, from the copied project folder with the copy's
   interpreter; the first failure is recorded with its stderr tail.

Tools whose removals leave the same distributions installed share one measurement. pip runs from
the tools' interpreter with ``--python <copy>``, so uninstalling pip itself works too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from definitions import ENV_ASSIGNMENT, Project, canonical
from workspace import clean_env

START_TIMEOUT = 300
PIP_TIMEOUT = 600
TAIL_LINES = 12


# --- what a trimmed install lacks ------------------------------------------------------------


class Graph:
    """Declared requirements, their closures and each distribution's size, from depsize's JSON."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.own = {
            canonical(d["name"]): int(d.get("own_bytes", 0)) for d in report["distributions"]
        }
        self.requires = {
            canonical(d["name"]): {canonical(r) for r in d.get("requires", [])}
            for d in report["distributions"]
        }
        self.closures: dict[str, set[str]] = {}
        for row in report.get("requirements", []):
            closure = {canonical(n) for n in row.get("closure") or []}
            self.closures.setdefault(canonical(row["name"]), set()).update(closure)
        self.project = {canonical(d["name"]) for d in report.get("project_distributions", [])}

    def closure(self, name: str) -> set[str]:
        if self.closures.get(name):
            return self.closures[name]
        seen, todo = set(), [name] if name in self.own else []
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.requires.get(current, set()) & self.own.keys())
        return seen

    def lost(self, removed: set[str], seeded: frozenset[str]) -> list[str]:
        """Installed distributions that no kept declared requirement reaches any more.

        ``seeded``: what ``python -m venv`` installs itself, which every fresh venv has.
        """
        kept = set().union(*(self.closure(n) for n in self.closures if n not in removed))
        gone = set().union(*(self.closure(n) for n in removed)) if removed else set()
        return sorted(gone - kept - self.project - seeded)


def venv_seeds(python: str) -> frozenset[str]:
    """The distributions ``python<version> -m venv`` puts in every venv (ensurepip's bundle)."""
    minor = int(python.split(".")[1])
    return frozenset({"pip"} if minor >= 12 else {"pip", "setuptools"})


# --- running in a copy -------------------------------------------------------------------------


def _tail(text: str, work: Path | None = None) -> str:
    text = text.replace(str(work), "<work>") if work else text
    return "\n".join(text.strip().splitlines()[-TAIL_LINES:])


def tree_stats(folder: Path) -> dict[str, int]:
    """File count and ``du -sb`` of ``folder``: proof that a copy's changes did not reach it."""
    du = subprocess.run(["du", "-sb", str(folder)], capture_output=True, text=True, check=False)
    count = sum(len(dirs) + len(files) for _, dirs, files in os.walk(folder))
    return {"entries": count, "du_bytes": int(du.stdout.split()[0]) if du.stdout else -1}


class Scratch:
    """``<scratch>/trim-check``: hard-linked venv copies and project copies, one at a time."""

    def __init__(
        self, project: Project, *, venv: Path, tree: Path, root: Path, pip: Path, work: Path
    ) -> None:
        self.project, self.venv, self.tree, self.root, self.pip = project, venv, tree, root, pip
        self.work = work
        self.copy = root / "venv"
        self.python = self.copy / "bin" / "python"

    def fresh(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        subprocess.run(["cp", "-al", str(self.venv), str(self.copy)], check=True)
        subprocess.run(["cp", "-a", str(self.tree), str(self.root / "tree")], check=True)
        (self.root / "home").mkdir()

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def pip_run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.pip), "-m", "pip", "--python", str(self.python), *args]
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            errors="replace",
            env=clean_env(),
            timeout=PIP_TIMEOUT,
            check=False,
        )

    def missing(self, own: set[str]) -> set[str]:
        """``pip check`` lines about a requirement that is not installed.

        Lines of the project's own distribution (``own``) are left out: its metadata was built
        from the untrimmed declarations, so it names every removed requirement by design.
        """
        done = self.pip_run("check")
        return {
            line
            for line in done.stdout.splitlines()
            if "which is not installed" in line and canonical(line.split()[0]) not in own
        }

    def resolve(self, command: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
        """``NAME=value`` prefixes into the env; ``python`` and the venv's scripts to the copy's.

        A console script's shebang names the original venv's interpreter, so a script is run by
        the copy's interpreter instead: the trimmed copy is what gets measured.
        """
        env = dict(self.project.start_env)
        args = list(command)
        while args and ENV_ASSIGNMENT.match(args[0]):
            name, _, value = args.pop(0).partition("=")
            env[name] = value
        script = self.copy / "bin" / args[0]
        if args[0] == "python":
            args[0] = str(self.python)
        elif script.is_file():
            with open(script, "rb") as handle:
                head = handle.readline()
            args = [str(self.python), str(script), *args[1:]] if b"python" in head else args
        return args, env

    def start(self) -> dict[str, Any]:
        """Run every start command; stop at the first that fails."""
        cwd = self.root / "tree" / self.project.subdir
        base = clean_env(
            HOME=str(self.root / "home"),
            PYTHONDONTWRITEBYTECODE="1",
            VIRTUAL_ENV=str(self.copy),
            PATH=f"{self.copy / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        for command in self.project.start:
            args, extra = self.resolve(command)
            try:
                done = subprocess.run(
                    args,
                    cwd=cwd,
                    capture_output=True,
                    text=True,
                    errors="replace",
                    env={**base, **extra},
                    timeout=START_TIMEOUT,
                    check=False,
                )
                code, stderr = done.returncode, done.stderr or done.stdout
            except subprocess.TimeoutExpired:
                code, stderr = 124, f"timed out after {START_TIMEOUT} s"
            except OSError as exc:  # a command whose script the trim removed
                code, stderr = 127, f"{args[0]}: {exc.strerror}"
            if code != 0:
                return {
                    "starts": False,
                    "failed_command": list(command),
                    "exit_code": code,
                    "stderr_tail": _tail(stderr, self.work),
                }
        return {"starts": True, "failed_command": None, "exit_code": 0, "stderr_tail": ""}


def measure(scratch: Scratch, uninstall: list[str], own: set[str]) -> dict[str, Any]:
    """Uninstall ``uninstall`` from a fresh copy, ``pip check``, start the app; then clean up."""
    start = time.perf_counter()
    scratch.fresh()
    try:
        before = scratch.missing(own) if uninstall else set()
        problem = None
        if uninstall:
            done = scratch.pip_run("uninstall", "-y", *uninstall)
            if done.returncode != 0:
                problem = (
                    f"pip uninstall failed ({done.returncode}): {_tail(done.stderr, scratch.work)}"
                )
        broken = sorted(scratch.missing(own) - before) if uninstall else []
        outcome = scratch.start()
    finally:
        scratch.remove()
    return {
        **outcome,
        "pip_check_new_missing": broken,
        "uninstall_problem": problem,
        "seconds": round(time.perf_counter() - start, 2),
    }


# --- one project -----------------------------------------------------------------------------


def start_check(
    project: Project,
    runs: dict[str, Any],
    *,
    depsize_report: Path,
    venv: Path,
    tree: Path,
    scratch_root: Path,
    pip: Path,
    work: Path,
) -> dict[str, Any] | None:
    """The start check of every usable tool's removals, or ``None`` without ``start`` commands."""
    if not project.start:
        return None
    result: dict[str, Any] = {"commands": [list(c) for c in project.start], "problem": None}
    try:
        graph = Graph(json.loads(depsize_report.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        result["problem"] = f"no usable depsize report to compute closures from: {exc}"
        return result
    scratch = Scratch(project, venv=venv, tree=tree, root=scratch_root, pip=pip, work=work)
    before = tree_stats(venv)
    measured: dict[tuple[str, ...], dict[str, Any]] = {(): measure(scratch, [], graph.project)}
    result["untrimmed"] = measured[()]
    print(f"    untrimmed: {'starts' if measured[()]['starts'] else 'FAILS'}", file=sys.stderr)
    tools: dict[str, Any] = {}
    for tool, run in runs.items():
        if run.crashed or run.failed:
            continue
        removed = sorted(set(run.removal_claims))
        lost = tuple(graph.lost(set(removed), venv_seeds(project.python)))
        if lost not in measured:
            measured[lost] = measure(scratch, list(lost), graph.project)
        outcome = "starts" if measured[lost]["starts"] else "STOPS"
        print(f"    {tool}: without {len(lost)} distributions: {outcome}", file=sys.stderr)
        tools[tool] = {
            "removed": removed,
            "uninstalled": list(lost),
            "uninstalled_bytes": sum(graph.own.get(n, 0) for n in lost),
            **{k: v for k, v in measured[lost].items() if k != "seconds"},
        }
    result["tools"] = tools
    after = tree_stats(venv)
    result["venv_unchanged"] = before == after
    result["venv_stats"] = before if before == after else {"before": before, "after": after}
    result["seconds"] = round(sum(m["seconds"] for m in measured.values()), 2)
    result["distinct_trims"] = len(measured) - 1
    return result


def pooled_starts(projects: dict[str, Any]) -> dict[str, Any]:
    """Per tool: on how many projects the app still starts after its removals.

    Only projects whose app starts untrimmed count (a start check that fails before any
    removal measures nothing); ``stopped`` names the projects where the removals stop the app.
    """
    pooled: dict[str, Any] = {}
    for name, project in sorted(projects.items()):
        check = project.get("start_check") or {}
        if not (check.get("untrimmed") or {}).get("starts"):
            continue
        for tool, trim in check.get("tools", {}).items():
            row = pooled.setdefault(tool, {"projects": 0, "starts": 0, "stopped": [], "trims": 0})
            row["projects"] += 1
            row["trims"] += bool(trim["uninstalled"])
            if trim["starts"]:
                row["starts"] += 1
            else:
                row["stopped"].append(name)
    return pooled
