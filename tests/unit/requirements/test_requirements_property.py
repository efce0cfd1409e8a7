"""Every requirement packaging accepts round-trips through the requirements-file parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from depsize.requirements.txt import RequirementsReader

NAMES = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,8}[A-Za-z0-9])?", fullmatch=True)
RELEASE = st.lists(st.integers(0, 30), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
SUFFIX = st.sampled_from(["", "a1", "b2", "rc1", ".post1", ".dev0"])
VERSION = st.builds(lambda release, suffix: release + suffix, RELEASE, SUFFIX)
SPEC = st.one_of(
    st.builds(
        lambda op, v: op + v, st.sampled_from(["==", "!=", ">=", "<=", ">", "<", "~="]), VERSION
    ),
    st.builds(lambda op, v: f"{op}{v}.*", st.sampled_from(["==", "!="]), RELEASE),
)
SPACE = st.sampled_from(["", " ", "  "])
VARIABLES = st.sampled_from(
    ["python_version", "python_full_version", "sys_platform", "os_name", "platform_machine"]
)
VALUES = st.from_regex(r"[A-Za-z0-9._]{1,8}", fullmatch=True)
COMPARISON = st.builds(
    lambda var, op, value, quote: f"{var} {op} {quote}{value}{quote}",
    VARIABLES,
    st.sampled_from(["==", "!=", "<", ">=", "in", "not in"]),
    VALUES,
    st.sampled_from(['"', "'"]),
)
MARKER = st.recursive(
    COMPARISON,
    lambda inner: st.one_of(
        st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(["and", "or"]), inner),
        inner.map(lambda m: f"({m})"),
    ),
    max_leaves=4,
)
COMMENT = st.from_regex(r"[ -~]{0,20}", fullmatch=True)


@st.composite
def requirement_texts(draw: st.DrawFn) -> str:
    text = draw(NAMES) + draw(SPACE)
    extras = draw(st.lists(NAMES, max_size=3))
    if extras:
        text += "[" + ",".join(extras) + "]" + draw(SPACE)
    specs = draw(st.lists(SPEC, max_size=3))
    text += ",".join(specs)
    marker = draw(st.none() | MARKER)
    if marker is not None:
        text += draw(SPACE) + ";" + draw(SPACE) + marker
    return text


@st.composite
def file_layouts(draw: st.DrawFn, text: str) -> tuple[str, int]:
    """The file content and the line where the requirement starts."""
    lines = draw(st.sampled_from([[], ["# header"], ["", "--pre"]]))
    body = text
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(body)))
        body = body[:cut] + "\\\n" + body[cut:]
    if draw(st.booleans()):
        body += " # " + draw(COMMENT)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    content = newline.join([*lines, *body.split("\n")]) + draw(st.sampled_from(["", newline]))
    return content, len(lines) + 1


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("property")


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_txt_parser__any_valid_requirement__same_name_extras_specifier_marker(
    folder: Path, data: st.DataObject
) -> None:
    text = data.draw(requirement_texts())
    try:
        expected = Requirement(text)
    except InvalidRequirement:
        assume(False)
        raise
    content, line = data.draw(file_layouts(text))
    path = folder / "requirements.txt"
    path.write_bytes(content.encode("utf-8"))
    reader = RequirementsReader({})
    reader.read(path)
    assert reader.warnings == []
    (req,) = reader.requirements
    assert req.name == canonicalize_name(expected.name)
    assert req.extras == {canonicalize_name(e) for e in expected.extras}
    assert req.specifier == str(expected.specifier)
    assert req.marker == (str(expected.marker) if expected.marker else None)
    assert req.line == line


WORDS_ALPHABET = st.sampled_from(
    [
        *("a", "Z", "-", "--hash", "=", "sha256:", "0f", "#", "${X}", "é", "\x00"),
        *(" ", "  ", "\t", "\r", "\n", "\x0b", "\xa0", "\u2003"),
        *("'", '"', "\\"),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS_ALPHABET, max_size=30).map("".join))
def test_split_words__same_as_shlex(text: str) -> None:
    """Plain splitting where shlex would split only on blanks, shlex itself elsewhere."""
    import shlex

    from depsize.requirements.pipsyntax import split_words
    from depsize.requirements.targets import TargetError

    try:
        expected: list[str] | None = shlex.split(text, comments=False, posix=True)
    except ValueError:
        expected = None
    try:
        found: list[str] | None = split_words(text)
    except TargetError:
        found = None
    assert found == expected


def test_split_words__hash_options__split_without_shlex() -> None:
    from depsize.requirements.pipsyntax import parse_options

    hashes = [f"--hash=sha256:{n:064x}" for n in range(12)]
    line = "    ".join(hashes)
    assert parse_options(line) == [("hash", h.removeprefix("--hash=")) for h in hashes]
    assert parse_options("--hash 'sha256:ab cd'\t--pre") == [
        ("hash", "sha256:ab cd"),
        ("pre", None),
    ]
