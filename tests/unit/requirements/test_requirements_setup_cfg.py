"""setup.cfg: install_requires and extras_require with exact lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from depsize.errors import InputError
from depsize.requirements.setup_cfg import read_setup_cfg

Write = Callable[[str, str | bytes], Path]


def test_setup_cfg__fixture__names_groups_markers_and_lines(
    project: Callable[[str], Path],
) -> None:
    result = read_setup_cfg(project("setup_cfg") / "setup.cfg")
    found = [(r.name, r.group, r.group_kind, r.line, r.marker) for r in result.requirements]
    assert found == [
        ("requests", "main", "main", 8, None),
        ("importlib-metadata", "main", "main", 10, 'python_version < "3.10"'),
        ("pyyaml", "main", "main", 12, None),
        ("pytest", "test", "extra", 17, None),
        ("boto3", "s3", "extra", 18, None),
        ("s3fs", "s3", "extra", 18, None),
    ]
    assert result.source.format == "setup.cfg"


def test_setup_cfg__single_line_value__split_on_semicolons(write: Write) -> None:
    path = write("setup.cfg", "[options]\ninstall_requires = a>=1; b\n")
    assert [(r.name, r.line) for r in read_setup_cfg(path).requirements] == [("a", 2), ("b", 2)]


def test_setup_cfg__bad_line__warning_rest_read(write: Write) -> None:
    path = write("setup.cfg", "[options]\ninstall_requires =\n    a\n    b c\n    d\n")
    result = read_setup_cfg(path)
    assert [r.name for r in result.requirements] == ["a", "d"]
    assert (result.warnings[0].line, result.warnings[0].file) == (4, path)


def test_setup_cfg__file_directive__reads_named_file(write: Write) -> None:
    write("reqs.in", "# pinned\nrich>=13  # why\n")
    path = write("setup.cfg", "[options]\ninstall_requires = file: reqs.in\n")
    (req,) = read_setup_cfg(path).requirements
    assert (req.name, req.source.name, req.line, req.specifier) == ("rich", "reqs.in", 2, ">=13")


def test_setup_cfg__file_directive_missing__input_error(write: Write) -> None:
    path = write("setup.cfg", "[options]\ninstall_requires = file: nope.in\n")
    with pytest.raises(InputError) as info:
        read_setup_cfg(path)
    assert (info.value.path, info.value.line) == (path, 2)


def test_setup_cfg__missing_file__input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_setup_cfg(tmp_path / "setup.cfg")
