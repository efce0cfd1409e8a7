"""A per-project cache of per-file scan results, keyed on (path, size, mtime_ns).

One JSON file per project root under ``$XDG_CACHE_HOME/depsize`` (``~/.cache/depsize``) or a
folder the caller names. Writes go to a temporary file in the same folder, then ``os.replace``:
concurrent runs never see half a file (the last writer wins, and every version is valid). A cache
that is missing, truncated, corrupt or from another depsize version is ignored and rewritten.
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from pathlib import Path
from typing import Any

from depsize import __version__, safeio
from depsize.imports.model import (
    IMPORT_KINDS,
    FileScan,
    ImportKind,
    OpenLoad,
    RawImport,
    UrlLiteral,
)
from depsize.imports.strings import Spelled
from depsize.safeio import UnreadableFileError

FORMAT = 6
Key = tuple[int, int]


_MAX_CACHE_BYTES = 1 << 30
"""depsize's own file: a big monorepo's cache may pass the cap on files it does not trust."""


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "depsize"


def _root_id(root: Path) -> str:
    return os.path.realpath(root)


def cache_file(cache_dir: Path, root: Path, variant: str = "fast") -> Path:
    """The project's cache file; the root is stored inside too, so a name clash is a miss."""
    digest = zlib.crc32(_root_id(root).encode("utf-8", "surrogateescape"))
    return cache_dir / f"imports-{digest:08x}-{variant}.json"


def _stamp(root: Path) -> str:
    return f"{FORMAT}:{__version__}:{_root_id(root)}"


class ScanCache:
    """Load once, look up per file, then :meth:`save` when anything changed."""

    def __init__(self, cache_dir: Path, root: Path, variant: str = "fast") -> None:
        self.path = cache_file(cache_dir, root, variant)
        self.stamp = f"{_stamp(root)}:{variant}"
        self.entries: dict[str, list[Any]] = {}
        self.fresh: dict[str, list[Any]] = {}
        self.hits = 0
        self.loaded = False
        self.changed = False

    def load(self) -> None:
        try:
            data = json.loads(safeio.read_bytes(self.path, limit=_MAX_CACHE_BYTES))
        except (UnreadableFileError, ValueError, RecursionError):  # no cache, or a broken one
            return
        if isinstance(data, dict) and data.get("stamp") == self.stamp:
            files = data.get("files")
            if isinstance(files, dict):
                self.entries = files
                self.loaded = True

    def get(self, path: str, key: Key) -> FileScan | None:
        entry = self.entries.get(path)
        if entry is None or entry[0] != key[0] or entry[1] != key[1]:
            return None
        try:
            scan = decode_scan(entry[2])
        except (TypeError, ValueError, IndexError, KeyError):
            return None
        self.fresh[path] = entry
        self.hits += 1
        return scan

    def put(self, path: str, key: Key, scan: FileScan) -> None:
        self.fresh[path] = [key[0], key[1], encode_scan(scan)]
        self.changed = True

    def save(self) -> None:
        """Write the entries of this run (atomically); errors leave the old cache in place."""
        if self.loaded and not self.changed and len(self.fresh) == len(self.entries):
            return  # every entry was a hit (and fresh holds the very same lists)
        import tempfile  # lazy: only a run that changed something writes

        payload = json.dumps({"stamp": self.stamp, "files": self.fresh}, separators=(",", ":"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".imports-", suffix=".tmp", dir=self.path.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            Path(tmp).replace(self.path)
        except OSError:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()


def encode_scan(scan: FileScan) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if scan.imports:
        data["i"] = [
            [r.module, r.level, list(r.names), r.line, r.kind, r.lazy] for r in scan.imports
        ]
    if scan.main_guard:
        data["m"] = True
    if scan.urls:
        data["u"] = [[u.scheme, u.line] for u in scan.urls]
    if scan.error is not None:
        data["e"] = [scan.error, scan.error_line]
    if scan.lenient:
        data["l"] = True
    if scan.open_loads:
        data["o"] = [
            [o.line, o.prefix, o.kind, o.lazy, o.call, o.suffix, o.setting] for o in scan.open_loads
        ]
    _encode_strings(scan, data)
    return data


def _encode_strings(scan: FileScan, data: dict[str, Any]) -> None:
    spelled = scan.spelled
    for key, pairs in (
        ("sd", spelled.dotted),
        ("sw", spelled.words),
        ("sv", spelled.drivers),
        ("t", scan.table),
    ):
        if pairs:
            data[key] = [list(pair) for pair in pairs]
    if spelled.flags:
        data["sf"] = sorted(spelled.flags)
    if spelled.exec_lines:
        data["sx"] = list(spelled.exec_lines)
    if spelled.settings:
        data["ss"] = [list(s) for s in spelled.settings]


def _pairs(data: dict[str, Any], key: str) -> tuple[tuple[str, int], ...]:
    return tuple((str(value), int(line)) for value, line in data.get(key, ()))


def decode_scan(data: dict[str, Any]) -> FileScan:
    """A scan from its cached form; raises ``ValueError``/``TypeError`` on anything unexpected."""
    imports = tuple(
        [  # a list first: a generator is slower, and this runs for every import of a warm run
            RawImport(str(m), int(lv), tuple(map(str, n)), int(ln), _kind(k), bool(lz))
            for m, lv, n, ln, k, lz in data.get("i", ())
        ]
    )
    urls = tuple(UrlLiteral(str(s), int(ln)) for s, ln in data.get("u", ()))
    error = data.get("e")
    spelled = Spelled(
        _pairs(data, "sd"),
        _pairs(data, "sw"),
        _pairs(data, "sv"),
        frozenset(str(f) for f in data.get("sf", ())),
        tuple(int(n) for n in data.get("sx", ())),
        tuple((str(n), str(v), int(ln)) for n, v, ln in data.get("ss", ())),
    )
    opens = tuple(
        OpenLoad(int(ln), str(p), _kind(k), bool(lz), str(call), str(sfx), str(setting))
        for ln, p, k, lz, call, sfx, setting in data.get("o", ())
    )
    return FileScan(
        imports=imports,
        main_guard=bool(data.get("m", False)),
        urls=urls,
        spelled=spelled,
        open_loads=opens,
        table=_pairs(data, "t"),
        error=str(error[0]) if error else None,
        error_line=int(error[1]) if error and error[1] is not None else None,
        lenient=bool(data.get("l", False)),
    )


_KINDS: dict[object, ImportKind] = {kind: kind for kind in IMPORT_KINDS}


def _kind(value: object) -> ImportKind:
    try:
        return _KINDS[value]
    except (KeyError, TypeError):
        raise ValueError(f"unknown import kind {value!r}") from None
