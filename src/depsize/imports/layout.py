"""Which files are the project's own modules, under which dotted names.

Flat and ``src/`` layouts are both recognised (a project may mix them: a ``src/`` package plus
scripts at the root), and so are the folders a build backend names (:mod:`.roots`: ``app-src/``
of a setuptools ``package-dir``); folders without ``__init__.py`` count as namespace packages of
the project.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from depsize.records import dataclass

TEST_DIRS = frozenset({"tests", "test", "testing"})


@dataclass(frozen=True)
class ModuleFile:
    """One project file and the module it is."""

    path: Path
    module: str
    """Dotted name; a package's ``__init__.py`` has the package's name."""
    is_package: bool
    is_test: bool


def _is_test(rel_parts: tuple[str, ...]) -> bool:
    name = rel_parts[-1]
    stem = name.rsplit(".", 1)[0]
    if any(p in TEST_DIRS for p in rel_parts[:-1]):
        return True
    return stem.startswith("test_") or stem.endswith("_test") or stem == "conftest"


class ProjectLayout:
    """Module names of a project's files, first-party names and the module graph's nodes."""

    def __init__(
        self, root: Path, files: Iterable[Path], source_roots: Iterable[Path] | None = None
    ) -> None:
        self.root = root
        if source_roots is None:
            src = root / "src"
            source_roots = (src,) if src.is_dir() else ()
        self.source_roots = tuple(
            sorted((_relative(r, root) for r in source_roots), key=len, reverse=True)
        )
        """Folders (as parts below ``root``) whose children are top-level modules, deepest
        first; ``root`` itself is the last resort."""
        self.by_path: dict[Path, ModuleFile] = {}
        self.by_module: dict[str, ModuleFile] = {}
        for path in files:
            info = self._describe(path)
            self.by_path[path] = info
            self.by_module.setdefault(info.module, info)
        self.packages = self._packages()
        self.first_party = frozenset(m.partition(".")[0] for m in self.by_module)
        self.test_roots = self._test_roots() - self.first_party

    def _describe(self, path: Path) -> ModuleFile:
        rel_root = _relative(path, self.root)
        rel = rel_root
        for parts in self.source_roots:
            if len(rel_root) > len(parts) and rel_root[: len(parts)] == parts:
                rel = rel_root[len(parts) :]
                break
        stem = rel[-1].rsplit(".", 1)[0]
        is_package = stem == "__init__"
        parts = rel[:-1] if is_package else (*rel[:-1], stem)
        module = ".".join(parts) if parts else stem
        return ModuleFile(path, module, is_package, _is_test(rel_root))

    def _test_roots(self) -> frozenset[str]:
        """Names importable when a test folder is on ``sys.path`` (``tests/helpers.py``)."""
        names: set[str] = set()
        for info in self.by_path.values():
            rel = _relative(info.path, self.root)
            if info.is_test and len(rel) >= 2 and rel[0] in TEST_DIRS:
                names.add(rel[1].rsplit(".", 1)[0])
        return frozenset(names)

    def _packages(self) -> frozenset[str]:
        """Every dotted folder name holding project modules (namespace packages included)."""
        found: set[str] = set()
        for module in self.by_module:
            parts = module.split(".")
            found.update(".".join(parts[:end]) for end in range(1, len(parts)))
        return frozenset(found)

    def is_first_party(self, module: str, *, from_test: bool = False) -> bool:
        """Whether ``module`` is the project's own; test files also see their test roots."""
        top = module.partition(".")[0]
        return top in self.first_party or (from_test and top in self.test_roots)

    def exists(self, module: str) -> bool:
        """Whether ``module`` is a project module or package (namespace packages included)."""
        return module in self.by_module or module in self.packages

    def package_of(self, info: ModuleFile) -> str:
        """The package a relative import in this file is relative to."""
        if info.is_package:
            return info.module
        return info.module.rpartition(".")[0]

    def resolve(self, info: ModuleFile, module: str, level: int) -> str | None:
        """Absolute name of ``from <level dots><module> import``; ``None`` when out of bounds."""
        if level == 0:
            return module
        package = self.package_of(info).split(".") if self.package_of(info) else []
        if level - 1 > len(package) or (level - 1 == len(package) and not module):
            return None
        base = package[: len(package) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def sibling(self, info: ModuleFile, module: str) -> str | None:
        """The project module an absolute import names when its file's own folder is on
        ``sys.path`` (a script run as ``python bot/main.py`` imports ``helper`` from
        ``bot/helper.py``): only for files in a folder that is not a package."""
        package = info.module.rpartition(".")[0] if not info.is_package else ""
        if not package or package in self.by_module:  # top level, or a real package
            return None
        candidate = f"{package}.{module}"
        top = f"{package}.{module.partition('.')[0]}"
        if top in self.by_module or top in self.packages:
            return candidate
        return None

    def module_for_file(self, path: Path) -> str | None:
        info = self.by_path.get(path)
        return info.module if info else None


def _relative(path: Path, root: Path) -> tuple[str, ...]:
    """Parts of ``path`` below ``root`` (string work: this runs once per project file)."""
    text, prefix = str(path), str(root).rstrip(os.sep) + os.sep
    if text.startswith(prefix):
        return tuple(text[len(prefix) :].split(os.sep))  # noqa: PTH206 - str ops are 10x faster here
    return Path(os.path.relpath(path, root)).parts
