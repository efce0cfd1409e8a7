"""The one way depsize reads untrusted files: regular files only, bounded, never blocking."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from depsize.safeio import (
    UnreadableFileError,
    is_regular_file,
    read_bytes,
    read_text,
    read_text_or_none,
)


def test_reads_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfhello\n")
    assert read_bytes(path) == b"\xef\xbb\xbfhello\n"
    assert read_text(path) == "hello\n"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / ".gitignore"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFileError, match="FIFO") as info:
        read_bytes(fifo)
    assert info.value.path == fifo
    assert read_text_or_none(fifo) is None
    assert not is_regular_file(fifo)


def test_a_socket_a_folder_and_a_device_are_refused(tmp_path: Path) -> None:
    sock_path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        with pytest.raises(UnreadableFileError, match="socket"):
            read_bytes(sock_path)
    finally:
        server.close()
    with pytest.raises(UnreadableFileError, match="folder"):
        read_bytes(tmp_path)
    with pytest.raises(UnreadableFileError, match="character device"):
        read_bytes("/dev/zero")


def test_the_cap_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * 2000)
    with pytest.raises(UnreadableFileError, match="read limit"):
        read_bytes(path, limit=1999)
    assert len(read_bytes(path, limit=2000)) == 2000
    monkeypatch.setenv("DEPSIZE_MAX_FILE_BYTES", "100")
    with pytest.raises(UnreadableFileError, match="100-byte"):
        read_bytes(path)
    monkeypatch.setenv("DEPSIZE_MAX_FILE_BYTES", "nonsense")
    assert len(read_bytes(path)) == 2000


def test_missing_loops_nul_and_undecodable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError) as info:
        read_bytes(tmp_path / "nope")
    assert info.value.missing
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(UnreadableFileError, match="cannot read"):
        read_bytes(loop)
    with pytest.raises(UnreadableFileError, match="cannot read"):
        read_bytes(str(tmp_path / "a\0b"))
    bad = tmp_path / "bad"
    bad.write_bytes(b"ok \xff\xfe")
    assert read_text(bad) == "ok \ufffd\ufffd"
    with pytest.raises(UnreadableFileError, match="not valid UTF-8 at byte 3"):
        read_text(bad, errors="strict")
