"""Output options: scan's --fail-on, --color, --by, --binary-units, COLUMNS; check's
--format; -h and -V."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from depsize import __version__
from depsize.cli import main
from depsize.report.console import terminal_width, use_color
from depsize.units import binary_units, human
from support.site_packages import DistSpec, make_site_packages

DISTS = [
    DistSpec("webframe", files={"webframe/__init__.py": 1000}, requires=("netcore",)),
    DistSpec("netcore", files={"netcore/__init__.py": 2000}),
    DistSpec("oldclient", files={"oldclient/__init__.py": 3000}),
    DistSpec("bigblob", files={"bigblob/__init__.py": 90_000}),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    make_site_packages(tmp_path, DISTS)
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("webframe\noldclient\nbigblob\n")
    (project / "main.py").write_text("import webframe\nimport bigblob\n")
    return project


def _scan(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    argv = ["scan", str(project), "--env", str(project.parent / "env"), "--no-cache", *args]
    return CliRunner().invoke(main, argv, env={"DEPSIZE_PROGRESS": "0", **(env or {})})


def test_scan__fail_on_unused_with_an_unused_requirement__exits_1_naming_it(
    project: Path,
) -> None:
    result = _scan(project, "--fail-on", "unused,dead-code-only")

    assert result.exit_code == 1, result.output
    assert "depsize: --fail-on: 1 requirement(s) found: oldclient (unused)" in result.stderr
    assert "requirements.txt:2: oldclient (unused)" in result.stdout  # the report still prints


def test_scan__fail_on_a_status_nobody_has__exits_0(project: Path) -> None:
    result = _scan(project, "--fail-on", "not-installed", "--format", "json")

    assert result.exit_code == 0, result.output
    assert "--fail-on" not in result.stderr


def test_scan__fail_on_unknown_status__exits_2_listing_the_statuses(project: Path) -> None:
    result = _scan(project, "--fail-on", "unused,bogus")

    assert result.exit_code == 2
    assert (
        "--fail-on accepts statuses separated by commas (unused, dead-code-only, " in result.stderr
    )
    assert "got 'unused,bogus'" in result.stderr


def test_scan__plain_output__every_finding_line_starts_with_file_and_line(project: Path) -> None:
    result = _scan(project)

    assert result.exit_code == 0, result.output
    findings = result.stdout.split("Unused:\n")[1].split("\n\n")[0].splitlines()
    assert len(findings) == 1
    assert re.fullmatch(
        r"requirements\.txt:2: oldclient \(unused\): nothing imports it, runs it, configures "
        r"it or needs it; removing it alone frees \d\.\d kB",
        findings[0],
    )


@pytest.mark.parametrize(
    ("option", "env", "escapes"),
    [
        ("auto", {}, False),  # CliRunner's stdout is no terminal
        ("auto", {"FORCE_COLOR": "1"}, True),
        ("always", {"NO_COLOR": "1"}, True),
        ("never", {"FORCE_COLOR": "1"}, False),
    ],
)
def test_scan__color_option_and_environment__colour_as_asked(
    project: Path, option: str, env: dict[str, str], escapes: bool
) -> None:
    result = _scan(project, "--color", option, env=env)

    assert result.exit_code == 0, result.output
    assert ("\x1b[" in result.stdout) is escapes


def test_scan__columns_40__table_fits_and_names_the_columns_left_out(project: Path) -> None:
    result = _scan(project, env={"COLUMNS": "40"})

    assert result.exit_code == 0, result.output
    table = result.stdout.split("\n\n")[1].splitlines()
    assert table[0].split() == ["requirement", "status", "exclusive"]
    assert max(len(line) for line in table) <= 40
    assert "…" not in result.stdout
    assert "Columns left out to fit 40 columns: share, own, closure, declared at" in " ".join(table)


def test_scan__by_distribution__only_the_distributions_largest_first(project: Path) -> None:
    result = _scan(project, "--by", "distribution")

    assert result.exit_code == 0, result.output
    table = result.stdout.split("\n\n")[1].splitlines()
    assert table[0].split() == ["distribution", "own", "pulled", "in", "by", "(status)"]
    assert [line.split()[0] for line in table[1:]] == [
        "bigblob",
        "oldclient",
        "netcore",
        "webframe",
    ]
    assert re.match(r"netcore 1\.0 +\d\.\d kB  webframe \(used\)$", table[3])
    assert "requirement  status" not in result.stdout


def test_cli__short_help_and_version__work_like_the_long_ones() -> None:
    assert CliRunner().invoke(main, ["-V"]).stdout == f"depsize, version {__version__}\n"
    short, long = (
        CliRunner().invoke(main, ["scan", "-h"]),
        CliRunner().invoke(main, ["scan", "--help"]),
    )
    assert short.exit_code == 0
    assert short.stdout == long.stdout
    assert "--fail-on STATUS,..." in short.stdout


def test_use_color__no_color_empty__ignored_as_no_color_org_says() -> None:
    assert use_color("auto", io.StringIO(), {"NO_COLOR": "", "FORCE_COLOR": "1"}) is True
    assert use_color("auto", io.StringIO(), {"NO_COLOR": "1"}) is False


def test_terminal_width__columns_set_or_piped__columns_or_none() -> None:
    assert terminal_width(io.StringIO(), {"COLUMNS": "132"}) == 132
    assert terminal_width(io.StringIO(), {"COLUMNS": "wide"}) is None
    assert terminal_width(io.StringIO(), {}) is None


def _check(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    argv = ["check", str(project), "--env", str(project.parent / "env"), "--no-cache", *args]
    return CliRunner().invoke(main, argv, env={"DEPSIZE_PROGRESS": "0", **(env or {})})


def test_check__format_json__the_outcome_as_data(project: Path) -> None:
    result = _check(project, "--max-unused", "0", "--format", "json")

    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["failed"] is True
    assert data["exit_code"] == 1
    [violation] = data["violations"]
    assert (violation["budget"], violation["measured"], violation["limit"]) == ("max-unused", 1, 0)
    assert violation["contributors"][0]["name"] == "oldclient"
    assert violation["contributors"][0]["file"] == "requirements.txt"
    assert violation["contributors"][0]["line"] == 2


def test_check__format_markdown__the_step_summary(project: Path) -> None:
    result = _check(project, "--max-unused", "0", "--format", "markdown")

    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("## depsize check: ❌ 1 of 1 budgets broken\n")
    assert "| ❌ FAIL | `max-unused` |" in result.stdout


def test_check__format_github_outside_actions__text_and_annotations(project: Path) -> None:
    result = _check(project, "--max-unused", "0", "--format", "github", env={"GITHUB_ACTIONS": ""})

    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("FAIL unused requirements")
    assert result.stdout.splitlines()[-1].startswith(
        "::error file=requirements.txt,line=2,title=depsize check%3A max-unused::oldclient"
    )
    plain = _check(project, "--max-unused", "0", env={"GITHUB_ACTIONS": ""})
    assert "::error" not in plain.stdout


def test_scan__binary_units__sizes_in_kib(project: Path) -> None:
    result = _scan(project, "--binary-units")

    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith("bigblob "))
    assert re.search(r" 88\.\d KiB ", row), row
    assert " kB" not in result.stdout


def test_human__binary_units__powers_of_1024() -> None:
    assert human(1_234_567) == "1.2 MB"
    with binary_units():
        assert human(1_234_567) == "1.2 MiB"
        assert human(1023) == "1023 B"
        assert human(1024) == "1.0 KiB"
        assert human(5 * 1024**3) == "5.0 GiB"
    assert human(1024) == "1.0 kB"


def test_cli__bash_completion_source__a_completion_script() -> None:
    result = CliRunner().invoke(
        main, [], prog_name="depsize", env={"_DEPSIZE_COMPLETE": "bash_source"}
    )

    assert result.exit_code == 0
    assert "_depsize_completion()" in result.stdout
    assert "complete -o nosort -F _depsize_completion depsize" in result.stdout


def _undeclared(project: Path, *args: str) -> list[str]:
    result = _scan(project, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return sorted(item["module"] for item in json.loads(result.stdout)["undeclared"])


def test_scan__exclude_flags__replace_or_extend_the_configured_globs(project: Path) -> None:
    (project / "legacy").mkdir()
    (project / "legacy" / "old.py").write_text("import netcore\n")
    (project / "scripts").mkdir()
    (project / "scripts" / "tool.py").write_text("import sentry_sdk\n")
    (project / "pyproject.toml").write_text('[tool.depsize]\nexclude = ["legacy"]\n')

    assert _undeclared(project) == ["sentry_sdk"]
    assert _undeclared(project, "--extend-exclude", "scripts") == []
    assert _undeclared(project, "--exclude", "scripts") == ["netcore"]


def test_scan__markdown_by_distribution__one_table_of_distributions(project: Path) -> None:
    result = _scan(project, "--format", "markdown", "--by", "distribution")

    assert result.exit_code == 0, result.output
    tables = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert tables[0] == "| distribution | own | pulled in by (status) |"
    assert [row.split(" | ")[0] for row in tables[1:]] == [
        "| bigblob 1.0",
        "| oldclient 1.0",
        "| netcore 1.0",
        "| webframe 1.0",
    ]
