"""Generated locks beside their source, scanned through the CLI against a real venv.

The locks are real tool output kept as produced (see ``tests/unit/requirements/
test_requirements_locks.py``): ``uv export`` of ``uv-export/pyproject.toml`` and
``pip-compile`` of ``pip-compile/requirements.in``. The venv (``real_venv``) holds requests,
rich and their dependencies, pygments among them.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from depsize.cli import main

from .conftest import RealVenv, build_venv, run

pytestmark = pytest.mark.venv

FIXTURES = Path(__file__).parents[1] / "fixtures" / "requirements"
APP = "import requests\nimport rich\nimport pygments\n"


def _project(tmp_path: Path, fixture: str) -> Path:
    project = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, project)
    (project / "app.py").write_text(APP)
    return project


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env={"DEPSIZE_PROGRESS": "0"})


def _scan(project: Path, venv: RealVenv) -> dict[str, Any]:
    result = _run("scan", project, "--env", venv.prefix, "--no-cache", "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _line_of(path: Path, start: str) -> int:
    lines = path.read_text().splitlines()
    return next(n for n, text in enumerate(lines, start=1) if text.startswith(start))


@pytest.mark.parametrize(
    ("fixture", "source", "reason"),
    [
        ("uv-export", "pyproject.toml", "its header says uv export generated it"),
        ("pip-compile", "requirements.in", "its header says pip-compile generated it"),
    ],
)
def test_cli_scan__lock_beside_its_source__source_judged_lock_only_import_undeclared(
    tmp_path: Path, real_venv: RealVenv, fixture: str, source: str, reason: str
) -> None:
    project = _project(tmp_path, fixture)
    data = _scan(project, real_venv)
    rows = {r["name"]: r for r in data["requirements"]}
    assert {n: r["status"] for n, r in rows.items()} == {"requests": "used", "rich": "used"}
    lock_line = _line_of(project / "requirements.txt", "requests==2.32.3")
    source_line = _line_of(
        project / source, '    "requests' if fixture == "uv-export" else "requests"
    )
    assert [(s["file"], s["line"], s["lock"]) for s in rows["requests"]["sources"]] == [
        (source, source_line, False),
        ("requirements.txt", lock_line, True),
    ]
    assert rows["requests"]["source"]["file"] == source
    undeclared = {u["module"]: u for u in data["undeclared"]}
    assert set(undeclared) == {"pygments"}  # the lock lists it; the source does not
    assert undeclared["pygments"]["installed"] is True
    assert undeclared["pygments"]["required_by"] == ["rich"]
    assert data["declarations"]["locks"] == [
        {"file": "requirements.txt", "reason": reason, "generated_from": [source], "note": None}
    ]

    text = _run("scan", project, "--env", real_venv.prefix, "--no-cache")
    assert text.exit_code == 0, text.output
    assert (
        f"requirements.txt: a generated lock ({reason}); {source} judged instead, "
        "the lock gives the versions"
    ) in text.stdout
    assert (
        "app.py:3: pygments (pygments) is imported, not declared: "
        "installed only as a dependency of rich" in text.stdout
    )


def test_cli_trim__unused_name_in_source_and_lock__both_lines_removed(
    tmp_path: Path, real_venv: RealVenv
) -> None:
    project = _project(tmp_path, "pip-compile")
    (project / "app.py").write_text("import requests\n")
    result = _run("trim", project, "--env", real_venv.prefix, "--no-cache", "--in-place")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r'requests==2\.32\.3\n# depsize: removed "rich==13\.9\.4" \(unused, frees [^)]+\)\n',
        (project / "requirements.in").read_text(),
    )
    lock = (project / "requirements.txt").read_text()
    assert '# depsize: removed "rich==13.9.4" (unused' in lock
    assert "markdown-it-py==" in lock  # its dependencies stay until the lock is regenerated
    said = result.stderr
    assert re.search(r"^depsize: requirements\.in:2: removed rich \(unused", said, re.MULTILINE)
    assert re.search(r"^depsize: requirements\.txt:\d+: removed rich \(unused", said, re.MULTILINE)


def test_cli_trim__hashed_uv_lock__fresh_venv_from_trimmed_lock_runs_app(
    tmp_path: Path, real_venv: RealVenv
) -> None:
    """rich is unused: trim removes it from pyproject.toml and from the hashed lock; pip then
    installs the trimmed lock in hash-checking mode and the app runs without rich."""
    project = _project(tmp_path, "uv-export")
    (project / "app.py").write_text("import requests\n\nprint(requests.utils.quote('a b'))\n")
    result = _run("trim", project, "--env", real_venv.prefix, "--no-cache", "--in-place")
    assert result.exit_code == 0, result.output
    lock = (project / "requirements.txt").read_text()
    assert "\nrich==" not in lock
    assert '# depsize: removed "rich==13.9.4 --hash=sha256:' in lock
    pyproject = (project / "pyproject.toml").read_text()
    assert '    "rich==13.9.4",\n' not in pyproject
    assert '    # depsize: removed "rich==13.9.4" (unused' in pyproject

    fresh = build_venv(
        Path(sys.executable),
        tmp_path / "fresh",
        ("--require-hashes", "-r", str(project / "requirements.txt")),
    )
    assert run([str(fresh.python), str(project / "app.py")]) == "a%20b\n"
    missing = "import importlib.util as u; print(u.find_spec('rich') is None)"
    assert run([str(fresh.python), "-c", missing]) == "True\n"
