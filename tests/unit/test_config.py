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
