"""Verdicts before installing, against the same project once installed.

A small index of wheels written here; a project that imports ``webkit`` (whose code imports
``formparse`` inside a function), runs ``clikit``'s console script from its Procfile, and
declares two requirements nothing uses (``bloat``, with its private ``bloat-core``, and
``stale``). ``depsize scan/trim --lock`` judges the project against the lock (planned), then pip
installs the lock into a fresh venv and ``--env`` judges it (installed): the verdicts must agree,
and the trimmed file written before installing must install and run the app.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from depsize.cli import main
from depsize.usedby import CODE_NOT_READ
from functional.conftest import clean_environ, run
from support.plan_index import IndexServer, serve_index
from support.plan_project import LOCK, WHEELS, write_project
from support.wheels import write_wheels

pytestmark = pytest.mark.venv


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    write_wheels(WHEELS, folder)
    return folder


@pytest.fixture
def index(wheels: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[IndexServer]:
    with serve_index(wheels) as server:
        monkeypatch.setenv("PIP_INDEX_URL", server.url)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def _install(prefix: Path, wheels: Path, requirements: Path) -> Path:
    run([sys.executable, "-m", "venv", "--without-pip", str(prefix)])
    python = prefix / "bin" / "python"
    run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install"),
            *("--no-index", "--find-links", str(wheels), "--no-compile"),
            *("--disable-pip-version-check", "--no-input", "--quiet", "-r", str(requirements)),
        ]
    )
    return python


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _report(*args: str) -> dict[str, dict[str, object]]:
    report = json.loads(_invoke("scan", *args, "--format", "json"))
    return {r["name"]: r for r in report["requirements"]}


def _verdicts(report: dict[str, dict[str, object]]) -> dict[str, tuple[object, ...]]:
    return {
        name: (r["status"], r["confidence"], r["confidence_reason"]) for name, r in report.items()
    }


def test_planned_verdicts__agree_with_the_installed_ones__and_the_trimmed_file_runs_the_app(
    tmp_path: Path, wheels: Path, index: IndexServer, project: Path
) -> None:
    lock = tmp_path / "lock" / "pinned.txt"
    lock.parent.mkdir()
    lock.write_text(LOCK)

    planned = _verdicts(_report(str(project), "--lock", str(lock)))
    planned_code_report = _report(str(project), "--lock", str(lock), "--read-code")
    planned_code = _verdicts(planned_code_report)
    trimmed_planned = tmp_path / "trimmed-planned.txt"
    trimmed_likely = tmp_path / "trimmed-likely.txt"
    trim_args = ("trim", str(project), "--lock", str(lock))
    kept = CliRunner().invoke(main, [*trim_args, "-o", str(trimmed_likely)])
    _invoke(*trim_args, "--read-code", "-o", str(trimmed_planned))

    venv = tmp_path / "venv"
    _install(venv, wheels, lock)
    installed_report = _report(str(project), "--env", str(venv), "--no-cache")
    installed = _verdicts(installed_report)
    trimmed_installed = tmp_path / "trimmed-installed.txt"
    _invoke("trim", str(project), "--env", str(venv), "--no-cache", "-o", str(trimmed_installed))

    assert installed == {
        "webkit": ("used", None, None),
        "clikit": ("command", None, None),
        "formparse": ("used-by-dependency", None, None),
        "bloat": ("unused", "certain", None),
        "stale": ("unused", "certain", None),
    }
    # with the libraries' code read from the wheels, the planned verdicts are the installed ones
    assert planned_code == installed
    evidence = {name: r["evidence"] for name, r in installed_report.items()}
    assert {name: r["evidence"] for name, r in planned_code_report.items()} == evidence
    assert evidence["formparse"] == [
        {
            "file": "site-packages/webkit/forms.py",
            "line": 2,
            "text": "formparse imported by webkit, for webkit's parse (inside a function)",
            "kind": "dependency",
            "scope": "live",
        }
    ]
    # without it, what the unread code decides is 'likely': formparse (webkit imports it inside
    # a function) looks unused; bloat and stale are unused, but not certainly so
    likely = ("unused", "likely", CODE_NOT_READ)
    assert planned == {**installed, "formparse": likely, "bloat": likely, "stale": likely}

    # trim removes only certain verdicts: nothing without the code, the two unused with it,
    # and the file written before installing is the one written after
    assert kept.exit_code == 0, kept.output
    assert not trimmed_likely.exists()
    assert "nothing to change" in kept.stderr
    assert "kept 3 requirement(s) whose verdict is only 'likely' (formparse, bloat, stale)" in (
        " ".join(kept.stderr.split())
    )
    assert trimmed_planned.read_text() == trimmed_installed.read_text()
    lines = [line for line in trimmed_planned.read_text().splitlines() if not line.startswith("#")]
    assert lines == ["webkit==1.0", "clikit==2.0", "formparse==0.3"]

    fresh = tmp_path / "fresh"
    python = _install(fresh, wheels, trimmed_planned)
    script = "import app; print(app.handle('a=1'))"
    done = subprocess.run(
        [str(python), "-c", script],
        cwd=project,
        capture_output=True,
        text=True,
        env=clean_environ(),
        check=True,
        timeout=120,
    )
    assert done.stdout.strip() == "{'a': '1'}"
    assert (fresh / "bin" / "clikit-serve").is_file()
    site = next((fresh / "lib").glob("python3*/site-packages"))
    assert not list(site.glob("bloat*"))
    assert not list(site.glob("stale*"))
