"""The report document: a frozen, typed mirror of ``docs/schema.json`` (schema version 1).

``depsize scan --format json`` writes it (:func:`from_analysis`, :func:`dump`); ``check``,
``diff`` and baselines read it (:func:`load`), so a check on a fresh analysis and one on a
report file see the same typed rows. Each requirement row carries its ``closure``: the
distributions it pulls in with the extras that are asked for (``web`` → ``server[fast]`` →
``speedup``), so nothing downstream recomputes reachability from ``distributions[].requires``,
which lists the edges without extras.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from depsize.errors import InputError
from depsize.models import REPORT_SCHEMA_VERSION, Confidence, FilesSource, Status
from depsize.records import dataclass
from depsize.report.typed import ShapeError, from_data, to_data
from depsize.safeio import read_bytes

if TYPE_CHECKING:
    from depsize.analyze import Analysis

REPORT_EXPECTED = (
    "a JSON report written by `depsize scan --format json` "
    f"(schema_version {REPORT_SCHEMA_VERSION})"
)
Names = tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class EvidenceRow:
    file: str | None
    line: int | None
    text: str
    kind: str
    scope: str


@dataclass(frozen=True, kw_only=True)
class EnvInfo:
    path: str | None
    site_packages: Names
    python: str
    found_by: str
    note: str | None
    size_unit: Literal["apparent", "disk_usage"]
    total_bytes: int
    unowned_bytes: int
    unowned_files: int
    extraneous_bytes: int
    installer_tooling_bytes: int
    project_bytes: int


@dataclass(frozen=True, kw_only=True)
class OpenLoading:
    file: str | None
    line: int
    what: str


@dataclass(frozen=True, kw_only=True)
class Summary:
    declared: int
    statuses: Mapping[str, int]
    removable: Names
    removable_freed_bytes: int
    removable_exclusive_sum_bytes: int
    entry_points_found: bool
    dead_modules: Names
    open_loading: tuple[OpenLoading, ...]


@dataclass(frozen=True, kw_only=True)
class RootRow:
    name: str
    extras: Names
    own_bytes: int
    closure_bytes: int
    exclusive_bytes: int
    share_bytes: int
    closure: Names


@dataclass(frozen=True, kw_only=True)
class Source:
    file: str | None
    line: int
    end_line: int


@dataclass(frozen=True, kw_only=True)
class Declaration:
    file: str | None
    line: int
    end_line: int
    group: str
    specifier: str
    raw: str
    lock: bool


@dataclass(frozen=True, kw_only=True)
class RequirementRow:
    """One declared name: its verdict, its declarations and its sizes."""

    name: str
    display_name: str
    specifier: str
    extras: Names
    marker: str | None
    group: str
    source: Source
    sources: tuple[Declaration, ...] = ()
    raw: str
    status: Status
    pin: bool
    ignored: bool
    evidence_complete: bool
    confidence: Confidence | None
    confidence_reason: str | None
    installed_version: str | None
    required_by: Names
    evidence: tuple[EvidenceRow, ...]
    own_bytes: int
    closure_bytes: int
    exclusive_bytes: int
    share_bytes: int
    closure: Names = ()
    """The distributions it reaches, itself included, extras followed (empty when not
    installed); a report written before this key existed reads as empty."""

    @property
    def places(self) -> tuple[tuple[str | None, int], ...]:
        """Every ``(file, line)`` declaring it: ``sources``, else ``source``."""
        if self.sources:
            return tuple((s.file, s.line) for s in self.sources)
        return ((self.source.file, self.source.line),)


@dataclass(frozen=True, kw_only=True)
class ElsewhereRow:
    module: str
    dists: Names
    declared_in: Names
    installed: bool
    evidence: tuple[EvidenceRow, ...]


@dataclass(frozen=True, kw_only=True)
class LockRow:
    file: str | None
    reason: str
    generated_from: tuple[str | None, ...]
    note: str | None


@dataclass(frozen=True, kw_only=True)
class DevFileRow:
    file: str | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class SelfReference:
    file: str | None
    line: int
    raw: str


@dataclass(frozen=True, kw_only=True)
class Declarations:
    locks: tuple[LockRow, ...] = ()
    dev_files: tuple[DevFileRow, ...] = ()
    project_itself: tuple[SelfReference, ...] = ()


@dataclass(frozen=True, kw_only=True)
class UndeclaredRow:
    module: str
    file: str | None
    line: int | None
    installed: bool
    dists: Names
    required_by: Names
    hint: str | None
    evidence: tuple[EvidenceRow, ...]


@dataclass(frozen=True, kw_only=True)
class DistRow:
    name: str
    display_name: str
    version: str
    own_bytes: int
    file_count: int
    requires: Names
    """What it requires without extras (as pipdeptree shows it); closures are on the rows."""
    import_names: Names
    editable: bool
    files_from: FilesSource
    installer: str | None


@dataclass(frozen=True, kw_only=True)
class NamedBytes:
    name: str
    own_bytes: int


@dataclass(frozen=True, kw_only=True)
class MissingRow:
    required_by: str
    requirement: str
    name: str


@dataclass(frozen=True, kw_only=True)
class ConflictRow:
    path: str
    owners: Names
    bytes: int


@dataclass(frozen=True, kw_only=True)
class RecommendationRow:
    kind: str
    title: str
    bytes: int
    detail: str
    names: Names
    fix: str | None
    before_bytes: int | None
    after_bytes: int | None


@dataclass(frozen=True, kw_only=True)
class WarningRow:
    file: str | None
    line: int | None
    message: str


@dataclass(frozen=True, kw_only=True)
class ReportDocument:
    """The whole report; see ``docs/json.md`` for what each key means."""

    schema_version: int = REPORT_SCHEMA_VERSION
    depsize_version: str
    project: str
    env: EnvInfo
    summary: Summary
    roots_from: Literal["declared", "unrequired"]
    roots: tuple[RootRow, ...]
    requirements: tuple[RequirementRow, ...]
    undeclared: tuple[UndeclaredRow, ...]
    declared_elsewhere: tuple[ElsewhereRow, ...] = ()
    declarations: Declarations = field(default_factory=Declarations)
    distributions: tuple[DistRow, ...]
    extraneous: tuple[NamedBytes, ...]
    installer_tooling: tuple[NamedBytes, ...]
    project_distributions: tuple[NamedBytes, ...]
    missing_dependencies: tuple[MissingRow, ...]
    conflicts: tuple[ConflictRow, ...]
    recommendations: tuple[RecommendationRow, ...]
    notes: Names
    warnings: tuple[WarningRow, ...]

    def own_bytes(self) -> dict[str, int]:
        """Each installed distribution's own bytes, by name."""
        return {d.name: d.own_bytes for d in self.distributions}

    def rows(self) -> dict[str, RequirementRow]:
        """The requirement rows by name (one row per declared name)."""
        return {r.name: r for r in self.requirements}


