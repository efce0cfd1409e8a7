"""Verdicts before installing (``scan/trim --lock``, ``plan --project``) against an index of
wheels written here and served in-process; what pip would install is checked in
``test_plan_verdicts_venv.py``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from depsize.cli import main
from depsize.plan.judge import PLUGIN_NOT_READ
from depsize.usedby import CODE_NOT_READ
from support.plan_index import IndexServer, serve_index
from support.plan_project import LOCK, WHEELS, write_project
from support.wheels import WheelSpec, write_wheels

Rows = dict[str, tuple[str, str | None, str | None]]


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    write_wheels(WHEELS, folder)
    return folder


@pytest.fixture
def index(wheels: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[IndexServer]:
    with serve_index(wheels) as server:
        monkeypatch.setenv("PIP_INDEX_URL", server.url)
        yield server


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


@pytest.fixture
def lock(tmp_path: Path) -> Path:
    path = tmp_path / "lock" / "pinned.txt"
    path.parent.mkdir()
    path.write_text(LOCK)
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def rows(result: Result) -> Rows:
    report = json.loads(result.stdout)
    return {
        r["name"]: (r["status"], r["confidence"], r["confidence_reason"])
        for r in report["requirements"]
    }


def test_scan_lock__code_read_by_range_requests__cached_for_the_next_run(
    project: Path, lock: Path, index: IndexServer
) -> None:
    args = ("scan", str(project), "--lock", str(lock), "--read-code", "--format", "json")
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    assert rows(first)["formparse"] == ("used-by-dependency", None, None)
    fetched = [(path, ranged) for path, ranged in index.requests if path.startswith("/files/")]
    assert fetched
    assert all(ranged for _, ranged in fetched)  # never a whole wheel
    # only the code of what the project uses (webkit, webbase, clikit) was asked for
    assert index.files_sent("stale-0.9-py3-none-any.whl") == 1  # its listing, no code
    assert index.files_sent("webkit-1.0-py3-none-any.whl") >= 2

    before = len(index.requests)
    again = invoke(*args)
    assert again.exit_code == 0, again.output
    assert rows(again) == rows(first)
    files = [path for path, _ in index.requests[before:] if path.startswith("/files/")]
    assert all("webkit" not in path for path in files)  # read from the code cache


def test_plan_project__find_links__scan_report_of_the_planned_set(
    project: Path, lock: Path, wheels: Path
) -> None:
    args = ("plan", str(lock), "--project", str(project), "--find-links", str(wheels))
    without = invoke(*args, "--format", "json")
    with_code = invoke(*args, "--read-code", "--format", "json")

    assert without.exit_code == 0, without.output
    assert with_code.exit_code == 0, with_code.output
    likely = ("unused", "likely", CODE_NOT_READ)
    assert rows(without) == {
        "webkit": ("used", None, None),
        "clikit": ("command", None, None),
        "formparse": likely,
        "bloat": likely,
        "stale": likely,
    }
    assert rows(with_code) == {
        **rows(without),
        "formparse": ("used-by-dependency", None, None),
        "bloat": ("unused", "certain", None),
        "stale": ("unused", "certain", None),
    }
    notes = json.loads(without.stdout)["notes"]
    assert any("libraries' code not read" in note for note in notes)


def test_scan_lock__wheels_unavailable__verdicts_likely_said_so_exit_2(
    project: Path, lock: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with serve_index(empty) as server:
        monkeypatch.setenv("PIP_INDEX_URL", server.url)
        result = invoke("scan", str(project), "--lock", str(lock), "--format", "json")

    assert result.exit_code == 2, result.output
    assert "partial result: 7 wheels not read" in result.stderr
    found = rows(result)
    assert {name: row[:2] for name, row in found.items()} == {
        "webkit": ("used", None),  # by its name: nothing says otherwise
        "clikit": ("unused", "likely"),  # its console script is unknown without its wheel
        "formparse": ("unused", "likely"),
        "bloat": ("unused", "likely"),
        "stale": ("unused", "likely"),
    }
    reason = found["clikit"][2]
    assert reason is not None
    assert reason.startswith("planned: its wheel was not read (")
    assert reason.endswith("): what it provides is unknown")


def test_trim_lock__wheels_unavailable__nothing_removed_exit_2(
    project: Path, lock: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with serve_index(empty) as server:
        monkeypatch.setenv("PIP_INDEX_URL", server.url)
        result = invoke("trim", str(project), "--lock", str(lock))

    assert result.exit_code == 2, result.output
    assert result.stdout == ""  # no diff: nothing is certain
    assert "kept 4 requirement(s) whose verdict is only 'likely'" in " ".join(result.stderr.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--env", "."), "--lock judges a planned set: --env does not apply"),
        (("--read-code",), None),
    ],
)
def test_scan_lock__options_that_do_not_apply__usage_error(
    project: Path, lock: Path, args: tuple[str, ...], message: str | None
) -> None:
    lock_args = ("--lock", str(lock)) if message else ()
    result = invoke("scan", str(project), *lock_args, *args)
    assert result.exit_code == 2, result.output
    assert (message or "--read-code reads a planned set's wheels: give --lock") in result.output


def test_plan__read_code_without_project__usage_error(lock: Path) -> None:
    result = invoke("plan", str(lock), "--read-code")
    assert result.exit_code == 2
    assert "give --project" in result.output


def test_plan_project__pytest_plugin_unused__likely_its_modules_unread(
    tmp_path: Path, project: Path, wheels: Path
) -> None:
    plugin = WheelSpec(
        "pytest-fix",
        "1.0",
        contents={
            "pytest_fix/__init__.py": b"import pytest\n\n\n@pytest.fixture\n"
            b"def fix():\n    return 1\n",
            "pytest_fix-1.0.dist-info/entry_points.txt": b"[pytest11]\nfix = pytest_fix\n",
        },
    )
    write_wheels([plugin], wheels)
    (project / "requirements.txt").write_text("webkit==1.0\npytest-fix==1.0\n")
    lock = tmp_path / "two.txt"
    lock.write_text("webkit==1.0\nwebbase==1.0\npytest-fix==1.0\n")

    args = ("plan", str(lock), "--project", str(project), "--find-links", str(wheels))
    result = invoke(*args, "--read-code", "--format", "json")

    assert result.exit_code == 0, result.output
    assert rows(result)["pytest-fix"] == ("unused", "likely", PLUGIN_NOT_READ)


def test_plan_project__read_code__a_wheel_whose_code_is_corrupt__doubt_names_it(
    project: Path, lock: Path, wheels: Path
) -> None:
    wheel = wheels / "webkit-1.0-py3-none-any.whl"
    data = wheel.read_bytes()
    assert data.startswith(b"PK\x03\x04")  # the first member's local header: a code file
    wheel.write_bytes(b"XXXX" + data[4:])  # the directory and metadata at the end stay readable

    args = ("plan", str(lock), "--project", str(project), "--find-links", str(wheels))
    result = invoke(*args, "--read-code", "--format", "json")

    assert result.exit_code == 0, result.output
    status, confidence, reason = rows(result)["formparse"]
    assert (status, confidence) == ("unused", "likely")
    assert reason is not None
    assert reason.startswith("planned: the code of webkit could not be read (")
    assert "corrupt archive: no local header" in reason
    assert rows(result)["stale"][1] == "likely"


def test_plan__project_with_diff__usage_error(lock: Path, project: Path) -> None:
    result = invoke("plan", "--diff", str(lock), str(lock), "--project", str(project))
    assert result.exit_code == 2
    assert "--project judges one LOCK: not with --diff" in result.output
