"""``depsize --version`` answers without importing the command-line layer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from depsize import __version__


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_flag_does_not_import_click_or_rich(flag: str) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['depsize', {flag!r}]\n"
        "from depsize.__main__ import run\n"
        "run()\n"
        "print(sorted(m for m in ('click', 'rich', 'depsize.cli') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == [f"depsize, version {__version__}", "[]"]


def test_version_flag_among_others_goes_through_click() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "depsize", "--debug", "--version"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout == f"depsize, version {__version__}\n"
