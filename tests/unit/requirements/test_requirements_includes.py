"""``-r`` and ``-c`` includes: nested chains, constraints, cycles, missing files, read once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from depsize.errors import IncludeCycleError, InputError
from depsize.requirements import load_declared
from depsize.requirements.txt import RequirementsReader

Write = Callable[[str, str | bytes], Path]


@pytest.fixture
def chain(project: Callable[[str], Path]) -> Path:
    return project("chain")


def test_includes__nested_chain__every_requirement_with_its_file_line_and_group(
    chain: Path,
) -> None:
    declared = load_declared(chain, environ={})
    found = [
        (r.name, r.source.relative_to(chain).as_posix(), r.line, r.group)
        for r in declared.requirements
    ]
    assert found == [
        ("django", "requirements/base.txt", 1, "main"),
        ("requests", "requirements/_shared.txt", 1, "main"),
        ("psycopg2-binary", "requirements/base.txt", 3, "main"),
        ("gunicorn", "requirements.txt", 4, "main"),
        ("pytest", "requirements-dev.txt", 2, "dev"),
        ("ruff", "requirements/lint.txt", 1, "lint"),
    ]


def test_includes__constraints_file__constraints_not_requirements(chain: Path) -> None:
    declared = load_declared(chain, environ={})
    assert [(c.name, c.specifier) for c in declared.constraints] == [
        ("urllib3", "<2"),
        ("certifi", "==2024.2.2"),
    ]
    assert not {"urllib3", "certifi"} & {r.name for r in declared.requirements}


def test_includes__file_included_twice__read_once(chain: Path) -> None:
    declared = load_declared(chain, environ={})
    paths = [s.path.relative_to(chain).as_posix() for s in declared.sources]
    assert len(paths) == len(set(paths)) == 6
    formats = {s.path.name: s.format for s in declared.sources}
    assert formats["constraints.txt"] == "constraints"
    base = next(s for s in declared.sources if s.path.name == "base.txt")
    assert base.included_from == (chain / "requirements.txt", 2)


def test_includes__cycle__error_naming_the_chain(project: Callable[[str], Path]) -> None:
    folder = project("cycle")
    with pytest.raises(IncludeCycleError) as info:
        load_declared(folder, [folder / "a.txt"])
    assert "include cycle: a.txt -> b.txt -> c.txt -> a.txt" in str(info.value)
    assert (info.value.path, info.value.line) == (folder / "c.txt", 1)
    assert info.value.exit_code == 2


def test_includes__file_including_itself__cycle_error(write: Write) -> None:
    path = write("self.txt", "flask\n-r self.txt\n")
    with pytest.raises(IncludeCycleError, match=r"self\.txt -> self\.txt"):
        RequirementsReader({}).read(path)


def test_includes__missing_include__input_error_naming_file_and_line(write: Write) -> None:
    path = write("requirements.txt", "flask\n\n-r missing.txt\n")
    with pytest.raises(InputError) as info:
        load_declared(path.parent, [path])
    assert (info.value.path, info.value.line) == (path, 3)
    assert str(info.value).startswith(f"{path}:3: cannot read {path.parent / 'missing.txt'}")


def test_includes__missing_explicit_file__input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_declared(tmp_path, [tmp_path / "nope.txt"])


def test_includes__relative_to_including_file__resolved_there(write: Write) -> None:
    write("deep/inner/leaf.txt", "leaf-pkg\n")
    write("deep/mid.txt", "-r inner/leaf.txt\n")
    top = write("top.txt", "-r deep/mid.txt\n")
    reader = RequirementsReader({})
    reader.read(top)
    assert [(r.name, r.source.name) for r in reader.requirements] == [("leaf-pkg", "leaf.txt")]


def test_includes__requirement_inside_constraints_file__is_requirement_like_pip(
    write: Write,
) -> None:
    write("more.txt", "extra-pkg\n")
    write("c.txt", "pinned==1\n-r more.txt\n")
    top = write("r.txt", "-c c.txt\n")
    reader = RequirementsReader({})
    reader.read(top)
    assert [c.name for c in reader.constraints] == ["pinned"]
    assert [r.name for r in reader.requirements] == ["extra-pkg"]


def test_includes__remote_include__warning_not_fetched(write: Write) -> None:
    reader = RequirementsReader({})
    reader.read(write("r.txt", "-r https://example.com/reqs.txt\nflask\n"))
    assert [r.name for r in reader.requirements] == ["flask"]
    assert "not read" in reader.warnings[0].message


def test_includes__include_entries__spans_recorded(chain: Path) -> None:
    declared = load_declared(chain, environ={})
    rfile = declared.requirements_file(chain / "requirements.txt")
    assert rfile is not None
    assert rfile.include_spans == ((2, 2), (3, 3))
    assert rfile.requirement_spans == ((4, 4),)
