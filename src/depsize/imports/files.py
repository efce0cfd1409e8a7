"""Find the project's Python sources: ``.py`` files and notebooks, never leaving the project."""

from __future__ import annotations

import errno
import fnmatch
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from depsize.errors import InputError
from depsize.imports.repo import read_text
from depsize.models import ScanWarning

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        "build",
        "dist",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".depsize_cache",
        ".venv",
        "node_modules",
        "site-packages",
        ".eggs",
    }
)
"""Folder names never scanned; any folder holding ``pyvenv.cfg`` is skipped as well."""

SOURCE_SUFFIXES = (".py", ".ipynb")


def _exclude_matcher(patterns: Iterable[str]) -> Callable[[str, str], bool]:
    """``match(name, rel)``: whether a folder or file (its name, its POSIX path) is excluded.

    A pattern matches a path relative to the root, any single name, or a folder prefix; folders
    are checked on the way down, so a match on a parent excludes everything below it.
    """
    anchored = [p.strip("/") for p in patterns if p.startswith("/") and p.strip("/")]
    globs = [p.strip("/") for p in patterns if not p.startswith("/") and p.strip("/")]
    by_name = re.compile("|".join(fnmatch.translate(g) for g in globs)) if globs else None
    by_path = (
        re.compile("|".join(fnmatch.translate(g) for g in [*globs, *anchored]))
        if globs or anchored
        else None
    )
    if by_path is None:
        return lambda name, rel: False
    return lambda name, rel: bool((by_name and by_name.match(name)) or by_path.match(rel))


def gitignore_patterns(root: Path, warnings: list[ScanWarning] | None = None) -> tuple[str, ...]:
    """Exclude globs from the project's ``.gitignore`` and ``.git/info/exclude``.

    Git's rules, as far as globs go: a pattern with a ``/`` before its end is anchored at the
    root, one without matches a name at any depth; a trailing ``/`` is dropped (files and folders
    alike). ``!`` re-includes are not followed: what they re-include stays excluded.
    """
    patterns: list[str] = []
    for source in (root / ".gitignore", root / ".git" / "info" / "exclude"):
        text = read_text(source, warnings)
        for raw in text.splitlines() if text is not None else ():
            line = raw.strip()
            if not line or line.startswith(("#", "!")):
                continue
            body = line.rstrip("/")
            if "/" in body:
                patterns.append("/" + body.lstrip("/"))  # anchored: matched against the path
            elif body:
                patterns.append(body)
    return tuple(patterns)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@dataclass
class SideFiles:
    """Other files gathered by the same walk as the sources (the project's command files).

    ``wanted(parts, name)`` says whether a non-folder entry ``name`` of the folder ``parts``
    (its names relative to the root) is one; ``found`` receives them in ``os.walk`` order. This
    side of the walk keeps ``os.walk``'s rules, not the sources': it does not follow symlinked
    folders, skips :data:`SKIP_DIRS` and folders holding a ``pyvenv.cfg``, and ignores
    ``exclude``, ``.gitignore`` and unlistable folders.
    """

    wanted: Callable[[tuple[str, ...], str], bool]
    found: list[Path] = field(default_factory=list)


def iter_source_files(
    root: Path,
    exclude: Iterable[str] = (),
    warnings: list[ScanWarning] | None = None,
    *,
    side: SideFiles | None = None,
) -> Iterator[Path]:
    """Yield ``.py`` and ``.ipynb`` files under ``root`` in a stable order.

    Skips :data:`SKIP_DIRS`, virtual environments (folders holding ``pyvenv.cfg``), egg-info
    folders, paths matching ``exclude`` globs (relative to ``root``, POSIX separators) and what
    the project's ``.gitignore`` ignores (:func:`gitignore_patterns`).
    Symlinks are followed only while their target stays inside ``root``; each real folder is
    visited once, so symlink loops end. A subfolder that cannot be listed is a warning; the
    root itself raises :class:`~depsize.errors.InputError`. ``side`` gathers other files in
    the same walk (see :class:`SideFiles`), once the files have all been yielded.
    """
    excluded = _exclude_matcher([*exclude, *gitignore_patterns(root, warnings)])
    try:
        root_stat = root.stat()
    except OSError as exc:
        raise InputError(f"cannot list the project folder: {exc.strerror}", root) from None
    walk = _Walk(os.path.realpath(root), excluded, warnings, side)
    walk.seen.add((root_stat.st_dev, root_stat.st_ino))
    yield from walk.run(str(root), sources=True)


def side_files(root: Path, side: SideFiles) -> None:
    """Gather ``side`` files under ``root`` alone (no sources), by the same walk's rules."""
    walk = _Walk(os.path.realpath(root), lambda name, rel: False, None, side)
    list(walk.run(str(root), sources=False))  # yields nothing: the side is all it gathers


