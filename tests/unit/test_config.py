"""``[tool.depsize]``: strict keys and values, with the valid ones listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from depsize.config import load_config
from depsize.errors import InputError


def _config(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.depsize]\n" + body)
    return tmp_path


def test_load_config__ignore_status_typo__input_error_listing_statuses(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_config(_config(tmp_path, 'ignore = {unsed = ["gunicorn"]}\n'))
    message = str(caught.value)
    assert "ignore: unknown status 'unsed'" in message
    valid = message.split("valid: ")[1].split(", ")
    assert {"unused", "undeclared", "dead-code-only", "not-installed"} <= set(valid)
    assert "unsed" not in valid


def test_load_config__ignore_per_status__read(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, 'ignore = {unused = ["Gunicorn"], undeclared = "x"}\n'))
    assert config.ignore == {"unused": frozenset({"gunicorn"}), "undeclared": frozenset({"x"})}


def test_load_config__unknown_key__input_error_listing_keys(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown key.*grups.*known keys: requirements, groups"):
        load_config(_config(tmp_path, 'grups = ["dev"]\n'))


def test_load_config__explicit_file_top_level_table__read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.depsize]\ngroups = ["main"]\n')
    other = tmp_path / "depsize.toml"
    other.write_text('groups = ["dev"]\n[check]\nmax-total = "1GB"\n')
    config = load_config(tmp_path, other)
    assert config.groups == ("dev",)
    assert config.check == {"max-total": "1GB"}
    assert config.path == other


def test_load_config__explicit_pyproject_elsewhere__its_tool_table(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    shared = tmp_path / "shared" / "pyproject.toml"
    shared.write_text('[tool.depsize]\nexclude = ["scripts/*"]\n')
    assert load_config(tmp_path, shared).exclude == ("scripts/*",)


def test_load_config__explicit_file_missing__input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.toml: cannot read the config"):
        load_config(tmp_path, tmp_path / "nope.toml")
