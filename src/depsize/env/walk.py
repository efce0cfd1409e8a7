"""One walk of the site-packages folders: every regular file, its identity and (lazily) size.

Symlinks are never followed and count 0 bytes; a file is known by its identity
``(st_dev, st_ino)`` (``scandir`` gives the inode for free), so a hard-linked inode counts once
and any later path that leads to a counted file (through a ``lib64 -> lib`` symlink, say) can be
recognised as the same file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from depsize.env.sizes import counted_size
from depsize.models import ScanWarning


@dataclass
class SiteWalk:
    """Regular files found under the site-packages folders: absolute path → bytes.

    The walk itself stats nothing (``scandir`` gives the file type and inode for free); a size
    is ``None`` until a RECORD row gives it or :meth:`size` stats the file. ``stat_all`` (and
    ``--disk-usage``, which needs the blocks) stats every file during the walk instead.
    """

    sizes: dict[str, int | None] = field(default_factory=dict)
    by_top: dict[str, list[str]] = field(default_factory=dict)
    """Files grouped by the site-packages entry (folder or file) they sit under."""
    bytecode: list[str] = field(default_factory=list)
    inodes: set[tuple[int, int]] = field(default_factory=set)
    warnings: list[ScanWarning] = field(default_factory=list)
    disk_usage: bool = False
    stat_all: bool = False
    stamps: list[Stamp] | None = None
    """When a list: (path, mtime_ns, size) of every folder, taken before it is listed, and of
    every file in a metadata folder (what the env scan cache checks, :mod:`depsize.env.cache`)."""
    device: int = 0
    unlisted: list[Path] = field(default_factory=list)
    """Site-packages folders that could not be listed at all."""

    def size_of(self, st: os.stat_result) -> int:
        """Bytes of a stat result; a second link to a counted inode is 0."""
        return counted_size(st, self.inodes, self.disk_usage)

    def size(self, path: str, listed: int | None = None) -> int | None:
        """Bytes of a walked file: known, else the RECORD size, else stat it now."""
        known = self.sizes.get(path)
        if known is not None:
            return known
        if listed is not None:
            self.sizes[path] = listed
            return listed
        try:
            st = os.lstat(path)  # the walk already set hard-link duplicates to 0
            size = st.st_blocks * 512 if self.disk_usage else st.st_size
        except OSError as exc:
            self.warnings.append(ScanWarning(f"cannot stat: {exc.strerror}", Path(path)))
            return None
        self.sizes[path] = size
        return size

    def walk(self, top: str) -> list[os.DirEntry[str]]:
        """Walk ``top`` without following symlinks; return its own entries."""
        first: list[os.DirEntry[str]] = []
        try:
            self.device = os.stat(top).st_dev
        except OSError:
            self.device = 0
        stack: list[tuple[str, str]] = [(top, "")]
        while stack:
            directory, head = stack.pop()
            try:
                if self.stamps is not None:
                    self.stamps.append(stamp_of(directory))
                with os.scandir(directory) as it:
                    entries = list(it)
                if self.stamps is not None and directory.endswith((".dist-info", ".egg-info")):
                    self.stamps.extend(stamp_of(e.path) for e in entries if e.is_file())
            except OSError as exc:
                self.warnings.append(
                    ScanWarning(f"cannot list folder: {exc.strerror}", Path(directory))
                )
                if directory == top:
                    self.unlisted.append(Path(top))
                continue
            if directory == top:
                first = entries
            try:
                self._visit(entries, head, stack)
            except OSError:  # a file type the folder listing could not give: one by one
                for entry in entries:
                    self._visit_one(entry, head, stack)
        return first

    def _visit(
        self, entries: list[os.DirEntry[str]], head: str, stack: list[tuple[str, str]]
    ) -> None:
        """One folder's entries; the hot loop of the scan, kept flat on purpose."""
        sizes, inodes, device = self.sizes, self.inodes, self.device
        stat_now = self.stat_all or self.disk_usage
        files: list[str] = []  # the folder's files, grouped under ``head`` once at the end
        try:
            for entry in entries:
                path = entry.path
                if entry.is_dir(follow_symlinks=False):
                    stack.append((path, head or path))
                    continue
                if not entry.is_file(follow_symlinks=False) or path in sizes:
                    continue
                if stat_now:
                    sizes[path] = self.size_of(entry.stat(follow_symlinks=False))
                else:
                    key = (device, entry.inode())
                    if key in inodes:
                        sizes[path] = 0  # another link to an inode already counted
                    else:
                        inodes.add(key)
                        sizes[path] = None
                if head:
                    files.append(path)
                else:  # a file directly in site-packages is a group of its own
                    self.by_top[path] = [path]
                if path.endswith(".pyc"):
                    self.bytecode.append(path)
        finally:
            if files:
                self.by_top.setdefault(head, []).extend(files)

    def _visit_one(self, entry: os.DirEntry[str], head: str, stack: list[tuple[str, str]]) -> None:
        try:
            self._visit([entry], head, stack)
        except OSError as exc:
            self.warnings.append(ScanWarning(f"cannot stat: {exc.strerror}", Path(entry.path)))


Stamp = tuple[str, int, int]
"""(path, st_mtime_ns, st_size) of a folder or a metadata file."""


def stamp_of(path: str) -> Stamp:
    """The path's stamp; one that matches nothing when it cannot be stat'ed."""
    try:
        st = os.lstat(path)
    except OSError:
        return (path, -1, -1)
    return (path, st.st_mtime_ns, st.st_size)
