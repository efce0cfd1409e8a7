"""Which import names a distribution provides, read from its files (DESIGN §5).

Order of trust: PEP 794 ``Import-Name`` metadata; else the package folders and modules its file
list installs, dotted down through namespace folders (``google/cloud/storage/__init__.py`` gives
``google.cloud.storage``); else ``top_level.txt``. Editable installs add the names their
``.pth`` folders or setuptools finder map.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from depsize import safeio
from depsize.env.metadata import RawDist, editable_finder_names
from depsize.env.pthfiles import pth_folders

_EXT = re.compile(r"^([A-Za-z_]\w*)(?:\.[\w-]+)?\.(?:so|pyd)$")


def _module_name(filename: str) -> str | None:
    if filename.endswith(".py"):
        stem = filename[:-3]
        return stem if stem.isidentifier() else None
    match = _EXT.match(filename)
    return match.group(1) if match else None


def _names_from_paths(paths: list[str]) -> set[str]:
    """Top-level packages are found from their ``__init__``; only namespace folders go deeper."""
    present = set(paths)
    names: set[str] = set()
    deeper: list[str] = []
    for path in paths:
        top, sep, _rest = path.partition("/")
        if not sep:
            module = _module_name(top)
            if module:
                names.add(module)
        elif top in names or not top.isidentifier():
            continue
        elif f"{top}/__init__.py" in present:
            names.add(top)
        else:
            deeper.append(path)
    packages = {p.rsplit("/", 1)[0] for p in deeper if p.rsplit("/", 1)[-1].startswith("__init__.")}
    for path in deeper:
        parts = path.split("/")
        if "__pycache__" in parts:
            continue
        name = _name_for(parts, packages)
        if name:
            names.add(name)
    return names


def _name_for(parts: list[str], packages: set[str]) -> str | None:
    for i, part in enumerate(parts):
        if i == len(parts) - 1:
            module = _module_name(part)
            return ".".join([*parts[:i], module]) if module else None
        if not part.isidentifier():
            return None
        if "/".join(parts[: i + 1]) in packages:
            return ".".join(parts[: i + 1])
    return None  # pragma: no cover - the loop always returns on the last part


def _editable_names(raw: RawDist, rels: list[str]) -> set[str]:
    names: set[str] = set()
    site = raw.site_packages
    for rel in rels:
        if "/" in rel:
            continue
        if rel.startswith("__editable__") and rel.endswith("_finder.py"):
            names.update(editable_finder_names(site / rel))
        elif rel.endswith(".pth"):
            names.update(_names_in_pth(site / rel))
    return names


def _names_in_pth(path: Path) -> set[str]:
    text = safeio.read_text_or_none(path)  # read, never run: ``import`` lines are skipped
    names: set[str] = set()
    for line in pth_folders(text or ""):
        try:
            entries = os.listdir(line)
        except (OSError, ValueError):
            continue
        for entry in entries:
            folder = os.path.join(line, entry)
            if os.path.isfile(os.path.join(folder, "__init__.py")):
                names.add(entry)
            elif (module := _module_name(entry)) and os.path.isfile(folder):
                names.add(module)
    return names


def import_names_of(raw: RawDist, paths: Sequence[str]) -> tuple[str, ...]:
    """The import names ``raw`` provides, sorted."""
    if raw.import_name_meta:
        return tuple(sorted({n for n in raw.import_name_meta if n}))
    rels = list(dict.fromkeys(paths))
    names = _names_from_paths(rels)
    if raw.editable:
        names |= _editable_names(raw, rels)
    if not names:
        names = {n.replace("/", ".") for n in raw.top_level if _importable(raw.site_packages, n)}
    return tuple(sorted(names))


def _importable(site: Path, name: str) -> bool:
    """Whether a ``top_level.txt`` name is a module or a regular package on disk.

    CUDA wheels list ``nvidia`` there while installing only headers and shared libraries
    under ``nvidia/cu13/``: that is no import name of theirs.
    """
    if not name.replace("/", ".").replace(".", "_").isidentifier():
        return False
    base = site / name
    if os.path.isfile(base / "__init__.py") or os.path.isfile(base.with_suffix(".py")):
        return True
    try:
        return any(_module_name(entry) == base.name for entry in os.listdir(base.parent))
    except OSError:
        return False
