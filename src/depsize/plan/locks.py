"""Readers of TOML lock files: PEP 751 ``pylock.toml``, ``uv.lock`` and ``poetry.lock``.

Each returns the distributions the target installs (markers evaluated for it, main group
only) with the archives the lock names for them, and the project's own requirements when the
lock says which they are.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from depsize.errors import InputError
from depsize.plan.markers import holds
from depsize.plan.model import Declared, LockedDist, LockFile, WheelRef
from depsize.safeio import read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

Table = dict[str, Any]


def read_toml(path: Path) -> Table:
    text = read_text(path, errors="strict")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML ({exc})", path) from None
    except UnicodeDecodeError:  # pragma: no cover - read_text decodes strictly above
        raise InputError("not UTF-8 text", path) from None


def _version_check(path: Path, found: object, supported: tuple[int, ...], what: str) -> None:
    major = str(found).split(".")[0]
    if not major.isdigit() or int(major) not in supported:
        raise InputError(
            f"{what} {found!r} is not supported (this depsize reads "
            f"{' and '.join(f'{m}.x' for m in supported)})",
            path,
        )


def _check_groups(path: Path, groups: frozenset[str], known: set[str]) -> None:
    unknown = sorted(groups - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise InputError(
            f"no dependency group {unknown[0]!r} in this lock (it has: {listed})", path
        )


def _sha256(value: object) -> str | None:
    if isinstance(value, dict):
        found = value.get("sha256")
        return found if isinstance(found, str) else None
    if isinstance(value, str) and value.startswith("sha256:"):
        return value[len("sha256:") :]
    return None


def _filename(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("#", 1)[0].split("?", 1)[0]


# --- PEP 751 -------------------------------------------------------------------------------


def read_pylock(
    path: Path, env: Mapping[str, str], groups: frozenset[str] = frozenset()
) -> LockFile:
    data = read_toml(path)
    _version_check(path, data.get("lock-version"), (1,), "lock-version")
    _check_groups(path, groups, set(data.get("dependency-groups", [])))
    dists = []
    for package in data.get("packages", []):
        if not isinstance(package, dict) or "name" not in package:
            raise InputError("a [[packages]] entry without a name", path)
        if not holds(package.get("marker"), env, lock_file=True, groups=groups):
            continue
        files = [_pylock_wheel(w) for w in package.get("wheels", []) if isinstance(w, dict)]
        for key in ("sdist", "archive"):
            archive = package.get(key)
            if isinstance(archive, dict):
                files.append(_pylock_wheel(archive))
        built = next((k for k in ("directory", "vcs") if k in package), None)
        dists.append(
            LockedDist(
                canonicalize_name(package["name"]),
                str(package.get("version", "")),
                tuple(files),
                index=package.get("index"),
                built_from=built,
            )
        )
    return LockFile(path, "pylock.toml", tuple(dists))


def _pylock_wheel(wheel: Table) -> WheelRef:
    url = wheel.get("url") or wheel.get("path")
    name = wheel.get("name") or _filename(str(url or ""))
    return WheelRef(name, url, _sha256(wheel.get("hashes")))


# --- uv.lock -------------------------------------------------------------------------------

_PROJECT_SOURCES = {"virtual", "editable", "directory"}


def read_uv_lock(
    path: Path, env: Mapping[str, str], groups: frozenset[str] = frozenset()
) -> LockFile:
    data = read_toml(path)
    _version_check(path, data.get("version"), (1,), "uv.lock version")
    packages = [p for p in data.get("package", []) if isinstance(p, dict) and "name" in p]
    by_name: dict[str, list[Table]] = {}
    for package in packages:
        by_name.setdefault(canonicalize_name(package["name"]), []).append(package)
    projects = [p for p in packages if _PROJECT_SOURCES & set(p.get("source", {}))]
    known = {g for p in projects for g in p.get("dev-dependencies", {})}
    _check_groups(path, groups, known)
    if not projects:
        chosen = packages
        declared = None
    else:
        declared = tuple(
            Declared(canonicalize_name(d["name"]), frozenset(d.get("extra", ())), _dep_text(d, p))
            for p in projects
            for d in _project_deps(p, groups)
            if holds(d.get("marker"), env)
        )
        chosen = _uv_walk(projects, by_name, env, groups)
    project_ids = {id(p) for p in projects}
    dists = tuple(_uv_dist(p) for p in chosen if id(p) not in project_ids)
    return LockFile(path, "uv.lock", dists, declared)


def _dep_text(dep: Table, project: Table) -> str:
    """The requirement as the project declares it: with its specifier from the lock's copy
    of the project metadata (``requires-dist``, ``requires-dev``) when it is there."""
    extras = dep.get("extra", [])
    specifier = ""
    metadata = project.get("metadata", {})
    declared = list(metadata.get("requires-dist", []))
    for group in metadata.get("requires-dev", {}).values():
        declared += group
    for entry in declared:
        if canonicalize_name(entry.get("name", "")) == canonicalize_name(dep["name"]):
            specifier = str(entry.get("specifier", ""))
            break
    text = dep["name"] + (f"[{','.join(extras)}]" if extras else "") + specifier
    return str(text) + (f"; {dep['marker']}" if dep.get("marker") else "")


def _project_deps(project: Table, groups: frozenset[str]) -> list[Table]:
    """A project's dependencies and those of the dependency groups asked for."""
    found = list(project.get("dependencies", []))
    for group in sorted(groups):
        found += project.get("dev-dependencies", {}).get(group, [])
    return found


