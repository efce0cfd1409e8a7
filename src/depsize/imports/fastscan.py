"""A string-aware scanner for import statements that needs no full parse.

Regular expressions (run in C) find the triple-quoted strings, the lines that start an import,
the block headers above indented imports, ``import_module("x")`` calls, ``__main__`` guards and
URL literals. :func:`scan_text` returns ``None`` whenever the file holds anything it does not
handle exactly (tabs in indentation, ``try: import x`` one-liners, unbalanced brackets,
unterminated strings, Python 2 idioms, conflict markers, ...): the caller then falls back to the
``ast`` walk, which also reports syntax errors with their line. Its results match the ``ast``
walk's on every file it accepts; ``tests/unit/imports`` checks that on the fixtures.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from depsize.imports.model import FileScan, ImportKind, RawImport, UrlLiteral
from depsize.imports.schemes import URL_BEFORE as _URL_BEFORE

_Q = r'"(?!"")[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*"'
_A = r"'(?!'')[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*'"
_TO_TRIPLE = re.compile(
    rf"""(?:[^"'#]+|#[^\n]*|{_Q}|{_A})*(?:(?P<q>\"\"\"|''')|(?P<bad>["'])|\Z)"""
)
_TRIPLE_END = {
    '"""': re.compile(r'[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'),
    "'''": re.compile(r"[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"),
}
_STRINGS_AND_COMMENTS = re.compile(
    rf"""\"\"\"[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*\"\"\""""
    rf"""|'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''|{_Q}|{_A}|#[^\n]*"""
)
_IMPORT_WORD = re.compile(r"import\b")  # a literal first: the regex engine then skips ahead fast
_FROM_PREFIX = re.compile(r"from[ \t]*(\.*)[ \t]*([^\W\d][\w.]*)?[ \t]+")
_ONE_LINER = re.compile(r"[:;][ \t]*(?:from[ \t]*[.\w]+[ \t]+)?$")
_PY2 = (
    re.compile(r"print[ \t]+[\"'\w]"),
    re.compile(r"exec[ \t]+[\"']"),
    re.compile(r"except[ \t]+[\w.]+[ \t]*,[ \t]*\w+[ \t]*:"),
    re.compile(r"raise[ \t]+\w+[ \t]*,"),
)
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
_CONFLICT = re.compile(r"^(?:<{7}|>{7}|={7})(?: |$)", re.MULTILINE)
_HEADER = re.compile(
    r"\n([ \t]*)(def|async|class|try|except|finally|else|elif|if|with|for|while|match|case)\b"
)
_AMBIGUOUS = frozenset({"if", "for", "else", "match", "case", "async"})
_TYPE_CHECKING = re.compile(r"[ \t(]+(?:[\w.]+\.)?TYPE_CHECKING[ \t)]*:")
_EXCEPT = re.compile(r"[ \t]*except\*?[ \t]*(?P<types>[^:]*):")
_DYNAMIC = (
    re.compile(r"import_module\(\s*(?P<q>['\"])(?P<name>[\w.]+)(?P=q)"),
    re.compile(r"__import__\(\s*(?P<q>['\"])(?P<name>[\w.]+)(?P=q)"),
)
_IMPORTLIB_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+importlib[ \t]+import[^\n]*\bimport_module\b", re.M
)
_MAIN_GUARD = re.compile(
    r"^if[ \t(]+(?:__name__[ \t]*==[ \t]*(['\"])__main__\1|(['\"])__main__\2[ \t]*==[ \t]*__name__)"
    r"[ \t)]*:",
    re.MULTILINE,
)
_PAREN_BODY = re.compile(r"[^)#]*(?:#[^\n]*\n[^)#]*)*\)")
_NAME = re.compile(r"[^\W\d][\w]*(?:\.[^\W\d]\w*)*|\*")
_GUARDS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_FALLBACKS = frozenset({"ImportError", "ModuleNotFoundError"})


_TOP: tuple[ImportKind, bool] = ("runtime", False)


class _Unsupported(Exception):
    """Raised inside the scanner when the file needs the ``ast`` fallback."""


@dataclass
class _Header:
    pos: int
    indent: int
    keyword: str
    rest: str


