"""Locating keys and array items in TOML text."""

from __future__ import annotations

from pathlib import Path

from depsize.requirements.tomlfile import TomlLocator, read_project_name


def items(text: str, *path: str) -> list[str]:
    locator = TomlLocator(text)
    entry = locator.get(*path)
    assert entry is not None
    return [text[a:b] for a, b in locator.array_items(entry)]


def test_locator__nested_arrays_and_inline_tables__top_level_items() -> None:
    text = 'k = [ [1, [2]], {a = "]", b = {c = 1}}, "x,y" , \'z\' ]\n'
    assert items(text, "k") == ["[1, [2]]", '{a = "]", b = {c = 1}}', '"x,y"', "'z'"]


def test_locator__dotted_and_quoted_keys__full_path() -> None:
    text = "[a . \"b.c\"]\nd.'e' = [1]\n[[arr]]\nx = 1\n"
    locator = TomlLocator(text)
    assert locator.get("a", "b.c", "d", "e") is not None
    assert locator.get("arr", "x") is not None
    assert items(text, "a", "b.c", "d", "e") == ["1"]


def test_locator__not_an_array__no_items() -> None:
    locator = TomlLocator("k = 1\n")
    entry = locator.get("k")
    assert entry is not None
    assert locator.array_items(entry) == []


def test_locator__multiline_strings_with_quotes__skipped() -> None:
    text = 's = """a ""quoted"" \\""" b"""\nt = \'\'\'x\'\'\'\'\nk = ["v"]\n'
    assert items(text, "k") == ['"v"']


def test_locator__garbage__no_crash() -> None:
    locator = TomlLocator("k = [\n")
    assert locator.get("k") is None
    assert TomlLocator("= 1").entries == {}


def test_read_project_name__pyproject_or_setup_cfg_or_none(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pyproject.toml").write_text('[tool.poetry]\nname = "Po"\n')
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "setup.cfg").write_text("[metadata]\nname = legacy\n")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "pyproject.toml").write_text("not toml [")
    assert read_project_name(tmp_path / "a") == "Po"
    assert read_project_name(tmp_path / "b") == "legacy"
    assert read_project_name(tmp_path / "c") is None
