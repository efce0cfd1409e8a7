"""The names before a ``=`` (or an annotation's ``:``), found in one pass over the reversed text.

Three searches of :mod:`depsize.imports.strings` look for a name followed by ``=``: an engine
word (``engine=``, ``loop =``), a setting that loads apps or plugins (``INSTALLED_APPS =``,
``extensions: list = [``, ``MIDDLEWARE +=``) and an upper-case setting at the start of a line
(``SESSION_ENGINE = "x.y"``). Searched forwards, they need a ``str.find`` pass per word (23 in
all) or ``re`` trying a pattern at every position. Read backwards, each starts with the literal
``=`` (or the ``:`` of an annotation), which ``re`` finds at memory speed: one search of the
reversed text for each, trying the reversed patterns only where one stands, finds every place
any of them can match. In text that is not ASCII, a word holding a letter that is not ASCII
before the ``=`` makes its line a loading setting's candidate too (such a letter may
upper-case to ASCII ones).

The places are candidates, never answers: the callers try their own forward patterns there,
so what they find is what the forward searches found (``tests/unit/imports/test_strings.py``
compares the two on real files).
"""

from __future__ import annotations

import re

from depsize.records import dataclass


def _backwards(words: tuple[str, ...]) -> str:
    """An alternation of ``words`` spelled backwards, grouped by their last letter (longest
    first in each group). ``re`` tries the alternatives of an alternation one by one, and an
    alternative spelled in any case cannot be passed over by its first letter: a group is
    entered only where its letter stands."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[-1], []).append(re.escape(word[-2::-1]))
    return "|".join(f"{re.escape(last)}(?:{'|'.join(rest)})" for last, rest in groups.items())


def _last_letters(words: tuple[str, ...]) -> str:
    """The last letters of ``words``, for a character class."""
    return "".join(sorted({re.escape(w[-1]) for w in words}))


ENGINE_WORDS = (
    "engine",
    "backend",
    "driver",
    "loop",
    "parser",
    "features",
    "flavor",
    "http",
    "ws",
    "interface",
    "library",
)
"""The words of ``strings._ENGINE_WORD`` that a ``=`` follows."""
LOADING_NAMES = (
    "apps",
    "middleware",
    "backend",
    "backends",
    "plugins",
    "extensions",
    "handlers",
    "processors",
    "finders",
    "loaders",
    "classes",
)
"""The endings of ``strings._LOADING_NAMES``, lower-cased (matched in any ASCII case)."""

_ENGINE = rf"[ \t]*(?:{_backwards(ENGINE_WORDS)})(?!\w)"
"""Backwards from ``=``: blanks, an engine word, no word character before it."""
_LOADING = rf"[ \t]*(?i:{_backwards(LOADING_NAMES)})"
"""Backwards from ``=``, ``+=`` or the ``:`` of an annotation: blanks, a loading name."""
_UPPER = r"[ \t]*[A-Z0-9_]*[A-Z][ \t]*(?:\n|\Z)"
"""Backwards from ``=`` or the ``:`` of an annotation: blanks, an upper-case name, blanks,
the start of the line."""
_FIRST = rf"(?:[{_last_letters(ENGINE_WORDS)}A-Z0-9_]|(?i:[{_last_letters(LOADING_NAMES)}]))"
"""Backwards: the first character of any of the three, spelled as one class. Most ``=`` and
``:`` of a text (keyword arguments, comparisons, ``def f():``) fail this one test instead of
each alternative in turn."""
_EQUALS = re.compile(rf"=(?=\+?[ \t]*{_FIRST})(?={_ENGINE}|\+?{_LOADING}|{_UPPER})")
_COLON = re.compile(rf":(?=[ \t]*{_FIRST})(?={_LOADING}|{_UPPER})")
"""An annotated assignment's ``:`` (``THIRD_PARTY_APPS: list[str] = [``): searched apart from
the ``=``, which may stand far from the name (reading back from every ``=`` to its line's
start would cost three times the search)."""
_ENGINE_AT = re.compile(_ENGINE)
_LOADING_AT = re.compile(rf"\+?{_LOADING}")
_UPPER_AT = re.compile(_UPPER)
_OTHER_WORD = r"[ \t]*\w*[^\W\x00-\x7f]"
"""Backwards: blanks, a word holding a letter that is not ASCII (which may upper-case to ASCII
ones: ``\u017f`` is an ``S``, ``\u00df`` is ``SS``, so ``cla\u00dfes`` is ``CLASSES``)."""
_EQUALS_WIDE = re.compile(
    rf"=(?=\+?[ \t]*(?:{_FIRST}|{_OTHER_WORD}))"
    rf"(?={_ENGINE}|\+?{_LOADING}|{_UPPER}|\+?{_OTHER_WORD})"
)
_COLON_WIDE = re.compile(
    rf":(?=[ \t]*(?:{_FIRST}|{_OTHER_WORD}))(?={_LOADING}|{_UPPER}|{_OTHER_WORD})"
)
"""The two searches in text that is not ASCII, where a word holding a letter that is not ASCII
before the sign stands too: one search for each sign, not two."""
_OTHER_AFTER = (re.compile(rf"\+?{_OTHER_WORD}"), re.compile(_OTHER_WORD))
"""After a ``=`` and after a ``:`` of the reversed text: a word holding such a letter."""


@dataclass(frozen=True)
class BeforeEquals:
    """Candidates in one text, positions in the text as written (ascending)."""

    engine: tuple[int, ...] = ()
    """Where an engine word followed by ``=`` starts."""
    loading: tuple[int, ...] = ()
    """Starts of the lines where a loading name (any case) is followed by ``=``, ``+=`` or
    ``:``, and those where a word holding a letter that is not ASCII is."""
    upper: tuple[int, ...] = ()
    """Starts of the lines that begin with an upper-case name followed by ``=`` or ``:``."""


def before_equals(text: str) -> BeforeEquals:
    """The candidates of ``text`` (see the module docstring)."""
    if "=" not in text:
        return BeforeEquals()
    backwards = text[::-1]
    engine: list[int] = []
    loading: list[int] = []  # where the ``=`` or ``:`` stands, in ``backwards``
    upper: list[int] = []
    wide = not text.isascii()
    other_equals, other_colon = _OTHER_AFTER if wide else (None, None)
    for match in (_EQUALS_WIDE if wide else _EQUALS).finditer(backwards):
        found = _ENGINE_AT.match(backwards, match.end())
        if found is not None:
            engine.append(len(text) - found.end())
        _sort_out(backwards, match.end(), loading, upper, other_equals)
    if ":" in text:
        for match in (_COLON_WIDE if wide else _COLON).finditer(backwards):
            _sort_out(backwards, match.end(), loading, upper, other_colon)
    return BeforeEquals(
        tuple(sorted(engine)), _line_starts(text, loading), _line_starts(text, upper)
    )


def _sort_out(
    backwards: str, after: int, loading: list[int], upper: list[int], other: re.Pattern[str] | None
) -> None:
    """Keep ``after`` (just past a ``=`` or ``:`` of the reversed text) in ``loading`` and
    ``upper`` when a loading name or an upper-case name stands before it; in ``loading`` too
    when ``other`` (a word holding a letter that is not ASCII) does."""
    if _LOADING_AT.match(backwards, after) is not None or (
        other is not None and other.match(backwards, after) is not None
    ):
        loading.append(after)
    if _UPPER_AT.match(backwards, after) is not None:
        upper.append(after)


def _line_starts(text: str, ends: list[int]) -> tuple[int, ...]:
    """The starts of the lines of the characters that end at ``ends`` in the reversed text,
    ascending. Each line is looked for once, however many of them it holds (a line of a
    million ``APPS=`` is read once, not once each)."""
    starts: list[int] = []
    line_end = -1
    for pos in sorted(len(text) - end for end in ends):
        if pos <= line_end:
            continue  # on the line found last
        starts.append(text.rfind("\n", 0, pos) + 1)
        line_end = text.find("\n", pos) % (len(text) + 1)
    return tuple(starts)
