"""Project definitions (``projects/NAME.toml``) and their truth files (``truth/NAME.toml``).

Both formats are described in ``README.md`` beside this file. Loading validates them: every
problem is collected with its file and key, and :class:`DefinitionError` carries them all, so a
person writing a definition sees every mistake at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

HERE = Path(__file__).resolve().parent
PROJECTS = HERE / "projects"
TRUTH = HERE / "truth"

STATUSES = frozenset(
    {
        "used",
        "dev-only",
        "dead-code-only",
        "optional-only",
        "types-only",
        "command",
        "plugin",
        "transitive-only",
        "unused",
        "not-installed",
        "not-applicable",
        # announced in DESIGN §5/§6, accepted in truth files ahead of depsize emitting them
        "configured",
        "used-by-dependency",
        "types",
    }
)
"""Every status depsize reports or is about to report; a truth file may name only these."""

REMOVABLE_STATUSES = frozenset({"unused", "dead-code-only"})

PROJECT_KEYS = {
    "name": str,
    "kind": str,
    "url": str,
    "mirror": str,
    "commit": str,
    "subdir": str,
    "python": str,
    "install": list,
    "depsize_args": list,
    "notes": str,
    "start": list,
    "start_env": dict,
}
PROJECT_OPTIONAL = {"depsize_args", "notes", "peer_args", "start", "start_env"}
ENV_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
"""A leading ``NAME=value`` item of a ``start`` command sets that variable for that command."""
PEER_TOOLS = ("deptry", "fawltydeps", "creosote", "chokkin")


class DefinitionError(Exception):
    """A project or truth file that does not follow the format; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Project:
    name: str
    kind: str
    url: str
    mirror: str
    commit: str
    subdir: str
    python: str
    install: tuple[tuple[str, ...], ...]
    depsize_args: tuple[str, ...] = ()
    peer_args: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: str = ""
    start: tuple[tuple[str, ...], ...] = ()
    """Commands that prove the app starts, run from the project folder (see startcheck.py)."""
    start_env: dict[str, str] = field(default_factory=dict)
    path: Path = PROJECTS


@dataclass(frozen=True)
class TruthRequirement:
    name: str
    """Canonical name."""
    removable: bool | None
    """``None`` for "ambiguous": left out of precision and recall."""
    status: tuple[str, ...]
    reason: str
    evidence: str


@dataclass(frozen=True)
class Truth:
    project: str
    requirements: dict[str, TruthRequirement]
    undeclared: tuple[str, ...]
    """Top-level-or-dotted module names that are third-party and really undeclared."""
    path: Path


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DefinitionError([f"{path}: {exc}"]) from exc


def _check_str_list(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where} must be a list of strings")
        return ()
    return tuple(value)


def _check_install(value: Any, where: str, problems: list[str]) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not value:
        problems.append(f"{where} must be a non-empty list of lists of pip arguments")
        return ()
    return tuple(_check_str_list(entry, f"{where}[{i}]", problems) for i, entry in enumerate(value))


