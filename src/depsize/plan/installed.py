"""What an installer writes for a wheel, computed from its listing (pip's rules, no compile).

- every file member, where the wheel scheme puts it (``.data/purelib`` and ``platlib`` into
  site-packages, ``scripts`` into ``bin/``, ``headers`` and ``data`` under the prefix), with
  ``#!python`` script shebangs rewritten to the target interpreter;
- a console script per ``console_scripts``/``gui_scripts`` entry point (distlib's template,
  as pip writes it: its shebang names the interpreter, so its bytes depend on that path);
- ``INSTALLER`` (``pip``), ``REQUESTED`` (empty; only for what is asked for by name: the
  declared requirements when the lock says which they are, else every line) and
  ``RECORD`` rewritten with a row per installed file, ``\\r\\n``-terminated as pip's csv writer
  ends rows. Rows the wheel's RECORD had keep its hash text; new rows get a sha256 of fixed
  length, so the new RECORD's length is exact without the file contents.

Byte-code is not part of it: :func:`bytecode_estimate` gives what a compiling install adds.
"""

from __future__ import annotations

import configparser
import csv
import io

from depsize.plan.model import WheelListing
from depsize.records import dataclass

INSTALLER_TEXT = "pip\n"
_HASH_TEXT = "sha256=" + "x" * 43
"""A pip RECORD hash: ``sha256=`` and 43 urlsafe base64 characters (32 bytes, no padding)."""
_SCRIPT = """# -*- coding: utf-8 -*-
import re
import sys
from {module} import {import_name}
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit({func}())
"""
_SHEBANG_MAX = 127

BYTECODE_PER_SOURCE_BYTE = 1.07
BYTECODE_PER_FILE = 1400
"""``.pyc`` bytes ~ 1.07 x ``.py`` bytes + 1400 per file: the least-squares line over 2,785
pip-compiled ``.py``/``cpython-311.pyc`` pairs of two venvs (``benchmarks/bench_plan.py
--fit-bytecode``). Each venv's byte-code, predicted from the other's line, came out 0.81 and
1.23 times the real one: an estimate, shown apart from the exact bytes. See docs/plan.md."""


@dataclass(frozen=True)
class Installed:
    files: tuple[tuple[str, int], ...]
    installer_bytes: int
    script_bytes: int


def shebang(interpreter: str) -> bytes:
    """The first line(s) pip (distlib) writes into a console script for ``interpreter``."""
    exe = interpreter.encode()
    if b" " not in exe and len(exe) + 3 <= _SHEBANG_MAX:
        return b"#!" + exe + b"\n"
    return b"#!/bin/sh\n'''exec' " + exe + b' "$0" "$@"\n' + b"' '''"


def console_scripts(entry_points: str) -> dict[str, bytes]:
    """Script name → the script text (without the shebang) for each script entry point."""
    if "scripts" not in entry_points:
        return {}
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(entry_points)
    except configparser.Error:
        return {}
    out: dict[str, bytes] = {}
    for group in ("console_scripts", "gui_scripts"):
        if not parser.has_section(group):
            continue
        for name, value in parser.items(group):
            target = value.split("[", 1)[0].strip()
            module, _, func = target.partition(":")
            func = func.strip() or module
            text = _SCRIPT.format(module=module.strip(), import_name=func.split(".")[0], func=func)
            out[name.strip()] = text.encode()
    return out


def destination(member: str, data_dir: str, name: str, python_minor: str) -> str:
    """Where the installer puts a wheel member (site-packages-relative); ``data_dir`` is the
    wheel's ``NAME-VERSION.data`` folder ("" when it has none)."""
    if not data_dir or not member.startswith(data_dir + "/"):
        return member
    scheme, _, rest = member[len(data_dir) + 1 :].partition("/")
    if scheme in {"purelib", "platlib"}:
        return rest
    if scheme == "scripts":
        return f"../../../bin/{rest}"
    if scheme == "headers":
        return f"../../../include/site/python{python_minor}/{name}/{rest}"
    return f"../../../{rest}"


