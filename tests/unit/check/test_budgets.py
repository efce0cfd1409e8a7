"""Every budget passing and failing, on reports of real analyses of synthetic projects and envs.

Expected figures come from the bytes the site-packages builder wrote and from the edges as
written in :mod:`support.reports`, never from depsize.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from depsize.check.budgets import run_budgets
from depsize.check.model import CheckResult, Contributor, Outcome
from depsize.check.policy import Policy
from depsize.check.sizes import Growth, describe_size
from depsize.check.text import render
from depsize.errors import EXIT_OK, EXIT_POLICY
from depsize.units import human
from support.reports import (
    KB,
    WEBAPP_DISTS,
    Built,
    analyze_project,
    reach,
    spec,
    webapp,
    write_project,
)
from support.site_packages import make_site_packages


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return webapp(tmp_path_factory.mktemp("webapp"))


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The same app after torch grew by 50 kB and started to require a new 300 kB triton."""
    dists = dict(WEBAPP_DISTS)
    dists["triton"] = (300 * KB, ())
    dists["torch"] = (750 * KB, (*WEBAPP_DISTS["torch"][1], "triton"))
    return webapp(tmp_path_factory.mktemp("grown"), dists)


def _only(result: CheckResult) -> Outcome:
    outcomes = (*result.violations, *result.passed)
    assert len(outcomes) == 1
    return outcomes[0]


# -- the report itself -------------------------------------------------------------------------


def test_webapp__statuses__as_the_project_uses_them(app: Built) -> None:
    statuses = {r.name: r.status for r in app.document.requirements}
    assert statuses == {
        "fastapi": "used",
        "uvicorn": "command",
        "torch": "used",
        "pandas": "dead-code-only",
        "colorama": "unused",
        "requests": "used",
        "flask": "not-installed",
        "pytest": "used",
    }
    assert app.document.env.total_bytes == sum(app.own(n) for n in WEBAPP_DISTS)


# -- total -------------------------------------------------------------------------------------


def test_run_budgets__total_within_budget__passes(app: Built) -> None:
    total = app.document.env.total_bytes
    result = run_budgets(app.document, Policy(max_total=total))
    outcome = _only(result)
    assert (result.failed, result.exit_code) == (False, EXIT_OK)
    assert (outcome.passed, outcome.measured, outcome.limit) == (True, total, total)
    assert outcome.contributors == ()


def test_run_budgets__total_over_budget__fails_with_top_contributors_and_lines(
    app: Built,
) -> None:
    total = app.document.env.total_bytes
    result = run_budgets(app.document, Policy(max_total=1_000_000))
    violation = _only(result)
    assert (result.failed, result.exit_code) == (True, EXIT_POLICY)
    assert violation.message == (
        f"total size: {describe_size(total)} > budget 1 MB (1,000,000 bytes)"
    )
    top = [(c.name, c.bytes, c.where) for c in violation.contributors]
    assert top[0] == ("torch", app.closure("torch"), "requirements.txt:3")
    assert [name for name, _, _ in top] == ["torch", "fastapi", "pandas", "pytest", "requests"]
    assert top[3][2] == "requirements-dev.txt:2"


def test_run_budgets__extraneous_and_tooling_large__listed_as_contributors(
    tmp_path: Path,
) -> None:
    env = make_site_packages(
        tmp_path,
        [spec("small", 1 * KB, ()), spec("leftover", 500 * KB, ()), spec("pip", 200 * KB, ())],
    )
    project = write_project(
        tmp_path / "proj", {"requirements.txt": "small\n", "app.py": "import small\n"}
    )
    document = analyze_project(project, env)
    violation = _only(run_budgets(document, Policy(max_total=1)))
    assert [(c.name, c.bytes, c.where) for c in violation.contributors] == [
        ("(extraneous distributions)", env.own("leftover"), None),
        ("(installer tooling)", env.own("pip"), None),
        ("small", env.own("small"), "requirements.txt:1"),
    ]


# -- per distribution --------------------------------------------------------------------------


def test_run_budgets__dist_ceilings_met__pass(app: Built) -> None:
    result = run_budgets(app.document, Policy(max_dist_default=app.own("nvidia-cudnn-cu12")))
    assert not result.failed
    assert len(result.passed) == len(WEBAPP_DISTS)


