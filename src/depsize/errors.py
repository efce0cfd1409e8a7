"""Errors raised by depsize's library code.

Nothing here imports click: the command-line layer translates these into exit codes
(see :data:`EXIT_CODES`).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not imported: replayed runs start with this module
if TYPE_CHECKING:
    from pathlib import Path

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
"""Ctrl-C, as shells report a process ended by SIGINT."""

EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_POLICY: "a policy failed (a budget was broken, or findings with --fail-on)",
    EXIT_USAGE: "usage or input error (bad option, not an environment, unreadable input)",
    EXIT_INTERNAL: "internal error (a bug: run with --debug and report it)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}


class DepsizeError(Exception):
    """Base class: a problem the user can act on. Carries the exit code to use."""

    exit_code = EXIT_USAGE


class EnvironmentNotFoundError(DepsizeError):
    """No Python environment where the user pointed, or none could be found."""


class InputError(DepsizeError):
    """An input file is missing or cannot be parsed as a whole."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")


class IncludeCycleError(InputError):
    """Requirement files include each other in a cycle."""
