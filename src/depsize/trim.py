"""``depsize trim``: the requirements the project should have had, and nothing else changed.

:func:`plan_trim` is a pure function of what was read (it reads only the manifests it edits, and
checks they did not change since): it removes requirements, adds missing ones and the CPU torch
index, and returns a :class:`TrimPlan` with the old and new bytes of every file it changes.
:func:`unified_diff` and :func:`describe` show a plan; :func:`write_plan` writes it safely;
:func:`plan_from_analysis` builds one from an :class:`~depsize.analyze.Analysis`.

Requirements files are edited line by line on their exact bytes: a removed requirement's physical
lines become one comment line (or go, without comments) and every other byte stays. TOML manifests
are edited by :mod:`depsize.trim_toml`; ``setup.cfg`` line by line, checked with configparser.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import re
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from packaging.utils import NormalizedName, canonicalize_name

from depsize.errors import InputError
from depsize.recommend import CPU_TORCH_INDEX
from depsize.requirements.model import DeclaredRequirement, DeclaredSet
from depsize.requirements.roundtrip import PhysicalLine
from depsize.trim_toml import (
    LineRemoval,
    TomlRemoval,
    remove_items,
    remove_setup_cfg_lines,
)
from depsize.units import human

if TYPE_CHECKING:
    from depsize.analyze import Analysis
    from depsize.verdicts import Judgement

TORCH_FAMILY: frozenset[str] = frozenset({"torch", "torchvision", "torchaudio"})
REMOVABLE_STATUSES: tuple[str, ...] = ("unused", "dead-code-only", "transitive-only")
"""Statuses ``--remove`` accepts: removing any other kind of requirement can break the project."""
DEFAULT_REMOVE: tuple[str, ...] = ("unused", "dead-code-only")

_BOM = b"\xef\xbb\xbf"
_HASH = re.compile(r"(--hash[= ]\w+:[0-9a-fA-F]{12})[0-9a-fA-F]+")
_TOML_FORMATS = frozenset({"pyproject.toml", "Pipfile"})
_RUNTIME_KINDS = ("runtime", "dynamic")

ChangeKind = Literal["removed", "added", "option"]


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
    kind: ChangeKind
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


# -- selecting what goes --------------------------------------------------------------------------


def parse_statuses(text: str) -> tuple[str, ...]:
    """``"unused,transitive-only"`` → the statuses; :class:`InputError` for one ``--remove``
    does not accept."""
    statuses = tuple(s.strip() for s in text.split(",") if s.strip())
    wrong = [s for s in statuses if s not in REMOVABLE_STATUSES]
    if wrong or not statuses:
        raise InputError(
            f"--remove accepts {', '.join(REMOVABLE_STATUSES)}; got {text!r}"
            + (f" ({', '.join(wrong)} cannot be removed safely)" if wrong else "")
        )
    return statuses


def select_removals(
    judgement: Judgement,
    remove_statuses: Collection[str] = DEFAULT_REMOVE,
    keep: Iterable[str] = (),
) -> list[Removal]:
    """The verdicts to act on: not ignored, not a version pin, not kept with ``--keep``."""
    kept = {canonicalize_name(name) for name in keep}
    removals = []
    for verdict in judgement.verdicts:
        req = verdict.requirement
        if verdict.ignored or verdict.pin or req.name in kept:
            continue
        if verdict.status not in remove_statuses:
            continue
        freed = verdict.sizes.exclusive if verdict.sizes else 0
        removals.append(
            Removal(req, verdict.status, 0 if verdict.status == "transitive-only" else freed)
        )
    return removals


# -- line edits on exact bytes --------------------------------------------------------------------


@dataclass
class _LineEditor:
    """Replacements, insertions and appended lines over a file's physical lines."""

    data: bytes
    lines: tuple[PhysicalLine, ...]
    encoding: str
    replaced: dict[int, tuple[int, str | None]] = field(default_factory=dict)
    """First line → (last line, the comment line to leave or ``None``)."""
    inserted: dict[int, list[str]] = field(default_factory=dict)
    """Line number → lines to insert before it (``len(lines) + 1``: at the end)."""
    appended: list[str] = field(default_factory=list)

    def render(self) -> bytes:
        eol = _dominant_ending(self.lines)
        rows: list[list[bytes]] = []
        last = 0
        for line in self.lines:
            rows.extend([self._encode(t), eol] for t in self.inserted.get(line.number, ()))
            if line.number <= last:
                continue
            if line.number in self.replaced:
                last, text = self.replaced[line.number]
                if text is not None:
                    rows.append([self._encode(text), self.lines[last - 1].ending])
                continue
            content = line.content
            if line.number == 1 and content.startswith(_BOM):
                content = content[len(_BOM) :]
            rows.append([content, line.ending])
        tail = [*self.inserted.get(len(self.lines) + 1, ()), *self.appended]
        if tail and rows and not rows[-1][1]:
            rows[-1][1] = eol
        rows.extend([self._encode(t), eol] for t in tail)
        bom = _BOM if self.data.startswith(_BOM) else b""
        return bom + b"".join(content + ending for content, ending in rows)

    def _encode(self, text: str) -> bytes:
        return text.encode(self.encoding, errors="replace")