class _Lines:
    """Line number of a position; cheap when positions mostly increase."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1

    def at(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def scan_text(text: str) -> FileScan | None:
    """Imports, guard and URL literals of ``text``, or ``None`` to ask for the ``ast`` walk."""
    try:
        return _Scanner(text).scan()
    except _Unsupported:
        return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _Lines(text)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._headers: list[_Header] | None = None
        self._header_pos: list[int] = []

    def scan(self) -> FileScan:
        text = self.text
        self._check_unusual()
        self._find_triple_strings()
        self._check_brackets()
        self._check_python2()
        imports = self._statements() if "import" in text else []
        if "import_module" in text or "__import__" in text:
            imports.extend(self._dynamic())
            imports.sort(key=lambda r: r.line)
        urls = self._urls() if "://" in text else ()
        guard = "__main__" in text and any(
            not self._in_string(m.start()) for m in _MAIN_GUARD.finditer(text)
        )
        return FileScan(imports=tuple(imports), main_guard=guard, urls=urls)

    def _check_unusual(self) -> None:
        text = self.text
        if "\t" in text and _TAB_INDENT.search(text):
            raise _Unsupported
        if ("<<<<<<<" in text or ">>>>>>>" in text) and _CONFLICT.search(text):
            raise _Unsupported

    def _check_python2(self) -> None:
        for pattern in _PY2:
            for match in pattern.finditer(self.text):
                if not self._in_string(match.start()) and not self._prefix(match.start()).strip():
                    raise _Unsupported

    def _prefix(self, pos: int) -> str:
        return self.text[self.text.rfind("\n", 0, pos) + 1 : pos]

    def _find_triple_strings(self) -> None:
        text, pos, end = self.text, 0, len(self.text)
        while pos < end:
            match = _TO_TRIPLE.match(text, pos)
            if match is None or match["bad"]:
                raise _Unsupported
            quote = match["q"]
            if not quote:
                return
            closing = _TRIPLE_END[quote].match(text, match.end())
            if closing is None:
                raise _Unsupported
            self.starts.append(match.start("q"))
            self.ends.append(closing.end())
            pos = closing.end()

    def _check_brackets(self) -> None:
        code = _STRINGS_AND_COMMENTS.sub("", self.text)
        if '"' in code or "'" in code:
            raise _Unsupported
        for opening, closing in ("()", "[]", "{}"):
            if code.count(opening) != code.count(closing):
                raise _Unsupported

    def _in_string(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def _statements(self) -> list[RawImport]:
        found: list[RawImport] = []
        text = self.text
        for match in _IMPORT_WORD.finditer(text):
            pos = match.start()
            if pos and (text[pos - 1].isalnum() or text[pos - 1] in "_."):
                continue
            line_start = text.rfind("\n", 0, pos) + 1
            prefix = text[line_start:pos]
            stripped = prefix.lstrip(" ")
            if stripped and not stripped.startswith("from"):
                if _ONE_LINER.search(prefix) and not self._in_string(pos):
                    raise _Unsupported
                continue
            if self._in_string(pos):
                continue
            found.extend(self._statement(line_start, len(prefix) - len(stripped), pos))
        return found

    def _statement(self, line_start: int, indent: int, pos: int) -> list[RawImport]:
        text = self.text
        if line_start >= 2 and text[line_start - 2] == "\\":
            raise _Unsupported
        start = line_start + indent
        if start < pos:
            head = _FROM_PREFIX.fullmatch(text, start, pos)
            if head is None:
                raise _Unsupported
            level, module = len(head[1]), head[2] or ""
        else:
            level, module = 0, ""
        body, after = _statement_body(text, pos + len("import"))
        if after:
            raise _Unsupported
        names = _names(body)
        line = self.lines.at(start)
        kind, lazy = self._context(start, indent) if indent else _TOP
        if start < pos:
            return [RawImport(module, level, names, line, kind, lazy)]
        if "*" in names:
            raise _Unsupported
        return [RawImport(name, 0, (), line, kind, lazy) for name in names]

    def _headers_list(self) -> list[_Header]:
        if self._headers is None:
            text = "\n" + self.text
            self._headers = [
                _Header(m.start(2) - 1, len(m[1]), m[2], "")
                for m in _HEADER.finditer(text)
                if not self._in_string(m.start(2) - 1)
            ]
            self._header_pos = [h.pos for h in self._headers]
        return self._headers

    def _rest(self, header: _Header) -> str:
        if not header.rest:
            start = header.pos + len(header.keyword)
            end = self.text.find("\n", start)
            header.rest = self.text[start : end if end >= 0 else len(self.text)] or " "
        return header.rest

    def _context(self, pos: int, indent: int) -> tuple[ImportKind, bool]:
        headers = self._headers_list()
        i = bisect_right(self._header_pos, pos) - 1
        level = indent
        lazy = guarded = type_checking = False
        while level > 0:
            if i < 0:
                raise _Unsupported
            header = headers[i]
            i -= 1
            if header.indent >= level or not _is_header(header.keyword, self._rest(header)):
                continue
            level = header.indent
            word, rest = header.keyword, header.rest
            if word == "def" or (word == "async" and rest.lstrip().startswith("def")):
                lazy = True
            elif word == "try":
                guarded = guarded or self._try_guards(pos, header.indent)
            elif word == "except":
                guarded = guarded or bool(self._except_names(header) & _FALLBACKS)
            elif word == "if" and _TYPE_CHECKING.match(rest):
                type_checking = True
        kind: ImportKind = (
            "type-checking" if type_checking else "conditional" if guarded else "runtime"
        )
        return kind, lazy

    def _try_guards(self, pos: int, indent: int) -> bool:
        """Whether the ``except`` clauses of the ``try`` (at ``indent``, around ``pos``) guard."""
        headers = self._headers_list()
        j = bisect_right(self._header_pos, pos)
        while j < len(headers):
            header = headers[j]
            j += 1
            if header.indent > indent or not _is_header(header.keyword, self._rest(header)):
                continue
            if header.indent < indent or header.keyword != "except":
                return False
            names = self._except_names(header)
            if not names or names & _GUARDS:
                return True
        return False

    def _except_names(self, header: _Header) -> frozenset[str]:
        match = _EXCEPT.match(self.text, header.pos, header.pos + 2000)
        if match is None:
            raise _Unsupported
        types = re.sub(r"\bas\s+\w+\s*$", "", match["types"].strip())
        return frozenset(n.rsplit(".", 1)[-1] for n in _NAME.findall(types))

    def _dynamic(self) -> list[RawImport]:
        text = self.text
        plain_allowed = bool(_IMPORTLIB_IMPORT.search(text))
        found = []
        for pattern in _DYNAMIC:
            for match in pattern.finditer(text):
                start, name = match.start(), match["name"]
                prefix = self._prefix(start)
                if not _dynamic_call(prefix, pattern is _DYNAMIC[0], plain_allowed):
                    continue
                if name.startswith(".") or self._in_string(start) or "#" in prefix:
                    continue
                indent = len(prefix) - len(prefix.lstrip(" "))
                kind, lazy = self._context(start - len(prefix), indent) if indent else _TOP
                kind = "type-checking" if kind == "type-checking" else "dynamic"
                found.append(RawImport(name, 0, (), self.lines.at(start), kind, lazy))
        return found

    def _urls(self) -> tuple[UrlLiteral, ...]:
        text, found = self.text, []
        pos = text.find("://")
        while pos >= 0:
            match = _URL_BEFORE.search(text, max(0, pos - 40), pos)
            if match and "#" not in self._prefix(match.start()):
                found.append(UrlLiteral(match["scheme"], self.lines.at(match.start())))
            pos = text.find("://", pos + 3)
        return tuple(found)


def _dynamic_call(prefix: str, is_import_module: bool, plain_allowed: bool) -> bool:
    """Whether the call's name is really ``importlib.import_module`` or ``__import__``."""
    if not is_import_module:
        return not prefix or not (prefix[-1].isalnum() or prefix[-1] in "_.")
    if prefix.endswith("importlib."):
        before = prefix[: -len("importlib.")]
        return not before or not (before[-1].isalnum() or before[-1] in "_.")
    return plain_allowed and (not prefix or not (prefix[-1].isalnum() or prefix[-1] in "_."))


