"""depsize check: every budget passing and failing, on report documents built here.

The report is the plain dict ``depsize scan --format json`` emits (schema version 1); its
closure / exclusive / share figures are computed below from the distributions' own bytes, so
every expected number follows from this file.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from depsize.budget import CheckOptions, Growth, Policy, build_policy, policy_from_config
from depsize.check import (
    CheckResult,
    Contributor,
    check_report,
    format_text,
    load_report,
    measured,
    run_check,
    validate_report,
    write_baseline,
)
from depsize.errors import EXIT_OK, EXIT_POLICY, InputError

MB = 1_000_000

# name: (own bytes, requires)
DISTS: dict[str, tuple[int, tuple[str, ...]]] = {
    "fastapi": (1_200_000, ("starlette", "pydantic")),
    "starlette": (600_000, ("anyio",)),
    "pydantic": (2_000_000, ("pydantic-core",)),
    "pydantic-core": (5_000_000, ()),
    "anyio": (500_000, ("idna", "sniffio")),
    "sniffio": (20_000, ()),
    "idna": (300_000, ()),
    "uvicorn": (300_000, ("click", "h11")),
    "click": (400_000, ()),
    "h11": (200_000, ()),
    "torch": (700 * MB, ("nvidia-cudnn-cu12", "sympy", "filelock")),
    "nvidia-cudnn-cu12": (900 * MB, ()),
    "sympy": (70 * MB, ("mpmath",)),
    "mpmath": (5 * MB, ()),
    "filelock": (50_000, ()),
    "pandas": (60 * MB, ("numpy", "python-dateutil", "pytz")),
    "numpy": (35 * MB, ()),
    "python-dateutil": (800_000, ("six",)),
    "six": (40_000, ()),
    "pytz": (3 * MB, ()),
    "colorama": (100_000, ()),
    "requests": (300_000, ("idna", "urllib3", "certifi", "charset-normalizer")),
    "urllib3": (500_000, ()),
    "certifi": (300_000, ()),
    "charset-normalizer": (400_000, ()),
    "pytest": (3 * MB, ("pluggy", "iniconfig")),
    "pluggy": (100_000, ()),
    "iniconfig": (20_000, ()),
    "pyyaml": (700_000, ()),
    "wheel": (200_000, ()),
}
UNOWNED = 1_000_000
# (name, display, specifier, file, line, group, status)
REQUIREMENTS = (
    ("fastapi", "FastAPI", "==0.110.0", "requirements.txt", 1, "main", "used"),
    ("uvicorn", "uvicorn", ">=0.29", "requirements.txt", 2, "main", "command"),
    ("torch", "torch", "==2.3.1", "requirements.txt", 3, "main", "used"),
    ("pandas", "pandas", "", "requirements.txt", 4, "main", "dead-code-only"),
    ("colorama", "colorama", "", "requirements.txt", 5, "main", "unused"),
    ("requests", "requests", "~=2.32", "requirements.txt", 6, "main", "used"),
    ("pytest", "pytest", "", "requirements-dev.txt", 2, "dev", "used"),
    ("flask", "Flask", "", "requirements.txt", 8, "main", "not-installed"),
)


Dists = dict[str, tuple[int, tuple[str, ...]]]


def _reach(dists: Dists, names: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    todo = [n for n in names if n in dists]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(dists[name][1])
    return seen


def _requirement(
    dists: Dists, row: tuple[str, str, str, str, int, str, str], roots: list[str]
) -> dict[str, Any]:
    name, display, spec, file, line, group, status = row
    reach = _reach(dists, [name])
    others = _reach(dists, (r for r in roots if r != name))
    share = sum(dists[d][0] // sum(1 for r in roots if d in _reach(dists, [r])) for d in reach)
    return {
        "name": name,
        "display_name": display,
        "specifier": spec,
        "group": group,
        "source": {"file": file, "line": line, "end_line": line},
        "raw": f"{display}{spec}",
        "status": status,
        "own_bytes": dists[name][0] if name in dists else 0,
        "closure_bytes": sum(dists[d][0] for d in reach),
        "exclusive_bytes": sum(dists[d][0] for d in reach - others),
        "share_bytes": share,
        "evidence": [{"file": "webapp/main.py", "line": 3, "text": f"import {name}"}]
        if status == "used"
        else [],
    }


def make_report(dists: Dists | None = None) -> dict[str, Any]:
    """A realistic schema-1 report of a web service with a CPU-heavy ML dependency."""
    dists = DISTS if dists is None else dists
    roots = [row[0] for row in REQUIREMENTS if row[0] in dists]
    reached = _reach(dists, roots)
    return {
        "schema_version": 1,
        "depsize_version": "0.1.0",
        "env": {
            "path": "/srv/webapp/.venv",
            "python": "3.11.9",
            "total_bytes": sum(own for own, _ in dists.values()) + UNOWNED,
            "unowned_bytes": UNOWNED,
            "size_unit": "apparent",
        },
        "distributions": [
            {"name": n, "version": "1.0", "own_bytes": own, "file_count": 10, "requires": list(r)}
            for n, (own, r) in dists.items()
        ],
        "requirements": [_requirement(dists, row, roots) for row in REQUIREMENTS],
        "undeclared": [
            {
                "module": "yaml",
                "file": "webapp/config.py",
                "line": 3,
                "installed": True,
                "dists": ["pyyaml"],
            }
        ],
        "extraneous": [{"name": n, "own_bytes": dists[n][0]} for n in dists if n not in reached],
        "recommendations": [],
        "warnings": [],
    }


REPORT = make_report()
TOTAL = REPORT["env"]["total_bytes"]


GROWN_TOTAL = TOTAL + 350 * MB


def _only(result: CheckResult) -> Any:
    outcomes = (*result.violations, *result.passed)
    assert len(outcomes) == 1
    return outcomes[0]


# -- the fixture itself ------------------------------------------------------------------------


def test_make_report__shares_extraneous_unowned__add_up_to_total() -> None:
    installed = [r for r in REPORT["requirements"] if r["status"] != "not-installed"]
    shares = sum(r["share_bytes"] for r in installed)
    extraneous = sum(e["own_bytes"] for e in REPORT["extraneous"])
    assert abs(shares + extraneous + UNOWNED - TOTAL) < 10  # integer division remainders
    assert {e["name"] for e in REPORT["extraneous"]} == {"pyyaml", "wheel"}


# -- total -------------------------------------------------------------------------------------


def test_run_check__total_within_budget__passes() -> None:
    result = run_check(REPORT, Policy(max_total=2_000 * MB))
    outcome = _only(result)
    assert not result.failed
    assert result.exit_code == EXIT_OK
    assert outcome.passed
    assert (outcome.measured, outcome.limit) == (TOTAL, 2_000 * MB)
    assert outcome.contributors == ()


def test_run_check__total_over_budget__fails_with_top_contributors_and_lines() -> None:
    result = run_check(REPORT, Policy(max_total=500 * MB))
    violation = _only(result)
    assert result.failed
    assert result.exit_code == EXIT_POLICY
    assert violation.budget == "max-total"
    assert violation.message == (
        "total size: 1.8 GB (1,791,030,000 bytes) > budget 500 MB (500,000,000 bytes)"
    )
    top = violation.contributors
    assert [c.name for c in top] == ["torch", "pandas", "fastapi", "pytest", "requests"]
    assert (top[0].bytes, top[0].file, top[0].line) == (1_675_050_000, "requirements.txt", 3)
    assert top[3].where == "requirements-dev.txt:2"
    assert top[4].bytes == 1_650_000  # idna's 300 kB is split with fastapi


def test_run_check__extraneous_and_unowned_large__listed_as_contributors() -> None:
    report = copy.deepcopy(REPORT)
    report["env"]["unowned_bytes"] = 200 * MB
    report["env"]["total_bytes"] += 199 * MB
    report["extraneous"] = ["wheel", "pyyaml"]  # names only, as older reports wrote them
    violation = _only(run_check(report, Policy(max_total=MB)))
    assert [(c.name, c.bytes, c.where) for c in violation.contributors][:3] == [
        ("torch", 1_675_050_000, "requirements.txt:3"),
        ("(unowned files)", 200 * MB, None),
        ("pandas", 98_840_000, "requirements.txt:4"),
    ]


# -- per distribution --------------------------------------------------------------------------


def test_run_check__dist_ceilings_met__pass() -> None:
    policy = Policy(max_dist={"torch": 800 * MB}, max_dist_default=1_000 * MB)
    result = run_check(REPORT, policy)
    assert not result.failed
    assert len(result.passed) == len(DISTS)


def test_run_check__named_dist_over_ceiling__fails_naming_requirement_lines() -> None:
    result = run_check(REPORT, Policy(max_dist={"nvidia-cudnn-cu12": 500 * MB}))
    violation = _only(result)
    assert violation.budget == "max-dist:nvidia-cudnn-cu12"
    assert violation.message == (
        "distribution nvidia-cudnn-cu12: 900 MB (900,000,000 bytes) > ceiling "
        "500 MB (500,000,000 bytes)"
    )
    assert violation.label == "declared by"
    assert [(c.name, c.where) for c in violation.contributors] == [("torch", "requirements.txt:3")]


def test_run_check__default_dist_ceiling__fails_each_big_distribution() -> None:
    result = run_check(REPORT, Policy(max_dist={"torch": 1_000 * MB}, max_dist_default=50 * MB))
    assert [v.budget for v in result.violations] == [
        "max-dist:nvidia-cudnn-cu12",
        "max-dist:pandas",
        "max-dist:sympy",
    ]
    pandas = result.violations[1]
    assert [c.where for c in pandas.contributors] == ["requirements.txt:4"]


def test_run_check__dist_required_by_two_requirements__names_both() -> None:
    result = run_check(REPORT, Policy(max_dist={"idna": 100_000}))
    names = [(c.name, c.where) for c in result.violations[0].contributors]
    assert names == [("fastapi", "requirements.txt:1"), ("requests", "requirements.txt:6")]


# -- per requirement ---------------------------------------------------------------------------


def test_run_check__requirement_ceiling_met__passes() -> None:
    result = run_check(REPORT, Policy(max_requirement={"pandas": 100 * MB}))
    outcome = _only(result)
    assert outcome.passed
    assert outcome.measured == 60 * MB + 35 * MB + 800_000 + 40_000 + 3 * MB


def test_run_check__requirement_over_ceiling__fails_with_its_line_and_largest() -> None:
    result = run_check(REPORT, Policy(max_requirement={"torch": 1_000 * MB}))
    violation = _only(result)
    assert violation.budget == "max-requirement:torch"
    assert violation.message == (
        "requirement torch (requirements.txt:3) closure: 1.7 GB (1,675,050,000 bytes) "
        "> ceiling 1 GB (1,000,000,000 bytes)"
    )
    assert [c.describe() for c in violation.contributors] == [
        "torch 1.7 GB [closure] (requirements.txt:3)",
        "nvidia-cudnn-cu12 900 MB [own]",
        "torch 700 MB [own]",
        "sympy 70.0 MB [own]",
        "mpmath 5.0 MB [own]",
        "filelock 50.0 kB [own]",
    ]


def test_run_check__default_requirement_ceiling__skips_not_installed() -> None:
    result = run_check(REPORT, Policy(max_requirement_default=10 * MB))
    assert [v.budget for v in result.violations] == [
        "max-requirement:torch",
        "max-requirement:pandas",
    ]
    assert "max-requirement:flask" not in {o.budget for o in result.passed}
    assert len(result.passed) == 5


# -- unused ------------------------------------------------------------------------------------


def test_run_check__unused_within_max__passes() -> None:
    outcome = _only(run_check(REPORT, Policy(max_unused=2)))
    assert outcome.passed
    assert outcome.measured == 2


def test_run_check__unused_over_max__fails_listing_each_counted_line() -> None:
    violation = _only(run_check(REPORT, Policy(max_unused=0)))
    assert violation.message == "unused requirements (unused, dead-code-only): 2 > max 0"
    assert [c.describe() for c in violation.contributors] == [
        "pandas [dead-code-only, frees 98.8 MB] (requirements.txt:4)",
        "colorama [unused, frees 100 kB] (requirements.txt:5)",
    ]


def test_run_check__count_includes_undeclared__counts_import_sites() -> None:
    policy = Policy(max_unused=1, count_statuses=("unused", "undeclared"))
    violation = _only(run_check(REPORT, policy))
    assert violation.measured == 2
    assert [(c.name, c.where) for c in violation.contributors] == [
        ("colorama", "requirements.txt:5"),
        ("yaml", "webapp/config.py:3"),
    ]


def test_run_check__same_name_declared_twice__counts_once_lists_both_lines() -> None:
    report = copy.deepcopy(REPORT)
    twin = copy.deepcopy(report["requirements"][4])
    twin["source"] = {"file": "pyproject.toml", "line": 12, "end_line": 12}
    report["requirements"].append(twin)
    violation = _only(run_check(report, Policy(max_unused=1, count_statuses=("unused",))))
    assert violation.measured == 1
    assert violation.passed
    failing = _only(run_check(report, Policy(max_unused=0, count_statuses=("unused",))))
    assert [c.where for c in failing.contributors] == ["requirements.txt:5", "pyproject.toml:12"]


# -- growth ------------------------------------------------------------------------------------


def _grown() -> dict[str, Any]:
    dists = dict(DISTS)
    dists["triton"] = (300 * MB, ())
    dists["torch"] = (750 * MB, (*DISTS["torch"][1], "triton"))
    return make_report(dists)


def test_run_check__growth_within_bytes__passes() -> None:
    outcome = _only(run_check(_grown(), Policy(max_growth=Growth(max_bytes=400 * MB)), REPORT))
    assert outcome.passed
    assert outcome.measured == 350 * MB


def test_run_check__growth_over_bytes__fails_naming_what_grew() -> None:
    violation = _only(run_check(_grown(), Policy(max_growth=Growth(max_bytes=50 * MB)), REPORT))
    assert violation.budget == "max-growth"
    assert violation.message == (
        "growth: +350 MB (350,000,000 bytes), +19.5% over baseline 1.8 GB (1,791,030,000 bytes) "
        "> budget 50 MB (50,000,000 bytes)"
    )
    assert [c.describe() for c in violation.contributors] == [
        "triton 300 MB [new, via torch] (requirements.txt:3)",
        "torch 50.0 MB [was 700 MB] (requirements.txt:3)",
    ]


def test_run_check__growth_percent__passes_under_and_fails_over() -> None:
    from decimal import Decimal

    under = run_check(_grown(), Policy(max_growth=Growth(percent=Decimal(20))), REPORT)
    over = run_check(_grown(), Policy(max_growth=Growth(percent=Decimal(10))), REPORT)
    assert not under.failed
    assert over.failed
    assert over.violations[0].limit == 179_103_000  # 10% of the baseline total
    assert over.violations[0].message.endswith(
        "> budget 10% of 1.8 GB (1,791,030,000 bytes) = 179 MB (179,103,000 bytes)"
    )


def test_run_check__growth_without_baseline__skipped_with_note() -> None:
    result = run_check(REPORT, Policy(max_growth=Growth(max_bytes=MB)), None)
    assert not result.violations
    assert result.notes == ("max-growth: no baseline yet, growth was not checked",)


def test_run_check__shrinking_env__passes_zero_percent() -> None:
    from decimal import Decimal

    outcome = _only(run_check(REPORT, Policy(max_growth=Growth(percent=Decimal(0))), _grown()))
    assert outcome.passed
    assert outcome.measured == -350 * MB


# -- warnings ----------------------------------------------------------------------------------


def test_run_check__fail_on_warnings_without_warnings__passes() -> None:
    assert _only(run_check(REPORT, Policy(fail_on_warnings=True))).passed


def test_run_check__fail_on_warnings_with_unparsable_line__fails_at_that_line() -> None:
    report = copy.deepcopy(REPORT)
    report["warnings"] = [
        {"file": "requirements.txt", "line": 9, "message": "cannot parse 'torch>=>2'"}
    ]
    violation = _only(run_check(report, Policy(fail_on_warnings=True)))
    assert violation.message == "warnings (--fail-on-warnings): 1 > max 0"
    assert violation.contributors == (
        Contributor("cannot parse 'torch>=>2'", None, "requirements.txt", 9),
    )
    assert not run_check(report, Policy(max_unused=5)).failed


# -- everything at once ------------------------------------------------------------------------


POLICY_ALL = Policy(
    max_total=500 * MB,
    max_dist={"nvidia-cudnn-cu12": 500 * MB},
    max_requirement={"torch": 1_000 * MB, "fastapi": 100 * MB},
    max_unused=0,
    max_growth=Growth(max_bytes=10 * MB),
)


def test_run_check__several_budgets_broken__reports_every_one() -> None:
    result = run_check(_grown(), POLICY_ALL, REPORT)
    assert [v.budget for v in result.violations] == [
        "max-total",
        "max-dist:nvidia-cudnn-cu12",
        "max-requirement:torch",
        "max-unused",
        "max-growth",
    ]
    assert [p.budget for p in result.passed] == ["max-requirement:fastapi"]


def test_format_text__several_budgets_broken__one_line_each_and_summary() -> None:
    text = format_text(run_check(_grown(), POLICY_ALL, REPORT))
    lines = text.splitlines()
    assert lines[0] == (
        "ok   requirement fastapi (requirements.txt:1) closure: 9.62 MB (9,620,000 bytes) "
        "within ceiling 100 MB (100,000,000 bytes)"
    )
    assert lines[1].startswith(
        "FAIL total size: 2.1 GB (2,141,030,000 bytes) > budget 500 MB (500,000,000 bytes); "
        "top contributors (share of the total): torch 2.0 GB (requirements.txt:3), "
        "pandas 98.8 MB (requirements.txt:4), fastapi 9.5 MB (requirements.txt:1)"
    )
    assert lines[4] == (
        "FAIL unused requirements (unused, dead-code-only): 2 > max 0; counted: "
        "pandas [dead-code-only, frees 98.8 MB] (requirements.txt:4), "
        "colorama [unused, frees 100 kB] (requirements.txt:5)"
    )
    assert lines[-1] == "depsize check: 5 of 6 budgets broken"
    assert text.endswith("\n")


def test_format_text__all_met__pass_line() -> None:
    text = format_text(run_check(REPORT, Policy(max_total=2 * 1024**3, max_unused=2)))
    assert text == (
        "ok   total size: 1.8 GB (1,791,030,000 bytes) within budget "
        "2 GiB (2,147,483,648 bytes)\n"
        "ok   unused requirements (unused, dead-code-only): 2 within max 2\n"
        "depsize check: all 2 budgets met\n"
    )


def test_format_text__many_counted__truncates_with_count() -> None:
    report = copy.deepcopy(REPORT)
    for line in range(10, 22):
        extra = copy.deepcopy(report["requirements"][4])
        extra["name"] = f"pkg{line}"
        extra["source"] = {"file": "requirements.txt", "line": line, "end_line": line}
        report["requirements"].append(extra)
    text = format_text(run_check(report, Policy(max_unused=0)))
    assert "… and 4 more" in text


def test_run_check__unknown_names_in_ceilings__noted() -> None:
    result = run_check(REPORT, Policy(max_dist={"torchh": MB}, max_requirement={"jax": MB}))
    assert result.notes == (
        "max-dist: torchh is not installed; its ceiling was not checked",
        "max-requirement: jax is not a declared requirement; its ceiling was not checked",
    )
    assert "note max-dist: torchh" in format_text(result)


def test_run_check__baseline_other_size_unit__noted() -> None:
    baseline = copy.deepcopy(REPORT)
    baseline["env"]["size_unit"] = "disk_usage"
    result = run_check(REPORT, Policy(max_growth=Growth(max_bytes=MB)), baseline)
    assert "another size unit" in result.notes[0]


# -- documents and baselines -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ([], "is a JSON list; expected a JSON report"),
        ({**REPORT, "schema_version": 2}, "schema_version 2; expected a JSON report"),
        ({"schema_version": 1}, "no 'env' object"),
        ({**REPORT, "env": {"total_bytes": "big"}}, "env.total_bytes is 'big'"),
        ({**REPORT, "distributions": None}, "no 'distributions' list"),
        ({**REPORT, "distributions": [{"own_bytes": 3}]}, "distributions[0] has no name"),
        ({**REPORT, "distributions": [{"name": "x", "own_bytes": True}]}, "own_bytes is True"),
    ],
)
def test_validate_report__malformed__input_error_saying_what_was_expected(
    doc: object, expected: str
) -> None:
    with pytest.raises(InputError, match=r"baseline") as info:
        validate_report(doc, "baseline")
    assert expected in str(info.value)


def test_write_baseline__round_trip__reads_back_with_no_growth(tmp_path: Path) -> None:
    path = tmp_path / "ci" / "depsize-baseline.json"
    write_baseline(path, REPORT)
    baseline = load_report(path)
    assert baseline == REPORT
    assert [p.name for p in path.parent.iterdir()] == ["depsize-baseline.json"]  # no temp left
    outcome = _only(run_check(REPORT, Policy(max_growth=Growth(max_bytes=1)), baseline))
    assert outcome.passed
    assert outcome.measured == 0


def test_write_baseline__existing_file__replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text("x" * 10_000_000, encoding="utf-8")
    write_baseline(path, REPORT)
    assert json.loads(path.read_text(encoding="utf-8")) == REPORT


def test_write_baseline__folder_not_writable__input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write the baseline"):
        write_baseline(blocker / "baseline.json", REPORT)


def test_load_report__truncated_json__input_error_saying_what_was_expected(
    tmp_path: Path,
) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(REPORT)[:500], encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_report(path)
    message = str(info.value)
    assert message.startswith(f"{path}: baseline is not valid JSON (")
    assert "truncated?); expected a JSON report written by `depsize scan --format json`" in message


def test_load_report__other_schema_version__input_error(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({**REPORT, "schema_version": 0}), encoding="utf-8")
    with pytest.raises(InputError, match=r"schema_version 0; expected .*\(schema_version 1\)"):
        load_report(path)


def test_load_report__missing__input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="baseline not found; expected a JSON report"):
        load_report(tmp_path / "nope.json")


def test_load_report__not_utf8__input_error(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(InputError, match="cannot be read"):
        load_report(path)


# -- the whole check ---------------------------------------------------------------------------


def test_check_report__growth_with_missing_baseline__input_error(tmp_path: Path) -> None:
    policy = Policy(max_growth=Growth(max_bytes=MB), baseline=tmp_path / "baseline.json")
    with pytest.raises(InputError) as info:
        check_report(REPORT, policy)
    assert str(info.value) == (
        f"{tmp_path / 'baseline.json'}: baseline not found; expected a JSON report written by "
        "`depsize scan --format json` (schema_version 1), or --update-baseline to create it"
    )


def test_check_report__growth_without_baseline_path__input_error() -> None:
    with pytest.raises(InputError, match="--max-growth needs --baseline FILE"):
        check_report(REPORT, Policy(max_growth=Growth(max_bytes=MB)))


def test_check_report__missing_baseline_with_update__creates_it(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    policy = Policy(max_growth=Growth(max_bytes=MB), baseline=path)
    result = check_report(REPORT, policy, update_baseline=True)
    assert not result.failed
    assert result.notes == (
        "max-growth: no baseline yet, growth was not checked",
        f"baseline {path} updated",
    )
    assert load_report(path) == REPORT
    again = check_report(_grown(), policy)
    assert again.failed


def test_check_report__budget_broken_with_update__baseline_kept(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, REPORT)
    policy = Policy(max_growth=Growth(max_bytes=MB), baseline=path)
    result = check_report(_grown(), policy, update_baseline=True)
    assert result.failed
    assert result.notes[-1] == f"baseline {path} not updated: a budget is broken"
    assert load_report(path) == REPORT


def test_check_report__update_without_baseline_path__input_error() -> None:
    with pytest.raises(InputError, match="--update-baseline needs --baseline FILE"):
        check_report(REPORT, Policy(max_total=MB), update_baseline=True)


def test_check_report__no_budget__input_error_listing_flags() -> None:
    with pytest.raises(InputError, match=r"no budget to check; expected .*--max-total"):
        check_report(REPORT, Policy())


def test_check_report__only_update__writes_baseline_and_passes(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    result = check_report(REPORT, Policy(baseline=path), update_baseline=True)
    assert (result.failed, result.passed) == (False, ())
    assert path.exists()
    assert (
        format_text(result) == f"note baseline {path} updated\ndepsize check: no budget checked\n"
    )


def test_check_report__baseline_without_growth_budget__not_read(tmp_path: Path) -> None:
    policy = Policy(max_total=10**12, baseline=tmp_path / "missing.json")
    assert not check_report(REPORT, policy).failed


def test_check_report__budgets_and_baseline__same_as_run_check(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    write_baseline(path, REPORT)
    policy = Policy(max_total=500 * MB, max_growth=Growth(max_bytes=MB), baseline=path)
    assert check_report(_grown(), policy) == run_check(_grown(), policy, REPORT)


# -- policy from config and flags --------------------------------------------------------------


def test_policy_from_config__every_key__parsed(tmp_path: Path) -> None:
    table = {
        "max-total": "1.5GiB",
        "max-dist": {"Torch": "600MB", "nvidia_cudnn_cu12": 500_000_000},
        "max-dist-default": "200MB",
        "max_requirement": {"pandas": "100MB"},
        "max-requirement-default": "1GB",
        "max-unused": 0,
        "count": ["unused", "undeclared"],
        "max-growth": "10%",
        "baseline": "ci/baseline.json",
        "fail-on-warnings": True,
    }
    policy = policy_from_config(table, base_dir=tmp_path)
    assert policy.max_total == 1_610_612_736
    assert policy.max_dist == {"torch": 600 * MB, "nvidia-cudnn-cu12": 500 * MB}
    assert policy.max_dist_default == 200 * MB
    assert policy.max_requirement == {"pandas": 100 * MB}
    assert policy.max_requirement_default == 1_000 * MB
    assert policy.max_unused == 0
    assert policy.count_statuses == ("unused", "undeclared")
    assert policy.max_growth is not None
    assert policy.max_growth.allowed(1_000) == 100
    assert policy.baseline == tmp_path / "ci" / "baseline.json"
    assert policy.fail_on_warnings is True


def test_policy_from_config__unknown_key__input_error_naming_allowed_keys() -> None:
    with pytest.raises(InputError) as info:
        policy_from_config({"max-size": "1GB"})
    assert str(info.value) == (
        "[tool.depsize.check]: unknown key 'max-size'; allowed keys: max-total, max-dist, "
        "max-dist-default, max-requirement, max-requirement-default, max-unused, count, "
        "max-growth, baseline, fail-on-warnings"
    )


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"max-total": "500 potatoes"}, "max-total: '500 potatoes' is not understood"),
        ({"max-total": 0}, "max-total: 0 is zero"),
        ({"max-total": 1.5}, "max-total: 1.5 is not a size"),
        ({"max-dist": "600MB"}, "is not a table; expected NAME = SIZE pairs"),
        ({"max-dist": {"torch": "-1MB"}}, "'-1MB' is negative"),
        ({"max-unused": -1}, "-1 is not a count"),
        ({"max-unused": True}, "True is not a count"),
        ({"count": ["unused", "unsued"]}, "'unsued' is not a status; expected some of used,"),
        ({"count": 3}, "expected a list of statuses"),
        ({"count": []}, "no status given"),
        ({"max-growth": "ten%"}, "expected a percentage like 10% or a size like 50MB"),
        ({"max-growth": [1]}, "expected a percentage like 10%"),
        ({"fail-on-warnings": "yes"}, "expected true or false"),
        ({"baseline": ""}, "expected a file path"),
        ({"max-total": "1GB", "max_total": "2GB"}, "'max-total' is given twice"),
    ],
)
def test_policy_from_config__bad_value__input_error_saying_what_was_expected(
    table: dict[str, Any], expected: str
) -> None:
    with pytest.raises(InputError) as info:
        policy_from_config(table)
    assert str(info.value).startswith("[tool.depsize.check]")
    assert expected in str(info.value)


def test_policy_from_config__count_as_string__accepted() -> None:
    assert policy_from_config({"count": "unused, dead-code-only"}).count_statuses == (
        "unused",
        "dead-code-only",
    )


def test_build_policy__flags_and_config__flags_win_and_tables_merge(tmp_path: Path) -> None:
    config = {
        "max-total": "1GB",
        "max-dist": {"torch": "600MB", "numpy": "50MB"},
        "max-unused": 3,
        "count": ["unused"],
        "fail-on-warnings": True,
        "baseline": "base.json",
    }
    options = CheckOptions(
        max_total="500MB",
        max_dist=("torch=800MB", "scipy=60MB"),
        max_unused=0,
        count=("unused,undeclared",),
        max_growth="5%",
        fail_on_warnings=False,
    )
    policy = build_policy(options, config, base_dir=tmp_path)
    assert policy.max_total == 500 * MB
    assert policy.max_dist == {"torch": 800 * MB, "numpy": 50 * MB, "scipy": 60 * MB}
    assert policy.max_unused == 0
    assert policy.count_statuses == ("unused", "undeclared")
    assert policy.max_growth == Growth(percent=__import__("decimal").Decimal(5))
    assert policy.fail_on_warnings is False
    assert policy.baseline == tmp_path / "base.json"


def test_build_policy__baseline_flag__overrides_config(tmp_path: Path) -> None:
    policy = build_policy(
        CheckOptions(baseline=Path("other.json")), {"baseline": "base.json"}, base_dir=tmp_path
    )
    assert policy.baseline == Path("other.json")


def test_build_policy__no_flags_no_config__empty_policy() -> None:
    policy = build_policy(CheckOptions())
    assert policy == Policy()
    assert policy.is_empty


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (CheckOptions(max_total="500 potatoes"), "--max-total: '500 potatoes' is not understood"),
        (CheckOptions(max_dist=("torch",)), "--max-dist: 'torch' has no '='"),
        (CheckOptions(max_unused=-1), "--max-unused: -1 is not a count"),
        (CheckOptions(count=("bogus",)), "--count: 'bogus' is not a status"),
        (CheckOptions(max_growth="-10%"), "--max-growth: '-10%' is not understood"),
    ],
)
def test_build_policy__bad_flag__input_error_naming_the_flag(
    options: CheckOptions, expected: str
) -> None:
    with pytest.raises(InputError) as info:
        build_policy(options)
    assert str(info.value).startswith(expected)


def test_write_baseline__target_is_a_folder__input_error_and_no_temp_left(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    target.mkdir()
    with pytest.raises(InputError, match="cannot write the baseline"):
        write_baseline(target, REPORT)
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]


def test_measured__env_inside_project__relative_path_python_and_how(tmp_path: Path) -> None:
    report = {
        "project": str(tmp_path),
        "env": {"path": str(tmp_path / ".venv"), "python": "3.12.1", "found_by": "--env"},
    }
    assert measured(report) == "measured .venv (Python 3.12.1, found by --env)"


def test_format_text__measured__on_the_verdict_line() -> None:
    result = CheckResult(violations=(), passed=(), notes=())
    text = format_text(result, measured="measured .venv (Python 3.12.1, found by --env)")
    assert (
        text == "depsize check: no budget checked; measured .venv (Python 3.12.1, found by --env)\n"
    )
