"""The central directory of a zip archive (a wheel), read from the end of the file.

A reader only needs random access (:class:`ByteSource`): the end-of-central-directory record,
then the central directory, then the few members whose content is wanted (METADATA, RECORD,
entry_points.txt). Zip64 archives are supported. Nothing is decompressed but those members.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable
from typing import Protocol

from depsize.errors import InputError
from depsize.records import dataclass

TAIL_BYTES = 64 * 1024
"""Bytes read from the end first: the end record and, for most wheels, the whole directory."""

GAP_BYTES = 64 * 1024
"""Bytes of unwanted members :func:`read_contents` reads through rather than start a new span."""

_EOCD = b"PK\x05\x06"
_EOCD64 = b"PK\x06\x06"
_LOCATOR64 = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_UTF8_FLAG = 0x800
_MAX32 = 0xFFFFFFFF
_MAX16 = 0xFFFF


class WheelFormatError(InputError):
    """A wheel that is not a readable zip archive (corrupt or truncated)."""


class ByteSource(Protocol):
    """Random read access to an archive of a known size."""

    @property
    def size(self) -> int: ...

    def read(self, start: int, end: int) -> bytes:
        """Bytes ``start`` up to (not including) ``end``."""
        ...


@dataclass(frozen=True)
class ZipMember:
    name: str
    file_size: int
    """Uncompressed bytes: what an installer writes."""
    compressed_size: int
    method: int
    offset: int
    """Offset of the member's local header."""


@dataclass
class Buffered:
    """A :class:`ByteSource` that keeps every segment it read and serves repeats from them."""

    source: ByteSource
    segments: list[tuple[int, bytes]]

    @property
    def size(self) -> int:
        return self.source.size

    def read(self, start: int, end: int) -> bytes:
        start, end = max(0, start), min(end, self.size)
        for seg_start, data in self.segments:
            if seg_start <= start and end <= seg_start + len(data):
                return data[start - seg_start : end - seg_start]
        data = self.source.read(start, end)
        if len(data) != end - start:
            raise WheelFormatError(f"short read: {len(data)} of {end - start} bytes (truncated?)")
        self.segments.append((start, data))
        return data


def _u(fmt: str, data: bytes, offset: int) -> tuple[int, ...]:
    try:
        return struct.unpack_from("<" + fmt, data, offset)
    except struct.error:
        raise WheelFormatError("truncated zip record") from None


def _directory_span(src: Buffered) -> tuple[int, int, int]:
    """(offset, size, entries) of the central directory, from the end records."""
    size = src.size
    if size < 22:
        raise WheelFormatError(f"not a zip archive ({size} bytes)")
    tail_start = max(0, size - TAIL_BYTES)
    tail = src.read(tail_start, size)
    at = tail.rfind(_EOCD, 0, len(tail) - 18)
    if at < 0:
        raise WheelFormatError("not a zip archive, or truncated (no end of central directory)")
    entries, cd_size, cd_offset = _u("HII", tail, at + 10)
    if _MAX32 in (cd_size, cd_offset) or entries == _MAX16:
        loc = at - 20
        if loc < 0 or tail[loc : loc + 4] != _LOCATOR64:
            raise WheelFormatError("zip64 archive without its locator record")
        (eocd64,) = _u("Q", tail, loc + 8)
        record = src.read(eocd64, eocd64 + 56)
        if record[:4] != _EOCD64:
            raise WheelFormatError("zip64 end record not where its locator says")
        entries, cd_size, cd_offset = _u("QQQ", record, 32)
    if cd_offset + cd_size > size:
        raise WheelFormatError(
            f"truncated: the central directory ends at byte {cd_offset + cd_size}, "
            f"the file has {size}"
        )
    return cd_offset, cd_size, entries


def _zip64(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + length]
        if tag == 1:
            values = list(struct.unpack_from(f"<{len(body) // 8}Q", body))
            if usize == _MAX32 and values:
                usize = values.pop(0)
            if csize == _MAX32 and values:
                csize = values.pop(0)
            if offset == _MAX32 and values:
                offset = values.pop(0)
        pos += 4 + length
    return usize, csize, offset


def read_members(src: Buffered) -> list[ZipMember]:
    """Every member (folders included) listed by the central directory."""
    cd_offset, cd_size, entries = _directory_span(src)
    data = src.read(cd_offset, cd_offset + cd_size)
    members: list[ZipMember] = []
    pos = 0
    for _ in range(entries):
        if data[pos : pos + 4] != _CENTRAL:
            raise WheelFormatError(f"corrupt central directory (entry {len(members) + 1})")
        flags, method = _u("HH", data, pos + 8)
        csize, usize, name_len, extra_len, comment_len = _u("IIHHH", data, pos + 20)
        (offset,) = _u("I", data, pos + 42)
        raw = data[pos + 46 : pos + 46 + name_len]
        extra = data[pos + 46 + name_len : pos + 46 + name_len + extra_len]
        if _MAX32 in (csize, usize, offset):
            usize, csize, offset = _zip64(extra, usize, csize, offset)
        name = raw.decode("utf-8" if flags & _UTF8_FLAG else "cp437", errors="replace")
        members.append(ZipMember(name, usize, csize, method, offset))
        pos += 46 + name_len + extra_len + comment_len
    return members


def read_contents(
    src: Buffered, members: Iterable[ZipMember], wanted: Callable[[str], bool]
) -> dict[str, bytes]:
    """The decompressed content of each member whose name ``wanted`` accepts.

    One read covers the members that sit together (a wheel's ``.dist-info`` usually ends the
    archive); members apart by more than :data:`GAP_BYTES` of others (a wheel's ``.py`` files
    around a large shared library) are read in separate spans, so what lies between is not
    fetched. A local header longer than its central entry costs one more read.
    """
    chosen = sorted((m for m in members if wanted(m.name)), key=lambda m: m.offset)
    spans: list[list[int]] = []
    for member in chosen:
        end = member.offset + 30 + len(member.name.encode()) + 512 + member.compressed_size
        if spans and member.offset - spans[-1][1] <= GAP_BYTES:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([member.offset, end])
    for low, high in spans:
        src.read(low, min(high, src.size))
    return {m.name: _content(src, m) for m in chosen}


def _content(src: Buffered, member: ZipMember) -> bytes:
    header = src.read(member.offset, member.offset + 30)
    if header[:4] != _LOCAL:
        raise WheelFormatError(f"corrupt archive: no local header for {member.name}")
    name_len, extra_len = _u("HH", header, 26)
    start = member.offset + 30 + name_len + extra_len
    raw = src.read(start, start + member.compressed_size)
    try:
        if member.method == 0:
            data = raw
        elif member.method == 8:
            data = zlib.decompressobj(-15).decompress(raw)
        else:
            raise WheelFormatError(f"{member.name}: compression method {member.method}")
    except zlib.error as exc:
        raise WheelFormatError(f"corrupt archive: {member.name} ({exc})") from None
    if len(data) != member.file_size:
        raise WheelFormatError(f"corrupt archive: {member.name} has the wrong length")
    return data
