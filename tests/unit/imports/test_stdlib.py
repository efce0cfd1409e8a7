"""Standard-library tables of the target Python."""

from __future__ import annotations

import sys

import pytest

from depsize.imports.stdlib import SUPPORTED, is_stdlib, stdlib_names


def test_stdlib__running_python__matches_sys_stdlib_module_names() -> None:
    assert stdlib_names(sys.version_info[:2]) == sys.stdlib_module_names


@pytest.mark.parametrize(
    ("module", "version", "expected"),
    [
        ("tomllib", (3, 10), False),
        ("tomllib", (3, 11), True),
        ("distutils.core", (3, 11), True),
        ("distutils.core", (3, 12), False),
        ("imp", (3, 12), False),
        ("asyncore", (3, 11), True),
        ("cgi", (3, 12), True),
        ("cgi", (3, 13), False),
        ("telnetlib", (3, 13), False),
        ("zoneinfo", (3, 8), False),
        ("zoneinfo", (3, 9), True),
        ("graphlib", (3, 8), False),
        ("parser", (3, 9), True),
        ("parser", (3, 10), False),
        ("annotationlib", (3, 13), False),
        ("annotationlib", (3, 14), True),
        ("os.path", (3, 12), True),
        ("requests", (3, 12), False),
        ("json", (3, 6), True),
        ("tomllib", (3, 20), True),
    ],
)
def test_stdlib__is_stdlib__per_target_version(
    module: str, version: tuple[int, int], expected: bool
) -> None:
    assert is_stdlib(module, version) is expected


def test_stdlib__every_supported_version__has_a_table() -> None:
    sizes = {v: len(stdlib_names(v)) for v in SUPPORTED}
    assert all(size > 280 for size in sizes.values())
