"""pip's requirements-file line rules, exactly as ``pip/_internal/req/req_file.py`` applies them.

Physical lines are split with ``str.splitlines``
(:func:`~depsize.requirements.roundtrip.split_lines`); a line ending in ``\\`` is joined with
the next one unless it is a comment; comments (``(^|\\s+)#.*$``) are removed and the line
stripped; ``${NAME}`` variables (upper-case letters, digits, ``_``) are expanded when set and not
empty. A line is a requirement when it has text before its first word starting with ``-``; the
rest are options, split like a shell would.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping, Sequence

from depsize.records import dataclass
from depsize.requirements.roundtrip import PhysicalLine
from depsize.requirements.targets import TargetError

_COMMENT = re.compile(r"(^|\s+)#.*$")
_ENV_VAR = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)\}")

# option as written -> (long name, takes a value)
_OPTIONS: dict[str, tuple[str, bool]] = {
    "-r": ("requirement", True),
    "--requirement": ("requirement", True),
    "-c": ("constraint", True),
    "--constraint": ("constraint", True),
    "-e": ("editable", True),
    "--editable": ("editable", True),
    "-i": ("index-url", True),
    "--index-url": ("index-url", True),
    "--extra-index-url": ("extra-index-url", True),
    "-f": ("find-links", True),
    "--find-links": ("find-links", True),
    "--trusted-host": ("trusted-host", True),
    "--only-binary": ("only-binary", True),
    "--no-binary": ("no-binary", True),
    "--use-feature": ("use-feature", True),
    "--hash": ("hash", True),
    "--config-settings": ("config-settings", True),
    "-C": ("config-settings", True),
    "--global-option": ("global-option", True),
    "--install-option": ("install-option", True),
    "--no-index": ("no-index", False),
    "--pre": ("pre", False),
    "--prefer-binary": ("prefer-binary", False),
    "--require-hashes": ("require-hashes", False),
}
Option = tuple[str, str | None]


@dataclass(frozen=True)
class LogicalLine:
    start: int
    end: int
    raw: str
    text: str
    """Joined, comments removed, stripped; variables not yet expanded."""


def logical_lines(lines: Sequence[PhysicalLine]) -> Iterator[LogicalLine]:
    """Join continuation lines and strip comments, as pip does."""
    parts: list[str] = []
    raws: list[str] = []
    start = 0
    for line in lines:
        text = line.text
        is_comment = _COMMENT.match(text) is not None
        if text.endswith("\\") and not is_comment:
            if not parts:
                start = line.number
            parts.append(text.strip("\\"))
            raws.append(text)
            continue
        joined = " " + text if is_comment else text
        first = start if parts else line.number
        raw = "\n".join([*raws, text])
        yield LogicalLine(first, line.number, raw, _strip_comment("".join([*parts, joined])))
        parts, raws = [], []
    if parts:
        yield LogicalLine(start, lines[-1].number, "\n".join(raws), _strip_comment("".join(parts)))


def _strip_comment(text: str) -> str:
    return _COMMENT.sub("", text).strip()


def expand_variables(text: str, environ: Mapping[str, str]) -> str:
    """Replace ``${NAME}`` with its value when set and not empty; leave it as written otherwise."""
    return _ENV_VAR.sub(lambda m: environ.get(m.group("name")) or m.group(0), text)


_SHELL_SPECIAL = re.compile(r"""["'\\]""")
"""What ``shlex`` (POSIX, no comments) reads as more than a word: quotes and a backslash."""
_BREAKS = re.compile(r"[ \t\r\n]+")


def split_words(text: str) -> list[str]:
    """``text`` split as a POSIX shell would (``shlex.split``): on the four blanks ``shlex``
    knows when there is no quote or backslash (a line of ``--hash`` options, which ``shlex``
    reads a character at a time in Python: about 1 ms a line), else by ``shlex`` itself."""
    if _SHELL_SPECIAL.search(text) is None:
        return [word for word in _BREAKS.split(text) if word]
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError as exc:
        raise TargetError(f"cannot split options: {exc}") from None


def split_arguments(text: str) -> tuple[str, str]:
    """(requirement part, options part): the options start at the first word starting with ``-``."""
    words = text.split(" ")
    for index, word in enumerate(words):
        if word.startswith("-"):
            return " ".join(words[:index]).strip(), " ".join(words[index:])
    return text.strip(), ""


def parse_options(text: str) -> list[Option]:
    """Options of one line as (long name, value); :class:`TargetError` when one is not valid."""
    words = split_words(text)
    options: list[Option] = []
    index = 0
    while index < len(words):
        word = words[index]
        flag, sep, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if not sep and not word.startswith("--") and len(word) > 2 and word[:2] in _OPTIONS:
            flag, sep, value = word[:2], "=", word[2:]
        if flag not in _OPTIONS:
            raise TargetError(f"unknown option {flag!r}")
        name, takes_value = _OPTIONS[flag]
        if takes_value and not sep:
            index += 1
            if index >= len(words):
                raise TargetError(f"option {flag} needs a value")
            value = words[index]
        options.append((name, value if takes_value else None))
        index += 1
    return options
