"""Where a project's tooling lives: its folder and the folders above it, up to the repository root.

A project in ``backend/`` of a repository keeps its pre-commit configuration, its workflows and
often its lint configuration at the repository root, the nearest folder above it that holds
``.git`` (a folder, or a file in a worktree). Without one, only the project folder counts.

:func:`config_entries` reads the ``key = value`` lines of INI-style and TOML files
(``setup.cfg``, ``tox.ini``, ``pytest.ini``, ``.flake8``, ``pyproject.toml``...) with their
section and line, without interpreting values: enough to say which tool a file configures and
which options it sets.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from depsize.models import ScanWarning
from depsize.records import dataclass
from depsize.safeio import UnreadableFileError
from depsize.safeio import read_text as _safe_read_text

_SECTION = re.compile(r"^\s*\[\[?([^\]]+)\]\]?\s*(?:#.*)?$")
"""A ``[section]`` or ``[[table]]`` header; its name is stripped where it is used (spaces
matched inside the pattern would make it backtrack cubically on a line of spaces)."""
_KEY = re.compile(r"^([A-Za-z0-9_][\w.\-]*|\"[^\"]+\"|'[^']+')\s*[=:](.*)$")


def repository_root(project: Path) -> Path | None:
    """The nearest folder at or above ``project`` holding ``.git``; ``None`` when there is none."""
    folder = Path(os.path.normpath(project.absolute()))
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def config_folders(project: Path) -> tuple[Path, ...]:
    """``project`` and each folder above it up to the repository root, nearest first."""
    folder = Path(os.path.normpath(project.absolute()))
    root = repository_root(folder)
    if root is None or root == folder:
        return (folder,)
    ancestors = [p for p in folder.parents if p == root or root in p.parents]
    return (folder, *ancestors)


@dataclass(frozen=True)
class ConfigEntry:
    """One ``key = value`` of a configuration file; ``value`` joins its continuation lines."""

    file: Path
    section: str
    """The table or section name: ``tool.pytest.ini_options``, ``flake8``, ``tool:pytest``."""
    key: str
    value: str
    line: int


def read_text(path: Path, warnings: list[ScanWarning] | None = None) -> str | None:
    """A project file's text, or ``None`` when it cannot be read (never raises, never blocks).

    Read through :mod:`depsize.safeio`: a FIFO, a device or a file over the read limit is not
    read. With ``warnings``, why a file that exists was not read is added to it.
    """
    try:
        return _safe_read_text(path)
    except UnreadableFileError as exc:
        if warnings is not None and not exc.missing:
            warnings.append(ScanWarning(exc.reason, exc.path))
        return None


def config_entries(path: Path) -> list[ConfigEntry]:
    """The ``key = value`` entries of an INI or TOML file, in order; unreadable files give none.

    A value runs on over the following lines until the next key or section (INI continuation
    lines, TOML multi-line arrays and strings), so options spread over lines stay together.
    """
    text = read_text(path)
    if text is None:
        return []
    entries: list[ConfigEntry] = []
    section = ""
    current: list[str] | None = None
    start = (0, "")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = _SECTION.match(line) if not line[:1].isspace() else None
        key = _KEY.match(line) if not line[:1].isspace() else None
        if header or key:
            if current is not None:
                entries.append(ConfigEntry(path, section, start[1], " ".join(current), start[0]))
                current = None
            if header:
                section = header[1].strip().strip("\"'")
                continue
        if key:
            start, current = (number, key[1].strip("\"'")), [key[2].strip()]
        elif current is not None and stripped and not stripped.startswith(("#", ";")):
            current.append(stripped)
    if current is not None:
        entries.append(ConfigEntry(path, section, start[1], " ".join(current), start[0]))
    return entries


def section_lines(path: Path) -> list[tuple[str, int]]:
    """``(section, line)`` of every section or table header of an INI or TOML file."""
    text = read_text(path)
    if text is None:
        return []
    found: list[tuple[str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SECTION.match(line) if not line[:1].isspace() else None
        if match:
            found.append((match[1].strip().strip("\"'"), number))
    return found


CONFIG_FILES = (
    "pyproject.toml",
    "setup.cfg",
    "tox.ini",
    "pytest.ini",
    ".pytest.ini",
    ".flake8",
    ".pylintrc",
    "pylintrc",
)
"""Files whose entries tools read: pytest's options, flake8's codes, pylint's plugins."""


def folder_entries(folders: tuple[Path, ...]) -> list[ConfigEntry]:
    """The entries of every :data:`CONFIG_FILES` file in ``folders``, nearest folder first."""
    return [
        entry
        for folder in folders
        for name in CONFIG_FILES
        if (folder / name).is_file()
        for entry in config_entries(folder / name)
    ]
