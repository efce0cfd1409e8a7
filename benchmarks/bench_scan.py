"""Benchmark ``depsize scan`` against ``du -sb`` and ``pipdeptree`` on a large real environment.

    python benchmarks/bench_scan.py [--runs 7] [--profile]

Builds (once, then reuses) under ``benchmarks/.work/``:

- ``env/``: a venv with torch 2.13.0 (the CPU build pip takes from local disk) and other large
  real distributions, tens of thousands of files;
- ``tools/``: a venv with depsize installed from this checkout (editable) and pipdeptree >= 4.2.

Then it prints medians of interleaved runs (warm cache, one warm-up run first) of the three
commands, their ratios, depsize's peak RSS, depsize's in-process phases, and compares the
totals each tool reports. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work"

TORCH = "torch==2.13.0"
ENV_PACKAGES = (
    TORCH,
    "numpy==2.1.3",
    "pandas==2.2.3",
    "scipy==1.14.1",
    "scikit-learn==1.5.2",
    "matplotlib==3.9.2",
    "sympy==1.13.3",
    "django==5.1.3",
    "boto3==1.35.63",
)
LARGE_PACKAGES = (
    *ENV_PACKAGES,
    "transformers==5.24.0",
    "sentence-transformers==6.2.0",
    "bertopic==0.17.4",
    "plotly==5.24.1",
)
"""The larger env (>= 60k files): the same plus transformers, sentence-transformers, bertopic
and plotly (15,319 files in its wheel; without it the env holds 53,320)."""
TOOLS_PACKAGES = ("pipdeptree>=4.2",)

TARGETS = {
    "cold / pipdeptree": 1.0,
    "cold / du -sb": 2.0,
    "warm / du -sb": 0.3,
}
RSS_TARGET_MB = 150


# --- building the environments -------------------------------------------------------------


SOURCE: list[str] = []
"""``--src``: the depsize source tree to measure instead of this checkout (PYTHONPATH)."""


def _run(args: list[str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    env.update({"PYTHONPATH": SOURCE[0]} if SOURCE else {})
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _site_packages(prefix: Path) -> Path:
    sites = sorted((prefix / "lib").glob("python3.*/site-packages"))
    if len(sites) != 1:
        sys.exit(f"expected one site-packages under {prefix}, found {sites}")
    return sites[0]


def _ensure_venv(prefix: Path, packages: tuple[str, ...], extra: tuple[str, ...] = ()) -> None:
    """Create ``prefix`` with ``packages`` unless a previous run completed the same spec."""
    stamp = prefix / ".bench-spec"
    spec = "\n".join((*packages, *extra))
    if stamp.is_file() and stamp.read_text() == spec:
        return
    if prefix.exists():
        shutil.rmtree(prefix)
    print(f"building {prefix} ...", file=sys.stderr)
    _run([sys.executable, "-m", "venv", str(prefix)])
    pip = [str(prefix / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    _run([*pip, "--quiet", *packages, *extra])
    stamp.write_text(spec)


def _installed_version(site: Path, name: str) -> str | None:
    for meta in site.glob(f"{name}-*.dist-info/METADATA"):
        for line in meta.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Version:"):
                return line.split(":", 1)[1].strip()
    return None


ENVS = {"env": ENV_PACKAGES, "env-large": LARGE_PACKAGES}


def build(work: Path, names: list[str]) -> tuple[list[Path], Path]:
    envs = []
    for name in names:
        env = work / name
        _ensure_venv(env, ENVS[name])
        version = _installed_version(_site_packages(env), "torch")
        if not version or not version.endswith("+cpu"):
            sys.exit(f"torch {version} in {env} is not the CPU build; remove {env} and retry")
        envs.append(env)
    tools = work / "tools"
    _ensure_venv(tools, TOOLS_PACKAGES, ("-e", str(REPO)))
    return envs, tools


# --- timing commands -----------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    max_rss_kb: int


def _child_environ(work: Path) -> dict[str, str]:
    """A user's environment: byte-code caches on, depsize's cache folder under ``work``."""
    drop = {"PYTHONPATH", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["XDG_CACHE_HOME"] = str(work / "cache")
    env.update({"PYTHONPATH": SOURCE[0]} if SOURCE else {})
    return env


CHILD_ENV: dict[str, str] = {}


def _time(args: list[str], stdout: Any) -> Sample:
    """Run ``args``; wall time and the peak RSS of that child alone (from wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=stdout, stderr=subprocess.DEVNULL, env=CHILD_ENV or None)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} exited {proc.returncode}")
    return Sample(elapsed, usage.ru_maxrss)


