"""Hostile environments: metadata, RECORD, links and files that lie or never end."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from corpus.model import SITE, Case, Ctx, skip_as_root
from support.site_packages import DistSpec

DEEP = 100_000
"""Nesting depth of the deeply nested JSON/TOML/Python cases (far past any recursion limit)."""


def _dist(
    name: str,
    requires: tuple[str, ...] = (),
    entry_points: str | None = None,
    direct_url: dict[str, object] | None = None,
) -> DistSpec:
    """A distribution with one 100-byte package of its own name."""
    return DistSpec(
        name,
        requires=requires,
        files={f"{name}/__init__.py": 100},
        top_level=(name,),
        entry_points=entry_points,
        direct_url=direct_url,
    )


def _meta(ctx: Ctx, name: str, version: str = "1.0") -> Path:
    return ctx.site / f"{name}-{version}.dist-info"


def _record_row(ctx: Ctx, name: str, row: bytes, size: int | None = None) -> None:
    """Append a raw row to ``name``'s RECORD; with ``size``, write the file it names with that
    many bytes (so only the size column lies)."""
    record = _meta(ctx, name) / "RECORD"
    record.write_bytes(record.read_bytes() + row + b"\n")
    if size is not None:
        ctx.write(str(SITE / row.split(b",")[0].decode()), b"#" * size)


def _fifo_in_record(ctx: Ctx) -> None:
    """An editable distribution whose RECORD lists a ``.pth`` file that is a FIFO."""
    ctx.fifo(str(SITE / "__editable__.fifopth-1.0.pth"))


def _elf_lie() -> bytes:
    """An ELF64 file of 8 kB whose section headers claim 1 TB of debug info."""
    names = b"\0.debug_info\0.shstrtab\0"
    shoff = 64
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<Q", header, 0x28, shoff)
    struct.pack_into("<HHH", header, 0x3A, 64, 3, 2)
    names_at = shoff + 3 * 64
    sections = [
        struct.pack("<IIQQQQ", 0, 0, 0, 0, 0, 0) + bytes(24),
        struct.pack("<IIQQQQ", 1, 1, 0, 0, names_at, 10**12) + bytes(24),
        struct.pack("<IIQQQQ", 13, 3, 0, 0, names_at, len(names)) + bytes(24),
    ]
    elf = bytes(header) + b"".join(sections) + names
    return elf + bytes(8192 - len(elf))  # over the size below which depsize reads no headers


def _lattice(levels: int) -> list[DistSpec]:
    """A diamond lattice: top requires a0 and b0; a_i and b_i each require a_{i+1} and b_{i+1};
    both of the last level require ``bottom``: 2**levels shortest paths from top to bottom."""
    specs = [_dist("top", requires=("a0", "b0"))]
    for i in range(levels):
        nxt = ("bottom",) if i == levels - 1 else (f"a{i + 1}", f"b{i + 1}")
        specs += [_dist(f"a{i}", requires=nxt), _dist(f"b{i}", requires=nxt)]
    return [*specs, _dist("bottom")]


def _chain(depth: int) -> list[DistSpec]:
    return [_dist(f"c{i}", requires=(f"c{i + 1}",) if i < depth - 1 else ()) for i in range(depth)]


def _lattice_project(ctx: Ctx) -> None:
    ctx.write("project/requirements.txt", "alpha\nunusedpkg\ntop\n")


def _chain_project(ctx: Ctx) -> None:
    ctx.write("project/requirements.txt", "alpha\nunusedpkg\nc0\n")


def _secret_outside(ctx: Ctx) -> None:
    ctx.write("outside/big.bin", b"\0" * 3_000_000)
    ctx.symlink(str(SITE / "escape" / "link"), ctx.root / "outside")


def _lib64(ctx: Ctx) -> None:
    ctx.symlink("env/lib64", "lib")


def _long_version(ctx: Ctx) -> None:
    """METADATA says a version of 5,000 digits (a folder name cannot hold it)."""
    ctx.write(
        str(SITE / "longver-1.0.dist-info" / "METADATA"),
        "Metadata-Version: 2.1\nName: longver\nVersion: 1." + "7" * 5000 + "\n\n",
    )
    ctx.write("project/requirements.txt", "alpha\nunusedpkg\nlongver\n")


def _unreadable_lib(ctx: Ctx) -> None:
    (ctx.root / "env" / "lib").chmod(0)


def _plant(root: Path, name: str) -> str:
    marker = json.dumps(str(root / "markers" / name))
    return f"import os; open({marker}, 'w').close()\n"


def _plant_site(ctx: Ctx) -> None:
    ctx.write(str(SITE / "sitecustomize.py"), _plant(ctx.root, "sitecustomize"))
    ctx.write(str(SITE / "usercustomize.py"), _plant(ctx.root, "usercustomize"))
    ctx.write("project/requirements.txt", "alpha\nunusedpkg\nplanted\n")


def _planted_python(ctx: Ctx) -> None:
    marker = ctx.marker("python")
    script = ctx.write("env/bin/python", f"#!/bin/sh\ntouch '{marker}'\n")
    script.chmod(0o755)
    ctx.symlink("env/bin/python3", "python")
    ctx.write("env/pyvenv.cfg", "home = /usr/bin\n")


def _undecodable_dist(ctx: Ctx) -> None:
    """A dist-info folder and METADATA Name with bytes that are not UTF-8."""
    folder = ctx.site / "bad\udcff-1.0.dist-info"
    folder.mkdir()
    (folder / "METADATA").write_bytes(b"Metadata-Version: 2.1\nName: bad\xffname\nVersion: 1.0\n\n")
    (folder / "RECORD").write_bytes(b"bad\xffmod.py,,6\n")
    (ctx.site / "bad\udcffmod.py").write_bytes(b"x = 1\n")


CASES = [
    # --- hangs ------------------------------------------------------------------------------
    Case(
        "env-fifo-egg-link",
        "hang",
        "env",
        "a FIFO named `*.egg-link` in site-packages",
        build=lambda ctx: ctx.fifo(str(SITE / "fifolink.egg-link")),
        mention="fifolink.egg-link",
    ),
    Case(
        "env-fifo-pth",
        "hang",
        "env",
        "a FIFO `.pth` file listed in an editable distribution's RECORD",
        dists=lambda root: [
            DistSpec(
                "fifopth",
                files={"__editable__.fifopth-1.0.pth": 10},
                direct_url={"url": "file:///nowhere", "dir_info": {"editable": True}},
            )
        ],
        build=_fifo_in_record,
    ),
    Case(
        "env-fifo-metadata",
        "hang",
        "env",
        "a FIFO where a dist-info `METADATA` is expected",
        dists=lambda root: [_dist("fifometa")],
        build=lambda ctx: ctx.fifo(str(SITE / "fifometa-1.0.dist-info" / "METADATA")),
        mention="fifometa-1.0.dist-info",
    ),
    Case(
        "env-fifo-record",
        "hang",
        "env",
        "a FIFO where a dist-info `RECORD` is expected",
        dists=lambda root: [_dist("fiforec")],
        build=lambda ctx: ctx.fifo(str(SITE / "fiforec-1.0.dist-info" / "RECORD")),
        mention="fiforec-1.0.dist-info",
    ),
    Case(
        "env-fifo-unowned",
        "hang",
        "env",
        "a FIFO among site-packages files no distribution lists",
        build=lambda ctx: ctx.fifo(str(SITE / "stray" / "pipe.py")),
    ),
    Case(
        "why-diamond-lattice",
        "hang",
        "env",
        "`why` over a 40-level diamond lattice (2^40 shortest paths)",
        dists=lambda root: _lattice(40),
        build=_lattice_project,
        why="bottom",
    ),
    # --- recursion --------------------------------------------------------------------------
    Case(
        "env-deep-direct-url",
        "recursion",
        "env",
        "`direct_url.json` nested 100,000 arrays deep",
        dists=lambda root: [_dist("deepurl")],
        build=lambda ctx: ctx.write(
            str(SITE / "deepurl-1.0.dist-info" / "direct_url.json"), "[" * DEEP + "]" * DEEP
        ),
        mention="direct_url.json",
    ),
    Case(
        "why-deep-chain",
        "recursion",
        "env",
        "`why` at the end of a 2,000-deep dependency chain",
        dists=lambda root: _chain(2000),
        build=_chain_project,
        why="c1999",
    ),
    Case(
        "env-editable-finder-deep",
        "recursion",
        "env",
        "an editable finder module nested 100,000 parentheses deep",
        dists=lambda root: [
            DistSpec(
                "deepfinder",
                contents={
                    "__editable___deepfinder_1_0_finder.py": (
                        b"MAPPING = " + b"(" * DEEP + b"1" + b")" * DEEP + b"\n"
                    )
                },
                direct_url={"url": "file:///nowhere", "dir_info": {"editable": True}},
            )
        ],
    ),
    # --- input at fault ---------------------------------------------------------------------
    Case(
        "record-nul-path",
        "input",
        "env",
        "a NUL byte in a RECORD path",
        dists=lambda root: [_dist("nulrec")],
        build=lambda ctx: _record_row(ctx, "nulrec", b"nulrec/a\0b.py,,10"),
        mention="nulrec-1.0.dist-info",
    ),
    Case(
        "record-size-5000-digits",
        "input",
        "env",
        "a RECORD size of 5,000 digits",
        dists=lambda root: [_dist("hugesize")],
        build=lambda ctx: _record_row(ctx, "hugesize", b"hugesize/big.py,," + b"9" * 5000, 10),
        mention="hugesize-1.0.dist-info",
    ),
    Case(
        "record-size-unicode-digit",
        "input",
        "env",
        "a RECORD size written with a Unicode digit (`²`)",
        dists=lambda root: [_dist("supsize")],
        build=lambda ctx: _record_row(ctx, "supsize", "supsize/x.py,,1²".encode(), 10),
        mention="supsize-1.0.dist-info",
    ),
    Case(
        "record-size-negative",
        "input",
        "env",
        "a negative RECORD size",
        dists=lambda root: [_dist("negsize")],
        build=lambda ctx: _record_row(ctx, "negsize", b"negsize/__init__.py,,-5000000"),
    ),
    Case(
        "version-5000-digits",
        "input",
        "env",
        "a distribution version of 5,000 digits",
        dists=lambda root: [_dist("longver")],
        build=_long_version,
        why="longver",
    ),
    Case(
        "entry-points-no-equals",
        "input",
        "env",
        "`entry_points.txt` lines without `=`",
        dists=lambda root: [
            _dist("badeps", entry_points="[console_scripts]\nbadeps\n[pytest11]\nnothing here\n")
        ],
        mention="entry_points.txt",
    ),
    Case(
        "direct-url-bad-ipv6",
        "input",
        "env",
        "an invalid IPv6 URL in `direct_url.json`",
        dists=lambda root: [
            _dist(
                "badurl",
                direct_url={"url": "file://[::1/src/badurl", "dir_info": {"editable": True}},
            )
        ],
        mention="direct_url.json",
    ),
    Case(
        "direct-url-wrong-types",
        "input",
        "env",
        "`direct_url.json` whose `url` is a list and `dir_info` a string",
        dists=lambda root: [_dist("typedurl", direct_url={"url": [1], "dir_info": "editable"})],
    ),
    Case(
        "metadata-not-utf8",
        "input",
        "env",
        "METADATA that is not UTF-8",
        dists=lambda root: [_dist("latinmeta")],
        build=lambda ctx: ctx.write(
            str(SITE / "latinmeta-1.0.dist-info" / "METADATA"),
            b"Metadata-Version: 2.1\nName: latinmeta\nVersion: 1.0\nSummary: caf\xe9 \xff\n\n",
        ),
    ),
    Case(
        "pyvenv-version-3",
        "input",
        "env",
        "`pyvenv.cfg` saying `version = 3`",
        build=lambda ctx: ctx.write("env/pyvenv.cfg", "home = /usr/bin\nversion = 3\n"),
    ),
    Case(
        "env-lib-unreadable",
        "input",
        "env",
        "an unreadable `env/lib` folder",
        build=_unreadable_lib,
        mention="lib",
        skip=skip_as_root,
    ),
    # --- output that cannot be printed ------------------------------------------------------
    Case(
        "dist-name-not-utf8",
        "output",
        "env",
        "a distribution whose name and folder are not valid UTF-8",
        build=_undecodable_dist,
        commands=("scan-o", "diff"),
    ),
    Case(
        "record-file-name-not-utf8",
        "output",
        "env",
        "a site-packages file whose name is not valid UTF-8",
        build=lambda ctx: ctx.write(str(SITE / "alpha") + "/m\udcff.py", b"x = 1\n"),
    ),
    # --- security ---------------------------------------------------------------------------
    Case(
        "dist-name-escape-sequences",
        "security",
        "env",
        "a distribution name and version carrying terminal escape sequences",
        dists=lambda root: [DistSpec("escname", files={"escname/__init__.py": 10})],
        build=lambda ctx: ctx.write(
            str(SITE / "escname-1.0.dist-info" / "METADATA"),
            "Metadata-Version: 2.1\nName: esc\x1b]0;pwned\x07name\x1b[31m\n"
            "Version: 1.0\x1b[2J\x1b[H\nSummary: \x1b[5mblink\n\n",
        ),
        commands=("scan-o", "diff"),
    ),
    Case(
        "record-through-symlink-out",
        "security",
        "env",
        "a RECORD path going through a symlink out of the env (3 MB behind it)",
        dists=lambda root: [
            DistSpec(
                "escape",
                files={"escape/__init__.py": 10},
                extra_record_rows=("escape/link/big.bin",),
            )
        ],
        build=_secret_outside,
    ),
    # --- lying data -------------------------------------------------------------------------
    Case(
        "elf-debug-lie",
        "lying",
        "env",
        "an ELF whose section headers claim 1 TB of debug info in an 8 kB file",
        dists=lambda root: [
            DistSpec("liar", contents={"liar/_native.so": _elf_lie()}, top_level=("liar",))
        ],
    ),
    Case(
        "record-lib64-double-count",
        "lying",
        "env",
        "a RECORD naming another distribution's files through `lib64 -> lib`",
        dists=lambda root: [
            DistSpec(
                "doubler",
                files={"doubler/__init__.py": 10},
                extra_record_rows=(
                    "../../../lib64/python3.11/site-packages/alpha/__init__.py",
                    "../../../lib64/python3.11/site-packages/unusedpkg/__init__.py",
                ),
            )
        ],
        build=_lib64,
    ),
    # --- nothing executed -------------------------------------------------------------------
    Case(
        "env-pth-exec",
        "executed",
        "env",
        "a `.pth` exec line, `sitecustomize.py` and a package `__init__.py` that write a marker",
        dists=lambda root: [
            DistSpec(
                "planted",
                contents={
                    "planted.pth": _plant(root, "pth").encode(),
                    "planted/__init__.py": _plant(root, "init").encode(),
                },
                top_level=("planted",),
            )
        ],
        build=_plant_site,
        markers=("pth", "init", "sitecustomize", "usercustomize"),
    ),
    Case(
        "env-python-planted",
        "executed",
        "env",
        "an env whose `bin/python` is a script writing a marker and whose `pyvenv.cfg` has no "
        "version",
        build=_planted_python,
        markers=("python",),
    ),
]