def _dominant_ending(lines: Sequence[PhysicalLine]) -> bytes:
    counts = Counter(line.ending for line in lines if line.ending)
    return counts.most_common(1)[0][0] if counts else b"\n"


def readable(raw: str) -> str:
    """The text of a requirement on one line: continuations joined, hashes shortened."""
    parts = [part.strip().removesuffix("\\").strip() for part in raw.splitlines()]
    return _HASH.sub(r"\1...", " ".join(p for p in parts if p))


def removal_comment(removal: Removal, text: str | None = None) -> str:
    """``depsize: removed "rich==13.9.4" (unused, frees 11.4 MB)``; ``text`` is shown as is."""
    shown = f'"{readable(removal.requirement.raw)}"' if text is None else text
    return f"depsize: removed {shown} ({removal.status}, frees {human(removal.freed_bytes)})"


def _comment_on(removal: Removal) -> Callable[[str], str]:
    return lambda text: removal_comment(removal, text)


# -- planning -------------------------------------------------------------------------------------


def plan_trim(
    declared: DeclaredSet,
    removals: Sequence[Removal],
    *,
    comments: bool = True,
    additions: Sequence[Addition] = (),
    cpu_torch: CpuTorch | None = None,
    project: Path | None = None,
    reachable_bytes: int | None = None,
    freed_bytes: Callable[[frozenset[NormalizedName]], int] | None = None,
) -> TrimPlan:
    """What trimming ``declared`` changes, file by file, without writing anything.

    ``reachable_bytes`` (env bytes reachable from the declared requirements) and ``freed_bytes``
    (``freed(S)`` for the names the plan removes entirely) feed the summary when given.
    :class:`InputError` if a manifest changed since it was read; :class:`TrimVerificationError`
    if an edit would not give exactly the intended file (a bug: nothing is written).
    """
    planner = _Planner(declared, removals, comments)
    for removal in removals:
        planner.remove(removal)
    for addition in additions:
        planner.add(addition)
    if cpu_torch is not None:
        planner.cpu_torch(cpu_torch)
    files = planner.finish()
    removed = {r.requirement for r in removals} & set(planner.removed)
    remaining = [r for r in declared.requirements if r not in removed]
    names = frozenset({r.name for r in declared.requirements} - {r.name for r in remaining})
    summary = TrimSummary(
        declared_before=len(declared.requirements),
        declared_after=len(remaining) + planner.added,
        reachable_before=reachable_bytes,
        freed=freed_bytes(names) if freed_bytes is not None else None,
        removed_names=tuple(sorted(names)),
        cpu_torch_saving=cpu_torch.saving if cpu_torch and planner.cpu_files else None,
    )
    root = project if project is not None else _common_root(declared)
    return TrimPlan(root, tuple(files), tuple(planner.skipped), summary)


def _common_root(declared: DeclaredSet) -> Path:
    parents = [str(s.path.parent) for s in declared.sources]
    return Path(os.path.commonpath(parents)) if parents else Path()


