"""The project's command files come from the same walk as its sources, by os.walk's rules."""

from __future__ import annotations

import os
from pathlib import Path

from depsize.imports.commands import command_files, is_project_command_file
from depsize.imports.files import SKIP_DIRS, SideFiles, iter_source_files


def _write(root: Path, rel: str, text: str = "x\n") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _os_walk_commands(root: Path) -> list[Path]:
    """The rule the command files follow, written with ``os.walk`` as a reference."""
    found = []
    for folder, dirs, names in os.walk(root):
        rel = folder[len(str(root)) + 1 :]
        parts = tuple(rel.split(os.sep)) if rel else ()
        dirs[:] = sorted(
            d for d in dirs if d not in SKIP_DIRS and not Path(folder, d, "pyvenv.cfg").exists()
        )
        found += [Path(folder, n) for n in sorted(names) if is_project_command_file(parts, n)]
    return found


def _tree(root: Path) -> None:
    for rel in [
        "Procfile",
        "app/main.py",
        "app/Dockerfile",
        "deploy/k8s/compose.yml",
        "deploy/k8s/deep/Makefile",  # three levels down: not a command file
        "deploy/k8s/deep/er/run.sh",  # a shell script at any depth
        ".github/workflows/ci.yml",
        "ignored/Makefile",  # .gitignore'd and excluded: no sources, still a command file
        "ignored/skip.py",
        "pkg.egg-info/Makefile",  # egg-info: no sources, still walked for commands
        "myenv/pyvenv.cfg",
        "myenv/Makefile",  # a venv: neither
        "node_modules/Makefile",
        "zreal/Procfile",  # reached first through the symlink "alias" for sources
        "zreal/mod.py",
    ]:
        _write(root, rel)
    _write(root, ".gitignore", "ignored/\n")
    (root / "alias").symlink_to(root / "zreal", target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "Makefile.link").symlink_to(root / "Procfile")  # not a command file name


def test_side_files__tricky_tree__same_as_os_walk(tmp_path: Path) -> None:
    _tree(tmp_path)
    side = SideFiles(is_project_command_file)

    sources = list(iter_source_files(tmp_path, ("ignored",), side=side))

    assert [p.relative_to(tmp_path).as_posix() for p in sources] == ["alias/mod.py", "app/main.py"]
    assert side.found == _os_walk_commands(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in side.found] == [
        "Procfile",  # the root's files first, then each folder in turn (os.walk's order)
        ".github/workflows/ci.yml",
        "app/Dockerfile",
        "deploy/k8s/compose.yml",
        "deploy/k8s/deep/er/run.sh",
        "ignored/Makefile",
        "pkg.egg-info/Makefile",
        "zreal/Procfile",
    ]


def test_command_files__no_walk_given__walks_alone_by_the_same_rules(tmp_path: Path) -> None:
    _tree(tmp_path)
    side = SideFiles(is_project_command_file)
    list(iter_source_files(tmp_path, side=side))

    assert list(command_files(tmp_path)) == side.found == _os_walk_commands(tmp_path)
    assert list(command_files(tmp_path, walked=side.found[:1])) == side.found[:1]


def test_side_files__unlistable_subfolder__skipped_quietly(tmp_path: Path) -> None:
    _write(tmp_path, "Procfile")
    _write(tmp_path, "locked/Makefile")
    (tmp_path / "locked").chmod(0)
    try:
        found = list(command_files(tmp_path))
    finally:
        (tmp_path / "locked").chmod(0o755)
    if os.geteuid() == 0:  # root lists any folder
        assert found == [tmp_path / "Procfile", tmp_path / "locked" / "Makefile"]
    else:
        assert found == [tmp_path / "Procfile"]
