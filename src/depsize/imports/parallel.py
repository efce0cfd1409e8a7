"""Work on several cores: a process pool over the files the cache did not serve, and over the
used distributions whose code :mod:`depsize.usedby` reads (:class:`PoolMap`, any task).

A pool pays only for a big batch (:func:`pool_context` decides): starting the workers costs a few
milliseconds with ``fork`` and about a tenth of a second with ``spawn``. The items are dealt into
a few chunks per worker, balanced by size, so that each task carries many; results come back in
the order of the input. :class:`PoolMap` starts the work and lets the caller go on (the env
scan runs meanwhile) until it asks for the results. Any failure of the pool (no semaphores in
a sandbox, a worker killed, ...) makes the results ``None``, and the caller works in its own
process.

The caller says how many processes to use (``DEPSIZE_JOBS``, read once with the other settings
by :func:`depsize.config.resolve_settings`; ``1``: never start a pool); the default is the
number of usable CPUs (the affinity mask, and a cgroup's CPU quota), at most :data:`MAX_JOBS`.
"""

from __future__ import annotations

import heapq
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from depsize.imports.cache import Key
from depsize.imports.extract import scan_file
from depsize.imports.model import FileScan

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

MAX_JOBS = 8
MIN_FILES = 300
"""A batch of more files than this is scanned by a forked pool."""
MIN_BYTES = 8 * 1024 * 1024
"""So is a batch of more bytes than this (with at least two files per process)."""
OVERLAPPED_FILES = 100
OVERLAPPED_BYTES = 1024 * 1024
"""The same two for a batch whose caller works meanwhile (the env scan runs while the pool
reads the project): the workers then need not win alone. Measured, whole runs: 298 files of
2.9 MB (changedetection) 2.18 -> 1.95 s, 160 files of 2.4 MB (datasette) 1.37 -> 1.23 s."""
SPAWN_FACTOR = 4
"""A spawned pool needs a batch this many times bigger: each worker starts a new interpreter
(measured: Django's 900 files scan faster in one process than on two spawned ones)."""
CHUNKS_PER_JOB = 4
"""Chunks per process: few enough to keep the per-task cost small, enough to even out."""

Result = tuple[Key | None, FileScan]
POOL_EVENT = "depsize.pool"
"""The audit event (:func:`sys.audit`) raised with ``"start"`` before a pool starts its workers
and ``"started"`` after: the run cache's recording takes the forks between the two for what
they are. A worker reads only files this process stats (the project's, listed and stat-ed
before they are scanned) or an environment's library files (which the run cache trusts as the
env scan cache does), and writes nothing."""
Item = TypeVar("Item")
Out = TypeVar("Out")


def jobs() -> int:
    """The default number of processes: the usable CPUs, at most :data:`MAX_JOBS`."""
    return max(1, min(MAX_JOBS, _usable_cpus()))


def _usable_cpus() -> int:
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        found = int(counter() or 1)
    elif hasattr(os, "sched_getaffinity"):
        found = len(os.sched_getaffinity(0))
    else:
        found = os.cpu_count() or 1
    quota = quota_cpus()
    return found if quota is None else min(found, quota)


CGROUP = Path("/sys/fs/cgroup")
"""Where a Linux container's CPU quota is read (the run cache takes nothing there for an
input: it decides how many processes work, never what they find)."""


