"""Conda prefixes, scanned whole: what ``conda-meta/*.json`` lists, outside site-packages too.

Conda installs native libraries next to Python (``lib/libcudart.so``, MKL, OpenSSL) that no
``RECORD`` lists. Each ``conda-meta/<name>-<version>-<build>.json`` names its package's files
(``files``, or ``paths_data.paths[]._path``); those files are stat'ed and attributed to that conda
package. A conda package whose name is an installed distribution's (numpy from conda-forge has
both) adds its other files to that distribution. A file already counted (by a pip
distribution's RECORD, or an earlier conda package) is never counted again, and files found
unowned in site-packages are claimed, so ``Σ own + unowned`` stays the exact total.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name

from depsize.env.sizes import counted_size
from depsize.models import EnvScan, InstalledDist, ScanWarning

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def is_conda_prefix(prefix: Path | None) -> bool:
    return prefix is not None and (prefix / "conda-meta").is_dir()


def _read(path: Path, warnings: list[ScanWarning]) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        warnings.append(ScanWarning(f"cannot read conda package record: {exc}", path))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        warnings.append(ScanWarning("conda package record without a name; skipped", path))
        return None
    return data


def _listed(data: dict[str, Any]) -> list[str]:
    files = data.get("files")
    if isinstance(files, list) and files:
        return [f for f in files if isinstance(f, str)]
    paths = data.get("paths_data", {})
    rows = paths.get("paths", []) if isinstance(paths, dict) else []
    return [r["_path"] for r in rows if isinstance(r, dict) and isinstance(r.get("_path"), str)]


def _depends(data: dict[str, Any], known: set[NormalizedName]) -> tuple[NormalizedName, ...]:
    """``"libcblas >=3.9 *_mkl"`` → ``libcblas``, kept when that package is in the prefix."""
    names: list[NormalizedName] = []
    for spec in data.get("depends", []) if isinstance(data.get("depends"), list) else []:
        words = str(spec).split()
        name = canonicalize_name(words[0]) if words else None
        if name is not None and name in known and name not in names:
            names.append(name)
    return tuple(names)


class _Claims:
    """Absolute paths already counted; sizes of files stat'ed here, hard links once."""

    def __init__(self, scan: EnvScan, disk_usage: bool) -> None:
        self.claimed = {
            os.path.normpath(os.path.join(d.site_packages, rel))
            for d in scan.dists.values()
            for rel, _ in d.files
        }
        self.unowned = dict(scan.unowned_files)
        self.inodes: set[tuple[int, int]] = set()
        self.disk_usage = disk_usage

    def take(self, path: str) -> int | None:
        """The bytes of *path* for a new owner; None when counted already or not a file."""
        if path in self.claimed:
            return None
        self.claimed.add(path)
        if path in self.unowned:
            return self.unowned.pop(path)
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return 0
        return counted_size(st, self.inodes, self.disk_usage)


def _files(
    prefix: Path, site: Path, data: dict[str, Any], claims: _Claims
) -> tuple[tuple[str, int], ...]:
    root = os.path.normpath(prefix)
    out = []
    for rel in _listed(data):
        path = os.path.normpath(os.path.join(root, rel))
        if not path.startswith(root + os.sep):
            continue
        size = claims.take(path)
        if size is not None:
            out.append((Path(os.path.relpath(path, site)).as_posix(), size))
    return tuple(out)


def add_conda_packages(scan: EnvScan) -> EnvScan:
    """*scan* with the conda packages of its prefix; the same scan when it is no conda prefix."""
    prefix = scan.env.prefix
    if prefix is None or not is_conda_prefix(prefix):
        return scan
    warnings: list[ScanWarning] = []
    records = [
        (path, data)
        for path in sorted((prefix / "conda-meta").glob("*.json"))
        if (data := _read(path, warnings)) is not None
    ]
    known = {canonicalize_name(d["name"]) for _, d in records} | set(scan.dists)
    claims = _Claims(scan, scan.disk_usage)
    site = scan.env.site_packages[0]
    dists = dict(scan.dists)
    for path, data in records:
        name = canonicalize_name(data["name"])
        base = dists[name].site_packages if name in dists else site
        files = _files(prefix, base, data, claims)
        depends = tuple(d for d in _depends(data, known) if d != name)
        dists[name] = _merged(dists.get(name), data, files, depends=depends, record=path, site=base)
    unowned = tuple(sorted(claims.unowned.items()))
    return replace(
        scan,
        dists=dict(sorted(dists.items())),
        unowned_files=unowned,
        unowned_bytes=sum(size for _, size in unowned),
        warnings=scan.warnings + tuple(warnings),
    )


def _merged(
    dist: InstalledDist | None,
    data: dict[str, Any],
    files: tuple[tuple[str, int], ...],
    *,
    depends: tuple[NormalizedName, ...],
    record: Path,
    site: Path,
) -> InstalledDist:
    """A pip distribution with its conda package's other files, or the conda package alone
    (its file paths relative to *site*, the prefix's first site-packages, like a RECORD's)."""
    if dist is not None:
        have = {canonicalize_name(m.group()) for r in dist.requires if (m := _NAME.match(r))}
        extra = tuple(d for d in depends if d not in have)
        return replace(
            dist,
            files=dist.files + files,
            own_bytes=dist.own_bytes + sum(size for _, size in files),
            requires=dist.requires + extra,
        )
    return InstalledDist(
        name=canonicalize_name(data["name"]),
        display_name=str(data["name"]),
        version=str(data.get("version", "")),
        metadata_dir=record,
        site_packages=site,
        requires=depends,
        provides_extras=(),
        files=files,
        own_bytes=sum(size for _, size in files),
        import_names=(),
        installer="conda",
        files_source="none",
    )
