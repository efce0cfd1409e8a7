"""A stored run, as one binary file read without parsing text.

Layout: a magic line; eight little-endian 64-bit counts (key length, base length, environment
length, paths length, stamps, chunks, whether the whole environment counts, exit code); the key
(the ``repr`` of the invocation, compared as bytes); the base folder of the relative paths; the
environment variables the run looked up (``name NUL =value`` or ``name NUL -`` for an unset
one, NUL-separated); the stamped paths (NUL-separated; those inside the base relative to it);
five signed 64-bit numbers per stamp (kind, then up to four values); two per
output chunk (stream 1 or 2, length); then the output bytes. A file is used only when every
length adds up exactly: anything else (truncated, padded, another format, a planted file) is a
miss. Nothing in it is executed, unpickled or even parsed beyond splitting and counting.
"""

from __future__ import annotations

import os
import struct
from array import array

from depsize.runcache.key import MAGIC, Stamp

_COUNTS = struct.Struct("<8q")
_SLOTS = 5
"""Numbers per stamp: its kind (its length as a list, 1, 2, 3 or 5), then its values."""
_ITEM = array("q").itemsize


class StoredRun:
    """One run: what it is keyed on, what it read, and what it wrote."""

    __slots__ = ("all_environ", "base", "chunks", "environ", "exit_code", "key", "paths", "stamps")

    def __init__(
        self,
        *,
        key: bytes,
        environ: list[tuple[str, str | None]],
        all_environ: bool,
        base: bytes,
        paths: list[bytes],
        stamps: array[int],
        exit_code: int,
        chunks: list[tuple[int, bytes]],
    ) -> None:
        self.key = key
        self.environ = environ
        """``(name, value)`` pairs; ``value`` is ``None`` for a variable that was unset."""
        self.all_environ = all_environ
        """The run listed the whole environment: any variable set or unset is a change."""
        self.base = base
        """The folder relative paths start from (empty: every path is absolute)."""
        self.paths = paths
        self.stamps = stamps
        """:data:`_SLOTS` numbers per path, see :func:`depsize.runcache.key.unchanged`."""
        self.exit_code = exit_code
        self.chunks = chunks


def key_bytes(key: list[object]) -> bytes:
    return repr(key).encode("utf-8", "surrogatepass")


def encode(
    *,
    key: list[object],
    base: str = "",
    environ: list[tuple[str, str | None]],
    all_environ: bool,
    stamps: list[Stamp],
    exit_code: int,
    chunks: list[tuple[int, bytes]],
) -> bytes:
    key_data = key_bytes(key)
    env_data = b"\0".join(
        os.fsencode(name) + b"\0" + (b"-" if value is None else b"=" + os.fsencode(value))
        for name, value in environ
    )
    inside = os.path.join(base, "") if base and os.stat in os.supports_dir_fd else ""
    paths = b"\0".join(os.fsencode(_relative(str(s[0]), inside)) for s in stamps)
    numbers = array("q")
    for entry in stamps:
        values = [int(v) for v in entry[1:]]  # type: ignore[call-overload]
        numbers.extend([len(entry), *values, *[0] * (_SLOTS - 1 - len(values))])
    table = array("q", [n for stream, data in chunks for n in (stream, len(data))])
    base_data = os.fsencode(inside.rstrip(os.sep) if inside else "")
    counts = (len(key_data), len(base_data), len(env_data), len(paths), len(stamps), len(chunks))
    head = _COUNTS.pack(*counts, int(all_environ), exit_code)
    body = [key_data, base_data, env_data, paths, numbers.tobytes(), table.tobytes()]
    return b"".join([MAGIC, head, *body, *(data for _, data in chunks)])


def decode(data: bytes) -> StoredRun | None:
    """The run stored in ``data``; ``None`` for anything malformed."""
    start = len(MAGIC) + _COUNTS.size
    if not data.startswith(MAGIC) or len(data) < start:
        return None
    key_len, base_len, env_len, paths_len, count, chunk_count, everything, code = (
        _COUNTS.unpack_from(data, len(MAGIC))
    )
    numbers_len, table_len = count * _SLOTS * _ITEM, chunk_count * 2 * _ITEM
    sizes = (key_len, base_len, env_len, paths_len, numbers_len, table_len)
    if min(sizes) < 0 or start + sum(sizes) > len(data) or everything not in (0, 1):
        return None
    parts = []
    at = start
    for size in sizes:
        parts.append(data[at : at + size])
        at += size
    key, base, env_data, path_data, number_data, table_data = parts
    paths = path_data.split(b"\0") if count else []
    environ = _environ(env_data)
    numbers, table = array("q"), array("q")
    numbers.frombytes(number_data)
    table.frombytes(table_data)
    chunks = _chunks(table, data, at)
    if len(paths) != count or environ is None or chunks is None:
        return None
    return StoredRun(
        key=key,
        environ=environ,
        all_environ=bool(everything),
        base=base,
        paths=paths,
        stamps=numbers,
        exit_code=code,
        chunks=chunks,
    )


def _relative(path: str, inside: str) -> str:
    """``path`` relative to the base when strictly inside it (``inside`` ends with a slash)."""
    return path[len(inside) :] if inside and path.startswith(inside) else path


def _environ(data: bytes) -> list[tuple[str, str | None]] | None:
    if not data:
        return []
    items = data.split(b"\0")
    if len(items) % 2:
        return None
    pairs: list[tuple[str, str | None]] = []
    for name, value in zip(items[::2], items[1::2], strict=True):
        if value == b"-":
            pairs.append((os.fsdecode(name), None))
        elif value.startswith(b"="):
            pairs.append((os.fsdecode(name), os.fsdecode(value[1:])))
        else:
            return None
    return pairs


def _chunks(table: array[int], data: bytes, start: int) -> list[tuple[int, bytes]] | None:
    chunks: list[tuple[int, bytes]] = []
    at = start
    for index in range(0, len(table), 2):
        stream, size = table[index], table[index + 1]
        if stream not in (1, 2) or size < 0:
            return None
        chunks.append((stream, data[at : at + size]))
        at += size
    return chunks if at == len(data) else None


def write_atomically(path: str, data: bytes) -> bool:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    import contextlib  # lazy, as below: only a run that is stored writes
    import tempfile

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".run-", suffix=".tmp", dir=folder)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    return True