class _Planner:
    def __init__(self, declared: DeclaredSet, removals: Sequence[Removal], comments: bool) -> None:
        self.declared = declared
        self.comments = comments
        self.gone = {r.requirement for r in removals}
        self.formats = {s.path: s.format for s in declared.sources}
        self.editors: dict[Path, tuple[str, _LineEditor]] = {}
        self.manifests: dict[Path, list[Removal]] = {}
        self.changes: dict[Path, list[Change]] = {}
        self.skipped: list[Skipped] = []
        self.removed: list[DeclaredRequirement] = []
        self.added = 0
        self.cpu_files: list[Path] = []

    def skip(self, name: str, path: Path | None, line: int | None, reason: str) -> None:
        self.skipped.append(Skipped(name, path, line, reason))

    def skip_requirement(self, req: DeclaredRequirement, reason: str) -> None:
        self.skip(req.display_name, req.source, req.line, reason)

    def editor(self, path: Path) -> _LineEditor | None:
        if path not in self.editors:
            rfile = self.declared.requirements_file(path)
            if rfile is None:
                return None
            editor = _LineEditor(rfile.data, rfile.lines, rfile.encoding)
            self.editors[path] = (rfile.sha256, editor)
        return self.editors[path][1]

    def change(self, path: Path, change: Change) -> None:
        self.changes.setdefault(path, []).append(change)

    def removed_one(self, removal: Removal) -> None:
        req = removal.requirement
        text = readable(req.raw)
        change = Change(req.line, "removed", req.display_name, text, removal.status)
        self.change(req.source, replace(change, bytes=removal.freed_bytes))
        self.removed.append(req)

    def remove(self, removal: Removal) -> None:
        req = removal.requirement
        fmt = self.formats.get(req.source)
        editor = self.editor(req.source) if fmt == "requirements" else None
        if editor is not None:
            self.remove_line(editor, removal)
        elif fmt in _TOML_FORMATS or fmt == "setup.cfg":
            self.manifests.setdefault(req.source, []).append(removal)
        else:
            self.skip_requirement(req, f"declared in {req.source.name}, which trim does not edit")

    def remove_line(self, editor: _LineEditor, removal: Removal) -> None:
        req = removal.requirement
        rfile = self.declared.requirements_file(req.source)
        entries = rfile.entries if rfile else ()
        entry = next((e for e in entries if e.start == req.line and e.kind == "requirement"), None)
        if entry is None or entry.end != req.end_line:
            self.skip_requirement(req, "cannot find it in the file as read")
            return
        sharing = sorted(
            {
                r.display_name
                for r in self.declared.requirements
                if r.source == req.source and r.line == req.line and r not in self.gone
            }
        )
        if sharing:
            self.skip_requirement(req, f"its line also declares {', '.join(sharing)}")
            return
        comment = f"# {removal_comment(removal)}" if self.comments else None
        editor.replaced[req.line] = (req.end_line, comment)
        self.removed_one(removal)

    def main_file(self) -> Path | None:
        for source in self.declared.sources:
            if source.format == "requirements" and source.included_from is None:
                return source.path
        return None

    def add(self, addition: Addition) -> None:
        path = self.main_file()
        editor = self.editor(path) if path is not None else None
        if path is None or editor is None:
            self.skip(addition.name, None, None, "no requirements file to add it to")
            return
        if canonicalize_name(addition.name) in {r.name for r in self.declared.requirements}:
            self.skip(addition.name, path, None, "already declared")
            return
        text = f"{addition.name}=={addition.version}"
        comment = f"  # depsize: imported at {addition.evidence}, not declared"
        editor.appended.append(text + comment if self.comments else text)
        reason = f"import {addition.module} at {addition.evidence}, not declared"
        self.change(path, Change(len(editor.lines), "added", addition.name, text, reason))
        self.added += 1

    def cpu_torch(self, cpu: CpuTorch) -> None:
        torch = [r for r in self.declared.requirements if r.name in TORCH_FAMILY]
        torch = [r for r in torch if r not in self.gone]
        for req in torch:
            if "+" in req.specifier and "+cpu" not in req.specifier:
                self.skip_requirement(req, "pins a CUDA build: change the pin to +cpu by hand")
        sources = {r.source for r in torch}
        files = [p for p, fmt in self.formats.items() if p in sources and fmt == "requirements"]
        for req in torch:
            if req.source not in files:
                self.skip_requirement(req, f"{req.source.name} cannot name a pip index")
        if any(
            CPU_TORCH_INDEX in e.raw for f in self.declared.requirements_files for e in f.entries
        ):
            self.skip("torch", None, None, f"{CPU_TORCH_INDEX} is already named")
            return
        for path in files:
            editor = self.editor(path)
            if editor is not None:
                self.add_index(path, editor, cpu, bool(self.cpu_files))

    def add_index(self, path: Path, editor: _LineEditor, cpu: CpuTorch, again: bool) -> None:
        position = next(
            (ln.number for ln in editor.lines if not ln.text.strip().startswith("#")),
            len(editor.lines) + 1,
        )
        text = f"--extra-index-url {CPU_TORCH_INDEX}"
        comment = f"  # depsize: CPU-only torch wheels (saves {human(cpu.saving)} of CUDA)"
        editor.inserted.setdefault(position, []).append(text + comment if self.comments else text)
        reason = "CPU-only torch wheels instead of CUDA ones"
        saving = 0 if again else cpu.saving
        self.change(path, Change(position - 1, "option", "torch", text, reason, saving))
        self.cpu_files.append(path)

    def finish(self) -> list[FileEdit]:
        edits: dict[Path, FileEdit] = {}
        for path, (sha, editor) in self.editors.items():
            changes = tuple(sorted(self.changes.get(path, ()), key=lambda c: c.line))
            new = editor.render()
            fmt = self.formats.get(path, "requirements")
            edits[path] = FileEdit(path, fmt, sha, editor.data, new, editor.encoding, changes)
        for path, removals in self.manifests.items():
            edit = self.edit_manifest(path, removals)
            if edit is not None:
                edits[path] = edit
        order = list(self.formats)
        return sorted(edits.values(), key=lambda e: order.index(e.path) if e.path in order else 0)

    def edit_manifest(self, path: Path, removals: list[Removal]) -> FileEdit | None:
        fmt = self.formats[path]
        sha = next(s.sha256 for s in self.declared.sources if s.path == path)
        data = read_unchanged(path, sha)
        if fmt == "setup.cfg":
            new, done, skipped = _edit_setup_cfg(data, removals, self.comments)
        else:
            new, done, skipped = _edit_toml(data, removals, self.comments)
        for removal, reason in skipped:
            self.skip_requirement(removal.requirement, reason)
        for removal in done:
            self.removed_one(removal)
        if not done:
            return None
        changes = tuple(sorted(self.changes.get(path, ()), key=lambda c: c.line))
        return FileEdit(path, fmt, sha, data, new, "utf-8", changes)


