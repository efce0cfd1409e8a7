"""String literals, comments and brackets in Python source, found by regular expressions (the
tokenizer is not needed): the patterns of strings and comments, the line of a position, a
literal's prefix, the bracket that closes a call, and the literals whose text may name a module.
Shared by the fast scanner (:mod:`depsize.imports.fastscan`), the ``ast`` walk's loader table
and the pytest fixture search.
"""

from __future__ import annotations

import re

Q = r'"(?!"")[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*"'
A = r"'(?!'')[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*'"
STRINGS_AND_COMMENTS = re.compile(
    rf"""\"\"\"[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*\"\"\""""
    rf"""|'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''|{Q}|{A}|#[^\n]*"""
)
_CALL_TOKEN = re.compile(rf"""[^()"'#]+|[()]|{STRINGS_AND_COMMENTS.pattern}""")
"""A piece of a call's brackets: code without brackets, a bracket, a string or a comment."""
_NAME_LIKE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_][\w.]*)?")
"""A literal's text that may name a module, or an object of one (``a.b``, ``a.b:attr``)."""


class Lines:
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


def string_prefix(text: str, quote: int) -> str:
    """The prefix letters (``rb``, ``f``, ...) of the literal opened by ``quote``, lower-cased."""
    start = quote
    while start > 0 and start > quote - 2 and text[start - 1].isalpha():
        start -= 1
    return text[start:quote].lower()


def closing_paren(text: str, opening: int) -> int:
    """The position of the ``)`` that closes the ``(`` at ``opening``, strings and comments
    skipped; -1 when none does (or a quote opens no string the scanner knows)."""
    depth, pos = 0, opening
    while True:
        token = _CALL_TOKEN.match(text, pos)
        if token is None:
            return -1
        pos = token.end()
        char = text[token.start()]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return token.start()


def name_literals(text: str) -> tuple[tuple[str, int], ...]:
    """Every string literal of ``text`` whose text may name a module, with its line: the loader
    table a computed import may read from. Each literal as written, alone (an implicitly
    concatenated one in its pieces, escapes not decoded); bytes and ``__dunder__`` names (the
    ``"__main__"`` of a guard) are left out."""
    found = []
    lines = Lines(text)
    for match in STRINGS_AND_COMMENTS.finditer(text):
        start = match.start()
        quote = text[start]
        if quote == "#":
            continue
        width = 3 if text.startswith(quote * 3, start) else 1
        value = text[start + width : match.end() - width]
        if (
            _NAME_LIKE.fullmatch(value)
            and not value.startswith("__")
            and "b" not in string_prefix(text, start)
        ):
            found.append((value, lines.at(start)))
    return tuple(found)
