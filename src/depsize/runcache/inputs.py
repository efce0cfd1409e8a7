"""The stamps of everything a recorded run read."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from depsize.env.cache import stored_stamps
from depsize.runcache.key import Stamp, stamp

if TYPE_CHECKING:
    from depsize.runcache.record import _Recording


def input_stamps(recording: _Recording) -> tuple[list[Stamp], str] | None:
    """Every input's stamp and the folder most of them share (the env's site-packages, when
    one), or ``None`` when the environment's stamps cannot be had.

    The environment is stamped as the env scan cache stamps it (its folders and metadata files,
    taken before it was scanned), and what the run read there beyond that is trusted as the env
    scan cache trusts it (``--stat-all``, never cached, is the exact check). Everything else
    the run listed, opened or stat-ed (``os.stat`` or a listing's ``stat()``) is stamped now: a
    listed folder by its mtime (an entry added, removed or renamed changes it), a file by its
    mtime, ctime, size and inode, a folder only looked at by its inode."""
    env = _env_stamps(recording.env_token)
    if env is None:
        return None
    stamps = {str(entry[0]): entry for entry in env}
    env_paths = set(stamps)

    def wanted(path: str) -> bool:
        inside = path in env_paths or os.path.dirname(path) in env_paths
        return not (inside or recording.mine(path))

    real = _RealPaths()
    for listed in recording.listed:
        folder = real.of(listed)  # a listing through a symlink lists its target
        if wanted(folder) and wanted(listed):
            stamps[folder] = stamp(folder)
    stated = {os.path.abspath(os.fsdecode(raw)) for raw in recording.stated}
    for path in sorted(recording.opened | stated):
        if "\0" not in path and path not in stamps and wanted(path):
            stamps[path] = stamp(path, whole=False)
    for where in _code():
        path = os.path.abspath(where)
        stamps[path] = stamp(path)
    return list(stamps.values()), _shared(env_paths)


class _RealPaths:
    """``os.path.realpath`` of absolute, normalised paths, sharing the work of their common
    folders: a path's real path is its folder's real path joined with its name, unless that is
    a symlink (then ``realpath`` of the join). One ``lstat`` a path instead of one a part
    (a run over a project of 3,000 folders listed them all)."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def of(self, path: str) -> str:
        known = self.known
        pending: list[str] = []
        here = path
        while here not in known:
            parent, name = os.path.split(here)
            if not name or parent == here:  # the root (or a path that is not normalised)
                known[here] = os.path.realpath(here)
                break
            pending.append(here)
            here = parent
        for child in reversed(pending):
            joined = os.path.join(known[os.path.dirname(child)], os.path.basename(child))
            known[child] = os.path.realpath(joined) if os.path.islink(joined) else joined
        return known[path]


def _shared(paths: set[str]) -> str:
    """The deepest folder holding every path (``""`` for none)."""
    try:
        return os.path.commonpath(paths) if paths else ""
    except ValueError:  # on Windows, paths on two drives
        return ""


def _env_stamps(token: str | None) -> list[Stamp] | None:
    """The env scan cache's stamps of the scan the run used, with absolute paths."""
    found = stored_stamps(token) if token is not None else None
    if found is None or not all(_is_env_stamp(s) for s in found):
        return None
    return [[os.path.abspath(where), mtime_ns, size] for where, mtime_ns, size in found]


def _code() -> list[str]:
    """The files of the code that made the output: every depsize module, and the top module of
    each library (an upgrade replaces it); the standard library goes with ``sys.version``."""
    found = []
    for name, module in list(sys.modules.items()):
        top = name.partition(".")[0]
        where = getattr(module, "__file__", None)
        if not isinstance(where, str) or top in sys.stdlib_module_names:
            continue
        if top in {"depsize", name}:
            found.append(where)
    return found


def _is_env_stamp(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 3
        and isinstance(value[0], str)
        and type(value[1]) is int
        and type(value[2]) is int
    )
