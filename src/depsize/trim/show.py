"""Showing a plan: a unified diff and a plain summary."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from depsize.trim.model import Change, TrimPlan
from depsize.units import human


def shown_path(path: Path, project: Path) -> str:
    """``path`` as trim shows it (diff headers, messages): relative to the project, ``/``
    separated, ``../`` above it."""
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
        name = shown_path(edit.path, plan.project)
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
        name = shown_path(path, plan.project)
        if change.kind == "removed":
            lines.append(f"{name}:{change.line}: {_change_text(change)}")
        else:
            where = f"after line {change.line}" if change.line else "at the top"
            lines.append(f"{name} ({where}): {_change_text(change)}")
    for skip in plan.skipped:
        where = shown_path(skip.path, plan.project) if skip.path else ""
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
