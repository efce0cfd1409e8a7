"""An independent count of an environment's bytes, to check depsize's ``env.total_bytes``.

    python benchmarks/realworld/oracle.py SITE_PACKAGES     # prints the census as JSON

It shares no code with depsize. It walks ``SITE_PACKAGES`` with ``os.walk`` and ``lstat`` (never
following a symlink) and adds up ``st_size`` of every regular file, each inode once, then adds the
regular files that a ``*.dist-info/RECORD`` lists outside site-packages but inside the env prefix
(console scripts in ``bin/``), each once. ``total`` is that sum: what depsize's total must equal.

The census also counts what ``du -sb`` adds on top (folder entries, symlinks, other entries) and
what could make depsize differ legitimately, so a difference can be explained rather than
assumed:

- ``record_drift``: Σ (size a RECORD row states - the file's ``st_size`` now) over regular files
  inside site-packages whose row has a size, byte-code and ``*.dist-info/`` files excluded (depsize
  trusts those RECORD sizes unless ``--stat-all``);
- ``egg_outside``: regular files outside site-packages listed only by an egg-info
  ``installed-files.txt`` (depsize counts them, this total does not).
"""

from __future__ import annotations

import csv
import json
import os
import stat
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Census:
    site_packages: str
    prefix: str
    inside: int = 0
    """Regular files under site-packages, each inode once."""
    inside_files: int = 0
    outside: int = 0
    """Regular files RECORD lists outside site-packages (inside the prefix), each once."""
    outside_files: int = 0
    outside_largest: list[str] = field(default_factory=list)
    """The five largest of those, ``path (bytes)`` relative to the prefix."""
    total: int = 0
    dirs: int = 0
    """``st_size`` of the folders, site-packages itself included (``du -sb`` counts them)."""
    dir_count: int = 0
    symlinks: int = 0
    symlink_count: int = 0
    other: int = 0
    hardlink_repeats: int = 0
    """Extra links to an inode already counted (counted once, as ``du`` does)."""
    record_drift: int = 0
    record_drift_files: list[str] = field(default_factory=list)
    egg_outside: int = 0
    rows_outside_prefix: int = 0


def _walk(census: Census, site: str, seen: set[tuple[int, int]]) -> None:
    top = os.lstat(site)
    census.dirs, census.dir_count = top.st_size, 1
    seen.add((top.st_dev, top.st_ino))
    for root, dirs, files in os.walk(site):
        for name in dirs + files:
            st = os.lstat(os.path.join(root, name))  # noqa: PTH118 - str paths walk faster
            if (st.st_dev, st.st_ino) in seen:
                census.hardlink_repeats += 1
                continue
            seen.add((st.st_dev, st.st_ino))
            if stat.S_ISREG(st.st_mode):
                census.inside += st.st_size
                census.inside_files += 1
            elif stat.S_ISDIR(st.st_mode):
                census.dirs += st.st_size
                census.dir_count += 1
            elif stat.S_ISLNK(st.st_mode):
                census.symlinks += st.st_size
                census.symlink_count += 1
            else:
                census.other += st.st_size


def _rows(listing: Path) -> list[list[str]]:
    with open(listing, newline="", encoding="utf-8", errors="replace") as handle:
        if listing.name == "RECORD":
            return [row for row in csv.reader(handle) if row]
        return [[line.strip()] for line in handle if line.strip()]


def _regular(path: str) -> os.stat_result | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def _trusted(row: list[str], path: str, site: str) -> bool:
    """Whether depsize would take this row's size as stated instead of stat'ing the file."""
    rel = os.path.relpath(path, site)
    in_dist_info = rel.split(os.sep, 1)[0].endswith(".dist-info")
    return len(row) >= 3 and row[2].isdigit() and not path.endswith(".pyc") and not in_dist_info


def _listed(census: Census, site: str, seen: set[tuple[int, int]]) -> None:
    """Files that RECORD (or installed-files.txt) lists: outside ones, and RECORD size drift."""
    inside, prefix = site + os.sep, census.prefix + os.sep
    drift_seen: set[str] = set()
    outside: list[tuple[int, str]] = []
    listings = sorted(Path(site).glob("*.dist-info/RECORD"))
    listings += sorted(Path(site).glob("*.egg-info/installed-files.txt"))
    for listing in listings:
        base = str(listing.parent) if listing.name != "RECORD" else site
        for row in _rows(listing):
            path = os.path.normpath(os.path.join(base, row[0]))  # noqa: PTH118 - as listed
            st = _regular(path)
            if st is None:
                continue
            if path.startswith(inside):
                if (
                    listing.name == "RECORD"
                    and path not in drift_seen
                    and _trusted(row, path, site)
                ):
                    drift_seen.add(path)
                    if int(row[2]) != st.st_size:
                        census.record_drift += int(row[2]) - st.st_size
                        census.record_drift_files.append(os.path.relpath(path, site))
            elif not path.startswith(prefix):
                census.rows_outside_prefix += 1
            elif (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                if listing.name == "RECORD":
                    census.outside += st.st_size
                    census.outside_files += 1
                    outside.append((st.st_size, os.path.relpath(path, census.prefix)))
                else:
                    census.egg_outside += st.st_size
    largest = sorted(outside, key=lambda f: (-f[0], f[1]))[:5]
    census.outside_largest = [f"{path} ({size:,})" for size, path in largest]


def census(site_packages: Path) -> Census:
    """The census of one site-packages folder (``lib/pythonX.Y/site-packages`` of a prefix)."""
    site = os.path.realpath(site_packages)
    prefix = os.path.dirname(os.path.dirname(os.path.dirname(site)))  # noqa: PTH120
    result = Census(site_packages=site, prefix=prefix)
    seen: set[tuple[int, int]] = set()
    _walk(result, site, seen)
    _listed(result, site, seen)
    result.total = result.inside + result.outside
    return result


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(asdict(census(Path(sys.argv[1]))), indent=2))


if __name__ == "__main__":
    main()
