"""Regenerate ``docs/html-report.png``: the example project's HTML report, as chromium draws it.

    python docs/screenshot.py

Run from the repository root after creating the example's environment (see
``examples/webapp/README.md``), with a chromium binary on PATH (``apt-get install -y chromium``,
or ``DEPSIZE_CHROMIUM=/path/to/chrome``). It writes the report with the current program
(``depsize scan examples/webapp --format html``), opens it in headless chromium at 1280x800
(light scheme) through the same DevTools client as the browser tests, and saves the viewport:
the summary, the treemap and its legend.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.browser import Browser, find_chromium  # noqa: E402  (the tests' own client)

OUT = ROOT / "docs" / "html-report.png"
HTML = ("-q", "--format", "html", "-o")
EXAMPLE = ROOT / "examples" / "webapp"


def main() -> int:
    if find_chromium() is None:
        print("no chromium binary: apt-get install -y chromium (or set DEPSIZE_CHROMIUM)")
        return 2
    if not (EXAMPLE / ".venv").exists():
        print("create the example's environment first: see examples/webapp/README.md")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        subprocess.run(
            [sys.executable, "-m", "depsize", "scan", "examples/webapp", *HTML, str(report)],
            cwd=ROOT,
            env={**os.environ, "DEPSIZE_PROGRESS": "0"},
            check=True,
        )
        with Browser(1280, 800) as browser:
            browser.call(
                "Emulation.setDeviceMetricsOverride",
                width=1280,
                height=800,
                deviceScaleFactor=1,
                mobile=False,
            )
            browser.open(report.as_uri())
            if browser.exceptions or len(browser.requests) != 1:
                print(f"the page misbehaved: {browser.exceptions or browser.requests}")
                return 1
            browser.screenshot(OUT)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
