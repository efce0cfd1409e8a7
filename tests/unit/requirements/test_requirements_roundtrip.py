"""Requirements files are kept byte for byte: render reproduces them; dropping spans is exact."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from depsize.requirements.roundtrip import render
from depsize.requirements.txt import RequirementsReader

Write = Callable[[str, str | bytes], Path]

CASES = {
    "lf": b"flask\n# comment\nrequests>=2 \\\n  --hash=sha256:ab\n",
    "crlf": b"flask\r\n# comment\r\nrequests>=2 \\\r\n  --hash=sha256:ab\r\n",
    "no-final-newline": b"flask\nrequests",
    "crlf-no-final-newline": b"flask\r\nrequests",
    "mixed-endings": b"a\r\nb\nc\rd\r\n\r\n",
    "bom": b"\xef\xbb\xbfflask\nrequests\n",
    "latin-1": b"# caf\xe9\nflask\n",
    "blank-lines-only": b"\n\n\r\n",
    "empty": b"",
}


@pytest.mark.parametrize("name", CASES)
def test_render__nothing_dropped__byte_for_byte(write: Write, name: str) -> None:
    data = CASES[name]
    reader = RequirementsReader({})
    reader.read(write("requirements.txt", data))
    (rfile,) = reader.files
    assert render(rfile) == data
    assert rfile.sha256 == hashlib.sha256(data).hexdigest()


def test_render__continued_requirement_dropped__other_bytes_kept(write: Write) -> None:
    data = b"flask\r\n# keep me\r\nrequests>=2 \\\r\n  --hash=sha256:ab\r\nrich"
    reader = RequirementsReader({})
    reader.read(write("requirements.txt", data))
    (rfile,) = reader.files
    requests = next(r for r in reader.requirements if r.name == "requests")
    assert (requests.line, requests.end_line) == (3, 4)
    assert render(rfile, [(requests.line, requests.end_line)]) == b"flask\r\n# keep me\r\nrich"


def test_render__last_line_without_newline_dropped__previous_ending_kept(write: Write) -> None:
    reader = RequirementsReader({})
    reader.read(write("r.txt", b"flask\nrich"))
    assert render(reader.files[0], [(2, 2)]) == b"flask\n"


def test_lines__endings__kept_per_line(write: Write) -> None:
    reader = RequirementsReader({})
    reader.read(write("r.txt", b"a\r\nb\nc"))
    endings = [line.ending for line in reader.files[0].lines]
    assert endings == [b"\r\n", b"\n", b""]


def test_lines__bom__not_in_text_but_in_bytes(write: Write) -> None:
    reader = RequirementsReader({})
    reader.read(write("r.txt", b"\xef\xbb\xbfflask\n"))
    line = reader.files[0].lines[0]
    assert (line.text, line.content) == ("flask", b"\xef\xbb\xbfflask")
    assert reader.requirements[0].name == "flask"


def test_entries__every_kind__classified(write: Write) -> None:
    write("other.txt", "")
    write("c.txt", "")
    text = "# c\n\n-r other.txt\n-c c.txt\n--pre\nflask\nnot valid here\n-e ./x.whl\n"
    reader = RequirementsReader({})
    reader.read(write("r.txt", text))
    kinds = [(e.start, e.kind) for e in reader.files[0].entries]
    assert kinds == [
        (1, "blank"),
        (2, "blank"),
        (3, "include"),
        (4, "constraint"),
        (5, "option"),
        (6, "requirement"),
        (7, "invalid"),
        (8, "invalid"),
    ]
