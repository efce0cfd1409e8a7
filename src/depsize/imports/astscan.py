"""The reference extractor: a full ``ast`` parse and walk of one file.

Slower than :mod:`depsize.imports.fastscan` but exact; used for every file the fast scanner
declines and as the reference it is tested against. Imported only when needed. Expression nodes
are visited only in files whose text may hold a dynamic import call or a URL literal (most files
hold neither); statements are always walked.
"""

from __future__ import annotations

import ast
import re
import unicodedata

from depsize.imports.astwalk import child_nodes, walk_nodes
from depsize.imports.literals import name_literals
from depsize.imports.model import FileScan, ImportKind, OpenLoad, RawImport, UrlLiteral
from depsize.imports.schemes import URL_VALUE

GUARD_EXCEPTIONS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
"""An exception handler catching one of these makes the ``try`` body's imports conditional."""
FALLBACK_EXCEPTIONS = frozenset({"ImportError", "ModuleNotFoundError"})
"""Imports inside a handler for these are fallbacks, hence conditional too."""
PLAIN_DYNAMIC = {"import_module": "importlib.import_module", "importorskip": "pytest.importorskip"}
"""Functions whose call with a literal is a dynamic import (with ``__import__``), by the bare
name that ``from importlib import import_module`` / ``from pytest import importorskip`` binds."""

_PY2_HINTS = re.compile(
    r"^[ \t]*(?:print\s+[\"'\w]|exec\s+[\"']|raise\s+\w+\s*,)|\b0[0-7]+L?\b|\b\d+L\b",
    re.MULTILINE,
)
"""Python 2 idioms. ``except A, e:`` is not one of them: PEP 758 (3.14) made ``except A, B:``
valid again."""
_URL_SEPARATOR = re.compile(r":(?://|/?[\"']|/?\\[\r\n])")
"""``://`` as written, or its start where a literal ends (implicit concatenation) or is continued
by a backslash-newline."""
_SCHEME_TAIL = re.compile(r"[\w+]*\Z")
_ESCAPED_SEPARATOR = re.compile(
    r"\\(?:x3[aA]|x2[fF]|0?72|0?57|u003[aA]|u002[fF]|U0000003[aA]|U0000002[fF]|N\{)"
)
"""An escape that may spell ``:`` or ``/``."""
_LITERAL_STARTS = frozenset("\"'\\\r\n}:")
"""What can stand right before the first character of a literal's value (or of an f-string's
literal part) in the source: a quote, an escape or continuation, a replacement field's end or
its format spec's start."""


def scan_text_ast(text: str) -> FileScan:
    """The reference extractor: a full ``ast`` parse and walk."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        message = f"syntax error: {exc.msg}"
        if _PY2_HINTS.search(text):
            message += " (Python 2 syntax?)"
        return FileScan(error=message, error_line=exc.lineno or 1)
    except (ValueError, RecursionError, MemoryError) as exc:
        return FileScan(error=f"cannot parse: {type(exc).__name__}: {exc}", error_line=1)
    walker = _Walker(exprs=_needs_expressions(text))
    try:
        walker.walk_body(tree.body, _Context())
    except RecursionError:  # the parser caps nesting first; this is the last guard
        return FileScan(error="cannot parse: nested too deeply", error_line=1)
    opens = tuple(walker.opens)
    return FileScan(
        imports=tuple(walker.imports),
        main_guard=any(_is_main_guard(n) for n in tree.body),
        urls=tuple(walker.urls),
        open_loads=opens,
        table=name_literals(text) if any(not o.prefix for o in opens) else (),
    )


class _Context:
    __slots__ = ("fallback", "guarded", "lazy", "type_checking")

    def __init__(
        self,
        *,
        lazy: bool = False,
        guarded: bool = False,
        fallback: bool = False,
        type_checking: bool = False,
    ) -> None:
        self.lazy = lazy
        self.guarded = guarded
        self.fallback = fallback
        self.type_checking = type_checking

    def but(self, **changes: bool) -> _Context:
        values = {
            "lazy": self.lazy,
            "guarded": self.guarded,
            "fallback": self.fallback,
            "type_checking": self.type_checking,
        }
        values.update(changes)
        return _Context(**values)

    def kind(self, dynamic: bool = False) -> ImportKind:
        if self.type_checking:
            return "type-checking"
        if self.guarded or self.fallback:  # ``import_module("x")`` there too
            return "conditional"
        return "dynamic" if dynamic else "runtime"


def _needs_expressions(text: str) -> bool:
    """Whether any expression of ``text`` can be a dynamic import call or a URL literal.

    Most files have neither, and their walk then skips every expression node. Identifiers are
    NFKC-normalised by the parser, so a non-ASCII text is checked in that form too.
    """
    names = ("import_module", "__import__", "importorskip")
    if any(name in text for name in names) or _may_hold_url(text):
        return True
    if text.isascii():
        return False
    normal = unicodedata.normalize("NFKC", text)
    return any(name in normal for name in names)


def _may_hold_url(text: str) -> bool:
    """Whether a string literal of ``text`` may have a value that starts with ``scheme://``.

    Such a value's ``://`` (as is, or split across literals) follows a run of scheme characters
    that starts the literal (see ``_LITERAL_STARTS``). A ``://`` after anything else (``see
    https://...`` in a docstring) cannot start a value. Escapes that may spell ``:`` or ``/``
    are taken as a yes.
    """
    if "\\" in text and _ESCAPED_SEPARATOR.search(text):
        return True
    for match in _URL_SEPARATOR.finditer(text):
        pos = match.start()
        floor = max(0, pos - 100)
        tail = _SCHEME_TAIL.search(text, floor, pos)
        start = tail.start() if tail else floor
        if start == floor or _starts_literal(text, start):
            return True
    return False


def _starts_literal(text: str, pos: int) -> bool:
    """Whether what stands before ``pos`` may start a literal's value (see ``_LITERAL_STARTS``)."""
    before = text[pos - 1]
    if before in "\r\n":  # only a backslash-newline continues a literal
        return text[max(0, pos - 3) : pos].rstrip("\r\n").endswith("\\")
    return before in _LITERAL_STARTS