def read_unchanged(path: Path, sha256: str) -> bytes:
    """The bytes of ``path``; :class:`InputError` if they are not the ones read at scan."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise InputError("changed since it was read; run depsize again", path)
    return data


_Edited = tuple[bytes, list[Removal], list[tuple[Removal, str]]]


def _edit_toml(data: bytes, removals: Sequence[Removal], comments: bool) -> _Edited:
    pairs = []
    skipped: list[tuple[Removal, str]] = []
    for removal in removals:
        span = removal.requirement.span
        if span is None or span == (0, 0):
            skipped.append((removal, "its position in the file is not known"))
            continue
        comment = _comment_on(removal) if comments else None
        pairs.append((TomlRemoval(span, comment), removal))
    edit = remove_items(data.decode("utf-8"), [t for t, _ in pairs])
    done = {id(t) for t in edit.removed}
    reasons = {id(t): reason for t, reason in edit.skipped}
    skipped += [(r, reasons[id(t)]) for t, r in pairs if id(t) in reasons]
    return edit.text.encode("utf-8"), [r for t, r in pairs if id(t) in done], skipped


def _edit_setup_cfg(data: bytes, removals: Sequence[Removal], comments: bool) -> _Edited:
    pairs = [
        (
            LineRemoval(
                r.requirement.line,
                r.requirement.end_line,
                r.requirement.raw,
                f"# {removal_comment(r)}" if comments else None,
            ),
            r,
        )
        for r in removals
    ]
    edit = remove_setup_cfg_lines(data, [t for t, _ in pairs])
    done = {id(t) for t in edit.removed}
    reasons = {id(t): reason for t, reason in edit.skipped}
    skipped = [(r, reasons[id(t)]) for t, r in pairs if id(t) in reasons]
    return edit.data, [r for t, r in pairs if id(t) in done], skipped


# -- showing a plan -------------------------------------------------------------------------------


def _relative(path: Path, project: Path) -> str:
    try:
        return Path(os.path.relpath(path, project)).as_posix()
    except ValueError:  # pragma: no cover - another drive on Windows
        return path.as_posix()


def unified_diff(plan: TrimPlan) -> str:
    """A unified diff of every changed file, with ``a/`` and ``b/`` paths relative to the
    project; ``git apply`` and ``patch -p1`` accept it."""
    out: list[str] = []
    for edit in plan.files:
        if edit.old == edit.new:
            continue
        name = _relative(edit.path, plan.project)
        old, new = _text_lines(edit.old, edit.encoding), _text_lines(edit.new, edit.encoding)
        out.extend(
            line if line.endswith(("\n", "\r")) else f"{line}\n\\ No newline at end of file\n"
            for line in difflib.unified_diff(old, new, f"a/{name}", f"b/{name}")
        )
    return "".join(out)


def _text_lines(data: bytes, encoding: str) -> list[str]:
    return [chunk.decode(encoding, errors="replace") for chunk in data.splitlines(keepends=True)]


def describe(plan: TrimPlan) -> list[str]:
    """The summary of a plan, one line of plain text each: counts, bytes, changes, skips."""
    summary = plan.summary
    lines = [f"declared requirements: {summary.declared_before} -> {summary.declared_after}"]
    after = summary.reachable_after
    if summary.reachable_before is not None and after is not None:
        lines.append(
            f"env bytes reachable from them: {human(summary.reachable_before)} -> {human(after)}"
            f" (frees {human(summary.freed or 0)})"
        )
    if summary.cpu_torch_saving:
        lines.append(f"CPU torch wheels: projected saving {human(summary.cpu_torch_saving)}")
    for path, change in plan.changes:
        name = _relative(path, plan.project)
        if change.kind == "removed":
            lines.append(f"{name}:{change.line}: {_change_text(change)}")
        else:
            where = f"after line {change.line}" if change.line else "at the top"
            lines.append(f"{name} ({where}): {_change_text(change)}")
    for skip in plan.skipped:
        where = _relative(skip.path, plan.project) if skip.path else ""
        where += f":{skip.line} " if skip.path and skip.line else " " if where else ""
        lines.append(f"not changed: {where}{skip.name}: {skip.reason}")
    lines.extend(f"note: {note}" for note in plan.notes)
    if not any(f.old != f.new for f in plan.files):
        lines.append("nothing to change")
    return lines


def _change_text(change: Change) -> str:
    if change.kind == "removed":
        return f"removed {change.name} ({change.reason}, frees {human(change.bytes)})"
    saving = f", projected saving {human(change.bytes)}" if change.bytes else ""
    return f"added {change.text} ({change.reason}{saving})"


# -- writing a plan -------------------------------------------------------------------------------


def write_plan(
    plan: TrimPlan,
    *,
    in_place: bool = False,
    output: Path | None = None,
    force: bool = False,
    backup: bool = True,
) -> list[Path]:
    """Write the changed files to ``output`` (one file only) or in place, with a ``.bak`` copy
    of each original unless ``backup`` is false; the paths written, backups included.

    Every source must still hold the bytes read at scan, or :class:`InputError` and nothing is
    written. Each file is written to a temporary file in its folder, synced, then renamed over
    the target; if any step fails, files already replaced are restored and temporary files
    removed, then :class:`InputError` is raised.
    """
    if in_place == (output is not None):
        raise InputError("write either to -o FILE or --in-place")
    edits = [edit for edit in plan.files if edit.old != edit.new]
    for edit in edits:
        read_unchanged(edit.path, edit.sha256)
    if not edits:
        return []
    if output is not None:
        return _commit([_to_output(edits, output, force)])
    writes: list[tuple[Path, bytes, int]] = []
    for edit in edits:
        target = Path(os.path.realpath(edit.path))
        if not os.access(target, os.W_OK):
            raise InputError("is read-only; nothing written", target)
        mode = stat.S_IMODE(target.stat().st_mode)
        if backup:
            writes.append((_backup_path(target, edit.old, force), edit.old, mode))
        writes.append((target, edit.new, mode))
    return _commit(writes)


def _to_output(edits: Sequence[FileEdit], output: Path, force: bool) -> tuple[Path, bytes, int]:
    if len(edits) > 1:
        names = ", ".join(e.path.name for e in edits)
        raise InputError(
            f"{len(edits)} files would change ({names}): use --in-place, or pick one with -r FILE"
        )
    if output.exists() and not force:
        raise InputError("exists; use --force to overwrite it", output)
    edit = edits[0]
    return output, edit.new, stat.S_IMODE(edit.path.stat().st_mode)


def _backup_path(target: Path, old: bytes, force: bool) -> Path:
    backup = target.with_name(target.name + ".bak")
    if backup.exists() and not force and _read_or_none(backup) != old:
        raise InputError(
            "exists and differs from the file; use --force to replace it, or --no-backup", backup
        )
    return backup


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _commit(writes: Sequence[tuple[Path, bytes, int]]) -> list[Path]:
    """Write every file or none: temporary copies first, then renames, undone on failure."""
    temps = _write_temps(writes)
    originals = {path: _read_or_none(path) for _, path in temps}
    done: list[Path] = []
    for index, (temp, path) in enumerate(temps):
        try:
            Path(temp).replace(path)
        except BaseException as exc:
            _remove_temps(t for t, _ in temps[index:])
            _restore(done, originals)
            if isinstance(exc, OSError):
                reason = exc.strerror or str(exc)
                raise InputError(f"cannot write: {reason}; nothing written", path) from None
            raise
        done.append(path)
    for folder in dict.fromkeys(p.parent for p in done):
        _fsync_folder(folder)
    return done


def _write_temps(writes: Sequence[tuple[Path, bytes, int]]) -> list[tuple[str, Path]]:
    temps: list[tuple[str, Path]] = []
    current = Path()
    try:
        for current, data, mode in writes:
            temps.append((_temp_copy(current, data, mode), current))
    except BaseException as exc:
        _remove_temps(t for t, _ in temps)
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise InputError(f"cannot write: {reason}; nothing written", current) from None
        raise
    return temps


def _temp_copy(path: Path, data: bytes, mode: int) -> str:
    """A synced temporary file next to ``path`` holding ``data``, with ``mode``."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(name).chmod(mode)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return name


