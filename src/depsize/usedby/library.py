"""How a distribution's own files load its modules, read from the installed files (nothing is
imported): which files are library code, which lines of a file can hold an import, and whether
a module is imported by the rest of its distribution, only under ``try/except ImportError``, by
nothing at all, or only by the plugin hooks another distribution runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path

from packaging.utils import NormalizedName

from depsize import safeio
from depsize.imports import fastscan
from depsize.imports.model import FileScan
from depsize.models import InstalledDist
from depsize.usedby import shapes

HOOK_GROUPS: dict[str, str] = {
    "distutils.setup_keywords": "setuptools",
    "distutils.commands": "setuptools",
    "egg_info.writers": "setuptools",
    "setuptools.finalize_distribution_options": "setuptools",
    "setuptools.file_finders": "setuptools",
}
"""Entry-point groups whose plugins run only inside the distribution that loads them (the
setuptools build): a module loaded only that way imports it while it already runs."""

_TEST_FOLDERS = frozenset({"tests", "test", "testing", "_testing"})
"""Folders of a distribution's test suite or test helpers (``numpy.testing``): what they import
(pytest, hypothesis) is what tests need, not what the library needs to run."""


def is_library_code(rel: str) -> bool:
    """A ``.py`` file inside site-packages that is part of the library, not its tests."""
    if not rel.endswith(".py") or rel.startswith("../"):
        return False
    *folders, name = rel.split("/")
    if "__pycache__" in folders or _TEST_FOLDERS.intersection(folders):
        return False
    return not (name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"))


def loaded_only_optionally(dist: InstalledDist, path: Path, own: OwnImports) -> bool:
    """Whether every import of the module at ``path`` inside its own distribution sits under
    ``try/except ImportError``; False when none is found (an entry point may run it)."""
    kinds = own.kinds(dist, path)
    return kinds is not None and bool(kinds) and all(kinds)


class OwnImports:
    """How the files of a distribution import its own modules, read once per analysis: each
    library file's import lines (:func:`import_lines`) are kept, and a file is scanned in full
    at most once, when a module's name shows on them."""

    def __init__(self) -> None:
        self._lines: dict[tuple[NormalizedName, str], list[tuple[str, bytes]]] = {}
        self._scans: dict[str, FileScan | None] = {}
        self._kinds: dict[tuple[NormalizedName, str], list[bool] | None] = {}

    def kinds(self, dist: InstalledDist, path: Path) -> list[bool] | None:
        """For each import of the module at ``path`` by another file of its own distribution,
        whether it sits under ``try/except ImportError``; ``None`` when a file naming it could
        only be read by the full parse, or loads some module by a computed name (take it as a
        plain import)."""
        key = (dist.name, os.fspath(path))
        if key not in self._kinds:
            self._kinds[key] = self._kinds_of(dist, key[1], path)
        return self._kinds[key]

    def _kinds_of(self, dist: InstalledDist, target: str, path: Path) -> list[bool] | None:
        leaf = path.stem if path.name != "__init__.py" else path.parent.name
        word = re.compile(rb"(?<!\w)" + re.escape(leaf.encode()) + rb"\b")
        kinds: list[bool] = []
        for file, lines in self._library_lines(dist):
            if file == target or not word.search(lines):
                continue
            scan = self._scan(file)
            if scan is None or scan.open_loads:
                return None  # only the full parse reads it, or it loads a module by a computed name
            kinds.extend(
                raw.kind == "conditional"
                for raw in scan.imports
                if raw.module.rsplit(".", 1)[-1] == leaf or leaf in raw.names
            )
        return kinds

    def _library_lines(self, dist: InstalledDist) -> list[tuple[str, bytes]]:
        key = (dist.name, os.fspath(dist.site_packages))
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = []
            for rel, _size in dist.files:
                if not is_library_code(rel):
                    continue
                file = f"{key[1]}/{rel}"
                try:
                    data = safeio.read_bytes(file)
                except safeio.UnreadableFileError:
                    continue
                if b"import" in data:
                    found.append((file, import_lines(data)))
        return found

    def _scan(self, file: str) -> FileScan | None:
        if file not in self._scans:
            try:
                data = safeio.read_bytes(file)
            except safeio.UnreadableFileError:
                self._scans[file] = FileScan()  # gone since it was listed: it imports nothing
            else:
                self._scans[file] = fastscan.scan_text(data.decode("utf-8", "replace"))
        return self._scans[file]


