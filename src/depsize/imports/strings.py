"""Names a file spells as strings: how real applications load code without an ``import``.

One linear pass of regular expressions over a file's text (source or configuration) finds:

- dotted names in quotes (``"config.urls"``, ``"pkg.mod:attr"``,
  ``"storages.backends.s3boto3.S3Boto3Storage"``): Django settings, ``include()``, logging
  ``dictConfig``, loader tables;
- bare words inside a list assigned to a setting that loads apps or plugins
  (``INSTALLED_APPS = ["corsheaders", ...]``, ``THIRD_PARTY_APPS``, ``MIDDLEWARE``, ``*_BACKENDS``);
- SQLAlchemy ``dialect+driver`` tokens without ``://`` (``scheme="postgresql+psycopg"``);
- calls that make a package's submodules loadable (``pkgutil.iter_modules``, ``walk_packages``,
  ``importlib.resources``), Celery's ``autodiscover_tasks`` and ``exec``.

In configuration files (``.ini``, ``.toml``, YAML, ``.env``, Procfile, Dockerfile...), dotted names
need no quotes (``DJANGO_SETTINGS_MODULE=config.settings``, ``-k uvicorn.workers.UvicornWorker``).
Matches in comments or docstrings count too: they can only make more code live, never less.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import partial
from itertools import accumulate

from depsize.imports.equals import ENGINE_WORDS, LOADING_NAMES, BeforeEquals, before_equals
from depsize.imports.findfast import (
    WORD_CHAR,
    after_boundary,
    at_candidates,
    at_positions,
    find_all,
)
from depsize.imports.schemes import SCHEME_DRIVERS, URL_VALUE
from depsize.records import dataclass

_DOTTED = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_][\w.]*)?"
_DOT_AHEAD = r"(?=[A-Za-z_]\w*\.)"
_QUOTED_DOTTED = (
    re.compile(rf"'{_DOT_AHEAD}({_DOTTED})'"),
    re.compile(rf'"{_DOT_AHEAD}({_DOTTED})"'),
)
"""A dotted name in single quotes, and in double quotes (group 1); :func:`_quoted_dotted`
checks what stands before the quote (a string prefix, no word, no other quote): a leading
look-behind would make ``re`` try every position. A pattern that starts with one literal
character is searched at memory speed, an alternation of two is tried at every position: two
searches, merged by position, are more than twice as fast as one. Most quotes open or close a
string that is not a dotted name: the look-ahead for a word and a dot turns them away in one
step (``re`` reads a word followed by a ``.`` without going back), where the whole pattern
went back through the word letter by letter."""
_IMPORT_STRING = re.compile(
    r"""['"](?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import[ \t]+[\w, \t*]+"""
    r"""|import[ \t]+([A-Za-z_][\w.]*))['"]"""
)
"""An import statement kept in a string (django-extensions' ``SHELL_PLUS_IMPORTS``)."""
_FSTRING_PREFIX = re.compile(r"""[fF][rR]?['"]([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\.\{""")
"""The literal dotted start of an f-string (``enqueue(f"app.tasks.{name}")``, an RQ job)."""
_BARE_DOTTED = re.compile(rf"""(?<![\w./@-])({_DOTTED})(?![\w/@-])""")
_FILE_SUFFIXES = frozenset(
    {"py", "pyi", "pyc", "sh", "js", "ts", "css", "html", "htm", "sql", "md", "rst", "txt"}
    | {"toml", "cfg", "ini", "conf", "env", "yml", "yaml", "json", "lock", "in", "csv", "xml"}
    | {"log", "db", "sqlite", "tar", "gz", "zip", "whl", "png", "jpg", "svg", "gif", "ico"}
)
"""Last parts of a dotted token that make it a file name, not a module (``setup.py``)."""
_LOADING_SETTING = re.compile(
    r"^[ \t]*(\w+)[ \t]*(?::[^=\n]*)?\+?=[ \t]*(?:[\w.]+[ \t]*\+[ \t]*)*(?=[\[({])",
    re.MULTILINE,
)
"""A setting that loads apps, middleware, backends or plugins by name, in any case (Sphinx's
``extensions = [...]`` as well as Django's ``INSTALLED_APPS``), followed by its bracket."""
_LOADING_NAMES = tuple(name.upper() for name in LOADING_NAMES)
"""The endings of such a setting's name, upper-cased (compared with the name upper-cased)."""
_FSTRING_STARTS = ("f'", 'f"', "F'", 'F"', "fr", "fR", "Fr", "FR")
_THEME = re.compile(r"""^[ \t]*html_theme[ \t]*=[ \t]*['"]([A-Za-z_]\w*)['"]""", re.MULTILINE)
"""Sphinx's ``html_theme = "furo"``: a theme is loaded by its package name."""
_ENGINE_WORD = re.compile(
    rf"""(?:{"|".join(ENGINE_WORDS)})[ \t]*=(?!=)|BeautifulSoup\([^()\n]*?,"""
)
"""Where a package may be picked by name for a library to load, the quoted words to the end of
the line: ``read_excel(engine="openpyxl")``, ``engine = "xlrd" if xls else "openpyxl"``,
``uvicorn.run(loop="uvloop")``, ``BeautifulSoup(html, "lxml")``."""
_QUOTED_WORD = re.compile(r"""['"]([A-Za-z_]\w*)['"]""")
_DIALECTS = "|".join(sorted({s.split("+")[0] for s in SCHEME_DRIVERS}, key=len, reverse=True))
_DRIVER_TOKEN = re.compile(rf"({_DIALECTS})\+(\w+)(?![\w+]|:/)")
_DIALECT_NAMES = frozenset(s.split("+")[0] for s in SCHEME_DRIVERS)
_DIALECT_LONGEST = max(map(len, _DIALECT_NAMES))
"""``postgresql+psycopg``; a URL's (``...://``) is read as a URL."""
_URL = re.compile(rf"(?<![\w+.-]){URL_VALUE.pattern}")
_PACKAGE_SCAN = re.compile(
    r"(?:iter_modules|walk_packages)\s*\(|resources\.(?:files|contents)\s*\("
)
_AUTODISCOVER = re.compile(r"autodiscover_tasks\s*\(")
_EXEC = re.compile(r"exec\s*\(")
_ASSIGNMENT = re.compile(
    r"^[ \t]*([A-Z][A-Z0-9_]*)[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*"
    rf"""(?:[rRuU]?['"]({_DOTTED})['"][ \t]*(?:#[^\n]*)?$)?""",
    re.MULTILINE,
)
"""An upper-case setting assigned, with its value when that is one dotted literal."""
_SETTINGS_MODULE = re.compile(rf"""DJANGO_SETTINGS_MODULE['"]?[ \t]*[,=:][ \t]*['"]?({_DOTTED})""")
"""Where Django's settings module is chosen: ``setdefault("DJANGO_SETTINGS_MODULE", "x.y")``,
``DJANGO_SETTINGS_MODULE=x.y`` in ``.env``, ``DJANGO_SETTINGS_MODULE = x.y`` in pytest.ini."""
_MAX_LIST = 50_000
"""Characters of a setting's list read at most (a longer one is read that far)."""


