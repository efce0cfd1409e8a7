"""The import stage's first half: the project's files listed and their scans begun (from the
cache, or on a pool of worker processes for a big cold batch) without waiting for them, so
that the caller can scan the environment meanwhile. :func:`begin_imports` starts it;
:func:`depsize.imports.project.analyze_imports` finishes it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from depsize.errors import InputError
from depsize.imports.cache import ScanCache, default_cache_dir
from depsize.imports.commands import is_project_command_file
from depsize.imports.files import SideFiles, iter_source_files
from depsize.imports.model import FileScan
from depsize.models import ScanWarning

if TYPE_CHECKING:
    from depsize.imports.parallel import PoolMap, Result


class StartedImports:
    """The first half of the import stage, done: the project's files listed (with the
    listing's warnings and side files) and their scans begun, served by the cache or under
    way on a pool. :func:`analyze_imports` finishes it; :meth:`cancel` drops it."""

    def __init__(
        self,
        root: Path,
        *,
        exclude: Sequence[str],
        cache_dir: Path | None,
        use_cache: bool,
        fast_scan: bool,
        jobs: int | None,
        overlapped: bool,
    ) -> None:
        self.root = root
        self.warnings: list[ScanWarning] = []
        self.side = SideFiles(is_project_command_file)  # one walk: the command files come too
        self.error: InputError | None = None
        self.files: list[Path] = []
        self.cache: ScanCache | None = None
        try:
            self.files = list(iter_source_files(root, exclude, self.warnings, side=self.side))
        except InputError as exc:  # raised where the stage used to raise it: when finished
            self.error = exc
            self.pending = PendingScans([], None, fast=fast_scan, jobs=jobs)
            return
        if use_cache:
            variant = "fast" if fast_scan else "ast"
            self.cache = ScanCache(cache_dir or default_cache_dir(), root, variant=variant)
            self.cache.load()
        self.pending = PendingScans(
            self.files, self.cache, fast=fast_scan, jobs=jobs, overlapped=overlapped
        )

    def scans(self) -> dict[Path, FileScan]:
        """Every file's scan (waits for the pool), its problems added to the warnings."""
        if self.error is not None:
            raise self.error
        scans = self.pending.collect(self.warnings)
        if self.cache is not None:
            self.cache.save()
        return scans

    def cancel(self) -> None:
        self.pending.cancel()


def begin_imports(
    project: Path,
    *,
    exclude: Sequence[str] = (),
    cache_dir: Path | None = None,
    use_cache: bool = True,
    fast_scan: bool = True,
    jobs: int | None = None,
    overlapped: bool = False,
) -> StartedImports:
    """List ``project``'s files and begin their scans (on a pool for a big cold batch) without
    waiting for them: pass the result to :func:`analyze_imports` as ``started``, and
    :meth:`~StartedImports.cancel` it if the caller fails before. Never raises for the
    listing: an unlistable project folder is raised when the stage is finished.
    ``overlapped``: the caller has work of its own until then, so a smaller batch goes to a pool
    (:func:`depsize.imports.parallel.pool_context`)."""
    with collector_paused():  # the workers inherit the paused collector
        return StartedImports(
            project.absolute(),
            exclude=exclude,
            cache_dir=cache_dir,
            use_cache=use_cache,
            fast_scan=fast_scan,
            jobs=jobs,
            overlapped=overlapped,
        )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) for the stage.

    The stage builds a few hundred thousand small objects and no reference cycles worth
    collecting; with the collector on, full collections traverse the whole heap again and again
    (about 15% of a warm run). Reference counting frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def scan_with_cache(
    files: Iterable[Path],
    cache: ScanCache | None,
    warnings: list[ScanWarning],
    *,
    fast: bool = True,
    jobs: int | None = None,
) -> dict[Path, FileScan]:
    """Scan results per file, in the order given, from the cache when (path, size, mtime) match.

    The files the cache does not serve are scanned on ``jobs`` processes (default:
    the usable CPUs) when there are enough of them.
    """
    return PendingScans(files, cache, fast=fast, jobs=jobs).collect(warnings)


class PendingScans:
    """Files' scans begun: the cache's answers looked up, the misses under way on a pool when
    there are enough of them (else scanned in this process by :meth:`collect`)."""

    def __init__(
        self,
        files: Iterable[Path],
        cache: ScanCache | None,
        *,
        fast: bool,
        jobs: int | None,
        overlapped: bool = False,
    ) -> None:
        self.cache, self.fast = cache, fast
        self.scans: dict[Path, FileScan] = {}
        self.misses: list[Path] = []
        sizes: list[int] = []
        for path in files:
            try:
                stat = path.stat()
            except OSError as exc:
                self.scans[path] = FileScan(
                    error=f"cannot read: {exc.strerror or exc}", error_line=None
                )
                continue
            key = (stat.st_size, stat.st_mtime_ns)
            cached = cache.get(str(path), key) if cache is not None else None
            if cached is not None:
                self.scans[path] = cached
            else:
                self.scans[path] = _PENDING
                self.misses.append(path)
                sizes.append(stat.st_size)
        self.pool = _start_pool(self.misses, sizes, fast, jobs, overlapped)

    def collect(self, warnings: list[ScanWarning]) -> dict[Path, FileScan]:
        """Every file's scan, in the order given (waits for the pool); errors become warnings."""
        scans, cache = self.scans, self.cache
        results = self.pool.results() if self.pool is not None else None
        self.pool = None
        if results is None:  # no pool, or it failed: scanned here
            from depsize.imports.extract import scan_file  # lazy: a warm run scans nothing

            results = [scan_file(str(p), fast=self.fast) for p in self.misses]
        for path, (read_key, scan) in zip(self.misses, results, strict=True):
            scans[path] = scan
            if cache is not None and read_key is not None:
                cache.put(str(path), read_key, scan)
        for path, scan in scans.items():
            if scan.error is not None:
                warnings.append(ScanWarning(scan.error, path, scan.error_line))
        return scans

    def cancel(self) -> None:
        if self.pool is not None:
            self.pool.cancel()
            self.pool = None


_PENDING = FileScan()


def _start_pool(
    paths: list[Path], sizes: list[int], fast: bool, jobs: int | None, overlapped: bool
) -> PoolMap[str, Result] | None:
    """The misses' scans begun on a pool, or ``None`` when one process is faster."""
    if not paths:
        return None
    from depsize.imports import parallel  # lazy: a warm run scans nothing

    processes = parallel.jobs() if jobs is None else jobs
    context = parallel.pool_context(sizes, processes, overlapped=overlapped)
    if context is None:
        return None
    names = [str(p) for p in paths]
    return parallel.PoolMap(parallel.scan_chunk, names, sizes, processes, context, fast)
