"""Predicted against measured: ``depsize plan`` before installing, ``depsize scan`` after pip
installed the same wheels into a fresh venv (``--no-compile``; byte-code is estimated apart)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from depsize.cli import main
from depsize.report.document import parse
from support.plan_index import IndexServer, plan_wheels, serve_index
from support.plan_json import load_plan, load_plan_diff
from support.wheels import WheelSpec, write_wheels

from .conftest import run

pytestmark = pytest.mark.venv

FIXTURES = Path(__file__).parents[1] / "fixtures" / "plan"


def _install(prefix: Path, wheels: Path, *requirements: str) -> Path:
    """A fresh venv holding ``requirements`` as pip installs them from ``wheels``."""
    run([sys.executable, "-m", "venv", "--without-pip", str(prefix)])
    python = prefix / "bin" / "python"
    run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install"),
            *("--no-index", "--find-links", str(wheels), "--no-compile"),
            *("--disable-pip-version-check", "--no-input", "--quiet", *requirements),
        ]
    )
    return python


def _json(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    extra = [
        WheelSpec(  # a .data folder: purelib, a `#!python` script pip rewrites, data files
            "odd",
            "0.9",
            contents={
                "odd/__init__.py": b"x = 1\n",
                "odd-0.9.data/scripts/odd-tool": b"#!python\nprint('odd')\n",
                "odd-0.9.data/purelib/odd_extra.py": b"y = 2\n" * 40,
                "odd-0.9.data/data/share/odd/readme.txt": b"r" * 333,
                "odd/name with, comma.txt": b"quoted in RECORD",
            },
            console_scripts={"odd": "odd:main", "odd-other": "odd.sub:run.go"},
        )
    ]
    folder = tmp_path / "wheels"
    write_wheels([*plan_wheels(), *extra], folder)
    return folder


@pytest.fixture
def index(wheels: Path) -> Iterator[IndexServer]:
    with serve_index(wheels) as server:
        yield server


def test_plan__predicted_bytes_equal_what_pip_installs(
    tmp_path: Path, wheels: Path, index: IndexServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    names = ["alpha==1.0", "beta==2.0", "gamma==0.5", "heavy==1.2", "heavy-core==1.0", "odd==0.9"]
    lock = tmp_path / "requirements.txt"
    lock.write_text("\n".join(names) + "\n")
    prefix = tmp_path / "venv"
    python = str(prefix / "bin" / "python")
    planned = load_plan(_json("plan", str(lock), "--index-url", index.url, "--interpreter", python))
    _install(prefix, wheels, *names)
    scanned = parse(json.loads(_json("scan", "--env", str(prefix), "--no-cache", str(tmp_path))))
    measured = scanned.own_bytes()
    predicted = {d["name"]: d["installed_bytes"] for d in planned["distributions"]}
    assert predicted == {name: measured[name] for name in predicted}
    assert set(measured) - set(predicted) <= {"pip", "setuptools"}


def test_plan_diff__added_bytes_equal_the_exclusive_size_scan_reports(
    tmp_path: Path, wheels: Path, index: IndexServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    prefix = tmp_path / "venv"
    interpreter = str(prefix / "bin" / "python")
    old, new = FIXTURES / "app" / "uv.lock", FIXTURES / "app-new" / "uv.lock"
    diff = load_plan_diff(_json("plan", "--diff", str(old), str(new), "--index-url", index.url,
                                "--interpreter", interpreter))  # fmt: skip
    _install(prefix, wheels, "alpha==1.0", "gamma==0.5", "heavy==1.2")
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("alpha\ngamma\nheavy\n")
    scanned = parse(json.loads(_json("scan", str(project), "--env", str(prefix), "--no-cache")))
    rows = scanned.rows()
    added = {c["name"]: c for c in diff["changes"] if c["kind"] == "added"}
    assert set(added) == {"heavy", "heavy-core"}
    assert diff["added_by_requirement"] == {"heavy": rows["heavy"].exclusive_bytes}
    assert sum(c["new_bytes"] or 0 for c in added.values()) == rows["heavy"].exclusive_bytes
