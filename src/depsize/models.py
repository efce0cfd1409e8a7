"""Frozen value objects shared by every stage of the pipeline.

Loaders (``env``, ``requirements``, ``imports``) do I/O and return these; every later stage is a
pure function of them. Every mapping of distributions is keyed by
:func:`packaging.utils.canonicalize_name`.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Literal, get_args

from packaging.utils import NormalizedName

from depsize.records import dataclass

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
    "configured",
    "used-by-dependency",
    "types",
    "transitive-only",
    "unused",
    "not-installed",
    "not-applicable",
]
"""The verdict on one declared requirement (DESIGN §6), as the JSON report spells it."""
STATUSES: tuple[Status, ...] = get_args(Status)

Confidence = Literal["certain", "likely"]
"""How sure a removable verdict is: ``likely`` when the evidence under it is open (a module
loaded in a way that could not be resolved, files that could not be read)."""


@dataclass(frozen=True)
class StatusInfo:
    """Everything the pipeline and the reports say about one status: one row of the table."""

    meaning: str
    """One line for help texts and docs."""
    title: str
    """Report section title."""
    finding: str
    """What a finding line says after the requirement's name."""
    style: str
    """Console style of the status cell."""
    removable: bool = False
    """Whether ``trim --remove`` accepts it."""
    trim_default: bool = False
    """Whether ``trim`` removes it (its ``certain`` verdicts) by default."""
    counted: bool = False
    """Whether ``check --max-unused`` counts it by default."""
    proven: bool = False
    """Proven by what was found, so an unreadable project file cannot overturn it."""


STATUS_TABLE: dict[Status, StatusInfo] = {
    "unused": StatusInfo(
        "not imported, not run, not configured, not needed by anything else",
        "Unused",
        "nothing imports it, runs it, configures it or needs it",
        "bold red",
        removable=True,
        trim_default=True,
        counted=True,
    ),
    "dead-code-only": StatusInfo(
        "imported only by modules no entry point reaches",
        "Only used by dead code",
        "imported only by code no entry point reaches",
        "red",
        removable=True,
        trim_default=True,
        counted=True,
    ),
    "dev-only": StatusInfo(
        "imported only by tests, but declared as a runtime requirement",
        "Only used by tests",
        "imported only by tests; move it to a dev/test group",
        "yellow",
    ),
    "optional-only": StatusInfo(
        "imported only inside try/except ImportError",
        "Optional imports only",
        "imported only inside try/except ImportError",
        "cyan",
    ),
    "types-only": StatusInfo(
        "imported only under `if TYPE_CHECKING:`",
        "Type-checking imports only",
        "imported only under TYPE_CHECKING; a dev/typing group is enough",
        "cyan",
    ),
    "command": StatusInfo(
        "not imported, but run (Procfile, Dockerfile, CI, hooks...) or a tool it configures",
        "Used as a command",
        "run as a command",
        "green",
        proven=True,
    ),
    "plugin": StatusInfo(
        "not imported, but plugged into a used distribution, with proof of use",
        "Used as a plugin",
        "used as a plugin",
        "green",
        proven=True,
    ),
    "configured": StatusInfo(
        "not imported, but named by a string in code or configuration (settings, URLs, ...)",
        "Named by configuration",
        "named by configuration",
        "green",
        proven=True,
    ),
    "used-by-dependency": StatusInfo(
        "not imported, but a used distribution's code imports it, or its metadata lists it",
        "Used by a dependency",
        "loaded by a distribution the project uses",
        "green",
        proven=True,
    ),
    "types": StatusInfo(
        "type stubs for a module the project imports, read by a type checker it configures or runs",
        "Type stubs",
        "type stubs for an imported distribution",
        "cyan",
        proven=True,
    ),
    "transitive-only": StatusInfo(
        "not imported, but another declared requirement needs it (frees 0 B)",
        "Only needed transitively",
        "not imported; another declared requirement needs it",
        "dim",
        removable=True,
    ),
    "not-installed": StatusInfo(
        "declared but not installed in the scanned environment",
        "Not installed",
        "declared but not installed in this environment",
        "magenta",
        proven=True,
    ),
    "not-applicable": StatusInfo(
        "its environment marker is false for the scanned environment",
        "Not applicable here",
        "its marker is false for this environment",
        "dim",
        proven=True,
    ),
    "used": StatusInfo(
        "imported by live code (or, for a dev group, by tests)",
        "Used",
        "imported by live code",
        "green",
        proven=True,
    ),
}
"""One row per status; reports, verdicts, ``trim`` and ``check`` all read this table."""
assert set(STATUS_TABLE) == set(STATUSES)

REMOVABLE: tuple[Status, ...] = tuple(s for s, i in STATUS_TABLE.items() if i.trim_default)
"""Statuses whose ``certain`` verdicts are advised for removal (``unused``, ``dead-code-only``)."""


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


ENV_FOLDERS = frozenset({"site-packages", "dist-packages"})
"""Folders of installed packages."""


def from_env_folder(path: Path) -> str | None:
    """``site-packages/<path there>`` for a file under a folder of installed packages (the last
    one in the path), the same on every machine; ``None`` for any other path."""
    parts = path.parts
    for index in range(len(parts) - 1, -1, -1):
        if parts[index] in ENV_FOLDERS:
            return "/".join(("site-packages", *parts[index + 1 :]))
    return None


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
