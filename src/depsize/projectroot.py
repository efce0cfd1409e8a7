"""Which folder is the project, and whether a folder given as the project is an environment.

Run from a subfolder (``src/app/``), depsize walks up to the nearest folder that marks a
project; a folder that is itself an environment (``depsize scan .venv``) is the environment to
measure, with the current folder as the project.
"""

from __future__ import annotations

from pathlib import Path

from depsize.records import dataclass

_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile")


@dataclass(frozen=True)
class ProjectRoot:
    path: Path
    marker: str | None
    """The file that marks it (``pyproject.toml``, ``.git``), None when none was found."""


def _marker(folder: Path) -> str | None:
    for name in _MARKERS:
        if (folder / name).is_file():
            return name
    found = sorted(p.name for p in folder.glob("requirements*.txt") if p.is_file())
    if found:
        return found[0]
    return ".git" if (folder / ".git").exists() else None


def find_project_root(start: Path) -> ProjectRoot:
    """The nearest folder at or above *start* with a project marker; *start* when none has."""
    start = start.resolve()
    for folder in (start, *start.parents):
        marker = _marker(folder)
        if marker is not None:
            return ProjectRoot(folder, marker)
    return ProjectRoot(start, None)


def is_environment(folder: Path) -> bool:
    """A venv (``pyvenv.cfg``) or a conda prefix (``conda-meta/``)."""
    return (folder / "pyvenv.cfg").is_file() or (folder / "conda-meta").is_dir()
