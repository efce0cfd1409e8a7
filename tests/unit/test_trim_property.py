"""Property: after trim removes a chosen subset, a real parser reads exactly the original
requirements minus the removed ones, or trim refuses and writes nothing.

The oracles are independent of depsize: pip's own requirements-file parser
(``pip._internal.req.req_file.parse_requirements``) for requirements files, ``tomllib`` for TOML.
Refusals (the whole plan refused, or one removal left undone with a reason) are counted, and must
stay rare on valid input.
"""

from __future__ import annotations

import re
import sys
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depsize.errors import InputError
from depsize.requirements import load_declared
from depsize.trim import Removal, plan_trim, write_plan

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

with warnings.catch_warnings():  # pip's vendored pkg_resources warns when imported
    warnings.simplefilter("ignore", DeprecationWarning)
    pip_req_file = pytest.importorskip("pip._internal.req.req_file")
    pip_session = pytest.importorskip("pip._internal.network.session")
    pytest.importorskip("pip._internal.req.constructors")
    pytest.importorskip("pip._vendor.pkg_resources")

SEPARATORS = [
    "\n",
    "\r\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
]
"""Every line break pip honours (``str.splitlines``)."""
_LINE_OF = re.compile(r"\(line (\d+)\)$")


# -- requirements files ---------------------------------------------------------------------------

_SPEC = st.sampled_from(["", "==1.0", ">=2,<3", "[extra]>=1", " ~= 1.4", "[a,b]"])
_MARKER = st.sampled_from(["", ' ; python_version >= "3.8"', "; sys_platform != 'win32'"])
_TAIL = st.sampled_from(["", "  # why", "\t# note # more", " --hash=sha256:" + "ab" * 32])
_OTHER = st.sampled_from(
    [
        "",
        "# a comment",
        "   ",
        "--index-url https://pypi.org/simple",
        "-i https://pypi.org/simple",
        "--extra-index-url https://example.invalid/simple  # mirror",
        "--pre",
        "#--not-an-option",
        "# a comment ending in a backslash \\",
    ]
)


@st.composite
def _requirement_lines(draw: Any, index: int) -> list[str]:
    """One requirement, as one line or continued over several with ``\\``."""
    name = f"pkg{index}" if draw(st.booleans()) else f"Pkg_{index}.x"
    text = f"{name}{draw(_SPEC)}{draw(_MARKER)}"
    tail = draw(_TAIL)
    if draw(st.integers(0, 3)) == 0:
        cut = draw(st.integers(len(name), len(text)))
        return [text[:cut] + " \\", "    " + text[cut:].lstrip() + tail]
    return [text + tail]


@st.composite
def requirements_files(draw: Any) -> tuple[bytes, int]:
    """(bytes of a valid requirements file, number of requirements in it)."""
    lines: list[str] = []
    count = draw(st.integers(1, 8))
    for index in range(count):
        lines += [draw(_OTHER) for _ in range(draw(st.integers(0, 2)))]
        lines += draw(_requirement_lines(index))
    lines += [draw(_OTHER) for _ in range(draw(st.integers(0, 2)))]
    endings = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(lines), max_size=len(lines)))
    if not draw(st.booleans()):
        endings[-1] = ""
    text = "".join(line + end for line, end in zip(lines, endings, strict=True))
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return bom + text.encode("utf-8"), count


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        made = pip_session.PipSession()
    yield made
    made.close()


def pip_requirements(path: Path, session: Any) -> Counter[tuple[int, str]]:
    """What pip itself reads from ``path``: (line, requirement text) of each requirement."""
    found: Counter[tuple[int, str]] = Counter()
    for parsed in pip_req_file.parse_requirements(str(path), session=session):
        match = _LINE_OF.search(parsed.comes_from)
        assert match is not None
        found[(int(match.group(1)), str(parsed.requirement))] += 1
    return found


class Tally:
    def __init__(self) -> None:
        self.runs = 0
        self.refused = 0

    def rate(self) -> float:
        return self.refused / max(self.runs, 1)


