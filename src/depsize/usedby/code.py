"""The used distributions' code: imports of the candidates' names in their installed files.

A top-level name (``multipart``) is looked for in the lines that hold ``import`` (see
:func:`depsize.usedby.library.import_lines`) or, when the names are few, first as a plain
substring of the file; the last part of a dotted one (``storage`` of ``google.cloud.storage``,
which ``from google.cloud import (storage,)`` may put on a line of its own) in the whole file.
Only the files that match go to the exact scanner (:func:`depsize.imports.extract.scan_bytes`),
and only the ones with a lazy import of a candidate are parsed again, to name the function it
sits in.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from packaging.utils import NormalizedName

from depsize import safeio
from depsize.imports.extract import decode_source, scan_bytes
from depsize.imports.model import RawImport
from depsize.models import InstalledDist
from depsize.records import dataclass
from depsize.usedby import shapes
from depsize.usedby.calls import uncalled
from depsize.usedby.library import (
    OwnImports,
    hook_consumers,
    import_lines,
    imported_in,
    is_library_code,
    loaded_only_optionally,
    unloaded_module,
)
from depsize.usedby.model import DependencyUse

FILES_PER_SOURCE = 3
"""Files kept per (candidate, used distribution): one proves the use and a few say where; the
rest of that distribution's files are not scanned for that candidate."""

_FEW_NAMES = 3
"""Up to this many top-level names, a plain ``name in data`` per name (1-2 GB/s each on library
code) rules most files out before :func:`import_lines` (about 0.4 GB/s) is built for them."""
_FEW_DOTTED = 16
"""Up to this many last names of dotted imports, the same ``in`` rules files out before the
``\b(?:a|b)\b`` pattern (no literal to skip ahead to: about 0.05 GB/s) runs over all of them."""


