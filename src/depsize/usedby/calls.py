"""Functions nothing calls: a lazy import in one is a doubt, not a need.

IPython imports nbconvert inside ``IPython.utils.io.unicode_std_stream``, a deprecated function
no file of IPython names again. The project may still call it directly, so the import is a
doubt; unless the project's own files name the function, then it is a need again. Only
module-level functions count: a method is called through instances and protocols, a nested
function by the one around it. Names are byte-matched as words; a file that cannot be read
counts as naming every function.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from depsize import safeio
from depsize.models import InstalledDist
from depsize.usedby.model import DependencyUse, DependencyUses
from depsize.usedby.shapes import import_spellings

_TEXT_FILES = (".py", ".pyi", ".dist-info/entry_points.txt")
"""The distribution's files that can name a function: its code, stubs and entry points."""


def uncalled(dist: InstalledDist, defs: Mapping[str, tuple[Path, int, int]]) -> set[str]:
    """The functions of ``defs`` (name → file, first and last line) that no file of ``dist``
    names outside their own lines."""
    site = os.fspath(dist.site_packages)
    where = {name: (os.fspath(path), first, last) for name, (path, first, last) in defs.items()}
    paths = [f"{site}/{rel}" for rel, _ in dist.files if rel.endswith(_TEXT_FILES)]
    pattern = _pattern(defs)
    named: set[str] = set()
    for path, data in _reads(paths, defs):
        if data is None:
            return set()
        for match in pattern.finditer(data):
            name = match.group().decode()
            file, first, last = where[name]
            if file == path and first <= data.count(b"\n", 0, match.start()) + 1 <= last:
                continue  # the function's own lines: its def, its body
            named.add(name)
    return set(defs) - named


def with_project_calls(found: DependencyUses, files: Iterable[Path]) -> DependencyUses:
    """``found`` where a function nothing in its distribution calls is called when the
    project's ``files`` name it, and a module nothing in its distribution imports is loaded
    when they name it or a package holding it below the top one (``from
    starlette.middleware.sessions import SessionMiddleware``, the string
    ``"storages.backends.gcloud.GoogleCloudStorage"``, ``"django.db.backends.postgresql"``)."""
    names = {u.function or "" for uses in found.uses.values() for u in uses if u.uncalled}
    modules = {u.unloaded for uses in found.uses.values() for u in uses if u.unloaded}
    if not names and not modules:
        return found
    spellings = _module_spellings(modules)
    pattern = _pattern(names | set(spellings))
    named: set[str] = set()
    for _, data in _reads(files, names | {m.split(".", 2)[1] for m in modules if "." in m}):
        if data is None:  # a file that cannot be read may name any of them
            named = names | modules
            break
        for match in pattern.finditer(data):
            word = match.group().decode()
            named.add(word)
            named.update(m for m in modules if word in spellings and _holds(spellings[word], m))
    if not named:
        return found
    uses = {
        candidate: tuple(_called(u, named) for u in candidate_uses)
        for candidate, candidate_uses in found.uses.items()
    }
    return replace(found, uses=uses)


def _module_spellings(modules: Iterable[str]) -> dict[str, str]:
    """Spelling → the dotted name it names: each module and each package holding it below the
    top one, dotted in full (an import, a string) or as ``from PARENT import LEAF``."""
    spellings: dict[str, str] = {}
    for module in modules:
        parts = module.split(".")
        for end in range(2, len(parts) + 1):
            dotted = ".".join(parts[:end])
            spellings.update(dict.fromkeys(import_spellings(dotted), dotted))
    return spellings


def _holds(named: str, module: str) -> bool:
    return module == named or module.startswith(f"{named}.")


def _called(use: DependencyUse, named: Collection[str]) -> DependencyUse:
    if use.uncalled and use.function in named:
        use = replace(use, uncalled=False)
    if use.unloaded and use.unloaded in named:
        use = replace(use, unloaded=None)
    return use


def _pattern(names: Collection[str]) -> re.Pattern[bytes]:
    words = sorted(names, key=len, reverse=True)
    return re.compile(rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in words) + rb")\b")


def _reads(
    paths: Iterable[str | Path], names: Collection[str]
) -> Iterator[tuple[str, bytes | None]]:
    """(path, bytes) of the files at ``paths`` that hold one of ``names``; ``None`` for a file
    that cannot be read."""
    encoded = [n.encode() for n in names]
    for path in paths:
        try:
            data: bytes | None = safeio.read_bytes(path)
        except safeio.UnreadableFileError:
            data = None
        if data is None or any(w in data for w in encoded):
            yield os.fspath(path), data
