"""The per-file scan cache."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from depsize.imports import analyze_imports
from depsize.imports.cache import cache_file, default_cache_dir


def test_cache__second_run__hits_and_identical(
    project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = project("kinds")
    cache_dir = tmp_path / "cache"
    cold = analyze_imports(root, (3, 12), cache_dir=cache_dir)
    warm = analyze_imports(root, (3, 12), cache_dir=cache_dir)
    assert cold.cache_hits == 0
    assert warm.cache_hits == len(warm.files) == 3
    assert warm.sites == cold.sites
    assert warm.says == cold.says
    assert warm.entries == cold.entries


def test_cache__changed_file__rescanned(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("kinds")
    cache_dir = tmp_path / "cache"
    analyze_imports(root, (3, 12), cache_dir=cache_dir)
    helpers = root / "app" / "helpers.py"
    helpers.write_text("import httpx\n", encoding="utf-8")
    os.utime(helpers, ns=(1, 1))
    again = analyze_imports(root, (3, 12), cache_dir=cache_dir)
    assert again.cache_hits == 2
    assert "httpx" in {s.module for s in again.sites}


def test_cache__corrupt_file__ignored_and_rewritten(
    project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = project("kinds")
    cache_dir = tmp_path / "cache"
    reference = analyze_imports(root, (3, 12), cache_dir=cache_dir)
    path = cache_file(cache_dir, root)
    for garbage in [b"", b"{truncated", b"[1, 2]", b'{"stamp": "wrong", "files": {"x": 1}}']:
        path.write_bytes(garbage)
        result = analyze_imports(root, (3, 12), cache_dir=cache_dir)
        assert result.sites == reference.sites
    assert analyze_imports(root, (3, 12), cache_dir=cache_dir).cache_hits == 3


def test_cache__bad_entries__treated_as_misses(
    project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = project("kinds")
    cache_dir = tmp_path / "cache"
    reference = analyze_imports(root, (3, 12), cache_dir=cache_dir)
    path = cache_file(cache_dir, root)
    text = path.read_text(encoding="utf-8").replace('"runtime"', '"nonsense"')
    path.write_text(text.replace('"i":[[', '"i":[[1,'), encoding="utf-8")
    result = analyze_imports(root, (3, 12), cache_dir=cache_dir)
    assert result.sites == reference.sites


def test_cache__disabled__no_file_written(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("kinds")
    analyze_imports(root, (3, 12), cache_dir=tmp_path / "cache", use_cache=False)
    assert not (tmp_path / "cache").exists()


def test_cache__unwritable_dir__not_fatal(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("kinds")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = analyze_imports(root, (3, 12), cache_dir=blocker / "cache")
    assert result.sites


def test_cache__default_dir__follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "depsize"
