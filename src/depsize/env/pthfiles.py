"""``.pth`` and ``.egg-link`` files, read as text and never run.

Python's ``site`` module executes ``.pth`` lines that start with ``import``; depsize only ever
takes the folder lines from them, to learn which import names an editable install maps.
"""

from __future__ import annotations

from pathlib import Path

from depsize.errors import InputError

MAX_PATH_CHARS = 4096


def pth_folders(text: str) -> list[str]:
    """The folder lines of a ``.pth`` file: no blanks, comments, ``import`` lines, NUL bytes."""
    out: list[str] = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith(("#", "import ", "import\t")):
            continue
        if "\0" in line or len(line) > MAX_PATH_CHARS:
            continue
        out.append(line)
    return out


def egg_link_target(text: str, path: Path) -> Path:
    """The project folder a ``setup.py develop`` egg-link names on its first line."""
    lines = text.splitlines()
    first = lines[0].strip() if lines else ""
    if not first:
        raise InputError("empty egg-link", path, 1)
    if "\0" in first or len(first) > MAX_PATH_CHARS:
        raise InputError("egg-link's first line is not a folder path", path, 1)
    return Path(first)
