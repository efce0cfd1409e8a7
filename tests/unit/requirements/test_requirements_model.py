"""Markers against a target environment, dev groups, group names from file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from depsize.requirements.model import (
    DeclaredRequirement,
    DeclaredSet,
    group_from_filename,
    is_applicable,
    is_dev_group,
)
from depsize.requirements.targets import Origin, Parts, build

LINUX_311 = {"python_version": "3.11", "python_full_version": "3.11.7", "sys_platform": "linux"}


def requirement(marker: str | None, group: str = "main") -> DeclaredRequirement:
    return build(Parts("pkg", marker=marker), Origin(Path("r.txt"), 1, 1, "pkg", group))


@pytest.mark.parametrize(
    ("marker", "applicable"),
    [
        (None, True),
        ('python_version < "3.10"', False),
        ('python_version >= "3.8"', True),
        ('sys_platform == "win32"', False),
        ('extra == "test"', False),
        ('extra == "test" or sys_platform == "linux"', True),
        ('python_version ~= "1"', True),
    ],
)
def test_is_applicable__marker__evaluated_for_target(marker: str | None, applicable: bool) -> None:
    req = requirement(marker)
    assert is_applicable(req, LINUX_311) is applicable
    assert req.is_applicable(LINUX_311) is applicable


@pytest.mark.parametrize(
    ("group", "dev"),
    [
        ("dev", True),
        ("Tests", True),
        ("type_checking", False),
        ("pre_commit", True),
        ("main", False),
        ("server", False),
        ("DOCS", True),
        ("bench", True),
    ],
)
def test_is_dev_group__names__documented_set(group: str, dev: bool) -> None:
    assert is_dev_group(group) is dev
    assert requirement(None, group).is_dev is dev


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("requirements-dev.txt", "dev"),
        ("requirements.txt", None),
        ("lint.txt", "lint"),
        ("requirements_gpu.txt", None),
    ],
)
def test_group_from_filename__names__group(name: str, group: str | None) -> None:
    assert group_from_filename(Path(name)) == group


def test_declared_requirement__location__file_colon_line() -> None:
    assert requirement(None).location == "r.txt:1"


def test_declared_set__in_groups__follows_includes_and_cycles() -> None:
    reqs = (requirement(None, "a"), requirement(None, "b"), requirement(None, "c"))
    declared = DeclaredSet(requirements=reqs, group_includes=(("a", ("b",)), ("b", ("a",))))
    assert [r.group for r in declared.in_groups(frozenset({"a"}))] == ["a", "b"]
    assert declared.groups == ("a", "b", "c")
