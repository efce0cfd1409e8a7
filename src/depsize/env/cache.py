"""The env scan cache: a second scan of an unchanged environment does not walk it again.

It holds the scan and the dependency graph built from it (for the env's marker environment).

A scan is stored with the (path, mtime_ns, size) stamp of every folder under the env's
site-packages (taken before the folder was listed) and of every file in each metadata folder
(RECORD, METADATA …). pip, uv and conda create, replace or remove entries to install, upgrade or
remove anything, which changes the mtime of the folder holding them; any difference in any stamp
(or a folder that is gone) is a miss, and the env is scanned again. A file edited in place keeps
its folder's stamp: ``--stat-all`` (which never uses the cache) is the exact check for that.

One file per environment under ``$XDG_CACHE_HOME/depsize`` (``~/.cache/depsize``), written to a
temporary file and renamed into place (concurrent runs never read half a file). A scan is not
stored while any stamp is less than :data:`SETTLE_NS` old: a change within the same clock tick
as the stamp could leave it equal (the racy-git problem), so a fresh env is re-scanned until it
has settled.
"""

from __future__ import annotations

import dataclasses
import os
import time
import zlib
from pathlib import Path

from depsize import __version__, cachepickle, models
from depsize import graph as graph_module
from depsize.env import (
    conda,
    directurl,
    entrypoints,
    importnames,
    jsondoc,
    metadata,
    pthfiles,
    record,
    scan,
    sizes,
    walk,
)
from depsize.env.scan import scan_env
from depsize.env.walk import Stamp, stamp_of
from depsize.graph import DepGraph, build_graph
from depsize.models import EnvScan, PythonEnv
from depsize.records import dataclass

FORMAT = 2
SETTLE_NS = 2_000_000_000


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "depsize"


@dataclass(frozen=True)
class CachedEnv:
    """The scan of an environment and its dependency graph; ``hit``: read from the cache."""

    scan: EnvScan
    graph: DepGraph
    hit: bool
    token: str | None = None
    """Names the stored scan this one equals (the cache file's identity), so results derived
    from the env alone can be stored beside it; ``None`` when the scan was not stored."""


def cached_env(
    env: PythonEnv, *, disk_usage: bool = False, cache_dir: Path | None = None
) -> CachedEnv:
    """The scan and graph of ``env``, from the cache when every stamp still matches."""
    path = cache_file(cache_dir or default_cache_dir(), env, disk_usage)
    identity = _identity(env, disk_usage)
    found = _load(path, identity)
    if found is not None:
        scan_result = dataclasses.replace(found[0], env=env)
        return CachedEnv(scan_result, found[1], hit=True, token=found[2])
    stamps: list[Stamp] = []
    result = scan_env(env, disk_usage=disk_usage, stamps=stamps)
    stamps.extend(_conda_stamps(env))
    dep_graph = build_graph(result.dists, env.marker_environment())
    newest = max((mtime for _, mtime, _ in stamps), default=0)
    if time.time_ns() - newest >= SETTLE_NS and all(size >= 0 for *_, size in stamps):
        token = _save(path, (identity, stamps, result, dep_graph))
        if token is not None:
            return CachedEnv(result, dep_graph, hit=False, token=token)
    return CachedEnv(result, dep_graph, hit=False)


def _token(path: Path, st: os.stat_result) -> str:
    """The stored file's identity: a re-scan that is stored replaces the file (a new inode and
    mtime), so anything keyed on the token is never read against another scan."""
    return f"{path}:{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"


def _conda_stamps(env: PythonEnv) -> list[Stamp]:
    """A conda prefix's package records (``conda-meta/*.json``): conda rewrites them on every
    install and removal, and the scan reads files outside site-packages from them."""
    folder = os.path.join(env.prefix, "conda-meta") if env.prefix is not None else ""
    if not folder or not os.path.isdir(folder):
        return []
    try:
        with os.scandir(folder) as entries:
            files = sorted(e.path for e in entries if e.is_file(follow_symlinks=False))
    except OSError:
        return [(folder, -1, -1)]  # unlistable: a stamp that never matches, the scan is not kept
    return [stamp_of(where) for where in (folder, *files)]


