"""Benchmark of depsize's import stage against deptry and chokkin on one large real tree.

Usage: ``python benchmarks/bench_imports.py [TREE] [--runs N]``

Without TREE, downloads the Django sdist (``pip download django --no-deps --no-binary :all:``)
into ``benchmarks/.work/`` (gitignored) and unpacks it. deptry and chokkin are installed into a
private venv under ``benchmarks/.work/tools-venv`` when missing. Every figure is the median of
interleaved runs, each a fresh process (interpreter start-up included, as for the other tools):

- depsize cold: ``analyze_imports`` with the cache disabled;
- depsize warm: the same with a primed cache;
- deptry and chokkin (``--no-cache`` and cached) on the same tree;
- floor: a Python process that walks the tree and reads every ``.py`` file's bytes.

depsize and the floor skip ``tests`` and ``setup.py`` like deptry's default ``--exclude``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
TOOLS = WORK / "tools-venv"
SRC = HERE.parent / "src"
EXCLUDE = ("tests", "setup.py")

STAGE = """
import os, sys, time
from pathlib import Path
from depsize.config import read_jobs
from depsize.imports import analyze_imports
tree, cache = Path(sys.argv[1]), sys.argv[2]
result = analyze_imports(tree, (3, 12), exclude={exclude!r}, jobs=read_jobs(os.environ),
                         use_cache=cache != "-", cache_dir=Path(cache) if cache != "-" else None)
print(len(result.files), len(result.sites), result.cache_hits, len(result.warnings))
"""

FLOOR = """
import os, sys
total = 0
skip = {exclude!r}
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
    for name in files:
        if name.endswith(".py") and name not in skip:
            with open(os.path.join(folder, name), "rb") as handle:
                total += len(handle.read())
print(total)
"""


def django_tree() -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    archives = sorted(WORK.glob("[Dd]jango-*.tar.gz"))
    if not archives:
        pip = [sys.executable, "-m", "pip", "download", "django", "--no-deps"]
        subprocess.run([*pip, "--no-binary", ":all:", "-d", str(WORK), "-q"], check=True)
        archives = sorted(WORK.glob("[Dd]jango-*.tar.gz"))
    archive = archives[-1]
    tree = WORK / archive.name.removesuffix(".tar.gz")
    if not tree.is_dir():
        with tarfile.open(archive) as tar:
            tar.extractall(WORK, filter="data")
    return tree


def tool(name: str) -> Path | None:
    path = TOOLS / "bin" / name
    if not path.exists():
        if not (TOOLS / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
        subprocess.run(
            [str(TOOLS / "bin" / "python"), "-m", "pip", "install", "-q", "deptry", "chokkin"],
            check=False,
        )
    return path if path.exists() else None


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def prime(name: str, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    """Run once; stop when a tool did not analyse the tree (its time would mean nothing)."""
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    if "Traceback" in output or "Exiting." in output or done.returncode not in (0, 1):
        sys.exit(
            f"{name} did not analyse {cwd} (exit {done.returncode}):\n{output[-600:]}\n"
            "deptry and chokkin need a pyproject.toml with a [project] table (or a "
            "requirements.txt) in the tree; add one and run again."
        )


def commands(tree: Path, cache_dir: Path) -> dict[str, list[str]]:
    stage = STAGE.format(exclude=EXCLUDE)
    found = {
        "floor (read every .py)": [sys.executable, "-c", FLOOR.format(exclude=EXCLUDE), str(tree)],
        "depsize cold": [sys.executable, "-c", stage, str(tree), "-"],
        "depsize warm": [sys.executable, "-c", stage, str(tree), str(cache_dir)],
    }
    deptry, chokkin = tool("deptry"), tool("chokkin")
    if deptry is not None:
        # deptry 0.25 stops with "A distribution name is required" on a relative
        # ``import_module(".management", package)`` (Django 5.2 has two): its module name is
        # empty. Calling "" first-party sidesteps the crash and changes nothing else.
        found["deptry"] = [str(deptry), ".", "--known-first-party", ""]
    if chokkin is not None:
        found["chokkin --no-cache"] = [str(chokkin), ".", "--no-cache"]
        found["chokkin (cached)"] = [str(chokkin), "."]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tree = (args.tree or django_tree()).resolve()
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    cache_dir = Path(tempfile.mkdtemp(prefix="depsize-bench-"))
    try:
        medians = interleaved(commands(tree, cache_dir), tree, env, args.runs)
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
    report(tree, medians, args.runs)


def interleaved(
    cmds: dict[str, list[str]], cwd: Path, env: dict[str, str], runs: int
) -> dict[str, float]:
    """Each command primed once (caches, page cache), then run ``runs`` times in turn: the
    median wall time of each."""
    for name, argv in cmds.items():
        prime(name, argv, cwd, env)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, argv in cmds.items():
            times[name].append(timed(argv, cwd, env))
    return {name: statistics.median(values) for name, values in times.items()}


def report(tree: Path, medians: dict[str, float], runs: int) -> None:
    print(f"tree: {tree}  (median of {runs} interleaved runs, seconds)")
    for name, value in medians.items():
        print(f"  {name:<24} {value:7.3f}")
    if "deptry" in medians:
        ratio = medians["depsize cold"] / medians["deptry"]
        print(f"  cold / deptry            {ratio:7.2f}  (target <= 1.5)")
    if "chokkin (cached)" in medians:
        ratio = medians["depsize warm"] / medians["chokkin (cached)"]
        print(f"  warm / chokkin (cached)  {ratio:7.2f}  (target <= 1.0)")
        ratio = medians["depsize warm"] / medians["chokkin --no-cache"]
        print(f"  warm / chokkin no-cache  {ratio:7.2f}")


if __name__ == "__main__":
    main()
