"""What the join of the project's facts with the environment finds: each a distribution of the
environment used without an import, with the project file and line that proves it."""

from __future__ import annotations

from pathlib import Path

from packaging.utils import NormalizedName

from depsize.imports.model import ImportSite, TypeCheckerUse
from depsize.records import dataclass


@dataclass(frozen=True)
class CommandUse:
    """A distribution's console script run by a project file (``uvicorn app:app`` in a Procfile)."""

    dist: NormalizedName
    command: str
    file: Path
    line: int
    text: str
    run: bool = True
    """False for a tool the project only configures (``[coverage:run]``): nothing here runs it."""


@dataclass(frozen=True)
class PluginUse:
    """A distribution used without an import: a plugin group or a URL scheme names it."""

    dist: NormalizedName
    reason: str
    """``entry-point group pytest11 (consumed by pytest)`` or ``URL scheme postgresql+psycopg2``."""
    file: Path | None = None
    line: int | None = None


@dataclass(frozen=True)
class ConfiguredUse:
    """A string naming a distribution's module, or a database driver, and where it stands."""

    dist: NormalizedName
    text: str
    """``names corsheaders.middleware.CorsMiddleware`` or ``URL scheme postgres://``."""
    file: Path
    line: int


@dataclass(frozen=True)
class StubUse:
    """A stub-only distribution (``types-requests``): what it types and who imports that."""

    dist: NormalizedName
    typed: tuple[str, ...]
    """The modules its files type (``requests-stubs/`` → ``requests``)."""
    sites: tuple[ImportSite, ...]
    """The project's imports of those modules (any scope); empty when nothing imports them."""
    checker: TypeCheckerUse | None


@dataclass(frozen=True)
class EnvUses:
    """Every use without an import the join found (:func:`depsize.join.join_env`)."""

    commands: tuple[CommandUse, ...] = ()
    plugins: tuple[PluginUse, ...] = ()
    configured: tuple[ConfiguredUse, ...] = ()
    unproven_plugins: tuple[PluginUse, ...] = ()
    """Plugins of a used distribution whose use depsize cannot check (an SQLAlchemy dialect, a
    pygments lexer): not proof of use, but an absence of imports is weaker evidence for them."""
    stubs: tuple[StubUse, ...] = ()