def cached_scan(
    env: PythonEnv, *, disk_usage: bool = False, cache_dir: Path | None = None
) -> tuple[EnvScan, bool]:
    """The scan of ``env`` (see :func:`cached_env`) and whether it came from the cache."""
    found = cached_env(env, disk_usage=disk_usage, cache_dir=cache_dir)
    return found.scan, found.hit


def cache_file(cache_dir: Path, env: PythonEnv, disk_usage: bool) -> Path:
    """One file per environment and size unit (a new depsize replaces it, never adds one)."""
    digest = zlib.crc32(_where(env, disk_usage).encode("utf-8", "surrogateescape"))
    return cache_dir / f"env-{digest:08x}.pickle"


def _where(env: PythonEnv, disk_usage: bool) -> str:
    """The paths as given: the scan holds paths built from them (relative ones stay relative)."""
    sites = [str(p) for p in env.site_packages]
    relative = not all(p.is_absolute() for p in env.site_packages)
    here = os.getcwd() if relative else ""  # relative paths (and their stamps) depend on it
    return f"{sites}:{env.prefix}:{here}:{disk_usage}"


def _identity(env: PythonEnv, disk_usage: bool) -> str:
    """What the stored scan depends on besides the stamps, the scanner's own code included."""
    modules = [scan, walk, sizes, metadata, record, entrypoints, directurl, jsondoc, pthfiles]
    modules += [conda, importnames, models, graph_module]
    code = [os.stat(m.__file__ or "").st_mtime_ns for m in modules]
    markers = sorted(env.marker_environment().items())
    return f"{FORMAT}:{__version__}:{code}:{_where(env, disk_usage)}:{markers}"


def _load(path: Path, identity: str) -> tuple[EnvScan, DepGraph, str] | None:
    """The stored scan and graph when every stamp still matches, with the file's token."""
    found = cachepickle.read(path)
    if found is None:
        return None
    stored, info = found
    token = _token(path, info)
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == identity):
        return None
    _, stamps, result, dep_graph = stored
    lstat = os.lstat
    for where, mtime_ns, size in stamps:
        try:
            st = lstat(where)
        except OSError:
            return None
        if st.st_mtime_ns != mtime_ns or st.st_size != size:
            return None
    if not (isinstance(result, EnvScan) and isinstance(dep_graph, DepGraph)):
        return None
    return result, dep_graph, token


def _save(path: Path, payload: tuple[str, list[Stamp], EnvScan, DepGraph]) -> str | None:
    """Write atomically and return the written file's token; ``None`` when it was not written."""
    info = cachepickle.write(path, payload)
    return None if info is None else _token(path, info)


def derived_file(cache_dir: Path, token: str, kind: str) -> Path:
    """Where an answer derived from the stored scan named by ``token`` is kept: one ``kind``
    file per env cache file (the token starts with its path), replaced with the answers when
    the env is scanned again."""
    digest = zlib.crc32(_scan_file(token).encode("utf-8", "surrogateescape"))
    return cache_dir / f"{kind}-{digest:08x}.pickle"


def _scan_file(token: str) -> str:
    return token.rsplit(":", 4)[0]


def stored_stamps(token: str) -> list[Stamp] | None:
    """The stamps the stored scan named by ``token`` was checked against: what a result derived
    from that scan depends on in the environment. ``None`` when the file is no longer the one
    the token names (replaced by a later scan, or gone) or is not a stored scan."""
    where = _scan_file(token)
    found = cachepickle.read(Path(where))
    if found is None or _token(Path(where), found[1]) != token:
        return None
    stored = found[0]
    if not (isinstance(stored, tuple) and len(stored) == 4 and isinstance(stored[1], list)):
        return None
    return list(stored[1])
