"""Value objects of a trim plan."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from packaging.utils import NormalizedName

from depsize.models import REMOVABLE, STATUS_TABLE
from depsize.records import dataclass
from depsize.requirements.model import DeclaredRequirement

TORCH_FAMILY: frozenset[str] = frozenset({"torch", "torchvision", "torchaudio"})
REMOVABLE_STATUSES: tuple[str, ...] = tuple(s for s, i in STATUS_TABLE.items() if i.removable)
"""Statuses ``--remove`` accepts: removing any other kind of requirement can break the project."""
DEFAULT_REMOVE: tuple[str, ...] = REMOVABLE

FileChangeKind = Literal["removed", "added", "option"]


@dataclass(frozen=True)
class Removal:
    """A requirement to remove, the status that says why, and what removing it alone frees."""

    requirement: DeclaredRequirement
    status: str
    freed_bytes: int = 0


@dataclass(frozen=True)
class Addition:
    """An imported distribution to declare (``--add-missing``), pinned to the installed version."""

    name: str
    version: str
    module: str
    evidence: str
    """Where it is imported, ``file:line``."""


@dataclass(frozen=True)
class CpuTorch:
    """Ask for the CPU torch wheels; ``saving`` is the CUDA payload measured in the env."""

    saving: int


@dataclass(frozen=True)
class Change:
    """One change to a file: where, what changed and why."""

    line: int
    """The first line removed; for an added line, the original line it follows (0: the top)."""
    kind: FileChangeKind
    name: str
    text: str
    """The requirement removed, or the line added (without its depsize comment)."""
    reason: str
    bytes: int = 0
    """Bytes removing it alone frees (removed); the projected saving (option)."""


@dataclass(frozen=True)
class FileEdit:
    """A file the plan changes: its bytes before and after, and the sha256 recorded at scan."""

    path: Path
    format: str
    sha256: str
    old: bytes
    new: bytes
    encoding: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Skipped:
    """A change the plan does not make, and why."""

    name: str
    path: Path | None
    line: int | None
    reason: str


@dataclass(frozen=True)
class TrimSummary:
    declared_before: int
    declared_after: int
    reachable_before: int | None
    """Env bytes reachable from the declared requirements, when the caller measured them."""
    freed: int | None
    """What removing the removed names together frees (``freed(S)``), when measured."""
    removed_names: tuple[NormalizedName, ...]
    """Names no longer declared anywhere after the plan."""
    cpu_torch_saving: int | None = None

    @property
    def reachable_after(self) -> int | None:
        if self.reachable_before is None or self.freed is None:
            return None
        return self.reachable_before - self.freed


@dataclass(frozen=True)
class TrimPlan:
    project: Path
    files: tuple[FileEdit, ...]
    skipped: tuple[Skipped, ...]
    summary: TrimSummary
    notes: tuple[str, ...] = ()

    @property
    def changes(self) -> list[tuple[Path, Change]]:
        return [(f.path, c) for f in self.files for c in f.changes]
