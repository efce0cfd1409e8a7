"""Cold scans on a process pool: same results, same order, and a quiet fallback."""

from __future__ import annotations

import dataclasses
import multiprocessing
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from depsize.errors import InputError
from depsize.imports import parallel
from depsize.imports.begin import begin_imports, scan_with_cache
from depsize.imports.model import FileScan
from depsize.imports.project import analyze_imports
from depsize.models import ScanWarning
from support.pools import count_pools

SOURCES = [
    "import os\nfrom .sibling import thing\n",
    "try:\n    import ujson as json\nexcept ImportError:\n    import json\n",
    "def f():\n    import yaml\n    return importlib.import_module('lxml.etree')\n",
    'DSN = "postgresql+psycopg2://db"\nif __name__ == "__main__":\n    f()\n',
    "print 'python 2'\n",
    "def broken(:\n",
    "x = 1\n" * 2000,
    "",
]


@pytest.fixture
def tree(tmp_path: Path) -> list[Path]:
    """Forty files of different kinds and sizes (a syntax error and an undecodable one too)."""
    paths = []
    for n in range(40):
        path = tmp_path / f"pkg{n % 3}" / f"mod{n}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(SOURCES[n % len(SOURCES)] + f"import dep{n}\n", encoding="utf-8")
        paths.append(path)
    paths[7].write_bytes(b"import \xff\xfe\n")
    return paths


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a pool take batches of any size."""
    monkeypatch.setattr(parallel, "MIN_FILES", 0)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)


def _scan(paths: list[Path], jobs: int) -> tuple[list[tuple[Path, FileScan]], list[ScanWarning]]:
    warnings: list[ScanWarning] = []
    scans = scan_with_cache(paths, None, warnings, jobs=jobs)
    return list(scans.items()), warnings


@pytest.mark.usefixtures("small_batches")
def test_parallel__pool__same_scans_in_same_order(
    tree: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled: list[int] = []

    class Counting(parallel.PoolMap[Any, Any]):
        def results(self) -> list[Any] | None:
            result = super().results()
            pooled.append(0 if result is None else len(result))
            return result

    monkeypatch.setattr(parallel, "PoolMap", Counting)
    assert _scan(tree, jobs=2) == _scan(tree, jobs=1)
    assert pooled == [len(tree)]
    assert multiprocessing.active_children() == []


@pytest.mark.usefixtures("small_batches")
def test_parallel__spawned_workers__same_scans(tree: list[Path]) -> None:
    names = [str(p) for p in tree[:6]]
    sizes = [p.stat().st_size for p in tree[:6]]
    spawned = parallel.scan_on_pool(names, sizes, 2, multiprocessing.get_context("spawn"))
    assert spawned == parallel.scan_chunk(names, True)
    assert multiprocessing.active_children() == []


def _failing_chunk(paths: Sequence[str], fast: bool) -> list[parallel.Result]:
    raise RuntimeError("worker failed")


@pytest.mark.usefixtures("small_batches")
def test_parallel__worker_fails__scanned_in_process(
    tree: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _scan(tree, jobs=1)
    monkeypatch.setattr(parallel, "scan_chunk", _failing_chunk)
    assert _scan(tree, jobs=2) == expected
    assert multiprocessing.active_children() == []


@pytest.mark.usefixtures("small_batches")
def test_parallel__pool_cannot_start__scanned_in_process(
    tree: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    def no_pool(*args: object, **kwargs: object) -> None:
        raise OSError("no semaphores here")

    expected = _scan(tree, jobs=1)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    assert _scan(tree, jobs=2) == expected


@pytest.mark.usefixtures("small_batches")
def test_parallel__jobs_1__no_pool(tree: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel, "PoolMap", no_pool)
    scans = scan_with_cache(tree, None, [], jobs=1)
    assert len(scans) == len(tree)


def test_parallel__jobs__default_is_usable_cpus_at_most_8(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEPSIZE_JOBS", "1000")  # read by the settings, not here
    assert 1 <= parallel.jobs() <= parallel.MAX_JOBS


def test_parallel__pool_context__only_for_big_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "start_context", lambda: multiprocessing.get_context("fork"))
    assert parallel.pool_context([100] * 1000, 1) is None
    assert parallel.pool_context([100] * 300, 2) is None
    assert parallel.pool_context([100] * 301, 2) is not None
    assert parallel.pool_context([5_000_000, 5_000_000], 2) is None  # one file per process
    assert parallel.pool_context([3_000_000] * 4, 2) is not None


def test_parallel__pool_context__spawn_needs_a_bigger_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "start_context", lambda: multiprocessing.get_context("spawn"))
    assert parallel.pool_context([100] * 1000, 2) is None
    assert parallel.pool_context([100] * 1201, 2) is not None


def test_parallel__chunks__every_file_once_and_balanced() -> None:
    sizes = [1000, 10, 500, 500, 0, 990, 20, 30]
    chunks = parallel._chunks(sizes, 3)
    assert sorted(i for c in chunks for i in c) == list(range(len(sizes)))
    assert all(c == sorted(c) for c in chunks)
    totals = sorted(sum(sizes[i] for i in c) for c in chunks)
    assert totals[-1] - totals[0] <= 30


def test_parallel__thread_count__this_process_has_one() -> None:
    assert parallel._thread_count() >= 1


def _project(root: Path, files: int = 40) -> Path:
    """A project of ``files`` modules importing each other and a few distributions."""
    package = root / "app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from app import mod0\n", encoding="utf-8")
    for n in range(files):
        body = f"import os\nfrom app import mod{(n + 1) % files}\nimport dep{n % 5}\n"
        (package / f"mod{n}.py").write_text(body, encoding="utf-8")
    return root


@pytest.mark.usefixtures("small_batches")
def test_parallel__begun_then_finished__same_as_in_one_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    started = count_pools(monkeypatch)
    begun = begin_imports(root, use_cache=False, jobs=2)
    assert started == [41]  # the pool runs before analyze_imports is called
    finished = analyze_imports(root, (3, 11), started=begun)
    assert finished == analyze_imports(root, (3, 11), use_cache=False, jobs=1)
    assert {s.module for s in finished.sites} == {"app", "dep0", "dep1", "dep2", "dep3", "dep4"}
    assert multiprocessing.active_children() == []


@pytest.mark.usefixtures("small_batches")
def test_parallel__begun_then_cancelled__workers_end(tmp_path: Path) -> None:
    root = _project(tmp_path, files=400)
    begun = begin_imports(root, use_cache=False, jobs=2)
    begun.cancel()
    begun.cancel()  # twice is harmless
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []


def test_parallel__missing_project_folder__raised_when_finished(tmp_path: Path) -> None:
    begun = begin_imports(tmp_path / "gone", use_cache=False)  # the caller goes on meanwhile
    with pytest.raises(InputError, match="cannot list the project folder"):
        analyze_imports(tmp_path / "gone", (3, 11), started=begun)


def test_parallel__pool_context__overlapped_batches_smaller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "start_context", lambda: multiprocessing.get_context("fork"))
    assert parallel.pool_context([100] * 101, 2) is None
    assert parallel.pool_context([100] * 100, 2, overlapped=True) is None
    assert parallel.pool_context([100] * 101, 2, overlapped=True) is not None
    assert parallel.pool_context([300_000] * 4, 2, overlapped=True) is not None
    assert parallel.pool_context([100] * 101, 1, overlapped=True) is None


def test_parallel__pool_context__overlapped_spawn_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "start_context", lambda: multiprocessing.get_context("spawn"))
    assert parallel.pool_context([100] * 1000, 2, overlapped=True) is None
    assert parallel.pool_context([100] * 1201, 2, overlapped=True) is not None


@pytest.mark.usefixtures("small_batches")
def test_parallel__pool__forks_only_between_its_audit_events(tree: list[Path]) -> None:
    from depsize.runcache import record

    assert record._POOL_EVENT == parallel.POOL_EVENT
    events: list[str] = []
    listening = [True]

    def hook(name: str, args: tuple[object, ...]) -> None:
        if not listening:
            return
        if name == parallel.POOL_EVENT:
            events.append(str(args[0]))
        elif name == "os.fork" and events:
            events.append("fork")

    sys.addaudithook(hook)  # stays for the session (hooks cannot be removed): it goes quiet
    try:
        names = [str(p) for p in tree[:6]]
        sizes = [p.stat().st_size for p in tree[:6]]
        pooled = parallel.scan_on_pool(names, sizes, 2, multiprocessing.get_context("fork"))
    finally:
        listening.clear()
    recorded = events
    assert pooled == parallel.scan_chunk(names, True)
    assert recorded == ["start", "fork", "fork", "started"]


def test_parallel__analysis_fails_after_the_pool_started__error_raised_workers_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from depsize.analyze import Settings, analyze
    from support.site_packages import make_site_packages

    started = count_pools(monkeypatch)

    built = make_site_packages(tmp_path / "env", [])
    root = _project(tmp_path / "project", files=parallel.OVERLAPPED_FILES + 20)
    (root / "requirements.txt").write_text("dep0\n", encoding="utf-8")
    settings = Settings(project=root, env_dir=built.prefix, use_cache=False, jobs=2)
    with pytest.raises(InputError, match="unknown group 'nope'"):  # raised once the pool runs
        analyze(dataclasses.replace(settings, groups=("nope",)))
    assert started == [parallel.OVERLAPPED_FILES + 21]  # the files and the package's __init__
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []
    assert analyze(settings).imports is not None  # the same project, judged


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"cpu.max": "150000 100000\n"}, 2),  # --cpus=1.5: two processes' worth, rounded up
        ({"cpu.max": "50000 100000\n"}, 1),
        ({"cpu.max": "max 100000\n"}, None),  # cgroup v2, no quota
        ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 3),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({"cpu.max": "garbage"}, None),
        ({}, None),
    ],
)
def test_parallel__quota_cpus__from_cgroup_v2_or_v1(
    tmp_path: Path, files: dict[str, str], expected: int | None
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="ascii")
    assert parallel.quota_cpus(tmp_path) == expected


def test_parallel__jobs__at_most_the_cpu_quota(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cpu.max").write_text("100000 100000\n", encoding="ascii")  # one CPU's worth
    monkeypatch.setattr(parallel, "CGROUP", tmp_path)
    assert parallel.jobs() == 1
