"""The warm env scan equals the cold one after pip installs and uninstalls between runs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from depsize.cli import main
from depsize.env.cache import SETTLE_NS, cached_scan
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from support.wheels import WheelSpec, write_wheels

from .conftest import build_venv, run

WHEELS = (
    WheelSpec("cache-one", files={"cache_one/__init__.py": 1200, "cache_one/data.bin": 40000}),
    WheelSpec("cache-two", files={"cache_two.py": 700}, requires=("cache-one",)),
)


def _settle() -> None:
    """Wait until what pip just wrote is old enough for the cache to store it."""
    time.sleep(SETTLE_NS / 1e9 + 0.2)


def _cli_json(env: Path, project: Path, *extra: str) -> dict[str, object]:
    args = ["scan", str(project), "--env", str(env), "--format", "json", "-q", *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


@pytest.mark.venv
def test_cached_scan__pip_install_then_uninstall__warm_equals_cold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    wheels = tmp_path / "wheels"
    write_wheels(WHEELS, wheels)
    local = ("--no-index", "--find-links", str(wheels))
    venv = build_venv(Path(sys.executable), tmp_path / "venv", (*local, "cache-one"))
    pip = [str(venv.python), "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    env = from_prefix(venv.prefix, how="test")
    project = tmp_path / "project"
    project.mkdir()
    _settle()

    assert cached_scan(env)[1] is False  # cold: walks and stores
    warm, hit = cached_scan(env)
    assert hit
    assert warm == scan_env(env)
    assert _cli_json(venv.prefix, project) == _cli_json(venv.prefix, project, "--no-cache")

    run([*pip, "install", *local, "cache-two"])
    after_install, hit = cached_scan(env)
    assert not hit
    assert "cache-two" in after_install.dists
    assert after_install == scan_env(env)
    _settle()
    assert cached_scan(env)[1] is False  # stores the settled env
    assert cached_scan(env) == (scan_env(env), True)

    run([*pip, "uninstall", "-y", "cache-one"])
    after_uninstall, hit = cached_scan(env)
    assert not hit
    assert "cache-one" not in after_uninstall.dists
    assert after_uninstall == scan_env(env)
    assert _cli_json(venv.prefix, project) == _cli_json(venv.prefix, project, "--no-cache")
