"""The CLI on a project: configuration, ignores, input errors and `depsize diff`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from depsize.cli import main
from support.site_packages import DistSpec, make_site_packages

DISTS = [
    DistSpec("webframe", files={"webframe/__init__.py": 1000}, requires=("netcore",)),
    DistSpec("netcore", files={"netcore/__init__.py": 2000}),
    DistSpec("oldclient", files={"oldclient/__init__.py": 3000}),
    DistSpec("leftpad", files={"leftpad.py": 400}),
]


def _project(tmp_path: Path, requirements: str, pyproject: str = "") -> tuple[Path, Path]:
    built = make_site_packages(tmp_path, DISTS)
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text(requirements)
    (project / "main.py").write_text("import webframe\nimport leftpad\n")
    if pyproject:
        (project / "pyproject.toml").write_text(pyproject)
    return project, built.prefix


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env={"DEPSIZE_PROGRESS": "0"})


def _scan_json(project: Path, env: Path, *extra: str) -> dict[str, Any]:
    result = _run("scan", project, "--env", env, "--no-cache", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_cli_scan__config_ignore_per_status__verdict_kept_and_marked(tmp_path: Path) -> None:
    project, env = _project(
        tmp_path,
        "webframe\noldclient\n",
        '[tool.depsize]\nignore = { unused = ["oldclient"], undeclared = ["leftpad"] }\n',
    )
    data = _scan_json(project, env)
    by_name = {r["name"]: r for r in data["requirements"]}
    assert by_name["oldclient"]["status"] == "unused"
    assert by_name["oldclient"]["ignored"] is True
    assert data["summary"]["removable"] == []
    assert data["undeclared"] == []  # leftpad is imported, undeclared, and ignored

    text = _run("scan", project, "--env", env, "--no-cache")
    assert text.exit_code == 0, text.output
    assert "ignored by [tool.depsize]" in text.stdout
    assert "oldclient (unused)" in text.stdout


def test_cli_scan__config_unknown_key__exit_2_names_the_key(tmp_path: Path) -> None:
    project, env = _project(tmp_path, "webframe\n", "[tool.depsize]\nignor = ['x']\n")
    result = _run("scan", project, "--env", env)
    assert result.exit_code == 2
    assert "ignor" in result.stderr
    assert "known keys" in result.stderr
    assert "Traceback" not in result.output


def test_cli_scan__missing_include__exit_2_names_file_and_line(tmp_path: Path) -> None:
    project, env = _project(tmp_path, "webframe\n-r missing.txt\n")
    result = _run("scan", project, "--env", env)
    assert result.exit_code == 2
    assert "missing.txt" in result.stderr
    assert "requirements.txt:2" in result.stderr
    assert "Traceback" not in result.output


def test_cli_scan__invalid_toml__exit_2_with_position(tmp_path: Path) -> None:
    project, env = _project(tmp_path, "webframe\n", '[project]\nname = = "x"\n')
    (project / "requirements.txt").unlink()
    result = _run("scan", project, "--env", env)
    assert result.exit_code == 2
    assert "pyproject.toml" in result.stderr
    assert "line 2" in result.stderr
    assert "Traceback" not in result.output


def test_cli_scan__unparsable_line__warned_with_file_line_and_rest_read(tmp_path: Path) -> None:
    project, env = _project(tmp_path, "webframe\nthis is not a requirement!!\noldclient\n")
    data = _scan_json(project, env)
    assert {r["name"] for r in data["requirements"]} == {"webframe", "oldclient"}
    assert any(w["line"] == 2 and w["file"].endswith("requirements.txt") for w in data["warnings"])


def test_cli_scan__nothing_declared__falls_back_with_a_note(tmp_path: Path) -> None:
    project, env = _project(tmp_path, "")
    data = _scan_json(project, env)
    assert data["roots_from"] == "unrequired"
    assert any("declares no requirements" in note for note in data["notes"])


def test_cli_scan__markdown_to_file__written(tmp_path: Path) -> None:
    project, env = _project(tmp_path, "webframe\noldclient\n")
    out = tmp_path / "report.md"
    result = _run("scan", project, "--env", env, "--no-cache", "--format", "markdown", "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("## depsize report")
    assert "| oldclient | unused |" in text


def test_cli_diff__grown_and_removed__reported_by_bytes(tmp_path: Path) -> None:
    project, env = _project(tmp_path, "webframe\noldclient\n")
    before = tmp_path / "before.json"
    assert (
        _run(
            "scan", project, "--env", env, "--no-cache", "--format", "json", "-o", before
        ).exit_code
        == 0
    )
    site = env / "lib" / "python3.11" / "site-packages"
    (site / "netcore" / "extra.bin").write_bytes(b"\0" * 5000)  # unowned: counts in the total
    shutil.rmtree(site / "oldclient-1.0.dist-info")
    shutil.rmtree(site / "oldclient")
    after = tmp_path / "after.json"
    assert (
        _run("scan", project, "--env", env, "--no-cache", "--format", "json", "-o", after).exit_code
        == 0
    )

    result = _run("diff", before, after)
    assert result.exit_code == 0, result.output
    old = json.loads(before.read_text())
    new = json.loads(after.read_text())
    delta = new["env"]["total_bytes"] - old["env"]["total_bytes"]
    assert f"{delta:+,} bytes" in result.stdout
    assert "Disappeared (1" in result.stdout
    assert "oldclient" in result.stdout
    assert "oldclient: unused → not-installed" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"schema_version": 2}', "schema_version 2"),
        ("{trunc", "is not valid JSON"),
        ('{"schema_version": 1}', "report: depsize_version is missing"),
    ],
)
def test_cli_diff__bad_report__exit_2_says_what_was_expected(
    tmp_path: Path, content: str, expected: str
) -> None:
    good = tmp_path / "good.json"
    project, env = _project(tmp_path, "webframe\n")
    assert (
        _run("scan", project, "--env", env, "--no-cache", "--format", "json", "-o", good).exit_code
        == 0
    )
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = _run("diff", good, bad)
    assert result.exit_code == 2
    assert expected in result.stderr
