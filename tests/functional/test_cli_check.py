"""``depsize check`` through the command line, on real synthetic site-packages: exit codes 0, 1
and 2, GitHub annotations, the baseline, and the internal-error path (exit 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from depsize.cli import main
from depsize.units import human
from support.reports import KB, spec, write_project
from support.site_packages import BuiltEnv, make_site_packages

CLEAN = {"DEPSIZE_PROGRESS": "0", "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""}


@pytest.fixture
def extras(tmp_path: Path) -> tuple[Path, BuiltEnv]:
    """web requires server[fast]; server's extra fast requires speedup (5 MB)."""
    env = make_site_packages(
        tmp_path,
        [
            spec("web", 1 * KB, ("server[fast]",)),
            spec("server", 2 * KB, ('speedup; extra == "fast"',), extras=("fast",)),
            spec("speedup", 5_000 * KB, ()),
        ],
    )
    project = write_project(
        tmp_path / "proj", {"requirements.txt": "web\n", "app.py": "import web\n"}
    )
    return project, env


def _check(project: Path, env: BuiltEnv, *args: str, **environ: str) -> Result:
    argv = ["check", str(project), "--env", str(env.prefix), "--no-cache", *args]
    return CliRunner().invoke(main, argv, env={**CLEAN, **environ})


def test_check__dist_reached_through_an_extra__names_and_annotates_the_declaring_line(
    extras: tuple[Path, BuiltEnv],
) -> None:
    project, env = extras
    result = _check(project, env, "--max-dist", "speedup=1MB", GITHUB_ACTIONS="true")

    assert result.exit_code == 1, result.output
    assert "declared by: web (requirements.txt:1)" in result.stdout
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert len(annotations) == 1
    assert annotations[0].startswith(
        "::error file=requirements.txt,line=1,title=depsize check%3A max-dist%3Aspeedup::web: "
        "distribution speedup: "
    )


def test_check__requirement_closure_through_an_extra__lists_speedup_first(
    extras: tuple[Path, BuiltEnv],
) -> None:
    project, env = extras
    result = _check(project, env, "--max-requirement", "web=1MB")

    assert result.exit_code == 1, result.output
    largest = result.stdout.split("its closure and the largest distributions in it: ")[1]
    parts = largest.splitlines()[0].split(", ")
    assert parts[0].startswith("web ")
    assert parts[0].endswith("[closure] (requirements.txt:1)")
    assert parts[1] == f"speedup {human(env.own('speedup'))} [own]"
    assert [p.split()[0] for p in parts[1:]] == ["speedup", "server", "web"]


def test_check__within_budget__exit_0_and_no_annotation(extras: tuple[Path, BuiltEnv]) -> None:
    project, env = extras
    result = _check(project, env, "--max-total", "1GB", GITHUB_ACTIONS="true")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok   total size: ")
    assert "depsize check: all 1 budgets met; measured " in result.stdout
    assert "::error" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "no budget to check; expected at least one of --max-total"),
        (("--max-total", "lots"), "--max-total: 'lots' is not understood"),
        (("--max-growth", "10%"), "--max-growth needs --baseline FILE"),
        (("--update-baseline", "--max-total", "1GB"), "--update-baseline needs --baseline FILE"),
    ],
)
def test_check__bad_request__exit_2_before_any_scan(
    extras: tuple[Path, BuiltEnv], args: tuple[str, ...], message: str
) -> None:
    project, env = extras
    result = _check(project, env, *args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""


def test_check__config_of_the_wrong_type__exit_2_naming_the_file_and_key(
    extras: tuple[Path, BuiltEnv],
) -> None:
    project, env = extras
    (project / "pyproject.toml").write_text("[tool.depsize.check]\nmax-total = [1]\n")
    result = _check(project, env)

    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"depsize: error: {project / 'pyproject.toml'}: [tool.depsize.check] max-total: [1] "
        "is not a size; expected a size like 500MB, 1.5GiB or 120000000\n"
    )


def test_check__config_budget_and_flag__the_flag_wins(extras: tuple[Path, BuiltEnv]) -> None:
    project, env = extras
    (project / "pyproject.toml").write_text('[tool.depsize.check]\nmax-total = "1kB"\n')

    assert _check(project, env).exit_code == 1
    assert _check(project, env, "--max-total", "1GB").exit_code == 0


def test_check__update_baseline__written_then_growth_checked_against_it(
    extras: tuple[Path, BuiltEnv],
) -> None:
    project, env = extras
    baseline = project / "ci" / "baseline.json"
    growth = ("--max-growth", "1kB", "--baseline", str(baseline))

    first = _check(project, env, *growth, "--update-baseline")
    assert first.exit_code == 0, first.output
    assert f"note baseline {baseline} updated" in first.stdout
    written = json.loads(baseline.read_text(encoding="utf-8"))
    assert written["requirements"][0]["closure"] == ["server", "speedup", "web"]

    (env.site / "speedup" / "extra.bin").write_bytes(b"\0" * 5_000)  # grows, unowned
    grown = _check(project, env, *growth, "--update-baseline")
    assert grown.exit_code == 1, grown.output
    assert "FAIL growth: +5 kB (5,000 bytes)" in grown.stdout
    assert f"note baseline {baseline} not updated: a budget is broken" in grown.stdout
    assert json.loads(baseline.read_text(encoding="utf-8")) == written


def test_check__baseline_with_strings_for_sizes__exit_2_naming_file_and_key(
    extras: tuple[Path, BuiltEnv],
) -> None:
    project, env = extras
    baseline = project / "baseline.json"
    assert _check(project, env, "--baseline", str(baseline), "--update-baseline").exit_code == 0
    data = json.loads(baseline.read_text(encoding="utf-8"))
    data["env"]["total_bytes"] = str(data["env"]["total_bytes"])
    baseline.write_text(json.dumps(data), encoding="utf-8")

    result = _check(project, env, "--max-growth", "10%", "--baseline", str(baseline))

    assert result.exit_code == 2, result.output
    assert f"{baseline}: baseline: env.total_bytes is a string (" in result.stderr


def test_check__format_json__closure_budget_as_data(extras: tuple[Path, BuiltEnv]) -> None:
    project, env = extras
    result = _check(project, env, "--max-requirement", "web=1MB", "--format", "json")

    assert result.exit_code == 1, result.output
    (violation,) = json.loads(result.stdout)["violations"]
    names = [c["name"] for c in violation["contributors"]]
    assert names == ["web", "speedup", "server", "web"]


def test_check__internal_error__exit_3_asking_for_a_report(
    extras: tuple[Path, BuiltEnv], monkeypatch: pytest.MonkeyPatch
) -> None:
    import depsize.check.run

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(depsize.check.run, "run_budgets", broken)
    project, env = extras
    result = _check(project, env, "--max-total", "1GB")

    assert result.exit_code == 3, result.output
    assert result.stderr == (
        "depsize: internal error: ZeroDivisionError: division by zero\n"
        "This is a bug: run again with --debug and report it.\n"
    )
    debug = CliRunner().invoke(
        main,
        ["--debug", "check", str(project), "--env", str(env.prefix), "--max-total", "1GB"],
        env=CLEAN,
    )
    assert isinstance(debug.exception, ZeroDivisionError)
