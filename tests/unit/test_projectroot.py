"""The project root from a subfolder, and a folder given as the project that is an env."""

from __future__ import annotations

from pathlib import Path

import pytest

from depsize.projectroot import find_project_root, is_environment


@pytest.mark.parametrize(
    "marker", ["pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "requirements-prod.txt"]
)
def test_find_project_root__marker_two_levels_up__that_folder(tmp_path: Path, marker: str) -> None:
    (tmp_path / "p" / "src" / "app").mkdir(parents=True)
    (tmp_path / "p" / marker).write_text("")
    root = find_project_root(tmp_path / "p" / "src" / "app")
    assert root.path == (tmp_path / "p").resolve()
    assert root.marker == marker


def test_find_project_root__nearest_marker_wins_over_git_above(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "svc" / "pkg").mkdir(parents=True)
    (tmp_path / "svc" / "pyproject.toml").write_text("")
    assert find_project_root(tmp_path / "svc" / "pkg").path == (tmp_path / "svc").resolve()


def test_find_project_root__only_git_above__the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git is a file
    (tmp_path / "a" / "b").mkdir(parents=True)
    root = find_project_root(tmp_path / "a" / "b")
    assert (root.path, root.marker) == (tmp_path.resolve(), ".git")


def test_find_project_root__folder_itself_marked__itself(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("six\n")
    assert find_project_root(tmp_path).path == tmp_path.resolve()


def test_is_environment__venv_conda_and_plain_folder(tmp_path: Path) -> None:
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "conda" / "conda-meta").mkdir(parents=True)
    (tmp_path / "plain").mkdir()
    assert is_environment(tmp_path / "venv")
    assert is_environment(tmp_path / "conda")
    assert not is_environment(tmp_path / "plain")