def unloaded_module(dist: InstalledDist, path: Path, own: OwnImports) -> str | None:
    """The dotted name of the module at ``path`` when nothing in ``dist`` loads it: not a
    package's ``__init__`` or ``__main__``, named by no entry point, imported by no other file
    (by its last name); else ``None``."""
    if path.name in ("__init__.py", "__main__.py"):
        return None
    try:
        rel = path.relative_to(dist.site_packages).as_posix()
    except ValueError:
        return None
    module = rel[: -len(".py")].replace("/", ".")
    if any(ep.value.split(":", 1)[0].strip() == module for ep in dist.entry_points):
        return None
    return module if own.kinds(dist, path) == [] else None


def imported_in(dist: InstalledDist, modules: Collection[str]) -> set[str]:
    """The ``modules`` a library file of ``dist`` names dotted in full, or as ``from PARENT
    import LEAF``; a file that cannot be read names them all."""
    spellings = {spelled.encode(): m for m in modules for spelled in shapes.import_spellings(m)}
    site = os.fspath(dist.site_packages)
    found: set[str] = set()
    for rel, _size in dist.files:
        if not is_library_code(rel):
            continue
        try:
            data = safeio.read_bytes(f"{site}/{rel}")
        except safeio.UnreadableFileError:
            return set(modules)
        found.update(m for spelled, m in spellings.items() if spelled in data)
        if len(found) == len(modules):
            break
    return found


def hook_consumers(dist: InstalledDist, rel: str, own: OwnImports) -> set[NormalizedName]:
    """The distributions that alone run the module at ``rel``: it is named only by entry points
    of their plugin groups (:data:`HOOK_GROUPS`: cffi's ``setuptools_ext`` is setuptools'
    ``distutils.setup_keywords`` plugin) and no other file of ``dist`` imports it."""
    module = rel[: -len(".py")].replace("/", ".").removesuffix(".__init__")
    consumers = {
        NormalizedName(HOOK_GROUPS[ep.group])
        for ep in dist.entry_points
        if ep.group in HOOK_GROUPS and ep.value.split(":", 1)[0].strip() == module
    }
    if not consumers or own.kinds(dist, dist.site_packages / rel) != []:
        return set()
    return consumers


def import_lines(data: bytes) -> bytes:
    """The lines of ``data`` that hold ``import``, joined by newlines: where any import of a
    top-level name shows the name (``import x``, ``from x import y``, ``import_module("x")``).

    A line that opens a bracket or ends with a backslash brings the two lines after it
    (``import_module(`` with its literal on the next line), and one that follows a backslash
    continuation brings the line before it (``from x \\`` above ``import y``).
    """
    parts: list[bytes] = []
    size = len(data)
    find, rfind = data.find, data.rfind
    pos = find(b"import")
    while pos != -1:
        start = rfind(b"\n", 0, pos) + 1
        end = find(b"\n", pos)
        end = size if end == -1 else end
        if start >= 2 and data[max(start - 3, 0) : start - 1].rstrip(b"\r").endswith(b"\\"):
            start = rfind(b"\n", 0, start - 1) + 1
        if find(b"(", pos, end) != -1 or data[start:end].rstrip().endswith(b"\\"):
            end = _line_end(data, _line_end(data, end + 1) + 1)
        parts.append(data[start:end])
        pos = find(b"import", end)
    return b"\n".join(parts)


def _line_end(data: bytes, pos: int) -> int:
    end = data.find(b"\n", pos)
    return len(data) if end == -1 else end
