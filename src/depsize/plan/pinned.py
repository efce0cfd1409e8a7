"""Readers of pinned requirement files (``pip-compile``, ``uv pip compile``, ``uv export``) and
of pip's installation report (``pip install --dry-run --report``)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from depsize.errors import InputError
from depsize.models import ScanWarning
from depsize.plan.markers import holds
from depsize.plan.model import Declared, LockedDist, LockFile, WheelRef
from depsize.safeio import read_text

_HASH = re.compile(r"--hash[= ]sha256:([0-9a-fA-F]{64})")
_INDEX = re.compile(r"^(?:-i|--index-url)[= ]\s*(\S+)")
_IGNORED_OPTIONS = ("--extra-index-url", "--find-links", "-f ", "--trusted-host", "--no-binary")


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) with ``\\`` continuations joined and comments removed."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0] if not raw.lstrip().startswith("#") else ""
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        joined = (pending + line).strip()
        pending = ""
        if joined:
            out.append((start, joined))
    if pending.strip():
        out.append((start, pending.strip()))
    return out


def read_pinned(path: Path, env: Mapping[str, str]) -> LockFile:
    """Every ``name==version`` line whose marker holds; anything unpinned is an error."""
    text = read_text(path)
    dists: list[LockedDist] = []
    warnings: list[ScanWarning] = []
    index: str | None = None
    for number, line in _logical_lines(text):
        if found := _INDEX.match(line):
            index = found.group(1)
            continue
        if line.startswith(("-r", "--requirement", "-c", "--constraint")):
            raise InputError(
                "includes another file; plan reads one fully pinned file "
                "(the output of pip-compile or uv pip compile)",
                path,
                number,
            )
        if line.startswith(("-e", "--editable")) or line.startswith(_IGNORED_OPTIONS):
            warnings.append(ScanWarning(f"not planned: {line.split()[0]} line", path, number))
            continue
        dist = _pinned_line(path, number, line, env)
        if dist is not None:
            dists.append(dist)
    if index:
        dists = [LockedDist(d.name, d.version, d.files, d.hashes, index, d.line) for d in dists]
    return LockFile(path, "requirements", tuple(dists), warnings=tuple(warnings))


def _pinned_line(path: Path, number: int, line: str, env: Mapping[str, str]) -> LockedDist | None:
    hashes = tuple(h.lower() for h in _HASH.findall(line))
    spec = _HASH.sub("", line).strip()
    try:
        req = Requirement(spec)
    except InvalidRequirement as exc:
        reason = str(exc).partition("\n")[0]
        raise InputError(f"not a requirement: {spec!r} ({reason})", path, number) from None
    if req.marker is not None and not holds(str(req.marker), env):
        return None
    if req.url:
        name = req.url.rsplit("/", 1)[-1]
        return LockedDist(canonicalize_name(req.name), "", (WheelRef(name, req.url),), line=number)
    pins = [s for s in req.specifier if s.operator in {"==", "==="} and "*" not in s.version]
    if len(pins) != 1:
        raise InputError(
            f"{req.name} is not pinned to one version ({spec!r}); plan needs a resolved set "
            "(pip-compile, uv pip compile, uv export)",
            path,
            number,
        )
    return LockedDist(canonicalize_name(req.name), pins[0].version, hashes=hashes, line=number)


def read_pip_report(path: Path) -> LockFile:
    """pip's ``--report`` (version 1): what it would install, for the environment it records."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", path, exc.lineno) from None
    if not isinstance(data, dict) or str(data.get("version")) != "1":
        found = data.get("version") if isinstance(data, dict) else None
        raise InputError(f"pip report version {found!r} is not supported (reads 1)", path)
    dists: list[LockedDist] = []
    declared: list[Declared] = []
    for item in data.get("install", []):
        meta = item.get("metadata", {})
        info = item.get("download_info", {})
        if "name" not in meta or "url" not in info:
            raise InputError("an install entry without metadata.name or download_info.url", path)
        name = canonicalize_name(meta["name"])
        sha = info.get("archive_info", {}).get("hashes", {}).get("sha256")
        url = info["url"]
        dists.append(
            LockedDist(name, meta.get("version", ""), (WheelRef(url.rsplit("/", 1)[-1], url, sha),))
        )
        if item.get("requested"):
            extras = frozenset(canonicalize_name(e) for e in item.get("requested_extras") or ())
            declared.append(Declared(name, extras, meta["name"]))
    environment = data.get("environment")
    env = {k: str(v) for k, v in environment.items()} if isinstance(environment, dict) else None
    return LockFile(path, "pip-report", tuple(dists), tuple(declared), marker_env=env)
