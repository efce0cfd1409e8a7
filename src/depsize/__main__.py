"""The ``depsize`` command and ``python -m depsize``.

``depsize --version`` answers before the command-line layer (click, rich) is imported: it is
what scripts and CI logs call most often, and it should cost no more than starting Python.
"""

from __future__ import annotations

import sys

_VERSION_FLAGS = (["--version"], ["-V"])


def run() -> None:
    """Entry point of the ``depsize`` console script."""
    if sys.argv[1:] in _VERSION_FLAGS:
        from depsize import __version__

        sys.stdout.write(f"depsize, version {__version__}\n")
        return
    from depsize.cli import main

    main()


if __name__ == "__main__":  # pragma: no cover
    run()