def _check_requirements_trim(
    data: bytes, chosen: set[int], comments: bool, tally: Tally, session: Any
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "requirements.txt"
        path.write_bytes(data)
        before = pip_requirements(path, session)
        declared = load_declared(root, [path], environ={})
        names = {f"pkg{i}" for i in chosen} | {f"pkg-{i}-x" for i in chosen}
        removals = [Removal(r, "unused", 1) for r in declared.requirements if r.name in names]
        tally.runs += 1
        try:
            plan = plan_trim(declared, removals, comments=comments, project=root)
        except InputError:
            tally.refused += 1
            assert path.read_bytes() == data
            return
        tally.refused += bool(plan.skipped)
        write_plan(plan, in_place=True, backup=False)
        after = pip_requirements(path, session)
        removed_lines = {c.line for _, c in plan.changes if c.kind == "removed"}
        assert len(removed_lines) == len(removals) - len(plan.skipped)
    expected = Counter({text: n for (line, text), n in before.items() if line not in removed_lines})
    assert Counter(text for (_, text) in after.elements()) == expected


def test_trim_requirements_file__any_subset_removed__pip_reads_the_rest_exactly(
    session: Any,
) -> None:
    tally = Tally()

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(file=requirements_files(), picks=st.sets(st.integers(0, 7)), comments=st.booleans())
    def run(file: tuple[bytes, int], picks: set[int], comments: bool) -> None:
        data, count = file
        _check_requirements_trim(data, {i for i in picks if i < count}, comments, tally, session)

    run()
    print(f"requirements files: {tally.refused} refusals in {tally.runs} trims")
    assert tally.runs >= 300
    assert tally.rate() < 0.02


# -- TOML -----------------------------------------------------------------------------------------


def _basic(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def _toml_string(draw: Any, value: str) -> str:
    """``value`` written in one of TOML's quoting styles (all parse back to ``value``)."""
    style = draw(st.integers(0, 5))
    cut = draw(st.integers(1, len(value)))
    head, rest = value[:cut], value[cut:]
    if "'" in value and style in {1, 3}:
        style = 0
    if style == 4 and (head.endswith((" ", "\t")) or rest.startswith((" ", "\t"))):
        style = 0
    written = {
        0: _basic(value),
        1: f"'{value}'",
        # multi-line basic: may end in up to two quotes, escaped quotes inside
        2: f'"""{value if value.count(chr(34)) <= 2 else _escape_basic(value)}"""',
        3: f"'''{value}'''",
        # a line-ending backslash trims the newline and the indentation after it
        4: f'"""{_escape_basic(head)}\\\n      {_escape_basic(rest)}"""',
        # a newline right after the opening quotes is trimmed
        5: f'"""\n{_escape_basic(value)}"""',
    }
    return written[style]


def _escape_basic(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


_VALUES = st.sampled_from(
    [
        "{n}",
        "{n}>=1.0",
        "{n}[extra]==2.0",
        '{n} ; python_version >= "3.8"',
        "{n} ; os_name != 'nt'",
        "{n} @ https://example.invalid/{n}-1.0.tar.gz",
    ]
)
_GAP = st.sampled_from(["", " ", "  # c", '  # c, with ] and " in it', "\n  # own line"])


@st.composite
def _array(draw: Any, names: list[str]) -> tuple[str, list[str]]:
    values = [draw(_VALUES).format(n=name) for name in names]
    items = [draw(_toml_string(value)) for value in values]
    if draw(st.booleans()):  # inline
        trailing = "," if items and draw(st.booleans()) else ""
        return "[" + ", ".join(items) + trailing + "]", values
    rows = ["["]
    for index, item in enumerate(items):
        comma = "," if index < len(items) - 1 or draw(st.booleans()) else ""
        rows.append(f"    {item}{comma}{draw(_GAP)}")
    rows.append("]")
    return "\n".join(rows), values


@st.composite
def toml_documents(draw: Any) -> tuple[str, dict[str, list[str]]]:
    """(a valid pyproject.toml, the names declared in each place)."""
    count = draw(st.integers(1, 9))
    names = [f"pkg{i}" for i in range(count)]
    cut1, cut2 = sorted(draw(st.lists(st.integers(0, count), min_size=2, max_size=2)))
    main, extra, poetry = names[:cut1], names[cut1:cut2], names[cut2:]
    main_array, _ = draw(_array(main))
    extra_array, _ = draw(_array(extra))
    description = draw(
        st.sampled_from(['"plain"', "'''multi\nline'''", '"""ends in a quote\\""""', "'x'"])
    )
    lines = [
        "# a project",
        "[project]",
        'name = "app"  # the name',
        f"description = {description}",
        f"dependencies = {main_array}",
        "",
        "[project.optional-dependencies]",
        f"extra = {extra_array}",
        "",
        "[tool.poetry.dependencies]",
        'python = "^3.10"',
    ]
    for name in poetry:
        value = draw(
            st.sampled_from(['"^1.0"', "'*'", '{ version = ">=1", extras = ["a"] }', '">=1"'])
        )
        lines.append(f"{name} = {value}{draw(st.sampled_from(['', '  # pinned']))}")
    ending = "\r\n" if draw(st.booleans()) else "\n"
    text = ending.join(lines) + ending
    return text, {"main": main, "extra": extra, "poetry": poetry}


def _toml_view(data: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    project = data["project"]
    poetry = data["tool"]["poetry"]["dependencies"]
    return (
        project["dependencies"],
        project["optional-dependencies"]["extra"],
        sorted(k for k in poetry if k != "python"),
    )


def _name_of(value: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", value)
    assert match is not None
    return match.group(0)


def _check_toml_trim(text: str, chosen: set[str], comments: bool, tally: Tally) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "pyproject.toml"
        path.write_bytes(text.encode("utf-8"))
        declared = load_declared(root, [path], environ={})
        removals = [Removal(r, "unused", 1) for r in declared.requirements if r.name in chosen]
        tally.runs += 1
        try:
            plan = plan_trim(declared, removals, comments=comments, project=root)
        except InputError:
            tally.refused += 1
            assert path.read_bytes() == text.encode("utf-8")
            return
        tally.refused += bool(plan.skipped)
        gone = {c.name for _, c in plan.changes if c.kind == "removed"}
        write_plan(plan, in_place=True, backup=False)
        after = tomllib.loads(path.read_text(encoding="utf-8"))
    main, extra, poetry = _toml_view(tomllib.loads(text))
    assert _toml_view(after) == (
        [v for v in main if _name_of(v) not in gone],
        [v for v in extra if _name_of(v) not in gone],
        [n for n in poetry if n not in gone],
    )
    assert gone | {s.name for s in plan.skipped} == chosen & {r.name for r in declared.requirements}


def test_trim_toml__any_subset_removed__tomllib_reads_the_rest_exactly() -> None:
    tally = Tally()

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(doc=toml_documents(), picks=st.sets(st.integers(0, 8)), comments=st.booleans())
    def run(doc: tuple[str, dict[str, list[str]]], picks: set[int], comments: bool) -> None:
        text, _ = doc
        _check_toml_trim(text, {f"pkg{i}" for i in picks}, comments, tally)

    run()
    print(f"TOML: {tally.refused} refusals in {tally.runs} trims")
    assert tally.runs >= 300
    assert tally.rate() < 0.02