def measure(commands: dict[str, list[str]], runs: int) -> tuple[dict[str, list[Sample]], dict]:
    """Interleaved runs after one warm-up of each; the warm-up output of each is kept."""
    outputs: dict[str, str] = {}
    for name, args in commands.items():
        with tempfile.TemporaryFile("w+") as out:
            _time(args, out)
            out.seek(0)
            outputs[name] = out.read()
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            samples[name].append(_time(args, subprocess.DEVNULL))
    return samples, outputs


# --- what each tool counts -----------------------------------------------------------------


@dataclass
class TreeBytes:
    regular: int = 0
    regular_files: int = 0
    directories: int = 0
    directory_count: int = 0
    symlinks: int = 0
    hard_link_duplicates: int = 0


def tree_bytes(site: Path) -> TreeBytes:
    """What ``du -sb`` adds up, by kind of entry (each inode once)."""
    out, seen = TreeBytes(), set()
    top = os.lstat(site)
    out.directories, out.directory_count = top.st_size, 1
    for root, dirs, files in os.walk(site):
        for name in dirs + files:
            st = os.lstat(os.path.join(root, name))  # noqa: PTH118 - str paths walk faster
            if (st.st_dev, st.st_ino) in seen:
                out.hard_link_duplicates += st.st_size
                continue
            seen.add((st.st_dev, st.st_ino))
            if stat.S_ISREG(st.st_mode):
                out.regular += st.st_size
                out.regular_files += 1
            elif stat.S_ISDIR(st.st_mode):
                out.directories += st.st_size
                out.directory_count += 1
            elif stat.S_ISLNK(st.st_mode):
                out.symlinks += st.st_size
    return out


@dataclass
class RecordCensus:
    """What the RECORD files list, each path counted as often as it is listed."""

    outside: int = 0
    """Bytes of listed regular files outside site-packages (console scripts in bin/), once each."""
    repeated: int = 0
    """Bytes a per-row sum adds for paths listed more than once (in one RECORD or in two)."""
    repeated_paths: list[str] = field(default_factory=list)


def record_census(site: Path) -> RecordCensus:
    rows: Counter[str] = Counter()
    for record in site.glob("*.dist-info/RECORD"):
        with open(record, newline="", encoding="utf-8", errors="replace") as handle:
            rows.update(
                os.path.normpath(os.path.join(site, row[0]))  # noqa: PTH118 - as RECORD says
                for row in csv.reader(handle)
                if row
            )
    out, inside = RecordCensus(), str(site) + os.sep
    for path, count in rows.items():
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        if not path.startswith(inside):
            out.outside += st.st_size
        if count > 1:
            out.repeated += st.st_size * (count - 1)
            out.repeated_paths.append(f"{os.path.relpath(path, site)} (listed {count} times)")
    return out


def compare_totals(site: Path, depsize_json: str, du_out: str, pipdeptree_json: str) -> None:
    report = json.loads(depsize_json)
    depsize_total = report["env"]["total_bytes"]
    unowned = report["env"]["unowned_bytes"]
    du_total = int(du_out.split(maxsplit=1)[0])
    pdt = json.loads(pipdeptree_json)
    pdt_sizes = {e["package"]["key"]: e["package"]["computed"]["size_raw"] for e in pdt}
    pdt_total = sum(pdt_sizes.values())
    tree, census = tree_bytes(site), record_census(site)

    print("\nTotals (bytes)")
    print(f"  depsize total_bytes     {depsize_total:>15,}")
    print(f"  du -sb site-packages    {du_total:>15,}")
    print(f"  pipdeptree Σ size_raw   {pdt_total:>15,}")
    print("\n  du -sb - depsize =")
    print(f"    directory entries     {tree.directories:>15,}  ({tree.directory_count:,} folders)")
    print(f"    symlink entries       {tree.symlinks:>15,}")
    print(f"    - files outside site  {-census.outside:>15,}  (RECORD-listed: bin/ scripts)")
    explained = tree.directories + tree.symlinks - census.outside
    print(f"    unexplained           {du_total - depsize_total - explained:>15,}")
    print("\n  pipdeptree - depsize =")
    print(f"    paths listed twice, summed twice      {census.repeated:>15,}")
    for path in census.repeated_paths[:5]:
        print(f"      {path}")
    print(f"    - unowned files (no RECORD lists)     {-unowned:>15,}")
    rest = pdt_total - depsize_total - census.repeated + unowned
    print(f"    unexplained                           {rest:>15,}")
    own = {d["name"]: d["own_bytes"] for d in report["distributions"]}
    per_dist = {n: pdt_sizes.get(n, 0) - own.get(n, 0) for n in set(own) | set(pdt_sizes)}
    differing = sorted(((n, d) for n, d in per_dist.items() if d), key=lambda kv: -abs(kv[1]))
    print("    distributions where pipdeptree size_raw != depsize own_bytes:")
    for name, diff in differing[:8]:
        print(f"      {name:<28} {diff:>+15,}")


