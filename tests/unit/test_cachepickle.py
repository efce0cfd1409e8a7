"""Cache files are rebuilt only from what depsize stores: a planted pickle runs nothing."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path
from typing import Any

import pytest

from depsize import cachepickle
from depsize.env.cache import cache_file, cached_env
from depsize.env.discover import from_prefix
from depsize.safeio import read_bytes
from support.site_packages import DistSpec, make_site_packages


class _Call:
    """Pickles as a call of ``func(*args)``: what a planted cache file would do."""

    def __init__(self, func: Any, *args: Any) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return self.func, self.args


@pytest.mark.parametrize(
    "func",
    [os.system, eval, getattr, __import__, Path.write_text, read_bytes],
    ids=["os.system", "eval", "getattr", "__import__", "Path.write_text", "depsize-function"],
)
def test_a_planted_call_is_refused_and_never_runs(func: Any, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    data = pickle.dumps(_Call(func, f"touch {marker}"))
    with pytest.raises(cachepickle.UntrustedPickleError):
        cachepickle.loads(data)
    assert not marker.exists()


def test_a_real_env_scan_and_graph_round_trip(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path / "env",
        [DistSpec("alpha", files={"alpha/__init__.py": 10}, requires=("beta[x]>=1",))],
    )
    past = time.time() - 3600
    for root, dirs, files in os.walk(built.prefix):
        for name in [*dirs, *files]:
            os.utime(os.path.join(root, name), (past, past))
    env = from_prefix(built.prefix, how="test")
    cold = cached_env(env, cache_dir=tmp_path / "cache")
    stored = cachepickle.loads(read_bytes(cache_file(tmp_path / "cache", env, False)))
    assert stored[2] == cold.scan
    assert stored[3] == cold.graph
    assert cached_env(env, cache_dir=tmp_path / "cache").hit


def test_a_planted_env_cache_file_is_a_miss(tmp_path: Path) -> None:
    built = make_site_packages(tmp_path / "env", [DistSpec("alpha", files={"a.py": 10})])
    env = from_prefix(built.prefix, how="test")
    marker = tmp_path / "marker"
    path = cache_file(tmp_path / "cache", env, False)
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps(_Call(os.system, f"touch {marker}")))
    found = cached_env(env, cache_dir=tmp_path / "cache")
    assert not found.hit
    assert "alpha" in found.scan.dists
    assert not marker.exists()
