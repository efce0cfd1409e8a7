"""Value objects of a plan: what a lock names, and what its wheels would install."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from packaging.utils import NormalizedName

from depsize.models import EntryPoint, ScanWarning
from depsize.records import dataclass

PLANNED_SITE = Path("/planned-environment/site-packages")
"""Where planned files would be: a path that names no real folder (nothing is read there)."""

LockKind = Literal["pylock.toml", "uv.lock", "poetry.lock", "requirements", "pip-report"]


@dataclass(frozen=True)
class WheelRef:
    """One archive a lock names for a distribution: a file name and where to get it."""

    filename: str
    url: str | None = None
    """``http(s)://`` or ``file://`` URL, or a path relative to the lock file's folder."""
    sha256: str | None = None


@dataclass(frozen=True)
class LockedDist:
    """One distribution of the resolved set, as the lock pins it."""

    name: NormalizedName
    version: str
    files: tuple[WheelRef, ...] = ()
    """Archives the lock names (wheels and sdists); empty: ask the index."""
    hashes: tuple[str, ...] = ()
    """sha256 hashes the lock allows when it names no files (``--hash`` in requirements)."""
    index: str | None = None
    """The index the lock says it comes from."""
    line: int | None = None
    built_from: str | None = None
    """``directory``, ``vcs``…: the lock installs it by building a source tree, so no wheel
    tells its size."""


@dataclass(frozen=True)
class Declared:
    """A requirement the project declares, when the lock says which ones those are."""

    name: NormalizedName
    extras: frozenset[str]
    text: str


@dataclass(frozen=True)
class LockFile:
    """A resolved set: every distribution the target would install."""

    path: Path
    kind: LockKind
    dists: tuple[LockedDist, ...]
    declared: tuple[Declared, ...] | None = None
    """The project's own requirements, or ``None`` when the lock does not tell."""
    warnings: tuple[ScanWarning, ...] = ()
    marker_env: dict[str, str] | None = None
    """The target environment the lock itself records (pip's report)."""


@dataclass(frozen=True)
class WheelListing:
    """What one wheel holds, from its central directory: all a plan needs of it."""

    filename: str
    members: tuple[tuple[str, int], ...]
    """(name, uncompressed bytes) of each file member (folders left out)."""
    metadata: str
    record: str
    entry_points: str = ""
    python_shebangs: tuple[tuple[str, int], ...] = ()
    """``.data/scripts`` members starting ``#!python`` (the installer rewrites that line) and
    the length of that line."""


Unknown = Literal["sdist-only", "no-wheel-for-target", "error"]


@dataclass(frozen=True)
class PlannedDist:
    """One distribution of the plan with its installed bytes, or why they are unknown."""

    name: NormalizedName
    version: str
    wheel: str | None = None
    files: tuple[tuple[str, int], ...] = ()
    """Installed files (site-packages-relative POSIX paths) and bytes, as the installer writes
    them without compiling byte-code."""
    installed_bytes: int | None = None
    installer_bytes: int = 0
    """Of ``installed_bytes``: INSTALLER, REQUESTED and the rewritten RECORD."""
    script_bytes: int = 0
    """Of ``installed_bytes``: console scripts (their shebang names the target interpreter)."""
    bytecode_estimate: int = 0
    """Estimated ``__pycache__`` bytes a compiling install adds (not in ``installed_bytes``)."""
    requires: tuple[str, ...] = ()
    provides_extras: tuple[str, ...] = ()
    import_names: tuple[str, ...] = ()
    """What it makes importable, from its installed paths (``Import-Name`` metadata first),
    as the env scanner finds them in an installed distribution."""
    entry_points: tuple[EntryPoint, ...] = ()
    """From the wheel's ``entry_points.txt`` (console scripts, plugin groups)."""
    unknown: Unknown | None = None
    reason: str = ""
