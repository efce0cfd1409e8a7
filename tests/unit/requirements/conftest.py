"""Fixture projects for the requirements tests, copied into ``tmp_path`` before use."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "requirements"


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """Copy ``tests/fixtures/requirements/<name>`` into ``tmp_path`` and return the copy."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write text (or exact bytes) to ``tmp_path / name`` and return the path."""

    def write_file(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return path

    return write_file
