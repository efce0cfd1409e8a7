"""Turn one requirement as written into a :class:`DeclaredRequirement`.

Two forms: a PEP 508 string (``name[extras] specifier ; marker`` or ``name @ url``), and pip's
install targets, which may also be a bare URL (``git+https://…#egg=name``), an archive
(``pkg-1.0-py3-none-any.whl``) or a local directory (``./pkg[extra]``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from depsize.records import dataclass
from depsize.requirements.model import MAIN_GROUP, DeclaredRequirement, GroupKind
from depsize.requirements.paths import real_path, user_path
from depsize.requirements.tomlfile import read_project_name

_VCS = ("git", "hg", "svn", "bzr")
_URL_SCHEMES = frozenset(
    {"http", "https", "file", "ftp", *_VCS}
    | {f"{vcs}+{proto}" for vcs in _VCS for proto in ("http", "https", "ssh", "file", "git")}
    | {"svn+svn", "hg+static-http", "bzr+sftp", "bzr+ftp", "bzr+lp"}
)
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar", ".zip", ".tar.bz2", ".tbz", ".tar.xz", ".txz")
_NAME_AT = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@")
_EGG = re.compile(r"[#&]egg=([^&]+)")
_EXTRAS = re.compile(r"^(?P<base>.*?)(?:\[(?P<extras>[^\]]*)\])?$", re.DOTALL)
_ARCHIVE_NAME = re.compile(r"^(?P<name>.+?)-(?P<version>\d[^-]*)$")


class TargetError(ValueError):
    """The text is not a requirement; the message says why."""


@dataclass(frozen=True)
class Origin:
    """Where a requirement was declared, and in which group."""

    source: Path
    line: int
    end_line: int
    raw: str
    group: str = MAIN_GROUP
    group_kind: GroupKind = "main"
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Parts:
    """The fields of a requirement, before they get an origin."""

    name: str
    extras: frozenset[str] = frozenset()
    specifier: str = ""
    marker: str | None = None
    url: str | None = None
    local_path: str | None = None
    editable: bool = False
    hashes: tuple[str, ...] = ()
    options: tuple[tuple[str, str | None], ...] = ()


def build(parts: Parts, origin: Origin) -> DeclaredRequirement:
    """A :class:`DeclaredRequirement` from its fields and origin."""
    return DeclaredRequirement(
        name=canonicalize_name(parts.name),
        display_name=parts.name,
        extras=frozenset(canonicalize_name(e) for e in parts.extras),
        specifier=parts.specifier,
        marker=parts.marker,
        url=parts.url,
        editable=parts.editable,
        local_path=parts.local_path,
        source=origin.source,
        line=origin.line,
        end_line=origin.end_line,
        raw=origin.raw,
        group=origin.group,
        group_kind=origin.group_kind,
        hashes=parts.hashes,
        options=parts.options,
        span=origin.span,
    )


def first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def pep508_parts(text: str, *, editable: bool = False) -> Parts:
    """The fields of a PEP 508 requirement string; :class:`TargetError` if packaging rejects it."""
    try:
        req = Requirement(text.strip())
    except InvalidRequirement as exc:
        raise TargetError(first_line(str(exc))) from None
    return Parts(
        name=req.name,
        extras=frozenset(req.extras),
        specifier=str(req.specifier),
        marker=str(req.marker) if req.marker is not None else None,
        url=req.url,
        local_path=_file_url_path(req.url) if req.url else None,
        editable=editable,
    )


def is_url(text: str) -> bool:
    scheme, sep, _ = text.partition(":")
    return bool(sep) and scheme.strip().lower() in _URL_SCHEMES


def pip_target_parts(
    text: str, base_dir: Path, *, editable: bool = False
) -> tuple[Parts, str | None]:
    """The fields of a pip install target, and a note when the name had to be guessed."""
    text = text.strip()
    if is_url(text):
        return _url_parts(text, editable)
    head = text.split(";", 1)[0].strip()
    if not _NAME_AT.match(text) and _looks_like_path(head):
        return _path_parts(text, base_dir, editable)
    return pep508_parts(text, editable=editable), None


def _looks_like_path(text: str) -> bool:
    return (
        text.startswith((".", "/", "~"))
        or "/" in text
        or "\\" in text
        or text.lower().endswith(_ARCHIVES)
    )


def _split_marker(text: str, separator: str) -> tuple[str, str | None]:
    target, sep, marker_text = text.partition(separator)
    marker_text = marker_text.strip()
    if not sep or not marker_text:
        return target.strip(), None
    try:
        return target.strip(), str(Marker(marker_text))
    except InvalidMarker as exc:
        raise TargetError(first_line(str(exc))) from None


def _url_parts(text: str, editable: bool) -> tuple[Parts, str | None]:
    url, marker = _split_marker(text, "; ")
    egg = _EGG.search(url)
    path = unquote(urlsplit(url).path)
    if egg:
        name, extras = _name_and_extras(egg.group(1))
        return Parts(name, extras, "", marker, url, _file_url_path(url), editable), None
    archive = _archive_parts(path.rsplit("/", 1)[-1])
    if archive is not None:
        name, spec = archive
        return Parts(name, frozenset(), spec, marker, url, _file_url_path(url), editable), None
    guess = _guess_name(path.split("@", 1)[0])
    note = f"no project name in {url!r}; guessed {guess!r} (add #egg=NAME or write NAME @ URL)"
    return Parts(guess, frozenset(), "", marker, url, _file_url_path(url), editable), note


def _path_parts(text: str, base_dir: Path, editable: bool) -> tuple[Parts, str | None]:
    target, marker = _split_marker(text, ";")
    path_text, extras = _name_and_extras(target)
    filename = re.split(r"[/\\]", path_text.rstrip("/\\"))[-1]
    archive = _archive_parts(filename)
    if archive is not None:
        name, spec = archive
        return Parts(name, extras, spec, marker, None, path_text, editable), None
    directory = real_path(base_dir / user_path(path_text)) or base_dir / path_text
    declared = read_project_name(directory)
    if declared is not None:
        return Parts(declared, extras, "", marker, None, path_text, editable), None
    guess = _guess_name(directory.name)
    note = f"no project name found in {path_text!r}; guessed {guess!r} from the folder name"
    return Parts(guess, extras, "", marker, None, path_text, editable), note


def _name_and_extras(text: str) -> tuple[str, frozenset[str]]:
    match = _EXTRAS.match(text.strip())
    if match is None or match.group("extras") is None:
        return text.strip(), frozenset()
    extras = frozenset(e.strip() for e in match.group("extras").split(",") if e.strip())
    return match.group("base").strip(), extras


def _archive_parts(filename: str) -> tuple[str, str] | None:
    """(name, "==version") from a wheel or sdist filename; ``None`` if it is not an archive."""
    lower = filename.lower()
    try:
        if lower.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(filename)
            return name, f"=={version}"
        if lower.endswith((".tar.gz", ".zip")):
            name, version = parse_sdist_filename(filename)
            return name, f"=={version}"
    except (InvalidWheelFilename, InvalidSdistFilename) as exc:
        raise TargetError(first_line(str(exc))) from None
    for suffix in _ARCHIVES:
        if lower.endswith(suffix):
            match = _ARCHIVE_NAME.match(filename[: -len(suffix)])
            if match is None:
                raise TargetError(f"cannot read a name and version from {filename!r}")
            return match.group("name"), f"=={match.group('version')}"
    return None


def _guess_name(path: str) -> str:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = last.removesuffix(".git")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", last).strip("-._") or "unknown"


def _file_url_path(url: str | None) -> str | None:
    if not url or not url.lower().startswith("file:"):
        return None
    return unquote(urlsplit(url).path) or None


def join_markers(parts: Sequence[str | None]) -> str | None:
    """Several marker expressions as one (``None`` for none); :class:`TargetError` if invalid."""
    texts = [p for p in parts if p]
    if not texts:
        return None
    joined = texts[0] if len(texts) == 1 else " and ".join(f"({p})" for p in texts)
    try:
        return str(Marker(joined))
    except InvalidMarker as exc:
        raise TargetError(first_line(str(exc))) from None
