"""The command line: options → Settings → analyze() → reporter → exit code. No logic here.

Exit codes: 0 fine · 1 a policy failed · 2 usage or input error · 3 internal error.

The ``depsize`` group; each command (its options and its body) lives in a module of
:mod:`depsize.commands`.
"""

from __future__ import annotations

import contextlib
import sys

import click

from depsize import __version__
from depsize.commands.check import check
from depsize.commands.diff import diff
from depsize.commands.options import EPILOG
from depsize.commands.plan import plan
from depsize.commands.scan import scan
from depsize.commands.trim import trim
from depsize.commands.why import why

_CONTEXT = {"help_option_names": ["-h", "--help"]}


@click.group(epilog=EPILOG, context_settings=_CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="depsize")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of short error messages.")
def main(debug: bool) -> None:
    """Why is your Python deployment so big, and what can you safely cut?

    depsize reads an installed environment (never importing or running its packages), builds
    its dependency graph and tells how many bytes each requirement really costs.
    """
    _tolerant_streams()


def _tolerant_streams() -> None:
    """Characters the terminal's encoding lacks (``PYTHONIOENCODING=ascii``, a C locale) are
    written as ``\\xb7``-style escapes instead of failing the whole report."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            with contextlib.suppress(ValueError, OSError):  # cannot change now: leave it
                reconfigure(errors="backslashreplace")


for _command in (check, diff, plan, scan, trim, why):
    main.add_command(_command)
