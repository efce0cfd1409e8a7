"""Every figure depsize reports about a lying environment is checked against the bytes on disk:
an ELF that claims terabytes of debug sections, a RECORD that names other distributions' files
through ``lib64 -> lib``, a GPU wheel, an unused requirement."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.hostile import bytes_on_disk
from support.site_packages import DistSpec, make_site_packages
from unit.test_hostile_elf import _lying_elf


def test_scan_json__lying_env__every_figure_within_the_bytes_on_disk(tmp_path: Path) -> None:
    elf = _lying_elf([(b".debug_info", 64, 10**15), (b".debug_line", 0, 10**9)], 20_000)
    built = make_site_packages(
        tmp_path,
        [
            DistSpec("native", contents={"native/_core.cpython-311-x86_64-linux-gnu.so": elf}),
            DistSpec("nvidia-cublas-cu12", files={"nvidia/cublas/lib/libcublas.so.12": 9000}),
            DistSpec("aliaser", files={"aliaser.py": 10}, requires=("nvidia-cublas-cu12",)),
            DistSpec("unused-thing", files={"unused_thing/__init__.py": 3000}),
        ],
    )
    os.symlink("lib", built.prefix / "lib64")
    (record,) = built.site.glob("aliaser-*.dist-info/RECORD")
    alias = "../../../lib64/python3.11/site-packages"
    record.write_text(
        record.read_text()
        + f"{alias}/native/_core.cpython-311-x86_64-linux-gnu.so,,{len(elf)}\n"
        + f"{alias}/nvidia/cublas/lib/libcublas.so.12,,9000\n"
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("native\naliaser\nunused-thing\n")
    (project / "main.py").write_text("import native\nimport aliaser\n")
    command = ["scan", str(project), "--env", str(built.prefix), "--format", "json"]
    done = subprocess.run(
        [sys.executable, "-m", "depsize", *command],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    total = report["env"]["total_bytes"]
    assert total == bytes_on_disk(built.site)
    own = {d["name"]: d["own_bytes"] for d in report["distributions"]}
    assert sum(own.values()) + report["env"]["unowned_bytes"] == total
    kinds = {r["kind"]: r["bytes"] for r in report["recommendations"]}
    assert kinds["slimmable"] == len(elf)  # the sections claim all of it, and more
    assert kinds["gpu-payload"] == own["nvidia-cublas-cu12"]
    assert all(0 <= r["bytes"] <= total for r in report["recommendations"])
    for requirement in report["requirements"]:
        closure = requirement.get("closure_bytes") or 0
        assert 0 <= (requirement.get("exclusive_bytes") or 0) <= closure <= total
