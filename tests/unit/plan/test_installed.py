"""What pip writes, as computed from a listing; the venv test checks the same against pip."""

from __future__ import annotations

from depsize.plan.installed import (
    BYTECODE_PER_FILE,
    console_scripts,
    installed_files,
    shebang,
)
from depsize.plan.model import WheelListing

RECORD = (
    "x/__init__.py,sha256=abc,10\nx-1.dist-info/METADATA,sha256=def,20\nx-1.dist-info/RECORD,,\n"
)


def _listing(
    members: tuple[tuple[str, int], ...] = (
        ("x/__init__.py", 10),
        ("x-1.dist-info/METADATA", 20),
        ("x-1.dist-info/RECORD", len(RECORD)),
    ),
    record: str = RECORD,
    python_shebangs: tuple[tuple[str, int], ...] = (),
) -> WheelListing:
    return WheelListing(
        filename="x-1-py3-none-any.whl",
        members=members,
        metadata="Name: x\nVersion: 1\n\n",
        record=record,
        python_shebangs=python_shebangs,
    )


def test_installed_files__plain_wheel__installer_files_and_crlf_record() -> None:
    done = installed_files(_listing(), "x", interpreter="/usr/bin/python3", python_minor="3.11")
    files = dict(done.files)
    assert files["x/__init__.py"] == 10
    assert files["x-1.dist-info/INSTALLER"] == 4
    assert files["x-1.dist-info/REQUESTED"] == 0
    hash_row = len(",sha256=") + 43 + len(",0\r\n")
    expected_record = (
        len(RECORD)
        + 3  # each kept row ends \r\n instead of \n
        + len("x-1.dist-info/INSTALLER") + hash_row
        + len("x-1.dist-info/REQUESTED") + hash_row
    )  # fmt: skip
    assert files["x-1.dist-info/RECORD"] == expected_record
    assert done.installer_bytes == 4 + expected_record


def test_installed_files__not_requested__no_requested_file() -> None:
    done = installed_files(_listing(), "x", interpreter="/p", python_minor="3.11", requested=False)
    assert "x-1.dist-info/REQUESTED" not in dict(done.files)


def test_installed_files__data_scheme__where_pip_puts_each_part() -> None:
    members = (
        ("x-1.data/purelib/x_extra.py", 5),
        ("x-1.data/scripts/tool", 30),
        ("x-1.data/headers/x.h", 7),
        ("x-1.data/data/share/x.txt", 9),
        ("x-1.dist-info/METADATA", 20),
    )
    done = installed_files(
        _listing(members=members, record="", python_shebangs=(("x-1.data/scripts/tool", 9),)),
        "x",
        interpreter="/venv/bin/python",
        python_minor="3.12",
    )
    files = dict(done.files)
    assert files["x_extra.py"] == 5
    assert files["../../../bin/tool"] == 30 - 9 + len("#!/venv/bin/python\n")
    assert files["../../../include/site/python3.12/x/x.h"] == 7
    assert files["../../../share/x.txt"] == 9


def test_console_scripts__template_and_long_shebang() -> None:
    scripts = console_scripts("[console_scripts]\ntool = pkg.cli:main.run [extra]\n")
    text = scripts["tool"].decode()
    assert "from pkg.cli import main\n" in text
    assert "sys.exit(main.run())" in text
    assert shebang("/short/python") == b"#!/short/python\n"
    long_path = "/" + "x" * 130 + "/python"
    assert shebang(long_path).startswith(b"#!/bin/sh\n'''exec' /")


def test_bytecode_estimate__only_site_packages_sources() -> None:
    from depsize.plan.installed import bytecode_estimate

    files = (("a.py", 1000), ("pkg/b.py", 0), ("../../../bin/tool", 50), ("data.bin", 99))
    estimate = bytecode_estimate(files, "cpython-311")
    assert estimate > 2 * BYTECODE_PER_FILE
    assert estimate < 2 * BYTECODE_PER_FILE + 1100 + 2 * 120
