"""What a project declares, in the terms the peer tools must be told.

Every peer is given the same declaration files (see README.md, "What a run does"); deptry also
needs the project's own top-level modules.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import tomllib
from definitions import Project

DEV_FILE = re.compile(r"(dev|test|lint|doc|ci|type|check|qa|style)", re.IGNORECASE)
"""A requirements file whose name says it holds development dependencies (deptry's -rfd)."""


def _option_values(args: tuple[str, ...], names: set[str]) -> list[str]:
    """The values of ``-r FILE``, ``-rFILE``, ``--requirement=FILE`` style options in ``args``."""
    values: list[str] = []
    it = iter(args)
    for arg in it:
        if arg in names:
            values.append(next(it, ""))
        elif "=" in arg and arg.split("=", 1)[0] in names:
            values.append(arg.split("=", 1)[1])
        elif any(len(n) == 2 and arg.startswith(n) and len(arg) > 2 for n in names):
            values.append(arg[2:])
    return values


def _installs_project(project: Project) -> bool:
    """Whether an ``install`` entry installs the project folder itself (``.``, ``-e .[dev]``)."""
    return any(
        arg == "." or arg.startswith((".[", "./")) for args in project.install for arg in args
    )


def declaration_files(project: Project, project_dir: Path) -> list[str]:
    """The files that declare the project's requirements, as given to every peer tool.

    The files named by ``-r`` in ``depsize_args`` when there are any (the project definition says
    exactly what is declared); otherwise the requirements files of the ``install`` entries, plus
    ``pyproject.toml``/``setup.cfg``/``setup.py`` when an entry installs the project itself.
    """
    named = _option_values(project.depsize_args, {"-r", "--requirements"})
    if not named:
        install_args = tuple(a for args in project.install for a in args)
        named = _option_values(install_args, {"-r", "--requirement"})
        if _installs_project(project):
            named += ["pyproject.toml", "setup.cfg", "setup.py"]
    found = [f for f in dict.fromkeys(named) if f and (project_dir / f).is_file()]
    return _with_includes(found, project_dir)


def _with_includes(files: list[str], project_dir: Path) -> list[str]:
    """``files`` and every requirements file they ``-r``-include, each once, in order.

    Not every peer follows includes (FawltyDeps does not), so each gets the whole set.
    """
    result: list[str] = []
    pending = list(files)
    while pending:
        name = pending.pop(0)
        if name in result:
            continue
        result.append(name)
        if Path(name).suffix not in {".txt", ".in"}:
            continue
        text = (project_dir / name).read_text(encoding="utf-8", errors="replace")
        args = tuple(arg for line in text.splitlines() for arg in line.split("#")[0].split())
        for include in _option_values(args, {"-r", "--requirement"}):
            rel = os.path.normpath(Path(name).parent / include)
            if (project_dir / rel).is_file() and not rel.startswith(".."):
                pending.append(rel)
    return result


def requirement_files(project: Project, project_dir: Path) -> list[str]:
    """The declaration files that are requirements files (not pyproject/setup files)."""
    setup_files = {"pyproject.toml", "setup.cfg", "setup.py"}
    return [f for f in declaration_files(project, project_dir) if Path(f).name not in setup_files]


def pyproject(project_dir: Path) -> dict[str, Any]:
    try:
        with open(project_dir / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def first_party(project_dir: Path) -> list[str]:
    """Top-level modules in the project folder and in ``src/``: deptry's --known-first-party."""
    names = set()
    for folder in (project_dir, project_dir / "src"):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if entry.suffix == ".py" and entry.name != "__init__.py":
                names.add(entry.stem)
            elif entry.is_dir() and not entry.name.startswith(".") and any(entry.glob("*.py")):
                names.add(entry.name)
    return sorted(n for n in names if n.isidentifier())
