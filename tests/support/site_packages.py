"""Build real, valid site-packages folders in a temporary directory.

Each distribution gets a dist-info (or egg-info) folder with METADATA and a RECORD listing the
real size of every file written, and module files of exact byte counts. The builder counts every
byte it writes, so tests derive expected sizes from their own writes, not from depsize.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class DistSpec:
    name: str
    version: str = "1.0"
    requires: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    files: dict[str, int] = field(default_factory=dict)
    """Files relative to site-packages (``../../../bin/x`` leaves it) → exact byte count."""
    record: bool = True
    egg_info: bool = False
    top_level: tuple[str, ...] | None = None
    entry_points: str | None = None
    direct_url: dict[str, object] | None = None
    extra_record_rows: tuple[str, ...] = ()
    """Paths listed in RECORD without being written by this spec (shared or escaping files)."""
    metadata_lines: tuple[str, ...] = ()
    contents: dict[str, bytes] = field(default_factory=dict)
    """Files relative to site-packages with exact content (also listed in RECORD)."""


@dataclass
class BuiltEnv:
    prefix: Path
    site: Path
    meta_bytes: dict[str, int] = field(default_factory=dict)
    """Bytes of each distribution's metadata folder (METADATA, RECORD, ...), as written."""
    file_bytes: dict[str, int] = field(default_factory=dict)
    """Bytes of each distribution's own files (``DistSpec.files``), as written."""

    def own(self, name: str) -> int:
        return self.meta_bytes[name] + self.file_bytes[name]


def _write(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def _content(rel: str, size: int) -> bytes:
    filler = b"#" if rel.endswith(".py") else b"\0"
    return filler * size


def _metadata(spec: DistSpec) -> bytes:
    lines = ["Metadata-Version: 2.1", f"Name: {spec.name}", f"Version: {spec.version}"]
    lines += [f"Provides-Extra: {e}" for e in spec.extras]
    lines += [f"Requires-Dist: {r}" for r in spec.requires]
    lines += list(spec.metadata_lines)
    return ("\n".join(lines) + "\n\n").encode()


def _add_dist(built: BuiltEnv, spec: DistSpec) -> None:
    site = built.site
    stem = spec.name.replace("-", "_")
    meta_dir = site / (
        f"{stem}-{spec.version}.egg-info" if spec.egg_info else f"{stem}-{spec.version}.dist-info"
    )
    file_bytes = sum(_write(site / rel, _content(rel, size)) for rel, size in spec.files.items())
    file_bytes += sum(_write(site / rel, data) for rel, data in spec.contents.items())
    meta: dict[str, bytes] = {("PKG-INFO" if spec.egg_info else "METADATA"): _metadata(spec)}
    if spec.top_level is not None:
        meta["top_level.txt"] = "".join(f"{t}\n" for t in spec.top_level).encode()
    if spec.entry_points is not None:
        meta["entry_points.txt"] = spec.entry_points.encode()
    if spec.direct_url is not None:
        meta["direct_url.json"] = json.dumps(spec.direct_url).encode()
    if spec.egg_info:
        if spec.requires:
            meta["requires.txt"] = "".join(f"{r}\n" for r in spec.requires).encode()
        if spec.record:
            rels = [Path("..", rel).as_posix() for rel in [*spec.files, *spec.contents]]
            meta["installed-files.txt"] = "".join(f"{r}\n" for r in rels).encode()
    meta_bytes = sum(_write(meta_dir / name, data) for name, data in meta.items())
    if spec.record and not spec.egg_info:
        meta_bytes += _write_record(site, meta_dir, spec, meta)
    built.meta_bytes[spec.name] = meta_bytes
    built.file_bytes[spec.name] = file_bytes


def _write_record(site: Path, meta_dir: Path, spec: DistSpec, meta: dict[str, bytes]) -> int:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for rel, size in spec.files.items():
        writer.writerow([rel, "", size])
    for rel, data in spec.contents.items():
        writer.writerow([rel, "", len(data)])
    for name, data in meta.items():
        writer.writerow([f"{meta_dir.name}/{name}", "", len(data)])
    for rel in spec.extra_record_rows:
        writer.writerow([rel, "", ""])
    writer.writerow([f"{meta_dir.name}/RECORD", "", ""])
    return _write(meta_dir / "RECORD", out.getvalue().encode())


def make_site_packages(root: Path, dists: list[DistSpec], python: str = "3.11.4") -> BuiltEnv:
    """A venv-shaped prefix under ``root`` holding ``dists``."""
    prefix = root / "env"
    minor = ".".join(python.split(".")[:2])
    site = prefix / "lib" / f"python{minor}" / "site-packages"
    site.mkdir(parents=True)
    (prefix / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {python}\n")
    built = BuiltEnv(prefix=prefix, site=site)
    for spec in dists:
        _add_dist(built, spec)
    return built
