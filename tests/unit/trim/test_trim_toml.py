"""Removing dependency items from TOML text and setup.cfg lines, and nothing else."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from depsize.requirements.tomlfile import TomlLocator
from depsize.trim import manifests as trim_toml
from depsize.trim.manifests import (
    LineRemoval,
    TomlRemoval,
    TrimVerificationError,
    remove_items,
    remove_setup_cfg_lines,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def _note(text: str) -> str:
    return f"depsize: removed {text}"


def _spans(text: str, *path: str) -> list[tuple[int, int]]:
    locator = TomlLocator(text)
    entry = locator.get(*path)
    assert entry is not None
    return locator.array_items(entry)


def _remove(
    text: str, path: Sequence[str], indexes: Sequence[int], *, comments: bool = False
) -> str:
    spans = _spans(text, *path)
    comment = _note if comments else None
    edit = remove_items(text, [TomlRemoval(spans[i], comment) for i in indexes])
    assert edit.skipped == ()
    return edit.text


DEPS = ("project", "dependencies")


@pytest.mark.parametrize(
    ("indexes", "expected"),
    [
        ([0], 'dependencies = ["b", "c"]  # tail'),
        ([1], 'dependencies = ["a", "c"]  # tail'),
        ([2], 'dependencies = ["a", "b"]  # tail'),
        ([1, 2], 'dependencies = ["a"]  # tail'),
        ([0, 1], 'dependencies = ["c"]  # tail'),
        ([0, 1, 2], "dependencies = []  # tail"),
    ],
)
def test_remove_items__inline_array__item_and_one_comma_go(
    indexes: list[int], expected: str
) -> None:
    text = '[project]\ndependencies = ["a", "b", "c"]  # tail\n'
    assert _remove(text, DEPS, indexes) == f"[project]\n{expected}\n"


def test_remove_items__inline_array_trailing_comma__kept_valid() -> None:
    text = '[project]\ndependencies = [ "a" , "b", ]\n'
    assert _remove(text, DEPS, [1]) == '[project]\ndependencies = [ "a" , ]\n'
    assert _remove(text, DEPS, [0]) == '[project]\ndependencies = [ "b", ]\n'


MULTI = """[project]
# the runtime set
dependencies = [
    "fastapi>=0.110",  # web
    # a note about rich
    "rich>=13",
    "six"
]
"""


def test_remove_items__own_line_items__lines_go_comments_elsewhere_kept() -> None:
    assert _remove(MULTI, DEPS, [0, 2]) == (
        "[project]\n# the runtime set\ndependencies = [\n"
        '    # a note about rich\n    "rich>=13",\n]\n'
    )


def test_remove_items__own_line_items_with_comments__comment_lines_in_their_place() -> None:
    assert _remove(MULTI, DEPS, [0, 2], comments=True) == (
        "[project]\n# the runtime set\ndependencies = [\n"
        '    # depsize: removed "fastapi>=0.110"\n'
        "    # a note about rich\n"
        '    "rich>=13",\n'
        '    # depsize: removed "six"\n'
        "]\n"
    )


def test_remove_items__crlf_own_line__crlf_comment_line() -> None:
    text = MULTI.replace("\n", "\r\n")
    assert _remove(text, DEPS, [1], comments=True) == (
        MULTI.replace('    "rich>=13",\n', '    # depsize: removed "rich>=13"\n').replace(
            "\n", "\r\n"
        )
    )


def test_remove_items__first_item_on_bracket_line__comma_after_goes() -> None:
    text = '[project]\ndependencies = ["a",\n                "b"]\n'
    assert _remove(text, DEPS, [0]) == '[project]\ndependencies = [\n                "b"]\n'
    assert _remove(text, DEPS, [1]) == '[project]\ndependencies = ["a"]\n'


def test_remove_items__last_item_after_commented_comma__trailing_comma_left() -> None:
    text = '[project]\ndependencies = ["a",  # why\n  "b"]\n'
    assert _remove(text, DEPS, [1]) == '[project]\ndependencies = ["a",  # why\n  ]\n'


def test_remove_items__multi_line_item__all_its_lines_go_one_comment_line() -> None:
    text = '[project]\ndependencies = [\n    "a",\n    """rich\n  >=13""",  # x\n]\n'
    assert _remove(text, DEPS, [1], comments=True) == (
        '[project]\ndependencies = [\n    "a",\n    # depsize: removed """rich >=13"""\n]\n'
    )


def test_remove_items__last_line_without_newline__removed_cleanly() -> None:
    text = '[project]\ndependencies = [\n  "a",\n  "b",\n]\n[tool.x]\ny = 1'
    assert _remove(text, DEPS, [1]) == '[project]\ndependencies = [\n  "a",\n]\n[tool.x]\ny = 1'


POETRY = """[tool.poetry.dependencies]
python = "^3.10"
requests = "^2.31"  # http
numpy = [
    { version = "<2", python = "<3.9" },
    { version = ">=2", python = ">=3.9" },
]

[tool.poetry.dependencies.pydantic]
version = "^2"