def test_run_budgets__named_dist_over_ceiling__fails_naming_requirement_lines(
    app: Built,
) -> None:
    violation = _only(run_budgets(app.document, Policy(max_dist={"nvidia-cudnn-cu12": 500 * KB})))
    assert violation.budget == "max-dist:nvidia-cudnn-cu12"
    assert violation.message == (
        f"distribution nvidia-cudnn-cu12: {describe_size(app.own('nvidia-cudnn-cu12'))} "
        "> ceiling 500 kB (500,000 bytes)"
    )
    assert violation.label == "declared by"
    assert [(c.name, c.where) for c in violation.contributors] == [("torch", "requirements.txt:3")]


def test_run_budgets__default_dist_ceiling__fails_each_big_distribution(app: Built) -> None:
    policy = Policy(max_dist={"torch": 1_000 * KB}, max_dist_default=60 * KB)
    result = run_budgets(app.document, policy)
    assert [v.budget for v in result.violations] == [
        "max-dist:nvidia-cudnn-cu12",
        "max-dist:pandas",
        "max-dist:sympy",
    ]
    assert [c.where for c in result.violations[1].contributors] == ["requirements.txt:4"]


def test_run_budgets__dist_required_by_two_requirements__names_both(app: Built) -> None:
    violation = _only(run_budgets(app.document, Policy(max_dist={"idna": 100})))
    assert [(c.name, c.where) for c in violation.contributors] == [
        ("fastapi", "requirements.txt:1"),
        ("requests", "requirements.txt:6"),
    ]


# -- per requirement ---------------------------------------------------------------------------


def test_run_budgets__requirement_ceiling_met__passes(app: Built) -> None:
    outcome = _only(run_budgets(app.document, Policy(max_requirement={"pandas": 1_000 * KB})))
    assert outcome.passed
    assert outcome.measured == app.own("pandas") + app.own("numpy")


def test_run_budgets__requirement_over_ceiling__fails_with_its_line_and_largest(
    app: Built,
) -> None:
    violation = _only(run_budgets(app.document, Policy(max_requirement={"torch": 1_000 * KB})))
    assert violation.budget == "max-requirement:torch"
    closure = app.closure("torch")
    assert violation.message == (
        f"requirement torch (requirements.txt:3) closure: {describe_size(closure)} "
        "> ceiling 1 MB (1,000,000 bytes)"
    )
    assert [c.describe() for c in violation.contributors] == [
        f"torch {human(closure)} [closure] (requirements.txt:3)",
        *(
            f"{name} {human(app.own(name))} [own]"
            for name in ("nvidia-cudnn-cu12", "torch", "sympy", "mpmath", "filelock")
        ),
    ]


def test_run_budgets__default_requirement_ceiling__skips_not_installed(app: Built) -> None:
    result = run_budgets(app.document, Policy(max_requirement_default=200 * KB))
    assert [v.budget for v in result.violations] == ["max-requirement:torch"]
    assert "max-requirement:flask" not in {o.budget for o in result.passed}
    assert len(result.passed) == 6


# -- extras: web → server[fast] → speedup ------------------------------------------------------