@dataclass(frozen=True)
class Spelled:
    """The names one file spells as strings (see the module docstring)."""

    dotted: tuple[tuple[str, int], ...] = ()
    """Dotted names with the line they are on."""
    words: tuple[tuple[str, int], ...] = ()
    """Bare words of app/plugin settings."""
    drivers: tuple[tuple[str, int], ...] = ()
    """``dialect+driver`` tokens."""
    flags: frozenset[str] = frozenset()
    """``package-scan``, ``autodiscover``."""
    exec_lines: tuple[int, ...] = ()
    """Lines of ``exec(...)`` calls: code that may load anything."""
    settings: tuple[tuple[str, str, int], ...] = ()
    """Upper-case names assigned at the start of a line (``SESSION_ENGINE = "x.y"``): the name,
    the dotted literal assigned ("" when it is something else) and the line."""


class _Lines:
    """Line numbers of positions. A file is asked about a few matches: the newlines are
    counted from the nearest position asked before (splitting a whole file into its lines cost
    more than the rest of the search). Past :data:`_COUNTED` questions, the table of every
    line start is built once and searched."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.known = [0]
        """Positions whose line is known, ascending."""
        self.lines = [1]
        """The line of each known position."""
        self.starts: list[int] | None = None

    def at(self, pos: int) -> int:
        if self.starts is not None:
            return bisect_right(self.starts, pos) + 1
        if len(self.known) > _COUNTED:
            self.starts = list(accumulate(map((1).__add__, map(len, self.text.split("\n")))))
            return bisect_right(self.starts, pos) + 1
        index = bisect_right(self.known, pos) - 1
        line = self.lines[index] + self.text.count("\n", self.known[index], pos)
        self.known.insert(index + 1, pos)
        self.lines.insert(index + 1, line)
        return line


_COUNTED = 256
"""Questions answered by counting newlines before the line table is built."""


def spelled_in_code(text: str) -> Spelled:
    """Names a Python file spells in string literals."""
    lines = _Lines(text)
    dotted = tuple((m[1], lines.at(m.start())) for m in _quoted_dotted(text))
    if "import" in text:
        found = at_positions(_IMPORT_STRING, text, _import_string_starts(text))
        dotted += tuple((m[1] or m[2], lines.at(m.start())) for m in found)
    dotted += tuple((m[1], lines.at(m.start())) for m in _fstring_prefixes(text))
    return _with_common(text, lines, dotted)


def spelled_in_config(text: str) -> Spelled:
    """Names a configuration or command file spells, quoted or not."""
    lines = _Lines(text)
    dotted = tuple(
        (m[1], lines.at(m.start()))
        for m in _BARE_DOTTED.finditer(text)
        if m[1].rsplit(".", 1)[-1].split(":")[0].lower() not in _FILE_SUFFIXES
    )
    common = _with_common(text, lines, dotted)
    if "://" not in text:
        return common
    urls = tuple((f"{m['scheme']}://", lines.at(m.start())) for m in _URL.finditer(text))
    return replace(common, drivers=common.drivers + urls)


def _with_common(text: str, lines: _Lines, dotted: tuple[tuple[str, int], ...]) -> Spelled:
    flags = set()
    named = _rare_names(text)
    scans = ("iter_modules", "walk_packages", "resources.")
    if (not named.isdisjoint(scans) or "resources." in text) and next(
        after_boundary(_PACKAGE_SCAN, text, scans), None
    ):
        flags.add("package-scan")
    if "autodiscover_tasks" in named and next(
        after_boundary(_AUTODISCOVER, text, ("autodiscover_tasks",)), None
    ):
        flags.add("autodiscover")
    found_exec = after_boundary(_EXEC, text, ("exec",), ".")
    exec_lines = tuple(lines.at(m.start()) for m in found_exec)
    drivers: tuple[tuple[str, int], ...] = ()
    if "+" in text:
        drivers = tuple((f"{m[1]}+{m[2]}", lines.at(m.start())) for m in _driver_tokens(text))
    equals = before_equals(text)
    words = _setting_words(text, lines, equals, "html_theme" in named)
    assigned = (m for m in map(partial(_ASSIGNMENT.match, text), equals.upper) if m is not None)
    settings = tuple((m[1], m[2] or "", lines.at(m.start())) for m in assigned)
    if "SETTINGS_MODULE" in named:
        found = _SETTINGS_MODULE.finditer(text)
        settings += tuple(("DJANGO_SETTINGS_MODULE", m[1], lines.at(m.start())) for m in found)
    return Spelled(dotted, words, drivers, frozenset(flags), exec_lines, settings)


def _setting_words(
    text: str, lines: _Lines, equals: BeforeEquals, theme: bool
) -> tuple[tuple[str, int], ...]:
    """The words of engine arguments and loading settings; Sphinx's theme when ``theme`` (the
    text holds ``html_theme``)."""
    found = [(m[1], lines.at(m.start())) for m in _THEME.finditer(text)] if theme else []
    engine: Iterable[int] = equals.engine
    if "BeautifulSoup" in text:
        engine = sorted({*engine, *find_all(text, "BeautifulSoup")})
    if engine:
        read_to = 0  # the rest of a line is read once, however many engine words it holds
        for match in at_candidates(_ENGINE_WORD, text, engine):
            if match.start() < read_to:
                continue  # its words were read with the line's first engine word
            end = text.find("\n", match.end())
            read_to = len(text) if end < 0 else end
            line = lines.at(match.start())
            found.extend((w[1], line) for w in _QUOTED_WORD.finditer(text, match.end(), read_to))
    covered = 0  # each character is read once however many settings start inside a list
    for match in _loading_settings(text, equals.loading):
        if match.end() < covered or not match[1].upper().endswith(_LOADING_NAMES):
            continue
        end = covered = _bracket_end(text, match.end())
        found.extend(
            (w[1], lines.at(w.start())) for w in _QUOTED_WORD.finditer(text, match.end(), end)
        )
    return tuple(found)


_IMPORT_STARTS = ("'from", '"from', "'import", '"import')
"""How an :data:`_IMPORT_STRING` match begins."""
_IMPORT_TO_QUOTE = re.compile(r"""import[^\n'"]*""")
"""``import`` and the rest of its line up to a quote: each character is read once, however
many ``import`` a line holds."""


def _import_string_starts(text: str) -> list[int]:
    """Where an :data:`_IMPORT_STRING` match may begin, ascending. A match never spans a
    newline, and holds ``import`` with a quote after it on its line: one search finds those
    lines, and only they are read for the four ways a match begins (four searches of the
    whole text cost three times one)."""
    starts: list[int] = []
    line_end = -1
    for match in _IMPORT_TO_QUOTE.finditer(text):
        pos, stop = match.span()
        if pos < line_end or stop == len(text) or text[stop] == "\n":
            continue  # on the line read last, or no quote after it on its line
        line_start = text.rfind("\n", 0, pos) + 1
        line_end = text.find("\n", stop) % (len(text) + 1)
        found = (find_all(text, word, line_start, line_end) for word in _IMPORT_STARTS)
        starts.extend(sorted(i for positions in found for i in positions))
    return starts


_RARE_NAMES = (
    "iter_modules",
    "walk_packages",
    "autodiscover_tasks",
    "html_theme",
    "SETTINGS_MODULE",
)
"""Names searched for in every file and found in few, each holding a ``_``."""
_RARE_ENDS = re.compile("_(?:" + "|".join(n.split("_", 1)[1] for n in _RARE_NAMES) + ")")
"""A ``_`` and what follows it in one of :data:`_RARE_NAMES`."""
_RARE_BY_END = {name[name.index("_") :]: name for name in _RARE_NAMES}
_DOT_BRACE = re.compile(r"\{(?<=\.\{)")
"""A ``{`` after a ``.``, searched from the ``{``, which code holds far fewer of."""


def _rare_names(text: str) -> frozenset[str]:
    """Which of :data:`_RARE_NAMES` ``text`` holds. One search for the ``_`` and the end of any
    of them reads the text once (one search for each name read it five times); a whole name
    is looked for only where its end stands."""
    names = {_RARE_BY_END[m[0]] for m in _RARE_ENDS.finditer(text)}
    return frozenset(name for name in names if name in text) if names else frozenset()


def _fstring_prefixes(text: str) -> Iterator[re.Match[str]]:
    """:data:`_FSTRING_PREFIX` matches. Each ends with ``.{`` on its own line, so only the
    lines holding a ``.{`` are searched, from their start."""
    done = -1
    for brace_match in _DOT_BRACE.finditer(text):
        brace = brace_match.start() - 1
        start = text.rfind("\n", 0, brace) + 1
        if start <= done:
            continue
        done = start
        end = text.find("\n", brace)
        line = text[start : len(text) if end < 0 else end]
        for match in after_boundary(_FSTRING_PREFIX, line, _FSTRING_STARTS, "'\""):
            found = _FSTRING_PREFIX.match(text, start + match.start())
            if found is not None:  # always: the same pattern at the same place
                yield found


def _driver_tokens(text: str) -> Iterator[re.Match[str]]:
    """:data:`_DRIVER_TOKEN` matches. Each starts a run of word characters that ends at a
    ``+``, so only the run before each ``+`` is tried."""
    end = 0
    word = WORD_CHAR.match
    for plus in find_all(text, "+"):
        start, stop = plus, max(plus - _DIALECT_LONGEST - 1, 0)
        while start > stop and word(text[start - 1]):
            start -= 1
        if start < end or text[start:plus] not in _DIALECT_NAMES:
            continue
        if start and text[start - 1] == "+":
            continue
        match = _DRIVER_TOKEN.match(text, start)
        if match is not None:
            yield match
            end = match.end()


def _loading_settings(text: str, candidates: Iterable[int]) -> Iterator[re.Match[str]]:
    """Lines assigning a setting whose name ends with one of :data:`_LOADING_NAMES` (any
    case), up to their bracket. Only the lines that hold such a name before their ``=`` are
    tried (``candidates``, from :func:`before_equals`): ``re`` would try the pattern's ``^`` at
    every position."""
    for start in candidates:
        match = _LOADING_SETTING.match(text, start)
        if match is not None:
            yield match


def _quoted_dotted(text: str) -> Iterator[re.Match[str]]:
    """Quoted dotted names, with an optional string prefix (``r"a.b"``) and nothing else
    that makes a word or another string before the quote: the matches one search for either
    quote would find, in order (the next match of each quote is kept until it is passed)."""
    single_quoted, double_quoted = _QUOTED_DOTTED
    single, double = single_quoted.search(text), double_quoted.search(text)
    while True:
        if single is not None and (double is None or single.start() < double.start()):
            match = single
        elif double is not None:
            match = double
        else:
            return
        start = match.start()
        before = text[start - 1] if start else ""
        if before in "rRuU" and before:
            before = text[start - 2] if start > 1 else ""
        if before and (before in "'\"" or WORD_CHAR.match(before)):
            pos = start + 1
        else:
            yield match
            pos = match.end()
        if single is not None and single.start() < pos:
            single = single_quoted.search(text, pos)
        if double is not None and double.start() < pos:
            double = double_quoted.search(text, pos)


def _bracket_end(text: str, start: int) -> int:
    """Where the bracket opened at ``start`` closes (strings skipped roughly), bounded."""
    depth, i, limit = 0, start, min(len(text), start + _MAX_LIST)
    quote = ""
    while i < limit:
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "[({":
            depth += 1
        elif char in "])}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return limit
