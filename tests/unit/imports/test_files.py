"""Which files the import stage reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from depsize.imports.files import iter_source_files
from depsize.models import ScanWarning


def _write(root: Path, rel: str, text: str = "import os\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _rel(root: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    return [p.relative_to(root).as_posix() for p in iter_source_files(root, exclude)]


def test_files__skipped_folders__never_listed(tmp_path: Path) -> None:
    for rel in [
        "pkg/mod.py",
        ".git/hooks/x.py",
        "build/lib/x.py",
        "dist/x.py",
        ".tox/py/x.py",
        "node_modules/x.py",
        "pkg/__pycache__/x.py",
        "lib/site-packages/x.py",
        "pkg.egg-info/x.py",
        "myenv/lib/x.py",
        "notes.txt",
        "nb.ipynb",
    ]:
        _write(tmp_path, rel)
    _write(tmp_path, "myenv/pyvenv.cfg", "home = /usr\n")
    assert _rel(tmp_path) == ["nb.ipynb", "pkg/mod.py"]


def test_files__exclude_globs__applied_to_paths_and_names(tmp_path: Path) -> None:
    for rel in ["a/keep.py", "a/gen_x.py", "docs/conf.py", "scripts/deep/tool.py"]:
        _write(tmp_path, rel)
    assert _rel(tmp_path, ("gen_*.py", "docs", "scripts/deep")) == ["a/keep.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_files__symlink_loop__ends(tmp_path: Path) -> None:
    _write(tmp_path, "pkg/mod.py")
    (tmp_path / "pkg" / "loop").symlink_to(tmp_path / "pkg", target_is_directory=True)
    (tmp_path / "pkg" / "up").symlink_to(tmp_path, target_is_directory=True)
    assert _rel(tmp_path) == ["pkg/mod.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_files__symlink_out_of_project__not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _write(outside, "secret.py")
    root = tmp_path / "root"
    _write(root, "main.py")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "linked_file.py").symlink_to(outside / "secret.py")
    (root / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    assert _rel(root) == ["main.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_files__symlink_inside_project__followed_once(tmp_path: Path) -> None:
    _write(tmp_path, "real/mod.py")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    assert _rel(tmp_path) == ["alias/mod.py"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_files__unreadable_folder__warning(tmp_path: Path) -> None:
    _write(tmp_path, "locked/mod.py")
    (tmp_path / "locked").chmod(0)
    warnings: list[ScanWarning] = []
    try:
        assert list(iter_source_files(tmp_path, (), warnings)) == []
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert warnings


def test_iter_source_files__gitignore__ignored_paths_skipped(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text(
        "# local work\nwork_dir/\n/generated\n*.gen.py\n!keep.gen.py\n\n"
    )
    for rel in (
        "main.py",
        "work_dir/a.py",
        "pkg/work_dir/b.py",
        "generated/c.py",
        "pkg/generated/d.py",
        "pkg/x.gen.py",
        "keep.gen.py",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("import os\n")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in iter_source_files(tmp_path))
    # "/generated" is anchored at the root; "work_dir/" matches at any depth;
    # "!" re-includes are not followed (keep.gen.py stays excluded)
    assert found == ["main.py", "pkg/generated/d.py"]
