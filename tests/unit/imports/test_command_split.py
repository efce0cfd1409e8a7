"""Command lines without quotes, escapes or comments split as ``shlex`` splits them."""

from __future__ import annotations

import shlex
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from depsize.imports.commands import _SHELL_SPACE, _SHELL_SYNTAX, _commands

PLAIN = st.text(alphabet=st.sampled_from(list("ab =-./:\t\r\n\x0b\x0c\u00e9$&;|x")), max_size=40)


@given(PLAIN)
def test_plain_commands__same_words_as_shlex(line: str) -> None:
    if _SHELL_SYNTAX.search(line) is None:
        assert [w for w in _SHELL_SPACE.split(line) if w] == shlex.split(line, comments=True)


def test_a_line_of_megabytes__split_without_shlex() -> None:
    line = "python app.py " + "word " * 2_000_000
    (command,) = _commands(line, Path("Procfile"), 1)
    assert command.argv[:2] == ("python", "app.py")
    assert len(command.argv) == 2_000_002
