"""Names spelled as strings: the boundaries each search keeps, whatever way it finds them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from depsize.imports.strings import spelled_in_code, spelled_in_config


def test_quoted_dotted_names_with_prefixes_and_what_may_stand_before() -> None:
    text = (
        'a = "pkg.mod"\n'
        "b = r'raw.mod'\n"
        'c = u"uni.mod:attr"\n'
        'd = xr"not.this"\n'
        'e = f"nor.this"\n'
        'f = ""\'"inner.quote"\n'
    )
    assert spelled_in_code(text).dotted == (("pkg.mod", 1), ("raw.mod", 2), ("uni.mod:attr", 3))


def test_import_statements_and_fstring_prefixes_in_strings() -> None:
    text = (
        "SHELL = ['from app.models import *', \"import other.thing\"]\n"
        'job = f"app.tasks.{name}"\n'
        'no = xf"app.nope.{name}"\n'
        'two = rf"x.y.{n}"\n'
    )
    dotted = spelled_in_code(text).dotted
    assert ("app.models", 1) in dotted
    assert ("other.thing", 1) in dotted
    assert ("app.tasks", 2) in dotted
    assert all(name not in ("app.nope", "x.y") for name, _ in dotted)


def test_exec_calls_but_not_methods_or_longer_names() -> None:
    text = "exec(code)\ncursor.exec(x)\nmyexec(y)\n  exec (z)\nexecute(q)\n"
    assert spelled_in_code(text).exec_lines == (1, 4)


def test_driver_tokens_need_a_whole_dialect_word() -> None:
    text = (
        'url = "mysql+pymysql"\n'
        "x = amysql+pymysql\n"
        "y = c+postgresql+psycopg\n"
        "z = postgresql+psycopg\n"
        "w = sqlite+pysqlite://\n" + "a" * 500 + "+b\n"
    )
    assert spelled_in_code(text).drivers == (("mysql+pymysql", 1), ("postgresql+psycopg", 4))


def test_loading_settings_any_case_any_prefix_only_at_a_line_start() -> None:
    text = (
        "INSTALLED_APPS = ['corsheaders', \"rest_framework\"]\n"
        "extensions = ['sphinx_copybutton']\n"
        "MY_Middleware += ('whitenoise',)\n"
        "CLASSES_NOT = ['nope']\n"
        "x = INSTALLED_APPS + ['nope2']\n"
        "THIRD_PARTY_APPS: list[str] = BASE + [\n    'storages',\n]\n"
    )
    words = spelled_in_code(text).words
    assert words == (
        ("corsheaders", 1),
        ("rest_framework", 1),
        ("sphinx_copybutton", 2),
        ("whitenoise", 3),
        ("storages", 7),
    )


def test_loading_settings_in_text_that_is_not_ascii() -> None:
    text = "# café\nINSTALLED_APPS = ['corsheaders']\n"
    assert spelled_in_code(text).words == (("corsheaders", 2),)


def test_loading_settings__name_upper_cased_to_ascii__found_in_text_that_is_not_ascii() -> None:
    # dotless i and long s upper-case to ASCII letters: "PLUGINS", "CLASSES"
    text = (
        "plug\u0131ns = [\n  'first',\n]\nx = 1 # ==\nclas\u017fes = ('second',)\nother = ['no']\n"
    )
    assert spelled_in_code(text).words == (("first", 2), ("second", 5))


def test_engine_words_package_scans_and_upper_case_settings() -> None:
    text = (
        'df = read_excel(p, engine="openpyxl")\n'
        'soup = BeautifulSoup(html, "lxml")\n'
        'newengine = "nope"\n'
        "pkgutil.iter_modules(path)\n"
        'SESSION_ENGINE = "redis_sessions.session"\n'
        "    DEBUG: bool = True\n"
        "lower = 1\n"
    )
    spelled = spelled_in_code(text)
    assert spelled.words == (("openpyxl", 1), ("lxml", 2))
    assert spelled.flags == frozenset({"package-scan"})
    assert spelled.settings == (("SESSION_ENGINE", "redis_sessions.session", 5), ("DEBUG", "", 6))
    assert spelled_in_code("myiter_modules(x)\n").flags == frozenset()


def test_config_files_read_bare_dotted_names_but_not_file_names() -> None:
    text = "web: gunicorn -k uvicorn.workers.UvicornWorker app.main:app -c conf.py\n"
    dotted = spelled_in_config(text).dotted
    assert ("uvicorn.workers.UvicornWorker", 1) in dotted
    assert ("app.main:app", 1) in dotted
    assert all(name != "conf.py" for name, _ in dotted)


def test_lines_at__any_order_and_past_the_counted_questions__the_line_of_each_position() -> None:
    """Line numbers by counting from the nearest asked position, then by the table of line
    starts, agree with counting every newline before the position."""
    import random
    from pathlib import Path

    from depsize.imports import strings

    text = Path(strings.__file__).read_text(encoding="utf-8") + "\nlast line without newline"
    positions = [*range(0, len(text) + 1, 13), len(text), text.index("\n"), text.index("\n") + 1]
    random.Random(0).shuffle(positions)
    assert len(positions) > 2 * strings._COUNTED
    lines = strings._Lines(text)
    for pos in positions:
        assert lines.at(pos) == text.count("\n", 0, pos) + 1, pos
    assert lines.starts is not None  # the table took over


def _quoted_dotted_alternation(text: str) -> list[tuple[int, int, str]]:
    """The reference: one search for either quote, the same checks before the quote."""
    import re

    from depsize.imports.findfast import WORD_CHAR
    from depsize.imports.strings import _DOTTED

    pattern = re.compile(rf"'({_DOTTED})'|\"({_DOTTED})\"")
    found, pos = [], 0
    while (match := pattern.search(text, pos)) is not None:
        start = match.start()
        before = text[start - 1] if start else ""
        if before in "rRuU" and before:
            before = text[start - 2] if start > 1 else ""
        if before and (before in "'\"" or WORD_CHAR.match(before)):
            pos = start + 1
            continue
        found.append((start, match.end(), match[1] or match[2]))
        pos = match.end()
    return found


@given(st.text(alphabet="'\"ab._:rR1 \n", max_size=60))
def test_quoted_dotted__two_searches_merged__the_matches_of_one_alternation(text: str) -> None:
    from depsize.imports.strings import _quoted_dotted

    got = [(m.start(), m.end(), m[1]) for m in _quoted_dotted(text)]
    assert got == _quoted_dotted_alternation(text)


def test_quoted_dotted__quotes_inside_and_beside_each_other__in_order() -> None:
    from depsize.imports.strings import _quoted_dotted

    text = "x = \"a.b'c.d'\" + 'e.f\"g.h\"' + r'i.j' + u\"k.l\" + x'm.n' + 'o.p'\"q.r\" \"s.t\""
    got = [m[1] for m in _quoted_dotted(text)]
    assert got == [name for _, _, name in _quoted_dotted_alternation(text)]
    assert got == ["i.j", "k.l", "o.p", "s.t"]


def _forward_searches(text: str) -> tuple[list[tuple[int, int]], ...]:
    """The reference for the names before a ``=``: each forward pattern run over the whole
    text by ``re`` (a look-behind for the engine words' boundary), as slow as it is plain."""
    import re

    from depsize.imports.strings import _ASSIGNMENT, _ENGINE_WORD, _LOADING_NAMES, _LOADING_SETTING

    engine = re.compile(rf"(?<!\w)(?:{_ENGINE_WORD.pattern})")
    loading = _LOADING_SETTING.finditer(text)
    return (
        [m.span() for m in engine.finditer(text)],
        [m.span() for m in loading if m[1].upper().endswith(_LOADING_NAMES)],
        [m.span() for m in _ASSIGNMENT.finditer(text)],
    )


def _searches_at_candidates(text: str) -> tuple[list[tuple[int, int]], ...]:
    """The same three searches, tried where :func:`before_equals` says (as ``strings`` does)."""
    from depsize.imports.equals import before_equals
    from depsize.imports.findfast import at_candidates, find_all
    from depsize.imports.strings import (
        _ASSIGNMENT,
        _ENGINE_WORD,
        _LOADING_NAMES,
        _loading_settings,
    )

    equals = before_equals(text)
    engine = sorted({*equals.engine, *find_all(text, "BeautifulSoup")})
    loading = _loading_settings(text, equals.loading)
    upper = (_ASSIGNMENT.match(text, start) for start in equals.upper)
    return (
        [m.span() for m in at_candidates(_ENGINE_WORD, text, engine)],
        [m.span() for m in loading if m[1].upper().endswith(_LOADING_NAMES)],
        [m.span() for m in upper if m is not None],
    )


def _real_texts() -> list[str]:
    """Real Python files: depsize's own source and modules of the standard library that are
    full of settings, assignments and keyword arguments."""
    import email
    import logging
    import sqlite3
    import unittest
    from pathlib import Path

    import depsize

    inits = [m.__file__ for m in (depsize, email, logging, sqlite3, unittest)]
    folders = [Path(init).parent for init in inits if init is not None]
    assert len(folders) == len(inits)
    files = sorted(p for folder in folders for p in folder.rglob("*.py"))
    return [p.read_text(encoding="utf-8", errors="replace") for p in files]


def test_before_equals__real_files__the_matches_of_the_forward_searches() -> None:
    texts = _real_texts()
    assert len(texts) > 150
    found = [0, 0, 0]
    for text in texts:
        expected = _forward_searches(text)
        assert _searches_at_candidates(text) == expected
        found = [n + len(kind) for n, kind in zip(found, expected, strict=True)]
    assert min(found) > 0  # the files hold each kind searched for


def test_before_equals__settings_of_every_shape__the_matches_of_the_forward_searches() -> None:
    text = (
        "INSTALLED_APPS = ['a']\nTHIRD_PARTY_APPS: list[str] = BASE + [\n  'b',\n]\n"
        "MY_Middleware += ('c',)\n  extensions = ['d']\nDEBUG: bool = True\nX=1\nY == 2\n"
        'run(loop="uvloop", http = "h11")\nnewengine = "no"\nBeautifulSoup(x, "lxml")\n'
        "backends\t=\t['e']\nA1B = 'x.y'\n1A = 2\n"
    )
    expected = _forward_searches(text)
    assert all(expected)
    assert _searches_at_candidates(text) == expected


@given(st.text(alphabet="APSaps_ \t\n=:+[('\"wlo\u017f\u0131\u00df\ufb01", max_size=80))
def test_before_equals__any_text__the_matches_of_the_forward_searches(text: str) -> None:
    assert _searches_at_candidates(text) == _forward_searches(text)


def test_before_equals__names_upper_cased_from_other_letters__found_on_their_lines() -> None:
    text = "# caf\u00e9\nx = 1\ncla\u00dfes = ('a',)\n\ufb01nders: list = ['b']\nAPPS += ['c']\n"
    assert spelled_in_code(text).words == (("a", 3), ("b", 4), ("c", 5))
    assert _searches_at_candidates(text) == _forward_searches(text)


def _import_strings_both_ways(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Import statements in strings found on the lines :func:`_import_string_starts` picks,
    and by ``re`` over the whole text."""
    from depsize.imports.findfast import at_positions
    from depsize.imports.strings import _IMPORT_STRING, _import_string_starts

    picked = at_positions(_IMPORT_STRING, text, _import_string_starts(text))
    return [m.span() for m in picked], [m.span() for m in _IMPORT_STRING.finditer(text)]


def test_import_strings__quotes_and_lines_of_every_shape__the_matches_of_one_search() -> None:
    text = (
        "SHELL = ['from from import x', \"import a.b\", 'import c' 'import d.e']\n"
        "x = 'from a.b\nimport c'\n"  # split over two lines: no statement
        "'\"import f.g\"'\n"
        "import os  # 'quoted after'\n"
        "s = 'import h' + \"from i.j import k, l as m\"\n"
        "t = 'from n.o import *'"  # no newline at the end
    )
    picked, searched = _import_strings_both_ways(text)
    assert picked == searched
    assert len(searched) == 8


_IMPORT_PIECES = ["'", '"', "from", "import", " ", "\t", "\n", "a.b", "x", ",", "*"]


@given(st.lists(st.sampled_from(_IMPORT_PIECES), max_size=40).map("".join))
def test_import_strings__any_text__the_matches_of_one_search(text: str) -> None:
    picked, searched = _import_strings_both_ways(text)
    assert picked == searched


_RARE_PIECES = ["iter", "walk", "autodiscover", "html", "SETTINGS", "DJANGO", "_", "__"]
_RARE_PIECES += ["modules", "packages", "tasks", "theme", "MODULE", "Module", "\n", " ", "."]


def test_rare_names__ends_beside_other_underscores_and_split_over_lines__each_name_held() -> None:
    from depsize.imports.strings import _RARE_NAMES, _rare_names

    text = (
        "sys.modules\nmy_iter__modules\n_iter_modules(x)\nwalk_\npackages\n"
        "html_theme_options = {}\nos.environ['DJANGO_SETTINGS_MODULE']\nautodiscover_Tasks\n"
    )
    assert _rare_names(text) == {"iter_modules", "html_theme", "SETTINGS_MODULE"}
    assert _rare_names(text) == {name for name in _RARE_NAMES if name in text}
    assert _rare_names("") == frozenset()


@given(st.lists(st.sampled_from(_RARE_PIECES), max_size=30).map("".join))
def test_rare_names__any_text__the_names_it_holds(text: str) -> None:
    from depsize.imports.strings import _RARE_NAMES, _rare_names

    assert _rare_names(text) == {name for name in _RARE_NAMES if name in text}


def test_fstring_prefixes__dots_and_braces_anywhere__found_like_one_search() -> None:
    from depsize.imports.strings import _FSTRING_PREFIX, _fstring_prefixes

    text = '.{x}\nf"a.b.{c}" f"d.e..{f}"\nf"g.h.{i}.{j}"\n{.{\nF"k.l.{m}"'
    found = [(m.start(), m[1]) for m in _fstring_prefixes(text)]
    assert found == [(m.start(), m[1]) for m in _FSTRING_PREFIX.finditer(text)]
    assert [name for _, name in found] == ["a.b", "g.h", "k.l"]


def test_before_equals__first_character_class__every_character_a_search_may_begin_with() -> None:
    """Any character that upper- or lower-cases to a loading name's last letter (``\u017f``
    is an ``s``) passes the class that stands before the three searches, as do the engine
    words' last letters and the characters of an upper-case name."""
    import re

    from depsize.imports.equals import _FIRST, ENGINE_WORDS, LOADING_NAMES

    first = re.compile(_FIRST)
    loading = re.compile("(?i:" + "|".join(word[-1] for word in LOADING_NAMES) + ")")
    others = re.compile("[A-Z0-9_]|" + "|".join(word[-1] for word in ENGINE_WORDS))
    may_begin = [
        c for c in map(chr, range(0x110000)) if loading.fullmatch(c) or others.fullmatch(c)
    ]
    assert "\u017f" in may_begin
    assert all(first.fullmatch(c) for c in may_begin)
    assert sum(1 for c in map(chr, range(0x110000)) if first.fullmatch(c)) == len(may_begin)


def test_autodiscover_and_exec__calls_only__flag_and_lines() -> None:
    text = (
        "app.autodiscover_tasks()\n"
        "myautodiscover_tasks(x)\n"
        "autodiscover_tasks_later = 1\n"
        "exec (code)\n"
        "executor(x)\n"
    )
    spelled = spelled_in_code(text)
    assert spelled.flags == frozenset({"autodiscover"})
    assert spelled.exec_lines == (4,)
    assert spelled_in_code(text.replace("app.autodiscover", "app.rediscover")).flags == frozenset()
