"""The repository's own static checks, run by the test suite so CI enforces them: mypy in strict
mode over ``src/`` and ``tests/`` (the configuration in ``pyproject.toml``), ruff's lint rules and
its formatting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MYPY", "RUFF"))}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )


def test_mypy__strict_over_src_and_tests__clean(tmp_path: Path) -> None:
    done = _run("mypy", "--cache-dir", str(tmp_path / "mypy-cache"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("ruff", "check", "--no-cache", "src", "tests", "benchmarks"),
        ("ruff", "format", "--check", "--no-cache", "src", "tests", "benchmarks"),
    ],
    ids=["lint", "format"],
)
def test_ruff__lint_and_format__clean(args: tuple[str, ...]) -> None:
    done = _run(*args)
    assert done.returncode == 0, done.stdout + done.stderr
