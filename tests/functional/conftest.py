"""Real virtual environments, built once per test session with ``python -m venv`` and pip.

pip takes the pinned releases from its cache or from PyPI. The environments live under the
session's temporary folder; tests must not change them (copy one to change it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# A diamond (requests, httpx and anyio all need idna) and an extra (httpx[http2] pulls h2).
HOST_PACKAGES = (
    "requests==2.32.3",
    "httpx[http2]==0.27.2",
    "rich==13.9.4",
    "idna==3.10",
    "certifi==2024.8.30",
    "urllib3==2.2.3",
    "charset-normalizer==3.4.0",
    "anyio==4.6.2",
    "sniffio==1.3.1",
    "httpcore==1.0.6",
    "h11==0.14.0",
    "h2==4.1.0",
    "hpack==4.0.0",
    "hyperframe==6.0.1",
    "markdown-it-py==3.0.0",
    "mdurl==0.1.2",
    "pygments==2.18.0",
)

# Releases that still support Python 3.8. rich 13.7.1 needs typing-extensions only where
# python_version < "3.9"; pipdeptree 2.23.4 (the last for 3.8) runs inside the venv.
PY38_PACKAGES = (
    "requests==2.31.0",
    "rich==13.7.1",
    "importlib-metadata==8.5.0",
    "zipp==3.20.2",
    "pipdeptree==2.23.4",
)


@dataclass(frozen=True)
class RealVenv:
    prefix: Path
    python: Path
    site_packages: Path


def clean_environ() -> dict[str, str]:
    """The environment for child interpreters, without this test run's import paths."""
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}


def run(args: list[str], *, timeout: float = 600) -> str:
    """Run a command; on failure raise with everything it printed."""
    done = subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, env=clean_environ(), check=False
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} exited {done.returncode}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    return done.stdout


def build_venv(base_python: Path, prefix: Path, packages: tuple[str, ...]) -> RealVenv:
    run([str(base_python), "-m", "venv", str(prefix)])
    python = prefix / "bin" / "python"
    run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
            *packages,
        ]
    )
    sites = sorted((prefix / "lib").glob("python3.*/site-packages"))
    assert len(sites) == 1, sites
    return RealVenv(prefix=prefix, python=python, site_packages=sites[0])


@pytest.fixture(scope="session")
def real_venv(tmp_path_factory: pytest.TempPathFactory) -> RealVenv:
    """A venv of the interpreter running the tests, with HOST_PACKAGES installed."""
    root = tmp_path_factory.mktemp("real-venv")
    return build_venv(Path(sys.executable), root / "venv", HOST_PACKAGES)


def find_python38() -> Path | None:
    candidates = sorted(Path.home().glob(".pyenv/versions/3.8*/bin/python"))
    return candidates[-1] if candidates else None


@pytest.fixture(scope="session")
def py38_venv(tmp_path_factory: pytest.TempPathFactory) -> RealVenv:
    """A Python 3.8 venv (from pyenv) with PY38_PACKAGES installed."""
    python38 = find_python38()
    if python38 is None:
        pytest.skip("no Python 3.8 interpreter under ~/.pyenv/versions/3.8*/bin/python")
    root = tmp_path_factory.mktemp("py38-venv")
    return build_venv(python38, root / "venv", PY38_PACKAGES)
