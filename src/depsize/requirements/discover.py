"""Find where a project declares its requirements and read them all.

Auto-detection looks in the project folder for ``requirements*.txt``, ``*-requirements.txt``,
``requirements/*.txt``, ``pyproject.toml``, ``setup.cfg`` and ``Pipfile``. Requirements files
whose name mentions constraints are left to the ``-c`` lines that name them. Files given explicitly
replace auto-detection. A file included by another (``-r``/``-c``) is read once. A generated lock
(:mod:`~depsize.requirements.locks`) whose source is present is read for its versions, and its
source is read as the declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from depsize.requirements.model import MAIN_GROUP, DeclaredSet, FormatResult
from depsize.requirements.paths import real_path
from depsize.requirements.pipfile import read_pipfile
from depsize.requirements.pyproject import read_pyproject
from depsize.requirements.setup_cfg import read_setup_cfg
from depsize.requirements.tomlfile import read_project_name
from depsize.requirements.txt import RequirementsReader, group_for_file

_MANIFESTS: dict[str, Callable[[Path], FormatResult]] = {
    "pyproject.toml": read_pyproject,
    "setup.cfg": read_setup_cfg,
    "Pipfile": read_pipfile,
}


def find_sources(project: Path) -> list[Path]:
    """The files auto-detection reads in ``project``, main requirements files first."""
    candidates = [
        *sorted(project.glob("requirements*.txt")),
        *sorted(project.glob("*-requirements.txt")),
        *sorted(project.glob("*_requirements.txt")),
        *sorted((project / "requirements").glob("*.txt")),
    ]
    texts = [p for p in dict.fromkeys(candidates) if p.is_file() and "constraint" not in p.name]
    texts.sort(key=lambda p: group_for_file(p, None) != MAIN_GROUP)
    manifests = [project / name for name in _MANIFESTS if (project / name).is_file()]
    return [*texts, *manifests]


def load_declared(
    project: Path,
    files: Sequence[Path] = (),
    *,
    environ: Mapping[str, str] | None = None,
    allow_outside: Sequence[Path] = (),
) -> DeclaredSet:
    """Every requirement the project declares, from ``files`` or auto-detected sources.

    Raises :class:`~depsize.errors.InputError` for a missing or unreadable file, a missing include
    or invalid TOML, and :class:`~depsize.errors.IncludeCycleError` for an include cycle.
    ``environ`` is used for ``${VAR}`` expansion (``os.environ`` by default). Includes are
    followed inside ``project`` and the ``allow_outside`` folders only.
    """
    reader = RequirementsReader(environ, project, allow_outside)
    results: list[FormatResult] = []
    manifests: list[Path] = []
    for path in files or find_sources(project):
        if path.name in _MANIFESTS:
            manifests.append(path)
        elif not reader.has_read(path):
            reader.read(path)
    read: set[Path] = set()
    for path in [*manifests, *reader.manifests]:
        key = real_path(path) or path
        if key not in read:
            read.add(key)
            results.append(_MANIFESTS[path.name](path))
    requirements = list(reader.requirements)
    sources = list(reader.sources)
    warnings = list(reader.warnings)
    for result in results:
        requirements.extend(result.requirements)
        sources.append(result.source)
        warnings.extend(result.warnings)
    return DeclaredSet(
        requirements=tuple(requirements),
        constraints=tuple(reader.constraints),
        sources=tuple(sources),
        warnings=tuple(warnings),
        requirements_files=tuple(reader.files),
        group_includes=tuple(edge for r in results for edge in r.group_includes),
        locked=tuple(reader.locked),
        locks=tuple(reader.locks),
        project_name=_project_name(project),
    )


def _project_name(project: Path) -> NormalizedName | None:
    name = read_project_name(project)
    return canonicalize_name(name) if name else None