@pytest.fixture(scope="module")
def extras(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("extras")
    env = make_site_packages(
        root,
        [
            spec("web", 1 * KB, ("server[fast]",)),
            spec("server", 2 * KB, ('speedup; extra == "fast"',), extras=("fast",)),
            spec("speedup", 5_000 * KB, ()),
        ],
    )
    project = write_project(root / "proj", {"requirements.txt": "web\n", "app.py": "import web\n"})
    return Built(project, env, analyze_project(project, env))


def test_run_budgets__dist_reached_through_an_extra__names_the_declaring_line(
    extras: Built,
) -> None:
    violation = _only(run_budgets(extras.document, Policy(max_dist={"speedup": 1_000 * KB})))
    assert [(c.name, c.where) for c in violation.contributors] == [("web", "requirements.txt:1")]


def test_run_budgets__closure_through_an_extra__lists_the_extra_s_dependency_first(
    extras: Built,
) -> None:
    violation = _only(run_budgets(extras.document, Policy(max_requirement={"web": 1_000 * KB})))
    closure = sum(extras.own(n) for n in ("web", "server", "speedup"))
    assert violation.measured == closure
    own = [c for c in violation.contributors if c.detail == "own"]
    assert [(c.name, c.bytes) for c in own] == [
        ("speedup", extras.own("speedup")),
        ("server", extras.own("server")),
        ("web", extras.own("web")),
    ]


# -- unused ------------------------------------------------------------------------------------


def test_run_budgets__unused_within_max__passes(app: Built) -> None:
    outcome = _only(run_budgets(app.document, Policy(max_unused=2)))
    assert (outcome.passed, outcome.measured) == (True, 2)


def test_run_budgets__unused_over_max__fails_listing_each_counted_line(app: Built) -> None:
    violation = _only(run_budgets(app.document, Policy(max_unused=0)))
    assert violation.message == "unused requirements (unused, dead-code-only): 2 > max 0"
    pandas = app.own("pandas") + app.own("numpy")
    assert [c.describe() for c in violation.contributors] == [
        f"pandas [dead-code-only, frees {human(pandas)}] (requirements.txt:4)",
        f"colorama [unused, frees {human(app.own('colorama'))}] (requirements.txt:5)",
    ]
    assert [c.frees for c in violation.contributors] == [pandas, app.own("colorama")]


def test_run_budgets__count_includes_undeclared__counts_import_sites(app: Built) -> None:
    policy = Policy(max_unused=1, count_statuses=("unused", "undeclared"))
    violation = _only(run_budgets(app.document, policy))
    assert violation.measured == 2
    assert [(c.name, c.where) for c in violation.contributors] == [
        ("colorama", "requirements.txt:5"),
        ("yaml", "app.py:4"),
    ]


def test_run_budgets__same_name_declared_twice__counts_once_lists_both_lines(
    tmp_path: Path,
) -> None:
    env = make_site_packages(tmp_path, [spec("colorama", 1 * KB, ())])
    project = write_project(
        tmp_path / "proj",
        {
            "requirements.txt": "colorama\n",
            "pyproject.toml": '[project]\nname = "proj"\ndependencies = [\n  "colorama",\n]\n',
            "app.py": "print('hi')\n",
        },
    )
    document = analyze_project(project, env)
    passing = _only(run_budgets(document, Policy(max_unused=1, count_statuses=("unused",))))
    assert (passing.passed, passing.measured) == (True, 1)
    failing = _only(run_budgets(document, Policy(max_unused=0, count_statuses=("unused",))))
    assert sorted(c.where or "" for c in failing.contributors) == [
        "pyproject.toml:4",
        "requirements.txt:1",
    ]


def test_render__many_counted__truncates_with_count(tmp_path: Path) -> None:
    names = [f"pkg{n}" for n in range(12)]
    env = make_site_packages(tmp_path, [spec(n, 100, ()) for n in names])
    project = write_project(
        tmp_path / "proj", {"requirements.txt": "\n".join(names) + "\n", "app.py": "pass\n"}
    )
    text = render(run_budgets(analyze_project(project, env), Policy(max_unused=0)))
    assert "counted: pkg0 [unused" in text
    assert "… and 2 more" in text


# -- growth ------------------------------------------------------------------------------------


def test_run_budgets__growth_within_bytes__passes(app: Built, grown: Built) -> None:
    growth = grown.document.env.total_bytes - app.document.env.total_bytes
    policy = Policy(max_growth=Growth(max_bytes=growth))
    outcome = _only(run_budgets(grown.document, policy, app.document))
    assert (outcome.passed, outcome.measured) == (True, growth)
    assert growth == grown.own("triton") + grown.own("torch") - app.own("torch")


def test_run_budgets__growth_over_bytes__fails_naming_what_grew(app: Built, grown: Built) -> None:
    policy = Policy(max_growth=Growth(max_bytes=50 * KB))
    violation = _only(run_budgets(grown.document, policy, app.document))
    before, after = app.document.env.total_bytes, grown.document.env.total_bytes
    assert violation.message == (
        f"growth: +{describe_size(after - before)}, {(after - before) / before:+.1%} over "
        f"baseline {describe_size(before)} > budget 50 kB (50,000 bytes)"
    )
    assert [c.describe() for c in violation.contributors] == [
        f"triton {human(grown.own('triton'))} [new, via torch] (requirements.txt:3)",
        f"torch {human(grown.own('torch') - app.own('torch'))} "
        f"[was {human(app.own('torch'))}] (requirements.txt:3)",
    ]


def test_run_budgets__growth_percent__passes_under_and_fails_over(app: Built, grown: Built) -> None:
    under = run_budgets(
        grown.document, Policy(max_growth=Growth(percent=Decimal(20))), app.document
    )
    over = run_budgets(grown.document, Policy(max_growth=Growth(percent=Decimal(10))), app.document)
    assert (under.failed, over.failed) == (False, True)
    assert over.violations[0].limit == app.document.env.total_bytes // 10


def test_run_budgets__growth_without_baseline__skipped_with_note(app: Built) -> None:
    result = run_budgets(app.document, Policy(max_growth=Growth(max_bytes=KB)), None)
    assert not result.violations
    assert result.notes == ("max-growth: no baseline yet, growth was not checked",)


def test_run_budgets__shrinking_env__passes_zero_percent(app: Built, grown: Built) -> None:
    policy = Policy(max_growth=Growth(percent=Decimal(0)))
    outcome = _only(run_budgets(app.document, policy, grown.document))
    assert outcome.passed
    assert outcome.measured == app.document.env.total_bytes - grown.document.env.total_bytes


def test_run_budgets__baseline_other_size_unit__noted(app: Built) -> None:
    from depsize.analyze import analyze
    from depsize.config import Flags, resolve_settings
    from depsize.report.document import from_analysis

    flags = Flags(project=app.project, env_dir=app.env.prefix, use_cache=False, disk_usage=True)
    blocks = from_analysis(analyze(resolve_settings(flags, {})))
    result = run_budgets(app.document, Policy(max_growth=Growth(max_bytes=KB)), blocks)
    assert "another size unit" in result.notes[0]


# -- warnings ----------------------------------------------------------------------------------


def test_run_budgets__fail_on_warnings_without_warnings__passes(app: Built) -> None:
    assert _only(run_budgets(app.document, Policy(fail_on_warnings=True))).passed


def test_run_budgets__fail_on_warnings_with_unparsable_line__fails_at_that_line(
    tmp_path: Path,
) -> None:
    env = make_site_packages(tmp_path, [spec("colorama", 1 * KB, ())])
    project = write_project(
        tmp_path / "proj",
        {"requirements.txt": "colorama\ntorch>=>2\n", "app.py": "import colorama\n"},
    )
    document = analyze_project(project, env)
    violation = _only(run_budgets(document, Policy(fail_on_warnings=True)))
    assert violation.message == "warnings (--fail-on-warnings): 1 > max 0"
    (contributor,) = violation.contributors
    assert (Path(contributor.file or "").name, contributor.line) == ("requirements.txt", 2)
    assert "torch>=>2" in contributor.name
    assert not run_budgets(document, Policy(max_unused=5)).failed


# -- everything at once ------------------------------------------------------------------------


def test_run_budgets__several_budgets_broken__reports_every_one(app: Built, grown: Built) -> None:
    policy = Policy(
        max_total=500 * KB,
        max_dist={"nvidia-cudnn-cu12": 500 * KB},
        max_requirement={"torch": 1_000 * KB, "fastapi": 1_000 * KB},
        max_unused=0,
        max_growth=Growth(max_bytes=10 * KB),
    )
    result = run_budgets(grown.document, policy, app.document)
    assert [v.budget for v in result.violations] == [
        "max-total",
        "max-dist:nvidia-cudnn-cu12",
        "max-requirement:torch",
        "max-unused",
        "max-growth",
    ]
    assert [p.budget for p in result.passed] == ["max-requirement:fastapi"]
    lines = render(result).splitlines()
    assert lines[0].startswith("ok   requirement fastapi (requirements.txt:1) closure: ")
    assert lines[1].startswith("FAIL total size: ")
    assert "top contributors (share of the total): torch " in lines[1]
    assert lines[-1] == "depsize check: 5 of 6 budgets broken"


def test_run_budgets__unknown_names_in_ceilings__noted(app: Built) -> None:
    result = run_budgets(app.document, Policy(max_dist={"torchh": KB}, max_requirement={"jax": KB}))
    assert result.notes == (
        "max-dist: torchh is not installed; its ceiling was not checked",
        "max-requirement: jax is not a declared requirement; its ceiling was not checked",
    )
    assert "note max-dist: torchh" in render(result)


def test_contributor__describe__name_bytes_detail_place() -> None:
    contributor = Contributor("torch", 612_000_000, "requirements.txt", 4, "unused")
    assert contributor.describe() == "torch 612 MB [unused] (requirements.txt:4)"
    assert contributor.describe(where=False) == "torch 612 MB [unused]"
    assert Contributor("x", file="a.txt").where == "a.txt"


def test_reach__edges_as_written__closure_of_torch() -> None:
    assert reach(WEBAPP_DISTS, ["torch"]) == {
        "torch",
        "nvidia-cudnn-cu12",
        "sympy",
        "mpmath",
        "filelock",
    }
