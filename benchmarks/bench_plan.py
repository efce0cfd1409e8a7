"""``depsize plan`` of a 100-distribution lock from a warm cache (target: ≤ 0.5 s).

    python benchmarks/bench_plan.py [--dists 100] [--runs 7]
    python benchmarks/bench_plan.py --fit-bytecode SITE_PACKAGES [SITE_PACKAGES ...]

It writes N real wheels (each with 20-200 files and a few ``Requires-Dist`` lines, so the graph
has work to do), serves them from the in-process simple index of the tests, and writes a
``pylock.toml`` naming each wheel by URL and sha256 as uv exports it. One cold run fills a fresh
cache folder (``XDG_CACHE_HOME`` in a temporary folder); the server is then stopped, so a warm
run that touched the network would fail. It prints the cold time, then the median of the warm
runs: ``plan()`` in-process (lock read, cache reads, graph, attribution, recommendations, the
JSON report) and the whole command as a process (``python -m depsize plan --format json``,
interpreter start included; depsize's byte-code cached, as in an installed copy), each as
wall time and as CPU time (user + system), which a
machine shared with other work inflates far less.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

from depsize.plan.build import PlanOptions, plan  # noqa: E402 - after the path set-up above
from depsize.plan.render import render_json  # noqa: E402
from depsize.plan.target import parse_target  # noqa: E402
from support.plan_index import serve_index  # noqa: E402
from support.wheels import WheelSpec, write_wheel  # noqa: E402


def _specs(count: int) -> list[WheelSpec]:
    rng = random.Random(0)
    specs = []
    for index in range(count):
        name = f"dist{index:03d}"
        files = {f"{name}/mod{f}.py": rng.randint(200, 20_000) for f in range(rng.randint(20, 200))}
        deps = rng.sample(range(index + 1, count), k=min(3, count - index - 1))
        specs.append(
            WheelSpec(name, "1.0", files=files, requires=tuple(f"dist{d:03d}>=1" for d in deps))
        )
    return specs


def _pylock(specs: list[WheelSpec], folder: Path, url: str) -> str:
    lines = ['lock-version = "1.0"', 'created-by = "bench_plan"', ""]
    base = url.rsplit("/simple", 1)[0]
    for spec in specs:
        digest = hashlib.sha256((folder / spec.filename).read_bytes()).hexdigest()
        lines += [
            "[[packages]]",
            f'name = "{spec.name}"',
            f'version = "{spec.version}"',
            f'wheels = [{{ url = "{base}/files/{spec.filename}", '
            f'hashes = {{ sha256 = "{digest}" }} }}]',
            "",
        ]
    return "\n".join(lines)


def _pairs(site: Path) -> list[tuple[int, int]]:
    """(``.py`` bytes, its ``__pycache__/*.cpython-3X.pyc`` bytes) under a compiled install."""
    tag = f"cpython-{sys.version_info[0]}{sys.version_info[1]}"
    out = []
    for source in site.rglob("*.py"):
        compiled = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
        if compiled.is_file():
            out.append((source.stat().st_size, compiled.stat().st_size))
    return out


def _line(pairs: list[tuple[int, int]]) -> tuple[float, float]:
    return statistics.linear_regression([p for p, _ in pairs], [c for _, c in pairs])


def fit_bytecode(sites: list[Path]) -> None:
    """How ``BYTECODE_PER_SOURCE_BYTE``/``BYTECODE_PER_FILE`` were measured: a least-squares
    line over every pair; then, for each folder, the line of the others tried on it."""
    by_site = {site: _pairs(site) for site in sites}
    pairs = [p for found in by_site.values() for p in found]
    slope, intercept = _line(pairs)
    ratio = sum(c for _, c in pairs) / sum(p for p, _ in pairs)
    print(f"{len(pairs)} pairs: pyc = {slope:.3f} x py + {intercept:.0f}; total ratio {ratio:.3f}")
    for site, test in by_site.items():
        others = [p for other, found in by_site.items() if other != site for p in found]
        if not others or not test:
            continue
        k, c = _line(others)
        predicted = sum(round(k * p + c) for p, _ in test) / sum(y for _, y in test)
        print(f"{site}: the others' line predicts {predicted:.3f} x its byte-code")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dists", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fit-bytecode", nargs="+", type=Path, metavar="SITE_PACKAGES")
    args = parser.parse_args()
    if args.fit_bytecode:
        fit_bytecode(args.fit_bytecode)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(root / "cache")
        specs = _specs(args.dists)
        for spec in specs:
            write_wheel(spec, root / "wheels")
        options = PlanOptions(parse_target(None, None), cache_dir=root / "cache/depsize/plan")
        lock = root / "pylock.toml"
        with serve_index(root / "wheels") as server:
            lock.write_text(_pylock(specs, root / "wheels", server.url))
            start = time.perf_counter()
            cold = plan(lock, options)
            cold_time = time.perf_counter() - start
        assert not cold.partial, [d.reason for d in cold.unknown]
        warm_times, warm_cpu = [], []
        for _ in range(args.runs):
            start, cpu = time.perf_counter(), time.process_time()
            warm = plan(lock, options)
            render_json(warm)
            warm_times.append(time.perf_counter() - start)
            warm_cpu.append(time.process_time() - cpu)
            assert not warm.partial
            assert warm.requests == 0
        process_times, process_cpu = [], []
        command = [sys.executable, "-m", "depsize", "plan", str(lock), "--format", "json"]
        env = {  # byte-code cached as an installed depsize has it, outside the repository
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPATH": str(REPO / "src"),
            "PYTHONPYCACHEPREFIX": str(root / "pycache"),
        }
        subprocess.run(command, check=True, capture_output=True, env=env)  # writes byte-code
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            process_times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            process_cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    files = sum(len(d.files) for d in warm.dists)
    print(
        f"{args.dists} distributions, {files} installed files, {warm.attribution.total_bytes:,} B"
    )
    print(f"cold (range reads from the local index, {cold.requests} requests): {cold_time:.3f} s")
    print(
        f"warm plan() + JSON report, median of {args.runs}: "
        f"{statistics.median(warm_times):.3f} s wall, {statistics.median(warm_cpu):.3f} s CPU"
    )
    print(
        f"warm `depsize plan` process, median of {args.runs}: "
        f"{statistics.median(process_times):.3f} s wall, "
        f"{statistics.median(process_cpu):.3f} s CPU (target: 0.5 s)"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