def quota_cpus(root: Path | None = None) -> int | None:
    """The CPUs a cgroup quota lets this process use, rounded up (a container started with
    ``--cpus=1.5`` gets 2), or ``None`` when there is no quota or it cannot be read. The CPU
    count and the affinity mask do not show a quota: four workers on one CPU's worth of time
    would be slower than one process. ``root``: the cgroup folder (default :data:`CGROUP`)."""
    root = CGROUP if root is None else root
    for quota_name, period_name in (
        ("cpu.max", ""),
        ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"),
    ):
        try:
            words = (root / quota_name).read_text(encoding="ascii").split()
            if period_name:
                words += (root / period_name).read_text(encoding="ascii").split()
            quota, period = int(words[0]), int(words[1])
        except (OSError, ValueError, IndexError, UnicodeDecodeError):
            continue  # absent ("max" for no quota in cgroup v2 lands here too)
        if quota > 0 and period > 0:
            return max(1, -(-quota // period))
        return None
    return None


def pool_context(
    sizes: Sequence[int], processes: int, *, overlapped: bool = False
) -> BaseContext | None:
    """How to start a pool for files of these sizes, or ``None`` when one process is faster.
    ``overlapped``: the caller has other work to do until it needs the results."""
    if processes < 2 or len(sizes) < 2 * processes:
        return None
    total = sum(sizes)
    files, size = (OVERLAPPED_FILES, OVERLAPPED_BYTES) if overlapped else (MIN_FILES, MIN_BYTES)
    if len(sizes) <= files and total <= size:
        return None
    context = start_context()
    if context.get_start_method() == "fork":
        return context
    big = len(sizes) > MIN_FILES * SPAWN_FACTOR or total > MIN_BYTES * SPAWN_FACTOR
    return context if big else None


def start_context() -> BaseContext:
    """``fork`` on Linux when this process has one thread (cheap, and safe then), else ``spawn``.

    Forking a multi-threaded process can deadlock the child (and warns from Python 3.12 on);
    ``forkserver`` would leave a server process running, and on macOS ``fork`` is unsafe.
    """
    import multiprocessing  # lazy: only big cold scans

    if sys.platform.startswith("linux") and _thread_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _thread_count() -> int:
    """Threads of this process, counted as CPython counts them before it warns about fork."""
    try:
        with open("/proc/self/stat", "rb") as handle:
            stat = handle.read()
        return int(stat[stat.rindex(b")") + 2 :].split()[17])
    except (OSError, ValueError, IndexError):
        return threading.active_count()


def scan_on_pool(
    paths: Sequence[str],
    sizes: Sequence[int],
    processes: int,
    context: BaseContext,
    *,
    fast: bool = True,
) -> list[Result] | None:
    """``extract.scan_file`` of every path, in order, on a pool; ``None`` if the pool failed."""
    return PoolMap(scan_chunk, paths, sizes, processes, context, fast).results()


class PoolMap(Generic[Item, Out]):
    """``task(chunk, *args)`` over ``items`` dealt into chunks of about equal ``sizes``, under
    way on a pool: started at once, collected by :meth:`results`, so that the caller can do
    other work while the workers run. ``task`` returns one result per item of its chunk."""

    def __init__(
        self,
        task: Callable[..., list[Out]],
        items: Sequence[Item],
        sizes: Sequence[int],
        processes: int,
        context: BaseContext,
        *args: object,
    ) -> None:
        self._count = len(items)
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[tuple[list[int], Future[list[Out]]]] = []
        chunks = _chunks(sizes, min(len(items), processes * CHUNKS_PER_JOB))
        sys.audit(POOL_EVENT, "start")  # the processes started until "started" are the workers
        try:
            from concurrent.futures import ProcessPoolExecutor  # lazy: only big batches

            self._pool = ProcessPoolExecutor(min(processes, len(chunks)), mp_context=context)
            for chunk in chunks:
                future = self._pool.submit(task, [items[i] for i in chunk], *args)
                self._futures.append((chunk, future))
        except Exception:  # any pool failure: results() says so, the caller works alone
            self.cancel()
        finally:
            sys.audit(POOL_EVENT, "started")

    def results(self) -> list[Out] | None:
        """Every item's result in order (waits for the workers); ``None`` if the pool failed."""
        if self._pool is None:
            return None
        results: list[Out | None] = [None] * self._count
        try:
            for chunk, future in self._futures:
                for index, result in zip(chunk, future.result(), strict=True):
                    results[index] = result
        except Exception:  # a worker killed, a result that did not come back, ...
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            return None
        self._pool.shutdown()
        self._pool = None
        done = [r for r in results if r is not None]
        return done if len(done) == self._count else None

    def cancel(self) -> None:
        """Drop the chunks not started; the workers end once their current chunk is done."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def scan_chunk(paths: Sequence[str], fast: bool) -> list[Result]:
    """The task a worker runs: read and scan each file of one chunk."""
    return [scan_file(path, fast=fast) for path in paths]


def _chunks(sizes: Sequence[int], count: int) -> list[list[int]]:
    """Indexes dealt into ``count`` chunks of about equal bytes (largest file first)."""
    heap = [(0, n) for n in range(count)]
    chunks: list[list[int]] = [[] for _ in range(count)]
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        total, n = heapq.heappop(heap)
        chunks[n].append(index)
        heapq.heappush(heap, (total + max(sizes[index], 1), n))
    for chunk in chunks:
        chunk.sort()
    return [c for c in chunks if c]
