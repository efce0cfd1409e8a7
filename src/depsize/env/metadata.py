"""Reading one distribution's metadata folder (dist-info or egg-info) without importing it."""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from depsize import safeio
from depsize.env.directurl import parse_direct_url
from depsize.env.entrypoints import parse_entry_points
from depsize.env.record import FileList, parse_installed_files, parse_record
from depsize.models import EntryPoint, FilesSource, ScanWarning

MAX_NAME_CHARS = 200
"""A distribution name longer than this is no real one; it is cut."""
MAX_VERSION_CHARS = 64
"""A version longer than this is no version anyone publishes; it is shown cut."""

_DIR_NAME = re.compile(r"^(?P<name>[^-]+)(?:-(?P<version>[^-]+))?.*?\.(?:dist|egg)-info$")


@dataclass
class RawDist:
    """What one metadata folder says, before sizes are attributed."""

    name: NormalizedName
    display_name: str
    version: str
    metadata_dir: Path
    site_packages: Path
    metadata_format: str
    requires: list[str] = field(default_factory=list)
    provides_extras: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    record_sizes: dict[str, int] = field(default_factory=dict)
    """Sizes RECORD gives (rows with a blank size are absent), keyed like ``listed``."""
    """Paths the file list names, relative to ``site_packages`` (may start with ``..``)."""
    files_source: FilesSource = "none"
    top_level: list[str] = field(default_factory=list)
    import_name_meta: list[str] = field(default_factory=list)
    entry_points: list[EntryPoint] = field(default_factory=list)
    installer: str | None = None
    editable: bool = False
    editable_location: Path | None = None
    warnings: list[ScanWarning] = field(default_factory=list)


def _read_text(path: Path, raw: RawDist) -> str | None:
    """The file's text; ``None`` (with a warning unless it is simply absent) when unreadable:
    a FIFO, socket or device, a file over the read cap, a permission error (see
    :mod:`depsize.safeio`)."""
    try:
        data = safeio.read_bytes(path)
    except safeio.UnreadableFileError as exc:
        if not exc.missing:
            raw.warnings.append(ScanWarning(exc.reason, path))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raw.warnings.append(
            ScanWarning(f"not valid UTF-8 ({exc.reason}); read with replacement", path)
        )
        return data.decode("utf-8", errors="replace")


def read_dist(meta: Path, site_packages: Path) -> RawDist:
    """Read a ``*.dist-info`` / ``*.egg-info`` folder (or egg-info file)."""
    match = _DIR_NAME.match(meta.name)
    guess = printable(match.group("name") if match else meta.name.split(".")[0])
    fmt = "dist-info" if meta.name.endswith(".dist-info") else "egg-info"
    raw = RawDist(
        name=canonicalize_name(guess),
        display_name=guess,
        version=printable((match.group("version") if match else None) or "0"),
        metadata_dir=meta,
        site_packages=site_packages,
        metadata_format=fmt,
    )
    if os.path.isfile(meta):  # a single-file egg-info is its PKG-INFO
        _apply_metadata(raw, meta)
        return raw
    _apply_metadata(raw, meta / ("METADATA" if fmt == "dist-info" else "PKG-INFO"))
    if fmt == "dist-info":
        _read_record(raw, meta / "RECORD")
    else:
        _read_egg_extras(raw, meta)
    _read_common(raw, meta)
    return raw


def _apply_metadata(raw: RawDist, path: Path) -> None:
    text = _read_text(path, raw)
    if text is None:
        raw.warnings.append(
            ScanWarning(
                "metadata file missing or unreadable; name and version taken from the folder name",
                path,
            )
        )
        return
    head = text.split("\n\n", 1)[0] if "\n\n" in text else text
    message = HeaderParser().parsestr(head)
    name = message.get("Name")
    if not name or not str(name).strip():
        raw.warnings.append(ScanWarning("metadata has no Name; using the folder name", path))
    else:
        _apply_name(raw, str(name).strip(), path, _line_of(head, "Name"))
    version = str(message.get("Version") or "").strip()
    if version:
        raw.version = _checked_version(version, raw, path, _line_of(head, "Version"))
    raw.requires = [str(v).strip() for v in message.get_all("Requires-Dist") or []]
    raw.provides_extras = [str(v).strip() for v in message.get_all("Provides-Extra") or []]
    raw.import_name_meta = [
        str(v).split(";")[0].strip() for v in message.get_all("Import-Name") or []
    ]


