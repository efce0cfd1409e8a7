"""``direct_url.json`` (PEP 610): whether an install is editable, and where its project is.

Types are checked here, once: an object with a string ``url`` and an object ``dir_info`` whose
``editable`` is a boolean. Anything else is reported with the file and read as "not editable".
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from depsize.env.jsondoc import JsonDocError, load_json
from depsize.models import ScanWarning
from depsize.records import dataclass


@dataclass(frozen=True)
class DirectUrl:
    editable: bool = False
    location: Path | None = None
    warnings: tuple[ScanWarning, ...] = field(default=())


def parse_direct_url(text: str, path: Path) -> DirectUrl:
    """What ``text`` (the content of ``path``) says; never raises."""
    try:
        data = load_json(text, path)
    except JsonDocError as exc:
        return DirectUrl(warnings=(ScanWarning(exc.reason, path, exc.line),))
    fields = _editable_url(data)
    if isinstance(fields, _Problem):
        return DirectUrl(warnings=(ScanWarning(f"{fields.text}; not read", path),))
    if fields is None:
        return DirectUrl()
    try:
        parts = urlsplit(fields)
    except ValueError as exc:  # an invalid IPv6 host, for one
        shown = fields[:120]
        return DirectUrl(True, None, (ScanWarning(f"invalid url {shown!r}: {exc}", path),))
    local = parts.scheme == "file" and "\0" not in fields
    return DirectUrl(True, Path(unquote(parts.path)) if local else None)


@dataclass(frozen=True)
class _Problem:
    text: str


def _editable_url(data: object) -> str | _Problem | None:
    """The url of an editable install, ``None`` when not editable, or what is wrong."""
    if not isinstance(data, dict):
        return _Problem(f"expected a JSON object, found {_kind(data)}")
    url, dir_info = data.get("url"), data.get("dir_info")
    if not isinstance(url, str):
        return _Problem(f'"url" is {_kind(url)}, not a string')
    if dir_info is None:
        return None
    if not isinstance(dir_info, dict):
        return _Problem(f'"dir_info" is {_kind(dir_info)}, not an object')
    editable = dir_info.get("editable", False)
    if not isinstance(editable, bool):
        return _Problem(f'"dir_info.editable" is {_kind(editable)}, not true or false')
    return url if editable else None


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
