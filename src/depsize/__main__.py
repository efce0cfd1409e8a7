"""The ``depsize`` command and ``python -m depsize``.

``depsize --version`` answers before the command-line layer (click, rich) is imported: it is
what scripts and CI logs call most often, and it should cost no more than starting Python.
So does a run the run cache can replay (:mod:`depsize.runcache`): the same read-only command,
in the same place, on unchanged inputs, writes the output it wrote before and exits with the
same code. Any other run is recorded, and stored when it may be replayed.
"""

from __future__ import annotations

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


if __name__ == "__main__":  # pragma: no cover
    run()