def installed_files(
    listing: WheelListing,
    name: str,
    *,
    interpreter: str,
    python_minor: str,
    requested: bool = True,
) -> Installed:
    """The files (site-packages-relative) and bytes pip writes for ``listing``, uncompiled.
    ``requested``: the distribution is named on pip's command line or in its requirements
    file (pip then writes an empty ``REQUESTED``, and a RECORD row for it)."""
    tops = {m.split("/", 1)[0] for m, _ in listing.members}
    dist_info = next((t for t in sorted(tops) if t.endswith(".dist-info")), "")
    data_dir = next((t for t in sorted(tops) if t.endswith(".data")), "")
    record_member = f"{dist_info}/RECORD"
    shebangs = dict(listing.python_shebangs)
    fixed = b"#!" + interpreter.encode() + b"\n"
    mapped: dict[str, str] = {}
    files: dict[str, int] = {}
    changed: set[str] = set()
    for member, size in listing.members:
        if member == record_member:
            continue
        dest = destination(member, data_dir, name, python_minor)
        mapped[member] = dest
        files[dest] = size
        if member in shebangs:
            files[dest] += len(fixed) - shebangs[member]
            changed.add(dest)
    generated: dict[str, int] = {}
    scripts = console_scripts(listing.entry_points)
    head = shebang(interpreter)
    for script, text in scripts.items():
        generated[f"../../../bin/{script}"] = len(head) + len(text)
    generated[f"{dist_info}/INSTALLER"] = len(INSTALLER_TEXT)
    if requested:
        generated[f"{dist_info}/REQUESTED"] = 0
    record = _record_bytes(listing.record, mapped, changed, files, generated, record_member)
    script_bytes = sum(generated[f"../../../bin/{s}"] for s in scripts)
    installer = len(INSTALLER_TEXT) + record
    out = {**files, **generated, record_member: record}
    return Installed(tuple(sorted(out.items())), installer, script_bytes)


def _row_bytes(row: tuple[str, str, str]) -> int:
    """Bytes of one row as pip's csv writer writes it (minimal quoting, ``\r\n``)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(row)
    return len(out.getvalue().encode())


def _record_bytes(  # noqa: PLR0917 - one private call site, pip's own argument order
    old: str,
    mapped: dict[str, str],
    changed: set[str],
    files: dict[str, int],
    generated: dict[str, int],
    record_member: str,
) -> int:
    """Bytes of the RECORD pip writes (its rows in any order: the length does not depend on
    it). Rows of the wheel's RECORD keep their text, so it is read to the letter; a row with
    no quote and three fields is rewritten as it was (only its line end becomes ``\r\n``)."""
    total = 0
    pending = dict(mapped)
    for line in old.split("\n"):
        line = line.removesuffix("\r")  # noqa: PLW2901 - the same line, without its end
        if not line:
            continue
        fields = line.split(",") if '"' not in line else []
        if len(fields) != 3:
            row = next(csv.reader([line]), [])
            if row:
                total += _old_row(row, pending, changed, files)
            continue
        path = pending.pop(fields[0], fields[0])
        if path == fields[0] and path not in changed:
            total += len(line.encode()) + 2
        else:
            total += _old_row([path, fields[1], fields[2]], {}, changed, files)
    total += sum(_row_bytes((path, _HASH_TEXT, str(size))) for path, size in generated.items())
    total += sum(_row_bytes((path, "", "")) for path in pending.values())
    if not old.strip():
        total += _row_bytes((record_member, "", ""))
    return total


def _old_row(
    row: list[str], pending: dict[str, str], changed: set[str], files: dict[str, int]
) -> int:
    path = pending.pop(row[0], row[0])
    if path in changed:
        return _row_bytes((path, _HASH_TEXT, str(files[path])))
    return _row_bytes((path, row[1] if len(row) > 1 else "", row[2] if len(row) > 2 else ""))


def bytecode_estimate(files: tuple[tuple[str, int], ...], python_tag: str) -> int:
    """Estimated bytes a compiling install adds: a ``.pyc`` per ``.py`` in site-packages (see
    :data:`BYTECODE_PER_SOURCE_BYTE`) plus its RECORD row."""
    total = 0
    for path, size in files:
        if path.startswith("../") or not path.endswith(".py"):
            continue
        folder, _, module = path.rpartition("/")
        pyc = f"{folder + '/' if folder else ''}__pycache__/{module[:-3]}.{python_tag}.pyc"
        estimate = round(BYTECODE_PER_SOURCE_BYTE * size + BYTECODE_PER_FILE)
        total += estimate + len(f"{pyc},{_HASH_TEXT},{estimate}\r\n")
    return total
