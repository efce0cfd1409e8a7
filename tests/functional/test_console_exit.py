"""The console entry (``python -m depsize``, the ``depsize`` script) leaves by ``os._exit``
after flushing its streams: the exit codes and every byte of the output stay what they were."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages


def _depsize(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DEPSIZE_")}
    environ["XDG_CACHE_HOME"] = str(cwd / "xdg")
    return subprocess.run(
        [sys.executable, "-m", "depsize", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        timeout=300,
        check=False,
    )


def test_console__exit_codes_and_whole_output_kept(tmp_path: Path) -> None:
    names = [f"dist{n:03d}" for n in range(150)]  # a report far bigger than a pipe's buffer
    built = make_site_packages(
        tmp_path, [DistSpec(n, files={f"{n}/__init__.py": 10}) for n in names]
    )
    project = write_files(
        tmp_path / "project",
        {"requirements.txt": "\n".join(names) + "\n", "app.py": "import dist000\n"},
    )
    scan = ["scan", str(project), "--env", str(built.prefix), "--format", "json"]

    clean = _depsize(*scan, cwd=tmp_path)
    failing = _depsize(*scan, "--fail-on", "unused", cwd=tmp_path)
    usage = _depsize("scan", "--format", "nope", cwd=tmp_path)

    assert clean.returncode == 0, clean.stderr
    assert len(clean.stdout) > 65536
    report = json.loads(clean.stdout)  # all of it, flushed before the exit
    assert len(report["requirements"]) == 150
    assert failing.returncode == 1
    assert json.loads(failing.stdout)["requirements"] == report["requirements"]
    assert "unused" in failing.stderr
    assert usage.returncode == 2
    assert "nope" in usage.stderr
    replayed = _depsize(*scan, "--fail-on", "unused", cwd=tmp_path)
    assert (replayed.returncode, replayed.stdout) == (1, failing.stdout)
