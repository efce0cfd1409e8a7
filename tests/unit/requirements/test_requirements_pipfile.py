"""Pipfile: packages, dev-packages, categories; exact lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from depsize.errors import InputError
from depsize.requirements.model import DeclaredRequirement
from depsize.requirements.pipfile import pipfile_parts, read_pipfile
from depsize.requirements.targets import TargetError

Write = Callable[[str, str | bytes], Path]


def test_pipfile__fixture__names_groups_and_lines(project: Callable[[str], Path]) -> None:
    result = read_pipfile(project("pipfile") / "Pipfile")
    found = [(r.name, r.specifier, r.group, r.group_kind, r.line) for r in result.requirements]
    assert found == [
        ("flask", "", "main", "main", 7),
        ("requests", "==2.31.0", "main", "main", 8),
        ("jinja2", ">=3.1", "main", "main", 9),
        ("pywinusb", "", "main", "main", 10),
        ("mylib", "", "main", "main", 11),
        ("tools", "", "main", "main", 12),
        ("pytest", ">=8.0", "dev", "group", 15),
        ("black", "", "dev", "group", 16),
    ]


def test_pipfile__tables__extras_markers_editable_git(project: Callable[[str], Path]) -> None:
    reqs: dict[str, DeclaredRequirement]
    reqs = {r.name: r for r in read_pipfile(project("pipfile") / "Pipfile").requirements}
    assert reqs["jinja2"].extras == {"i18n"}
    assert reqs["pywinusb"].marker == 'sys_platform == "win32"'
    assert (reqs["mylib"].editable, reqs["mylib"].local_path) == (True, "./mylib")
    assert reqs["tools"].url == "git+https://github.com/org/tools.git@v1.0"
    assert reqs["black"].marker == 'python_version >= "3.9"'


def test_pipfile__custom_category_and_bad_entry__group_and_warning(write: Write) -> None:
    path = write("Pipfile", '[docs]\nmkdocs = "1.5"\nbad = ">>>1"\n[scripts]\nx = "y"\n')
    result = read_pipfile(path)
    assert [(r.name, r.specifier, r.group) for r in result.requirements] == [
        ("mkdocs", "==1.5", "docs")
    ]
    assert result.warnings[0].line == 3


def test_pipfile_parts__file_entries__url_or_path() -> None:
    assert pipfile_parts("a", {"file": "https://x/a.zip"}).url == "https://x/a.zip"
    assert pipfile_parts("b", {"file": "./b.whl"}).local_path == "./b.whl"
    with pytest.raises(TargetError):
        pipfile_parts("c", ["x"])
    with pytest.raises(TargetError):
        pipfile_parts("c", {"markers": "nonsense here"})


def test_pipfile__invalid_toml__input_error_with_line(write: Write) -> None:
    path = write("Pipfile", "[packages]\nflask = \n")
    with pytest.raises(InputError) as info:
        read_pipfile(path)
    assert info.value.line == 2
