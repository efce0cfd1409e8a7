"""Planning a trim: a pure function of what was read."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from depsize.errors import InputError
from depsize.models import REMOVABLE
from depsize.recommend import CPU_TORCH_INDEX
from depsize.requirements.model import DeclaredRequirement, DeclaredSet
from depsize.requirements.paths import read_input
from depsize.requirements.roundtrip import Entry
from depsize.trim.lines import LineEditor, one_line, readable, removal_comment
from depsize.trim.manifests import (
    LineRemoval,
    TomlRemoval,
    remove_items,
    remove_setup_cfg_lines,
)
from depsize.trim.model import (
    TORCH_FAMILY,
    Addition,
    Change,
    CpuTorch,
    FileEdit,
    Removal,
    Skipped,
    TrimPlan,
    TrimSummary,
)
from depsize.trim.verify import verify_edit
from depsize.units import human

_TOML_FORMATS = frozenset({"pyproject.toml", "Pipfile"})
_LOCK_KEEPS = (
    "a generated lock keeps every distribution the env needs, and others need this one; "
    "regenerate the lock from its source"
)


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
    before = {r.name for r in declared.requirements}
    names = frozenset(before - {r.name for r in declared.requirements if r not in removed})
    summary = TrimSummary(
        declared_before=len(before),
        declared_after=len(before) - len(names) + planner.added,
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
        self.by_line: dict[tuple[Path, int], list[DeclaredRequirement]] = {}
        self.entries: dict[Path, dict[int, Entry]] = {}
        """Requirement entries of each requirements file by first line, filled when needed."""
        for req in declared.requirements:
            self.by_line.setdefault((req.source, req.line), []).append(req)
        self.formats = {s.path: s.format for s in declared.sources}
        self.editors: dict[Path, tuple[str, LineEditor]] = {}
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

    def editor(self, path: Path) -> LineEditor | None:
        if path not in self.editors:
            rfile = self.declared.requirements_file(path)
            if rfile is None:
                return None
            editor = LineEditor(rfile.data, rfile.lines, rfile.encoding)
            self.editors[path] = (rfile.sha256, editor)
        return self.editors[path][1]

    def change(self, path: Path, change: Change) -> None:
        self.changes.setdefault(path, []).append(change)

    def removed_one(self, removal: Removal) -> None:
        req = removal.requirement
        text = one_line(readable(req.raw))
        change = Change(req.line, "removed", req.display_name, text, removal.status)
        self.change(req.source, replace(change, bytes=removal.freed_bytes))
        self.removed.append(req)

    def remove(self, removal: Removal) -> None:
        req = removal.requirement
        if self.declared.is_lock(req.source) and removal.status not in REMOVABLE:
            self.skip_requirement(req, _LOCK_KEEPS)
            return
        fmt = self.formats.get(req.source)
        editor = self.editor(req.source) if fmt == "requirements" else None
        if editor is not None:
            self.remove_line(editor, removal)
        elif fmt in _TOML_FORMATS or fmt == "setup.cfg":
            self.manifests.setdefault(req.source, []).append(removal)
        else:
            self.skip_requirement(req, f"declared in {req.source.name}, which trim does not edit")

    def remove_line(self, editor: LineEditor, removal: Removal) -> None:
        req = removal.requirement
        if req.source not in self.entries:
            rfile = self.declared.requirements_file(req.source)
            found = [e for e in (rfile.entries if rfile else ()) if e.kind == "requirement"]
            self.entries[req.source] = {e.start: e for e in reversed(found)}
        entry = self.entries[req.source].get(req.line)
        if entry is None or entry.end != req.end_line:
            self.skip_requirement(req, "cannot find it in the file as read")
            return
        sharing = sorted(
            {
                r.display_name
                for r in self.by_line.get((req.source, req.line), ())
                if r not in self.gone
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
            if self.declared.is_lock(source.path):
                continue
            if source.format == "requirements" and source.included_from is None:
                return source.path
        return None

    def add(self, addition: Addition) -> None:
        path = self.main_file()
        editor = self.editor(path) if path is not None else None
        if path is None or editor is None:
            self.skip(addition.name, None, None, "no requirements file to add it to")
            return
        problem = _unsafe_addition(addition)
        if problem is not None:
            self.skip(one_line(addition.name), path, None, problem)
            return
        if canonicalize_name(addition.name) in {r.name for r in self.declared.requirements}:
            self.skip(addition.name, path, None, "already declared")
            return
        text = f"{addition.name}=={addition.version}"
        comment = one_line(f"  # depsize: imported at {addition.evidence}, not declared")
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

    def add_index(self, path: Path, editor: LineEditor, cpu: CpuTorch, again: bool) -> None:
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
        """The edit of every file, each proved by :func:`verify_edit` (or refused)."""
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
        for edit in edits.values():
            removed = [r for r in self.removed if r.source == edit.path]
            added = [c.text for c in edit.changes if c.kind == "added"]
            if edit.old != edit.new:
                verify_edit(edit, removed, added)
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


_PEP508_NAME = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE)


def _unsafe_addition(addition: Addition) -> str | None:
    """Why ``name==version`` must not be written (a name or version that is not a valid PEP 508
    name or PEP 440 version could inject another line or option), or ``None``."""
    if not _PEP508_NAME.fullmatch(addition.name):
        return "its distribution name is not a valid PEP 508 name; not written"
    version = addition.version
    try:
        Version(version)
    except InvalidVersion:
        version = ""
    if not version or version != "".join(version.split()) or not version.isprintable():
        return "its version is not a valid PEP 440 version; not written"
    return None


def read_unchanged(path: Path, sha256: str) -> bytes:
    """The bytes of ``path``; :class:`InputError` if they are not the ones read at scan."""
    data = read_input(path)
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
        comment = partial(removal_comment, removal) if comments else None
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
