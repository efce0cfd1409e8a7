"""Write real wheel files (PEP 427) that pip installs offline with ``--no-index --find-links``.

Each wheel holds package files of exact byte counts (or exact contents), a ``.dist-info`` folder
with METADATA (Name, Version, Provides-Extra, Requires-Dist), WHEEL, optional
``entry_points.txt`` and a RECORD with sha256 hashes and sizes. The spec keeps the byte count of
every package file it writes, so tests derive expected sizes from their own writes. pip rewrites
RECORD and adds INSTALLER / REQUESTED (and console scripts in ``bin/``) when it installs a wheel:
tests measure those on disk after the install.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

_FIXED_TIME = (2024, 1, 1, 0, 0, 0)
"""Every zip member gets this timestamp, so a wheel's bytes depend only on its spec."""


def escaped(name: str) -> str:
    """The distribution name as wheel file names and ``.dist-info`` folders spell it."""
    return re.sub(r"[-_.]+", "_", name).lower()


@dataclass(frozen=True)
class WheelSpec:
    name: str
    version: str = "1.0"
    files: Mapping[str, int] = field(default_factory=dict)
    """Paths relative to site-packages → exact byte count (``.py`` files hold a comment)."""
    contents: Mapping[str, bytes] = field(default_factory=dict)
    """Paths relative to site-packages → exact content."""
    requires: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    console_scripts: Mapping[str, str] = field(default_factory=dict)
    """Script name → ``module:function``; written to ``entry_points.txt``."""

    @property
    def dist_info(self) -> str:
        return f"{escaped(self.name)}-{self.version}.dist-info"

    @property
    def filename(self) -> str:
        return f"{escaped(self.name)}-{self.version}-py3-none-any.whl"

    def payload(self) -> dict[str, bytes]:
        """The package files (not the metadata) this wheel installs into site-packages."""
        out = {rel: _filler(rel, size) for rel, size in self.files.items()}
        out.update(self.contents)
        return out

    def file_bytes(self, paths: Iterable[str] | None = None) -> int:
        """Bytes of the package files (``paths`` only, when given) this spec writes."""
        payload = self.payload()
        chosen = payload if paths is None else {p: payload[p] for p in paths}
        return sum(len(data) for data in chosen.values())


def _filler(rel: str, size: int) -> bytes:
    if rel.endswith(".py"):
        return b"#" * (size - 1) + b"\n" if size else b""
    return b"\0" * size


def _metadata(spec: WheelSpec) -> bytes:
    lines = ["Metadata-Version: 2.1", f"Name: {spec.name}", f"Version: {spec.version}"]
    lines += [f"Provides-Extra: {extra}" for extra in spec.extras]
    lines += [f"Requires-Dist: {req}" for req in spec.requires]
    return ("\n".join(lines) + "\n\n").encode()


def _wheel_file() -> bytes:
    return (
        b"Wheel-Version: 1.0\nGenerator: depsize-tests\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n\n"
    )


def _entry_points(scripts: Mapping[str, str]) -> bytes:
    lines = ["[console_scripts]", *(f"{name} = {target}" for name, target in scripts.items())]
    return ("\n".join(lines) + "\n").encode()


def _hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _record(members: Mapping[str, bytes], record_path: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for path, data in members.items():
        writer.writerow([path, _hash(data), len(data)])
    writer.writerow([record_path, "", ""])
    return out.getvalue().encode()


def wheel_members(spec: WheelSpec) -> dict[str, bytes]:
    """Every member of the wheel archive, RECORD last."""
    members = spec.payload()
    meta = spec.dist_info
    members[f"{meta}/METADATA"] = _metadata(spec)
    members[f"{meta}/WHEEL"] = _wheel_file()
    if spec.console_scripts:
        members[f"{meta}/entry_points.txt"] = _entry_points(spec.console_scripts)
    members[f"{meta}/RECORD"] = _record(members, f"{meta}/RECORD")
    return members


def write_wheel(spec: WheelSpec, folder: Path) -> Path:
    """Write ``spec`` as a wheel into ``folder``; return the wheel's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / spec.filename
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in wheel_members(spec).items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def write_wheels(specs: Iterable[WheelSpec], folder: Path) -> dict[str, Path]:
    """Write every spec into ``folder``; distribution name → wheel path."""
    return {spec.name: write_wheel(spec, folder) for spec in specs}