# --- depsize in process --------------------------------------------------------------------

_PHASES = r"""
import json, statistics, sys, time
from pathlib import Path
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.attribute import attribute, default_roots
prefix, runs = Path(sys.argv[1]), int(sys.argv[2])
times = {"discover": [], "scan": [], "graph": [], "attribute": []}
for _ in range(runs + 1):
    t0 = time.perf_counter(); env = from_prefix(prefix, how="bench")
    t1 = time.perf_counter(); scan = scan_env(env)
    t2 = time.perf_counter(); graph = build_graph(scan.dists, env.marker_environment())
    t3 = time.perf_counter(); attribute(scan, graph, default_roots(graph))
    t4 = time.perf_counter()
    stamps = {"discover": (t0, t1), "scan": (t1, t2), "graph": (t2, t3), "attribute": (t3, t4)}
    for key, (a, b) in stamps.items():
        times[key].append(b - a)
files = sum(d.file_count for d in scan.dists.values()) + len(scan.unowned_files)
print(json.dumps({"medians": {k: statistics.median(v[1:]) for k, v in times.items()},
                  "distributions": len(scan.dists), "files": files}))
"""

_PROFILE = r"""
import cProfile, pstats, sys
from pathlib import Path
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
env = from_prefix(Path(sys.argv[1]), how="bench")
scan_env(env)
profile = cProfile.Profile()
profile.runcall(scan_env, env)
pstats.Stats(profile).sort_stats("tottime").print_stats(20)
"""


def phases(tools: Path, env: Path, runs: int) -> dict[str, Any]:
    return json.loads(_run([str(tools / "bin" / "python"), "-c", _PHASES, str(env), str(runs)]))


# --- report --------------------------------------------------------------------------------


