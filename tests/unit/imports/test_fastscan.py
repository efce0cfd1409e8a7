"""The fast scanner agrees with the ``ast`` walk on every file it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from depsize.imports.astscan import scan_text_ast
from depsize.imports.extract import decode_source
from depsize.imports.fastscan import scan_text
from tests.unit.imports.helpers import FIXTURES

FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*.py") if p.name != "conftest.py")


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fastscan__fixture_file__same_as_ast_or_declined(path: Path) -> None:
    try:
        text = decode_source(path.read_bytes())
    except UnicodeDecodeError:
        pytest.skip("undecodable on purpose")
    fast = scan_text(text)
    assert fast is None or fast == scan_text_ast(text)


_SIMPLE = st.sampled_from(
    [
        "import a",
        "import a.b as c, d",
        "from e import f",
        "from .g import h as i",
        "from . import j",
        "from k import (l,\n    m)",
        "x = 'import nope'",
        'y = """\nimport nope\n"""',
        "# import nope",
        "z = importlib.import_module('dyn')",
        "w = __import__('dyn2')",
        "u = 'postgresql+psycopg2://x'",
        "pass",
        "v = [i\n    for i in range(3)\n    if i]",
    ]
)
_HEADERS = st.sampled_from(
    [
        ("def f():", None),
        ("class C:", None),
        ("if TYPE_CHECKING:", None),
        ("if x:", "else:"),
        ("try:", "except ImportError:"),
        ("try:", "except (ValueError, KeyError):"),
        ("try:", "except Exception as exc:"),
        ("try:", "finally:"),
        ("with x:", None),
        ("for i in y:", None),
        ("while x:", None),
    ]
)


@st.composite
def _programs(draw: st.DrawFn, depth: int = 0) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 3 and draw(st.booleans()):
            head, tail = draw(_HEADERS)
            lines.append(head)
            lines.extend("    " + ln for ln in [*draw(_programs(depth + 1)), "pass"])
            if tail:
                lines.append(tail)
                lines.extend("    " + ln for ln in [*draw(_programs(depth + 1)), "pass"])
        else:
            lines.extend(draw(_SIMPLE).split("\n"))
    return lines


@settings(max_examples=300, deadline=None)
@given(_programs())
def test_fastscan__generated_programs__same_as_ast_or_declined(lines: list[str]) -> None:
    text = "import importlib\nfrom typing import TYPE_CHECKING\n" + "\n".join(lines) + "\n"
    fast = scan_text(text)
    assert fast is None or fast == scan_text_ast(text), text