class CodeSearch:
    """Reads source files, byte-matches the candidates' names, scans only the matching files."""

    def __init__(
        self,
        dists: Mapping[NormalizedName, InstalledDist],
        wanted: Collection[NormalizedName],
        python: tuple[int, int] | None = None,
    ) -> None:
        self.python = python
        """The scanned interpreter's version: a ``raise`` under a false ``sys.version_info``
        test in an ``except ImportError`` clause does not make the import a need."""
        self.owners: dict[str, set[NormalizedName]] = {}
        """Import name (dotted for namespace packages) → the candidates that provide it."""
        for name in wanted:
            for module in dists[name].import_names:
                self.owners.setdefault(module, set()).add(name)
        self.by_word: dict[bytes, set[NormalizedName]] = {}
        for module, names in self.owners.items():
            self.by_word.setdefault(module.rsplit(".", 1)[-1].encode(), set()).update(names)
        top = sorted({m for m in self.owners if "." not in m})
        dotted = sorted({m.rsplit(".", 1)[-1] for m in self.owners if "." in m})
        self.top_words = [w.encode() for w in top]
        self.top = _words_pattern(top)
        self.dotted_words = [w.encode() for w in dotted]
        self.dotted = _words_pattern(dotted)
        self.uses: list[DependencyUse] = []
        self.unreadable: dict[NormalizedName, list[Path]] = {}
        self.files_with_use: dict[tuple[NormalizedName, NormalizedName], int] = {}
        """(candidate, source) → files of the source found to import the candidate."""
        self.files_read = 0
        self.files_scanned = 0
        self.defs: dict[int, tuple[Path, int, int]] = {}
        """Index in ``uses`` → (file, first line, last line) of the module-level function the
        import sits in."""
        self.unloaded_modules: dict[tuple[NormalizedName, str], str | None] = {}
        self.own = OwnImports()
        """The distributions' imports of their own modules, read once for all the questions
        (memoised per module: several candidates can sit in one)."""

    def search(self, dist: InstalledDist) -> None:
        if not self.owners or dist.editable:
            return
        own = set(dist.import_names)
        site = os.fspath(dist.site_packages)
        first = len(self.uses)
        for rel, _size in dist.files:
            if not is_library_code(rel):
                continue
            try:  # RECORD paths are POSIX
                data = safeio.read_bytes(f"{site}/{rel}")
            except safeio.UnreadableFileError:
                continue
            self.files_read += 1
            names = self._open_names(dist.name, self._words(data))
            if names and dist.entry_points:  # a plugin module of the candidate it imports
                names -= hook_consumers(dist, rel, self.own)
            if names and not shapes.is_build_script(rel, data):
                self._scan(dist, own, dist.site_packages / rel, data, names)
        self._mark_uncalled(dist, first)

    def search_all(self, dists: Sequence[InstalledDist], jobs: int | None = None) -> None:
        """:meth:`search` each of ``dists`` in turn; on a pool of ``jobs`` processes (``None``:
        the usable CPUs) when their code is big enough (each distribution's search stands
        alone: the results, merged in order, are the ones of the plain loop)."""
        if not self.owners:
            return
        parts = self._on_pool(dists, jobs)
        if parts is None:
            for dist in dists:
                self.search(dist)
            return
        for part in parts:
            offset = len(self.uses)
            self.uses.extend(part.uses)
            self.defs.update((offset + i, span) for i, span in part.defs.items())
            for name, paths in part.unreadable.items():
                self.unreadable.setdefault(name, []).extend(paths)
            self.files_with_use.update(part.files_with_use)
            self.files_read += part.files_read
            self.files_scanned += part.files_scanned

    def _on_pool(self, dists: Sequence[InstalledDist], jobs: int | None) -> list[_Found] | None:
        from depsize.imports import parallel  # lazy: only big searches

        sizes = [sum(size or 0 for rel, size in d.files if rel.endswith(".py")) for d in dists]
        processes = parallel.jobs() if jobs is None else jobs
        context = parallel.pool_context(sizes, processes)
        if context is None:
            return None
        return parallel.PoolMap(_search_chunk, dists, sizes, processes, context, self).results()

    def _alone(self) -> CodeSearch:
        """A search of the same candidates with no results yet (the memos are shared)."""
        fresh = copy.copy(self)
        fresh.uses, fresh.defs, fresh.unreadable, fresh.files_with_use = [], {}, {}, {}
        fresh.files_read = fresh.files_scanned = 0
        return fresh

    def _mark_uncalled(self, dist: InstalledDist, first: int) -> None:
        """Mark the uses from ``first`` on that sit in a module-level function no other place
        of ``dist`` names. Only where every file of ``dist`` was scanned for the candidate: past
        :data:`FILES_PER_SOURCE` files an unscanned one may need it."""
        indexes = [
            i
            for i in range(first, len(self.uses))
            if i in self.defs
            and self.files_with_use[(self.uses[i].candidate, dist.name)] < FILES_PER_SOURCE
        ]
        if not indexes:
            return
        defs = {self.uses[i].function or "": self.defs[i] for i in indexes}
        names = uncalled(dist, defs)
        for i in indexes:
            if self.uses[i].function in names:
                self.uses[i] = replace(self.uses[i], uncalled=True)

    def _optional(self, dist: InstalledDist, path: Path, raw: RawImport, text: list[str]) -> bool:
        """Whether the source copes without the candidate: imported under ``try/except
        ImportError`` that does not re-raise, or at the top of a module the distribution
        itself loads only that way."""
        if raw.kind == "conditional":
            return not shapes.handler_raises(text, raw.line, self.python)
        return not raw.lazy and self._optional_module(dist, path)

    def drop_loaded_elsewhere(
        self, requirers: Mapping[NormalizedName, Collection[InstalledDist]]
    ) -> None:
        """Clear :attr:`DependencyUse.unloaded` where a reached distribution that requires the
        module's own (``requirers``: distribution → the reached ones whose requirements name
        it) imports it: ``fastapi.testclient`` imports ``starlette.testclient``, which nothing
        in starlette imports. Each requirer's files are read once."""
        modules: dict[NormalizedName, set[str]] = {}
        for use in self.uses:
            if use.unloaded:
                modules.setdefault(use.source, set()).add(use.unloaded)
        wanted: dict[NormalizedName, tuple[InstalledDist, set[str]]] = {}
        for source, names in modules.items():
            for dist in requirers.get(source, ()):
                wanted.setdefault(dist.name, (dist, set()))[1].update(names)
        loaded: set[str] = set()
        for dist, names in wanted.values():
            if names - loaded:
                loaded |= imported_in(dist, names - loaded)
        self.uses = [replace(u, unloaded=None) if u.unloaded in loaded else u for u in self.uses]

    def _unloaded(self, dist: InstalledDist, path: Path) -> str | None:
        """The dotted name of the module at ``path`` when it is no package
        ``__init__``/``__main__``, no entry point of ``dist`` names it and no other file of
        ``dist`` imports it (memoised)."""
        key = (dist.name, os.fspath(path))
        if key not in self.unloaded_modules:
            self.unloaded_modules[key] = unloaded_module(dist, path, self.own)
        return self.unloaded_modules[key]

    def _optional_module(self, dist: InstalledDist, path: Path) -> bool:
        """Whether the module at ``path`` is itself loaded only optionally by its distribution:
        httpx's ``_main`` (the CLI, which imports rich) is loaded by ``try: from ._main import
        main except ImportError`` in ``httpx/__init__.py``, so httpx runs without rich. False
        when any importer loads it plainly, or none is found (an entry point may run it)."""
        return loaded_only_optionally(dist, path, self.own)

    def _words(self, data: bytes) -> set[bytes]:
        """The candidates' names ``data`` may import."""
        words: set[bytes] = set()
        top = self.top
        if top is not None and b"import" in data and _may_hold(data, self.top_words, _FEW_NAMES):
            words.update(top.findall(import_lines(data)))  # no groups: the whole matches
        if self.dotted is not None and _may_hold(data, self.dotted_words, _FEW_DOTTED):
            words.update(self.dotted.findall(data))
        return words

    def _open_names(self, source: NormalizedName, words: set[bytes]) -> set[NormalizedName]:
        """The candidates behind ``words`` that ``source`` may still give evidence for."""
        names = {name for word in words for name in self.by_word[word]} - {source}
        return {n for n in names if self.files_with_use.get((n, source), 0) < FILES_PER_SOURCE}

    def _scan(
        self,
        dist: InstalledDist,
        own: set[str],
        path: Path,
        data: bytes,
        names: set[NormalizedName],
    ) -> None:
        self.files_scanned += 1
        result = scan_bytes(data, spelled=False)
        if result.error is not None:
            for name in names:
                self.unreadable.setdefault(name, []).append(path)
            return
        hits: list[tuple[NormalizedName, str, RawImport]] = []
        for raw in result.imports:
            if raw.level or raw.kind == "type-checking":
                continue
            for name, module in self._match(raw):
                if name in names and module not in own:
                    hits.append((name, module, raw))
        if hits:
            self._record(dist, path, data, hits)

    def _match(self, raw: RawImport) -> Iterator[tuple[NormalizedName, str]]:
        """(candidate, import name it provides) for the most specific name ``raw`` loads."""
        dotted = [f"{raw.module}.{n}" for n in raw.names if n != "*"] + [raw.module]
        for module in dotted:
            parts = module.split(".")
            for end in range(len(parts), 0, -1):
                prefix = ".".join(parts[:end])
                if prefix in self.owners:
                    for name in sorted(self.owners[prefix]):
                        yield name, prefix
                    return

    def _record(
        self,
        dist: InstalledDist,
        path: Path,
        data: bytes,
        hits: list[tuple[NormalizedName, str, RawImport]],
    ) -> None:
        text = data.decode("utf-8", "replace").splitlines()
        if b"modules" in data:  # ``if "x" in sys.modules: import x`` loads nothing new
            bare = shapes.names_bare_modules(data)
            hits = [h for h in hits if not _only_if_loaded(text, h[1], h[2], bare)]
            if not hits:
                return
        functions = _function_spans(data) if any(raw.lazy for _, _, raw in hits) else []
        gated = b"getini" in data
        seen: set[tuple[NormalizedName, str | None]] = set()
        for name in {name for name, _, _ in hits}:
            key = (name, dist.name)
            self.files_with_use[key] = self.files_with_use.get(key, 0) + 1
        for name, module, raw in hits:
            span = _enclosing(functions, raw.line) if raw.lazy else None
            function = span[2] if span else None
            if (name, function) in seen:
                continue  # one site per function (or per module top level) is enough
            seen.add((name, function))
            if span and "." not in span[2]:  # a module-level function: is it called?
                self.defs[len(self.uses)] = (path, span[0], span[1])
            optional = self._optional(dist, path, raw, text)
            self.uses.append(
                DependencyUse(
                    name,
                    dist.name,
                    path,
                    raw.line,
                    "import",
                    module,
                    function=function,
                    lazy=raw.lazy,
                    optional=optional,
                    dynamic=_is_dynamic(raw, text),
                    ini_key=shapes.ini_gate(text, raw.line) if gated and raw.lazy else None,
                    unloaded=None if raw.lazy or optional else self._unloaded(dist, path),
                )
            )


