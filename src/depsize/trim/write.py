"""Writing a plan safely: hash check, temp file in the same folder, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from depsize.errors import InputError
from depsize.safeio import UnreadableFileError, read_bytes
from depsize.trim.model import FileEdit, TrimPlan
from depsize.trim.plan import read_unchanged


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
        return read_bytes(path)
    except UnreadableFileError:
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
