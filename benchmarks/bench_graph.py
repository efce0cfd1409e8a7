"""Graph time against the number of extras: a synthetic ``boto3-stubs``-like distribution.

    python benchmarks/bench_graph.py [--runs 7] [--extras 100 400 1600]

For each size N it writes (in a temporary folder) a real site-packages with one dist-info that
declares N extras plus ``all``, and ``Requires-Dist`` lines the way boto3-stubs writes them: one
``mypy-boto3-<service>; extra == "<service>"`` per extra, the same again under ``extra == "all"``,
and a few lines with compound markers; plus one dist-info per service so every edge resolves.
It scans that env once and prints the median time of ``build_graph`` over N: linear means the
time per ``Requires-Dist`` line stays flat as N grows.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from depsize.env.discover import from_prefix  # noqa: E402 - after the path set-up above
from depsize.env.scan import scan_env  # noqa: E402
from depsize.graph import build_graph  # noqa: E402

COMPOUND = (
    'types-s3transfer; extra == "s3" and python_version >= "3.8"',
    'typing-extensions>=4.1; python_version < "3.12"',
    'botocore-stubs; extra == "all" or extra == "essential"',
)


def _write_dist(site: Path, name: str, lines: list[str]) -> None:
    meta = site / f"{name.replace('-', '_')}-1.0.dist-info"
    meta.mkdir(parents=True)
    (meta / "METADATA").write_text(
        "\n".join(["Metadata-Version: 2.1", f"Name: {name}", "Version: 1.0", *lines]) + "\n\n"
    )
    (meta / "RECORD").write_text(f"{meta.name}/METADATA,,\n{meta.name}/RECORD,,\n")


def build_env(root: Path, extras: int) -> Path:
    site = root / "lib" / "python3.11" / "site-packages"
    services = [f"svc{i}" for i in range(extras)]
    lines = [f"Provides-Extra: {s}" for s in [*services, "all", "essential", "s3"]]
    lines += [f"Requires-Dist: {c}" for c in COMPOUND]
    for s in services:
        lines.append(f'Requires-Dist: mypy-boto3-{s}; extra == "{s}"')
        lines.append(f'Requires-Dist: mypy-boto3-{s}; extra == "all"')
    _write_dist(site, "boto3-stubs", lines)
    for s in [*services, "types-s3transfer", "typing-extensions", "botocore-stubs"]:
        _write_dist(site, s if s.startswith(("types", "typing", "boto")) else f"mypy-boto3-{s}", [])
    (root / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.4\n")
    return root


def time_graph(prefix: Path, runs: int) -> tuple[float, int, int]:
    env = from_prefix(prefix, how="bench")
    scan = scan_env(env)
    marker_env = env.marker_environment()
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        graph = build_graph(scan.dists, marker_env)
        times.append(time.perf_counter() - start)
    lines = len(scan.dists["boto3-stubs"].requires)
    return statistics.median(times[1:]), lines, sum(len(v) for v in graph.edges.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--extras", type=int, nargs="+", default=[100, 400, 1600])
    args = parser.parse_args()
    print(f"median of {args.runs} build_graph calls per size")
    print(f"{'extras':>7} {'Requires-Dist':>14} {'edges':>7} {'graph':>10} {'per line':>10}")
    for extras in args.extras:
        with tempfile.TemporaryDirectory() as tmp:
            seconds, lines, edges = time_graph(build_env(Path(tmp), extras), args.runs)
        per_line = seconds / lines * 1e6
        print(f"{extras:>7} {lines:>14,} {edges:>7,} {seconds * 1000:>8.1f} ms {per_line:>7.1f} µs")


if __name__ == "__main__":
    main()
