"""``depsize scan --format html`` rendered in a real headless chromium (DevTools protocol).

The report of the golden fixture environment (``test_golden_reports.DISTS``: exact byte counts)
is written by the CLI, opened from disk, and checked on the rendered DOM: the rectangles, the
legend, the table, zoom by click and by keyboard, the hover details, the narrow layout, and that
the page made no request but its own file. A screenshot of each page is kept in
``$DEPSIZE_ARTIFACTS`` (default ``test-artifacts/`` at the repository root).

Skipped only when no chromium binary exists and ``CI`` is not set; in CI a missing browser fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

import pytest
from click.testing import CliRunner

from depsize.cli import main
from support.browser import Browser, find_chromium
from support.site_packages import DistSpec, make_site_packages

from .test_golden_reports import DISTS, FIXTURE

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("DEPSIZE_ARTIFACTS", REPO / "test-artifacts"))

pytestmark = pytest.mark.skipif(
    find_chromium() is None and not os.environ.get("CI"),
    reason="no chromium binary on PATH (apt-get install -y chromium, or set DEPSIZE_CHROMIUM); "
    "in CI these tests run and a missing browser fails them",
)

TOP_LEVEL = {
    "reportgen",
    "fastjson",
    "pytestish",
    "oldclient",
    "gunicornish",
    "webframe",
    "shared by several requirements",
}
"""The golden env's top-level nodes: each requirement that alone reaches some bytes, plus the
node holding netcore and templating, which webframe and oldclient (and templating) share."""

CELLS = """JSON.stringify(Array.from(document.querySelectorAll('.cell[data-depth="1"]')).map(
  e => { const r = e.getBoundingClientRect();
         return {name: e.dataset.name, key: e.dataset.key, area: r.width * r.height,
                 x: r.x + r.width / 2, y: r.y + r.height / 2}; }))"""


HTML_OUT = ("--format", "html", "-o")


def _write_report(tmp_path: Path, dists: list[DistSpec], project: Path) -> Path:
    make_site_packages(tmp_path, dists)
    shutil.copytree(project, tmp_path / "project")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        main,
        ["scan", str(tmp_path / "project"), "--env", str(tmp_path / "env"), *HTML_OUT, str(out)],
        env={"DEPSIZE_PROGRESS": "0"},
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(1280, 800) as b:
        yield b


@pytest.fixture
def golden_page(tmp_path: Path, browser: Browser) -> Browser:
    browser.call("Emulation.clearDeviceMetricsOverride")
    report = _write_report(tmp_path, DISTS, FIXTURE)
    browser.open(report.as_uri())
    return browser


class Cell(TypedDict):
    """A top-level rectangle of the treemap, as :data:`CELLS` reports it."""

    name: str
    key: str
    area: float
    x: float
    y: float


def _cells(b: Browser) -> list[Cell]:
    cells: list[Cell] = json.loads(b.evaluate(CELLS))
    return cells


def _zoom(b: Browser, name: str) -> None:
    b.evaluate(
        "Array.from(document.querySelectorAll('.cell[data-depth=\"1\"]'))"
        f".find(e => e.dataset.name === {json.dumps(name)}).click()"
    )


def _no_request_but_the_page(b: Browser) -> None:
    urls = [r["url"] for r in b.requests]
    assert urls == [b.url], f"the page fetched something: {urls}"
    assert b.exceptions == []


def test_html_report__golden_env_in_chromium__one_rectangle_per_top_level_node(
    golden_page: Browser,
) -> None:
    b = golden_page
    cells = _cells(b)
    assert sorted(str(c["name"]) for c in cells) == sorted(TOP_LEVEL)
    largest = max(cells, key=lambda c: c["area"])
    assert largest["name"] == "reportgen"  # 2.7 MB exclusive: chartlib comes with it
    assert largest["key"] == "dead-code-only"
    legend = b.evaluate(
        "Array.from(document.querySelectorAll('#legend li')).map(e => e.dataset.key)"
    )
    assert {"used", "unused", "dead-code-only", "optional-only", "shared"} <= set(legend)
    rows = b.evaluate("document.querySelectorAll('#verdict-table tbody tr').length")
    assert rows == 8
    summary = b.evaluate("document.querySelector('.summary').textContent")
    assert summary.startswith("env 4.6 MB in 9 distributions")
    findings = b.evaluate("document.getElementById('findings').textContent")
    assert "requirements.txt:4" in findings  # oldclient's finding, file:line
    b.screenshot(ARTIFACTS / "html-report-golden.png", full_page=True)
    assert (ARTIFACTS / "html-report-golden.png").stat().st_size > 10_000
    _no_request_but_the_page(b)


def test_html_report__click_then_escape__zooms_in_and_back_out(golden_page: Browser) -> None:
    b = golden_page
    b.evaluate("document.querySelector('.cell[data-name=\"reportgen\"]').click()")
    inside = {c["name"] for c in _cells(b)}
    assert inside == {"reportgen", "chartlib"}
    crumbs = b.evaluate(
        "Array.from(document.querySelectorAll('#crumbs button')).map(e => e.textContent)"
    )
    assert crumbs == ["environment 4.6 MB", "reportgen"]
    b.evaluate("document.querySelector('.cell[data-name=\"chartlib\"]').click()")
    assert {c["name"] for c in _cells(b)} == {"chartlib/", "chartlib-0.8.1.dist-info/"}
    for key, code in (("Escape", 27), ("Backspace", 8)):
        b.call("Input.dispatchKeyEvent", type="keyDown", key=key, windowsVirtualKeyCode=code)
        b.call("Input.dispatchKeyEvent", type="keyUp", key=key, windowsVirtualKeyCode=code)
    assert {c["name"] for c in _cells(b)} == TOP_LEVEL
    _no_request_but_the_page(b)


def test_html_report__tab_and_enter__zoom_with_the_keyboard(golden_page: Browser) -> None:
    b = golden_page
    b.evaluate("document.querySelector('.cell[data-name=\"fastjson\"]').focus()")
    b.call("Input.dispatchKeyEvent", type="keyDown", key="Enter", windowsVirtualKeyCode=13)
    b.call("Input.dispatchKeyEvent", type="keyUp", key="Enter", windowsVirtualKeyCode=13)
    assert {c["name"] for c in _cells(b)} == {"fastjson"}
    focused = b.evaluate("document.activeElement.dataset.name")
    assert focused == "fastjson"  # focus moves into the zoomed view


def test_html_report__hover__shows_version_bytes_share_and_why(golden_page: Browser) -> None:
    b = golden_page
    b.evaluate("document.querySelector('.cell[data-name=\"oldclient\"]').click()")
    cell = next(c for c in _cells(b) if c["name"] == "oldclient")
    b.call("Input.dispatchMouseEvent", type="mouseMoved", x=cell["x"], y=cell["y"])
    tip = b.evaluate(
        "document.getElementById('tip').hidden ? null : document.getElementById('tip').innerText"
    )
    assert tip is not None
    assert "version 0.9.0" in tip
    assert "why: oldclient" in tip
    assert re.search(r"\d+(\.\d)?%", tip)
    assert re.search(r"\d+(\.\d)? kB", tip)


def test_html_report__click_a_column__sorts_the_table(golden_page: Browser) -> None:
    b = golden_page
    first = "document.querySelector('#verdict-table tbody tr td').textContent"
    own = (
        "Array.from(document.querySelectorAll('#verdict-table th button'))"
        ".find(e => e.textContent === 'own').click()"
    )
    b.evaluate(own)
    assert b.evaluate(first) == "missingpkg"  # 0 B, ascending
    b.evaluate(own)
    assert b.evaluate(first) == "fastjson"  # 880 kB, descending


def test_html_report__recommendation__before_after_bar_matches_the_figures(
    golden_page: Browser,
) -> None:
    b = golden_page
    label = b.evaluate("document.querySelector('.rec .bar-label').textContent")
    assert label == "4.6 MB → 1.6 MB"
    ratio = b.evaluate(
        "document.querySelector('.rec .after').getBoundingClientRect().width /"
        " document.querySelector('.rec .bar').getBoundingClientRect().width"
    )
    assert 0.3 < ratio < 0.4


def test_html_report__400px_wide_and_dark__fits_and_follows_the_scheme(
    golden_page: Browser,
) -> None:
    b = golden_page
    light = b.evaluate("getComputedStyle(document.body).backgroundColor")
    b.call(
        "Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "dark"}]
    )
    dark = b.evaluate("getComputedStyle(document.body).backgroundColor")
    b.call("Emulation.setEmulatedMedia", features=[])
    assert light == "rgb(255, 255, 255)"
    assert dark != light
    b.call(
        "Emulation.setDeviceMetricsOverride",
        width=400,
        height=800,
        deviceScaleFactor=1,
        mobile=True,
    )
    # the page lays the treemap out again after a resize: wait for it (bounded), then check
    deadline = time.monotonic() + 5
    while True:
        b.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        cells = _cells(b)
        laid_out = all(c["x"] < 400 for c in cells)
        if laid_out or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    width = b.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    assert {c["name"] for c in cells} == TOP_LEVEL
    assert laid_out
    b.screenshot(ARTIFACTS / "html-report-golden-400px.png")


EVIL_IMG = "<img src=x onerror=window.__pwned=1>"
EVIL_SCRIPT = "</script><script>window.__pwned=2</script>"


def _evil_env(tmp_path: Path) -> Path:
    project = tmp_path / "evil-project"
    project.mkdir()
    (project / "app.py").write_text("import evil\n")
    (project / "requirements.txt").write_text(f"{EVIL_IMG}\nevil\n")
    dists = [
        DistSpec(
            "evil",
            files={"evil/__init__.py": 10_000, f"evil/{EVIL_SCRIPT}": 50_000},
        ),
        DistSpec(EVIL_IMG, files={"payload/<b>x.py": 20_000}),
    ]
    return _write_report(tmp_path, dists, project)


@pytest.mark.parametrize("csp", ["with", "without"])
def test_html_report__names_with_html_and_script__execute_nothing(
    tmp_path: Path, browser: Browser, csp: str
) -> None:
    report = _evil_env(tmp_path)
    if csp == "without":  # the escaping alone must hold, not only the Content-Security-Policy
        text = report.read_text(encoding="utf-8")
        text, count = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
        assert count == 1
        report.write_text(text, encoding="utf-8")
    browser.open(report.as_uri())
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert browser.evaluate("document.images.length") == 0
    assert browser.evaluate("document.scripts.length") == 3
    body = browser.evaluate("document.body.textContent")
    assert EVIL_IMG in body  # shown as text in the findings (invalid requirement, extraneous)
    for name in ("evil", "evil", "evil/"):  # requirement → distribution → folder
        _zoom(browser, name)
    assert EVIL_SCRIPT in [c["name"] for c in _cells(browser)]
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert browser.evaluate("document.images.length") == 0
    assert [r["url"] for r in browser.requests] == [report.as_uri()]
    assert browser.exceptions == []
