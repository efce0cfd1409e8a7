"""depsize's ``env.total_bytes`` against ``du -sb site-packages`` and against ``oracle.py``.

Every difference is printed with what makes it up, each part measured by the oracle's census:

- depsize - oracle should be 0. Parts that can legitimately make it non-zero: RECORD sizes that
  no longer match the file (depsize trusts RECORD), and files outside site-packages listed only
  by an egg-info ``installed-files.txt`` (depsize counts them, the oracle does not). Whatever is
  left is **unexplained** and is a finding about depsize.
- du -sb - oracle = the folder entries' own ``st_size`` + symlinks (the length of their target)
  + other entries - the RECORD-listed files outside site-packages (console scripts in ``bin/``,
  which du does not see). What is left is unexplained.
"""

from __future__ import annotations

import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any

from oracle import census


def du_sb(site: Path) -> int | None:
    done = subprocess.run(["du", "-sb", str(site)], capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.split():
        return None
    return int(done.stdout.split()[0])


def _n(value: int) -> str:
    return f"{value:+,}"


def _depsize_parts(depsize: int, c: Any) -> tuple[list[str], int]:
    diff = depsize - c.total
    if diff == 0:
        return ["depsize total = oracle total, byte for byte"], 0
    lines = [f"depsize - oracle = {_n(diff)} B"]
    rest = diff
    if c.record_drift:
        files = ", ".join(c.record_drift_files[:5]) + (
            " …" if len(c.record_drift_files) > 5 else ""
        )
        lines.append(
            f"  {_n(c.record_drift)} B: RECORD states other sizes than the files have now "
            f"({len(c.record_drift_files)} files: {files}); depsize trusts RECORD sizes"
        )
        rest -= c.record_drift
    if c.egg_outside:
        lines.append(
            f"  {_n(c.egg_outside)} B: files outside site-packages only installed-files.txt lists"
        )
        rest -= c.egg_outside
    if rest:
        lines.append(f"  {_n(rest)} B: UNEXPLAINED")
    return lines, rest


def _du_parts(du: int, c: Any) -> tuple[list[str], int]:
    diff = du - c.total
    lines = [f"du -sb - oracle = {_n(diff)} B"]
    rest = diff - c.dirs - c.symlinks - c.other + c.outside
    lines.append(f"  {_n(c.dirs)} B: {c.dir_count:,} folder entries (du counts their own size)")
    if c.symlink_count:
        lines.append(f"  {_n(c.symlinks)} B: {c.symlink_count:,} symlinks (du counts their length)")
    if c.other:
        lines.append(f"  {_n(c.other)} B: entries that are neither files, folders nor symlinks")
    if c.outside:
        lines.append(
            f"  {_n(-c.outside)} B: {c.outside_files:,} RECORD-listed files outside site-packages "
            f"that du does not see (console scripts and binaries in bin/, data files; largest: "
            f"{', '.join(c.outside_largest[:3])})"
        )
    if rest:
        lines.append(f"  {_n(rest)} B: UNEXPLAINED")
    return lines, rest


def compare_sizes(site: Path, depsize_total: int | None) -> dict[str, Any]:
    c = census(site)
    du = du_sb(site)
    result: dict[str, Any] = {
        "depsize_total": depsize_total,
        "oracle_total": c.total,
        "du_sb": du,
        "census": {k: v for k, v in asdict(c).items() if k not in {"site_packages", "prefix"}},
        "explanation": [],
        "unexplained": {},
    }
    if depsize_total is not None:
        lines, rest = _depsize_parts(depsize_total, c)
        result["explanation"] += lines
        result["unexplained"]["depsize"] = rest
    if du is not None:
        lines, rest = _du_parts(du, c)
        result["explanation"] += lines
        result["unexplained"]["du"] = rest
    return result