def _remove_temps(names: Iterable[str]) -> None:
    for name in names:
        Path(name).unlink(missing_ok=True)


def _restore(done: Sequence[Path], originals: dict[Path, bytes | None]) -> None:
    """Put back what was there before the files in ``done`` were replaced (best effort)."""
    for path in reversed(done):
        original = originals.get(path)
        with contextlib.suppress(OSError):
            if original is None:
                path.unlink(missing_ok=True)
            else:
                temp = _temp_copy(path, original, stat.S_IMODE(path.stat().st_mode))
                Path(temp).replace(path)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


# -- from an analysis -----------------------------------------------------------------------------


def additions_from(analysis: Analysis) -> tuple[list[Addition], list[str]]:
    """Undeclared imports to declare (``--add-missing``): those live code imports at run time
    and exactly one installed distribution provides, pinned to its version; notes for the rest."""
    judgement = analysis.judgement
    additions: list[Addition] = []
    notes: list[str] = []
    for missing in judgement.undeclared if judgement else ():
        live = [e for e in missing.evidence if e.scope == "live" and e.kind in _RUNTIME_KINDS]
        dists = [analysis.scan.dists[n] for n in missing.dists if n in analysis.scan.dists]
        reason = None
        if not live:
            reason = "not imported at run time by live code"
        elif len(dists) != 1:
            reason = "not installed" if not dists else f"provided by {', '.join(missing.dists)}"
        if reason is not None:
            notes.append(f"--add-missing: {missing.module} not added ({reason})")
            continue
        site = live[0]
        where = _relative(site.file, analysis.settings.project) if site.file else "?"
        additions.append(
            Addition(
                dists[0].display_name, dists[0].version, missing.module, f"{where}:{site.line}"
            )
        )
    return additions, notes