class _Walk:
    """One walk of the project: its sources (yielded) and, beside them, its side files.

    A folder is listed once for both; each keeps its own rules about what to enter.
    """

    def __init__(
        self,
        real_root: str,
        excluded: Callable[[str, str], bool],
        warnings: list[ScanWarning] | None,
        side: SideFiles | None,
    ) -> None:
        self.real_root, self.excluded, self.warnings = real_root, excluded, warnings
        self.side = side or SideFiles(lambda parts, name: False)
        self.gathers = side is not None
        self.seen: set[tuple[int, int]] = set()

    def run(self, top: str, *, sources: bool) -> Iterator[Path]:
        stack: list[tuple[str, str, bool, bool]] = [(top, "", sources, self.gathers)]
        while stack:
            folder, rel, sources, side = stack.pop()
            entries = _listing(folder, rel, self.warnings) if sources else _quiet_listing(folder)
            if entries is None:
                continue
            if rel and any(e.name == "pyvenv.cfg" for e in entries):
                sources = False
                side = side and not any(
                    e.name == "pyvenv.cfg" and os.path.exists(e.path)  # noqa: PTH110 - as os.walk
                    for e in entries
                )
            if not (sources or side):
                continue
            parts = tuple(rel.split("/")) if rel else ()
            subdirs: list[tuple[str, str, bool, bool]] = []
            for entry in entries:
                child_rel = f"{rel}/{entry.name}" if rel else entry.name
                child_sources = False
                if sources:
                    kind = _classify(entry, self.real_root, self.seen)
                    if kind != "skip" and not self.excluded(entry.name, child_rel):
                        if kind == "file":
                            yield Path(entry.path)
                        else:
                            child_sources = True
                child_side = side and self._side_entry(entry, parts)
                if child_sources or child_side:
                    subdirs.append((entry.path, child_rel, child_sources, child_side))
            stack.extend(reversed(subdirs))

    def _side_entry(self, entry: os.DirEntry[str], parts: tuple[str, ...]) -> bool:
        """Gather ``entry`` if it is a side file; whether it is a folder the side enters."""
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            return entry.name not in SKIP_DIRS and not entry.is_symlink()
        if self.side.wanted(parts, entry.name):
            self.side.found.append(Path(entry.path))
        return False


def _quiet_listing(folder: str) -> list[os.DirEntry[str]] | None:
    """A folder's entries by name, or ``None`` (what ``os.walk`` skips silently)."""
    try:
        return sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return None


def _listing(
    folder: str, rel: str, warnings: list[ScanWarning] | None
) -> list[os.DirEntry[str]] | None:
    """A folder's entries by name; ``None`` (and a warning) for a subfolder that cannot be
    listed. The project folder itself must be listable: :class:`InputError` otherwise."""
    try:
        return sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        if not rel:
            message = f"cannot list the project folder: {exc.strerror}"
            raise InputError(message, Path(folder)) from None
        if warnings is not None:
            warnings.append(ScanWarning(f"cannot list folder: {exc.strerror}", Path(folder)))
        return None


def _classify(entry: os.DirEntry[str], real_root: str, seen: set[tuple[int, int]]) -> str:
    """``dir`` to descend into, ``file`` to scan, or ``skip``."""
    try:
        is_link = entry.is_symlink()
        if is_link and not _inside(os.path.realpath(entry.path), real_root):
            return "skip"
        if entry.is_dir():
            return _dir_kind(entry, seen)
        if not entry.name.endswith(SOURCE_SUFFIXES):
            return "skip"
        wanted = entry.is_file() or _odd_source(entry.path)
    except OSError as exc:  # a symlink loop named like a source: listed, reported when read
        wanted = exc.errno == errno.ELOOP and entry.name.endswith(SOURCE_SUFFIXES)
    return "file" if wanted else "skip"


def _odd_source(path: str) -> bool:
    """A source name on something that is not a regular file: a FIFO, socket or device, or a
    symlink loop. It is listed all the same, so that reading it (never blocking) reports why
    it was not read; a dangling symlink is not."""
    try:
        os.stat(path)  # noqa: PTH116 - a str path, the walk's own
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return True


def _dir_kind(entry: os.DirEntry[str], seen: set[tuple[int, int]]) -> str:
    """Folders are entered once each (by device and inode): symlink loops end."""
    if entry.name in SKIP_DIRS or entry.name.endswith(".egg-info"):
        return "skip"
    stat = entry.stat()
    key = (stat.st_dev, stat.st_ino)
    if key in seen:
        return "skip"
    seen.add(key)
    return "dir"


def notebook_source(data: bytes) -> str:
    """Python source of a notebook's code cells, one blank line between cells.

    IPython magics and shell escapes (lines starting with ``%`` or ``!``) become blank lines.
    Cells, sources and lines of the wrong type are skipped. Raises ``ValueError`` for a
    notebook that is not JSON, or nests too deeply to read.
    """
    try:
        doc = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    cells = doc.get("cells", []) if isinstance(doc, dict) else []
    lines: list[str] = []
    for cell in cells if isinstance(cells, list) else ():
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        text = _cell_text(cell.get("source", ""))
        lines.extend("" if ln.lstrip().startswith(("%", "!")) else ln for ln in text.splitlines())
        lines.append("")
    return "\n".join(lines) + "\n"


def _cell_text(source: object) -> str:
    """A cell's ``source``: a string, or a list of strings (anything else in it is skipped)."""
    if isinstance(source, str):
        return source
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return ""
