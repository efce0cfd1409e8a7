"""The whole product on a big project: ``depsize scan`` of the Django source tree, tests included.

Usage: ``python benchmarks/bench_project.py [--runs N]``

Uses the Django sdist of ``bench_imports.py`` (downloaded into ``benchmarks/.work/`` when
missing; its ``tests/`` folder holds 1,900 files) and a small env beside it,
``benchmarks/.work/django-env``: a venv with Django's runtime requirements (asgiref, sqlparse).
Every figure is the median of interleaved runs, each a fresh process with byte-code caches on
(as a user runs it):

- depsize cold: ``depsize scan TREE --env ENV --format json -q --no-cache`` (the env scan, the
  import scan, the graph, the verdicts, nothing cached);
- depsize warm: the same without ``--no-cache``, its cache folder primed by a first run;
- depsize edited: the same on a copy of the tree (``benchmarks/.work/django-edited``, with
  its own cache folder) right after one file's mtime moved, as in a pre-commit hook after an
  edit: the run cache misses, the env scan, import and plugin caches serve the rest;
- deptry (``--exclude venv`` so that the tests are read too; ``--known-first-party ""``, see
  ``README-imports.md``) and chokkin (``--no-cache``, cached, and cached after the same edit
  of the copy) on the same tree.

Targets: cold at most 1.0x deptry, warm at most 1.0x chokkin (cached).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_imports import SRC, WORK, django_tree, interleaved, tool

ENV = WORK / "django-env"
DJANGO_NEEDS = ("asgiref>=3.8.1", "sqlparse>=0.3.1")


def small_env() -> Path:
    if not (ENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(ENV)], check=True)
        pip = [str(ENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, *DJANGO_NEEDS], check=True)
    return ENV


EDITED = "django/utils/text.py"
"""The file an edited run touches first (in a copy of the tree: the other commands' caches
stay warm)."""


def edited_tree(tree: Path) -> Path:
    copy = WORK / "django-edited"
    if not (copy / EDITED).exists():
        shutil.copytree(tree, copy, symlinks=True, dirs_exist_ok=True)
    return copy


def _after_an_edit(tree: Path, argv: list[str], cache_home: Path | None = None) -> list[str]:
    """``argv`` run in ``tree`` right after one source file's mtime moved (as after an edit)."""
    where = shlex.quote(str(tree))
    cache = f"XDG_CACHE_HOME={shlex.quote(str(cache_home))} " if cache_home else ""
    run = " ".join(map(shlex.quote, argv))
    return ["sh", "-c", f"touch {where}/{EDITED} && cd {where} && {cache}exec {run}"]


def commands(tree: Path, env_dir: Path, cache_home: Path) -> dict[str, list[str]]:
    scan = [sys.executable, "-m", "depsize", "scan", str(tree), "--env", str(env_dir)]
    found = {
        "depsize cold": [*scan, "--format", "json", "-q", "--no-cache"],
        "depsize warm": [*scan, "--format", "json", "-q"],
    }
    copy = edited_tree(tree)
    edited = [*scan, "--format", "json", "-q"]
    edited[4] = str(copy)
    found["depsize edited"] = _after_an_edit(copy, edited, cache_home / "edited")
    deptry, chokkin = tool("deptry"), tool("chokkin")
    if deptry is not None:
        found["deptry"] = [str(deptry), ".", "--known-first-party", "", "--exclude", "venv"]
    if chokkin is not None:
        found["chokkin --no-cache"] = [str(chokkin), ".", "--no-cache"]
        found["chokkin (cached)"] = [str(chokkin), "."]
        found["chokkin edited"] = _after_an_edit(copy, [str(chokkin), "."])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tree = django_tree().resolve()
    env_dir = small_env()
    cache_home = Path(tempfile.mkdtemp(prefix="depsize-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"PYTHONPATH": str(SRC), "XDG_CACHE_HOME": str(cache_home)}
    try:
        medians = interleaved(commands(tree, env_dir, cache_home), tree, env, args.runs)
    finally:
        shutil.rmtree(cache_home, ignore_errors=True)
    files = sum(1 for _ in tree.rglob("*.py"))
    print(f"tree: {tree} ({files:,} .py files); env: {env_dir}")
    print(f"median of {args.runs} interleaved runs, seconds; {os.cpu_count()} cores")
    for name, value in medians.items():
        print(f"  {name:<24} {value:7.3f}")
    if "deptry" in medians:
        ratio = medians["depsize cold"] / medians["deptry"]
        print(f"  cold / deptry            {ratio:7.2f}  (target <= 1.0)")
    if "chokkin (cached)" in medians:
        ratio = medians["depsize warm"] / medians["chokkin (cached)"]
        print(f"  warm / chokkin (cached)  {ratio:7.2f}  (target <= 1.0)")
        ratio = medians["depsize edited"] / medians["chokkin edited"]
        print(f"  edited / chokkin edited  {ratio:7.2f}")


if __name__ == "__main__":
    main()
