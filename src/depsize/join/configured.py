"""Distributions named by a string: configured, not imported (DESIGN §5, status ``configured``).

- A dotted name in the project's code or configuration that resolves to a module or package in
  an installed distribution's files: ``"storages.backends.s3boto3.S3Boto3Storage"``,
  ``"corsheaders.middleware.CorsMiddleware"``, ``-k uvicorn.workers.UvicornWorker``,
  ``plugins = mypy_drf_plugin.main``, a logging ``dictConfig`` handler class.
- A bare word in a setting that loads apps or plugins (``INSTALLED_APPS = ["corsheaders"]``)
  that is an installed distribution's import name.
- A database driver: a SQLAlchemy ``dialect+driver`` token (with or without ``://``) or a URL
  scheme (``postgres://`` in a compose file or workflow), through the scheme table.

The strings come from the project (:func:`depsize.imports.said.names_said`, which leaves out the
project's own modules and the target's stdlib); here they meet the env's files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from depsize.imports.model import NameSaid
from depsize.imports.schemes import SCHEME_DRIVERS
from depsize.join.model import ConfiguredUse
from depsize.mapping import ImportMapper
from depsize.models import InstalledDist

_MODULE_SUFFIXES = (".py", ".pyi", ".so", ".pyd")


class _Modules:
    """Module and package names each distribution installs, built on first use."""

    def __init__(self, dists: Mapping[NormalizedName, InstalledDist]) -> None:
        self.dists = dists
        self.cache: dict[NormalizedName, frozenset[str]] = {}

    def of(self, name: NormalizedName) -> frozenset[str]:
        found = self.cache.get(name)
        if found is None:
            found = self.cache[name] = frozenset(module_names(self.dists[name].files))
        return found


def module_names(files: Iterable[tuple[str, int]]) -> Iterator[str]:
    """Every module and package a distribution's RECORD paths install (``a``, ``a.b``)."""
    for rel, _size in files:
        if rel.startswith("../") or not rel.endswith(_MODULE_SUFFIXES):
            continue
        parts = rel.split("/")
        if any(not p.isidentifier() for p in parts[:-1]):
            continue  # not importable: ``mock-stubs/``, ``pkg-1.0.data/``
        stem = parts[-1].split(".", 1)[0]
        dotted = [*parts[:-1], stem] if stem != "__init__" else parts[:-1]
        for end in range(1, len(dotted) + 1):
            yield ".".join(dotted[:end])


def configured_uses(
    names: Iterable[NameSaid],
    dists: Mapping[NormalizedName, InstalledDist],
    mapper: ImportMapper,
) -> list[ConfiguredUse]:
    """The distributions the project's named strings (:attr:`ProjectSays.names`) stand for."""
    finder = _Finder(dists, mapper)
    uses: list[ConfiguredUse] = []
    for said in names:
        if said.kind == "dotted":
            text = f"names {said.value}"
            uses.extend(
                ConfiguredUse(d, text, said.file, said.line) for d in finder.dotted(said.value)
            )
        elif said.kind == "word":
            text = f"names {said.value!r} in an app/plugin setting"
            uses.extend(
                ConfiguredUse(d, text, said.file, said.line) for d in finder.word(said.value)
            )
        else:
            uses.extend(finder.driver(said.value, said.file, said.line, url=said.kind == "url"))
    return uses


class _Finder:
    def __init__(self, dists: Mapping[NormalizedName, InstalledDist], mapper: ImportMapper) -> None:
        self.dists = dists
        self.mapper = mapper
        self.modules = _Modules(dists)

    def dotted(self, value: str) -> tuple[NormalizedName, ...]:
        """Distributions in whose files the dotted name resolves to a module or package."""
        name = value.split(":", 1)[0]
        found = self.mapper.installed(name)
        if found is None:
            return ()
        parts = name.split(".")
        prefixes = {".".join(parts[:end]) for end in range(1, len(parts) + 1)}
        return tuple(d for d in found[1] if prefixes & self.modules.of(d))

    def word(self, word: str) -> tuple[NormalizedName, ...]:
        found = self.mapper.installed(word)
        return found[1] if found is not None and found[0] == word else ()

    def driver(self, token: str, path: Path, line: int, *, url: bool) -> Iterator[ConfiguredUse]:
        scheme = token.split("://", 1)[0].lower()
        drivers = [canonicalize_name(d) for d in SCHEME_DRIVERS.get(scheme, ())]
        installed = [d for d in drivers if d in self.dists] or drivers[:1]
        text = f"URL scheme {scheme}://" if url else f"database driver {scheme}"
        for dist in installed:
            yield ConfiguredUse(dist, text, path, line)
