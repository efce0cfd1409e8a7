"""Benchmark ``depsize scan --format html``: the page's size and its render time in chromium.

    python benchmarks/bench_html.py [--runs 5] [--keep]

Builds a synthetic environment under a temporary folder (``--keep``: ``benchmarks/.work/html``):
75 distributions, 60,000 files, 6 GB apparent size. Every file is sparse (``truncate``), so it
takes seconds and almost no disk; RECORD gives each file's exact size, as pip writes it. 25 of the
distributions are declared (a web app's requirements, some unused), the rest are their
dependencies, several shared, plus a few extraneous ones.

Then it writes the report with the CLI (``depsize scan PROJECT --env ENV --format html -o …``) and
prints the file's size against the target (< 3 MB) and, over N page loads in headless chromium
(DevTools protocol, the same client as the browser tests), the median of:

- ``first draw``: ``performance.now()`` when the page has drawn its treemap and table (the
  ``data-render-ms`` the page sets on ``<html>``; measured from navigation start);
- ``load``: wall time from ``Page.navigate`` to the load event, seen from outside.

Target: under 2 s. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from support.browser import Browser, find_chromium  # noqa: E402  (the tests' own client)

DISTS, FILES, TOTAL = 75, 60_000, 6_000_000_000
DECLARED = 25
HTML = ("-q", "--format", "html", "-o")
SIZE_TARGET, RENDER_TARGET_MS = 3_000_000, 2_000.0


def _sizes(rng: random.Random, count: int, total: int) -> list[int]:
    """``count`` file sizes adding up to ``total``, heavy-tailed like real wheels."""
    weights = [rng.paretovariate(1.1) for _ in range(count)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def _write_dist(site: Path, name: str, requires: list[str], files: dict[str, int]) -> None:
    meta = site / f"{name}-1.0.dist-info"
    meta.mkdir(parents=True)
    text = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
    text += "".join(f"Requires-Dist: {r}\n" for r in requires) + "\n"
    (meta / "METADATA").write_text(text)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for rel, size in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            f.truncate(size)
        writer.writerow([rel, "", size])
    writer.writerow([f"{meta.name}/METADATA", "", len(text.encode())])
    writer.writerow([f"{meta.name}/RECORD", "", ""])
    (meta / "RECORD").write_text(out.getvalue())


def build_env(root: Path, seed: int = 7) -> tuple[Path, Path]:
    """The synthetic environment and a project declaring 25 of its distributions."""
    rng = random.Random(seed)
    site = root / "env" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (root / "env" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.7\n")
    names = [f"pkg{i:02}" for i in range(DISTS)]
    dist_bytes = _sizes(rng, DISTS, TOTAL)
    per_dist = _sizes(rng, DISTS, FILES - DISTS * 2)
    for index, name in enumerate(names):
        count = per_dist[index]
        sizes = _sizes(rng, count, dist_bytes[index])
        folders = [f"{name}/sub{j}" for j in range(1 + count // 400)]
        files = {f"{rng.choice(folders)}/m{k}.so": s for k, s in enumerate(sizes)}
        deps = [] if index >= 65 else [names[d] for d in rng.sample(range(DECLARED, 65), 3)]
        _write_dist(site, name, deps if index < DECLARED else deps[:1], files)
    project = root / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("\n".join(names[:DECLARED]) + "\n")
    (project / "app.py").write_text("".join(f"import {n}\n" for n in names[: DECLARED - 6]))
    return root / "env", project


def _count_files(site: Path) -> int:
    return sum(1 for p in site.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="build under benchmarks/.work/html")
    args = parser.parse_args()
    if find_chromium() is None:
        print("no chromium binary: apt-get install -y chromium (or set DEPSIZE_CHROMIUM)")
        return 2
    root = REPO / "benchmarks" / ".work" / "html" if args.keep else Path(tempfile.mkdtemp())
    if not (root / "env").exists():
        shutil.rmtree(root, ignore_errors=True)
        start = time.perf_counter()
        build_env(root)
        print(f"built the synthetic env in {time.perf_counter() - start:.1f} s")
    env, project = root / "env", root / "project"
    site = env / "lib" / "python3.11" / "site-packages"
    files = _count_files(site)
    print(f"env: {DISTS} distributions, {files:,} files with the metadata (sparse), 6 GB apparent")
    report = root / "report.html"
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "depsize",
            "scan",
            str(project),
            "--env",
            str(env),
            *HTML,
            str(report),
        ],
        check=True,
        env={**os.environ, "DEPSIZE_PROGRESS": "0"},
    )
    print(f"depsize scan --format html: {time.perf_counter() - start:.2f} s (scan + page)")
    size = report.stat().st_size
    verdict = "ok" if size < SIZE_TARGET else "MISSED"
    print(f"report size: {size:,} bytes ({size / 1e6:.2f} MB; target < 3 MB: {verdict})")
    draws, loads = [], []
    with Browser(1280, 800) as browser:
        for _ in range(args.runs + 1):  # the first load warms chromium up and is not counted
            start = time.perf_counter()
            browser.open(report.as_uri())
            loads.append((time.perf_counter() - start) * 1000)
            draws.append(float(browser.evaluate("document.documentElement.dataset.renderMs")))
        cells = browser.evaluate("document.querySelectorAll('.cell').length")
        assert browser.exceptions == [], browser.exceptions
    draw, load = statistics.median(draws[1:]), statistics.median(loads[1:])
    verdict = "ok" if max(draw, load) < RENDER_TARGET_MS else "MISSED"
    print(f"first draw (median of {args.runs}): {draw:.0f} ms; load event: {load:.0f} ms")
    print(f"target < 2000 ms: {verdict}; {cells} rectangles drawn at the top level view")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
