"""How many bytes a file counts for: one rule for the scanner and for conda records."""

from __future__ import annotations

import os


def counted_size(st: os.stat_result, inodes: set[tuple[int, int]], disk_usage: bool) -> int:
    """Bytes of a regular file's stat result, once per file identity ``(st_dev, st_ino)``: a
    second path to a file already in ``inodes`` (a hard link, or a path through a symlinked
    folder such as ``lib64 -> lib``) is 0. Apparent size, or allocated blocks with
    ``disk_usage``."""
    key = (st.st_dev, st.st_ino)
    if key in inodes:
        return 0
    inodes.add(key)
    return st.st_blocks * 512 if disk_usage else st.st_size


class EnvBoundary:
    """The folder an environment's files must stay inside, checked on real paths: a listed
    path whose folder resolves (through symlinks) outside it is not the environment's."""

    def __init__(self, root: str) -> None:
        self.root = os.path.normpath(root)
        self.real = os.path.realpath(self.root)
        self._folders: dict[str, bool] = {}

    def holds(self, folder: str) -> bool:
        """Whether ``folder``, symlinks resolved, lies inside the environment (cached)."""
        known = self._folders.get(folder)
        if known is None:
            known = self._folders[folder] = inside(os.path.realpath(folder), self.real)
        return known


def inside(path: str, root: str) -> bool:
    """Whether the normalised ``path`` is ``root`` or below it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
