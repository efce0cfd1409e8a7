"""What one hostile-input case is, the base project and environment every case starts from,
and the command lines the harness runs over a built case.

A case folder holds ``project/`` (the user's project), ``env/`` (a venv-shaped environment
written by :func:`support.site_packages.make_site_packages`), ``outside/`` (files beyond both
boundaries: their content must never be printed), ``baseline.json`` (a clean report written by
depsize itself) and ``out/`` (where ``-o`` writes). Commands run with the case folder as the
current folder, so every path in them is relative.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from support.site_packages import BuiltEnv, DistSpec, make_site_packages

PYTHON = "3.11.4"
SITE = Path("env/lib/python3.11/site-packages")
SCAN_FORMATS = ("table", "json", "markdown", "html")
SCAN_COMMANDS = tuple(f"scan-{fmt}" for fmt in SCAN_FORMATS)
ALL_COMMANDS = (
    *SCAN_COMMANDS,
    "scan-o",
    "why",
    "check-budget",
    "check-baseline",
    "trim-diff",
    "trim-o",
    "trim-inplace",
    "diff",
)
AREA_COMMANDS = {
    "env": (*SCAN_COMMANDS, "why"),
    "project": (*SCAN_COMMANDS, "trim-diff"),
    "config": (*SCAN_COMMANDS, "check-budget", "trim-diff"),
    "cli": SCAN_COMMANDS,
    "output": SCAN_COMMANDS,
}
"""What every case of an area goes through: scan in every format and the commands that read
that area most; a case adds the commands relevant to it, and the first case of each class goes
through :data:`ALL_COMMANDS`."""
MANIFESTS = ("requirements.txt", "pyproject.toml", "setup.cfg", "Pipfile")
"""Project files ``trim --in-place`` may rewrite (plus new ``.bak`` copies)."""


@dataclass
class Ctx:
    """A case being built: its folder and the environment written for it."""

    root: Path
    env: BuiltEnv

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def site(self) -> Path:
        return self.env.site

    def write(self, rel: str, data: str | bytes) -> Path:
        """Write ``data`` at ``rel`` (relative to the case folder), folders made as needed."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        return path

    def fifo(self, rel: str) -> Path:
        """A named pipe at ``rel``, replacing any file there: reading it blocks forever."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            path.unlink()
        os.mkfifo(path)
        return path

    def symlink(self, rel: str, target: str | Path) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target)
        return path

    def marker(self, name: str) -> Path:
        """The absolute path planted code would create; the harness checks it never exists."""
        return self.root / "markers" / name


def no_skip() -> str | None:
    return None


def skip_as_root() -> str | None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return "runs as root: permission bits do not stop root from reading or writing"
    return None


@dataclass(frozen=True)
class Case:
    """One named hostile input and what must (not) happen when depsize meets it."""

    name: str
    group: str
    """The class of failure it provokes: hang, recursion, input, output, security, data-loss,
    lying, executed (or control)."""
    area: str
    """Where the bad input lives: env, project, config, cli, output."""
    summary: str
    """The bad input, in a few words (the first column of docs/hostile-input.md)."""
    build: Callable[[Ctx], object] = lambda ctx: None
    """Writes the bad input into the case folder (what it returns, a path, is not used)."""
    dists: Callable[[Path], list[DistSpec]] = lambda root: []
    """Extra distributions for the environment (given the case folder, for absolute paths)."""
    commands: tuple[str, ...] = ()
    """Commands beyond those of its area (:data:`AREA_COMMANDS`)."""
    args: tuple[str, ...] = ()
    """Extra options for every command that analyses the project (scan, why, check, trim)."""
    trim_args: tuple[str, ...] = ()
    mention: str | None = None
    """Text (the offending file's name) a message must show."""
    mention_in: tuple[str, ...] = (*SCAN_COMMANDS, "scan-o")
    """Commands whose output must show :attr:`mention` (any command that exits 2 must, too)."""
    secrets: tuple[str, ...] = ()
    """Text from beyond the project and env boundary that must never be printed or written."""
    markers: tuple[str, ...] = ()
    """Marker names planted code would create under ``markers/``."""
    forbidden_lines: tuple[str, ...] = ()
    """Regular expressions no line of any output or written file may match."""
    keep: tuple[str, ...] = ()
    """Text a trimmed requirement file must still hold (its requirements pip would read)."""
    toml_valid: tuple[str, ...] = ()
    """Project files that must still parse as TOML after trim writes them."""
    why: str = "alpha"
    baseline: str = "baseline.json"
    report: str | None = None
    """A report file for ``diff``; default: the case's own scan written with -o."""
    output: str | None = None
    """The -o target of scan-o and trim-o; default: a fresh name under ``out/``."""
    trim_files: tuple[str, ...] = MANIFESTS
    skip: Callable[[], str | None] = no_skip


def base_dists(root: Path) -> list[DistSpec]:
    """alpha is imported by the project; unusedpkg is declared and never imported."""
    del root
    return [
        DistSpec("alpha", files={"alpha/__init__.py": 2000}, top_level=("alpha",)),
        DistSpec("unusedpkg", files={"unusedpkg/__init__.py": 3000}, top_level=("unusedpkg",)),
    ]


BASE_PROJECT = {
    "project/app.py": "import alpha\n\nprint(alpha)\n",
    "project/requirements.txt": "alpha\nunusedpkg\n",
}


def build_base(root: Path, case: Case) -> Ctx:
    """The case folder with the base project, the environment and the case's own files."""
    root.mkdir(parents=True, exist_ok=True)
    env = make_site_packages(root, [*base_dists(root), *case.dists(root)], python=PYTHON)
    ctx = Ctx(root=root, env=env)
    for rel, text in BASE_PROJECT.items():
        ctx.write(rel, text)
    (root / "outside").mkdir(exist_ok=True)
    (root / "out").mkdir(exist_ok=True)
    (root / "markers").mkdir(exist_ok=True)
    return ctx


def command_lines(case: Case) -> dict[str, list[list[str]]]:
    """Each command id → the argument lists (after ``python -m depsize``) it runs, in order."""
    target = ["project", "--env", "env", *case.args]
    scan_out = case.output or "out/report.json"
    trim_out = case.output or "out/requirements.txt"
    report = case.report
    lines: dict[str, list[list[str]]] = {
        f"scan-{fmt}": [["scan", *target, "--format", fmt]] for fmt in SCAN_FORMATS
    }
    lines["scan-o"] = [["scan", *target, "--format", "json", "-o", scan_out]]
    lines["why"] = [["why", case.why, *target]]
    lines["check-budget"] = [["check", *target, "--max-total", "10GB", "--max-unused", "100"]]
    lines["check-baseline"] = [
        ["check", *target, "--baseline", case.baseline, "--max-growth", "1000%"]
    ]
    lines["trim-diff"] = [["trim", *target, *case.trim_args]]
    lines["trim-o"] = [["trim", *target, *case.trim_args, "-o", trim_out]]
    lines["trim-inplace"] = [["trim", *target, *case.trim_args, "--in-place"]]
    if report is None:
        lines["diff"] = [
            ["scan", *target, "--format", "json", "-o", "out/after.json"],
            ["diff", "baseline.json", "out/after.json"],
        ]
    else:
        lines["diff"] = [["diff", "baseline.json", report]]
    return lines


def commands_of(case: Case, first_of_group: bool) -> tuple[str, ...]:
    """The commands the harness runs over ``case``, in :data:`ALL_COMMANDS` order."""
    wanted = set(ALL_COMMANDS if first_of_group else (*AREA_COMMANDS[case.area], *case.commands))
    return tuple(c for c in ALL_COMMANDS if c in wanted)


@dataclass
class Expectations:
    """A built case as data (written to ``case.json``)."""

    name: str
    group: str
    area: str
    summary: str
    commands: dict[str, list[list[str]]] = field(default_factory=dict)
    mention: str | None = None
    mention_in: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    forbidden_lines: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    toml_valid: list[str] = field(default_factory=list)
    trim_files: list[str] = field(default_factory=list)
