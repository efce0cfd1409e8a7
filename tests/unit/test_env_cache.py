"""The env scan cache: a hit only while every folder and metadata file keeps its stamp."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from depsize.env.cache import cache_file, cached_env, cached_scan
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.models import PythonEnv
from support.site_packages import DistSpec, make_site_packages

SPECS = [
    DistSpec("alpha", files={"alpha/__init__.py": 100, "alpha/sub/data.bin": 5000}),
    DistSpec("beta", files={"beta.py": 300}, requires=("alpha",)),
]


def _aged_env(tmp_path: Path) -> PythonEnv:
    """A site-packages whose every entry was last changed an hour ago (a settled env)."""
    built = make_site_packages(tmp_path / "env", SPECS)
    past = time.time() - 3600
    for root, dirs, files in os.walk(built.prefix):
        for name in [*dirs, *files]:
            os.utime(os.path.join(root, name), (past, past))
    os.utime(built.prefix, (past, past))
    return from_prefix(built.prefix, how="test")


def test_cached_scan__unchanged_env__second_scan_is_a_hit_equal_to_a_cold_scan(
    tmp_path: Path,
) -> None:
    env = _aged_env(tmp_path)
    first, hit1 = cached_scan(env, cache_dir=tmp_path / "cache")
    second, hit2 = cached_scan(env, cache_dir=tmp_path / "cache")
    assert (hit1, hit2) == (False, True)
    assert second == first == scan_env(env)
    warm = cached_env(env, cache_dir=tmp_path / "cache")
    assert warm.hit
    assert warm.graph == build_graph(first.dists, env.marker_environment())
    assert warm.graph.requires(canonicalize_name("beta")) == ("alpha",)


def test_cached_scan__file_added_in_a_package_folder__miss_and_new_file_counted(
    tmp_path: Path,
) -> None:
    env = _aged_env(tmp_path)
    cached_scan(env, cache_dir=tmp_path / "cache")
    (env.site_packages[0] / "alpha" / "sub" / "new.bin").write_bytes(b"x" * 77)
    again, hit = cached_scan(env, cache_dir=tmp_path / "cache")
    assert not hit
    assert again.unowned_bytes == 77
    assert again == scan_env(env)


def test_cached_scan__record_rewritten_in_place__miss(tmp_path: Path) -> None:
    env = _aged_env(tmp_path)
    cached_scan(env, cache_dir=tmp_path / "cache")
    record = next(env.site_packages[0].glob("beta-*.dist-info")) / "RECORD"
    record.write_text(record.read_text() + "beta_extra.py,,\n")
    _, hit = cached_scan(env, cache_dir=tmp_path / "cache")
    assert not hit


def test_cached_scan__fresh_env__not_stored_until_it_settles(tmp_path: Path) -> None:
    built = make_site_packages(tmp_path / "env", SPECS)
    env = from_prefix(built.prefix, how="test")
    cached_scan(env, cache_dir=tmp_path / "cache")
    assert not cache_file(tmp_path / "cache", env, False).exists()
    _, hit = cached_scan(env, cache_dir=tmp_path / "cache")
    assert not hit


def test_cached_scan__corrupt_cache_file__miss_then_rewritten(tmp_path: Path) -> None:
    env = _aged_env(tmp_path)
    path = cache_file(tmp_path / "cache", env, False)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x80\x05not a pickle")
    result, hit = cached_scan(env, cache_dir=tmp_path / "cache")
    assert not hit
    assert result == scan_env(env)
    assert cached_scan(env, cache_dir=tmp_path / "cache")[1]


def test_cached_scan__disk_usage__kept_apart_from_apparent_sizes(tmp_path: Path) -> None:
    env = _aged_env(tmp_path)
    cached_scan(env, cache_dir=tmp_path / "cache")
    blocks, hit = cached_scan(env, disk_usage=True, cache_dir=tmp_path / "cache")
    assert not hit
    assert blocks.disk_usage
    assert blocks == scan_env(env, disk_usage=True)


def test_cached_scan__same_env_by_a_relative_path__own_entry_with_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _aged_env(tmp_path)
    cached_scan(env, cache_dir=tmp_path / "cache")
    monkeypatch.chdir(tmp_path)
    assert env.prefix is not None
    relative = from_prefix(env.prefix.relative_to(tmp_path), how="test")
    first, hit = cached_scan(relative, cache_dir=tmp_path / "cache")
    assert not hit
    assert first == scan_env(relative)
    assert not first.dists[canonicalize_name("alpha")].metadata_dir.is_absolute()
    assert cached_scan(env, cache_dir=tmp_path / "cache")[1]  # the absolute entry is kept
    assert cached_scan(relative, cache_dir=tmp_path / "cache") == (first, True)


def test_cached_scan__conda_package_installed_outside_site_packages__miss_and_counted(
    tmp_path: Path,
) -> None:
    from .env.test_conda import _conda_prefix, _record

    prefix = _conda_prefix(tmp_path).prefix
    past = time.time() - 3600
    for root, dirs, files in os.walk(prefix):
        for name in [*dirs, *files]:
            os.utime(os.path.join(root, name), (past, past))
    env = from_prefix(prefix, how="test")
    first, hit = cached_scan(env, cache_dir=tmp_path / "cache")
    assert not hit
    assert cached_scan(env, cache_dir=tmp_path / "cache")[1]

    # conda installs a native library in lib/ (no folder under site-packages changes)
    (prefix / "lib" / "libzstd.so.1").write_bytes(b"z" * 4321)
    _record(prefix, "zstd", "1.5.6", ["lib/libzstd.so.1"], [])
    again, hit = cached_scan(env, cache_dir=tmp_path / "cache")

    assert not hit
    zstd = again.dists[canonicalize_name("zstd")]
    assert zstd.own_bytes >= 4321  # the library and its conda record
    assert again.total_bytes == first.total_bytes + zstd.own_bytes
    assert again == scan_env(env)
