"""What the lines around an import in a used distribution's code say about it.

The scanners (:mod:`depsize.imports.fastscan`) tell an import's kind; these line-based reads add
what the used-by-dependency pass needs on top, only for the few imports of a candidate found:
whether the ``except`` clause of a guarding ``try`` re-raises (the library then needs the
package), whether an ``if "x" in sys.modules`` guard means the library only touches a module
something else loaded, whether it runs only when a pytest ini key is set, and whether a
``setup.py`` inside site-packages is a build script.
"""

from __future__ import annotations

import re
from collections.abc import Collection

HANDLER_LINES = 200
"""Lines of an ``except`` clause read for a ``raise``: FastAPI's ``ensure_multipart_is_installed``
raises on the 15th line of its handler, inside a nested ``try``."""

_HEADER_LINES = 10
"""Lines an ``if`` header may span (a parenthesised condition)."""

_CATCHES_IMPORT_ERROR = frozenset(
    {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
)
_EXCEPT = re.compile(r"except\*?\s*(?P<types>[^:]*):")
_NAME = re.compile(r"[A-Za-z_][\w.]*")
_RAISE = re.compile(r"raise\b")
_BLOCK_WORD = re.compile(r"(?P<word>[a-z]+)\b")
_LOADED = re.compile(
    r"""(?P<not>\bnot\s+)?(?P<q>["'])(?P<name>[\w.]+)(?P=q)\s+in\s+(?P<sys>sys\s*\.\s*)?modules\b"""
)
_OR = re.compile(r"\bor\b")
_LOOKED_THROUGH = frozenset({"try", "except", "finally", "with", "for", "while", "async"})
_FROM_SYS_MODULES = re.compile(rb"^\s*from\s+sys\s+import\s+[^\n#]*\bmodules\b", re.M)
_SETUP_CALL = re.compile(rb"^(?:setuptools\.|distutils\.core\.)?setup\s*\(", re.M)
_VERSION_GATE = re.compile(
    r"if\s+\(?\s*sys\.version_info(?:\[:2\])?\s*(?P<op>>=|<=|==|!=|>|<)\s*"
    r"\(\s*(?P<major>\d+)\s*,\s*(?P<minor>\d+)\s*\)\s*\)?\s*:$"
)
_GETINI = re.compile(r"""\bgetini\(\s*(?P<q>["'])(?P<key>[\w.-]+)(?P=q)\s*\)""")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_DYNAMIC_CALL = re.compile(r"\b(?:import_module|__import__|importorskip)\s*\(")


def is_build_script(rel: str, data: bytes) -> bool:
    """A ``setup.py`` whose module level calls ``setup(``: a build script shipped inside a
    package (``ruamel/yaml/clibz/setup.py``), which nothing imports at run time. A module named
    ``setup`` that calls no ``setup(`` at its top is library code."""
    return rel.rsplit("/", 1)[-1] == "setup.py" and _SETUP_CALL.search(data) is not None


def names_bare_modules(data: bytes) -> bool:
    """Whether the file does ``from sys import modules``: a bare ``modules`` is then
    ``sys.modules``."""
    return b"modules" in data and _FROM_SYS_MODULES.search(data) is not None


def is_dynamic_call(text: str) -> bool:
    """Whether the line is a dynamic import call (``__import__("x")``), not a statement."""
    stripped = text.lstrip()
    return not stripped.startswith(("import ", "from ")) and bool(_DYNAMIC_CALL.search(text))


def handler_raises(lines: list[str], line: int, python: tuple[int, int] | None = None) -> bool:
    """Whether an ``except`` clause that catches ``ImportError`` after the import on ``line``
    raises anywhere in its body, nested blocks included: ``try: import httpx except
    ImportError: raise RuntimeError(...)`` needs the package as much as a plain import. With
    ``python`` (the scanned interpreter's version), a ``raise`` under ``if sys.version_info >=
    (3, 12):`` counts only where that holds (cffi needs setuptools from Python 3.12 on)."""
    indent = _indent(lines[line - 1]) if 0 < line <= len(lines) else 0
    for j in range(line, min(len(lines), line + HANDLER_LINES)):
        text = lines[j].strip()
        if not text or text.startswith("#"):
            continue
        level = _indent(lines[j])
        if level >= indent:
            continue
        return _clauses_raise(lines, j, level, python)
    return False


def _clauses_raise(
    lines: list[str], header: int, level: int, python: tuple[int, int] | None
) -> bool:
    """Whether one of the ``except`` clauses from ``header`` on (at ``level``) that catches
    ``ImportError`` raises."""
    while header < len(lines):
        text = lines[header].strip()
        if not text.startswith("except") or _indent(lines[header]) != level:
            return False
        text, last = _header(lines, header)
        end, raises = _body(lines, last, level, python)
        if raises and _catches_import_error(text):
            return True
        header = end
    return False


def _body(
    lines: list[str], header: int, level: int, python: tuple[int, int] | None = None
) -> tuple[int, bool]:
    """Where the block under the header ending on ``header`` ends (the next line at ``level``
    or less) and whether a line of it starts with ``raise``, outside any ``if
    sys.version_info`` block that is false for ``python``."""
    raises = False
    gates: list[tuple[int, bool]] = []
    """(indent of an ``if sys.version_info`` header, whether its block runs here)."""
    last = min(len(lines), header + 1 + HANDLER_LINES)
    for k in range(header + 1, last):
        text = lines[k].strip()
        if not text or text.startswith("#"):
            continue
        indent = _indent(lines[k])
        if indent <= level:
            return k, raises
        while gates and indent <= gates[-1][0]:  # the gated block ended here
            at, holds = gates.pop()
            if indent == at and text.replace(" ", "") == "else:":
                gates.append((at, not holds))
                break
        gate = _VERSION_GATE.match(text) if python is not None else None
        if gate is not None:
            gates.append((indent, _version_holds(python or (3, 0), gate)))
            continue
        if all(holds for _, holds in gates):
            raises = raises or _RAISE.match(text) is not None
    return last, raises


def _version_holds(python: tuple[int, int], gate: re.Match[str]) -> bool:
    """``sys.version_info OP (major, minor)`` for the scanned interpreter."""
    wanted = (int(gate["major"]), int(gate["minor"]))
    return {
        ">=": python >= wanted,
        ">": python > wanted,
        "<": python < wanted,
        "<=": python <= wanted,
        "==": python == wanted,
        "!=": python != wanted,
    }[gate["op"]]


def _catches_import_error(header: str) -> bool:
    """Whether the ``except`` header catches ``ImportError``: bare, ``Exception``, the error or
    its subclass, alone or in a tuple. A header that cannot be read counts as catching it."""
    match = _EXCEPT.match(header)
    types = re.sub(r"\bas\s+\w+\s*$", "", match["types"].strip() if match else "")
    names = {n.rsplit(".", 1)[-1] for n in _NAME.findall(types)}
    return not names or bool(names & _CATCHES_IMPORT_ERROR)


def under_loaded_guard(lines: list[str], line: int, names: Collection[str], bare: bool) -> bool:
    """Whether the nearest ``if`` around the import on ``line`` tests that one of ``names`` is
    already in ``sys.modules`` (``modules`` when ``bare``): the library then only touches a
    module something else loaded (pytest's ``if "pkg_resources" in sys.modules: import
    pkg_resources``). ``try``, ``with`` and loops between them are looked through; a function,
    class or ``else`` ends the search."""
    j = _enclosing_if(lines, line)
    return j is not None and _tests_loaded(_header(lines, j)[0], names, bare)


def ini_gate(lines: list[str], line: int) -> str | None:
    """The pytest ini key whose value the nearest ``if`` around the import on ``line`` tests,
    if it does: ``if config.getini("x"):``, or ``if flag:`` where ``flag`` is assigned from
    ``getini("x")`` earlier in the same function (pytest-mock imports the ``mock`` backport
    only when ``mock_use_standalone_module`` is set). ``None`` for any other condition."""
    j = _enclosing_if(lines, line)
    if j is None:
        return None
    condition = _header(lines, j)[0].split(None, 1)[-1].rstrip(":").strip()
    if _OR.search(condition) or condition.startswith("not"):
        return None
    found = _GETINI.search(condition)
    if found:
        return found["key"]
    return _assigned_from_getini(lines, j, condition) if _IDENTIFIER.fullmatch(condition) else None


def _assigned_from_getini(lines: list[str], j: int, name: str) -> str | None:
    """The ini key of ``getini("key")`` in the last assignment to ``name`` above line index
    ``j`` within the same function, if any."""
    assign = re.compile(rf"^\s*{re.escape(name)}\s*=(?!=)")
    level = _indent(lines[j])
    for k in range(j - 1, -1, -1):
        text = lines[k].strip()
        if text and not text.startswith("#") and _indent(lines[k]) < level:
            if text.startswith(("def ", "async def ", "class ")):
                return None
            level = _indent(lines[k])
        if assign.match(lines[k]):
            first = lines[k]
            balanced = sum(first.count(c) for c in "([{") == sum(first.count(c) for c in ")]}")
            statement = first if balanced else " ".join(lines[k : k + _HEADER_LINES])
            found = _GETINI.search(statement[: _statement_end(statement)])
            return found["key"] if found else None
    return None


def _statement_end(text: str) -> int:
    """Where the statement at the start of ``text`` (lines joined by spaces) ends: at the first
    point its brackets are balanced after an ``=``, or the whole text."""
    depth = 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _enclosing_if(lines: list[str], line: int) -> int | None:
    """The index of the line that opens the nearest ``if``/``elif`` around ``line``; ``try``,
    ``with`` and loops are looked through, a function, class or ``else`` ends the search."""
    level = _indent(lines[line - 1]) if 0 < line <= len(lines) else 0
    j = line - 1
    while level > 0 and j > 0:
        j -= 1
        text = lines[j].strip()
        if not text or text.startswith("#") or _indent(lines[j]) >= level:
            continue
        level = _indent(lines[j])
        if text.startswith(")"):  # the end of a header split over lines: go to its start
            j = _opening(lines, j, level)
            text = lines[j].strip()
        word = _BLOCK_WORD.match(text)
        keyword = word["word"] if word else ""
        if keyword in ("if", "elif"):
            return j
        if keyword not in _LOOKED_THROUGH or (
            keyword == "async" and not text.startswith(("async with", "async for"))
        ):
            return None
    return None


def _opening(lines: list[str], close: int, level: int) -> int:
    """The line (index) above ``close`` at ``level`` that opens the header it closes."""
    for k in range(close - 1, max(close - _HEADER_LINES, 0) - 1, -1):
        text = lines[k].strip()
        if text and not text.startswith("#") and _indent(lines[k]) == level:
            return k
    return close


def _header(lines: list[str], start: int) -> tuple[str, int]:
    """The block header from line index ``start``, its continuation lines joined, and the
    index of its last line (the one ending with ``:``)."""
    parts = []
    last = start
    for last in range(start, min(len(lines), start + _HEADER_LINES)):
        parts.append(lines[last].split("#", 1)[0].strip())
        if parts[-1].endswith(":"):
            break
    return " ".join(parts), last


def _tests_loaded(header: str, names: Collection[str], bare: bool) -> bool:
    """Whether the ``if`` condition requires a module of ``names`` in ``sys.modules``: that
    test, possibly ``and``-ed with others; never under ``or`` or ``not``."""
    condition = header.split(None, 1)[1] if " " in header else ""
    if _OR.search(condition) or condition.startswith("not"):
        return False
    return any(
        m["name"] in names and not m["not"] and (m["sys"] or bare)
        for m in _LOADED.finditer(condition)
    )


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def import_spellings(module: str) -> tuple[str, ...]:
    """How code names ``module`` to import it: dotted in full (``import a.b``, ``from a.b
    import x``, a string) or as ``from a import b``."""
    parent, _, leaf = module.rpartition(".")
    return (module, f"from {parent} import {leaf}") if parent else (module,)
