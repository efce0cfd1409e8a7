"""Compare a fresh run with the committed ``results/results.json``; exit 1 on any difference.

    python benchmarks/realworld/compare.py [--fresh FILE] [--only NAME] [--start-check]
                                           [--sources DIR] [--work DIR] [--skip-install]

Without ``--fresh`` it reruns ``run.py`` (same options) with its results written under
``<work>/compare-results/`` (the committed files are not touched), then compares. Timing drift is
ignored (``seconds``, ``setup_seconds`` and the ``volatile`` block), and so are a failed start's
stderr tail and the venv's byte count; everything else — claims, scores, statuses, sizes, the
resolved ``pip freeze``, tool versions, crashes, which apps start after which tool's removals and
what was uninstalled — must be equal.
With ``--only NAME`` only that project's entry is compared.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import run

COMMITTED = run.DEFAULT_RESULTS / "results.json"
VOLATILE = frozenset({"volatile", "seconds", "setup_seconds", "stderr_tail", "venv_stats"})
"""Timing, and what only explains a finding (a failed start's stderr, the venv's byte count)."""


def strip(value: Any) -> Any:
    """``value`` without the keys that measure time or name the machine."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def differences(old: Any, new: Any, path: str = "") -> list[str]:
    """Each leaf (or list) that differs, as ``path: committed -> fresh``."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new)):
            where = f"{path}.{key}" if path else key
            if key not in new:
                found.append(f"{where}: only in the committed results")
            elif key not in old:
                found.append(f"{where}: only in the fresh results")
            else:
                found += differences(old[key], new[key], where)
        return found
    if old != new:
        return [f"{path}: {json.dumps(old)} -> {json.dumps(new)}"]
    return []


def fresh_results(args: argparse.Namespace) -> Path:
    folder = args.work.resolve() / "compare-results"
    argv = ["--work", str(args.work), "--results-dir", str(folder)]
    argv += ["--only", args.only] if args.only else []
    argv += ["--sources", str(args.sources)] if args.sources else []
    argv += ["--skip-install"] if args.skip_install else []
    argv += ["--start-check"] if args.start_check else []
    (folder / "results.json").unlink(missing_ok=True)
    with contextlib.redirect_stdout(sys.stderr):  # the run's table is not the comparison
        run.main(argv)
    return folder / "results.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", type=Path, help="a results.json to compare (no rerun)")
    parser.add_argument("--only", metavar="NAME")
    parser.add_argument("--sources", type=Path)
    parser.add_argument("--work", type=Path, default=run.DEFAULT_WORK)
    parser.add_argument("--skip-install", action="store_true")
    parser.add_argument("--committed", type=Path, default=COMMITTED)
    parser.add_argument(
        "--start-check",
        action="store_true",
        help="rerun with run.py --start-check (needed to compare committed start checks)",
    )
    args = parser.parse_args(argv)
    fresh = args.fresh or fresh_results(args)
    try:
        old = strip(json.loads(args.committed.read_text(encoding="utf-8")))
        new = strip(json.loads(fresh.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"cannot compare: {exc}", file=sys.stderr)
        return 2
    if args.only:
        old = old["projects"].get(args.only)
        new = new["projects"].get(args.only)
    found = differences(old, new, f"projects.{args.only}" if args.only else "")
    for line in found:
        print(line)
    print(f"{len(found)} difference(s) between {args.committed} and {fresh}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
