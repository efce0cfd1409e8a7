"""Read a wheel's listing (its members and the few metadata files a plan needs) from a local
file or a URL, with as few bytes as the zip format allows, and keep it in a cache.

A URL is read with HTTP range requests: the last 64 KiB first (the end record and usually the
whole central directory and ``.dist-info``), then whatever part of the directory or metadata
that did not cover. A server that answers a range request with the whole file (status 200)
gets its wheel saved into the cache folder and read from there.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from depsize.errors import InputError
from depsize.plan.http import Http
from depsize.plan.model import WheelListing
from depsize.plan.zipdir import TAIL_BYTES, Buffered, WheelFormatError, read_contents, read_members
from depsize.safeio import UnreadableFileError

LISTING_FORMAT = 1
_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


@dataclass
class FileSource:
    """A local archive; checked to be a regular file without blocking (FIFOs, devices)."""

    path: Path

    def __post_init__(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise UnreadableFileError(
                exc.strerror or "cannot open", self.path, missing=not self.path.exists()
            ) from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            raise UnreadableFileError("not a regular file", self.path)
        self._handle = os.fdopen(fd, "rb")
        self._size = info.st_size

    @property
    def size(self) -> int:
        return self._size

    def read(self, start: int, end: int) -> bytes:
        self._handle.seek(start)
        return self._handle.read(end - start)

    def close(self) -> None:
        self._handle.close()


@dataclass
class HttpSource:
    url: str
    http: Http
    total: int

    @property
    def size(self) -> int:
        return self.total

    def read(self, start: int, end: int) -> bytes:
        answer = self.http.get(self.url, headers={"Range": f"bytes={start}-{end - 1}"})
        if answer.status != 206:
            return answer.body[start:end]  # a server that stopped honouring ranges
        return answer.body


class PlanCache:
    """Listings by wheel hash (or URL), and whole wheels from servers without range support,
    under ``root``; ``None`` caches nothing."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    @staticmethod
    def key(url: str, sha256: str | None) -> str:
        return sha256.lower() if sha256 else hashlib.sha256(url.encode()).hexdigest()

    def load(self, key: str) -> WheelListing | None:
        if self.root is None:
            return None
        path = self.root / "listings" / key[:2] / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.pop("format", None) != LISTING_FORMAT:
                return None
            data["members"] = tuple((str(n), int(s)) for n, s in data["members"])
            data["python_shebangs"] = tuple((str(n), int(s)) for n, s in data["python_shebangs"])
            return WheelListing(**data)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # absent or damaged: read the wheel again

    def save(self, key: str, listing: WheelListing) -> None:
        if self.root is None:
            return
        folder = self.root / "listings" / key[:2]
        data = {"format": LISTING_FORMAT, **asdict(listing)}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out)
            Path(temporary).replace(folder / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written only costs time

    def wheel_path(self, key: str, filename: str) -> Path:
        base = self.root if self.root is not None else Path(tempfile.gettempdir()) / "depsize"
        return base / "wheels" / key[:2] / key / filename


def _wanted(name: str) -> bool:
    top, _, rest = name.partition("/")
    if top.endswith(".dist-info"):
        return rest in {"METADATA", "RECORD", "entry_points.txt"}
    return top.endswith(".data") and rest.startswith("scripts/")


def listing_of(src: Buffered, filename: str) -> WheelListing:
    """The listing of the archive ``src`` (raises :class:`WheelFormatError` if corrupt)."""
    members = read_members(src)
    contents = read_contents(src, members, _wanted)

    def text(suffix: str) -> str:
        for name, data in contents.items():
            if name.endswith(f".dist-info/{suffix}") and name.count("/") == 1:
                return data.decode("utf-8", errors="replace")
        return ""

    metadata = text("METADATA")
    if not metadata:
        raise WheelFormatError("no .dist-info/METADATA in the archive: not a wheel")
    scripts = {
        name: data[: data.find(b"\n") + 1 if b"\n" in data else len(data)]
        for name, data in contents.items()
        if name.partition("/")[0].endswith(".data") and data.startswith(b"#!python")
    }
    return WheelListing(
        filename,
        tuple((m.name, m.file_size) for m in members if not m.name.endswith("/")),
        metadata,
        text("RECORD"),
        text("entry_points.txt"),
        tuple((name, len(line)) for name, line in scripts.items()),
    )


def _check_hash(path: Path, sha256: str | None, url: str) -> None:
    if not sha256:
        return
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    if digest.hexdigest() != sha256.lower():
        path.unlink(missing_ok=True)
        raise InputError(f"{url}: sha256 {digest.hexdigest()} is not the {sha256} the lock names")


def read_local(path: Path) -> WheelListing:
    source = FileSource(path)
    try:
        return listing_of(Buffered(source, []), path.name)
    except WheelFormatError as exc:
        raise WheelFormatError(str(exc), path) from None
    finally:
        source.close()


def open_remote(  # noqa: PLR0917 - what locates a wheel, in one call
    url: str, filename: str, http: Http, cache: PlanCache, key: str, sha256: str | None = None
) -> tuple[Buffered, FileSource | None]:
    """The wheel at ``url`` for random reads, its last 64 KiB already read; a server without
    range support gets the wheel saved (into the cache folder, its sha256 checked against the
    lock's) and read from there: that local file is returned too, to be closed."""
    saved = cache.wheel_path(key, filename)
    answer = http.get(url, headers={"Range": f"bytes=-{TAIL_BYTES}"}, save_to=saved)
    if answer.status == 200:
        _check_hash(saved, sha256, url)
        local = FileSource(saved)
        if cache.root is None:
            saved.unlink(missing_ok=True)  # the open handle still reads it
        return Buffered(local, []), local
    found = _RANGE.match(answer.headers.get("content-range", ""))
    if answer.status != 206 or found is None:
        raise InputError(f"{url}: unexpected answer to a range request (HTTP {answer.status})")
    start, total = int(found.group(1)), int(found.group(3))
    return Buffered(HttpSource(url, http, total), [(start, answer.body)]), None


def read_remote(  # noqa: PLR0917 - what locates a wheel, in one call
    url: str, filename: str, http: Http, cache: PlanCache, key: str, sha256: str | None = None
) -> WheelListing:
    """Range-read the wheel at ``url`` (see :func:`open_remote`)."""
    src, local = open_remote(url, filename, http, cache, key, sha256)
    try:
        return listing_of(src, filename)
    except WheelFormatError as exc:
        raise WheelFormatError(f"{url}: {exc}") from None
    finally:
        if local is not None:
            local.close()
