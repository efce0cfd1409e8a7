"""Environment discovery from files, in the order DESIGN §1 gives."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from depsize.env.discover import discover, from_python, from_site_packages
from depsize.errors import EnvironmentNotFoundError
from support.site_packages import make_site_packages


def _venv(root: Path, python: str = "3.9.18") -> Path:
    return make_site_packages(root, [], python=python).prefix


def test_discover__project_dot_venv__found_with_version(tmp_path: Path) -> None:
    built = make_site_packages(tmp_path / "p", [], python="3.9.18")
    built.prefix.rename(tmp_path / "p" / ".venv")
    env = discover(tmp_path / "p", environ={"PATH": ""})
    assert env.prefix == tmp_path / "p" / ".venv"
    assert env.python_version == "3.9.18"
    assert env.how_found == "the project's .venv"
    assert env.python_minor == (3, 9)


def test_discover__outside_virtual_env__project_venv_wins_with_a_note(tmp_path: Path) -> None:
    other = _venv(tmp_path / "other", "3.12.1")
    project = tmp_path / "p"
    built = make_site_packages(project, [], python="3.9.18")
    built.prefix.rename(project / ".venv")
    env = discover(project, environ={"VIRTUAL_ENV": str(other), "CONDA_PREFIX": "/nope"})
    assert env.prefix == project / ".venv"
    assert env.note is not None
    assert f"$VIRTUAL_ENV={other} lies outside the project" in env.note


def test_discover__virtual_env_inside_project__wins_over_project_venv(tmp_path: Path) -> None:
    project = tmp_path / "p"
    inner = _venv(project / "envs" / "py312", "3.12.1")
    built = make_site_packages(project, [], python="3.9.18")
    built.prefix.rename(project / ".venv")
    env = discover(project, environ={"VIRTUAL_ENV": str(inner)})
    assert env.prefix == inner
    assert env.python_version == "3.12.1"


def test_discover__outside_virtual_env_and_no_project_venv__virtual_env(tmp_path: Path) -> None:
    other = _venv(tmp_path / "other", "3.12.1")
    env = discover(tmp_path / "p", environ={"VIRTUAL_ENV": str(other)})
    assert env.prefix == other
    assert env.how_found == "$VIRTUAL_ENV"


def test_discover__conda_prefix__version_from_lib_folder(tmp_path: Path) -> None:
    prefix = tmp_path / "conda"
    (prefix / "conda-meta").mkdir(parents=True)
    (prefix / "lib" / "python3.10" / "site-packages").mkdir(parents=True)
    env = discover(tmp_path, environ={"CONDA_PREFIX": str(prefix)})
    assert env.python_version == "3.10"
    assert env.site_packages == (prefix / "lib" / "python3.10" / "site-packages",)


def test_discover__python_in_venv__read_from_files_not_run(tmp_path: Path) -> None:
    prefix = _venv(tmp_path)
    (prefix / "bin").mkdir()
    python = prefix / "bin" / "python"
    python.write_text("#!/bin/sh\nexit 1\n")  # not executable, and would fail if run
    env = from_python(python)
    assert env.prefix == prefix
    assert env.interpreter == python


def test_discover__site_packages_only__version_from_path(tmp_path: Path) -> None:
    site = tmp_path / "x" / "lib" / "python3.8" / "site-packages"
    site.mkdir(parents=True)
    env = from_site_packages([site])
    assert env.python_version == "3.8"
    assert env.marker_environment()["python_version"] == "3.8"


def test_discover__site_packages_unknown_layout__version_from_bytecode(tmp_path: Path) -> None:
    site = tmp_path / "sp"
    (site / "pkg" / "__pycache__").mkdir(parents=True)
    (site / "pkg" / "__pycache__" / "m.cpython-37.pyc").write_bytes(b"")
    assert from_site_packages([site]).python_version == "3.7"


def test_discover__not_an_environment__says_what_was_looked_for(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentNotFoundError, match=r"lib/pythonX\.Y/site-packages.*--env"):
        discover(tmp_path, env_dir=tmp_path)


def test_discover__missing_folder__clear_error(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentNotFoundError, match="no such folder"):
        discover(tmp_path, site_packages=[tmp_path / "missing"])


def test_discover__nothing_found__error_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentNotFoundError) as caught:
        discover(tmp_path, environ={"PATH": str(tmp_path)})
    message = str(caught.value)
    assert "$VIRTUAL_ENV (not set)" in message
    assert f".venv, venv, env folders with a pyvenv.cfg in {tmp_path}" in message
    assert "--python python3" in message


def test_discover__python3_on_path__never_a_silent_fallback(tmp_path: Path) -> None:
    prefix = _venv(tmp_path / "sys", "3.11.2")
    (prefix / "bin").mkdir()
    (prefix / "bin" / "python3").write_text("#!/bin/sh\nexit 1\n")
    (prefix / "bin" / "python3").chmod(0o755)
    with pytest.raises(EnvironmentNotFoundError, match="--python python3"):
        discover(tmp_path / "p", environ={"PATH": str(prefix / "bin")})


def test_discover__explicit_bare_python3__found_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = _venv(tmp_path / "sys", "3.11.2")
    (prefix / "bin").mkdir()
    (prefix / "bin" / "python3").write_text("#!/bin/sh\nexit 1\n")
    (prefix / "bin" / "python3").chmod(0o755)  # found on PATH; its pyvenv.cfg answers
    monkeypatch.setenv("PATH", str(prefix / "bin"))
    monkeypatch.chdir(tmp_path)
    env = discover(tmp_path, python=Path("python3"))
    assert env.prefix == prefix
    assert env.python_version == "3.11.2"


def test_discover__virtual_env_is_depsizes_own__project_venv_wins(tmp_path: Path) -> None:
    project = tmp_path / "p"
    built = make_site_packages(project, [], python="3.9.18")
    built.prefix.rename(project / ".venv")
    env = discover(project, environ={"VIRTUAL_ENV": sys.prefix})
    assert env.prefix == project / ".venv"


def test_discover__only_depsizes_own_env__refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentNotFoundError) as caught:
        discover(tmp_path, environ={"VIRTUAL_ENV": sys.prefix})
    assert f"$VIRTUAL_ENV={sys.prefix} (the environment depsize itself runs in" in str(caught.value)


def _installation(root: Path, version: str) -> Path:
    """A pyenv/python.org-style prefix whose interpreter would fail if it were run."""
    (root / "lib" / f"python{version}" / "site-packages").mkdir(parents=True)
    (root / "bin").mkdir()
    real = root / "bin" / f"python{version}"
    real.write_text("#!/bin/sh\nexit 1\n")
    (root / "bin" / "python").symlink_to(real.name)
    return root / "bin" / "python"


def test_discover__installation_layout__read_from_files_not_run(tmp_path: Path) -> None:
    python = _installation(tmp_path / "inst", "3.9")
    env = from_python(python)
    assert env.python_version == "3.9"
    assert env.site_packages == (tmp_path / "inst" / "lib" / "python3.9" / "site-packages",)


def test_discover__python2_installation__clear_error(tmp_path: Path) -> None:
    python = _installation(tmp_path / "old", "2.7")
    with pytest.raises(EnvironmentNotFoundError, match=r"Python 2\.7: depsize scans Python 3"):
        from_python(python)
