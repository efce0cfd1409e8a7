"""``--help`` of ``depsize`` and of every command, compared with ``tests/fixtures/golden/help/``.

The help is the command line's contract with its users: an option renamed, dropped or
re-worded shows here. Rendered at a fixed width (100 columns) under the program name
``depsize``. After an intended change, rerun with ``DEPSIZE_UPDATE_GOLDEN=1`` and review the
diff of ``tests/fixtures/golden/help/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from depsize.cli import main

GOLDEN = Path(__file__).parents[1] / "fixtures" / "golden" / "help"
UPDATE = os.environ.get("DEPSIZE_UPDATE_GOLDEN") == "1"
COMMANDS = ("check", "diff", "plan", "scan", "trim", "why")


def _help(*command: str) -> str:
    result = CliRunner().invoke(
        main, [*command, "--help"], prog_name="depsize", terminal_width=100, color=False
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_main_help__every_command_listed__matches_golden() -> None:
    assert sorted(main.commands) == sorted(COMMANDS)
    _compare(_help(), "depsize.txt")


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help__options_and_text__matches_golden(command: str) -> None:
    _compare(_help(command), f"{command}.txt")


def _compare(actual: str, name: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), (
        f"--help of {name} changed; if intended, rerun with DEPSIZE_UPDATE_GOLDEN=1 and review"
    )
