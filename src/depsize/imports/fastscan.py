"""A string-aware scanner for import statements that needs no full parse.

Regular expressions (run in C) find the triple-quoted strings, the lines that start an import,
the block headers above indented imports, ``import_module("x")`` / ``__import__("x")`` /
``pytest.importorskip("x")`` calls, ``__main__`` guards and URL literals. :func:`scan_text`
returns ``None`` whenever the file holds anything it does not handle exactly (tabs in
indentation, ``try: import x`` one-liners, unbalanced brackets, unterminated strings, Python 2
idioms, conflict markers, identifiers that NFKC normalisation changes, a dynamic import call
written unusually, ...): the caller then falls back to the
``ast`` walk, which also reports syntax errors with their line. Its results match the ``ast``
walk's on every file it accepts; ``tests/unit/imports`` checks that on the fixtures.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from depsize.imports.literals import STRINGS_AND_COMMENTS as _STRINGS_AND_COMMENTS
from depsize.imports.literals import A as _A
from depsize.imports.literals import Lines as _Lines
from depsize.imports.literals import Q as _Q
from depsize.imports.literals import closing_paren, name_literals
from depsize.imports.literals import string_prefix as _string_prefix
from depsize.imports.model import FileScan, ImportKind, OpenLoad, RawImport, UrlLiteral
from depsize.imports.schemes import URL_BEFORE as _URL_BEFORE

_TO_TRIPLE = re.compile(
    rf"""(?:[^"'#]+|#[^\n]*|{_Q}|{_A})*(?:(?P<q>\"\"\"|''')|(?P<bad>["'])|\Z)"""
)
_TRIPLE_END = {
    '"""': re.compile(r'[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'),
    "'''": re.compile(r"[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"),
}
_IMPORT_WORD = re.compile(r"import\b")  # a literal first: the regex engine then skips ahead fast
_FROM_PREFIX = re.compile(r"from[ \t]*(\.*)[ \t]*(?:([^\W\d][\w.]*)[ \t]+)?")
_ONE_LINER = re.compile(r"[:;][ \t]*(?:from[ \t]*\.*[ \t]*(?:[^\W\d][\w.]*[ \t]+)?)?$")
_PY2 = (
    ("print", re.compile(r"print[ \t]+[\"'\w]")),
    ("exec", re.compile(r"exec[ \t]+[\"']")),
    ("except", re.compile(r"except[ \t]+[\w.]+[ \t]*,[ \t]*\w+[ \t]*:")),
    ("raise", re.compile(r"raise[ \t]+\w+[ \t]*,")),
)
"""Python 2 statements, by the word they start with: ``str.find`` looks for the word, faster
than the regular expression's own search for it."""
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
_CONFLICT = re.compile(r"^(?:<{7}|>{7}|={7})(?: |$)", re.MULTILINE)
_HEADER = re.compile(  # the lookahead lets most lines fail on their first letter
    r"\n([ \t]*)(?=[acdefimtw])"
    r"(def|async|class|try|except|finally|else|elif|if|with|for|while|match|case)\b"
)
_AMBIGUOUS = frozenset({"if", "for", "else", "match", "case", "async"})
_TYPE_CHECKING = re.compile(r"[ \t(]+(?:[\w.]+\.)?TYPE_CHECKING[ \t)]*:")
_EXCEPT = re.compile(r"[ \t]*except\*?[ \t]*(?P<types>[^:]*):")
_DYNAMIC = re.compile(r"(?P<func>import_module|__import__|importorskip)(?!\w)")
_DYNAMIC_MODULES = {"import_module": "importlib", "importorskip": "pytest"}
"""The module a dynamic import function is an attribute of (``__import__`` is a builtin)."""
_ARGUMENT_START = re.compile(
    r"[ \t]*(?:(?P<open>\()\s*(?:"
    r"(?P<literal>[rRuU]?(?P<q>['\"])(?P<name>[\w.]+)(?P=q))"
    r"|(?P<string>[rRbBuUfF]{0,2})['\"]"
    r"|(?P<other>[^\s(#\\])"
    r")?|(?P<end>[#\r\n]|\Z)|(?P<cont>\\)|(?P<not_call>.))"
)
"""What follows a dynamic import function's name. A call: its first argument a plain literal
(``literal``, ``name``), another string literal (``string``: its prefix), something else that
starts an expression, never a ``str`` literal (``other``: a name, ``)``, ``*``, ...), or neither
(``open`` alone: a bracket, comment or continuation that may hide a literal). Else the line
ends (``end``: a call only inside brackets), continues (``cont``) or goes on (``not_call``)."""
_ARGUMENT_END = re.compile(r"(?:\s|\\\n|#[^\n]*)*(?:(?P<end>[,)])|(?P<more>[rRbBuUfF]{0,2}['\"]))")
"""What follows a call's first literal: ``,`` or ``)`` (the argument is that literal), another
literal (implicitly concatenated: declined), or anything else (an expression: not a literal)."""
_STRING = re.compile(f"{_Q}|{_A}")
_CODE_RUN = re.compile(rf"""[^"'#]*(?:(?:{_Q}|{_A})[^"'#]*)*""")
"""Code and complete one-line strings, no comment: ``fullmatch`` tells a position is in code."""
_FIELD_UNCLEAR = re.compile(r"""["'\\]|\{\{|\}\}""")
"""What can make an f-string's braces miscount its replacement fields: a nested string, an
escape, a doubled brace."""
_BLOCK_START = re.compile(
    r"[ \t]*(?:def|async|class|try|except|finally|else|elif|if|with|for|while|match|case)\b"
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
_WORK_PER_CHAR = 8
_WORK_FLOOR = 1 << 20
"""The scanner's budget of per-match work: this many characters per character of the file,
plus the floor (see ``_Scanner._charge``). Real files use a small part of it."""


class _Unsupported(Exception):
    """Raised inside the scanner when the file needs the ``ast`` fallback."""


def scan_text(text: str, *, lenient: bool = False) -> FileScan | None:
    """Imports, guard and URL literals of ``text``, or ``None`` to ask for the ``ast`` walk.

    ``lenient`` skips the Python 2 checks: for a file the running interpreter's parser rejects
    that may be newer Python (PEP 758 ``except A, B:`` reads like Python 2's ``except A, e:``);
    import statements themselves have not changed.
    """
    try:
        return _Scanner(text, lenient=lenient).scan()
    except _Unsupported:
        return None


class _Scanner:
    def __init__(self, text: str, *, lenient: bool = False) -> None:
        self.text = text
        self.lenient = lenient
        self.lines = _Lines(text)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._headers: list[re.Match[str]] | None = None
        self._words: dict[int, str | None] = {}
        self._plain_from = dict.fromkeys(_DYNAMIC_MODULES, len(text) + 1)
        """Where ``from importlib import import_module`` (``from pytest import importorskip``)
        first stands: the bare name is a dynamic import function after it."""
        self.opens: list[OpenLoad] = []
        self._up: dict[int, int] = {}
        self._down: dict[int, int] = {}
        self._work = 0
        self._budget = _WORK_PER_CHAR * len(text) + _WORK_FLOOR
        """Characters the per-match steps below may look at in all (a line's prefix, the
        rest of a header's line, the code before a name): many matches on one very long line
        would make that quadratic, so past the budget the file goes to the ``ast`` walk."""

    def _charge(self, chars: int) -> None:
        self._work += chars
        if self._work > self._budget:
            raise _Unsupported

    def scan(self) -> FileScan:
        text = self.text
        self._check_unusual()
        self._check_brackets()
        self._find_triple_strings()
        if not self.lenient:
            self._check_python2()
        imports = self._statements() if "import" in text else []
        if "import_module" in text or "__import__" in text or "importorskip" in text:
            imports.extend(self._dynamic())
            imports.sort(key=lambda r: r.line)
        urls = self._urls() if "://" in text else ()
        guard = "__main__" in text and any(
            not self._in_string(m.start()) for m in _MAIN_GUARD.finditer(text)
        )
        opens = tuple(self.opens)
        table = name_literals(text) if any(not o.prefix for o in opens) else ()
        return FileScan(
            imports=tuple(imports), main_guard=guard, urls=urls, open_loads=opens, table=table
        )

    def _check_unusual(self) -> None:
        text = self.text
        if "\t" in text and _TAB_INDENT.search(text):
            raise _Unsupported
        if ("<<<<<<<" in text or ">>>>>>>" in text) and _CONFLICT.search(text):
            raise _Unsupported

    def _check_python2(self) -> None:
        text = self.text
        for word, pattern in _PY2:
            pos = text.find(word)
            while pos >= 0:
                if (
                    pattern.match(text, pos)
                    and not self._in_string(pos)
                    and not self._prefix(pos).strip()
                ):
                    raise _Unsupported
                pos = text.find(word, pos + 1)

    def _prefix(self, pos: int) -> str:
        start = self.text.rfind("\n", 0, pos) + 1
        self._charge(pos - start)
        return self.text[start:pos]

    def _find_triple_strings(self) -> None:
        """Spans of the triple-quoted strings; needs :meth:`_check_brackets` to have passed.

        Tokenizing the whole file is not needed: with every quote and ``#`` of the file inside a
        string or comment (checked by ``_check_brackets``), a line start that is outside a
        triple-quoted string and not continued by a backslash is outside any string, so the
        tokenizer starts at the line of the next triple quote and reaches the same verdict.
        """
        text = self.text
        pos, double, single = 0, text.find('"""'), text.find("'''")
        while double >= 0 or single >= 0:
            found = double if single < 0 or 0 <= double < single else single
            match = _TO_TRIPLE.match(text, _line_start(text, found, pos))
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
            if double >= 0 and double < pos:
                double = text.find('"""', pos)
            if single >= 0 and single < pos:
                single = text.find("'''", pos)

    def _check_brackets(self) -> None:
        code = _STRINGS_AND_COMMENTS.sub("", self.text)
        if '"' in code or "'" in code:
            raise _Unsupported
        if not code.isascii():
            import unicodedata  # lazy: only files with non-ASCII code need it

            if not unicodedata.is_normalized("NFKC", code):
                raise _Unsupported  # the parser NFKC-normalises identifiers (fullwidth letters)
        for opening, closing in ("()", "[]", "{}"):
            if code.count(opening) != code.count(closing):
                raise _Unsupported

    def _in_string(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def _statements(self) -> list[RawImport]:
        found: list[RawImport] = []
        text = self.text
        line_start, line_end = 0, -1
        for match in _IMPORT_WORD.finditer(text):
            pos = match.start()
            if pos and (text[pos - 1].isalnum() or text[pos - 1] == "_"):
                continue  # "from .import x" is fine: "import" is a keyword, never an attribute
            if pos > line_end:  # a new line: found once per line, not once per word
                line_start = text.rfind("\n", 0, pos) + 1
                line_end = text.find("\n", pos) % (len(text) + 1)
            self._charge(pos - line_start)
            prefix = text[line_start:pos]
            if "#" in prefix and '"' not in prefix and "'" not in prefix:
                continue  # after a comment sign, or inside a string that started earlier
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
            if not level and not module:
                raise _Unsupported
        else:
            level, module = 0, ""
        body, after = _statement_body(text, pos + len("import"))
        if after:
            raise _Unsupported
        names = _names(body)
        line = self.lines.at(start)
        kind, lazy = self._context(start, indent) if indent else _TOP
        if start < pos:
            for func, owner in _DYNAMIC_MODULES.items():
                if module == owner and func in names:  # the bare name now works
                    self._plain_from[func] = min(self._plain_from[func], start)
            return [RawImport(module, level, names, line, kind, lazy)]
        if "*" in names:
            raise _Unsupported
        return [RawImport(name, 0, (), line, kind, lazy) for name in names]

    def _headers_list(self) -> list[re.Match[str]]:
        """Every line that starts with a block keyword (matched in ``"\n" + text``).

        Kept as match objects, so the list is built in C; whether a header is real (not inside
        a string, not a comprehension's ``for``) is checked only for the few the walks visit.
        """
        if self._headers is None:
            self._headers = list(_HEADER.finditer("\n" + self.text))
        return self._headers

    def _word(self, index: int) -> str | None:
        """The keyword of header ``index`` if it really opens a block, else ``None``."""
        word = self._words.get(index, "")
        if word == "":
            match = self._headers_list()[index]
            pos, word = match.start(2) - 1, match[2]
            ambiguous = word in _AMBIGUOUS and not _is_header(word, self._rest(pos, word))
            if ambiguous or self._in_string(pos):
                word = None
            self._words[index] = word
        return word

    def _indent(self, index: int) -> int:
        match = self._headers_list()[index]
        return match.end(1) - match.start(1)

    def _find(self, index: int, bound: int, step: int) -> int:
        """From header ``index`` on (``step`` -1: backwards, 1: forwards), the first real header
        indented less than ``bound``; -1 or the header count when there is none.

        Each header passed over is linked to the first real header beyond it (same direction)
        indented less than itself: later walks jump over whole blocks through these links, where
        a plain walk would be quadratic (the imports in the methods of a big class).
        """
        count = len(self._headers_list())
        links = self._up if step < 0 else self._down
        path: list[int] = []
        while 0 <= index < count:
            if self._word(index) is None:
                index += step
            elif self._indent(index) < bound:
                break
            else:
                path.append(index)
                index = links.get(index, index + step)
        self._link(path, index, links)
        return index

    def _link(self, path: list[int], found: int, links: dict[int, int]) -> None:
        """Link each header of ``path`` to the first later one indented less than it, else to
        ``found`` (indented less than all of them): a next-smaller-element scan of the path."""
        stack: list[int] = []
        for index in reversed(path):
            bound = self._indent(index)
            while stack and self._indent(stack[-1]) >= bound:
                stack.pop()
            links[index] = stack[-1] if stack else found
            stack.append(index)

    def _rest(self, pos: int, keyword: str) -> str:
        start = pos + len(keyword)
        end = self.text.find("\n", start) % (len(self.text) + 1)
        self._charge(end - start)
        return self.text[start:end] or " "

    def _context(self, pos: int, indent: int) -> tuple[ImportKind, bool]:
        headers = self._headers_list()
        i = bisect_right(headers, pos + 1, key=_header_pos) - 1
        level = indent
        lazy = guarded = type_checking = False
        while level > 0:
            i = self._find(i, level, -1)
            if i < 0:
                raise _Unsupported
            word, level = self._word(i), self._indent(i)
            start = headers[i].start(2) - 1
            i -= 1
            if word in ("def", "async"):
                lazy = lazy or word == "def" or self._rest(start, word).lstrip().startswith("def")
            elif word == "try":
                guarded = guarded or self._try_guards(pos, level)
            elif word == "except":
                guarded = guarded or bool(self._except_names(start) & _FALLBACKS)
            elif word in ("if", "elif") and _TYPE_CHECKING.match(self._rest(start, word)):
                type_checking = True
        kind: ImportKind = (
            "type-checking" if type_checking else "conditional" if guarded else "runtime"
        )
        return kind, lazy

    def _try_guards(self, pos: int, indent: int) -> bool:
        """Whether the ``except`` clauses of the ``try`` (at ``indent``, around ``pos``) guard."""
        headers = self._headers_list()
        j = bisect_right(headers, pos + 1, key=_header_pos)
        while True:
            j = self._find(j, indent + 1, 1)
            if j >= len(headers) or self._indent(j) < indent or self._word(j) != "except":
                return False
            names = self._except_names(headers[j].start(2) - 1)
            if not names or names & _GUARDS:
                return True
            j += 1

    def _except_names(self, pos: int) -> frozenset[str]:
        match = _EXCEPT.match(self.text, pos, pos + 2000)
        if match is None:
            raise _Unsupported
        types = re.sub(r"\bas\s+\w+\s*$", "", match["types"].strip())
        return frozenset(n.rsplit(".", 1)[-1] for n in _NAME.findall(types))

    def _dynamic(self) -> list[RawImport]:
        """``import_module("x")`` / ``__import__("x")`` / ``pytest.importorskip("x")`` calls with a
        literal, as ``ast`` sees them.

        Every occurrence of those names is looked at: one that ``ast`` might count but that is
        not written in the plain form (``importlib .import_module``, ``__import__(("x"))``,
        ``__import__("a-b")``, a call split over lines, ...) makes the scanner decline. Runs after
        :meth:`_statements`, which finds where ``import_module`` / ``importorskip`` is imported.
        """
        text = self.text
        found = []
        depth = _Depth(text)
        next_lines = _Depth(text)
        for match in _DYNAMIC.finditer(text):
            start, func = match.start(), match["func"]
            if start and _is_name_char(text[start - 1]):
                continue  # the end of a longer name
            prefix = self._prefix(start)
            callee = _callee(prefix, func, start > self._plain_from.get(func, start))
            if callee is False:
                continue
            after = _ARGUMENT_START.match(text, match.end())
            if after is None or after["not_call"]:
                continue  # not a call
            if not self._in_code(start, name=True):
                continue
            literal = self._call_literal(after, next_lines) if _literal_first(after) else None
            if literal is None:
                if _is_computed(text, after, func):
                    self._computed(start, func, callee, prefix, after=after, depth=depth)
                continue
            if callee is None:
                raise _Unsupported  # ``ast`` may count this call: only the walk can tell
            line_start = start - len(prefix)
            self._check_statement_start(line_start, prefix, depth)
            indent = len(prefix) - len(prefix.lstrip(" "))
            kind, lazy = self._context(line_start, indent) if indent else _TOP
            kind = "dynamic" if kind == "runtime" else kind  # guarded: conditional
            found.append(RawImport(literal, 0, (), self.lines.at(start), kind, lazy))
        return found

    def _call_literal(self, after: re.Match[str], next_lines: _Depth) -> str | None:
        """The module imported by a dynamic import function's name (in code) followed by
        ``after`` (see ``_ARGUMENT_START``), ``None`` when it imports nothing; declines when it
        may import something not written in the plain form."""
        text = self.text
        if after["literal"]:
            name = after["name"]
            plain = not name.startswith(".") and _literal_argument(text, after.end())
            return name if plain else None
        if after["string"] is not None:  # another ``str`` literal: a whole argument?
            quote = after.end("string")
            triple = text.startswith(text[quote] * 3, quote)
            string = None if triple else _STRING.match(text, quote)
            if string is not None and _ARGUMENT_END.match(text, string.end()) is None:
                return None  # an expression such as ``"%s.x" % y``, no literal
        elif after["end"] is not None:  # the line ends: a call only inside brackets
            line_end = text.find("\n", after.start("end"))
            lone_cr = after["end"] == "\r" and line_end != after.end("end")
            if not lone_cr and (line_end < 0 or next_lines.at(line_end + 1) == 0):
                return None
        raise _Unsupported  # a bracket, comment or continuation may hide a literal

    def _computed(
        self,
        start: int,
        func: str,
        callee: bool | None,
        prefix: str,
        *,
        after: re.Match[str],
        depth: _Depth,
    ) -> None:
        """The open load of a dynamic import of a computed name at ``start``, as the walk
        records it: the call is cut out of the file and parsed alone. Declines unless the
        call is the only dynamic import name on lines that start its statement (the walk's
        order and context are then the text's)."""
        text = self.text
        opening = after.start("open")
        if callee is None or opening < 0:
            raise _Unsupported
        line_start = start - len(prefix)
        self._check_statement_start(line_start, prefix, depth)
        callee_name = f"{_DYNAMIC_MODULES[func]}.{func}" if prefix.endswith(".") else func
        close = self._closing(opening)
        line_end = text.find("\n", close) % (len(text) + 1)
        if len(_DYNAMIC.findall(text, line_start, line_end)) != 1:
            raise _Unsupported
        indent = len(prefix) - len(prefix.lstrip(" "))
        kind, lazy = self._context(line_start, indent) if indent else _TOP
        from depsize.imports.astscan import computed_load  # lazy: few files load by name

        source = text[start + len(func) - len(callee_name) : close + 1]
        load = computed_load(source, callee_name, self.lines.at(start), kind, lazy)
        if load is None:
            raise _Unsupported
        self.opens.append(load)

    def _closing(self, opening: int) -> int:
        """The position of the ``)`` that closes the bracket at ``opening``."""
        close = closing_paren(self.text, opening)
        if close < 0:
            raise _Unsupported
        self._charge(close - opening)
        return close

    def _in_code(self, pos: int, *, name: bool = False) -> bool:
        """Whether ``pos`` is outside every string and comment.

        Declines inside an f-string: its replacement fields hold code the walk would see. For
        the start of a ``name``, an f-string's literal text is told apart from its fields when
        what precedes ``pos`` in it is simple (no quote, backslash or doubled brace).
        """
        text = self.text
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.ends[i]:
            opening, body = self.starts[i], self.starts[i] + 3
        else:
            floor = self.ends[i] if i >= 0 else 0
            start = _line_start(text, pos, floor)
            self._charge(pos - start)
            run = _CODE_RUN.match(text, start, pos)
            if run is None or run.end() == pos:
                return run is not None
            opening = run.end()  # the quote (or ``#``) that opens what holds ``pos``
            body = opening + 1
        if text[opening] != "#" and "f" in _string_prefix(text, opening):
            before = text[body:pos]
            if not name or _FIELD_UNCLEAR.search(before):
                raise _Unsupported
            if before.count("{") != before.count("}"):
                raise _Unsupported  # in a replacement field
        return False

    def _check_statement_start(self, line_start: int, prefix: str, depth: _Depth) -> None:
        """Decline unless the line starts its statement, which is no block header's one-liner
        (the line's indentation then gives the call's block)."""
        text = self.text
        if self._in_string(line_start) or text.startswith("\\\n", max(line_start - 2, 0)):
            raise _Unsupported
        if depth.at(line_start) or _BLOCK_START.match(prefix):
            raise _Unsupported

    def _urls(self) -> tuple[UrlLiteral, ...]:
        text, found = self.text, []
        pos = text.find("://")
        while pos >= 0:
            match = _URL_BEFORE.search(text, max(0, pos - 40), pos)
            if match and self._opens_str_literal(match.start()):
                found.append(UrlLiteral(match["scheme"], self.lines.at(match.start())))
            pos = text.find("://", pos + 3)
        return tuple(found)

    def _opens_str_literal(self, quote: int) -> bool:
        """Whether the quote at ``quote`` opens a ``str`` literal (its value starts after it)."""
        i = bisect_right(self.starts, quote) - 1
        if i >= 0 and quote < self.ends[i]:  # in a triple-quoted string: its opening quotes?
            first = self.starts[i]
            return quote == first + 2 and "b" not in _string_prefix(self.text, first)
        return self._in_code(quote) and "b" not in _string_prefix(self.text, quote)


class _Depth:
    """Bracket depth at increasing code positions (line starts outside strings)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def at(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.depth = 0, 0
        code = _STRINGS_AND_COMMENTS.sub("", self.text[self.pos : pos])
        opened = code.count("(") + code.count("[") + code.count("{")
        self.depth += opened - code.count(")") - code.count("]") - code.count("}")
        self.pos = pos
        return self.depth


def _literal_argument(text: str, end: int) -> bool:
    """Whether the literal that ends at ``end`` is a whole argument (see ``_ARGUMENT_END``)."""
    after = _ARGUMENT_END.match(text, end)
    if after is not None and after["more"]:
        raise _Unsupported
    return after is not None


def _callee(prefix: str, func: str, plain_allowed: bool) -> bool | None:
    """Whether the name ``func`` after ``prefix`` (its line up to it) is the dynamic import
    function ``ast`` sees as ``importlib.import_module`` / ``pytest.importorskip`` /
    ``__import__``; ``None`` when it may be, written another way (spaces around the dot, the
    module in brackets or on an earlier line)."""
    code = prefix.rstrip(" \t")
    if not code.endswith("."):
        return func == "__import__" or plain_allowed
    module = _DYNAMIC_MODULES.get(func, "")  # ``x.__import__`` is never the builtin
    owner = code[:-1].rstrip(" \t")
    if module and (not owner or owner[-1] in ")]}"):  # on an earlier line, or in brackets
        return None if not owner or re.search(rf"\b{module}[\s()]*\)\Z", owner) else False
    before = owner[: -len(module)]
    if not module or not owner.endswith(module) or before.rstrip(" \t").endswith("."):
        return False  # another name, or an attribute of something else
    if before and _is_name_char(before[-1]):
        return False  # a longer name
    return True if prefix.endswith(f"{module}.") else None


def _literal_first(after: re.Match[str]) -> bool:
    """Whether a call's first argument may be a ``str`` literal."""
    return not after["other"] and not _not_str(after["string"])


def _is_computed(text: str, after: re.Match[str], func: str) -> bool:
    """Whether a call whose first argument is no plain literal is a dynamic import of a computed
    name (``import_module(name)``, ``"p." + x``, ``".".join(x)``): the walk records where such
    a call loads. ``importorskip`` loads nothing then, nor does a whole relative literal."""
    if func == "importorskip":
        return False
    if after["literal"]:
        return not _literal_argument(text, after.end())
    return not _literal_first(after) or after["string"] is not None


def _not_str(prefix: str | None) -> bool:
    """Whether a literal with this prefix (``None``: no literal) is a bytes or f-string."""
    return prefix is not None and ("b" in prefix or "B" in prefix or "f" in prefix or "F" in prefix)


def _is_name_char(char: str) -> bool:
    """Whether ``char`` can continue an identifier."""
    return char.isalnum() or char == "_" or (not char.isascii() and f"a{char}".isidentifier())


def _line_start(text: str, pos: int, floor: int) -> int:
    """Start of the logical line (backslash continuations joined) holding ``pos``, or ``floor``."""
    start = text.rfind("\n", floor, pos) + 1
    while start >= floor + 2 and text.startswith("\\\n", start - 2):
        start = text.rfind("\n", floor, start - 1) + 1
    return max(start, floor)


def _header_pos(match: re.Match[str]) -> int:
    return match.start(2)


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
    pieces: list[str] = []
    while line.endswith("\\") and "#" not in line and end >= 0:  # backslash continuations
        pieces.append(line[:-1])  # joined once below: linear however many lines continue
        following = text.find("\n", end + 1)
        line = text[end + 1 : following if following >= 0 else len(text)]
        end = following
    line = " ".join([*pieces, line]) if pieces else line
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
