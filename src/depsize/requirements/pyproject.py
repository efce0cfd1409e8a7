"""``pyproject.toml``: PEP 621 dependencies and extras, PEP 735 dependency groups, uv and Poetry.

Each requirement keeps the line where its item starts in the dependency array and the character
span of the item (quotes included), so ``trim`` can find it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from depsize.errors import IncludeCycleError, InputError
from depsize.models import ScanWarning
from depsize.requirements.model import (
    MAIN_GROUP,
    DeclaredRequirement,
    FormatResult,
    GroupKind,
    SourceFile,
)
from depsize.requirements.poetry import read_poetry
from depsize.requirements.targets import Origin, TargetError, build, pep508_parts
from depsize.requirements.tomlfile import TomlDocument, read_toml

_GROUPS = ("dependency-groups",)


class _Collector:
    def __init__(self, doc: TomlDocument) -> None:
        self.doc = doc
        self.requirements: list[DeclaredRequirement] = []
        self.warnings: list[ScanWarning] = []

    def strings(self, path: tuple[str, ...], value: object, group: str, kind: GroupKind) -> None:
        """Read an array of PEP 508 strings found at ``path``."""
        if value is None:
            return
        if not isinstance(value, list):
            line = self.doc.lines(self.doc.entry_span(path))[0]
            self.warn(f"{'.'.join(path)} should be an array of requirement strings", line)
            return
        for item, span in zip(value, self.doc.spans(path, len(value)), strict=True):
            if isinstance(item, dict) and "include-group" in item and path[0] in _GROUPS:
                if not isinstance(item["include-group"], str):
                    where = self.doc.lines(span)[0] if span != (0, 0) else None
                    self.warn("include-group should name a dependency group; ignored", where)
                continue
            self.one(item, span, group, kind)

    def one(self, item: object, span: tuple[int, int], group: str, kind: GroupKind) -> None:
        line, end_line = self.doc.lines(span)
        raw = self.doc.text[span[0] : span[1]]
        if not isinstance(item, str):
            self.warn(f"not a requirement string: {raw or item!r}", line)
            return
        origin = Origin(self.doc.path, line, end_line, raw, group, kind, span)
        try:
            self.requirements.append(build(pep508_parts(item), origin))
        except TargetError as exc:
            self.warn(f"cannot parse {item!r}: {exc}", line)

    def table(self, path: tuple[str, ...], parent: dict[str, Any]) -> dict[str, Any]:
        """The table at ``path`` (``{}`` when absent); a warning when it is not a table."""
        value = parent.get(path[-1])
        if value is None or isinstance(value, dict):
            return value or {}
        line = self.doc.lines(self.doc.entry_span(path))[0]
        self.warn(f"{'.'.join(path)} should be a table, not {type(value).__name__}; ignored", line)
        return {}

    def warn(self, message: str, line: int | None) -> None:
        self.warnings.append(ScanWarning(message, self.doc.path, line))


def read_pyproject(path: Path) -> FormatResult:
    """Every requirement ``path`` declares; :class:`InputError` if it cannot be read or is not
    valid TOML."""
    return pyproject_requirements(read_toml(path))


def pyproject_requirements(doc: TomlDocument) -> FormatResult:
    """Every requirement the parsed pyproject ``doc`` declares; a table or value of the wrong
    type is a warning naming the file and line."""
    path = doc.path
    collect = _Collector(doc)
    project = collect.table(("project",), doc.data)
    collect.strings(("project", "dependencies"), project.get("dependencies"), MAIN_GROUP, "main")
    extras = collect.table(("project", "optional-dependencies"), project)
    for extra, value in extras.items():
        collect.strings(("project", "optional-dependencies", extra), value, extra, "extra")
    groups = collect.table(("dependency-groups",), doc.data)
    for name, value in groups.items():
        collect.strings(("dependency-groups", name), value, name, "group")
    includes = dependency_group_includes(doc, groups)
    uv = collect.table(("tool", "uv"), collect.table(("tool",), doc.data))
    collect.strings(("tool", "uv", "dev-dependencies"), uv.get("dev-dependencies"), "dev", "group")
    main_names = {r.name for r in collect.requirements if r.group_kind == "main"}
    poetry_reqs, poetry_warnings = read_poetry(doc, main_names)
    source = SourceFile(path, "pyproject.toml", doc.sha256)
    return FormatResult(
        source,
        (*collect.requirements, *poetry_reqs),
        (*collect.warnings, *poetry_warnings),
        includes,
    )


def dependency_group_includes(
    doc: TomlDocument, groups: dict[str, Any]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """PEP 735 ``{include-group = "name"}`` edges; :class:`InputError` on unknown or cyclic ones."""
    by_normal = {canonicalize_name(name): name for name in groups}
    edges: dict[str, tuple[str, ...]] = {}
    for name, value in groups.items():
        targets = []
        for included, span in _includes(doc, name, value):
            target = by_normal.get(canonicalize_name(included))
            if target is None:
                line = doc.lines(span)[0]
                raise InputError(
                    f"dependency group {name!r} includes unknown group {included!r}", doc.path, line
                )
            targets.append(target)
        edges[name] = tuple(targets)
    _check_cycles(doc, edges)
    return tuple((name, targets) for name, targets in edges.items() if targets)


def _includes(doc: TomlDocument, name: str, value: object) -> Iterator[tuple[str, tuple[int, int]]]:
    if not isinstance(value, list):
        return
    for item, span in zip(value, doc.spans(("dependency-groups", name), len(value)), strict=True):
        if isinstance(item, dict) and isinstance(item.get("include-group"), str):
            yield item["include-group"], span


def _check_cycles(doc: TomlDocument, edges: dict[str, tuple[str, ...]]) -> None:
    """:class:`IncludeCycleError` naming a cycle of ``include-group`` edges, if there is one.

    Iterative depth-first search visiting each group once: linear in the edges however wide
    the lattice of includes, and no recursion however long the chain."""
    done: set[str] = set()
    for root in edges:
        if root in done:
            continue
        chain = [root]
        on_chain = {root}
        pending = [iter(edges.get(root, ()))]
        while pending:
            target = next(pending[-1], None)
            if target is None:
                pending.pop()
                done.add(chain[-1])
                on_chain.discard(chain.pop())
            elif target in on_chain:
                cycle = " -> ".join([*chain[chain.index(target) :], target])
                line = doc.lines(doc.entry_span(("dependency-groups", chain[-1])))[0]
                raise IncludeCycleError(f"dependency-group include cycle: {cycle}", doc.path, line)
            elif target not in done:
                chain.append(target)
                on_chain.add(target)
                pending.append(iter(edges.get(target, ())))


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
