"""GitHub Actions output: exact workflow-command strings and the step summary file.

``annotations`` is called through its module: ``from __future__ import annotations`` would
shadow the imported name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from depsize.budget import Policy
from depsize.check import CheckResult, Contributor, Outcome, run_check
from depsize.errors import InputError
from depsize.report import github
from depsize.report.github import (
    append_step_summary,
    escape_data,
    escape_property,
    github_actions_enabled,
    project_prefix,
    step_summary_markdown,
    workflow_command,
)

MB = 1_000_000


def _report() -> dict[str, object]:
    """A small schema-1 report: two requirements, one of them unused."""

    def req(name: str, line: int, status: str, size: int) -> dict[str, object]:
        return {
            "name": name,
            "display_name": name,
            "specifier": "",
            "group": "main",
            "source": {"file": "requirements.txt", "line": line, "end_line": line},
            "raw": name,
            "status": status,
            "own_bytes": size,
            "closure_bytes": size,
            "exclusive_bytes": size,
            "share_bytes": size,
            "evidence": [],
        }

    return {
        "schema_version": 1,
        "depsize_version": "0.1.0",
        "env": {
            "path": "/w/app/.venv",
            "python": "3.12.4",
            "total_bytes": 700 * MB,
            "unowned_bytes": 0,
            "size_unit": "apparent",
        },
        "distributions": [
            {
                "name": "torch",
                "version": "2.3.1",
                "own_bytes": 690 * MB,
                "file_count": 9,
                "requires": [],
            },
            {
                "name": "colorama",
                "version": "0.4.6",
                "own_bytes": 10 * MB,
                "file_count": 3,
                "requires": [],
            },
        ],
        "requirements": [req("torch", 4, "used", 690 * MB), req("colorama", 7, "unused", 10 * MB)],
        "undeclared": [],
        "extraneous": [],
        "recommendations": [],
        "warnings": [],
    }


def test_github_actions_enabled__env_values__only_true_enables() -> None:
    assert github_actions_enabled({"GITHUB_ACTIONS": "true"})
    assert not github_actions_enabled({"GITHUB_ACTIONS": "false"})
    assert not github_actions_enabled({"GITHUB_ACTIONS": "1"})
    assert not github_actions_enabled({})


def test_github_actions_enabled__process_env_set__enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert github_actions_enabled(os.environ)
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert not github_actions_enabled(os.environ)


def test_escape__special_characters__percent_encoded() -> None:
    assert escape_data("50% of a\r\nb: c, d") == "50%25 of a%0D%0Ab: c, d"
    assert escape_property("dir:a,b%\n") == "dir%3Aa%2Cb%25%0A"


def test_workflow_command__all_parts__exact_string() -> None:
    assert (
        workflow_command("too big: 5%", file="req, s.txt", line=4, title="depsize: a")
        == "::error file=req%2C s.txt,line=4,title=depsize%3A a::too big: 5%25"
    )
    assert workflow_command("m") == "::error::m"
    assert workflow_command("m", title="t", level="warning") == "::warning title=t::m"
    assert workflow_command("m", line=3) == "::error::m"  # a line without a file means nothing


def test_annotations__unused_and_total__one_per_finding_on_requirement_lines() -> None:
    result = run_check(_report(), Policy(max_total=500 * MB, max_unused=0))
    assert github.annotations(result) == [
        "::error file=requirements.txt,line=4,title=depsize check%3A max-total::"
        "total size: 700 MB (700,000,000 bytes) > budget 500 MB (500,000,000 bytes); "
        "top contributors (share of the total): torch 690 MB (requirements.txt:4), "
        "colorama 10.0 MB (requirements.txt:7)",
        "::error file=requirements.txt,line=7,title=depsize check%3A max-unused::"
        "colorama [unused, frees 10.0 MB]: unused requirements (unused, dead-code-only): "
        "1 > max 0",
    ]


def _many_findings_report(unused: int) -> dict[str, object]:
    """torch (used, 690 MB) and *unused* unused requirements of distinct sizes, in a line order
    that is not their size order."""
    report = _report()
    template = report["requirements"][1]  # type: ignore[index]
    rows = [report["requirements"][0]]  # type: ignore[index]
    for n in range(unused):
        size = ((n * 7) % unused + 1) * MB
        row = {**template, "name": f"pkg{n:02}", "display_name": f"pkg{n:02}"}
        row |= {"own_bytes": size, "closure_bytes": size, "exclusive_bytes": size}
        row["source"] = {"file": "requirements.txt", "line": 10 + n, "end_line": 10 + n}
        rows.append(row)
    report["requirements"] = rows
    return report


def test_annotations__15_findings__10_errors_in_priority_order_then_one_summary() -> None:
    policy = Policy(max_total=500 * MB, max_requirement={"torch": 100 * MB}, max_unused=0)
    result = run_check(_many_findings_report(13), policy)

    lines = github.annotations(result)

    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == github.MAX_ERRORS
    titles = [re.search(r"title=([^:]*)::", line).group(1) for line in errors]  # type: ignore[union-attr]
    assert titles[:2] == ["depsize check%3A max-total", "depsize check%3A max-requirement%3Atorch"]
    assert set(titles[2:]) == {"depsize check%3A max-unused"}
    frees = [int(re.search(r"frees (\d+)\.0 MB", line).group(1)) for line in errors[2:]]  # type: ignore[union-attr]
    assert frees == [13, 12, 11, 10, 9, 8, 7, 6]
    assert lines[-1] == (
        "::warning title=depsize check%3A more findings::5 more depsize findings are not "
        "annotated (GitHub shows 10 errors a step): see the job's step summary or the log"
    )
    assert len(lines) == github.MAX_ERRORS + 1


def test_annotations__requirement_ceiling__on_its_line_with_prefix() -> None:
    result = run_check(_report(), Policy(max_requirement={"torch": 100 * MB}))
    assert github.annotations(result, prefix="services/app") == [
        "::error file=services/app/requirements.txt,line=4,"
        "title=depsize check%3A max-requirement%3Atorch::"
        "torch 690 MB [closure]: requirement torch (requirements.txt:4) closure: "
        "690 MB (690,000,000 bytes) > ceiling 100 MB (100,000,000 bytes)"
    ]


def test_annotations__no_line_to_point_at__one_fileless_error() -> None:
    violation = Outcome(
        "max-total",
        9,
        1,
        "total size: 9 bytes > budget 1 bytes",
        (Contributor("(unowned files)", 9),),
    )
    assert github.annotations(CheckResult(violations=(violation,))) == [
        "::error title=depsize check%3A max-total::total size: 9 bytes > budget 1 bytes"
    ]


def test_annotations__all_passed__none() -> None:
    assert github.annotations(run_check(_report(), Policy(max_total=10**12))) == []


def test_annotations__duplicate_lines__emitted_once() -> None:
    line = Contributor("torch", None, "requirements.txt", 4)
    violation = Outcome("max-dist:torch", 2, 1, "m", (line, line), "declared by")
    assert len(github.annotations(CheckResult(violations=(violation,)))) == 1


def test_annotations__absolute_path__prefix_not_added() -> None:
    line = Contributor("w", None, "/abs/warn.txt", 1)
    violation = Outcome("fail-on-warnings", 1, 0, "m", (line,))
    assert github.annotations(CheckResult(violations=(violation,)), prefix="sub")[0].startswith(
        "::error file=/abs/warn.txt,line=1,"
    )


def test_project_prefix__inside_and_outside_workspace__relative_or_empty(tmp_path: Path) -> None:
    (tmp_path / "services" / "app").mkdir(parents=True)
    assert project_prefix(tmp_path / "services" / "app", tmp_path) == "services/app"
    assert project_prefix(tmp_path, tmp_path) == ""
    assert project_prefix(tmp_path.parent, tmp_path) == ""


def test_step_summary_markdown__failed__heading_table_contributors() -> None:
    report = _report()
    result = run_check(report, Policy(max_total=500 * MB, max_unused=0, max_dist={"jax": MB}))
    assert step_summary_markdown(result, report) == (
        "## depsize check: ❌ 2 of 2 budgets broken\n"
        "\n"
        "Environment: `/w/app/.venv` · Python 3.12.4 · total 700 MB (700,000,000 bytes) · "
        "apparent size\n"
        "\n"
        "| result | budget | measured vs limit |\n"
        "|---|---|---|\n"
        "| ❌ FAIL | `max-total` | total size: 700 MB (700,000,000 bytes) > budget 500 MB "
        "(500,000,000 bytes) |\n"
        "| ❌ FAIL | `max-unused` | unused requirements (unused, dead-code-only): 1 > max 0 |\n"
        "\n"
        "**max-total** — top contributors (share of the total):\n"
        "\n"
        "- torch 690 MB — `requirements.txt:4`\n"
        "- colorama 10.0 MB — `requirements.txt:7`\n"
        "\n"
        "**max-unused** — counted:\n"
        "\n"
        "- colorama \\[unused, frees 10.0 MB\\] — `requirements.txt:7`\n"
        "\n"
        "> max-dist: jax is not installed; its ceiling was not checked\n"
    )


def test_step_summary_markdown__passed__check_mark_and_pipes_escaped() -> None:
    report = _report()
    report["env"] = {**report["env"], "path": None, "size_unit": "disk_usage"}  # type: ignore[dict-item]
    passed = Outcome("max-total", 1, 2, "a | b", passed=True)
    text = step_summary_markdown(CheckResult(passed=(passed,)), report)
    assert text.startswith("## depsize check: ✅ all 1 budgets met\n\nEnvironment: Python 3.12.4")
    assert "disk usage" in text
    assert "| ✅ ok | `max-total` | a \\| b |" in text


def test_append_step_summary__file_named_by_env__appended_not_truncated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    report = _report()
    result = run_check(report, Policy(max_unused=0))
    assert github_actions_enabled(os.environ)
    append_step_summary(os.environ["GITHUB_STEP_SUMMARY"], step_summary_markdown(result, report))
    append_step_summary(os.environ["GITHUB_STEP_SUMMARY"], "tail")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## depsize check: ❌ 1 of 1 budgets broken\n")
    assert "- colorama \\[unused, frees 10.0 MB\\] — `requirements.txt:7`\n" in text
    assert text.endswith("\ntail\n")


def test_append_step_summary__unwritable__input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot append to \\$GITHUB_STEP_SUMMARY"):
        append_step_summary(tmp_path / "missing" / "summary.md", "x")


def test_workflow_command__file_without_line__file_only() -> None:
    assert workflow_command("m", file="pyproject.toml") == "::error file=pyproject.toml::m"


def test_step_summary_markdown__sparse_env_and_no_contributors__minimal_lines() -> None:
    report: dict[str, object] = {"env": {"total_bytes": 5}}
    broken = Outcome("max-unused", 1, 0, "unused requirements (unused): 1 > max 0")
    text = step_summary_markdown(CheckResult(violations=(broken,)), report)
    assert text == (
        "## depsize check: ❌ 1 of 1 budgets broken\n"
        "\n"
        "Environment: total 5 bytes\n"
        "\n"
        "| result | budget | measured vs limit |\n"
        "|---|---|---|\n"
        "| ❌ FAIL | `max-unused` | unused requirements (unused): 1 > max 0 |\n"
    )


def test_step_summary_markdown__markup_in_messages__rendered_as_text() -> None:
    from markdown_it import MarkdownIt

    line = Contributor("cannot parse '<script>x</script>' in pkg/__init__.py", None, "r.txt", 2)
    violation = Outcome("fail-on-warnings", 1, 0, "warnings: 1 > max 0 | *all*", (line,))
    text = step_summary_markdown(CheckResult(violations=(violation,)), _report())

    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)

    assert "<script" not in html
    assert "<em>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "pkg/__init__.py" in html
    assert "warnings: 1 &gt; max 0 | *all*</td>" in html
