"""The whole check after analysis: the request, the baseline read and its atomic update."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from depsize.check.baseline import load_baseline, write_baseline
from depsize.check.budgets import run_budgets
from depsize.check.model import CheckResult
from depsize.check.policy import Policy
from depsize.check.run import run_check
from depsize.check.sizes import Growth
from depsize.check.text import measured, render, render_json
from depsize.errors import InputError
from depsize.report.document import dump
from support.reports import KB, WEBAPP_DISTS, Built, webapp


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return webapp(tmp_path_factory.mktemp("webapp"))


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Built:
    dists = {**WEBAPP_DISTS, "triton": (300 * KB, ())}
    dists["torch"] = (700 * KB, (*WEBAPP_DISTS["torch"][1], "triton"))
    return webapp(tmp_path_factory.mktemp("grown"), dists)


def test_write_baseline__round_trip__reads_back_equal_and_no_temp_left(
    tmp_path: Path, app: Built
) -> None:
    path = tmp_path / "ci" / "depsize-baseline.json"
    write_baseline(path, app.document)
    assert load_baseline(path) == app.document
    assert [p.name for p in path.parent.iterdir()] == ["depsize-baseline.json"]
    growth = run_budgets(app.document, Policy(max_growth=Growth(max_bytes=1)), load_baseline(path))
    assert (growth.failed, growth.passed[0].measured) == (False, 0)


def test_write_baseline__existing_file__replaced_whole(tmp_path: Path, app: Built) -> None:
    path = tmp_path / "baseline.json"
    path.write_text("x" * 1_000_000, encoding="utf-8")
    write_baseline(path, app.document)
    assert path.read_text(encoding="utf-8") == dump(app.document)


def test_write_baseline__folder_not_writable__input_error(tmp_path: Path, app: Built) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write the baseline"):
        write_baseline(blocker / "baseline.json", app.document)


def test_write_baseline__target_is_a_folder__input_error_and_no_temp_left(
    tmp_path: Path, app: Built
) -> None:
    target = tmp_path / "baseline.json"
    target.mkdir()
    with pytest.raises(InputError, match="cannot write the baseline"):
        write_baseline(target, app.document)
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]


def test_run_check__growth_with_missing_baseline__input_error(tmp_path: Path, app: Built) -> None:
    policy = Policy(max_growth=Growth(max_bytes=KB), baseline=tmp_path / "baseline.json")
    with pytest.raises(InputError) as info:
        run_check(app.document, policy)
    assert str(info.value) == (
        f"{tmp_path / 'baseline.json'}: baseline cannot be read (no such file); expected a JSON "
        "report written by `depsize scan --format json` (schema_version 1), or "
        "--update-baseline to create it"
    )


def test_run_check__growth_without_baseline_path__input_error(app: Built) -> None:
    with pytest.raises(InputError, match="--max-growth needs --baseline FILE"):
        run_check(app.document, Policy(max_growth=Growth(max_bytes=KB)))


def test_run_check__missing_baseline_with_update__creates_it(
    tmp_path: Path, app: Built, grown: Built
) -> None:
    path = tmp_path / "baseline.json"
    policy = Policy(max_growth=Growth(max_bytes=KB), baseline=path)
    result = run_check(app.document, policy, update_baseline=True)
    assert not result.failed
    assert result.notes == (
        "max-growth: no baseline yet, growth was not checked",
        f"baseline {path} updated",
    )
    assert load_baseline(path) == app.document
    assert run_check(grown.document, policy).failed


def test_run_check__budget_broken_with_update__baseline_kept(
    tmp_path: Path, app: Built, grown: Built
) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, app.document)
    policy = Policy(max_growth=Growth(max_bytes=KB), baseline=path)
    result = run_check(grown.document, policy, update_baseline=True)
    assert result.failed
    assert result.notes[-1] == f"baseline {path} not updated: a budget is broken"
    assert load_baseline(path) == app.document


def test_run_check__update_without_baseline_path__input_error(app: Built) -> None:
    with pytest.raises(InputError, match="--update-baseline needs --baseline FILE"):
        run_check(app.document, Policy(max_total=KB), update_baseline=True)


def test_run_check__no_budget__input_error_listing_flags(app: Built) -> None:
    with pytest.raises(InputError, match=r"no budget to check; expected .*--max-total"):
        run_check(app.document, Policy())


def test_run_check__only_update__writes_baseline_and_passes(tmp_path: Path, app: Built) -> None:
    path = tmp_path / "b.json"
    result = run_check(app.document, Policy(baseline=path), update_baseline=True)
    assert (result.failed, result.passed) == (False, ())
    assert path.exists()
    assert render(result) == f"note baseline {path} updated\ndepsize check: no budget checked\n"


def test_run_check__baseline_without_growth_budget__not_read(tmp_path: Path, app: Built) -> None:
    policy = Policy(max_total=10**12, baseline=tmp_path / "missing.json")
    assert not run_check(app.document, policy).failed


def test_run_check__budgets_and_baseline__same_as_run_budgets(
    tmp_path: Path, app: Built, grown: Built
) -> None:
    path = tmp_path / "b.json"
    write_baseline(path, app.document)
    policy = Policy(max_total=500 * KB, max_growth=Growth(max_bytes=KB), baseline=path)
    assert run_check(grown.document, policy) == run_budgets(grown.document, policy, app.document)


def test_measured__env_inside_project__relative_path_python_and_how(app: Built) -> None:
    from dataclasses import replace

    env = replace(app.document.env, path=str(app.project / ".venv"))
    document = replace(app.document, env=env)
    assert measured(document) == "measured .venv (Python 3.11.4, found by --env)"
    assert measured(app.document) == f"measured {app.env.prefix} (Python 3.11.4, found by --env)"


def test_render__measured__on_the_verdict_line() -> None:
    text = render(CheckResult(), measured="measured .venv (Python 3.12.1, found by --env)")
    assert text == (
        "depsize check: no budget checked; measured .venv (Python 3.12.1, found by --env)\n"
    )


def test_render_json__broken_budget__figures_and_contributors_as_data(app: Built) -> None:
    data = json.loads(render_json(run_budgets(app.document, Policy(max_unused=0))))
    assert (data["failed"], data["exit_code"], data["passed"], data["notes"]) == (True, 1, [], [])
    (violation,) = data["violations"]
    assert (violation["budget"], violation["measured"], violation["limit"]) == ("max-unused", 2, 0)
    assert [(c["name"], c["file"], c["line"]) for c in violation["contributors"]] == [
        ("pandas", "requirements.txt", 4),
        ("colorama", "requirements.txt", 5),
    ]
