"""Start-up time of ``depsize --version`` against the interpreter's own start-up.

    python benchmarks/bench_startup.py [--runs 21] [--depsize PATH]

Runs, interleaved, N times each: ``python -c pass`` (the floor: no program can start faster),
``python -c "import click"`` (what the command-line layer alone would cost), ``depsize
--version`` and ``depsize --help`` (the full command-line layer), with the console script of
the interpreter running this file unless ``--depsize`` names another. Prints the median and
the minimum wall time of each, and ``depsize --version`` over the floor (target: ≤ 60 ms).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _time(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--depsize", default=str(Path(sys.executable).parent / "depsize"))
    args = parser.parse_args()
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "depsize --version": [args.depsize, "--version"],
        "depsize --help": [args.depsize, "--help"],
    }
    for argv in commands.values():  # warm-up: page cache, byte-code caches
        _time(argv)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            times[name].append(_time(argv))
    width = max(map(len, commands))
    print(f"{'command':<{width}}  median ms  min ms")
    for name, values in times.items():
        median, least = statistics.median(values) * 1000, min(values) * 1000
        print(f"{name:<{width}}  {median:9.1f}  {least:6.1f}")
    version = statistics.median(times["depsize --version"])
    floor = statistics.median(times["python -c pass"])
    print(
        f"depsize --version: {version * 1000:.1f} ms (target ≤ 60 ms), "
        f"{version / floor:.2f}x python -c pass"
    )


if __name__ == "__main__":
    main()
