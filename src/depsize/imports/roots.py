"""Where the project's own code lives: the folders its build backend puts on the import path.

``src/`` and flat layouts need no configuration. Others are read from the backend's settings:
setuptools ``package-dir`` / ``packages.find.where`` (``pyproject.toml``, ``setup.cfg``, and a
literal ``package_dir={"": "lib"}`` in ``setup.py``, read as text, never run), hatch
``packages`` / ``sources``, poetry ``packages = [{include, from}]``, pdm ``package-dir``. Each
root is a folder whose children are importable top-level names (``app-src/`` for
``app-src/app/``).
"""

from __future__ import annotations

import configparser
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from depsize import safeio
from depsize.imports.repo import read_text
from depsize.models import ScanWarning
from depsize.safeio import UnreadableFileError

_SETUP_PY_DIR = re.compile(r"""package_dir\s*=\s*\{\s*['"]{2}\s*:\s*['"]([^'"]+)['"]""")
_SETUP_PY_WHERE = re.compile(
    r"""find(?:_namespace)?_packages\(\s*(?:where\s*=\s*)?['"]([^'"]+)['"]"""
)


def source_roots(project: Path, warnings: list[ScanWarning]) -> tuple[Path, ...]:
    """Folders (absolute, existing, inside ``project``) whose children are top-level modules.

    ``src/`` comes first when it exists; the project folder itself is always a root too (flat
    layouts, scripts beside the package) and is not listed.
    """
    found: list[Path] = []
    src = project / "src"
    if src.is_dir():
        found.append(src)
    for rel in _configured(project, warnings):
        folder = (project / rel).resolve() if rel not in ("", ".") else project
        if folder == project or not folder.is_dir() or not folder.is_relative_to(project):
            continue
        if folder not in found:
            found.append(folder)
    return tuple(found)


def _configured(project: Path, warnings: list[ScanWarning]) -> Iterator[str]:
    data = _pyproject(project / "pyproject.toml", warnings)
    tool: dict[str, Any] = _table(data.get("tool"))
    yield from _setuptools(_table(tool.get("setuptools")))
    yield from _hatch(_table(tool.get("hatch")))
    yield from _poetry(_table(tool.get("poetry")))
    pdm_build = _table(_table(tool.get("pdm")).get("build"))
    if isinstance(pdm_build.get("package-dir"), str):
        yield pdm_build["package-dir"]
    yield from _setup_cfg(project / "setup.cfg", warnings)
    yield from _setup_py(project / "setup.py")


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pyproject(path: Path, warnings: list[ScanWarning]) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib  # lazy: only projects with a pyproject.toml need it
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # lazy: same
    try:
        return tomllib.loads(safeio.read_text(path, errors="strict"))
    except UnreadableFileError as exc:
        if not exc.missing:
            warnings.append(ScanWarning(f"cannot read for package folders: {exc.reason}", path))
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
        warnings.append(ScanWarning(f"cannot read for package folders: {reason}", path))
    return {}


def _setuptools(table: dict[str, Any]) -> Iterator[str]:
    package_dir = _table(table.get("package-dir"))
    for name, folder in package_dir.items():
        if isinstance(folder, str):
            # {"" = "lib"}: lib is a root; {"pkg" = "lib/pkg"}: lib/pkg's parent is
            yield folder if name == "" else _parent_for(folder, name)
    packages = table.get("packages")
    find = _table(packages.get("find")) if isinstance(packages, dict) else {}
    where = find.get("where")
    if isinstance(where, list):
        yield from (w for w in where if isinstance(w, str))


def _parent_for(folder: str, package: str) -> str:
    """The root from which ``package`` (dotted) is found at ``folder``."""
    parts = folder.rstrip("/").split("/")
    depth = package.count(".") + 1
    if parts[-depth:] == package.split("."):
        return "/".join(parts[:-depth])
    return ""  # a renamed package folder: the name does not follow the path, nothing to add


def _hatch(table: dict[str, Any]) -> Iterator[str]:
    targets = _table(_table(table.get("build")).get("targets"))
    for target in (_table(table.get("build")), _table(targets.get("wheel"))):
        for package in (
            target.get("packages", ()) if isinstance(target.get("packages"), list) else ()
        ):
            if isinstance(package, str) and "/" in package.rstrip("/"):
                yield package.rstrip("/").rsplit("/", 1)[0]
        sources = target.get("sources")
        if isinstance(sources, list):
            yield from (s for s in sources if isinstance(s, str))
        elif isinstance(sources, dict):
            yield from (s for s, prefix in sources.items() if isinstance(s, str) and not prefix)


def _poetry(table: dict[str, Any]) -> Iterator[str]:
    packages = table.get("packages")
    if not isinstance(packages, list):
        return
    for package in packages:
        if isinstance(package, dict) and isinstance(package.get("from"), str):
            yield package["from"]


def _setup_cfg(path: Path, warnings: list[ScanWarning]) -> Iterator[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(safeio.read_text(path, errors="strict"))
    except UnreadableFileError as exc:
        if not exc.missing:
            warnings.append(ScanWarning(f"cannot read for package folders: {exc.reason}", path))
        return
    except configparser.Error as exc:
        warnings.append(ScanWarning(f"cannot read for package folders: {exc}", path))
        return
    package_dir = parser.get("options", "package_dir", fallback="")
    for line in package_dir.splitlines():
        name, sep, folder = line.partition("=")
        if sep and not name.strip():
            yield folder.strip()
    where = parser.get("options.packages.find", "where", fallback="")
    yield from (w.strip() for w in where.splitlines() if w.strip())


def _setup_py(path: Path) -> Iterator[str]:
    if not path.is_file():
        return
    text = read_text(path)
    if text is None:
        return
    for pattern in (_SETUP_PY_DIR, _SETUP_PY_WHERE):
        yield from (m[1] for m in pattern.finditer(text))
