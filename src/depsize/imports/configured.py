"""Distributions named by a string: configured, not imported (DESIGN §5, status ``configured``).

- A dotted name in the project's code or configuration that resolves to a module or package in
  an installed distribution's files: ``"storages.backends.s3boto3.S3Boto3Storage"``,
  ``"corsheaders.middleware.CorsMiddleware"``, ``-k uvicorn.workers.UvicornWorker``,
  ``plugins = mypy_drf_plugin.main``, a logging ``dictConfig`` handler class.
- A bare word in a setting that loads apps or plugins (``INSTALLED_APPS = ["corsheaders"]``)
  that is an installed distribution's import name.
- A database driver: a SQLAlchemy ``dialect+driver`` token (with or without ``://``) or a URL
  scheme (``postgres://`` in a compose file or workflow), through the scheme table.

The project's own modules and the target's stdlib are never configured distributions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from depsize.imports.links import ConfigFile
from depsize.imports.model import ConfiguredUse, FileScan
from depsize.imports.schemes import SCHEME_DRIVERS
from depsize.imports.strings import Spelled
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
    scans: Mapping[Path, FileScan],
    configs: Iterable[ConfigFile],
    dists: Mapping[NormalizedName, InstalledDist],
    mapper: ImportMapper,
    excluded: Callable[[str], bool],
) -> list[ConfiguredUse]:
    """Every configured use in the project's code and configuration files.

    ``excluded(module)`` is true for the project's own modules and the target's stdlib.
    """
    finder = _Finder(dists, mapper, excluded)
    uses: list[ConfiguredUse] = []
    for path, scan in scans.items():
        uses.extend(finder.spelled(scan.spelled, path))
        for url in scan.urls:
            uses.extend(finder.driver(url.scheme, path, url.line, url=True))
    for config in configs:
        uses.extend(finder.spelled(config.spelled, config.path))
    return uses


class _Finder:
    def __init__(
        self,
        dists: Mapping[NormalizedName, InstalledDist],
        mapper: ImportMapper,
        excluded: Callable[[str], bool],
    ) -> None:
        self.dists = dists
        self.mapper = mapper
        self.excluded = excluded
        self.modules = _Modules(dists)

    def spelled(self, spelled: Spelled, path: Path) -> Iterator[ConfiguredUse]:
        for value, line in spelled.dotted:
            for dist in self.dotted(value):
                yield ConfiguredUse(dist, f"names {value}", path, line)
        for word, line in spelled.words:
            for dist in self.word(word):
                yield ConfiguredUse(dist, f"names {word!r} in an app/plugin setting", path, line)
        for token, line in spelled.drivers:
            yield from self.driver(token, path, line, url="://" in token)

    def dotted(self, value: str) -> tuple[NormalizedName, ...]:
        """Distributions in whose files the dotted name resolves to a module or package."""
        name = value.split(":", 1)[0]
        if self.excluded(name):
            return ()
        found = self.mapper.installed(name)
        if found is None:
            return ()
        parts = name.split(".")
        prefixes = {".".join(parts[:end]) for end in range(1, len(parts) + 1)}
        return tuple(d for d in found[1] if prefixes & self.modules.of(d))

    def word(self, word: str) -> tuple[NormalizedName, ...]:
        if self.excluded(word):
            return ()
        found = self.mapper.installed(word)
        return found[1] if found is not None and found[0] == word else ()

    def driver(self, token: str, path: Path, line: int, *, url: bool) -> Iterator[ConfiguredUse]:
        scheme = token.split("://", 1)[0].lower()
        drivers = [canonicalize_name(d) for d in SCHEME_DRIVERS.get(scheme, ())]
        installed = [d for d in drivers if d in self.dists] or drivers[:1]
        text = f"URL scheme {scheme}://" if url else f"database driver {scheme}"
        for dist in installed:
            yield ConfiguredUse(dist, text, path, line)