def _in_comment(text: str, pos: int) -> bool:
    return "#" in text[text.rfind("\n", 0, pos) + 1 : pos]


def _statement_body(text: str, start: int) -> tuple[str, bool]:
    """The names part of an import statement, and whether code follows it on its line."""
    rest_start = start
    while text.startswith((" ", "\t"), rest_start):
        rest_start += 1
    if text.startswith("(", rest_start):
        group = _PAREN_BODY.match(text, rest_start + 1)
        if group is None:
            raise _Unsupported
        close = group.end() - 1
        inner = re.sub(r"#[^\n]*", "", text[rest_start + 1 : close])
        tail_end = text.find("\n", close)
        tail = text[close + 1 : tail_end if tail_end >= 0 else len(text)]
        return inner, _code_after(tail)
    end = text.find("\n", start)
    line = text[start : end if end >= 0 else len(text)]
    if line.rstrip().endswith("\\"):
        raise _Unsupported
    code = line.split("#", 1)[0]
    if ";" in code:
        code, after = code.split(";", 1)
        return code, _code_after(after)
    return code, False


def _code_after(tail: str) -> bool:
    code = tail.split("#", 1)[0].strip()
    return bool(code.strip(";").strip())


def _names(body: str) -> tuple[str, ...]:
    names = []
    for item in body.split(","):
        parts = item.split()
        if not parts:
            continue
        if len(parts) not in (1, 3) or (len(parts) == 3 and parts[1] != "as"):
            raise _Unsupported
        if not _NAME.fullmatch(parts[0]):
            raise _Unsupported
        names.append(parts[0])
    if not names:
        raise _Unsupported
    return tuple(names)


def _is_header(keyword: str, rest: str) -> bool:
    """Whether a line starting with ``keyword`` opens a block (not a comprehension's ``for``)."""
    if keyword not in _AMBIGUOUS:
        return True
    rest = rest.rstrip()
    if keyword == "else":
        return rest.lstrip().startswith(":")
    code = rest.split("#", 1)[0].rstrip() if "#" in rest else rest
    if code.endswith(":") or rest.endswith(":"):
        return True
    if keyword in ("match", "case"):
        return False
    return code.count("(") + code.count("[") > code.count(")") + code.count("]")