def _median(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


_FLOOR = r"""
import os, sys
import click, packaging.markers, packaging.requirements, packaging.version  # depsize's deps
found, stack = {}, [sys.argv[1]]
while stack:  # every folder listed once, every file's path kept: no stat, no more
    with os.scandir(stack.pop()) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                found[entry.path] = entry.inode()
for path in found:  # every RECORD read and split into rows
    if path.endswith(".dist-info/RECORD"):
        with open(path, encoding="utf-8") as handle:
            rows = [line.split(",") for line in handle.read().splitlines()]
"""
"""The least any Python scanner with depsize's dependencies does: start the interpreter,
import the dependencies, list every folder, read every RECORD. No sizes, no graph, no output."""

_WARM_FLOOR = r"""
import os, re, sys  # re: the console script pip writes imports it before depsize
with open(sys.argv[1], "rb") as handle:
    folders = handle.read().split(b"\0")
site = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)
for folder in folders:  # the stamp of every folder under site-packages, from one descriptor
    os.lstat(folder, dir_fd=site)
"""
"""The least a warm run does under the issue's rule (every folder's stamp checked): start the
interpreter, import ``re``, ``lstat`` every folder. No cache read, no output."""


def _folder_list(site: Path, work: Path) -> Path:
    """Every folder under ``site``, relative, NUL-separated (what :data:`_WARM_FLOOR` stats)."""
    folders = [
        os.path.relpath(os.path.join(root, name), site)  # noqa: PTH118 - str paths walk faster
        for root, dirs, _files in os.walk(site)
        for name in dirs
    ]
    out = work / f"folders-{site.parent.parent.parent.name}.bin"
    out.write_bytes(b"\0".join(os.fsencode(f) for f in [".", *folders]))
    return out


def _commands(tools: Path, env: Path, project: Path, folders: Path) -> dict[str, list[str]]:
    depsize = [str(tools / "bin" / "depsize"), "scan", str(project), "--env", str(env)]
    depsize += ["--format", "json", "-q"]
    python = str(tools / "bin" / "python")
    return {
        "depsize cold": [*depsize, "--no-cache"],
        "depsize warm": depsize,
        "python -c pass": [python, "-c", "pass"],
        "warm floor": [python, "-c", _WARM_FLOOR, str(folders), str(_site_packages(env))],
        "python floor": [python, "-c", _FLOOR, str(_site_packages(env))],
        "du -sb": ["du", "-sb", str(_site_packages(env))],
        "pipdeptree": [
            str(tools / "bin" / "pipdeptree"),
            "-c",
            "size-raw,unique-deps-size",
            "-o",
            "json",
            "--python",
            str(env / "bin" / "python"),
        ],
    }


def _print_timings(samples: dict[str, list[Sample]], runs: int) -> None:
    print(f"\nmedian of {runs} interleaved runs (warm OS cache, after one warm-up run)")
    for name, timed in samples.items():
        spread = ", ".join(f"{s.seconds:.3f}" for s in timed)
        print(f"  {name:<13} {_median(timed):7.3f} s   [{spread}]")
    cold, warm = _median(samples["depsize cold"]), _median(samples["depsize warm"])
    du, pdt = _median(samples["du -sb"]), _median(samples["pipdeptree"])
    ratios = {
        "cold / pipdeptree": cold / pdt,
        "cold / du -sb": cold / du,
        "warm / du -sb": warm / du,
    }
    for name, ratio in ratios.items():
        verdict = "ok" if ratio <= TARGETS[name] else "MISSED"
        print(f"  {name:<21} {ratio:5.2f}x  (target <= {TARGETS[name]}x: {verdict})")
    start, floor = _median(samples["python -c pass"]), _median(samples["python floor"])
    warm_floor = _median(samples["warm floor"])
    print("  what Python itself takes (the floors: _WARM_FLOOR, _FLOOR):")
    print(f"    python -c pass / du -sb     {start / du:5.2f}x")
    print(f"    warm floor / du -sb         {warm_floor / du:5.2f}x")
    print(f"    depsize warm / warm floor   {warm / warm_floor:5.2f}x")
    print(f"    python floor / du -sb       {floor / du:5.2f}x")
    print(f"    python floor / pipdeptree   {floor / pdt:5.2f}x")
    print(f"    depsize cold / python floor {cold / floor:5.2f}x")
    depsize_runs = samples["depsize cold"] + samples["depsize warm"]
    rss_mb = max(s.max_rss_kb for s in depsize_runs) / 1024
    verdict = "ok" if rss_mb <= RSS_TARGET_MB else "MISSED"
    print(f"  depsize peak RSS      {rss_mb:5.1f} MB (target <= {RSS_TARGET_MB} MB: {verdict})")


def bench_env(tools: Path, env: Path, work: Path, args: argparse.Namespace) -> None:
    site = _site_packages(env)
    project = work / "empty-project"
    project.mkdir(exist_ok=True)
    folders = _folder_list(site, work)
    samples, outputs = measure(_commands(tools, env, project, folders), args.runs)
    if outputs["depsize cold"] != outputs["depsize warm"]:
        sys.exit("depsize warm output differs from the cold one")
    inproc = phases(tools, env, args.runs)
    print(
        f"\nenvironment: {env} · {inproc['distributions']} distributions · "
        f"{inproc['files']:,} files · torch {_installed_version(site, 'torch')}"
    )
    _print_timings(samples, args.runs)
    print("\ndepsize in process, cold (median):")
    for name, seconds in inproc["medians"].items():
        print(f"  {name:<10} {seconds:7.3f} s")
    compare_totals(site, outputs["depsize cold"], outputs["du -sb"], outputs["pipdeptree"])
    if args.profile:
        print("\ncProfile of one scan_env call (sorted by own time):")
        print(_run([str(tools / "bin" / "python"), "-c", _PROFILE, str(env)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command")
    parser.add_argument("--work", type=Path, default=WORK, help="where the venvs live")
    parser.add_argument("--profile", action="store_true", help="cProfile one scan_env call")
    parser.add_argument(
        "--envs", nargs="+", choices=sorted(ENVS), default=sorted(ENVS), help="which envs"
    )
    parser.add_argument("--src", type=Path, help="measure depsize from this src/ folder instead")
    args = parser.parse_args()
    envs, tools = build(args.work, args.envs)
    SOURCE.extend([str(args.src.resolve())] if args.src else [])
    CHILD_ENV.update(_child_environ(args.work))
    print(
        f"{platform.node()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{time.strftime('%Y-%m-%d')}"
    )
    for env in envs:
        bench_env(tools, env, args.work, args)


if __name__ == "__main__":
    main()
