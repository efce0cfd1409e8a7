"""The distribution scanner (DESIGN §2): who owns which bytes of an environment.

One walk of each site-packages folder finds every regular file once (like ``du``; symlinks are
never followed and count 0 bytes; see :mod:`depsize.env.walk`). Each distribution's file list
(RECORD, installed-files.txt, or its top-level folders) then claims files from that walk; files
outside site-packages (console scripts in ``bin/``) are stat'ed one by one. What no distribution
claims is *unowned*. So ``Σ own + unowned`` is exactly the bytes of the regular files found.

File lists are input, not truth: a listed path whose folder resolves outside the environment
(``..``, an absolute path, a symlink out) is reported and not counted, and a file counts once
by its identity ``(st_dev, st_ino)`` however many paths (hard links, ``lib64 -> lib``) lead to it.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from packaging.utils import NormalizedName

from depsize import safeio
from depsize.env.conda import add_conda_packages
from depsize.env.importnames import import_names_of
from depsize.env.metadata import RawDist, read_dist
from depsize.env.pthfiles import egg_link_target
from depsize.env.record import row_lines
from depsize.env.sizes import EnvBoundary, inside
from depsize.env.walk import SiteWalk, Stamp, stamp_of
from depsize.errors import InputError
from depsize.models import EnvScan, FileConflict, InstalledDist, PythonEnv, ScanWarning

_FAST_PATHS = os.sep == "/"  # RECORD paths are POSIX: used as they are where the OS agrees
_SPECIAL = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}
_PYC = re.compile(r"^(?P<mod>[^.]+)\.[^.]+(?:\.opt-\d)?\.pyc$")


def scan_env(
    env: PythonEnv,
    *,
    disk_usage: bool = False,
    stat_all: bool = False,
    stamps: list[Stamp] | None = None,
) -> EnvScan:
    """Read every distribution installed in ``env`` and attribute every byte.

    Sizes come from RECORD where it gives them (as installed); files whose RECORD row has no
    size (byte-code compiled at install), files no RECORD lists and files outside site-packages
    are stat'ed. ``stat_all`` stats every file (catches files changed after install). A
    ``stamps`` list receives what tells whether the result still holds (see ``SiteWalk.stamps``).
    """
    walk = SiteWalk(disk_usage=disk_usage, stat_all=stat_all, stamps=stamps)
    raws: list[RawDist] = []
    for site in env.site_packages:
        for entry in walk.walk(str(site)):
            if entry.name.endswith((".dist-info", ".egg-info")):
                raws.append(read_dist(Path(entry.path), site))
            elif entry.name.endswith(".egg-link"):
                raws.extend(_egg_link(Path(entry.path), site, walk))
    if walk.unlisted and len(walk.unlisted) == len(env.site_packages):
        raise InputError(
            "cannot list the environment's site-packages; nothing to measure", walk.unlisted[0]
        )
    raws = _dedupe(raws, walk.warnings)
    owner = _Ownership(walk, env, raws)
    dists = {raw.name: owner.build(raw) for raw in raws}
    unowned = owner.unowned()
    warnings = list(walk.warnings) + owner.warnings
    for raw in raws:
        warnings.extend(raw.warnings)
    scanned = EnvScan(
        env=env,
        dists=dict(sorted(dists.items())),
        unowned_bytes=sum(size for _, size in unowned),
        unowned_files=tuple(unowned),
        conflicts=tuple(owner.conflicts()),
        warnings=tuple(warnings),
        disk_usage=disk_usage,
    )
    return add_conda_packages(scanned, walk.inodes)


def _dedupe(raws: list[RawDist], warnings: list[ScanWarning]) -> list[RawDist]:
    """Keep one metadata folder per name (Python imports the first on sys.path)."""
    seen: dict[NormalizedName, RawDist] = {}
    for raw in raws:
        if raw.name in seen:
            warnings.append(
                ScanWarning(
                    f"{raw.name} is installed twice; {seen[raw.name].metadata_dir.name} is the one "
                    "Python finds first, this one is counted as unowned",
                    raw.metadata_dir,
                )
            )
            continue
        seen[raw.name] = raw
    return sorted(seen.values(), key=lambda r: r.name)


def _egg_link(path: Path, site: Path, walk: SiteWalk) -> Iterable[RawDist]:
    """A legacy ``setup.py develop`` install: the egg-link points at the project's egg-info."""
    try:
        target = egg_link_target(safeio.read_text(path), path)
    except InputError as exc:
        reason = exc.reason if isinstance(exc, safeio.UnreadableFileError) else str(exc)
        walk.warnings.append(ScanWarning(f"unreadable egg-link ({reason})", path))
        return []
    try:
        found = sorted(target.glob("*.egg-info")) if target.is_dir() else []
    except OSError:
        found = []
    if not found:
        walk.warnings.append(
            ScanWarning(f"egg-link points at {target}, which has no egg-info", path)
        )
        return []
    if walk.stamps is not None:  # the egg-info lives in the project, outside the walk
        walk.stamps.extend(stamp_of(str(p)) for p in [found[0], *found[0].glob("*")])
    raw = read_dist(found[0], site)
    raw.editable, raw.editable_location = True, target
    raw.listed = [path.name]
    raw.files_source = "installed-files.txt"
    return [raw]


