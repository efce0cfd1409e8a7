"""The env scan cache on hostile ground: its file a FIFO, garbage or huge; conda-meta unlistable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from depsize.env.cache import cache_file, cached_scan
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from support.hostile import time_limit
from support.site_packages import DistSpec, make_site_packages


@pytest.mark.parametrize("kind", ["fifo", "garbage", "folder"])
def test_cache_file__not_a_pickle__rescanned_without_blocking(tmp_path: Path, kind: str) -> None:
    built = make_site_packages(tmp_path, [DistSpec("alpha", files={"alpha.py": 10})])
    env = from_prefix(built.prefix, how="test")
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache_file(cache, env, disk_usage=False)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "garbage":
        path.write_bytes(b"\x80\x05not a pickle" * 100)
    else:
        path.mkdir()
    with time_limit(20):
        scanned, hit = cached_scan(env, cache_dir=cache)
    assert not hit
    assert scanned == scan_env(env)
