"""The library code of a planned wheel, read only when asked (``--read-code``).

The used-by-dependency pass reads the ``.py`` files of the distributions the project uses.
Before installing, those are wheel members: this module reads just them (the central directory
gives their offsets and compressed sizes; over HTTP one range request covers them, as they sit
together), decompresses them and writes them, where the installer would put them, into a folder
of the plan cache keyed by the wheel's sha256 (or URL), with its ``METADATA`` (whose line
numbers evidence cites). The pass then reads that folder as it reads site-packages. Tests,
byte-code and data files are never fetched.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from depsize.plan.http import Http
from depsize.plan.installed import destination
from depsize.plan.listing import FileSource, PlanCache, open_remote
from depsize.plan.model import WheelRef
from depsize.plan.zipdir import Buffered, WheelFormatError, read_contents, read_members
from depsize.usedby.library import is_library_code

_DONE = ".depsize-complete"
_SITE = "site-packages"
"""The code sits in a ``site-packages`` folder: evidence names its files as an installed
distribution's (``site-packages/webkit/forms.py``), the same on every machine."""


def code_folder(  # noqa: PLR0917 - what locates a wheel and where its code goes, in one call
    ref: WheelRef, where: str, name: str, python_minor: str, http: Http, cache: PlanCache
) -> Path:
    """A ``site-packages`` folder holding the library ``.py`` files of the wheel ``ref`` (at
    ``where``: a local path or a URL) where the installer puts them; read once per wheel and
    kept in ``cache``."""
    key = PlanCache.key(ref.url or where, ref.sha256)
    base = cache.root if cache.root is not None else Path(tempfile.gettempdir()) / "depsize"
    folder = base / "code" / key[:2] / key
    if (folder / _DONE).is_file():
        return folder / _SITE
    local = None
    if "://" in where:
        src, local = open_remote(where, ref.filename, http, cache, key, ref.sha256)
    else:
        local = FileSource(Path(where))
        src = Buffered(local, [])
    try:
        files = _library_code(src, name, python_minor)
    except WheelFormatError as exc:
        raise WheelFormatError(f"{where}: {exc}") from None
    finally:
        if local is not None:
            local.close()
    _write(folder, files)
    return folder / _SITE


def _library_code(src: Buffered, name: str, python_minor: str) -> dict[str, bytes]:
    members = read_members(src)
    tops = {m.name.split("/", 1)[0] for m in members}
    data_dir = next((t for t in sorted(tops) if t.endswith(".data")), "")
    wanted = {}
    for member in members:
        rel = destination(member.name, data_dir, name, python_minor)
        metadata = rel.endswith(".dist-info/METADATA") and rel.count("/") == 1
        if (is_library_code(rel) or metadata) and _inside(rel):
            wanted[member.name] = rel
    contents = read_contents(src, members, wanted.__contains__)
    return {wanted[member]: data for member, data in contents.items()}


def _inside(rel: str) -> bool:
    """A relative path that stays inside the folder it is written to."""
    parts = rel.split("/")
    return "\\" not in rel and ":" not in rel and all(p not in {"", ".", ".."} for p in parts)


def _write(folder: Path, files: dict[str, bytes]) -> None:
    """Written into a fresh folder, then moved into place whole: a reader never sees half."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=folder.parent, suffix=".part"))
    try:
        for rel, data in files.items():
            target = temporary / _SITE / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (temporary / _DONE).write_bytes(b"")
        try:
            temporary.replace(folder)
        except OSError:
            if not (folder / _DONE).is_file():  # not another run that got there first
                raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
