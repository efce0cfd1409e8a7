"""Bad input through the command line: exit codes, one-line warnings, never a traceback."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from depsize.cli import main
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

HINT_OPTIONS = ("--env DIR", "--python PATH", "--site-packages DIR")


def _invoke(args: list[str]) -> Any:
    return CliRunner().invoke(main, args, catch_exceptions=False)


def _project(root: Path) -> str:
    """An empty project folder: no declared requirements, no imports."""
    project = root / "project"
    project.mkdir(exist_ok=True)
    return str(project)


def _assert_clean_failure(result: Any, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("depsize: error: ")
    for text in expected:
        assert text in lines[0]


def _regular_bytes(site: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(site):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            total += st.st_size if stat.S_ISREG(st.st_mode) else 0
    return total


def _scan_json(built: BuiltEnv) -> tuple[dict[str, Any], list[str]]:
    """Scan ``built`` as JSON; return the report and the warning lines on stderr."""
    result = _invoke(
        [
            "scan",
            _project(built.prefix.parent),
            "--env",
            str(built.prefix),
            "--format",
            "json",
            "-v",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert all(line.startswith("depsize: warning: ") for line in lines), lines
    return json.loads(result.stdout), lines


def _warnings_naming(lines: list[str], path: Path) -> list[str]:
    return [line for line in lines if f"depsize: warning: {path}" in line]


# --- not an environment, missing paths ------------------------------------------------------


def test_cli_scan__env_is_not_an_environment__exit_2_says_what_was_looked_for(
    tmp_path: Path,
) -> None:
    (tmp_path / "notes.txt").write_text("not a venv\n")

    result = _invoke(["scan", _project(tmp_path), "--env", str(tmp_path)])

    _assert_clean_failure(
        result,
        f"{tmp_path} is not a Python environment",
        "lib/pythonX.Y/site-packages",
        "Lib/site-packages",
        *HINT_OPTIONS,
    )


@pytest.mark.parametrize("option", ["--env", "--site-packages", "--python"])
def test_cli_scan__missing_path__exit_2_naming_it(tmp_path: Path, option: str) -> None:
    missing = tmp_path / "gone"

    result = _invoke(["scan", _project(tmp_path), option, str(missing)])

    _assert_clean_failure(result, str(missing), *HINT_OPTIONS)


def test_cli_scan__python_is_not_an_interpreter__exit_2_naming_it(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("not a program\n")

    result = _invoke(["scan", _project(tmp_path), "--python", str(fake)])

    _assert_clean_failure(result, f"--python {fake}", *HINT_OPTIONS)


def test_cli_why__missing_env__exit_2(tmp_path: Path) -> None:
    result = _invoke(["why", "idna", _project(tmp_path), "--env", str(tmp_path / "gone")])

    _assert_clean_failure(result, str(tmp_path / "gone"))


def test_cli_why__name_not_installed__exit_2_naming_it(tmp_path: Path) -> None:
    built = make_site_packages(tmp_path, [DistSpec("alpha", files={"alpha.py": 10})])

    result = _invoke(["why", "omega", _project(tmp_path), "--env", str(built.prefix)])

    _assert_clean_failure(result, "omega is not installed")


def test_cli_scan__help__documents_exit_codes() -> None:
    result = _invoke(["scan", "--help"])

    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "0 success" in text
    assert "2 usage or input error" in text
    assert "3 internal error" in text


# --- damaged distributions: a warning naming the file, the scan goes on -------------------


def _env_with(tmp_path: Path, *specs: DistSpec) -> BuiltEnv:
    return make_site_packages(
        tmp_path, [DistSpec("intact", files={"intact/__init__.py": 1000}), *specs]
    )


def _assert_scan_goes_on(data: dict[str, Any], built: BuiltEnv, *names: str) -> None:
    assert data["env"]["total_bytes"] == _regular_bytes(built.site)
    by_name = {d["name"]: d for d in data["distributions"]}
    assert by_name["intact"]["own_bytes"] == built.own("intact")
    assert set(names) <= set(by_name)


def test_cli_scan__metadata_not_utf8__warns_and_goes_on(tmp_path: Path) -> None:
    built = _env_with(tmp_path, DistSpec("garbled", files={"garbled/__init__.py": 10}))
    metadata = built.site / "garbled-1.0.dist-info" / "METADATA"
    metadata.write_bytes(b"\xff\xfe\x00Name\x80: \x81\n")

    data, lines = _scan_json(built)

    assert any("not valid UTF-8" in line for line in _warnings_naming(lines, metadata)), lines
    _assert_scan_goes_on(data, built, "garbled")


def test_cli_scan__unparsable_requires_dist__one_line_warning(tmp_path: Path) -> None:
    built = _env_with(
        tmp_path, DistSpec("picky", requires=("intact >>> 1",), files={"picky.py": 3})
    )

    data, lines = _scan_json(built)

    named = _warnings_naming(lines, built.site / "picky-1.0.dist-info")
    assert len(named) == 1, lines
    assert "unparsable Requires-Dist 'intact >>> 1'" in named[0]
    _assert_scan_goes_on(data, built, "picky")


def test_cli_scan__record_rows_malformed__warns_with_line_and_goes_on(tmp_path: Path) -> None:
    built = _env_with(tmp_path, DistSpec("ragged", files={"ragged/__init__.py": 10}))
    record = built.site / "ragged-1.0.dist-info" / "RECORD"
    record.write_text("ragged/__init__.py,,10\nonly-one-column\n,,\n")

    data, lines = _scan_json(built)

    named = _warnings_naming(lines, record)
    assert [line.split(": ")[2] for line in named] == [f"{record}:2", f"{record}:3"]
    _assert_scan_goes_on(data, built, "ragged")
    ragged = next(d for d in data["distributions"] if d["name"] == "ragged")
    assert ragged["own_bytes"] >= 10


def test_cli_scan__record_not_csv__warns_and_goes_on(tmp_path: Path) -> None:
    built = _env_with(tmp_path, DistSpec("huge", files={"huge/__init__.py": 10}))
    record = built.site / "huge-1.0.dist-info" / "RECORD"
    record.write_text("x" * 200_000 + ",,\n")

    data, lines = _scan_json(built)

    assert any("not valid CSV" in line for line in _warnings_naming(lines, record)), lines
    _assert_scan_goes_on(data, built, "huge")


def test_cli_scan__record_is_a_folder__warns_not_a_file_and_goes_on(tmp_path: Path) -> None:
    built = _env_with(tmp_path, DistSpec("odd", files={"odd/__init__.py": 10}))
    record = built.site / "odd-1.0.dist-info" / "RECORD"
    record.unlink()
    record.mkdir()

    data, lines = _scan_json(built)

    named = _warnings_naming(lines, record)
    assert any("not a regular file" in line for line in named), lines
    assert not any("no RECORD" in line for line in named), lines  # it is there, just unreadable
    _assert_scan_goes_on(data, built, "odd")


def test_cli_scan__metadata_is_a_symlink_loop__warns_and_goes_on(tmp_path: Path) -> None:
    built = _env_with(tmp_path, DistSpec("looped", files={"looped/__init__.py": 10}))
    metadata = built.site / "looped-1.0.dist-info" / "METADATA"
    metadata.unlink()
    metadata.symlink_to("METADATA")

    data, lines = _scan_json(built)

    assert any("cannot read" in line for line in _warnings_naming(lines, metadata)), lines
    _assert_scan_goes_on(data, built, "looped")


@pytest.fixture
def permissions_enforced(tmp_path: Path) -> None:
    """Skip where file modes do not stop this process (root with CAP_DAC_OVERRIDE)."""
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0)
    try:
        probe.read_text()
    except PermissionError:
        return
    finally:
        probe.unlink()
    pytest.skip("this process reads files whatever their mode (root)")


@pytest.mark.usefixtures("permissions_enforced")
def test_cli_scan__record_unreadable__warns_and_goes_on(tmp_path: Path) -> None:
    built = _env_with(tmp_path, DistSpec("locked", files={"locked/__init__.py": 10}))
    record = built.site / "locked-1.0.dist-info" / "RECORD"
    record.chmod(0)
    try:
        data, lines = _scan_json(built)
    finally:
        record.chmod(0o644)

    assert any("cannot read" in line for line in _warnings_naming(lines, record)), lines
    _assert_scan_goes_on(data, built, "locked")


@pytest.mark.usefixtures("permissions_enforced")
def test_cli_scan__folder_unreadable__warns_and_goes_on(tmp_path: Path) -> None:
    built = _env_with(tmp_path, DistSpec("shut", files={"shut/data/blob.bin": 10}))
    folder = built.site / "shut" / "data"
    folder.chmod(0)
    try:
        result = _invoke(
            [
                "scan",
                _project(built.prefix.parent),
                "--env",
                str(built.prefix),
                "--format",
                "json",
                "-v",
            ]
        )
    finally:
        folder.chmod(0o755)

    assert result.exit_code == 0, result.output
    assert any(
        "cannot list folder" in line and str(folder) in line for line in result.stderr.splitlines()
    )


def test_cli_scan__symlink_loops_in_site_packages__not_followed_and_warned(
    tmp_path: Path,
) -> None:
    built = _env_with(
        tmp_path,
        DistSpec("loopy", files={"loopy/__init__.py": 10}, extra_record_rows=("loop_a/mod.py",)),
    )
    (built.site / "loop_a").symlink_to("loop_b")
    (built.site / "loop_b").symlink_to("loop_a")
    (built.site / "loopy" / "again").symlink_to(".")

    data, lines = _scan_json(built)

    listed = built.site / "loop_a" / "mod.py"
    assert len(_warnings_naming(lines, listed)) == 1, lines
    _assert_scan_goes_on(data, built, "loopy")
    loopy = next(d for d in data["distributions"] if d["name"] == "loopy")
    assert loopy["own_bytes"] == built.own("loopy")
