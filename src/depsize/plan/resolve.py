"""One distribution of a lock → its wheel for the target → its listing → installed bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_version,
    parse_sdist_filename,
    parse_wheel_filename,
)

from depsize.env.entrypoints import parse_entry_points
from depsize.env.importnames import import_names_of
from depsize.env.metadata import RawDist
from depsize.errors import InputError
from depsize.plan.http import FetchError, Http
from depsize.plan.index import Index, local_path
from depsize.plan.installed import bytecode_estimate, installed_files
from depsize.plan.listing import PlanCache, read_local, read_remote
from depsize.plan.model import PLANNED_SITE, LockedDist, PlannedDist, WheelListing, WheelRef


@dataclass
class Resolver:
    """Everything needed to size one locked distribution; shared by the worker threads."""

    tags: list[Tag]
    index: Index
    http: Http
    cache: PlanCache
    lock_dir: Path
    find_links: tuple[Path, ...] = ()
    interpreter: str = "/usr/local/bin/python"
    python_minor: tuple[int, int] = (3, 11)
    prefer_index: bool = False
    requested: frozenset[str] | None = None
    """Names pip is asked for (it writes REQUESTED for them); ``None``: every distribution."""
    """An index given explicitly (``--index-url``) is asked before the URLs the lock names."""
    _rank: dict[Tag, int] = field(default_factory=dict)
    _indexes: dict[str, Index] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rank = {tag: i for i, tag in enumerate(self.tags)}

    def index_of(self, dist: LockedDist) -> Index:
        """The index given explicitly, else the one the lock names for ``dist``, else the
        default one."""
        if self.prefer_index or not dist.index or "://" not in dist.index:
            return self.index
        return self._indexes.setdefault(dist.index, Index(dist.index, self.http))

    def plan(self, dist: LockedDist) -> PlannedDist:
        try:
            return self._plan(dist)
        except InputError as exc:
            return PlannedDist(dist.name, dist.version, unknown="error", reason=str(exc))

    def cached(self, dist: LockedDist) -> PlannedDist | None:
        """The plan of ``dist`` from the cache alone, when the lock names its wheel's hash."""
        best = self._best([f for f in dist.files if f.filename.endswith(".whl")])
        if best is None or not best.sha256:
            return None
        listing = self.cache.load(PlanCache.key(best.url or best.filename, best.sha256))
        return None if listing is None else self._sized(dist, listing)

    def _plan(self, dist: LockedDist) -> PlannedDist:
        if dist.built_from is not None:
            return PlannedDist(
                dist.name,
                dist.version,
                unknown="sdist-only",
                reason=f"built from a {dist.built_from}: installed size unknown until built",
            )
        files = list(dist.files) or self._index_files(dist)
        wheels = [f for f in files if f.filename.endswith(".whl")]
        if not wheels:
            if files:
                return PlannedDist(
                    dist.name,
                    dist.version,
                    unknown="sdist-only",
                    reason="only a source distribution: installed size unknown until built",
                )
            where = self.index_of(dist).url
            raise FetchError(f"{dist.name} {dist.version}: no files on the index {where}")
        best = self._best(wheels)
        if best is None:
            found = ", ".join(sorted(w.filename for w in wheels)[:3])
            return PlannedDist(
                dist.name,
                dist.version,
                unknown="no-wheel-for-target",
                reason=f"no wheel for the target among {len(wheels)} ({found}…)",
            )
        listing = self._listing(best, self.index_of(dist))
        return self._sized(dist, listing)

    def locate(self, dist: LockedDist) -> tuple[WheelRef, str] | None:
        """The wheel a plan of ``dist`` reads and where it is (a local path or a URL), found
        as :meth:`plan` finds it; ``None`` when it has no wheel for the target."""
        if dist.built_from is not None:
            return None
        best = self._best([f for f in (list(dist.files) or self._index_files(dist))
                           if f.filename.endswith(".whl")])  # fmt: skip
        if best is None:
            return None
        for folder in self.find_links:
            if (folder / best.filename).is_file():
                return best, str(folder / best.filename)
        index = self.index_of(dist)
        url = self._index_url(best, index) if self.prefer_index or not best.url else best.url
        path = local_path(url, self.lock_dir)
        return best, str(path) if path is not None else url

    def _local_files(self, dist: LockedDist) -> list[WheelRef]:
        """Archives of ``dist`` in the ``--find-links`` folders (by file name: no hash check)."""
        out = []
        for folder in self.find_links:
            try:
                found = sorted(folder.iterdir())
            except OSError:
                continue
            refs = [WheelRef(p.name, p.resolve().as_uri()) for p in found]
            out += self._matching(dist, refs, check_hash=False)
        return out

    def _index_files(self, dist: LockedDist) -> list[WheelRef]:
        return self._local_files(dist) or self._matching(dist, self.index_of(dist).files(dist.name))

    def _matching(
        self, dist: LockedDist, refs: list[WheelRef], *, check_hash: bool = True
    ) -> list[WheelRef]:
        wanted = canonicalize_version(dist.version)
        out = []
        for ref in refs:
            try:
                if ref.filename.endswith(".whl"):
                    name, version = parse_wheel_filename(ref.filename)[:2]
                else:
                    name, version = parse_sdist_filename(ref.filename)
            except (InvalidWheelFilename, InvalidSdistFilename):
                continue
            if name != dist.name or canonicalize_version(version) != wanted:
                continue
            if check_hash and dist.hashes and (ref.sha256 or "").lower() not in dist.hashes:
                continue
            out.append(ref)
        return out

    def _best(self, wheels: list[WheelRef]) -> WheelRef | None:
        ranked: list[tuple[int, str, WheelRef]] = []
        for wheel in wheels:
            try:
                tags = parse_wheel_filename(wheel.filename)[3]
            except InvalidWheelFilename:
                continue
            ranks = [self._rank[t] for t in tags if t in self._rank]
            if ranks:
                ranked.append((min(ranks), wheel.filename, wheel))
        return min(ranked, key=lambda r: (r[0], r[1]))[2] if ranked else None

    def _listing(self, ref: WheelRef, index: Index) -> WheelListing:
        key = PlanCache.key(ref.url or ref.filename, ref.sha256) if ref.sha256 or ref.url else None
        cached = self.cache.load(key) if key else None
        if cached is not None:
            return cached
        for folder in self.find_links:
            if (folder / ref.filename).is_file():
                return self._save(key, read_local(folder / ref.filename))
        url = self._index_url(ref, index) if self.prefer_index or not ref.url else ref.url
        path = local_path(url, self.lock_dir)
        if path is not None:
            return self._save(key, read_local(path))
        key = key or PlanCache.key(url, None)
        listing = read_remote(url, ref.filename, self.http, self.cache, key, ref.sha256)
        return self._save(key, listing)

    def _index_url(self, ref: WheelRef, index: Index) -> str:
        name = parse_wheel_filename(ref.filename)[0]
        try:
            listed = index.files(name)
        except FetchError:
            if ref.url:
                return ref.url
            raise
        for found in listed:
            if found.filename == ref.filename and found.url:
                return found.url
        if ref.url:
            return ref.url
        raise FetchError(f"{ref.filename} is not on the index {index.url}")

    def _save(self, key: str | None, listing: WheelListing) -> WheelListing:
        if key is not None:
            self.cache.save(key, listing)
        return listing

    def _sized(self, dist: LockedDist, listing: WheelListing) -> PlannedDist:
        minor = f"{self.python_minor[0]}.{self.python_minor[1]}"
        done = installed_files(
            listing,
            dist.name,
            interpreter=self.interpreter,
            python_minor=minor,
            requested=self.requested is None or dist.name in self.requested,
        )
        headers = metadata_headers(listing.metadata)
        tag = f"cpython-{self.python_minor[0]}{self.python_minor[1]}"
        version = dist.version or next(iter(headers.get("version", [])), "")
        return PlannedDist(
            dist.name,
            version,
            wheel=listing.filename,
            files=done.files,
            installed_bytes=sum(size for _, size in done.files),
            installer_bytes=done.installer_bytes,
            script_bytes=done.script_bytes,
            bytecode_estimate=bytecode_estimate(done.files, tag),
            requires=tuple(headers.get("requires-dist", ())),
            provides_extras=tuple(headers.get("provides-extra", ())),
            import_names=_import_names(dist, version, headers, done.files),
            entry_points=tuple(parse_entry_points(listing.entry_points, Path(listing.filename))[0]),
        )


def _import_names(
    dist: LockedDist,
    version: str,
    headers: dict[str, list[str]],
    files: tuple[tuple[str, int], ...],
) -> tuple[str, ...]:
    """The import names the env scanner would give the installed distribution: ``Import-Name``
    metadata first, else the packages and modules its installed paths make."""
    raw = RawDist(
        dist.name,
        dist.name,
        version,
        PLANNED_SITE / f"{dist.name}-{version}.dist-info",
        PLANNED_SITE,
        "dist-info",
        import_name_meta=[v.split(";")[0].strip() for v in headers.get("import-name", ())],
    )
    return import_names_of(raw, [path for path, _ in files])


def metadata_headers(text: str) -> dict[str, list[str]]:
    """The header fields of a METADATA file (lower-cased names → values, in order), up to the
    blank line before the description; continuation lines are joined."""
    fields: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in text.splitlines():
        if not line:
            break
        if line[0] in " \t" and last:
            last[-1] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if sep:
            last = fields.setdefault(name.strip().lower(), [])
            last.append(value.strip())
    return fields
