"""Value objects for declared requirements, and pure helpers over them.

A :class:`DeclaredRequirement` is one requirement as a project declares it: in a requirements file,
``pyproject.toml``, ``setup.cfg`` or a ``Pipfile``. It keeps where it was declared (file, first and
last line, raw text) and its group, so later stages can judge it and ``trim`` can remove it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Literal

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.utils import NormalizedName

from depsize.models import ScanWarning
from depsize.records import dataclass
from depsize.requirements.roundtrip import RequirementsFile

GroupKind = Literal["main", "extra", "group"]
SourceFormat = Literal["requirements", "constraints", "pyproject.toml", "setup.cfg", "Pipfile"]

MAIN_GROUP = "main"

DEV_GROUPS: frozenset[str] = frozenset(
    {
        "dev",
        "devel",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "docs",
        "doc",
        "documentation",
        "lint",
        "linting",
        "linters",
        "typing",
        "type",
        "types",
        "mypy",
        "style",
        "format",
        "fmt",
        "ci",
        "qa",
        "check",
        "checks",
        "coverage",
        "bench",
        "benchmark",
        "benchmarks",
        "tox",
        "pre-commit",
    }
)
"""Group names meaning "not needed at run time" (compared case-insensitively, ``-``/``_`` alike)."""

DEV_TOOLS: frozenset[str] = frozenset(
    {
        "pytest",
        "coverage",
        "tox",
        "nox",
        "hypothesis",
        "mock",
        "responses",
        "respx",
        "freezegun",
        "time-machine",
        "factory-boy",
        "faker",
        "model-bakery",
        "pyfakefs",
        "requests-mock",
        "moto",
        "syrupy",
        "testcontainers",
        "ruff",
        "black",
        "isort",
        "flake8",
        "pylint",
        "mypy",
        "pyright",
        "pre-commit",
        "prek",
        "bandit",
        "pip-audit",
        "safety",
        "codespell",
        "pyupgrade",
        "autopep8",
        "yapf",
        "djlint",
        "vulture",
        "deptry",
        "ipdb",
        "ipython",
        "pdbpp",
        "debugpy",
        "ptpython",
        "bpython",
        "django-debug-toolbar",
        "django-extensions",
        "django-coverage-plugin",
        "pip-tools",
        "twine",
        "commitizen",
        "towncrier",
        "bump2version",
        "bump-my-version",
        "sphinx",
        "mkdocs",
    }
)
"""Distributions that are development tools: test runners and their helpers, linters,
formatters, type checkers, debuggers, documentation builders."""
_DEV_TOOL_PREFIXES = ("pytest-", "flake8-", "pylint-", "types-", "mypy-", "sphinx-", "mkdocs")
_DEV_TOOL_SUFFIXES = ("-stubs",)

_SEPARATORS = re.compile(r"[-_.]+")


def is_dev_group(group: str) -> bool:
    """Whether ``group`` names a development-only group (see :data:`DEV_GROUPS`)."""
    normal = _SEPARATORS.sub("-", group.strip().lower())
    return normal in DEV_GROUPS or normal.replace("-", "") in DEV_GROUPS


def is_dev_tool(name: NormalizedName) -> bool:
    """Whether the distribution ``name`` is a development tool (see :data:`DEV_TOOLS`)."""
    return (
        name in DEV_TOOLS
        or name.startswith(_DEV_TOOL_PREFIXES)
        or name.endswith(_DEV_TOOL_SUFFIXES)
    )


def group_from_filename(path: Path) -> str | None:
    """The dev group a requirements file's name gives, if any.

    ``requirements-dev.txt``, ``dev-requirements.txt``, ``requirements/test.txt`` and
    ``requirements_docs.txt`` give ``dev``, ``test`` and ``docs``; other names give ``None``.
    """
    words = [w for w in _SEPARATORS.split(path.stem.lower()) if w and w != "requirements"]
    for word in words:
        if is_dev_group(word):
            return word
    return None


@dataclass(frozen=True)
class DeclaredRequirement:
    """One requirement as declared, with its source location and group."""

    name: NormalizedName
    display_name: str
    extras: frozenset[str]
    """Extra names, normalised like distribution names (PEP 685)."""
    specifier: str
    """``str(SpecifierSet)``; empty when the requirement pins no version."""
    marker: str | None
    url: str | None
    editable: bool
    local_path: str | None
    source: Path
    line: int
    """1-based line where the requirement starts."""
    end_line: int
    """1-based last physical line of the requirement (continuations, multi-line tables)."""
    raw: str
    """The text as written: the logical line of a requirements file, the TOML item, ..."""
    group: str = MAIN_GROUP
    group_kind: GroupKind = "main"
    hashes: tuple[str, ...] = ()
    options: tuple[tuple[str, str | None], ...] = ()
    """Per-line options other than ``--hash`` as (long option name, value)."""
    span: tuple[int, int] | None = None
    """Character offsets [start, end) of :attr:`raw` in the decoded source text, when known."""

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}"

    @property
    def is_dev(self) -> bool:
        return is_dev_group(self.group)

    def is_applicable(self, marker_env: Mapping[str, str]) -> bool:
        return is_applicable(self, marker_env)


def is_applicable(req: DeclaredRequirement, marker_env: Mapping[str, str]) -> bool:
    """Whether ``req`` applies to the target environment ``marker_env``.

    A marker that is false there makes the requirement not applicable. Markers mentioning ``extra``
    are evaluated with ``extra == ""``; a marker that cannot be evaluated counts as applicable.
    """
    if not req.marker:
        return True
    env = dict(marker_env)
    env["extra"] = ""
    try:
        return Marker(req.marker).evaluate(env)
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
        return True


@dataclass(frozen=True)
class SourceFile:
    """A file that was read, in what format, and the sha256 of its bytes when read."""

    path: Path
    format: SourceFormat
    sha256: str
    included_from: tuple[Path, int] | None = None
    group_reason: str | None = None
    """For a requirements file of a dev group: the rule that decided it (its name, what it
    includes and adds, or the file that includes it)."""


@dataclass(frozen=True)
class LockFile:
    """A requirements file generated by a locking tool: how the env is installed, not what the
    project declares."""

    path: Path
    reason: str
    """What says it is a lock: ``header: uv export``, ``every requirement is pinned with ==
    and --hash``."""
    generated_from: tuple[Path, ...] = ()
    """The sources it was generated from that are present; they are judged instead of it.
    Empty when none is present: then the lock itself is judged as declared."""
    note: str | None = None
    """Why no source was used, when ``generated_from`` is empty."""


@dataclass(frozen=True)
class FormatResult:
    """What one manifest (pyproject.toml, setup.cfg, Pipfile) declares."""

    source: SourceFile
    requirements: tuple[DeclaredRequirement, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()
    group_includes: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class DeclaredSet:
    """Everything a project declares, in reading order."""

    requirements: tuple[DeclaredRequirement, ...] = ()
    constraints: tuple[DeclaredRequirement, ...] = ()
    """Entries of ``-c`` files: they limit versions but are not requirements."""
    sources: tuple[SourceFile, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()
    requirements_files: tuple[RequirementsFile, ...] = ()
    """Requirements and constraints files as read, byte for byte, for ``trim``."""
    group_includes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """PEP 735 ``include-group`` edges: (group, groups it includes)."""
    locked: tuple[DeclaredRequirement, ...] = ()
    """Entries of lock files whose source is present: versions, not declarations."""
    locks: tuple[LockFile, ...] = ()
    """Every requirements file taken as a lock, and what was judged instead."""
    project_name: NormalizedName | None = None
    """The project's own name (pyproject.toml, setup.cfg): ``-e .`` and ``app[extra]`` in
    another extra name the project itself, not a dependency."""

    @property
    def self_references(self) -> tuple[DeclaredRequirement, ...]:
        """Declarations of the project itself; never judged."""
        return tuple(r for r in self.requirements if r.name == self.project_name)

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.group for r in self.requirements))

    def in_groups(self, groups: frozenset[str]) -> tuple[DeclaredRequirement, ...]:
        """Requirements of ``groups`` and of the dependency groups they include."""
        wanted = set(groups)
        edges = dict(self.group_includes)
        pending = list(wanted)
        while pending:
            for included in edges.get(pending.pop(), ()):
                if included not in wanted:
                    wanted.add(included)
                    pending.append(included)
        return tuple(r for r in self.requirements if r.group in wanted)

    def is_lock(self, path: Path) -> bool:
        """Whether ``path`` is a lock whose entries are versions, not declarations."""
        return any(lock.path == path and lock.generated_from for lock in self.locks)

    def judged(
        self, groups: frozenset[str], installed: Collection[NormalizedName]
    ) -> tuple[DeclaredRequirement, ...]:
        """The requirements to judge: those of ``groups`` (and the groups they include) when
        given; else the main group, every dev group, and each requirement of an extra or other
        dependency group whose distribution is ``installed``. The project itself is never
        judged."""
        chosen = self.in_groups(groups) if groups else self.requirements
        return tuple(
            r
            for r in chosen
            if r.name != self.project_name
            and (groups or r.group == MAIN_GROUP or is_dev_group(r.group) or r.name in installed)
        )

    def requirements_file(self, path: Path) -> RequirementsFile | None:
        for rfile in self.requirements_files:
            if rfile.path == path:
                return rfile
        return None
