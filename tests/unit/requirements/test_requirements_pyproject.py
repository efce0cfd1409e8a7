"""pyproject.toml: PEP 621, PEP 735 with include-group, uv, Poetry; exact lines; bad TOML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from depsize.errors import IncludeCycleError, InputError
from depsize.requirements import load_declared
from depsize.requirements.model import DeclaredRequirement
from depsize.requirements.pyproject import read_pyproject

Write = Callable[[str, str | bytes], Path]


@pytest.fixture
def pep735(project: Callable[[str], Path]) -> Path:
    return project("pep735") / "pyproject.toml"


@pytest.fixture
def poetry(project: Callable[[str], Path]) -> Path:
    return project("poetry") / "pyproject.toml"


def test_pyproject__pep621_and_pep735__names_groups_and_start_lines(pep735: Path) -> None:
    result = read_pyproject(pep735)
    found = [(r.name, r.group, r.group_kind, r.line) for r in result.requirements]
    assert found == [
        ("httpx", "main", "main", 9),
        ("pillow", "main", "main", 10),
        ("rich", "main", "main", 11),
        ("click", "cli", "extra", 15),
        ("typer", "cli", "extra", 15),
        ("pytest", "test", "group", 18),
        ("coverage", "test", "group", 18),
        ("ruff", "lint", "group", 19),
        ("ipython", "dev", "group", 23),
    ]
    assert result.warnings == ()


def test_pyproject__item_spans__point_at_the_item_text(pep735: Path) -> None:
    text = pep735.read_text(encoding="utf-8")
    for req in read_pyproject(pep735).requirements:
        assert req.span is not None
        assert text[req.span[0] : req.span[1]] == req.raw
    pillow = next(r for r in read_pyproject(pep735).requirements if r.name == "pillow")
    assert pillow.raw == "'Pillow[avif] ; platform_machine == \"x86_64\"'"
    assert (pillow.extras, pillow.marker) == (frozenset({"avif"}), 'platform_machine == "x86_64"')


def test_pyproject__include_group__edges_kept_and_followed(pep735: Path) -> None:
    declared = load_declared(pep735.parent)
    assert declared.group_includes == (("dev", ("test", "lint")),)
    dev = [r.name for r in declared.in_groups(frozenset({"dev"}))]
    assert dev == ["pytest", "coverage", "ruff", "ipython"]


def test_pyproject__include_group_cycle__clear_error(write: Write) -> None:
    path = write(
        "pyproject.toml",
        '[dependency-groups]\na = ["x", {include-group = "b"}]\n'
        'b = [{include-group = "C"}]\nc = [{include-group = "a"}]\n',
    )
    with pytest.raises(IncludeCycleError, match="cycle: a -> b -> c -> a"):
        read_pyproject(path)


def test_pyproject__include_unknown_group__input_error_with_line(write: Write) -> None:
    path = write("pyproject.toml", '[dependency-groups]\n\na = [\n  {include-group = "zz"},\n]\n')
    with pytest.raises(InputError, match="unknown group 'zz'") as info:
        read_pyproject(path)
    assert info.value.line == 4


def test_pyproject__invalid_toml__input_error_with_parser_position(write: Write) -> None:
    path = write("pyproject.toml", '[project]\nname = "x"\ndependencies = ["a",\n  oops]\n')
    with pytest.raises(InputError) as info:
        load_declared(path.parent)
    assert info.value.path == path
    assert info.value.line == 4
    assert "invalid TOML" in str(info.value)
    assert "line 4, column" in str(info.value)


def test_pyproject__not_utf8__input_error(write: Write) -> None:
    path = write("pyproject.toml", b"[project]\nname = '\xff'\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_pyproject(path)


def test_pyproject__bad_requirement_string__warning_with_line(write: Write) -> None:
    path = write("pyproject.toml", '[project]\ndependencies = [\n  "ok",\n  "not ok",\n  3,\n]\n')
    result = read_pyproject(path)
    assert [r.name for r in result.requirements] == ["ok"]
    assert [(w.line, w.message.split(":")[0]) for w in result.warnings] == [
        (4, "cannot parse 'not ok'"),
        (5, "not a requirement string"),
    ]


def test_pyproject__dependencies_not_array__warning(write: Write) -> None:
    path = write("pyproject.toml", '[project]\ndependencies = "flask"\n')
    assert "should be an array" in read_pyproject(path).warnings[0].message


def test_pyproject__tricky_toml__lines_still_exact(write: Write) -> None:
    text = (
        "# [project] in a comment\n"
        'title = """\n[project]\ndependencies = ["fake"]\n"""\n'
        "[project]\n"
        "name = 'x'\n"
        "dependencies = [ # comment ]\n"
        '  \'a\', "b\\" ",\n'
        "  \"\"\"c>=1\"\"\", '''d''',\n"
        "]\n"
        '[project."optional-dependencies"]\n'
        'Extra_1 = ["e"]\n'
        "[tool.uv]\n"
        "dev-dependencies = ['f']\n"
    )
    path = write("pyproject.toml", text.replace('"b\\" "', '"b"'))
    result = read_pyproject(path)
    assert [(r.name, r.line, r.group) for r in result.requirements] == [
        ("a", 9, "main"),
        ("b", 9, "main"),
        ("c", 10, "main"),
        ("d", 10, "main"),
        ("e", 13, "Extra_1"),
        ("f", 15, "dev"),
    ]


def test_pyproject__multiline_item__start_and_end_lines(write: Write) -> None:
    text = '[project]\ndependencies = [\n    """\n    flask>=3\n    """,\n]\n'
    req = read_pyproject(write("pyproject.toml", text)).requirements[0]
    assert (req.name, req.line, req.end_line, req.specifier) == ("flask", 3, 5, ">=3")


def test_poetry__project__specifiers_converted_groups_and_lines(poetry: Path) -> None:
    result = read_pyproject(poetry)
    found = [(r.name, r.specifier, r.group, r.group_kind, r.line) for r in result.requirements]
    assert found == [
        ("fastapi", "<0.111.0,>=0.110.0", "main", "main", 8),
        ("sqlalchemy", "<2.1,>=2.0", "main", "main", 9),
        ("uvicorn", "<0.30,>=0.27", "server", "extra", 10),
        ("numpy", "<2.0,>=1.26", "main", "main", 12),
        ("numpy", "<3.0,>=2.0", "main", "main", 13),
        ("mylib", "", "main", "main", 15),
        ("tools", "", "main", "main", 16),
        ("legacy", "==1.2.*", "main", "main", 17),
        ("pinned", "==2.0.1", "main", "main", 18),
        ("anything", "", "main", "main", 19),
        ("boto3", "<2.0,>=1.34", "main", "main", 21),
        ("pytest", "<9.0,>=8.0", "test", "group", 29),
        ("pytest-asyncio", "<0.24,>=0.23", "test", "group", 30),
        ("mkdocs", ">=1.5", "docs", "group", 36),
        ("black", "<25.0,>=24.1", "dev", "group", 39),
    ]
    assert "python" not in {r.name for r in result.requirements}
    assert result.warnings == ()


def test_poetry__tables__extras_markers_paths_git(poetry: Path) -> None:
    reqs: dict[tuple[str, int], DeclaredRequirement]
    reqs = {(r.name, r.line): r for r in read_pyproject(poetry).requirements}
    assert reqs["sqlalchemy", 9].extras == {"asyncio"}
    assert reqs["numpy", 12].marker == 'python_version >= "3.10" and python_version < "3.13"'
    assert reqs["numpy", 13].marker == 'python_version >= "3.13"'
    assert (reqs["mylib", 15].local_path, reqs["mylib", 15].editable) == ("../mylib", True)
    assert reqs["tools", 16].url == "git+https://github.com/org/tools.git@v1.0"
    assert reqs["boto3", 21].marker == 'platform_system == "Linux"'
    assert reqs["boto3", 21].end_line == 23


def test_poetry__alternatives__warning_and_rest_read(write: Write) -> None:
    text = '[tool.poetry.dependencies]\npython = "^3.9"\na = "^1 || ^2"\nb = "1.0"\n'
    result = read_pyproject(write("pyproject.toml", text))
    assert [r.name for r in result.requirements] == ["b"]
    assert result.warnings[0].line == 3
    assert "alternatives" in result.warnings[0].message


def test_poetry__with_project_table__main_names_not_repeated(write: Write) -> None:
    text = (
        '[project]\nname = "p"\ndependencies = ["requests>=2"]\n'
        '[tool.poetry.dependencies]\nrequests = { source = "private" }\nrich = "*"\n'
    )
    result = read_pyproject(write("pyproject.toml", text))
    assert [(r.name, r.line) for r in result.requirements] == [("requests", 3), ("rich", 6)]


def test_poetry__optional_without_extra__group_optional(write: Write) -> None:
    text = '[tool.poetry.dependencies]\nx = { version = "*", optional = true }\n'
    (req,) = read_pyproject(write("pyproject.toml", text)).requirements
    assert (req.group, req.group_kind) == ("optional", "extra")


def test_pyproject__group_not_an_array__warning_no_crash(write: Write) -> None:
    result = read_pyproject(write("pyproject.toml", '[dependency-groups]\ndev = "pytest"\n'))
    assert result.requirements == ()
    assert (result.warnings[0].line, result.group_includes) == (2, ())
