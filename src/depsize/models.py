"""Frozen value objects shared by every stage of the pipeline.

Loaders (``env``, ``requirements``, ``imports``) do I/O and return these; every later stage is a
pure function of them. Every mapping of distributions is keyed by
:func:`packaging.utils.canonicalize_name`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from packaging.utils import NormalizedName

REPORT_SCHEMA_VERSION = 1
"""Version of the ``depsize scan --format json`` document (docs/schema.json); bumped on any
breaking change. Written by :mod:`depsize.report.json`, read by ``check`` and ``diff``."""

FilesSource = Literal["RECORD", "installed-files.txt", "top_level.txt", "none"]

Status = Literal[
    "used",
    "dev-only",
    "dead-code-only",
    "optional-only",
    "types-only",
    "command",
    "plugin",
    "transitive-only",
    "unused",
    "not-installed",
    "not-applicable",
]
"""The verdict on one declared requirement (DESIGN §6), as the JSON report spells it."""
STATUSES: tuple[Status, ...] = get_args(Status)


@dataclass(frozen=True)
class ScanWarning:
    """A problem with one input that did not stop the scan."""

    message: str
    file: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class EntryPoint:
    """One entry point a distribution declares (``console_scripts``, ``pytest11``, ...)."""

    group: str
    name: str
    value: str


@dataclass(frozen=True)
class PythonEnv:
    """A discovered Python environment: where its packages live and what Python it runs."""

    site_packages: tuple[Path, ...]
    python_version: str  # "3.11.7" or "3.11" when only the minor version is known
    prefix: Path | None = None
    interpreter: Path | None = None
    how_found: str = ""
    note: str | None = None
    platform: dict[str, str] = field(default_factory=dict)

    @property
    def python_minor(self) -> tuple[int, int]:
        major, minor = self.python_version.split(".")[:2]
        return int(major), int(minor)

    def marker_environment(self) -> dict[str, str]:
        """The PEP 508 marker environment of the *target* interpreter."""
        version = self.python_version
        parts = version.split(".")
        full = version if len(parts) >= 3 else f"{version}.0"
        env = {
            "implementation_name": "cpython",
            "implementation_version": full,
            "os_name": "posix",
            "platform_machine": "x86_64",
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Linux",
            "platform_version": "",
            "python_full_version": full,
            "python_version": ".".join(parts[:2]),
            "sys_platform": "linux",
        }
        env.update(self.platform)
        return env


@dataclass(frozen=True)
class InstalledDist:
    """One installed distribution and the exact bytes it owns in the environment."""

    name: NormalizedName
    display_name: str
    version: str
    metadata_dir: Path
    site_packages: Path
    requires: tuple[str, ...]
    provides_extras: tuple[str, ...]
    files: tuple[tuple[str, int], ...]
    """(path relative to ``site_packages`` in POSIX form, bytes) of each file counted for it."""
    own_bytes: int
    import_names: tuple[str, ...]
    """Importable names it provides; dotted for namespace packages (``google.cloud.storage``)."""
    entry_points: tuple[EntryPoint, ...] = ()
    installer: str | None = None
    editable: bool = False
    editable_location: Path | None = None
    files_source: FilesSource = "RECORD"
    metadata_format: Literal["dist-info", "egg-info"] = "dist-info"

    @property
    def file_count(self) -> int:
        return len(self.files)

    @property
    def console_scripts(self) -> tuple[str, ...]:
        """Commands it installs: its script entry points, and the files its RECORD puts in the
        environment's ``bin/`` (binaries such as ruff's, and ``scripts=`` of older setups)."""
        names = [
            ep.name for ep in self.entry_points if ep.group in {"console_scripts", "gui_scripts"}
        ]
        for rel, _size in self.files:
            if rel.startswith("../") and ("/bin/" in rel or "/Scripts/" in rel):
                name = rel.rsplit("/", 1)[-1]
                names.append(name[:-4] if name.endswith(".exe") else name)
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class FileConflict:
    """A file that more than one distribution lists: counted once, for the first owner."""

    path: str
    owners: tuple[NormalizedName, ...]
    size: int


@dataclass(frozen=True)
class EnvScan:
    """Everything the scanner learned about one environment."""

    env: PythonEnv
    dists: dict[NormalizedName, InstalledDist]
    unowned_bytes: int
    unowned_files: tuple[tuple[str, int], ...]
    conflicts: tuple[FileConflict, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()
    disk_usage: bool = False

    @property
    def total_bytes(self) -> int:
        return sum(d.own_bytes for d in self.dists.values()) + self.unowned_bytes