def plan_from_analysis(
    analysis: Analysis,
    *,
    remove: Collection[str] = DEFAULT_REMOVE,
    keep: Iterable[str] = (),
    comments: bool = True,
    cpu_torch: bool = False,
    add_missing: bool = False,
) -> TrimPlan:
    """The trim plan for an analysed project, with the bytes the summary needs measured."""
    from depsize.attribute import freed

    declared, judgement = analysis.declared, analysis.judgement
    if declared is None or judgement is None:
        raise InputError("declares no requirements to trim", analysis.settings.project)
    additions, notes = additions_from(analysis) if add_missing else ([], [])
    cpu = _cpu_torch(analysis) if cpu_torch else None
    if cpu_torch and cpu is None:
        notes.append("--cpu-torch: the environment holds no CUDA payload; nothing to change")
    roots = judgement.roots
    reach = analysis.graph.reach(s for root in roots for s in root.states())
    reachable = sum(analysis.scan.dists[n].own_bytes for n in reach if n in analysis.scan.dists)
    plan = plan_trim(
        declared,
        select_removals(judgement, remove, keep),
        comments=comments,
        additions=additions,
        cpu_torch=cpu,
        project=analysis.settings.project,
        reachable_bytes=reachable,
        freed_bytes=lambda names: freed(analysis.scan, analysis.graph, roots, names)[0],
    )
    return replace(plan, notes=plan.notes + tuple(notes))


def _cpu_torch(analysis: Analysis) -> CpuTorch | None:
    for recommendation in analysis.recommendations:
        if recommendation.kind == "gpu-payload" and recommendation.bytes:
            return CpuTorch(recommendation.bytes)
    return None