@dataclass(frozen=True)
class _Found:
    """One distribution's search, done on a worker."""

    uses: list[DependencyUse]
    defs: dict[int, tuple[Path, int, int]]
    unreadable: dict[NormalizedName, list[Path]]
    files_with_use: dict[tuple[NormalizedName, NormalizedName], int]
    files_read: int
    files_scanned: int


def _search_chunk(dists: Sequence[InstalledDist], search: CodeSearch) -> list[_Found]:
    """The task a worker runs: each distribution of one chunk searched on its own."""
    found = []
    for dist in dists:
        alone = search._alone()
        alone.search(dist)
        found.append(
            _Found(
                alone.uses,
                alone.defs,
                alone.unreadable,
                alone.files_with_use,
                alone.files_read,
                alone.files_scanned,
            )
        )
    return found


def _only_if_loaded(text: list[str], module: str, raw: RawImport, bare: bool) -> bool:
    """Whether the import runs only when ``sys.modules`` already holds the candidate's
    ``module`` (or the submodule ``raw`` loads): it is then no use of it."""
    parts = raw.module.split(".")
    names = {".".join(parts[:end]) for end in range(1, len(parts) + 1)}
    names.update(f"{raw.module}.{n}" for n in raw.names if n != "*")
    names = {n for n in names if n == module or n.startswith(f"{module}.")}
    return shapes.under_loaded_guard(text, raw.line, names, bare)


