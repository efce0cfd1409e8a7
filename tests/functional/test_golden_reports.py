"""Golden outputs: the plain-text and markdown scan reports of the golden fixture project.

The environment is synthetic (``support.site_packages``, exact byte counts), so every figure is
stable. Paths are kept stable by running from ``tmp_path`` (``monkeypatch.chdir``) with the project
and the environment given as relative paths (``project``, ``env``); no absolute path may appear.

To regenerate the expected files after an intended change of the reports, run
``DEPSIZE_UPDATE_GOLDEN=1 python -m pytest tests/functional/test_golden_reports.py`` and review
the diff of ``tests/fixtures/golden/`` before committing it: those files are documentation too.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from depsize.analyze import Analysis, Settings, analyze
from depsize.report import console, markdown
from support.site_packages import DistSpec, make_site_packages

FIXTURE = Path(__file__).parents[1] / "fixtures" / "projects" / "golden"
GOLDEN = Path(__file__).parents[1] / "fixtures" / "golden"
UPDATE = os.environ.get("DEPSIZE_UPDATE_GOLDEN") == "1"

DISTS = [
    DistSpec(
        "webframe",
        "2.3.0",
        files={"webframe/__init__.py": 42_000, "webframe/routing.py": 18_000},
        requires=("templating>=3.0", "netcore>=1.0"),
    ),
    DistSpec("templating", "3.1.2", files={"templating/__init__.py": 25_000}),
    DistSpec("netcore", "1.2.0", files={"netcore/__init__.py": 95_000}),
    DistSpec(
        "reportgen",
        "1.4.0",
        files={"reportgen/__init__.py": 120_000},
        requires=("chartlib",),
    ),
    DistSpec(
        "chartlib",
        "0.8.1",
        files={
            "chartlib/__init__.py": 2_400_000,
            "chartlib/tests/__init__.py": 0,
            "chartlib/tests/test_plot.py": 150_000,
        },
    ),
    DistSpec(
        "oldclient",
        "0.9.0",
        files={"oldclient/__init__.py": 310_000},
        requires=("netcore",),
    ),
    DistSpec(
        "gunicornish",
        "21.2.0",
        files={"gunicornish/__init__.py": 64_000, "../../../bin/served": 220},
        entry_points="[console_scripts]\nserved = gunicornish.app:run\n",
    ),
    DistSpec("fastjson", "3.9.0", files={"fastjson/__init__.py": 880_000}),
    DistSpec("pytestish", "8.0.0", files={"pytestish/__init__.py": 510_000}),
]


@pytest.fixture
def golden_analysis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Analysis:
    make_site_packages(tmp_path, DISTS)
    shutil.copytree(FIXTURE, tmp_path / "project")
    monkeypatch.chdir(tmp_path)
    return analyze(Settings(project=Path("project"), env_dir=Path("env"), use_cache=False))


def _compare(actual: str, name: str, tmp_path: Path) -> None:
    assert str(tmp_path) not in actual, "an absolute path would make the golden file unstable"
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} changed; if intended, rerun with DEPSIZE_UPDATE_GOLDEN=1 and review the diff"
    )


def test_console_render__golden_project_plain_width_100__matches_scan_txt(
    golden_analysis: Analysis, tmp_path: Path
) -> None:
    stream = io.StringIO()

    console.render(golden_analysis, stream, color=False, width=100)

    _compare(stream.getvalue(), "scan.txt", tmp_path)


def test_markdown_render__golden_project__matches_scan_md(
    golden_analysis: Analysis, tmp_path: Path
) -> None:
    _compare(markdown.render(golden_analysis), "scan.md", tmp_path)


def test_console_render__golden_project__no_line_wider_than_100(
    golden_analysis: Analysis,
) -> None:
    """The table and headings fit the width; only long finding lines wrap (soft_wrap)."""
    stream = io.StringIO()

    console.render(golden_analysis, stream, color=False, width=100)

    table = stream.getvalue().split("own: the distribution's own files")[0]
    assert max(len(line) for line in table.splitlines()) <= 100
    assert "\x1b[" not in stream.getvalue()


ESCAPING_FILES = {
    "requirements.txt": "webframe>=2.0\n<script>alert(1)</script>\nstar*ry|pipe\n",
    "app/__init__.py": "import webframe\nimport __tool_init__\n",
    "app/a|b*c*.py": "import sentry_sdk\n",
    "app/<script>.py": "import bad_module\n",
    "app/many.py": "".join(f"import extra_{n:02}\n" for n in range(12)),
    "req|*_x_*.txt": "templating\n",
}


@pytest.fixture
def escaping_analysis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Analysis:
    """Names and paths that Markdown and HTML would read as markup, and a long section."""
    make_site_packages(tmp_path, DISTS[:3])
    for rel, text in ESCAPING_FILES.items():
        (tmp_path / "project" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "project" / rel).write_text(text)
    monkeypatch.chdir(tmp_path)
    sources = (Path("project/requirements.txt"), Path("project/req|*_x_*.txt"))
    return analyze(
        Settings(
            project=Path("project"), env_dir=Path("env"), requirements=sources, use_cache=False
        )
    )


def test_markdown_render__names_with_markup__golden_and_rendered_as_plain_text(
    escaping_analysis: Analysis, tmp_path: Path
) -> None:
    from markdown_it import MarkdownIt

    text = markdown.render(escaping_analysis)
    _compare(text, "scan_escaping.md", tmp_path)

    html = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text)
    for markup in ("<em>", "<strong>", "<del>", "<script", "<code>", "<a "):
        assert markup not in html.replace("<strong>env", ""), markup
    assert html.count("<strong>") == 1  # the summary line, on purpose
    for literal in ("__init__.py:2: __tool_init__", "a|b*c*.py:1: sentry_sdk", "req|*_x_*.txt:1"):
        assert literal in html
    assert "&lt;script&gt;" in html
    tables = [t.split("<tr>")[1:] for t in html.split("<table>")[1:]]
    assert [len(t) for t in tables] == [4, 4]  # header + rows: no "|" split or joined a row
    for table, columns in zip(tables, (7, 3), strict=True):
        assert [r.count("<th") + r.count("<td") for r in table] == [columns] * len(table)
    assert "<details><summary>Imported but not declared (not installed) (" in html
    assert "extra_11" in html.split("<details>")[1]
