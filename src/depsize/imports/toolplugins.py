"""Plugins a tool loads because its configuration names them: mkdocs, Sphinx, flake8, pylint.

- ``mkdocs.yml``: ``plugins`` (``mkdocs.plugins`` entry points), ``theme`` (``mkdocs.themes``),
  ``markdown_extensions`` (``markdown.extensions`` entry points or module paths), the handlers of
  mkdocstrings (``mkdocstrings_handlers.<name>``; ``python`` when none is named) and
  ``!!python/name:`` tags;
- Sphinx ``conf.py``: ``extensions`` (module paths) and ``html_theme``;
- flake8: every installed ``flake8.extension`` acts once flake8 runs; its error-code prefix in
  the flake8 configuration is the evidence when present; a ``flake8.report`` formatter is used
  when ``format`` names it;
- pylint: ``load-plugins``.

Files are read line by line or with ``ast``; nothing is imported or run. This module reads the
names (:func:`docs_names`; the flake8 and pylint settings are configuration entries);
:mod:`depsize.join.plugins` looks them up in the env's entry points and import names.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from depsize.imports.repo import read_text
from depsize.records import dataclass

_TOP = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*([^#]*)")
"""A top-level ``key: value`` line; the value runs to a comment (stripped where it is used:
a pattern that stripped it would backtrack quadratically on a line of spaces)."""
_ITEM = re.compile(r"^\s*(?:-\s*)?['\"]?([A-Za-z_][\w./-]*)['\"]?\s*(?::.*)?$")
_PYTHON_TAG = re.compile(r"!!python/(?:name|object(?:/apply)?):([A-Za-z_][\w.]*)")
_SPHINX_CONFS = ("conf.py", "docs/conf.py", "doc/conf.py", "docs/source/conf.py")
_LISTS = frozenset({"plugins", "markdown_extensions"})


@dataclass(frozen=True)
class Named:
    """A name a configuration file gives to its tool: a plugin, theme, extension, handler."""

    kind: str
    """``plugin``, ``theme``, ``extension``, ``handler`` or ``module``."""
    name: str
    file: Path
    line: int


def mkdocs_names(path: Path) -> list[Named]:
    """What ``mkdocs.yml`` names, read line by line (its ``!!python`` tags defeat YAML loaders)."""
    found: list[Named] = []
    top: str | None = None
    item_indent: int | None = None
    handlers: list[int] = []
    for number, line in enumerate((read_text(path) or "").splitlines(), start=1):
        found.extend(Named("module", m[1], path, number) for m in _PYTHON_TAG.finditer(line))
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            top, item_indent, handlers = _top_level(line, path, number, found)
            continue
        if top == "theme":
            match = re.match(r"\s*name\s*:\s*['\"]?([\w.-]+)", line)
            if match:
                found.append(Named("theme", match[1], path, number))
        elif top in _LISTS:
            item_indent = indent if item_indent is None else item_indent
            kind = "plugin" if top == "plugins" else "extension"
            at = Named(kind, "", path, number)
            found.extend(_list_line(line, (indent, item_indent), handlers, at))
    if any(n.kind == "plugin" and n.name == "mkdocstrings" for n in found) and not any(
        n.kind == "handler" for n in found
    ):
        first = next(n for n in found if n.name == "mkdocstrings")
        found.append(Named("handler", "python", path, first.line))
    return found


def _top_level(
    line: str, path: Path, number: int, found: list[Named]
) -> tuple[str | None, int | None, list[int]]:
    match = _TOP.match(line)
    if match is None:
        return None, None, []
    key, value = match[1], match[2].rstrip().strip("'\"")
    if key == "theme" and re.fullmatch(r"[\w.-]+", value):
        found.append(Named("theme", value, path, number))
    elif key in _LISTS and value.startswith("["):
        kind = "plugin" if key == "plugins" else "extension"
        names = re.findall(r"[A-Za-z_][\w./-]*", value)
        found.extend(Named(kind, n, path, number) for n in names)
    return key, None, []


def _list_line(
    line: str, indents: tuple[int, int], handlers: list[int], at: Named
) -> Iterator[Named]:
    """One line under ``plugins:`` or ``markdown_extensions:`` (its indent, the items' indent);
    ``handlers`` is the state of a ``handlers:`` block (its indent, then the handler names')."""
    stripped = line.strip()
    indent, item_indent = indents
    if indent <= item_indent:
        handlers.clear()
        match = _ITEM.match(line)
        if match:
            yield Named(at.kind, match[1], at.file, at.line)
        return
    default = re.match(r"default_handler\s*:\s*['\"]?(\w+)", stripped)
    if default:
        yield Named("handler", default[1], at.file, at.line)
    elif re.match(r"handlers\s*:\s*$", stripped):
        handlers[:] = [indent]
    elif handlers and indent > handlers[0]:
        if len(handlers) == 1:
            handlers.append(indent)
        name = re.match(r"(\w+)\s*:", stripped)
        if name and indent == handlers[1]:
            yield Named("handler", name[1], at.file, at.line)
    elif handlers:
        handlers.clear()


def sphinx_names(path: Path) -> list[Named]:
    """``extensions`` and ``html_theme`` of a Sphinx ``conf.py``, read with ``ast``."""
    try:
        tree = ast.parse(read_text(path) or "", filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found: list[Named] = []
    for node in ast.walk(tree):
        for kind, value in _sphinx_settings(node):
            found.extend(Named(kind, s, path, line) for s, line in _strings(value))
    return sorted(found, key=lambda n: n.line)


def _sphinx_settings(node: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id == "extensions":
                yield "extension", node.value
            elif isinstance(target, ast.Name) and target.id == "html_theme":
                yield "theme", node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner, method = node.func.value, node.func.attr
        if isinstance(owner, ast.Name) and owner.id == "extensions" and method != "remove":
            yield from (("extension", arg) for arg in node.args)


def _strings(node: ast.expr) -> Iterator[tuple[str, int]]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value, sub.lineno


def docs_names(folders: Sequence[Path]) -> list[tuple[str, Named]]:
    """``(tool, name)`` for everything the mkdocs and Sphinx configurations in ``folders`` name."""
    found: list[tuple[str, Named]] = []
    for folder in folders:
        for name in ("mkdocs.yml", "mkdocs.yaml"):
            if (folder / name).is_file():
                found.extend(("mkdocs", n) for n in mkdocs_names(folder / name))
        for rel in _SPHINX_CONFS:
            if (folder / rel).is_file():
                found.extend(("sphinx", n) for n in sphinx_names(folder / rel))
    return found
