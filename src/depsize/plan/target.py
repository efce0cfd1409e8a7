"""The target a plan is for: a Python version and a platform, as markers and wheel tags."""

from __future__ import annotations

import re
import sys
from dataclasses import field

from packaging import tags
from packaging.markers import default_environment

from depsize.errors import InputError
from depsize.records import dataclass

_MANYLINUX = re.compile(r"^(?:many|musl)linux_(\d+)_(\d+)_(\w+)$")
_MACOS = re.compile(r"^macosx_(\d+)_(\d+)_(\w+)$")
_LINUX = re.compile(r"^linux_(\w+)$")
_WINDOWS = {"win_amd64": "AMD64", "win32": "x86", "win_arm64": "ARM64"}
_GLIBC_NEWEST = 39
"""``--platform linux_x86_64`` accepts manylinux wheels up to this glibc minor version."""


@dataclass(frozen=True)
class Target:
    """``python_version`` like ``3.11``; ``platform`` a wheel platform tag, or ``None`` for the
    running interpreter's platform."""

    python_version: str
    platform: str | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    """Marker values the input itself records for its target (pip's report)."""

    @property
    def minor(self) -> tuple[int, int]:
        major, minor = self.python_version.split(".")[:2]
        return int(major), int(minor)

    def marker_environment(self) -> dict[str, str]:
        """The PEP 508 environment of the target interpreter."""
        env = {k: str(v) for k, v in default_environment().items()}
        if self.platform is not None:
            env.update(_platform_markers(self.platform))
        running = tuple(sys.version_info[:2])
        if self.minor != running or len(self.python_version.split(".")) > 2:
            parts = self.python_version.split(".")
            env["python_version"] = ".".join(parts[:2])
            env["python_full_version"] = (
                self.python_version if len(parts) > 2 else f"{self.python_version}.0"
            )
            env["implementation_version"] = env["python_full_version"]
        env.update(self.overrides)
        return env

    def tags(self) -> list[tags.Tag]:
        """Wheel tags the target installs, best first."""
        running = tuple(sys.version_info[:2]) == self.minor
        if self.platform is None and running:
            return list(tags.sys_tags())
        platforms = _platforms(self.platform) if self.platform else None
        found = list(tags.cpython_tags(self.minor, platforms=platforms))
        found += list(tags.compatible_tags(self.minor, platforms=platforms))
        return found


def parse_target(python_version: str | None, platform: str | None) -> Target:
    """``--python-version`` and ``--platform``, checked; defaults: the running interpreter."""
    version = python_version or f"{sys.version_info[0]}.{sys.version_info[1]}"
    if not re.fullmatch(r"3\.\d+(\.\d+)?", version):
        raise InputError(f"--python-version {version!r}: expected a version like 3.11")
    if platform is not None:
        _platforms(platform)
    return Target(version, platform)


def _platforms(platform: str) -> list[str]:
    if platform in _WINDOWS:
        return [platform]
    if m := _MANYLINUX.match(platform):
        return _linux(m.group(3), int(m.group(2)), platform.startswith("musl"))
    if m := _LINUX.match(platform):
        return _linux(m.group(1), _GLIBC_NEWEST, musl=False)
    if m := _MACOS.match(platform):
        version = (int(m.group(1)), int(m.group(2)))
        return list(tags.mac_platforms(version, m.group(3)))
    raise InputError(
        f"--platform {platform!r}: expected a wheel platform tag such as linux_x86_64, "
        "manylinux_2_28_aarch64, musllinux_1_2_x86_64, macosx_14_0_arm64 or win_amd64"
    )


def _linux(arch: str, newest: int, musl: bool) -> list[str]:
    if musl:
        return [f"musllinux_1_{m}_{arch}" for m in range(newest, -1, -1)] + [f"linux_{arch}"]
    names: list[str] = []
    for minor in range(newest, 4, -1):
        names.append(f"manylinux_2_{minor}_{arch}")
        legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}.get(minor)
        if legacy:
            names.append(f"{legacy}_{arch}")
    return [*names, f"linux_{arch}"]


def _platform_markers(platform: str) -> dict[str, str]:
    if platform in _WINDOWS:
        return {
            "sys_platform": "win32",
            "platform_system": "Windows",
            "os_name": "nt",
            "platform_machine": _WINDOWS[platform],
        }
    if platform.startswith("macosx_"):
        arch = platform.rsplit("_", 1)[-1]
        return {
            "sys_platform": "darwin",
            "platform_system": "Darwin",
            "os_name": "posix",
            "platform_machine": arch,
        }
    arch = re.sub(r"^(?:many|musl)?linux(?:_\d+_\d+|2014|2010|1)?_", "", platform)
    return {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": arch,
    }