def _apply_name(raw: RawDist, name: str, path: Path, line: int | None) -> None:
    """The Name header, escaped (control characters) and cut (past any real name's length)."""
    shown = printable(name[:MAX_NAME_CHARS])
    if shown != name:
        what = "is too long" if len(name) > MAX_NAME_CHARS else "has control characters"
        raw.warnings.append(ScanWarning(f"Name {what}; shown as {shown[:120]!r}", path, line))
    raw.display_name = shown
    raw.name = canonicalize_name(shown)


def _line_of(head: str, key: str) -> int | None:
    prefix = key.lower() + ":"
    for number, line in enumerate(head.splitlines(), start=1):
        if line.lower().startswith(prefix):
            return number
    return None


def _checked_version(version: str, raw: RawDist, path: Path, line: int | None) -> str:
    """``version`` when packaging can read it; otherwise it is kept as text, cut to
    :data:`MAX_VERSION_CHARS`, with a warning (a 5,000-digit part is past Python's int limit)."""
    problem = None
    try:
        Version(version)
    except InvalidVersion:  # legacy versions exist; graph.py reads them as text
        pass
    except ValueError:
        problem = "a version number too large to read"
    if len(version) > MAX_VERSION_CHARS:
        problem = problem or "a version longer than any published one"
        shown = version[:MAX_VERSION_CHARS] + "…"
    else:
        shown = version
    if problem is not None:
        raw.warnings.append(ScanWarning(f"Version {shown!r} is {problem}", path, line))
    return printable(shown)


def printable(text: str) -> str:
    """``text`` with control and format characters escaped (``\\x1b``): names and versions
    from an environment are shown on terminals, where an escape sequence would act."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _read_record(raw: RawDist, path: Path) -> None:
    text = _read_text(path, raw)
    if text is None:
        what = "unreadable RECORD" if os.path.lexists(path) else "no RECORD"
        raw.warnings.append(
            ScanWarning(f"{what}; files found from top_level.txt or the package folders", path)
        )
        return
    raw.files_source = "RECORD"
    _apply_file_list(raw, parse_record(text, path))


def _apply_file_list(raw: RawDist, found: FileList) -> None:
    raw.listed.extend(found.paths)
    raw.record_sizes.update(found.sizes)
    raw.warnings.extend(found.warnings)


def _read_egg_extras(raw: RawDist, meta: Path) -> None:
    path = meta / "installed-files.txt"
    listing = _read_text(path, raw)
    if listing is not None:
        raw.files_source = "installed-files.txt"
        _apply_file_list(raw, parse_installed_files(listing, path, meta.name))
    requires = _read_text(meta / "requires.txt", raw)
    if requires is not None:
        raw.requires = raw.requires or _requires_txt(requires)


def _requires_txt(text: str) -> list[str]:
    """Convert an egg-info ``requires.txt`` to Requires-Dist strings."""
    out: list[str] = []
    extra, marker = "", ""
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, marker = line[1:-1].partition(":")
            continue
        conds = [f"({marker})"] if marker else []
        if extra:
            conds.append(f'extra == "{extra}"')
        out.append(f"{line}; {' and '.join(conds)}" if conds else line)
    return out


def _read_common(raw: RawDist, meta: Path) -> None:
    top = _read_text(meta / "top_level.txt", raw)
    if top is not None:
        raw.top_level = [t.strip() for t in top.splitlines() if t.strip() and "\0" not in t]
    installer = _read_text(meta / "INSTALLER", raw)
    raw.installer = printable(installer.strip()[:100]) or None if installer is not None else None
    path = meta / "entry_points.txt"
    eps = _read_text(path, raw)
    if eps is not None:
        raw.entry_points, warnings = parse_entry_points(eps, path)
        raw.warnings.extend(warnings)
    path = meta / "direct_url.json"
    direct = _read_text(path, raw)
    if direct is not None:
        found = parse_direct_url(direct, path)
        raw.warnings.extend(found.warnings)
        if found.editable:
            raw.editable = True
            raw.editable_location = found.location or raw.editable_location


def editable_finder_names(path: Path) -> list[str]:
    """Top-level names from a setuptools ``__editable___*_finder.py`` (read with ast, not run)."""
    try:
        tree = ast.parse(safeio.read_bytes(path))
    except (safeio.UnreadableFileError, SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "MAPPING" for t in node.targets
        ):
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                return []
            return [str(k) for k in value] if isinstance(value, dict) else []
    return []
