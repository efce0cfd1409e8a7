"""ELF files whose section headers lie: slimmable bytes never exceed the file or the env."""

from __future__ import annotations

import os
import struct
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name

from depsize.elf import debug_bytes
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.recommend import slimmable_bytes
from support.hostile import time_limit
from support.site_packages import DistSpec, make_site_packages

_HEADER = "<IIQQQQIIQQ"


def _lying_elf(sections: list[tuple[bytes, int, int]], body_size: int) -> bytes:
    """An ELF64 file of ``body_size`` filler bytes whose headers claim ``sections`` as
    (name, offset, size), however far past the end of the file they reach."""
    names = b"\0" + b"".join(n + b"\0" for n, _, _ in sections) + b".shstrtab\0"
    body = bytearray(b"\0" * 64 + b"\xaa" * body_size)
    strtab_at = len(body)
    body += names
    shoff = len(body)
    headers = [struct.pack(_HEADER, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)]
    name_at = 1
    for name, offset, size in sections:
        headers.append(struct.pack(_HEADER, name_at, 1, 0, 0, offset, size, 0, 0, 1, 0))
        name_at += len(name) + 1
    headers.append(struct.pack(_HEADER, name_at, 3, 0, 0, strtab_at, len(names), 0, 0, 1, 0))
    body += b"".join(headers)
    ident = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    body[:64] = ident + struct.pack(
        "<HHIQQQIHHHHHH", 3, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64, len(headers), len(headers) - 1
    )
    return bytes(body)


def test_debug_bytes__sections_claim_more_than_the_file__capped_at_file(tmp_path: Path) -> None:
    so = tmp_path / "liar.so"
    so.write_bytes(_lying_elf([(b".debug_info", 64, 10**15), (b".debug_str", 10**12, 10**6)], 8000))
    assert debug_bytes(so) == so.stat().st_size - 64


def test_debug_bytes__overlapping_sections__counted_once(tmp_path: Path) -> None:
    so = tmp_path / "overlap.so"
    so.write_bytes(_lying_elf([(b".debug_a", 100, 1000), (b".debug_b", 600, 1000)], 5000))
    assert debug_bytes(so) == 1500


def test_debug_bytes__huge_entry_size_or_fifo__zero_and_no_block(tmp_path: Path) -> None:
    data = bytearray(_lying_elf([(b".debug_info", 64, 100)], 1000))
    data[0x3A:0x3C] = struct.pack("<H", 65535)  # e_shentsize
    (tmp_path / "wide.so").write_bytes(bytes(data))
    os.mkfifo(tmp_path / "pipe.so")
    with time_limit(10):
        assert debug_bytes(tmp_path / "wide.so") == 0
        assert debug_bytes(tmp_path / "pipe.so") == 0


def test_slimmable__lying_elf__never_more_than_files_or_env(tmp_path: Path) -> None:
    elf = _lying_elf([(b".debug_info", 64, 10**15)], 9000)
    built = make_site_packages(
        tmp_path,
        [DistSpec("native", contents={"native/_core.cpython-311-x86_64-linux-gnu.so": elf})],
    )
    scan = scan_env(from_prefix(built.prefix, how="test"))
    slim = slimmable_bytes(scan)
    assert slim is not None
    assert slim.bytes == len(elf) - 64
    assert slim.bytes <= scan.dists[canonicalize_name("native")].own_bytes <= scan.total_bytes
    assert slim.after is not None
    assert slim.after >= 0


@settings(max_examples=150, deadline=timedelta(seconds=5))
@given(
    st.binary(min_size=0, max_size=400),
    st.lists(
        st.tuples(
            st.sampled_from([b".debug_info", b".zdebug_x", b".text", b""]),
            st.integers(min_value=0, max_value=2**64 - 1),
            st.integers(min_value=0, max_value=2**64 - 1),
        ),
        max_size=6,
    ),
)
def test_debug_bytes__any_headers__never_more_than_the_file(
    noise: bytes, sections: list[tuple[bytes, int, int]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, data in (
            ("noise.so", b"\x7fELF" + noise),
            ("liar.so", _lying_elf(sections, len(noise))),
        ):
            path = Path(folder) / name
            path.write_bytes(data)
            assert 0 <= debug_bytes(path) <= len(data)
