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

import os
import re
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name

from depsize import safeio
from depsize.env.jsondoc import JsonDocError, load_json
from depsize.env.sizes import EnvBoundary, counted_size
from depsize.models import EnvScan, InstalledDist, ScanWarning
from depsize.records import dataclass

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def is_conda_prefix(prefix: Path | None) -> bool:
    return prefix is not None and os.path.isdir(prefix / "conda-meta")


@dataclass(frozen=True)
class CondaRecord:
    """What one ``conda-meta/*.json`` says, its types checked: name, version, listed files
    (relative to the prefix) and the names it depends on."""

    path: Path
    name: str
    version: str
    files: tuple[str, ...]
    depends: tuple[str, ...]


def read_conda_record(path: Path, warnings: list[ScanWarning]) -> CondaRecord | None:
    """The record in ``path``; ``None`` (with a warning naming it) when it cannot be used."""
    try:
        data = load_json(safeio.read_text(path, errors="strict"), path)
    except (safeio.UnreadableFileError, JsonDocError) as exc:
        warnings.append(ScanWarning(f"cannot read conda package record: {exc.reason}", path))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"]:
        warnings.append(ScanWarning("conda package record without a name; skipped", path))
        return None
    warnings.extend(ScanWarning(f"{p}; read as empty", path) for p in _type_problems(data))
    version = data.get("version")
    return CondaRecord(
        path=path,
        name=data["name"],
        version=version if isinstance(version, str) else "",
        files=_listed(data),
        depends=tuple(d for d in _strings(data.get("depends")) if d.strip()),
    )


_EXPECTED: dict[str, tuple[type, str]] = {
    "files": (list, "a list"),
    "depends": (list, "a list"),
    "paths_data": (dict, "an object"),
    "version": (str, "a string"),
}


def _type_problems(data: dict[str, Any]) -> list[str]:
    """The keys of a conda record whose value has the wrong JSON type."""
    found = [
        f'"{key}" is not {label}'
        for key, (kind, label) in _EXPECTED.items()
        if key in data and not isinstance(data[key], kind)
    ]
    paths = data.get("paths_data")
    if isinstance(paths, dict) and "paths" in paths and not isinstance(paths["paths"], list):
        found.append('"paths_data.paths" is not a list')
    return found


def _strings(value: object) -> list[str]:
    return (
        [v for v in value if isinstance(v, str) and "\0" not in v]
        if isinstance(value, list)
        else []
    )


def _listed(data: dict[str, Any]) -> tuple[str, ...]:
    files = _strings(data.get("files"))
    if files:
        return tuple(files)
    paths = data.get("paths_data")
    rows = paths.get("paths") if isinstance(paths, dict) else None
    if not isinstance(rows, list):
        return ()
    found = [r.get("_path") for r in rows if isinstance(r, dict)]
    return tuple(p for p in found if isinstance(p, str) and "\0" not in p)


def _depends(record: CondaRecord, known: set[NormalizedName]) -> tuple[NormalizedName, ...]:
    """``"libcblas >=3.9 *_mkl"`` → ``libcblas``, kept when that package is in the prefix."""
    names: list[NormalizedName] = []
    for spec in record.depends:
        name = canonicalize_name(spec.split()[0])
        if name in known and name not in names:
            names.append(name)
    return tuple(names)


class _Claims:
    """Absolute paths already counted; files stat'ed here count once by identity, and only
    when their folder resolves inside the prefix."""

    def __init__(self, scan: EnvScan, counted: set[tuple[int, int]], root: str) -> None:
        self.claimed = {
            os.path.normpath(os.path.join(d.site_packages, rel))
            for d in scan.dists.values()
            for rel, _ in d.files
        }
        self.unowned = dict(scan.unowned_files)
        self.inodes = counted
        self.disk_usage = scan.disk_usage
        self.boundary = EnvBoundary(root)
        self.escaped: list[str] = []

    def take(self, path: str) -> int | None:
        """The bytes of *path* for a new owner; None when counted already or not a file."""
        if path in self.claimed:
            return None
        self.claimed.add(path)
        if path in self.unowned:
            return self.unowned.pop(path)
        try:
            st = os.lstat(path)
        except (OSError, ValueError):
            return None
        if not self.boundary.holds(os.path.dirname(path)):
            self.escaped.append(path)
            return None
        if not stat.S_ISREG(st.st_mode):
            return 0
        return counted_size(st, self.inodes, self.disk_usage)


def _files(
    prefix: Path, site: Path, record: CondaRecord, claims: _Claims, warnings: list[ScanWarning]
) -> tuple[tuple[str, int], ...]:
    root = os.path.normpath(prefix)
    out = []
    for rel in record.files:
        path = os.path.normpath(os.path.join(root, rel))
        if not path.startswith(root + os.sep):
            warnings.append(
                ScanWarning(f"lists {rel[:200]!r}, outside the prefix; not counted", record.path)
            )
            continue
        size = claims.take(path)
        if size is not None:
            out.append((Path(os.path.relpath(path, site)).as_posix(), size))
    warnings.extend(
        ScanWarning(
            f"lists {path!r}, which leads outside the prefix through a symlink; not counted",
            record.path,
        )
        for path in claims.escaped
    )
    claims.escaped.clear()
    return tuple(out)


def add_conda_packages(scan: EnvScan, counted: set[tuple[int, int]] | None = None) -> EnvScan:
    """*scan* with the conda packages of its prefix; the same scan when it is no conda prefix.

    ``counted``: the identities ``(st_dev, st_ino)`` of the files the scan found, so that no
    path to one of them counts again."""
    prefix = scan.env.prefix
    if prefix is None or not is_conda_prefix(prefix):
        return scan
    warnings: list[ScanWarning] = []
    try:
        paths = sorted((prefix / "conda-meta").glob("*.json"))
    except OSError as exc:
        paths = []
        warnings.append(ScanWarning(f"cannot list: {exc.strerror}", prefix / "conda-meta"))
    records = [r for p in paths if (r := read_conda_record(p, warnings)) is not None]
    known = {canonicalize_name(r.name) for r in records} | set(scan.dists)
    claims = _Claims(scan, set() if counted is None else counted, str(prefix))
    site = scan.env.site_packages[0]
    dists = dict(scan.dists)
    for record in records:
        name = canonicalize_name(record.name)
        base = dists[name].site_packages if name in dists else site
        files = _files(prefix, base, record, claims, warnings)
        depends = tuple(d for d in _depends(record, known) if d != name)
        dists[name] = _merged(dists.get(name), record, files, depends=depends, site=base)
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
    record: CondaRecord,
    files: tuple[tuple[str, int], ...],
    *,
    depends: tuple[NormalizedName, ...],
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
        name=canonicalize_name(record.name),
        display_name=record.name,
        version=record.version,
        metadata_dir=record.path,
        site_packages=site,
        requires=depends,
        provides_extras=(),
        files=files,
        own_bytes=sum(size for _, size in files),
        import_names=(),
        installer="conda",
        files_source="none",
    )
