"""Report documents from a real analysis of a project and a site-packages built in a folder.

:func:`webapp` writes a small web service (an app importing fastapi, torch and requests, a
module no entry point reaches importing pandas, a test importing pytest, a Procfile running
uvicorn) and a venv-shaped env whose distributions have exact byte counts, then runs the whole
pipeline on them. Expected figures in tests come from :class:`~support.site_packages.BuiltEnv`
(bytes as written) and from :data:`WEBAPP_REQUIRES` (the edges as written).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from depsize.analyze import analyze
from depsize.config import Flags, resolve_settings
from depsize.report.document import ReportDocument, from_analysis
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

KB = 1000

# name: (bytes of its module file, Requires-Dist)
WEBAPP_DISTS: dict[str, tuple[int, tuple[str, ...]]] = {
    "fastapi": (12 * KB, ("starlette", "pydantic")),
    "starlette": (6 * KB, ("anyio",)),
    "pydantic": (20 * KB, ("pydantic-core",)),
    "pydantic-core": (50 * KB, ()),
    "anyio": (5 * KB, ("idna", "sniffio")),
    "sniffio": (1 * KB, ()),
    "idna": (3 * KB, ()),
    "uvicorn": (3 * KB, ("click", "h11")),
    "click": (4 * KB, ()),
    "h11": (2 * KB, ()),
    "torch": (700 * KB, ("nvidia-cudnn-cu12", "sympy", "filelock")),
    "nvidia-cudnn-cu12": (900 * KB, ()),
    "sympy": (70 * KB, ("mpmath",)),
    "mpmath": (5 * KB, ()),
    "filelock": (1 * KB, ()),
    "pandas": (60 * KB, ("numpy",)),
    "numpy": (35 * KB, ()),
    "colorama": (1 * KB, ()),
    "requests": (3 * KB, ("idna", "urllib3", "certifi")),
    "urllib3": (5 * KB, ()),
    "certifi": (3 * KB, ()),
    "pytest": (30 * KB, ("pluggy",)),
    "pluggy": (1 * KB, ()),
    "pyyaml": (7 * KB, ()),
    "wheel": (2 * KB, ()),
}
IMPORT_NAMES = {"pyyaml": "yaml", "pydantic-core": "pydantic_core", "nvidia-cudnn-cu12": "nvidia"}
REQUIREMENTS_TXT = "fastapi\nuvicorn\ntorch\npandas\ncolorama\nrequests\nflask\n"
REQUIREMENTS_DEV_TXT = "-r requirements.txt\npytest\n"
APP = "import fastapi\nimport requests\nimport torch\nimport yaml\n"


@dataclass(frozen=True)
class Built:
    """A project, its env, and the report of a real analysis of both."""

    project: Path
    env: BuiltEnv
    document: ReportDocument

    def own(self, name: str) -> int:
        return self.env.own(name)

    def closure(self, name: str) -> int:
        return sum(self.own(d) for d in reach(WEBAPP_DISTS, [name]))


def reach(dists: Mapping[str, tuple[int, tuple[str, ...]]], names: Iterable[str]) -> set[str]:
    """What *names* pull in, themselves included, following the edges as written."""
    seen: set[str] = set()
    todo = [n for n in names if n in dists]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(dists[name][1])
    return seen


def spec(
    name: str, size: int, requires: tuple[str, ...], *, extras: tuple[str, ...] = ()
) -> DistSpec:
    module = IMPORT_NAMES.get(name, name.replace("-", "_"))
    files = {f"{module}/__init__.py": size}
    return DistSpec(name, requires=requires, extras=extras, files=files)


def write_project(project: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    return project


def analyze_project(project: Path, env: BuiltEnv) -> ReportDocument:
    """The report of the whole pipeline on *project* and *env* (no caches)."""
    settings = resolve_settings(Flags(project=project, env_dir=env.prefix, use_cache=False), {})
    return from_analysis(analyze(settings))


def webapp(root: Path, dists: Mapping[str, tuple[int, tuple[str, ...]]] | None = None) -> Built:
    """The web service of this module's docstring, analysed; *dists* replaces the env."""
    root.mkdir(parents=True, exist_ok=True)
    specs = [spec(n, size, req) for n, (size, req) in (dists or WEBAPP_DISTS).items()]
    specs = [
        DistSpec(
            s.name,
            requires=s.requires,
            files=s.files,
            entry_points="[console_scripts]\nuvicorn = uvicorn.main:main\n",
        )
        if s.name == "uvicorn"
        else s
        for s in specs
    ]
    env = make_site_packages(root, specs)
    project = write_project(
        root / "webapp",
        {
            "requirements.txt": REQUIREMENTS_TXT,
            "requirements-dev.txt": REQUIREMENTS_DEV_TXT,
            "app.py": APP,
            "legacy.py": "import pandas\n",
            "Procfile": "web: uvicorn app:app\n",
            "tests/test_app.py": "import pytest\n",
        },
    )
    return Built(project, env, analyze_project(project, env))
