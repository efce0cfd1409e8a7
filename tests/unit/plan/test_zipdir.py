from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from depsize.plan.listing import read_local
from depsize.plan.zipdir import (
    TAIL_BYTES,
    Buffered,
    WheelFormatError,
    read_contents,
    read_members,
)
from support.wheels import WheelSpec, write_wheel

SPEC = WheelSpec(
    "pkg",
    "1.0",
    files={"pkg/__init__.py": 120, "pkg/big.bin": 70_000},
    requires=("dep>=1",),
    console_scripts={"pkg": "pkg:main"},
)


def test_read_local__members_and_metadata__as_zipfile_lists_them(tmp_path: Path) -> None:
    wheel = write_wheel(SPEC, tmp_path)
    listing = read_local(wheel)
    with zipfile.ZipFile(wheel) as archive:
        expected = tuple((i.filename, i.file_size) for i in archive.infolist())
        metadata = archive.read("pkg-1.0.dist-info/METADATA").decode()
        record = archive.read("pkg-1.0.dist-info/RECORD").decode()
    assert listing.members == expected
    assert listing.metadata == metadata
    assert listing.record == record
    assert "pkg = pkg:main" in listing.entry_points


METADATA = b"Name: raw\nVersion: 1.0\n\n"


def test_read_local__stored_members_and_a_folder_entry__folder_left_out(tmp_path: Path) -> None:
    wheel = tmp_path / "raw-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("raw/", b"")
        archive.writestr("raw/a.py", b"a = 1\n")
        archive.writestr("raw-1.0.dist-info/METADATA", METADATA)
    listing = read_local(wheel)
    assert listing.members == (("raw/a.py", 6), ("raw-1.0.dist-info/METADATA", len(METADATA)))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[:-10], "no end of central directory"),
        (lambda data: data[: len(data) // 2], "no end of central directory"),
        (lambda data: b"PK" + b"\0" * 100, "no end of central directory"),
        (lambda data: b"tiny", r"not a zip archive \(4 bytes\)"),
    ],
)
def test_read_local__damaged_wheel__error_names_the_file(
    tmp_path: Path, damage: Callable[[bytes], bytes], message: str
) -> None:
    wheel = write_wheel(SPEC, tmp_path)
    wheel.write_bytes(damage(wheel.read_bytes()))
    with pytest.raises(WheelFormatError, match=message) as caught:
        read_local(wheel)
    assert caught.value.path == wheel
    assert caught.value.exit_code == 2


def test_read_local__directory_cut_short__truncated(tmp_path: Path) -> None:
    wheel = write_wheel(SPEC, tmp_path)
    data = wheel.read_bytes()
    eocd = data.rfind(b"PK\x05\x06")
    cut = data[: eocd - 200] + data[eocd:]  # end record intact, directory 200 bytes short
    wheel.write_bytes(cut)
    with pytest.raises(WheelFormatError, match=r"truncated|corrupt"):
        read_local(wheel)


def test_read_local__corrupt_metadata_bytes__corrupt(tmp_path: Path) -> None:
    wheel = write_wheel(SPEC, tmp_path)
    data = bytearray(wheel.read_bytes())
    with zipfile.ZipFile(wheel) as archive:
        info = archive.getinfo("pkg-1.0.dist-info/METADATA")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start : start + 8] = b"\xff" * 8
    wheel.write_bytes(bytes(data))
    with pytest.raises(WheelFormatError, match="corrupt archive"):
        read_local(wheel)


def test_read_local__not_a_wheel__no_metadata(tmp_path: Path) -> None:
    path = tmp_path / "x-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.py", b"")
    with pytest.raises(WheelFormatError, match=r"no \.dist-info/METADATA"):
        read_local(path)


def test_read_local__a_folder_or_fifo__not_a_regular_file(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.whl"
    os.mkfifo(fifo)
    with pytest.raises(Exception, match="not a regular file"):
        read_local(fifo)


def test_read_local__zip64_archive__sizes_and_offsets_from_the_zip64_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # zipfile writes zip64 records past these limits: lowered, it writes a real zip64 archive
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 100)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    wheel = tmp_path / "z-1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("z/a.bin", b"a" * 5000)
        archive.writestr("z/b.py", b"b = 2\n" * 50)
        archive.writestr("z-1.dist-info/METADATA", b"Name: z\nVersion: 1\n\n")
    monkeypatch.undo()
    data = wheel.read_bytes()
    assert b"PK\x06\x06" in data  # the zip64 end record is there
    listing = read_local(wheel)
    assert listing.members == (
        ("z/a.bin", 5000),
        ("z/b.py", 300),
        ("z-1.dist-info/METADATA", 20),
    )
    assert listing.metadata == "Name: z\nVersion: 1\n\n"


class _Counting:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.reads: list[tuple[int, int]] = []

    @property
    def size(self) -> int:
        return len(self.data)

    def read(self, start: int, end: int) -> bytes:
        self.reads.append((start, end))
        return self.data[start:end]


def test_read_contents__members_apart__what_lies_between_not_read(tmp_path: Path) -> None:
    wheel = tmp_path / "far-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("far/a.py", b"a = 1\n")
        archive.writestr("far/big.so", random.Random(1).randbytes(300_000))
        archive.writestr("far/b.py", b"b = 2\n")
        archive.writestr("far/huge.so", random.Random(2).randbytes(300_000))
        archive.writestr("far-1.0.dist-info/METADATA", METADATA)
    source = _Counting(wheel.read_bytes())
    src = Buffered(source, [])

    found = read_contents(src, read_members(src), lambda name: name.endswith(".py"))

    assert found == {"far/a.py": b"a = 1\n", "far/b.py": b"b = 2\n"}
    assert sum(end - start for start, end in source.reads) < 100_000 + TAIL_BYTES
