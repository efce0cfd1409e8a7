"""Value objects of the import-analysis stage.

Two layers: :class:`RawImport` / :class:`FileScan` are what one file says on its own (plain data,
cacheable, relative imports not yet resolved); :class:`ImportSite` and :class:`ProjectImports` are
the project-level results after resolving relatives and computing reachability.
"""

from __future__ import annotations

import contextlib
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from depsize.imports.strings import Spelled
from depsize.models import ScanWarning
from depsize.records import dataclass

if TYPE_CHECKING:
    from depsize.imports.commands import Command
    from depsize.imports.devtools import ToolConfig
    from depsize.imports.repo import ConfigEntry
    from depsize.imports.toolplugins import Named

ImportKind = Literal["runtime", "conditional", "type-checking", "dynamic"]
Scope = Literal["live", "dead", "test", "unknown"]
"""``unknown``: no entry point reaches it, but code loads modules in a way depsize could not
resolve (an open module graph), so it may run."""
IMPORT_KINDS: tuple[ImportKind, ...] = ("runtime", "conditional", "type-checking", "dynamic")


@dataclass(frozen=True)
class RawImport:
    """One import statement (or dynamic import call) as written in one file."""

    module: str
    """Dotted module after ``from`` / ``import``; empty for ``from . import x``."""
    level: int
    """Number of leading dots of a relative import; 0 when absolute."""
    names: tuple[str, ...]
    """Names of a ``from`` import (``*`` included); empty for ``import a.b``."""
    line: int
    kind: ImportKind
    lazy: bool


@dataclass(frozen=True)
class UrlLiteral:
    """A string literal that names a database or broker URL scheme (``postgresql+psycopg2://``)."""

    scheme: str
    line: int


@dataclass(frozen=True)
class OpenLoad:
    """A dynamic import of a computed module: ``import_module(name)``, ``__import__(f"p.{x}")``.

    ``prefix`` is the literal dotted start of the name when the code gives one (``"p."``), else
    empty: then any module could be loaded there, unless the file's own string literals (a loader
    table) say which.
    """

    line: int
    prefix: str
    kind: ImportKind
    lazy: bool
    call: str
    """How it is written, shortened: ``import_module(name)``."""
    suffix: str = ""
    """The literal end of the name (``f"{ext}.migrations"`` → ``".migrations"``), if any."""
    setting: str = ""
    """The setting that holds the name (``import_module(settings.SESSION_ENGINE)``), if any."""
    by_name: bool = True
    """False for ``exec(code)``: it runs code rather than loading a module by name."""


@dataclass(frozen=True)
class FileScan:
    """Everything one source file says, independent of where the project root is."""

    imports: tuple[RawImport, ...] = ()
    main_guard: bool = False
    urls: tuple[UrlLiteral, ...] = ()
    spelled: Spelled = field(default_factory=Spelled)
    """Names spelled as strings (:mod:`.strings`): edges and configuration by string."""
    open_loads: tuple[OpenLoad, ...] = ()
    table: tuple[tuple[str, int], ...] = ()
    """Where ``open_loads`` has no literal prefix: every string literal of the file whose text
    may name a module (a loader table the computed name may come from), with its line
    (:func:`depsize.imports.literals.name_literals`)."""
    error: str | None = None
    error_line: int | None = None
    lenient: bool = False
    """The running interpreter's parser rejected the file (``error``), but its import statements
    were read: newer syntax (PEP 758 ``except A, B:``) keeps its imports."""


@dataclass(frozen=True)
class ImportSite:
    """One place the project imports a module, resolved to an absolute dotted name."""

    module: str
    file: Path
    line: int
    kind: ImportKind
    lazy: bool
    scope: Scope = "live"
    names: tuple[str, ...] = ()
    """Names imported by ``from module import ...`` (used to find submodules)."""
    first_party: bool = False
    guess: bool = False
    """Read from a loader table (a string a computed import may load): proof of use for a
    declared requirement, never a reason to call a module undeclared."""

    def candidates(self) -> tuple[str, ...]:
        """Dotted names this site may load, most specific first."""
        subs = tuple(f"{self.module}.{n}" for n in self.names if n != "*" and self.module)
        return (*subs, self.module) if self.module else subs


