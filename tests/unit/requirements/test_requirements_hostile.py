"""Requirement files built to hurt: includes that leave the project or cannot be read, include
lattices and chains, values of the wrong type, nesting deeper than the parser recurses."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from depsize.errors import IncludeCycleError, InputError
from depsize.requirements import load_declared
from depsize.requirements.pyproject import read_pyproject
from depsize.requirements.setup_cfg import read_setup_cfg
from depsize.requirements.txt import RequirementsReader

Write = Callable[[str, str | bytes], Path]


def _messages(project: Path) -> list[str]:
    return [f"{w.line}: {w.message}" for w in load_declared(project, environ={}).warnings]


# -- includes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside.txt", "../sibling/x.txt"])
def test_include__outside_project__warning_naming_line_content_never_read(
    tmp_path: Path, target: str
) -> None:
    project = tmp_path / "a" / "project"
    project.mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("leaked-outside\n")
    (tmp_path / "a" / "sibling").mkdir()
    (tmp_path / "a" / "sibling" / "x.txt").write_text("leaked-sibling\n")
    (project / "requirements.txt").write_text(f"flask\n-r {target}\n")
    declared = load_declared(project, environ={})
    assert [r.name for r in declared.requirements] == ["flask"]
    (warning,) = declared.warnings
    assert warning.line == 2
    assert warning.file == project / "requirements.txt"
    assert f"-r {target} names a file outside the project folder; not read" in warning.message
    assert "leaked" not in repr(declared)


def test_include__symlink_out_of_project__not_followed_unless_allowed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shared = tmp_path / "shared"
    project.mkdir()
    shared.mkdir()
    (shared / "base.txt").write_text("six\n")
    (project / "base.txt").symlink_to(shared / "base.txt")
    (project / "requirements.txt").write_text("flask\n-c base.txt\n")
    assert "outside the project folder" in _messages(project)[0]
    allowed = load_declared(project, environ={}, allow_outside=[shared])
    assert allowed.warnings == ()
    assert [r.name for r in allowed.constraints] == ["six"]


def test_include__symlink_loop__warning_and_the_rest_is_read(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "loop-a.txt").symlink_to(project / "loop-b.txt")
    (project / "loop-b.txt").symlink_to(project / "loop-a.txt")
    (project / "requirements.txt").write_text("-r loop-a.txt\nflask\n")
    declared = load_declared(project, environ={})
    assert [r.name for r in declared.requirements] == ["flask"]
    (warning,) = declared.warnings
    assert warning.line == 1
    assert "loop-a.txt" in warning.message
    assert "include skipped" in warning.message


def test_include__dev_zero_allowed__not_a_regular_file_warning(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r /dev/zero\nflask\n")
    declared = load_declared(tmp_path, environ={}, allow_outside=[Path("/dev")])
    assert [r.name for r in declared.requirements] == ["flask"]
    (warning,) = declared.warnings
    assert "/dev/zero: not a regular file (a character device)" in warning.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_include__fifo__warning_never_blocks(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "requirements.txt").write_text("-r pipe.txt\nflask\n")
    started = time.monotonic()
    messages = _messages(tmp_path)
    assert time.monotonic() - started < 5
    assert len(messages) == 1
    assert "not a regular file (a FIFO)" in messages[0]


def test_include__folder__warning(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "requirements.txt").write_text("flask\n-r sub\n")
    (message,) = _messages(tmp_path)
    assert message.startswith("2: ")
    assert "not a regular file (a folder)" in message


def test_include__nul_byte_in_path__warning(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes(b"flask\n-r base\x00.txt\n")
    (message,) = _messages(tmp_path)
    assert message == "2: -r names a path with a NUL byte; not read"


def test_include__over_the_size_cap__warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPSIZE_MAX_FILE_BYTES", "100")
    (tmp_path / "big.txt").write_text("six\n" * 100)
    (tmp_path / "requirements.txt").write_text("flask\n-r big.txt\n")
    (message,) = _messages(tmp_path)
    assert "over the 100-byte read limit" in message


def test_include__no_project_given__followed_anywhere(tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("six\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "requirements.txt").write_text("-r ../base.txt\n")
    reader = RequirementsReader({})
    reader.read(tmp_path / "sub" / "requirements.txt")
    assert [r.name for r in reader.requirements] == ["six"]


def test_setup_cfg__file_outside_project__warning_not_read(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("leaked\n")
    (tmp_path / "project").mkdir()
    path = tmp_path / "project" / "setup.cfg"
    path.write_text("[options]\ninstall_requires = file: ../secret.txt\n")
    result = read_setup_cfg(path)
    assert result.requirements == ()
    (warning,) = result.warnings
    assert "outside the project folder; not read" in warning.message
    assert warning.line == 2


# -- PEP 735 dependency groups --------------------------------------------------------------------


def _groups_file(write: Write, groups: dict[str, list[str]], members: int = 1) -> Path:
    lines = ["[dependency-groups]"]
    for name, includes in groups.items():
        items = [f'{{include-group = "{g}"}}' for g in includes]
        items += [f'"pkg-{name}-{n}"' for n in range(members)]
        lines.append(f"{name} = [{', '.join(items)}]")
    return write("pyproject.toml", "\n".join(lines) + "\n")


def test_dependency_groups__wide_lattice__linear_time(write: Write) -> None:
    # Each of 40 layers holds 2 groups that both include both groups of the layer below:
    # 2**40 include paths from the top, 80 groups.
    groups: dict[str, list[str]] = {"l0a": [], "l0b": []}
    for layer in range(1, 40):
        below = [f"l{layer - 1}a", f"l{layer - 1}b"]
        groups[f"l{layer}a"] = below
        groups[f"l{layer}b"] = below
    path = _groups_file(write, groups)
    started = time.monotonic()
    result = read_pyproject(path)
    declared = load_declared(path.parent, [path], environ={})
    everything = declared.in_groups(frozenset({"l39a"}))
    assert time.monotonic() - started < 10
    assert len(result.requirements) == 80
    assert len(everything) == 79  # all but l39b's own


def test_dependency_groups__chain_of_thousands__no_recursion_error(write: Write) -> None:
    groups = {f"g{n}": ([f"g{n + 1}"] if n < 4999 else []) for n in range(5000)}
    path = _groups_file(write, groups, members=0)
    result = read_pyproject(path)
    assert len(result.group_includes) == 4999


def test_dependency_groups__cycle__error_naming_it(write: Write) -> None:
    path = _groups_file(write, {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]})
    with pytest.raises(IncludeCycleError, match=r"cycle: a -> b -> c -> a") as info:
        read_pyproject(path)
    assert info.value.path == path


# -- wrong types ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('project = "x"\n', "project should be a table, not str"),
        ("[project]\ndependencies = 3\n", "project.dependencies should be an array"),
        ("[project]\ndependencies = [1, 'six']\n", "not a requirement string"),
        ("[project]\noptional-dependencies = 5\n", "optional-dependencies should be a table"),
        ("[project.optional-dependencies]\nx = 'six'\n", "should be an array"),
        ('dependency-groups = "dev"\n', "dependency-groups should be a table, not str"),
        ("[dependency-groups]\ndev = [{include-group = 5}, 'six']\n", "include-group should name"),
        ('tool = {uv = "x"}\n', "tool.uv should be a table, not str"),
        ("[tool.uv]\ndev-dependencies = {a = 1}\n", "should be an array"),
        ("[tool.poetry]\ndependencies = 'six'\n", None),
        ("[tool.poetry.dependencies]\nsix = 5\n", "cannot read 'six'"),
        ("[tool.poetry.dependencies]\nsix = [1, {version = 2}]\n", "cannot read 'six'"),
        ("[tool.poetry.dependencies]\nsix = {extras = 'x', python = 3}\n", None),
        ("[tool.poetry.group]\ndev = 'x'\n", None),
        ("[tool.poetry.group.dev]\ndependencies = [1]\n", None),
        ("[tool.poetry.extras]\nx = 'six'\n", None),
    ],
)
def test_pyproject__wrong_types__warnings_never_crash(
    write: Write, text: str, expected: str | None
) -> None:
    result = read_pyproject(write("pyproject.toml", text))
    messages = " | ".join(w.message for w in result.warnings)
    if expected is not None:
        assert expected in messages
        assert all(w.file is not None for w in result.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
        "x = " + "{a = " * 50_000 + "1" + "}" * 50_000 + "\n",
        "[project]\ndependencies = " + "[" * 5000 + "]" * 5000 + "\n",
    ],
)
def test_pyproject__nested_deeper_than_the_parser_recurses__input_error(
    write: Write, text: str
) -> None:
    path = write("pyproject.toml", text)
    with pytest.raises(InputError, match="invalid TOML") as info:
        read_pyproject(path)
    assert info.value.path == path


@pytest.mark.parametrize(
    "text",
    [
        "[options]\ninstall_requires =\n\tsix\n  [x]\n",
        "[options]\ninstall_requires = file:\n",
        "[options]\ninstall_requires = file: missing.txt\n",
        "[options.extras_require]\n= six\n",
        "[options]\ninstall_requires\n",
        "\ufeff[options]\ninstall_requires = six; flask\n",
        "[options]\ninstall_requires = file: sub\n",
    ],
)
def test_setup_cfg__oddities__requirements_warnings_or_input_error(write: Write, text: str) -> None:
    path = write("setup.cfg", text)
    (path.parent / "sub").mkdir(exist_ok=True)
    try:
        result = read_setup_cfg(path)
    except InputError as exc:
        failed: InputError | None = exc
    else:
        failed = None
        assert all(r.source.is_relative_to(path.parent) for r in result.requirements)
    assert failed is None or failed.path == path


def test_load_declared__manifest_is_a_symlink_loop__input_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").symlink_to(tmp_path / "pyproject.toml")
    with pytest.raises(InputError, match="cannot read") as info:
        load_declared(tmp_path, [tmp_path / "pyproject.toml"], environ={})
    assert info.value.path == tmp_path / "pyproject.toml"