def from_analysis(analysis: Analysis) -> ReportDocument:
    """The document of one analysis."""
    from depsize.report.build import build_document

    return build_document(analysis)


def dump(document: ReportDocument) -> str:
    """The document as JSON text (two-space indent, keys in schema order, final newline),
    every string made visible (:func:`~depsize.report.safe.clean`: no control character from a
    scanned file reaches a terminal that shows the JSON)."""
    from depsize.report.safe import clean

    return json.dumps(clean(to_data(document)), indent=2) + "\n"


def parse(data: object, what: str = "report", path: Path | None = None) -> ReportDocument:
    """Decoded JSON as a document, or an :class:`InputError` naming the JSON path at fault."""
    if not isinstance(data, dict):
        raise InputError(
            f"{what} is a JSON {type(data).__name__}; expected {REPORT_EXPECTED}", path
        )
    version = data.get("schema_version")
    if version != REPORT_SCHEMA_VERSION or isinstance(version, bool):
        raise InputError(
            f"{what} has schema_version {version!r}; expected {REPORT_EXPECTED} "
            "(write it again with this depsize version)",
            path,
        )
    try:
        return from_data(ReportDocument, data)
    except ShapeError as exc:
        raise InputError(f"{what}: {exc}; expected {REPORT_EXPECTED}", path) from None


def load(path: Path, what: str = "report", missing_hint: str = "") -> ReportDocument:
    """Read and check a report file; every problem is an :class:`InputError` naming it."""
    from depsize.safeio import UnreadableFileError

    try:
        raw = read_bytes(path)
    except UnreadableFileError as exc:
        hint = missing_hint if exc.missing else ""
        raise InputError(
            f"{what} cannot be read ({exc.reason}); expected {REPORT_EXPECTED}{hint}", path
        ) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} is not UTF-8 ({exc.reason} at byte {exc.start}); expected {REPORT_EXPECTED}",
            path,
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}; "
            f"truncated?); expected {REPORT_EXPECTED}",
            path,
        ) from None
    except RecursionError:
        raise InputError(
            f"{what} is nested too deeply to be read; expected {REPORT_EXPECTED}", path
        ) from None
    return parse(data, what, path)
