"""Text from scanned files, made safe to show.

Names, versions, paths, requirement lines and warning texts come from files depsize does not
trust. Shown raw, they could drive the reader's terminal (``\\x1b[2J`` clears it, OSC 52 writes
the clipboard, ``\\r`` and backspace overwrite what came before), reorder what is read (bidi
overrides such as U+202E), or crash an encoder (a file name that is not UTF-8 reaches Python as
lone surrogates, ``b"caf\\xe9.py"`` as ``"caf\\udce9.py"``).

:func:`visible` writes each such character as a visible escape (``\\x1b``, ``\\u202e``; a byte
the file system gave that is not UTF-8 as ``\\xe9``); every other character, non-ASCII letters
included, is kept. Each output format applies it once, at its boundary: :func:`clean` maps a
whole report (a dataclass tree, a JSON document) through it, and the Markdown, HTML and
terminal writers call it in their one escaping function.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff]"
)
"""C0 and C1 controls (tab and newline included), DEL, bidi marks, embeddings, overrides and
isolates, zero-width and invisible formatting characters, line and paragraph separators,
interlinear annotation marks, and lone surrogates."""

T = TypeVar("T")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if 0xDC80 <= code <= 0xDCFF:  # a byte the file system gave that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control, bidi, invisible or surrogate character written as an
    escape (``\\x1b``, ``\\u202e``, ``\\xe9`` for an undecodable byte); the rest unchanged."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def visible_lines(text: str) -> str:
    """:func:`visible` for each line of a text meant to span lines (newlines kept)."""
    return "\n".join(visible(line) for line in text.split("\n"))


def terminal(text: str) -> str:
    """A message for a terminal or a plain-text log: :func:`visible`, lines kept."""
    return visible_lines(text)


def patch_text(text: str) -> str:
    """A unified diff made safe to show and still fit to apply: :func:`visible` for each line,
    tabs kept (a requirements line may hold one); a line holding any other control character
    cannot come from a file pip reads anyway."""
    return "\n".join(
        "\t".join(visible(part) for part in line.split("\t")) for line in text.split("\n")
    )


def clean(value: T, text: Callable[[str], str] = visible) -> T:
    """``value`` with every string in it passed through ``text``: strings, tuples, lists, dict
    keys and values, and the fields of (frozen) dataclasses, to any depth the report has."""
    return _clean(value, text)  # type: ignore[no-any-return]


def _clean(value: Any, text: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return text(value)
    if isinstance(value, tuple):
        return tuple(_clean(v, text) for v in value)
    if isinstance(value, list):
        return [_clean(v, text) for v in value]
    if isinstance(value, dict):
        return {_clean(k, text): _clean(v, text) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _clean(getattr(value, f.name), text)
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    return value
