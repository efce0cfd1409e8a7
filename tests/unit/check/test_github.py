"""GitHub Actions output: exact workflow-command strings and the step summary file.

``annotations`` is called through its module: ``from __future__ import annotations`` would
shadow the imported name.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from depsize.check import github
from depsize.check.budgets import run_budgets
from depsize.check.github import (
    append_step_summary,
    escape_data,
    escape_property,
    github_actions_enabled,
    project_prefix,
    step_summary_markdown,
    workflow_command,
)
from depsize.check.model import CheckResult, Contributor, Outcome
from depsize.check.policy import Policy
from depsize.check.sizes import describe_size
from depsize.errors import InputError
from depsize.report.document import ReportDocument
from depsize.units import human
from support.reports import KB, Built, analyze_project, spec, write_project
from support.site_packages import make_site_packages


def _group(pattern: str, line: str) -> str:
    """The first group of ``pattern`` in ``line`` (the test fails if it is not there)."""
    found = re.search(pattern, line)
    assert found is not None, (pattern, line)
    return found.group(1)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """torch (used, line 4) and colorama (unused, line 7), analysed for real."""
    root = tmp_path_factory.mktemp("app")
    env = make_site_packages(root, [spec("torch", 690 * KB, ()), spec("colorama", 10 * KB, ())])
    project = write_project(
        root / "app",
        {"requirements.txt": "# app\n\n\ntorch\n\n\ncolorama\n", "app.py": "import torch\n"},
    )
    return Built(project, env, analyze_project(project, env))


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


def test_annotations__unused_and_total__one_per_finding_on_requirement_lines(app: Built) -> None:
    result = run_budgets(app.document, Policy(max_total=500 * KB, max_unused=0))
    total, torch, colorama = app.document.env.total_bytes, app.own("torch"), app.own("colorama")
    assert github.annotations(result) == [
        "::error file=requirements.txt,line=4,title=depsize check%3A max-total::"
        f"total size: {describe_size(total)} > budget 500 kB (500,000 bytes); "
        f"top contributors (share of the total): torch {human(torch)} (requirements.txt:4), "
        f"colorama {human(colorama)} (requirements.txt:7)",
        "::error file=requirements.txt,line=7,title=depsize check%3A max-unused::"
        f"colorama [unused, frees {human(colorama)}]: unused requirements "
        "(unused, dead-code-only): 1 > max 0",
    ]


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """torch (used) and 13 unused requirements of distinct sizes, in a line order that is not
    their size order."""
    root = tmp_path_factory.mktemp("many")
    sizes = {f"pkg{n:02}": ((n * 7) % 13 + 1) * 10 * KB for n in range(13)}
    env = make_site_packages(
        root, [spec("torch", 690 * KB, ()), *(spec(n, size, ()) for n, size in sizes.items())]
    )
    lines = "torch\n" + "".join(f"{n}\n" for n in sizes)
    project = write_project(root / "app", {"requirements.txt": lines, "app.py": "import torch\n"})
    return Built(project, env, analyze_project(project, env))


def test_annotations__15_findings__10_errors_in_priority_order_then_one_summary(
    many: Built,
) -> None:
    policy = Policy(max_total=500 * KB, max_requirement={"torch": 100 * KB}, max_unused=0)
    result = run_budgets(many.document, policy)

    lines = github.annotations(result)

    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == github.MAX_ERRORS
    titles = [_group(r"title=([^:]*)::", line) for line in errors]
    assert titles[:2] == ["depsize check%3A max-total", "depsize check%3A max-requirement%3Atorch"]
    assert set(titles[2:]) == {"depsize check%3A max-unused"}
    named = [_group(r"::(pkg\d\d) \[unused", line) for line in errors[2:]]
    by_size = sorted((n for n in many.env.meta_bytes if n != "torch"), key=many.own, reverse=True)
    assert named == by_size[:8]
    assert lines[-1] == (
        "::warning title=depsize check%3A more findings::5 more depsize findings are not "
        "annotated (GitHub shows 10 errors a step): see the job's step summary or the log"
    )
    assert len(lines) == github.MAX_ERRORS + 1


def test_annotations__requirement_ceiling__on_its_line_with_prefix(app: Built) -> None:
    result = run_budgets(app.document, Policy(max_requirement={"torch": 100 * KB}))
    torch = app.own("torch")
    assert github.annotations(result, prefix="services/app") == [
        "::error file=services/app/requirements.txt,line=4,"
        "title=depsize check%3A max-requirement%3Atorch::"
        f"torch {human(torch)} [closure]: requirement torch (requirements.txt:4) closure: "
        f"{describe_size(torch)} > ceiling 100 kB (100,000 bytes)"
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


def test_annotations__all_passed__none(app: Built) -> None:
    assert github.annotations(run_budgets(app.document, Policy(max_total=10**12))) == []


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


def test_step_summary_markdown__failed__heading_table_contributors(app: Built) -> None:
    document = app.document
    policy = Policy(max_total=500 * KB, max_unused=0, max_dist={"jax": KB})
    result = run_budgets(document, policy)
    total, torch, colorama = document.env.total_bytes, app.own("torch"), app.own("colorama")
    assert step_summary_markdown(result, document) == (
        "## depsize check: ❌ 2 of 2 budgets broken\n"
        "\n"
        f"Environment: `{document.env.path}` · Python 3.11.4 · total {describe_size(total)} · "
        "apparent size\n"
        "\n"
        "| result | budget | measured vs limit |\n"
        "|---|---|---|\n"
        f"| ❌ FAIL | `max-total` | total size: {describe_size(total)} > budget 500 kB "
        "(500,000 bytes) |\n"
        "| ❌ FAIL | `max-unused` | unused requirements (unused, dead-code-only): 1 > max 0 |\n"
        "\n"
        "**max-total** — top contributors (share of the total):\n"
        "\n"
        f"- torch {human(torch)} — `requirements.txt:4`\n"
        f"- colorama {human(colorama)} — `requirements.txt:7`\n"
        "\n"
        "**max-unused** — counted:\n"
        "\n"
        f"- colorama \\[unused, frees {human(colorama)}\\] — `requirements.txt:7`\n"
        "\n"
        "> max-dist: jax is not installed; its ceiling was not checked\n"
    )


def _sparse(document: ReportDocument) -> ReportDocument:
    """The same report as if the env had no prefix and was measured in disk blocks."""
    env = replace(document.env, path=None, size_unit="disk_usage")
    return replace(document, env=env)


def test_step_summary_markdown__passed__check_mark_and_pipes_escaped(app: Built) -> None:
    passed = Outcome("max-total", 1, 2, "a | b", passed=True)
    text = step_summary_markdown(CheckResult(passed=(passed,)), _sparse(app.document))
    assert text.startswith("## depsize check: ✅ all 1 budgets met\n\nEnvironment: Python 3.11.4")
    assert "disk usage" in text
    assert "| ✅ ok | `max-total` | a \\| b |" in text


def test_append_step_summary__file_named_by_env__appended_not_truncated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: Built
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run_budgets(app.document, Policy(max_unused=0))
    assert github_actions_enabled(os.environ)
    markdown = step_summary_markdown(result, app.document)
    append_step_summary(os.environ["GITHUB_STEP_SUMMARY"], markdown)
    append_step_summary(os.environ["GITHUB_STEP_SUMMARY"], "tail")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## depsize check: ❌ 1 of 1 budgets broken\n")
    assert (
        f"- colorama \\[unused, frees {human(app.own('colorama'))}\\] — `requirements.txt:7`\n"
        in text
    )
    assert text.endswith("\ntail\n")


def test_append_step_summary__unwritable__input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot append to \\$GITHUB_STEP_SUMMARY"):
        append_step_summary(tmp_path / "missing" / "summary.md", "x")


def test_workflow_command__file_without_line__file_only() -> None:
    assert workflow_command("m", file="pyproject.toml") == "::error file=pyproject.toml::m"


def test_step_summary_markdown__sparse_env_and_no_contributors__minimal_lines(
    app: Built,
) -> None:
    broken = Outcome("max-unused", 1, 0, "unused requirements (unused): 1 > max 0")
    document = _sparse(app.document)
    text = step_summary_markdown(CheckResult(violations=(broken,)), document)
    assert text == (
        "## depsize check: ❌ 1 of 1 budgets broken\n"
        "\n"
        f"Environment: Python 3.11.4 · total {describe_size(document.env.total_bytes)} · "
        "disk usage\n"
        "\n"
        "| result | budget | measured vs limit |\n"
        "|---|---|---|\n"
        "| ❌ FAIL | `max-unused` | unused requirements (unused): 1 > max 0 |\n"
    )


def test_step_summary_markdown__markup_in_messages__rendered_as_text(app: Built) -> None:
    from markdown_it import MarkdownIt

    line = Contributor("cannot parse '<script>x</script>' in pkg/__init__.py", None, "r.txt", 2)
    violation = Outcome("fail-on-warnings", 1, 0, "warnings: 1 > max 0 | *all*", (line,))
    text = step_summary_markdown(CheckResult(violations=(violation,)), app.document)

    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)

    assert "<script" not in html
    assert "<em>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "pkg/__init__.py" in html
    assert "warnings: 1 &gt; max 0 | *all*</td>" in html