def _is_dynamic(raw: RawImport, text: list[str]) -> bool:
    """An ``importlib.import_module("x")`` or ``__import__("x")`` call: a guarded one is
    ``conditional`` as a guarded statement is, so its line tells."""
    if raw.kind == "dynamic":
        return True
    line = text[raw.line - 1] if raw.kind == "conditional" and 0 < raw.line <= len(text) else ""
    return not raw.names and shapes.is_dynamic_call(line)


def _may_hold(data: bytes, words: Sequence[bytes], few: int) -> bool:
    """Whether ``data`` may hold one of ``words``: a byte search each when they are ``few``."""
    return len(words) > few or any(word in data for word in words)


def _words_pattern(words: Iterable[str]) -> re.Pattern[bytes] | None:
    unique = sorted(set(words))
    if not unique:
        return None
    return re.compile(rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in unique) + rb")\b")


def _function_spans(data: bytes) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function of a source file."""
    import ast  # lazy: only files with a lazy import of a candidate need it

    try:
        tree = ast.parse(decode_source(data))
    except (SyntaxError, ValueError, LookupError, RecursionError, MemoryError):
        return []
    spans: list[tuple[int, int, str]] = []
    stack: list[tuple[list[ast.AST], str]] = [(list(tree.body), "")]
    while stack:  # statements only: expressions hold no function worth naming
        body, prefix = stack.pop()
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{node.name}"
                if not isinstance(node, ast.ClassDef):
                    spans.append((node.lineno, node.end_lineno or node.lineno, name))
                stack.append((list(node.body), f"{name}."))
                continue
            for block in ("body", "orelse", "finalbody", "handlers", "cases"):
                children = getattr(node, block, None)
                if isinstance(children, list):
                    stack.append((children, prefix))
    return spans


def _enclosing(spans: list[tuple[int, int, str]], line: int) -> tuple[int, int, str] | None:
    """The innermost function whose lines hold ``line``."""
    inside = [s for s in spans if s[0] <= line <= s[1]]
    return max(inside, key=lambda s: s[0]) if inside else None
