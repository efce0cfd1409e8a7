"""JSON documents from the environment (``direct_url.json``, conda-meta), loaded with bounds.

Nesting is measured first, without recursion, and a document nested deeper than
:data:`MAX_DEPTH` is refused as an input error (``json`` would otherwise recurse until Python's
recursion limit). Every failure is an :class:`~depsize.errors.InputError` naming the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from depsize.errors import InputError

MAX_DEPTH = 64


class JsonDocError(InputError):
    """A JSON file that cannot be loaded; ``reason`` is the message without the file name."""

    def __init__(self, reason: str, path: Path, line: int | None = None) -> None:
        self.reason = reason
        super().__init__(reason, path, line)


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def nesting_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting of ``text``, brackets inside strings not counted."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def load_json(text: str, path: Path) -> object:
    """The JSON value of ``text``; :class:`JsonDocError` for invalid or too deeply nested JSON."""
    if nesting_depth(text) > MAX_DEPTH:
        raise JsonDocError(f"JSON nested deeper than {MAX_DEPTH} levels; not read", path)
    try:
        return json.loads(text)
    except ValueError as exc:  # JSONDecodeError, and numbers past Python's digit limit
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        raise JsonDocError(f"invalid JSON: {str(exc)[:200]}", path, line) from None
    except RecursionError:  # pragma: no cover - the depth check above comes first
        raise JsonDocError("JSON nested too deeply; not read", path) from None