@dataclass(frozen=True)
class EntryPointFound:
    """A way the project is started: a module or script, and how it was found."""

    module: str
    how: str
    """``__main__.py``, ``main.py``, ``Procfile:3``, ``pyproject [project.scripts] app``, ..."""
    file: Path | None = None
    line: int | None = None


@dataclass(frozen=True)
class TypeCheckerUse:
    """Where the project configures or runs a type checker (``[tool.mypy]``, ``pyright src``)."""

    file: Path
    line: int
    text: str


@dataclass(frozen=True)
class OpenSite:
    """Where the project loads code in a way depsize could not resolve."""

    file: Path
    line: int
    what: str
    """``import_module(name) with a computed name``."""
    suffix: str = ""
    """Only modules whose name ends so can be loaded there (``.migrations``); empty: any."""
    by_name: bool = True
    """Whether it loads a module by name (``import_module``); ``exec`` runs code instead."""

    def may_load(self, module: str) -> bool:
        """Whether a module of this dotted name can be loaded at this site."""
        return module.endswith(self.suffix) if self.suffix else True

    def describe(self, root: Path | None = None) -> str:
        path = self.file
        if root is not None:
            with contextlib.suppress(ValueError):
                path = self.file.relative_to(root)
        return f"{path.as_posix()}:{self.line}: {self.what}"


NameKind = Literal["dotted", "word", "driver", "url"]


@dataclass(frozen=True)
class NameSaid:
    """A string of the project's code or configuration that may name another distribution's
    module or a database driver: what the project says, not yet looked up in any env."""

    kind: NameKind
    """``dotted`` (``"corsheaders.middleware.CorsMiddleware"``), ``word`` (an entry of a
    setting that loads apps or plugins: ``INSTALLED_APPS``), ``driver`` (``postgresql+psycopg``)
    or ``url`` (``postgres://`` in a literal)."""
    value: str
    file: Path
    line: int


@dataclass(frozen=True)
class ProjectSays:
    """Everything the project says besides its imports, in its own terms: no distribution of any
    env is named here (:mod:`depsize.join` looks them up)."""

    folders: tuple[Path, ...] = ()
    """The project folder, then each folder above it up to the repository root."""
    commands: tuple[Command, ...] = ()
    """Every command of the command files of ``folders`` (Procfile, Dockerfile, CI...)."""
    tools: tuple[ToolConfig, ...] = ()
    """Tools the configuration names (``[tool.ruff]``, ``mypy.ini``, pre-commit hooks)."""
    config_entries: tuple[ConfigEntry, ...] = ()
    """``key = value`` entries of the configuration files of ``folders``."""
    docs: tuple[tuple[str, Named], ...] = ()
    """``(tool, name)`` for what the mkdocs and Sphinx configurations name."""
    type_checker: TypeCheckerUse | None = None
    test_files: tuple[Path, ...] = ()
    """The project's test modules (``tests/``, ``test_*.py``, ``conftest.py``)."""
    names: tuple[NameSaid, ...] = ()
    """Strings that may name a module of another distribution or a database driver; the
    project's own modules and the target's stdlib are left out."""


@dataclass(frozen=True)
class ProjectImports:
    """The whole import analysis of one project."""

    root: Path
    files: tuple[Path, ...]
    sites: tuple[ImportSite, ...]
    first_party: frozenset[str]
    entries: tuple[EntryPointFound, ...]
    entry_found: bool
    """False when no entry point was found: every module then counts as live."""
    says: ProjectSays = field(default_factory=ProjectSays)
    """What else the project says: commands, tool configuration, names in strings."""
    dead_modules: tuple[str, ...] = ()
    lenient_files: tuple[Path, ...] = ()
    """Files the running parser rejected whose import statements were still read."""
    open_loading: tuple[OpenSite, ...] = ()
    """Dynamic loading that could not be resolved: the module graph is open there, so absence
    of imports is weaker evidence (removable verdicts become ``likely``)."""
    warnings: tuple[ScanWarning, ...] = ()
    cache_hits: int = 0

    def third_party_sites(self) -> tuple[ImportSite, ...]:
        return tuple(s for s in self.sites if not s.first_party)
