"""pip requirements files: the full syntax, includes, and the exact bytes for ``trim``.

Lines are processed the way pip does (:mod:`~depsize.requirements.pipsyntax`). A line is a
requirement when it has text before its first ``-option``; otherwise it is an option line (``-r``,
``-c``, ``-e``, ``--index-url`` ...). Includes are followed only inside the project folder and the
folders allowed (:mod:`~depsize.requirements.paths`); one that cannot be read is a warning.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Literal

from packaging.utils import canonicalize_name

from depsize.errors import IncludeCycleError, InputError
from depsize.models import ScanWarning
from depsize.records import dataclass
from depsize.requirements.locks import HEADER_LINES, Requirement, detect_lock
from depsize.requirements.model import (
    MAIN_GROUP,
    DeclaredRequirement,
    LockFile,
    SourceFile,
    SourceFormat,
    group_from_filename,
    is_dev_group,
    is_dev_tool,
)
from depsize.requirements.paths import is_inside, real_path, user_path
from depsize.requirements.pipsyntax import (
    LogicalLine,
    Option,
    expand_variables,
    logical_lines,
    parse_options,
    split_arguments,
)
from depsize.requirements.roundtrip import (
    Entry,
    EntryKind,
    RequirementsFile,
    read_requirements_bytes,
)
from depsize.requirements.targets import Origin, TargetError, build, is_url, pip_target_parts
from depsize.safeio import UnreadableFileError, read_bytes

_MAIN_WORDS = frozenset({"base", "main", "prod", "production", "common", "runtime", "core"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")
_MANIFEST_SUFFIXES = (".toml", ".cfg")
Role = Literal["requirement", "constraint", "lock"]
_SEEN_AS: dict[Role, tuple[Role, ...]] = {
    "requirement": ("requirement", "lock"),
    "constraint": ("constraint", "lock"),
    "lock": ("lock", "requirement"),
}
"""A file read in one role is not read again in the roles that map to it."""


def group_for_file(path: Path, inherited: str | None) -> str:
    """The group of a requirements file: from its name, else from the file including it."""
    named = group_from_filename(path)
    if named is not None:
        return named
    if _main_by_name(path) or inherited is None:
        return MAIN_GROUP
    return inherited


def dev_file_reason(lines: Sequence[LogicalLine]) -> str | None:
    """Why a requirements file is a dev file by its content, ``None`` if it is not: it
    ``-r``-includes another file and adds development tools (``includes base.txt and adds
    pytest, ruff``), or most of its packages are development tools."""
    includes: list[str] = []
    names: list[str] = []
    for logical in lines:
        target, option_text = split_arguments(logical.text)
        match = _NAME.match(target)
        names += [match.group(0)] if match else []
        try:
            options = parse_options(option_text) if option_text and not target else []
        except TargetError:
            continue
        includes += [v for n, v in options if n == "requirement" and v is not None]
    tools = [name for name in names if is_dev_tool(canonicalize_name(name))]
    shown = ", ".join(tools[:4]) + (", …" if len(tools) > 4 else "")
    if includes and tools:
        return f"includes {', '.join(includes)} and adds {shown}"
    if tools and len(tools) * 2 > len(names):
        return f"{len(tools)} of its {len(names)} packages are development tools: {shown}"
    return None


@dataclass(frozen=True)
class _Context:
    path: Path
    role: Role
    group: str
    chain: tuple[Path, ...]


class RequirementsReader:
    """Reads requirements files and what they include; each file is read once."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        project: Path | None = None,
        allow_outside: Sequence[Path] = (),
        *,
        follow_includes: bool = True,
    ) -> None:
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.project = project
        self.allowed = (project, *allow_outside) if project is not None else ()
        """Folders includes may point into; empty: anywhere (no project given)."""
        self.follow_includes = follow_includes
        self.requirements: list[DeclaredRequirement] = []
        self.constraints: list[DeclaredRequirement] = []
        self.locked: list[DeclaredRequirement] = []
        self.locks: list[LockFile] = []
        self.manifests: list[Path] = []
        """Manifests (pyproject.toml, setup.cfg) a lock was generated from, to be read."""
        self.sources: list[SourceFile] = []
        self.warnings: list[ScanWarning] = []
        self.files: list[RequirementsFile] = []
        self._seen: set[tuple[Path, Role]] = set()

    def has_read(self, path: Path) -> bool:
        resolved = _key(path)
        return any((resolved, role) in self._seen for role in _SEEN_AS)

    def read(self, path: Path, *, constraint: bool = False, group: str | None = None) -> None:
        """Read a top-level file; :class:`InputError` if it cannot be read."""
        self._read(path, "constraint" if constraint else "requirement", group, (), None)

    def _read(
        self,
        path: Path,
        role: Role,
        inherited: str | None,
        chain: tuple[Path, ...],
        included_from: tuple[Path, int] | None,
    ) -> None:
        resolved = _key(path)
        if any((resolved, seen) in self._seen for seen in _SEEN_AS[role]):
            return
        try:
            data = read_bytes(path)
        except UnreadableFileError as exc:
            if included_from is None or exc.missing:
                where = included_from or (path, None)
                raise InputError(f"cannot read {path}: {exc.reason}", *where) from None
            self._warn(f"{path}: {exc.reason}; include skipped", *included_from)
            return
        self.parse_bytes(path, data, role, inherited=inherited, chain=chain, origin=included_from)

    def parse_bytes(
        self,
        path: Path,
        data: bytes,
        role: Role = "requirement",
        *,
        inherited: str | None = None,
        chain: tuple[Path, ...] = (),
        origin: tuple[Path, int] | None = None,
    ) -> None:
        """Parse ``data`` as the content of the requirements file ``path`` (included from
        ``origin``: file and line)."""
        included_from = origin
        resolved = _key(path)
        rfile = read_requirements_bytes(path, data)
        lines = list(logical_lines(rfile.lines))
        lock = self._lock(path, rfile, lines) if role == "requirement" else None
        if lock is not None and lock.generated_from:
            lock_ctx = _Context(path, "lock", group_for_file(path, inherited), ())
            self._parse(rfile, lines, lock_ctx, included_from)
            for source in lock.generated_from:
                if source.suffix in _MANIFEST_SUFFIXES:
                    self.manifests.append(source)
                else:
                    self._read(source, "requirement", inherited, chain, included_from)
            return
        group, group_reason = self._group(path, lines, inherited, included_from)
        ctx = _Context(path, role, group, (*chain, resolved))
        self._parse(rfile, lines, ctx, included_from, group_reason)

    def _lock(
        self, path: Path, rfile: RequirementsFile, lines: Sequence[LogicalLine]
    ) -> LockFile | None:
        requirements = [Requirement(*split_arguments(line.text)) for line in lines if line.text]
        header = [line.text for line in rfile.lines[:HEADER_LINES]]
        lock = detect_lock(path, header, requirements, self.project)
        if lock is not None:
            self.locks.append(lock)
        return lock

    def _group(
        self,
        path: Path,
        lines: Sequence[LogicalLine],
        inherited: str | None,
        included_from: tuple[Path, int] | None,
    ) -> tuple[str, str | None]:
        """The file's group and, for a dev group, the rule that decided it: its name, the file
        including it, or its content (:func:`dev_file_reason`)."""
        named = group_from_filename(path)
        if named is not None:
            return named, f"its name says {named}"
        if _main_by_name(path):
            return MAIN_GROUP, None
        if inherited is not None:
            parent = included_from[0].name if included_from else "another file"
            return inherited, f"included by {parent}" if is_dev_group(inherited) else None
        content = dev_file_reason(lines)
        return ("dev", content) if content is not None else (MAIN_GROUP, None)

    def _parse(
        self,
        rfile: RequirementsFile,
        lines: Sequence[LogicalLine],
        ctx: _Context,
        included_from: tuple[Path, int] | None,
        group_reason: str | None = None,
    ) -> None:
        self._seen.add((_key(ctx.path), ctx.role))
        kind: SourceFormat = "constraints" if ctx.role == "constraint" else "requirements"
        source = SourceFile(ctx.path, kind, rfile.sha256, included_from, group_reason)
        self.sources.append(source)
        index = len(self.files)
        self.files.append(rfile)
        entries = [self._entry(line, ctx) for line in lines]
        self.files[index] = replace(rfile, entries=tuple(entries))

    def _entry(self, logical: LogicalLine, ctx: _Context) -> Entry:
        kind = self._handle(logical, ctx)
        return Entry(logical.start, logical.end, logical.raw, kind)

    def _handle(self, logical: LogicalLine, ctx: _Context) -> EntryKind:
        text = expand_variables(logical.text, self.environ)
        if not text:
            return "blank"
        target, option_text = split_arguments(text)
        try:
            options = parse_options(option_text)
            if target:
                self._requirement(target, options, logical, ctx, editable=False)
                return "requirement"
            return self._option_line(options, logical, ctx)
        except TargetError as exc:
            self._warn(f"cannot parse {logical.raw.strip()!r}: {exc}", ctx.path, logical.start)
            return "invalid"

    def _option_line(self, options: list[Option], logical: LogicalLine, ctx: _Context) -> EntryKind:
        kinds: list[EntryKind] = []
        for name, value in options:
            if name == "editable" and value is not None:
                self._requirement(value, [], logical, ctx, editable=True)
                kinds.append("requirement")
            elif name in {"requirement", "constraint"} and value is not None:
                self._include(value, name == "constraint", logical, ctx)
                kinds.append("constraint" if name == "constraint" else "include")
            elif name in {"hash", "config-settings", "global-option", "install-option"}:
                raise TargetError(f"--{name} belongs on a requirement line")
            else:
                kinds.append("option")
        return kinds[0] if kinds else "option"

    def _requirement(
        self,
        target: str,
        options: list[Option],
        logical: LogicalLine,
        ctx: _Context,
        *,
        editable: bool,
    ) -> None:
        parts, note = pip_target_parts(target, ctx.path.parent, editable=editable)
        hashes = tuple(v for n, v in options if n == "hash" and v is not None)
        others = tuple((n, v) for n, v in options if n != "hash")
        parts = replace(parts, hashes=hashes, options=others)
        origin = Origin(ctx.path, logical.start, logical.end, logical.raw, ctx.group)
        declared = build(parts, origin)
        targets = {"requirement": self.requirements, "constraint": self.constraints}
        targets.get(ctx.role, self.locked).append(declared)
        if note is not None:
            self._warn(note, ctx.path, logical.start)

    def _include(self, value: str, constraint: bool, logical: LogicalLine, ctx: _Context) -> None:
        if not self.follow_includes:
            return
        option = "-c" if constraint else "-r"
        if is_url(value):
            self._warn(f"remote file {value!r} is not read", ctx.path, logical.start)
            return
        target = ctx.path.parent / user_path(value)
        real = real_path(target)
        if real is None:
            self._warn(f"{option} names a path with a NUL byte; not read", ctx.path, logical.start)
            return
        if self.allowed and not is_inside(real, self.allowed):
            self._warn(
                f"{option} {value} names a file outside the project folder; not read "
                "(allow its folder with --allow-outside)",
                ctx.path,
                logical.start,
            )
            return
        if real in ctx.chain:
            names = [*ctx.chain[ctx.chain.index(real) :], real]
            cycle = " -> ".join(_short(p, ctx.chain[0].parent) for p in names)
            raise IncludeCycleError(f"include cycle: {cycle}", ctx.path, logical.start)
        role: Role = "constraint" if constraint else "lock" if ctx.role == "lock" else "requirement"
        self._read(target, role, ctx.group, ctx.chain, (ctx.path, logical.start))

    def _warn(self, message: str, path: Path, line: int) -> None:
        self.warnings.append(ScanWarning(message, path, line))


def _key(path: Path) -> Path:
    """The resolved path a file is known by (the path itself when it cannot be resolved)."""
    return real_path(path) or path


def _main_by_name(path: Path) -> bool:
    words = set(re.split(r"[-_.]+", path.stem.lower())) - {"requirements", ""}
    return not words or bool(words & _MAIN_WORDS)


def _short(path: Path, base: Path) -> str:
    try:
        return os.path.relpath(path, base)
    except ValueError:  # pragma: no cover - different drives on Windows
        return str(path)