def _uv_walk(
    projects: list[Table],
    by_name: Mapping[str, list[Table]],
    env: Mapping[str, str],
    groups: frozenset[str],
) -> list[Table]:
    """Packages reached from the projects through dependencies whose markers hold."""
    project_ids = {id(p) for p in projects}
    seen: dict[tuple[int, str], None] = {}
    chosen: dict[int, Table] = {}
    stack: list[tuple[Table, str]] = [(p, "") for p in projects]
    while stack:
        package, extra = stack.pop()
        key = (id(package), extra)
        if key in seen:
            continue
        seen[key] = None
        chosen[id(package)] = package
        if extra:
            deps = package.get("optional-dependencies", {}).get(extra, [])
        elif id(package) in project_ids:
            deps = _project_deps(package, groups)
        else:
            deps = package.get("dependencies", [])
        for dep in deps:
            if not holds(dep.get("marker"), env):
                continue
            target = _uv_target(dep, by_name)
            if target is not None:
                stack.append((target, ""))
                stack.extend((target, e) for e in dep.get("extra", []))
    return list(chosen.values())


def _uv_target(dep: Table, by_name: Mapping[str, list[Table]]) -> Table | None:
    candidates = by_name.get(canonicalize_name(dep["name"]), [])
    if "version" in dep:
        candidates = [c for c in candidates if c.get("version") == dep["version"]] or candidates
    return candidates[0] if candidates else None


def _uv_dist(package: Table) -> LockedDist:
    files = [
        WheelRef(
            _filename(str(w.get("url") or w.get("path") or w.get("filename", ""))),
            w.get("url") or w.get("path"),
            _sha256(w.get("hash")),
        )
        for w in package.get("wheels", [])
    ]
    sdist = package.get("sdist")
    if isinstance(sdist, dict):
        where = sdist.get("url") or sdist.get("path") or ""
        files.append(WheelRef(_filename(str(where)), where or None, _sha256(sdist.get("hash"))))
    source = package.get("source", {})
    index = source.get("registry") if isinstance(source, dict) else None
    built = next((k for k in ("git", "directory", "path") if k in source and not files), None)
    return LockedDist(
        canonicalize_name(package["name"]),
        str(package.get("version", "")),
        tuple(files),
        index=index if isinstance(index, str) and "://" in index else None,
        built_from=built,
    )


# --- poetry.lock ---------------------------------------------------------------------------


def read_poetry_lock(
    path: Path, env: Mapping[str, str], groups: frozenset[str] = frozenset()
) -> LockFile:
    data = read_toml(path)
    metadata = data.get("metadata", {})
    _version_check(path, metadata.get("lock-version"), (1, 2), "lock-version")
    packages = data.get("package", [])
    known = {g for p in packages if isinstance(p, dict) for g in p.get("groups", [])}
    _check_groups(path, groups, known - {"main"})
    dists = []
    for package in packages:
        if not isinstance(package, dict) or "name" not in package:
            raise InputError("a [[package]] entry without a name", path)
        if not _poetry_wanted(package, env, {"main"} | groups):
            continue
        source = package.get("source", {})
        dists.append(
            LockedDist(
                canonicalize_name(package["name"]),
                str(package.get("version", "")),
                tuple(
                    WheelRef(f["file"], None, _sha256(f.get("hash")))
                    for f in package.get("files", [])
                    if isinstance(f, dict) and "file" in f
                ),
                index=source.get("url") if source.get("type") == "legacy" else None,
            )
        )
    return LockFile(path, "poetry.lock", tuple(dists), _poetry_declared(path.parent))


def _poetry_wanted(package: Table, env: Mapping[str, str], wanted: set[str]) -> bool:
    """In a wanted group (``groups`` of lock 2.1, ``category`` of older locks) whose marker
    (one per group in lock 2.1) holds."""
    groups = package.get("groups")
    if groups is None:
        groups = ["main" if package.get("category", "main") == "main" else "dev"]
    markers = package.get("markers")
    for group in set(groups) & wanted:
        marker = markers.get(group) if isinstance(markers, dict) else markers
        if holds(marker if isinstance(marker, str) else None, env):
            return True
    return False


def _poetry_declared(folder: Path) -> tuple[Declared, ...] | None:
    """The main requirements of the ``pyproject.toml`` beside the lock, if there is one."""
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return None
    try:
        data = read_toml(pyproject)
    except InputError:
        return None  # the lock alone still plans; roots are then what nothing requires
    out: list[Declared] = []
    for text in data.get("project", {}).get("dependencies", []):
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        out.append(Declared(canonicalize_name(req.name), frozenset(req.extras), text))
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    for name, spec in poetry.items():
        if name.lower() == "python" or canonicalize_name(name) in {d.name for d in out}:
            continue
        extras = spec.get("extras", []) if isinstance(spec, dict) else []
        out.append(Declared(canonicalize_name(name), frozenset(extras), f"{name} {spec}"))
    return tuple(out)
