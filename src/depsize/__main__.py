"""The ``depsize`` command and ``python -m depsize``.

``depsize --version`` answers before the command-line layer (click, rich) is imported: it is
what scripts and CI logs call most often, and it should cost no more than starting Python.
So does a run the run cache can replay (:mod:`depsize.runcache`): the same read-only command,
in the same place, on unchanged inputs, writes the output it wrote before and exits with the
same code. Any other run is recorded, and stored when it may be replayed.
"""

from __future__ import annotations

import os
import sys

_VERSION_FLAGS = (["--version"], ["-V"])


def run() -> None:
    """Entry point of the ``depsize`` console script."""
    argv = sys.argv[1:]
    if argv in _VERSION_FLAGS:
        from depsize import __version__

        sys.stdout.write(f"depsize, version {__version__}\n")
        return
    from depsize.runcache.play import replay

    replayed = replay(argv)
    if replayed is not None:
        sys.exit(replayed)
    from depsize.runcache import record

    recording = record.start(argv)
    code: object = None  # an exception other than SystemExit: never stored
    try:
        from depsize.cli import main

        main()
        code = 0  # pragma: no cover - click's main always ends with SystemExit
    except SystemExit as done:
        code = 0 if done.code is None else done.code
        raise
    finally:
        if recording:
            record.finish(code)


def console() -> None:
    """The console script and ``python -m depsize``: :func:`run`, then an exit that leaves the
    heap to the operating system. Freeing a big run's objects one by one (and the collector's
    last pass over them) takes 30-60 ms for Django's tree; the streams are flushed first, and
    any doubt (a worker process still alive, a stream that cannot be flushed, an exit code
    that is no number, a profiler, tracer or coverage that saves its data on the way out)
    takes the normal way out."""
    try:
        run()
        code: object = 0
    except SystemExit as done:
        code = 0 if done.code is None else done.code
    if not isinstance(code, int) or _workers_alive() or _observed():
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    os._exit(code)


def _observed() -> bool:
    return sys.gettrace() is not None or sys.getprofile() is not None or "coverage" in sys.modules


def _workers_alive() -> bool:
    processes = sys.modules.get("multiprocessing")
    return processes is not None and bool(processes.active_children())


if __name__ == "__main__":  # pragma: no cover
    console()
