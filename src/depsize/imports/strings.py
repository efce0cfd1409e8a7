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
from dataclasses import dataclass, replace

from depsize.imports.schemes import SCHEME_DRIVERS, URL_VALUE

_DOTTED = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_][\w.]*)?"
_QUOTED_DOTTED = re.compile(rf"""(?<![\w'"])[rRuU]?(['"])({_DOTTED})\1""")
_IMPORT_STRING = re.compile(
    r"""['"](?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import[ \t]+[\w, \t*]+"""
    r"""|import[ \t]+([A-Za-z_][\w.]*))['"]"""
)
"""An import statement kept in a string (django-extensions' ``SHELL_PLUS_IMPORTS``)."""
_FSTRING_PREFIX = re.compile(r"""(?<![\w'"])[fF][rR]?['"]([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\.\{""")
"""The literal dotted start of an f-string (``enqueue(f"app.tasks.{name}")``, an RQ job)."""
_BARE_DOTTED = re.compile(rf"""(?<![\w./@-])({_DOTTED})(?![\w/@-])""")
_FILE_SUFFIXES = frozenset(
    [
        "py",
        "pyi",
        "pyc",
        "md",
        "rst",
        "txt",
        "toml",
        "cfg",
        "ini",
        "yml",
        "yaml",
        "json",
        "lock",
        "in",
        "html",
        "htm",
        "css",
        "js",
        "ts",
        "sh",
        "env",
        "png",
        "jpg",
        "svg",
        "gif",
        "ico",
        "csv",
        "sql",
        "xml",
        "log",
        "conf",
        "tar",
        "gz",
        "zip",
        "whl",
        "db",
        "sqlite",
    ]
)
"""Last parts of a dotted token that make it a file name, not a module (``setup.py``)."""
_LOADING_SETTING = re.compile(
    r"^[ \t]*(\w*?(?:APPS|MIDDLEWARE|MIDDLEWARE_CLASSES|BACKENDS?|PLUGINS|"
    r"EXTENSIONS|HANDLERS|PROCESSORS|FINDERS|LOADERS|CLASSES))\b[ \t]*(?::[^=\n]*)?\+?=[ \t]*"
    r"(?:[\w.]+[ \t]*\+[ \t]*)*(?=[\[({])",
    re.MULTILINE | re.IGNORECASE,
)
"""A setting that loads apps, middleware, backends or plugins by name, in any case (Sphinx's
``extensions = [...]`` as well as Django's ``INSTALLED_APPS``), followed by its bracket."""
_THEME = re.compile(r"""^[ \t]*html_theme[ \t]*=[ \t]*['"]([A-Za-z_]\w*)['"]""", re.MULTILINE)
"""Sphinx's ``html_theme = "furo"``: a theme is loaded by its package name."""
_ENGINE_WORD = re.compile(
    r"""\b(?:engine|backend|driver|loop|parser|features|flavor|http|ws|interface|library)"""
    r"""[ \t]*=(?!=)|\bBeautifulSoup\([^()\n]*?,"""
)
"""Where a package may be picked by name for a library to load, the quoted words to the end of
the line: ``read_excel(engine="openpyxl")``, ``engine = "xlrd" if xls else "openpyxl"``,
``uvicorn.run(loop="uvloop")``, ``BeautifulSoup(html, "lxml")``."""
_QUOTED_WORD = re.compile(r"""['"]([A-Za-z_]\w*)['"]""")
_DIALECTS = "|".join(sorted({s.split("+")[0] for s in SCHEME_DRIVERS}, key=len, reverse=True))
_DRIVER_TOKEN = re.compile(rf"(?<![\w+])({_DIALECTS})\+(\w+)(?![\w+]|:/)")
"""``postgresql+psycopg``; a URL's (``...://``) is read as a URL."""
_URL = re.compile(rf"(?<![\w+.-]){URL_VALUE.pattern}")
_PACKAGE_SCAN = re.compile(
    r"\b(?:iter_modules|walk_packages)\s*\(|\bresources\.(?:files|contents)\s*\("
)
_AUTODISCOVER = re.compile(r"\bautodiscover_tasks\s*\(")
_EXEC = re.compile(r"(?<![\w.])exec\s*\(")
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
    def __init__(self, text: str) -> None:
        self.starts = [m.end() for m in re.finditer("\n", text)]

    def at(self, pos: int) -> int:
        return bisect_right(self.starts, pos) + 1


def spelled_in_code(text: str) -> Spelled:
    """Names a Python file spells in string literals."""
    lines = _Lines(text)
    dotted = tuple((m[2], lines.at(m.start())) for m in _QUOTED_DOTTED.finditer(text))
    if "import" in text:
        found = _IMPORT_STRING.finditer(text)
        dotted += tuple((m[1] or m[2], lines.at(m.start())) for m in found)
    if ".{" in text:
        dotted += tuple((m[1], lines.at(m.start())) for m in _FSTRING_PREFIX.finditer(text))
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
    if ("iter_modules" in text or "walk_packages" in text or "resources." in text) and (
        _PACKAGE_SCAN.search(text)
    ):
        flags.add("package-scan")
    if "autodiscover_tasks" in text and _AUTODISCOVER.search(text):
        flags.add("autodiscover")
    exec_lines: tuple[int, ...] = ()
    if "exec" in text:
        exec_lines = tuple(lines.at(m.start()) for m in _EXEC.finditer(text))
    drivers: tuple[tuple[str, int], ...] = ()
    if "+" in text:
        drivers = tuple(
            (f"{m[1]}+{m[2]}", lines.at(m.start())) for m in _DRIVER_TOKEN.finditer(text)
        )
    words = _setting_words(text, lines)
    settings = tuple((m[1], m[2] or "", lines.at(m.start())) for m in _ASSIGNMENT.finditer(text))
    if "SETTINGS_MODULE" in text:
        found = _SETTINGS_MODULE.finditer(text)
        settings += tuple(("DJANGO_SETTINGS_MODULE", m[1], lines.at(m.start())) for m in found)
    return Spelled(dotted, words, drivers, frozenset(flags), exec_lines, settings)


def _setting_words(text: str, lines: _Lines) -> tuple[tuple[str, int], ...]:
    found = (
        [(m[1], lines.at(m.start())) for m in _THEME.finditer(text)] if "html_theme" in text else []
    )
    if "=" in text or "BeautifulSoup" in text:
        read_to = 0  # the rest of a line is read once, however many engine words it holds
        for match in _ENGINE_WORD.finditer(text):
            if match.start() < read_to:
                continue  # its words were read with the line's first engine word
            end = text.find("\n", match.end())
            read_to = len(text) if end < 0 else end
            line = lines.at(match.start())
            found.extend((w[1], line) for w in _QUOTED_WORD.finditer(text, match.end(), read_to))
    covered = 0  # each character is read once however many settings start inside a list
    for match in _LOADING_SETTING.finditer(text):
        if match.end() < covered:
            continue
        end = covered = _bracket_end(text, match.end())
        found.extend(
            (w[1], lines.at(w.start())) for w in _QUOTED_WORD.finditer(text, match.end(), end)
        )
    return tuple(found)


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
