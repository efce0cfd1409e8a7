"""Debug-section bytes of ELF shared objects, read from the section headers (nothing is run).

Section headers are the file's own claims: a section may say it is larger than the file, start
past its end, or overlap another. Each claimed ``.debug*`` range is clipped to the file and the
ranges are merged, so the answer never exceeds the bytes the file has.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

from depsize import safeio

_MAGIC = b"\x7fELF"
_SHT_NOBITS = 8
_MAX_SECTIONS = 65_536
_MAX_ENTRY = 256
"""Section header entries are 40 (ELF32) or 64 (ELF64) bytes; larger ones are not read."""


def debug_bytes(path: Path) -> int:
    """Bytes of ``.debug*`` / ``.zdebug*`` sections in ``path``, at most its size; 0 if it is
    not a readable regular ELF file."""
    try:
        with safeio.open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            return _covered(_debug_ranges(handle), size)
    except (safeio.UnreadableFileError, OSError, struct.error, IndexError, ValueError):
        return 0


def _covered(ranges: list[tuple[int, int]], size: int) -> int:
    """Bytes of ``[0, size)`` covered by the union of ``(offset, length)`` ranges."""
    spans = sorted((max(0, start), min(size, start + length)) for start, length in ranges)
    total = reach = 0
    for first, end in spans:
        start = max(first, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def _debug_ranges(handle: BinaryIO) -> list[tuple[int, int]]:
    ident = handle.read(64)
    if len(ident) < 52 or ident[:4] != _MAGIC:
        return []
    is64 = ident[4] == 2
    order = "<" if ident[5] == 1 else ">"
    if is64:
        (shoff,) = struct.unpack_from(order + "Q", ident, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", ident, 0x3A)
        layout = order + "IIQQQQ"  # name, type, flags, addr, offset, size
    else:
        (shoff,) = struct.unpack_from(order + "I", ident, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", ident, 0x2E)
        layout = order + "IIIIII"
    entry = struct.calcsize(layout)
    if not shoff or not shnum or shnum > _MAX_SECTIONS or shstrndx >= shnum:
        return []
    if not entry <= shentsize <= _MAX_ENTRY:
        return []
    handle.seek(shoff)
    table = handle.read(shentsize * shnum)
    sections = [struct.unpack_from(layout, table, i * shentsize) for i in range(shnum)]
    strtab = sections[shstrndx]
    handle.seek(strtab[4])
    names = handle.read(min(strtab[5], 1 << 20))
    ranges = []
    for name_at, kind, _flags, _addr, offset, size in sections:
        end = names.find(b"\0", name_at)
        name = names[name_at : end if end >= 0 else None]
        if kind != _SHT_NOBITS and name.startswith((b".debug", b".zdebug")):
            ranges.append((offset, size))
    return ranges
