"""``depsize trim`` against real venvs: the trimmed requirements still run the project, and the
bytes depsize predicted are the bytes a fresh install no longer holds.

Venv A installs the project's requirements with pip; depsize judges them and trims the file;
venv B installs the trimmed file. Every figure on the test's side is measured here with
``os.lstat`` over each venv's site-packages, independently of depsize.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from depsize.analyze import Analysis, Settings, analyze
from depsize.trim import describe, plan_from_analysis, write_plan
from depsize.units import human

from .conftest import RealVenv, build_venv, clean_environ

pytestmark = pytest.mark.venv

REQUIREMENTS = """\
# service dependencies (pinned)
six==1.16.0
idna==3.10  # hostname handling
attrs==24.2.0 \\
    ; python_version >= "3.8"
packaging==24.1
"""
MAIN = """\
import idna
from packaging.version import Version


def main() -> None:
    print(idna.encode("example.com"), Version("1.0"))


if __name__ == "__main__":
    main()
"""


def _site_bytes(venv: RealVenv) -> int:
    """Bytes of every regular file under site-packages, hard links once, symlinks not followed."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder, _, files in os.walk(venv.site_packages):
        for name in files:
            info = os.lstat(os.path.join(folder, name))
            if stat.S_ISREG(info.st_mode) and (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_size
    return total


def _resolves(venv: RealVenv, modules: list[str]) -> bool:
    code = (
        "import importlib.util, sys; "
        f"sys.exit(0 if all(importlib.util.find_spec(m) for m in {modules!r}) else 1)"
    )
    done = subprocess.run(
        [str(venv.python), "-c", code], env=clean_environ(), check=False, capture_output=True
    )
    return done.returncode == 0


def test_trim__real_venvs__imports_resolve_and_freed_bytes_match(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text(REQUIREMENTS)
    (project / "main.py").write_text(MAIN)
    venv_a = build_venv(
        Path(sys.executable), tmp_path / "venv-a", ("-r", str(project / "requirements.txt"))
    )

    analysis = analyze(Settings(project=project, env_dir=venv_a.prefix, use_cache=False))
    assert analysis.judgement is not None
    assert analysis.imports is not None
    statuses = {v.requirement.name: v.status for v in analysis.judgement.verdicts}
    assert statuses == {"six": "unused", "idna": "used", "attrs": "unused", "packaging": "used"}

    plan = plan_from_analysis(analysis)
    trimmed = tmp_path / "requirements.trimmed.txt"
    assert write_plan(plan, output=trimmed) == [trimmed]
    six, attrs = _frees(analysis, "six"), _frees(analysis, "attrs")
    assert trimmed.read_text() == (
        "# service dependencies (pinned)\n"
        f'# depsize: removed "six==1.16.0" (unused, frees {six})\n'
        "idna==3.10  # hostname handling\n"
        f'# depsize: removed "attrs==24.2.0 ; python_version >= "3.8"" (unused, frees {attrs})\n'
        "packaging==24.1\n"
    )
    assert plan.summary.removed_names == ("attrs", "six")

    venv_b = build_venv(Path(sys.executable), tmp_path / "venv-b", ("-r", str(trimmed)))
    modules = sorted({site.module for site in analysis.imports.third_party_sites()})
    assert modules == ["idna", "packaging.version"]
    assert _resolves(venv_b, modules)
    assert not _resolves(venv_b, ["six"])
    assert not _resolves(venv_b, ["attr"])

    measured = _site_bytes(venv_a) - _site_bytes(venv_b)
    after = analyze(Settings(project=project, env_dir=venv_b.prefix, use_cache=False))
    assert plan.summary.freed == measured == analysis.scan.total_bytes - after.scan.total_bytes
    assert plan.summary.reachable_after is not None
    assert describe(plan)[0] == "declared requirements: 4 -> 2"


def _frees(analysis: Analysis, name: str) -> str:
    assert analysis.judgement is not None
    return human(analysis.judgement.attribution.by_name()[canonicalize_name(name)].exclusive)
