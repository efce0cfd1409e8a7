"""Fixtures for the import-analysis tests: fixture projects copied into tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .helpers import FIXTURES


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a fixture project into tmp_path and return its root."""

    def copy(scenario: str) -> Path:
        target = tmp_path / scenario
        shutil.copytree(FIXTURES / scenario, target, symlinks=True)
        return target

    return copy
