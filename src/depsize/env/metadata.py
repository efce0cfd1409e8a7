"""Reading one distribution's metadata folder (dist-info or egg-info) without importing it."""

from __future__ import annotations

import ast
import csv
import json
import os
import re
import stat
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path
from urllib.parse import unquote, urlparse

from packaging.utils import NormalizedName, canonicalize_name

from depsize.models import EntryPoint, FilesSource, ScanWarning

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
    """The file's text; ``None`` (with a warning unless it is simply absent) when unreadable."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):  # a folder, a FIFO (reading it would block), a device …
            raw.warnings.append(ScanWarning("not a regular file; not read", path))
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raw.warnings.append(ScanWarning(f"cannot read: {exc.strerror or exc}", path))
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
    guess = match.group("name") if match else meta.name.split(".")[0]
    fmt = "dist-info" if meta.name.endswith(".dist-info") else "egg-info"
    raw = RawDist(
        name=canonicalize_name(guess),
        display_name=guess,
        version=(match.group("version") if match else None) or "0",
        metadata_dir=meta,
        site_packages=site_packages,
        metadata_format=fmt,
    )
    if meta.is_file():  # a single-file egg-info is its PKG-INFO
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
            ScanWarning("metadata file missing; name and version taken from the folder name", path)
        )
        return
    head = text.split("\n\n", 1)[0] if "\n\n" in text else text
    message = HeaderParser().parsestr(head)
    name = message.get("Name")
    if not name or not str(name).strip():
        raw.warnings.append(ScanWarning("metadata has no Name; using the folder name", path))
    else:
        raw.display_name = str(name).strip()
        raw.name = canonicalize_name(raw.display_name)
    version = message.get("Version")
    if version:
        raw.version = str(version).strip()
    raw.requires = [str(v).strip() for v in message.get_all("Requires-Dist") or []]
    raw.provides_extras = [str(v).strip() for v in message.get_all("Provides-Extra") or []]
    raw.import_name_meta = [
        str(v).split(";")[0].strip() for v in message.get_all("Import-Name") or []
    ]


def _read_record(raw: RawDist, path: Path) -> None:
    text = _read_text(path, raw)
    if text is None:
        what = "unreadable RECORD" if os.path.lexists(path) else "no RECORD"
        raw.warnings.append(
            ScanWarning(f"{what}; files found from top_level.txt or the package folders", path)
        )
        return
    raw.files_source = "RECORD"
    lines = text.splitlines()
    # Without a quote (or a NUL, or a line longer than the csv module's field limit, which it
    # reports as an error) CSV splitting is str.split: a path with a comma is quoted.
    plain = '"' not in text and "\0" not in text
    if plain and max(map(len, lines), default=0) > csv.field_size_limit():
        plain = False
    rows = (line.split(",") if line else [] for line in lines) if plain else csv.reader(lines)
    try:
        for lineno, row in enumerate(rows, start=1):
            if not row:
                continue
            if len(row) != 3 or not row[0]:
                raw.warnings.append(
                    ScanWarning(f"malformed RECORD row skipped: {','.join(row)!r}", path, lineno)
                )
                continue
            raw.listed.append(row[0])
            if row[2].isdigit() and not row[0].endswith(".pyc"):  # byte-code gets rewritten
                raw.record_sizes[row[0]] = int(row[2])
    except csv.Error as exc:
        raw.warnings.append(
            ScanWarning(f"RECORD is not valid CSV ({exc}); rest of it skipped", path)
        )


def _read_egg_extras(raw: RawDist, meta: Path) -> None:
    listing = _read_text(meta / "installed-files.txt", raw)
    if listing is not None:
        raw.files_source = "installed-files.txt"
        prefix = meta.name
        for raw_line in listing.splitlines():
            line = raw_line.strip()
            if line:
                raw.listed.append(f"{prefix}/{line}")
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
        raw.top_level = [t.strip() for t in top.splitlines() if t.strip()]
    installer = _read_text(meta / "INSTALLER", raw)
    raw.installer = installer.strip() or None if installer is not None else None
    eps = _read_text(meta / "entry_points.txt", raw)
    if eps is not None:
        raw.entry_points = read_entry_points(meta, raw)
    direct = _read_text(meta / "direct_url.json", raw)
    if direct is not None:
        _apply_direct_url(raw, direct, meta / "direct_url.json")


def read_entry_points(meta: Path, raw: RawDist) -> list[EntryPoint]:
    """The entry points of a metadata folder, parsed by importlib-metadata (the reference)."""
    import importlib_metadata  # only for distributions that declare entry points

    try:
        found = importlib_metadata.PathDistribution(meta).entry_points
        return [EntryPoint(ep.group, ep.name, ep.value) for ep in found]
    except (ValueError, OSError) as exc:  # undecodable or malformed
        raw.warnings.append(
            ScanWarning(f"unreadable entry points ({exc})", meta / "entry_points.txt")
        )
        return []


def _apply_direct_url(raw: RawDist, text: str, path: Path) -> None:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raw.warnings.append(ScanWarning(f"invalid JSON: {exc}", path))
        return
    if not isinstance(data, dict):
        return
    dir_info = data.get("dir_info")
    if isinstance(dir_info, dict) and dir_info.get("editable"):
        raw.editable = True
        url = urlparse(str(data.get("url", "")))
        if url.scheme == "file":
            raw.editable_location = Path(unquote(url.path))


def editable_finder_names(path: Path) -> list[str]:
    """Top-level names from a setuptools ``__editable___*_finder.py`` (read with ast, not run)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "MAPPING" for t in node.targets
        ):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return []
            return [str(k) for k in value] if isinstance(value, dict) else []
    return []