class _Ownership:
    """Assign each file to one distribution; remember conflicts and escapes."""

    def __init__(self, walk: SiteWalk, env: PythonEnv, raws: list[RawDist]) -> None:
        self.walk = walk
        self.root = _env_root(env)
        self.boundary = EnvBoundary(self.root)
        self.file_lists = {
            raw.name: raw.metadata_dir / (raw.files_source if raw.files_source != "none" else "")
            for raw in raws
        }
        self._row_lines: dict[Path, dict[str, int]] = {}
        self.escaped: set[str] = set()
        self.claimed: dict[str, NormalizedName] = {}
        self.outside: dict[str, int] = {}
        self.clashes: dict[str, list[NormalizedName]] = {}
        self.warnings: list[ScanWarning] = []
        self.files: dict[NormalizedName, dict[str, int]] = {}
        self.listed: dict[NormalizedName, list[str]] = {}
        """Every path a file list names (also those another distribution owns)."""
        for raw in raws:
            self._claim_listed(raw)
        for raw in raws:
            self._claim_metadata_dir(raw)
            if raw.files_source == "none":
                self._claim_top_level(raw)
        self._claim_bytecode(raws)

    def _claim(
        self,
        name: NormalizedName,
        path: str,
        rel: str,
        listed: int | None = None,
        row: str | None = None,
    ) -> None:
        files = self.files.setdefault(name, {})
        holder = self.claimed.get(path)
        if holder is None:
            if path in self.walk.sizes:
                size = self.walk.size(path, listed)
            else:
                size = self._stat_outside(path, self.file_lists[name], row or rel)
            if size is None:
                return
            self.claimed[path] = name
            files[rel] = size
        elif holder != name:
            self.clashes.setdefault(path, [holder]).append(name)

    def _line(self, file_list: Path, row: str) -> int | None:
        """The line of ``row`` in a RECORD (read again, once, only to point a warning)."""
        if file_list.name != "RECORD":
            return None
        if file_list not in self._row_lines:
            text = safeio.read_text_or_none(file_list) or ""
            self._row_lines[file_list] = row_lines(text)
        return self._row_lines[file_list].get(row)

    def _stat_outside(self, path: str, listed_by: Path, row: str) -> int | None:
        """Bytes of a listed file the walk did not find (``bin/`` scripts, paths through
        symlinks): 0 when another path to it was counted, ``None`` when it is missing or leads
        outside the environment (reported)."""
        if path in self.outside:
            return self.outside[path]
        if path in self.escaped:
            return None
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            self.warnings.append(ScanWarning(f"cannot stat: {reason}", Path(path)))
            return None
        if not self.boundary.holds(os.path.dirname(path)):
            self.warnings.append(
                ScanWarning(
                    f"lists {path!r}, which leads outside the environment through a symlink; "
                    "not counted",
                    listed_by,
                    self._line(listed_by, row),
                )
            )
            self.escaped.add(path)
            return None
        size = self.walk.size_of(st) if stat.S_ISREG(st.st_mode) else 0
        if _SPECIAL.get(stat.S_IFMT(st.st_mode)):
            kind = _SPECIAL[stat.S_IFMT(st.st_mode)]
            self.warnings.append(
                ScanWarning(
                    f"lists {path!r}, which is {kind}, not a file; not read",
                    listed_by,
                    self._line(listed_by, row),
                )
            )
        self.outside[path] = size
        return size

    def _claim_listed(self, raw: RawDist) -> None:
        """Claim what the file list names: the hot path (one pass over every RECORD row)."""
        site = str(raw.site_packages)
        head = site.rstrip(os.sep) + os.sep
        record_sizes = raw.record_sizes
        own_meta = raw.metadata_dir.name + "/"  # metadata files are few and edited: always stat
        listed = self.listed.setdefault(raw.name, [])
        files = self.files.setdefault(raw.name, {})
        claimed, walked, name = self.claimed, self.walk.sizes, raw.name
        for rel in dict.fromkeys(raw.listed):
            if _FAST_PATHS and not (
                rel[:1] in "/." or ".." in rel or "//" in rel or "/./" in rel or "\\" in rel
            ):  # the common case: a clean relative POSIX path, nothing to normalise
                path = head + rel
                listed.append(rel)
                known = None if rel.startswith(own_meta) else record_sizes.get(rel)
                if path not in claimed and path in walked:  # the common case, inlined
                    size = walked[path]
                    if size is None and known is not None:  # size from RECORD, no stat
                        walked[path] = size = known
                    if size is not None:  # known (a hard link already counted: 0)
                        claimed[path] = name
                        files[rel] = size
                        continue
                self._claim(name, path, rel, known)
                continue
            self._claim_unusual(raw, rel, site, head)

    def _claim_unusual(self, raw: RawDist, rel: str, site: str, head: str) -> None:
        """A RECORD path that needs normalising: ``../../bin/x``, absolute, ``./x`` …"""
        path = os.path.normpath(rel if os.path.isabs(rel) else head + rel)
        if not inside(path, self.root):
            file_list = self.file_lists[raw.name]
            self.warnings.append(
                ScanWarning(
                    f"{raw.name} lists {rel!r}, which is outside the environment; not counted",
                    file_list,
                    self._line(file_list, rel),
                )
            )
            return
        rel_path = _rel(path, site)
        self.listed.setdefault(raw.name, []).append(rel_path)
        self._claim(raw.name, path, rel_path, row=rel)

    def _claim_metadata_dir(self, raw: RawDist) -> None:
        site = str(raw.site_packages)
        for path in self.walk.by_top.get(str(raw.metadata_dir), ()):
            self._claim(raw.name, path, _rel(path, site))

    def _claim_top_level(self, raw: RawDist) -> None:
        site = str(raw.site_packages)
        names = set(raw.top_level or [raw.display_name.replace("-", "_")])
        for head, paths in self.walk.by_top.items():
            if os.path.dirname(head) != site:
                continue
            if os.path.basename(head).split(".", 1)[0] not in names:
                continue
            for path in paths:
                if path not in self.claimed:
                    self._claim(raw.name, path, _rel(path, site))

    def _claim_bytecode(self, raws: list[RawDist]) -> None:
        """``__pycache__`` files compiled after install belong to the owner of their source."""
        sites = {str(r.site_packages): r.site_packages for r in raws}
        for path in self.walk.bytecode:
            if path in self.claimed:
                continue
            parent, name = os.path.split(path)
            if not parent.endswith("__pycache__"):
                continue
            match = _PYC.match(name)
            source = (
                os.path.join(os.path.dirname(parent), f"{match.group('mod')}.py") if match else ""
            )
            holder = self.claimed.get(source)
            if holder is not None:
                site = next((s for s in sites if path.startswith(s + os.sep)), "")
                self._claim(holder, path, _rel(path, site))

    def build(self, raw: RawDist) -> InstalledDist:
        files = self.files.get(raw.name, {})
        return InstalledDist(
            name=raw.name,
            display_name=raw.display_name,
            version=raw.version,
            metadata_dir=raw.metadata_dir,
            site_packages=raw.site_packages,
            requires=tuple(raw.requires),
            provides_extras=tuple(raw.provides_extras),
            files=tuple(files.items()),
            own_bytes=sum(files.values()),
            import_names=import_names_of(raw, [*self.listed.get(raw.name, ()), *files]),
            entry_points=tuple(raw.entry_points),
            installer=raw.installer,
            editable=raw.editable,
            editable_location=raw.editable_location,
            files_source=raw.files_source,
            metadata_format="dist-info" if raw.metadata_format == "dist-info" else "egg-info",
        )

    def unowned(self) -> list[tuple[str, int]]:
        out = []
        for path in self.walk.sizes:
            if path not in self.claimed:
                size = self.walk.size(path)
                if size is not None:
                    out.append((path, size))
        return sorted(out)

    def conflicts(self) -> list[FileConflict]:
        out = []
        for path, owners in sorted(self.clashes.items()):
            size = self.walk.sizes.get(path) or self.outside.get(path, 0)
            out.append(FileConflict(path, tuple(dict.fromkeys(owners)), size))
        return out


def _rel(path: str, site: str) -> str:
    """``path`` relative to ``site``, in POSIX form; a string slice for paths inside it."""
    if not site:
        return path
    if path.startswith(site) and path[len(site) : len(site) + 1] == os.sep:
        rel = path[len(site) + 1 :]
    else:
        rel = os.path.relpath(path, site)
    return rel if os.sep == "/" else rel.replace(os.sep, "/")


def _env_root(env: PythonEnv) -> str:
    """The folder a distribution's files must stay inside."""
    if env.prefix is not None:
        return os.path.normpath(str(env.prefix))
    site = env.site_packages[0]
    if site.parent.name.startswith(("python", "pypy")) and site.parent.parent.name in {
        "lib",
        "lib64",
    }:
        return os.path.normpath(str(site.parent.parent.parent))
    return os.path.normpath(str(site))
