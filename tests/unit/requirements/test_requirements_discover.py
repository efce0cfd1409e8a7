"""Auto-detection and explicit files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from depsize.requirements import find_sources, load_declared

Write = Callable[[str, str | bytes], Path]


def test_find_sources__every_kind__main_requirements_first(write: Write, tmp_path: Path) -> None:
    for name in [
        "requirements-dev.txt",
        "requirements.txt",
        "test-requirements.txt",
        "requirements/prod.txt",
        "requirements/constraints.txt",
        "pyproject.toml",
        "setup.cfg",
        "Pipfile",
        "notes.txt",
    ]:
        write(name, "")
    found = [p.relative_to(tmp_path).as_posix() for p in find_sources(tmp_path)]
    assert found == [
        "requirements.txt",
        "requirements/prod.txt",
        "requirements-dev.txt",
        "test-requirements.txt",
        "pyproject.toml",
        "setup.cfg",
        "Pipfile",
    ]


def test_load_declared__requirements_and_pyproject__both_read(
    project: Callable[[str], Path],
) -> None:
    folder = project("mixed")
    declared = load_declared(folder)
    assert [(r.name, r.source.name, r.line) for r in declared.requirements] == [
        ("fastapi", "requirements.txt", 1),
        ("fastapi", "pyproject.toml", 4),
        ("uvicorn", "pyproject.toml", 4),
    ]
    assert [s.format for s in declared.sources] == ["requirements", "pyproject.toml"]
    assert declared.groups == ("main",)


def test_load_declared__explicit_files__replace_auto_detection(
    project: Callable[[str], Path],
) -> None:
    folder = project("mixed")
    declared = load_declared(folder, [folder / "pyproject.toml"])
    assert [r.source.name for r in declared.requirements] == ["pyproject.toml"] * 2


def test_load_declared__every_manifest__dispatched(project: Callable[[str], Path]) -> None:
    files = [
        project("setup_cfg") / "setup.cfg",
        project("pipfile") / "Pipfile",
        project("poetry") / "pyproject.toml",
    ]
    declared = load_declared(files[0].parent, files)
    assert [s.format for s in declared.sources] == ["setup.cfg", "Pipfile", "pyproject.toml"]
    assert len(declared.requirements) == 6 + 8 + 15


def test_load_declared__empty_project__empty_set(tmp_path: Path) -> None:
    declared = load_declared(tmp_path)
    assert (declared.requirements, declared.sources, declared.warnings) == ((), (), ())


def test_load_declared__same_file_twice__read_once(write: Write) -> None:
    path = write("r.txt", "flask\n")
    declared = load_declared(path.parent, [path, path])
    assert len(declared.requirements) == 1
    assert declared.requirements_file(path) is not None
    assert declared.requirements_file(path.parent / "other.txt") is None
