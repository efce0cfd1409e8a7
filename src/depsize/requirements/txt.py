"""pip requirements files: the full syntax, includes, and the exact bytes for ``trim``.

Lines are processed the way pip does: ``\\`` continuations are joined first, then comments (``#``
at the start of a line or after whitespace) are removed, then ``${NAME}`` variables (upper-case
letters, digits and ``_``) are expanded when set and not empty. A line is a requirement when it has
text before its first ``-option``; otherwise it is an option line (``-r``, ``-c``, ``-e``,
``--index-url`` ...).
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from packaging.utils import canonicalize_name

from depsize.errors import IncludeCycleError, InputError
from depsize.models import ScanWarning
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
from depsize.requirements.roundtrip import (
    Entry,
    EntryKind,
    PhysicalLine,
    RequirementsFile,
    read_requirements_bytes,
)
from depsize.requirements.targets import Origin, TargetError, build, is_url, pip_target_parts

_COMMENT = re.compile(r"(^|\s+)#.*$")
_ENV_VAR = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)\}")
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

# option as written -> (long name, takes a value)
_OPTIONS: dict[str, tuple[str, bool]] = {
    "-r": ("requirement", True),
    "--requirement": ("requirement", True),
    "-c": ("constraint", True),
    "--constraint": ("constraint", True),
    "-e": ("editable", True),
    "--editable": ("editable", True),
    "-i": ("index-url", True),
    "--index-url": ("index-url", True),
    "--extra-index-url": ("extra-index-url", True),
    "-f": ("find-links", True),
    "--find-links": ("find-links", True),
    "--trusted-host": ("trusted-host", True),
    "--only-binary": ("only-binary", True),
    "--no-binary": ("no-binary", True),
    "--use-feature": ("use-feature", True),
    "--hash": ("hash", True),
    "--config-settings": ("config-settings", True),
    "-C": ("config-settings", True),
    "--global-option": ("global-option", True),
    "--install-option": ("install-option", True),
    "--no-index": ("no-index", False),
    "--pre": ("pre", False),
    "--prefer-binary": ("prefer-binary", False),
    "--require-hashes": ("require-hashes", False),
}
Option = tuple[str, str | None]


@dataclass(frozen=True)
class LogicalLine:
    start: int
    end: int
    raw: str
    text: str
    """Joined, comments removed, stripped; variables not yet expanded."""


def logical_lines(lines: Sequence[PhysicalLine]) -> Iterator[LogicalLine]:
    """Join continuation lines and strip comments, as pip does."""
    parts: list[str] = []
    raws: list[str] = []
    start = 0
    for line in lines:
        text = line.text
        is_comment = _COMMENT.match(text) is not None
        if text.endswith("\\") and not is_comment:
            if not parts:
                start = line.number
            parts.append(text.strip("\\"))
            raws.append(text)
            continue
        joined = " " + text if is_comment else text
        first = start if parts else line.number
        raw = "\n".join([*raws, text])
        yield LogicalLine(first, line.number, raw, _strip_comment("".join([*parts, joined])))
        parts, raws = [], []
    if parts:
        yield LogicalLine(start, lines[-1].number, "\n".join(raws), _strip_comment("".join(parts)))


def _strip_comment(text: str) -> str:
    return _COMMENT.sub("", text).strip()


def expand_variables(text: str, environ: Mapping[str, str]) -> str:
    """Replace ``${NAME}`` with its value when set and not empty; leave it as written otherwise."""
    return _ENV_VAR.sub(lambda m: environ.get(m.group("name")) or m.group(0), text)


def split_arguments(text: str) -> tuple[str, str]:
    """(requirement part, options part): the options start at the first word starting with ``-``."""
    words = text.split(" ")
    for index, word in enumerate(words):
        if word.startswith("-"):
            return " ".join(words[:index]).strip(), " ".join(words[index:])
    return text.strip(), ""


def parse_options(text: str) -> list[Option]:
    """Options of one line as (long name, value); :class:`TargetError` when one is not valid."""
    try:
        words = shlex.split(text, comments=False, posix=True)
    except ValueError as exc:
        raise TargetError(f"cannot split options: {exc}") from None
    options: list[Option] = []
    index = 0
    while index < len(words):
        word = words[index]
        flag, sep, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if not sep and not word.startswith("--") and len(word) > 2 and word[:2] in _OPTIONS:
            flag, sep, value = word[:2], "=", word[2:]
        if flag not in _OPTIONS:
            raise TargetError(f"unknown option {flag!r}")
        name, takes_value = _OPTIONS[flag]
        if takes_value and not sep:
            index += 1
            if index >= len(words):
                raise TargetError(f"option {flag} needs a value")
            value = words[index]
        options.append((name, value if takes_value else None))
        index += 1
    return options


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
        self, environ: Mapping[str, str] | None = None, project: Path | None = None
    ) -> None:
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.project = project
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
        resolved = path.resolve()
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
        resolved = path.resolve()
        if any((resolved, seen) in self._seen for seen in _SEEN_AS[role]):
            return
        try:
            data = path.read_bytes()
        except OSError as exc:
            where = included_from or (path, None)
            reason = exc.strerror or str(exc)
            raise InputError(f"cannot read {path}: {reason}", where[0], where[1]) from None
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
        self._seen.add((ctx.path.resolve(), ctx.role))
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
        if is_url(value):
            self._warn(f"remote file {value!r} is not read", ctx.path, logical.start)
            return
        target = ctx.path.parent / Path(value).expanduser()
        if target.resolve() in ctx.chain:
            names = [*ctx.chain[ctx.chain.index(target.resolve()) :], target.resolve()]
            cycle = " -> ".join(_short(p, ctx.chain[0].parent) for p in names)
            raise IncludeCycleError(f"include cycle: {cycle}", ctx.path, logical.start)
        role: Role = "constraint" if constraint else "lock" if ctx.role == "lock" else "requirement"
        self._read(target, role, ctx.group, ctx.chain, (ctx.path, logical.start))

    def _warn(self, message: str, path: Path, line: int) -> None:
        self.warnings.append(ScanWarning(message, path, line))


def _main_by_name(path: Path) -> bool:
    words = set(re.split(r"[-_.]+", path.stem.lower())) - {"requirements", ""}
    return not words or bool(words & _MAIN_WORDS)


def _short(path: Path, base: Path) -> str:
    try:
        return os.path.relpath(path, base)
    except ValueError:  # pragma: no cover - different drives on Windows
        return str(path)