[build-system]
requires = ["poetry-core"]
"""


def _entry(text: str, *path: str) -> tuple[int, int]:
    entry = TomlLocator(text).get(*path)
    assert entry is not None
    return entry.start, entry.end


def test_remove_items__poetry_keys_lists_and_tables__whole_entries_go() -> None:
    spans = [
        _entry(POETRY, "tool", "poetry", "dependencies", "requests"),
        _spans(POETRY, "tool", "poetry", "dependencies", "numpy")[0],
        _spans(POETRY, "tool", "poetry", "dependencies", "numpy")[1],
        _entry(POETRY, "tool", "poetry", "dependencies", "pydantic"),
    ]
    edit = remove_items(POETRY, [TomlRemoval(span) for span in spans])
    assert len(edit.removed) == 4
    assert edit.text == (
        '[tool.poetry.dependencies]\npython = "^3.10"\n\n\n'
        '[build-system]\nrequires = ["poetry-core"]\n'
    )


def test_remove_items__span_not_an_item__skipped() -> None:
    edit = remove_items(MULTI, [TomlRemoval((0, 3)), TomlRemoval((40, 47))])
    assert edit.text == MULTI
    assert [reason for _, reason in edit.skipped] == ["cannot locate it in the file"] * 2


def test_remove_items__bad_cut__verification_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trim_toml, "_cut", lambda text, target, comment: text.replace("a", "b"))
    text = '[project]\ndependencies = ["a", "b"]\n'
    with pytest.raises(TrimVerificationError, match="intended values"):
        remove_items(text, [TomlRemoval(_spans(text, *DEPS)[0])])
    monkeypatch.setattr(trim_toml, "_cut", lambda text, target, comment: text + "[")
    with pytest.raises(TrimVerificationError, match="does not parse"):
        remove_items(text, [TomlRemoval(_spans(text, *DEPS)[0])])


# -- a property: any layout, any subset ------------------------------------------------------------

_ITEMS = st.lists(
    st.sampled_from(['"a"', '"b>=1"', "'c ; python_version < \"3.9\"'", '"d[x]"', '"e"']),
    min_size=1,
    max_size=6,
)
_GAP = st.sampled_from([" ", "", "  ", "\n    ", "  # note\n    ", "\n\n  "])


@st.composite
def arrays(draw: st.DrawFn) -> tuple[str, list[int]]:
    items = draw(_ITEMS)
    parts = ["[project]\n# keep me\ndependencies = [", draw(_GAP)]
    for index, item in enumerate(items):
        last = index == len(items) - 1
        comma = "," if not last or draw(st.booleans()) else ""
        parts += [item, comma, draw(st.sampled_from(["", "  # why"])) if comma else "", "\n"]
        parts.append(draw(st.sampled_from(["  ", ""])))
    parts.append("]  # after\n[tool.x]\ny = 1  # keep too\n")
    text = "".join(parts)
    remove = draw(st.lists(st.integers(0, len(items) - 1), unique=True))
    return text, remove


@settings(max_examples=300, deadline=None)
@given(case=arrays(), comments=st.booleans())
def test_remove_items__any_layout_any_subset__parses_to_the_rest_comments_kept(
    case: tuple[str, list[int]], comments: bool
) -> None:
    text, remove = case
    new = _remove(text, DEPS, remove, comments=comments)
    items = tomllib.loads(text)["project"]["dependencies"]
    parsed = tomllib.loads(new)
    assert parsed["project"]["dependencies"] == [
        item for index, item in enumerate(items) if index not in remove
    ]
    assert parsed["tool"] == {"x": {"y": 1}}
    assert "# keep me\n" in new
    assert "]  # after\n[tool.x]\ny = 1  # keep too\n" in new


# -- setup.cfg ------------------------------------------------------------------------------------

CFG = b"""[options]
install_requires =
    requests>=2.31
    rich>=13
    click
single = attrs
"""


def test_remove_setup_cfg_lines__continuation_lines__removed_or_commented() -> None:
    edit = remove_setup_cfg_lines(
        CFG, [LineRemoval(4, 4, "rich>=13", "# gone"), LineRemoval(5, 5, "click")]
    )
    assert edit.data == CFG.replace(b"    rich>=13\n", b"    # gone\n").replace(b"    click\n", b"")
    assert edit.skipped == ()


def test_remove_setup_cfg_lines__crlf__ending_kept() -> None:
    data = CFG.replace(b"\n", b"\r\n")
    edit = remove_setup_cfg_lines(data, [LineRemoval(4, 4, "rich>=13", "# gone")])
    assert edit.data == data.replace(b"    rich>=13\r\n", b"    # gone\r\n")


@pytest.mark.parametrize(
    ("removal", "reason"),
    [
        (LineRemoval(6, 6, "attrs"), "it is on the line of its key; edit it by hand"),
        (LineRemoval(4, 4, "click"), "its line holds more than this requirement; edit it by hand"),
        (LineRemoval(40, 40, "click"), "cannot find it in the file as read"),
        (LineRemoval(4, 5, "rich>=13"), "cannot find it in the file as read"),
    ],
)
def test_remove_setup_cfg_lines__unsafe_line__skipped(removal: LineRemoval, reason: str) -> None:
    edit = remove_setup_cfg_lines(CFG.replace(b"attrs", b"attrs"), [removal])
    assert edit.data == CFG
    assert [r for _, r in edit.skipped] == [reason]


def test_remove_setup_cfg_lines__configparser_rejects_file__everything_skipped() -> None:
    data = CFG + b"[options]\nx = 1\n"
    edit = remove_setup_cfg_lines(data, [LineRemoval(4, 4, "rich>=13")])
    assert edit.data == data
    assert edit.skipped[0][1].startswith("configparser cannot read the file")


def test_remove_setup_cfg_lines__comment_breaks_value__verification_error() -> None:
    with pytest.raises(TrimVerificationError, match="does not hold the intended values"):
        remove_setup_cfg_lines(CFG, [LineRemoval(4, 4, "rich>=13", "not a comment")])
