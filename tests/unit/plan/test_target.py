from __future__ import annotations

import pytest
from packaging.tags import Tag

from depsize.errors import InputError
from depsize.plan.target import parse_target


def test_target__manylinux__accepts_older_glibc_and_pure_wheels() -> None:
    tags = parse_target("3.12", "manylinux_2_28_x86_64").tags()
    assert Tag("cp312", "cp312", "manylinux_2_17_x86_64") in tags
    assert Tag("cp312", "abi3", "manylinux2014_x86_64") in tags
    assert Tag("py3", "none", "any") in tags
    assert Tag("cp312", "cp312", "manylinux_2_31_x86_64") not in tags
    assert Tag("cp311", "cp311", "manylinux_2_17_x86_64") not in tags
    assert tags.index(Tag("cp312", "cp312", "manylinux_2_28_x86_64")) < tags.index(
        Tag("py3", "none", "any")
    )


def test_target__windows_and_macos__markers_of_that_platform() -> None:
    win = parse_target("3.10", "win_amd64").marker_environment()
    assert (win["sys_platform"], win["platform_system"], win["python_version"]) == (
        "win32",
        "Windows",
        "3.10",
    )
    mac = parse_target("3.13", "macosx_14_0_arm64")
    assert mac.marker_environment()["platform_machine"] == "arm64"
    assert Tag("cp313", "cp313", "macosx_11_0_arm64") in mac.tags()


@pytest.mark.parametrize(
    ("version", "platform", "message"),
    [("3", None, "--python-version '3'"), ("3.11", "solaris", "--platform 'solaris'")],
)
def test_parse_target__bad_values__exit_2(version: str, platform: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_target(version, platform)
