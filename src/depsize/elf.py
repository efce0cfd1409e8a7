"""Debug-section bytes of ELF shared objects, read from the section headers (nothing is run)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

_MAGIC = b"\x7fELF"
_SHT_NOBITS = 8
_MAX_SECTIONS = 65_536


def debug_bytes(path: Path) -> int:
    """Bytes of ``.debug*`` / ``.zdebug*`` sections in ``path``; 0 if it is not a readable ELF."""
    try:
        with open(path, "rb") as handle:
            return _debug_bytes(handle)
    except (OSError, struct.error, IndexError, ValueError):
        return 0


def _debug_bytes(handle: BinaryIO) -> int:
    ident = handle.read(64)
    if len(ident) < 52 or ident[:4] != _MAGIC:
        return 0
    is64 = ident[4] == 2
    order = "<" if ident[5] == 1 else ">"
    if is64:
        (shoff,) = struct.unpack_from(order + "Q", ident, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", ident, 0x3A)
        layout, size_at = order + "IIQQQQ", (4, 5)  # name, type, flags, addr, offset, size
    else:
        (shoff,) = struct.unpack_from(order + "I", ident, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", ident, 0x2E)
        layout, size_at = order + "IIIIII", (4, 5)
    if not shoff or not shnum or shnum > _MAX_SECTIONS or shstrndx >= shnum:
        return 0
    handle.seek(shoff)
    table = handle.read(shentsize * shnum)
    sections = [struct.unpack_from(layout, table, i * shentsize) for i in range(shnum)]
    strtab = sections[shstrndx]
    handle.seek(strtab[size_at[0]])
    names = handle.read(min(strtab[size_at[1]], 1 << 20))
    total = 0
    for name_at, kind, *_rest, size in sections:
        end = names.find(b"\0", name_at)
        name = names[name_at : end if end >= 0 else None]
        if kind != _SHT_NOBITS and name.startswith((b".debug", b".zdebug")):
            total += size
    return total