class _Walker:
    def __init__(self, *, exprs: bool = True) -> None:
        self.exprs = exprs
        """Whether to visit expressions (for dynamic imports and URL literals) at all."""
        self.imports: list[RawImport] = []
        self.urls: list[UrlLiteral] = []
        self.opens: list[OpenLoad] = []
        self.dynamic_names = {"__import__", *PLAIN_DYNAMIC.values()}
        """Callees whose literal first argument is a dynamic import; a ``from`` import of
        ``import_module`` / ``importorskip`` adds the bare name (walked in source order)."""

    def walk_body(self, body: list[ast.stmt], ctx: _Context) -> None:
        for node in body:
            self.walk_stmt(node, ctx)

    def walk_stmt(self, node: ast.stmt, ctx: _Context) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._add(alias.name, 0, (), node.lineno, ctx)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(a.name for a in node.names)
            self._add(node.module or "", node.level, names, node.lineno, ctx)
            for name, dotted in PLAIN_DYNAMIC.items():
                if name in names and node.module == dotted.rpartition(".")[0]:
                    self.dynamic_names.add(name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.walk_exprs([*node.decorator_list, node.args], ctx)
            self.walk_body(node.body, ctx.but(lazy=True))
        elif isinstance(node, ast.ClassDef):  # source order: decorators before the body
            heads = [*node.decorator_list, *node.bases, *node.keywords]
            self.walk_exprs([*heads, *getattr(node, "type_params", ())], ctx)
            self.walk_body(node.body, ctx)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self._walk_try(node, ctx)
        elif isinstance(node, ast.If):
            self.walk_exprs([node.test], ctx)
            inner = ctx.but(type_checking=True) if _is_type_checking(node.test) else ctx
            self.walk_body(node.body, inner)
            self.walk_body(node.orelse, ctx)
        else:
            self._walk_generic(node, ctx)

    def _walk_try(self, node: ast.stmt, ctx: _Context) -> None:
        handlers: list[ast.ExceptHandler] = getattr(node, "handlers", [])
        caught = [_handler_names(h) for h in handlers]
        guarded = any(names & GUARD_EXCEPTIONS or not names for names in caught)
        self.walk_body(getattr(node, "body", []), ctx.but(guarded=ctx.guarded or guarded))
        for handler, names in zip(handlers, caught, strict=True):
            fallback = ctx.fallback or bool(names & FALLBACK_EXCEPTIONS)
            self.walk_exprs([handler.type] if handler.type else [], ctx)
            self.walk_body(handler.body, ctx.but(fallback=fallback))
        self.walk_body(getattr(node, "orelse", []), ctx)
        self.walk_body(getattr(node, "finalbody", []), ctx)

    def _walk_generic(self, node: ast.AST, ctx: _Context) -> None:
        for child in child_nodes(node):
            if isinstance(child, ast.stmt):
                self.walk_stmt(child, ctx)
            elif isinstance(child, ast.expr):
                self.walk_exprs([child], ctx)
            elif self.exprs or isinstance(child, ast.match_case):  # the rest holds no statement
                self._walk_generic(child, ctx)

    def walk_exprs(self, nodes: list[ast.AST], ctx: _Context) -> None:
        if not self.exprs:
            return
        for top in nodes:
            for node in walk_nodes(top):
                if isinstance(node, ast.Call):
                    self._maybe_dynamic(node, ctx)
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    self._maybe_url(node.value, node.lineno)

    def _maybe_dynamic(self, node: ast.Call, ctx: _Context) -> None:
        func = _dotted(node.func)
        if func not in self.dynamic_names:
            return
        if not node.args or not isinstance(node.args[0], ast.Constant):
            if not func.endswith("importorskip"):
                self._open_load(node, ctx)
            return
        value = node.args[0].value
        if isinstance(value, str) and value and not value.startswith("."):
            self.imports.append(RawImport(value, 0, (), node.lineno, ctx.kind(True), ctx.lazy))

    def _open_load(self, node: ast.Call, ctx: _Context) -> None:
        self.opens.append(open_load(node, node.lineno, ctx.kind(), ctx.lazy))

    def _maybe_url(self, value: str, line: int) -> None:
        match = URL_VALUE.match(value)
        if match:
            self.urls.append(UrlLiteral(match["scheme"], line))

    def _add(
        self, module: str, level: int, names: tuple[str, ...], line: int, ctx: _Context
    ) -> None:
        self.imports.append(RawImport(module, level, names, line, ctx.kind(), ctx.lazy))


def open_load(node: ast.Call, line: int, kind: ImportKind, lazy: bool) -> OpenLoad:
    """A dynamic import of a computed name (``node``, at ``line``), with the literal prefix of
    that name if any. ``kind`` is its statement's: ``runtime`` there is ``dynamic`` here, and a
    table's imports in ``try``/``except ImportError`` stay conditional."""
    first = node.args[0] if node.args else None
    head = tail = first
    if isinstance(first, ast.JoinedStr) and first.values:
        head, tail = first.values[0], first.values[-1]
    elif isinstance(first, ast.BinOp) and isinstance(first.op, ast.Add):
        head, tail = first.left, first.right
    prefix = head.value if isinstance(head, ast.Constant) and isinstance(head.value, str) else ""
    literal_tail = isinstance(tail, ast.Constant) and isinstance(tail.value, str)
    suffix = tail.value if literal_tail and tail is not head else ""  # type: ignore[union-attr]
    kind = "dynamic" if kind == "runtime" else kind
    return OpenLoad(line, prefix, kind, lazy, _shown(node), suffix, _setting_name(first))


def computed_load(
    source: str, callee: str, line: int, kind: ImportKind, lazy: bool
) -> OpenLoad | None:
    """The open load the walk records for a call of ``callee`` written as ``source`` (the
    call alone, cut out of its file), or ``None`` when ``source`` is not such a call or the
    walk records no open load for it (its first argument is a literal)."""
    try:
        node = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not isinstance(node, ast.Call) or _dotted(node.func) != callee:
        return None
    if node.args and isinstance(node.args[0], ast.Constant):
        return None
    return open_load(node, line, kind, lazy)


def _shown(node: ast.Call) -> str:
    """The call as source text, cut to 60 characters (its callee alone if it nests deeply)."""
    try:
        call = ast.unparse(node)
    except RecursionError:
        call = f"{_dotted(node.func) or '?'}(...)"
    return call if len(call) <= 60 else call[:57] + "..."


def _setting_name(node: ast.expr | None) -> str:
    """``X`` of ``settings.X`` / ``conf.X`` / ``getattr(settings, "X")``: an upper-case setting."""
    name = ""
    if isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Call) and _dotted(node.func) == "getattr" and len(node.args) >= 2:
        key = node.args[1]
        name = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""
    return name if name.isupper() and name.isidentifier() else ""


def _dotted(node: ast.AST) -> str:
    """``a.b.c`` for a name or a chain of attributes of a name, else ``""`` (iterative: a
    chain of thousands of attributes is fine)."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id, *reversed(attrs)])


def _handler_names(handler: ast.ExceptHandler) -> frozenset[str]:
    """Last dotted component of each class an ``except`` clause names; empty for bare except."""
    if handler.type is None:
        return frozenset()
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return frozenset(_dotted(t).rsplit(".", 1)[-1] or "?" for t in types)


def _is_type_checking(test: ast.expr) -> bool:
    return _dotted(test).rsplit(".", 1)[-1] == "TYPE_CHECKING"


def _is_main_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    sides = [test.left, *test.comparators]
    names = {_dotted(s) for s in sides}
    values = {s.value for s in sides if isinstance(s, ast.Constant)}
    return "__name__" in names and "__main__" in values