def _check_peer_args(value: Any, where: str, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        problems.append(f"{where} must be a table of tool = [arguments]")
        return {}
    unknown = sorted(set(value) - set(PEER_TOOLS))
    if unknown:
        problems.append(f"{where}: unknown tools {unknown} (known: {list(PEER_TOOLS)})")
    return {k: _check_str_list(v, f"{where}.{k}", problems) for k, v in value.items()}


def _check_start(
    data: dict[str, Any], where: str, problems: list[str]
) -> tuple[tuple[str, ...], ...]:
    value = data.get("start", [])
    if not isinstance(value, list):
        problems.append(f"{where}: start must be a list of commands (lists of strings)")
        return ()
    commands = []
    for i, entry in enumerate(value):
        command = _check_str_list(entry, f"{where}: start[{i}]", problems)
        if command and all(ENV_ASSIGNMENT.match(item) for item in command):
            problems.append(f"{where}: start[{i}] sets variables but names no command")
        elif command:
            commands.append(command)
    return tuple(commands)


def _check_start_env(data: dict[str, Any], where: str, problems: list[str]) -> dict[str, str]:
    value = data.get("start_env", {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        problems.append(f'{where}: start_env must be a table of NAME = "value" strings')
        return {}
    return dict(value)


def _check_project_values(data: dict[str, Any], path: Path, problems: list[str]) -> None:
    for key, kind in PROJECT_KEYS.items():
        if key not in data:
            if key not in PROJECT_OPTIONAL:
                problems.append(f"{path}: missing key {key!r}")
        elif not isinstance(data[key], kind):
            problems.append(f"{path}: {key!r} must be a {kind.__name__}")
    unknown = sorted(set(data) - set(PROJECT_KEYS) - PROJECT_OPTIONAL)
    if unknown:
        problems.append(f"{path}: unknown keys {unknown}")
    if data.get("name") != path.stem:
        problems.append(f"{path}: name {data.get('name')!r} must equal the file name {path.stem!r}")
    if not re.fullmatch(r"[0-9a-f]{40}", str(data.get("commit", ""))):
        problems.append(f"{path}: commit must be 40 lowercase hex digits")
    if not re.fullmatch(r"3\.\d+", str(data.get("python", ""))):
        problems.append(f"{path}: python must look like '3.11'")
    subdir = str(data.get("subdir", ""))
    if subdir.startswith("/") or ".." in Path(subdir).parts:
        problems.append(f"{path}: subdir must be a relative path inside the repository")


def load_project(path: Path) -> Project:
    """Read and validate ``projects/NAME.toml``."""
    data = _read_toml(path)
    problems: list[str] = []
    _check_project_values(data, path, problems)
    install = _check_install(data.get("install"), f"{path}: install", problems)
    depsize_args = _check_str_list(data.get("depsize_args", []), f"{path}: depsize_args", problems)
    peer_args = _check_peer_args(data.get("peer_args", {}), f"{path}: peer_args", problems)
    start = _check_start(data, str(path), problems)
    start_env = _check_start_env(data, str(path), problems)
    if problems:
        raise DefinitionError(problems)
    return Project(
        name=data["name"],
        kind=data["kind"],
        url=data["url"],
        mirror=data["mirror"],
        commit=data["commit"],
        subdir=data["subdir"].strip("/"),
        python=data["python"],
        install=install,
        depsize_args=depsize_args,
        peer_args=peer_args,
        notes=data.get("notes", ""),
        start=start,
        start_env=start_env,
        path=path,
    )


def _truth_requirement(row: Any, where: str, problems: list[str]) -> TruthRequirement | None:
    if not isinstance(row, dict):
        problems.append(f"{where} must be a table")
        return None
    unknown = sorted(set(row) - {"name", "removable", "status", "reason", "evidence"})
    if unknown:
        problems.append(f"{where}: unknown keys {unknown}")
    name, removable = row.get("name"), row.get("removable")
    if not isinstance(name, str) or not name:
        problems.append(f"{where}: name must be a non-empty string")
        return None
    if removable not in (True, False, "ambiguous"):
        problems.append(f'{where} ({name}): removable must be true, false or "ambiguous"')
    status = _check_str_list(row.get("status", []), f"{where} ({name}): status", problems)
    if not status:
        problems.append(f"{where} ({name}): status must list at least one acceptable status")
    bad = sorted(set(status) - STATUSES)
    if bad:
        problems.append(f"{where} ({name}): unknown statuses {bad}")
    problems.extend(
        f"{where} ({name}): {key} must not be empty"
        for key in ("reason", "evidence")
        if not isinstance(row.get(key), str) or not row[key].strip()
    )
    return TruthRequirement(
        name=canonical(name),
        removable=removable if isinstance(removable, bool) else None,
        status=status,
        reason=str(row.get("reason", "")),
        evidence=str(row.get("evidence", "")),
    )


def _truth_undeclared(rows: Any, path: Path, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(rows, list):
        problems.append(f"{path}: [[undeclared]] must be an array of tables")
        return ()
    modules = []
    for i, row in enumerate(rows):
        where = f"{path}: undeclared[{i}]"
        if not isinstance(row, dict) or not isinstance(row.get("module"), str):
            problems.append(f"{where}: module must be a string")
            continue
        unknown = sorted(set(row) - {"module", "evidence", "reason"})
        if unknown:
            problems.append(f"{where}: unknown keys {unknown}")
        if not str(row.get("evidence", "")).strip():
            problems.append(f"{where} ({row['module']}): evidence must give file:line")
        modules.append(row["module"])
    return tuple(modules)


def load_truth(path: Path, project: str) -> Truth:
    """Read and validate ``truth/NAME.toml`` for ``project``."""
    data = _read_toml(path)
    problems: list[str] = []
    if data.get("project") != project:
        problems.append(f"{path}: project {data.get('project')!r} must be {project!r}")
    unknown = sorted(set(data) - {"project", "requirement", "undeclared", "notes"})
    if unknown:
        problems.append(f"{path}: unknown keys {unknown}")
    rows = data.get("requirement", [])
    if not isinstance(rows, list):
        problems.append(f"{path}: [[requirement]] must be an array of tables")
        rows = []
    requirements: dict[str, TruthRequirement] = {}
    for i, row in enumerate(rows):
        req = _truth_requirement(row, f"{path}: requirement[{i}]", problems)
        if req is None:
            continue
        if req.name in requirements:
            problems.append(f"{path}: requirement {req.name!r} is judged twice")
        requirements[req.name] = req
    undeclared = _truth_undeclared(data.get("undeclared", []), path, problems)
    if problems:
        raise DefinitionError(problems)
    return Truth(project, requirements, undeclared, path)


def project_files(only: str | None = None) -> list[Path]:
    """``projects/*.toml`` in name order, or the one named ``only``."""
    files = sorted(PROJECTS.glob("*.toml"))
    if only is not None:
        files = [f for f in files if f.stem == only]
    return files


def validate_all() -> list[str]:
    """Every problem in every project and truth file (for ``run.py --check``)."""
    problems: list[str] = []
    names = set()
    for path in project_files():
        names.add(path.stem)
        try:
            load_project(path)
        except DefinitionError as exc:
            problems.extend(exc.problems)
        truth = TRUTH / path.name
        if truth.is_file():
            try:
                load_truth(truth, path.stem)
            except DefinitionError as exc:
                problems.extend(exc.problems)
    problems.extend(
        f"{t}: no projects/{t.name} defines this project"
        for t in sorted(TRUTH.glob("*.toml"))
        if t.stem not in names
    )
    return problems
