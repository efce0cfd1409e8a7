"""``-o FILE``: a report is written whole or not at all, and a bad target is exit 2 naming it."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from depsize.cli import main
from depsize.errors import InputError
from depsize.report.output import write_report
from support.site_packages import DistSpec, make_site_packages


@pytest.fixture
def env_and_project(tmp_path: Path) -> tuple[Path, Path]:
    built = make_site_packages(tmp_path, [DistSpec("click", files={"click/__init__.py": 10})])
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("click\n")
    (project / "main.py").write_text("import click\n")
    return built.prefix, project


def _scan(env: Path, project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["scan", str(project), "--env", str(env), *args])
    return result.exit_code, result.stdout, result.stderr


def test_scan_output__missing_folder__exit_2_naming_it(
    env_and_project: tuple[Path, Path], tmp_path: Path
) -> None:
    target = tmp_path / "nope" / "report.json"
    code, out, err = _scan(*env_and_project, "--format", "json", "-o", str(target))
    assert code == 2
    assert out == ""
    assert f"depsize: error: {target}: cannot write the report" in err
    assert "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_scan_output__read_only_folder__exit_2(
    env_and_project: tuple[Path, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        code, _, err = _scan(*env_and_project, "-o", str(folder / "r.txt"))
    finally:
        folder.chmod(0o755)
    assert code == 2
    assert "not writable" in err
    assert list(folder.iterdir()) == []


def test_write_report__folder_vanishes__input_error_and_nothing_left(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    with pytest.raises(InputError, match="cannot write the report") as caught:
        write_report(folder / "r.json", "{}")
    assert caught.value.path == folder / "r.json"


def test_write_report__replaces_whole_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    target.write_text("old report\n")
    write_report(target, "new\n")
    assert target.read_text() == "new\n"
    assert list(tmp_path.iterdir()) == [target]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


_DEPSIZE = (sys.executable, "-m", "depsize")


def _limit_file_size() -> None:  # pragma: no cover - runs in the child before exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_scan_output__write_fails_midway__exit_2_old_report_kept(
    env_and_project: tuple[Path, Path], tmp_path: Path
) -> None:
    """A write that fails once under way (here a file-size limit: EFBIG, as a full disk
    gives ENOSPC) leaves the old report as it was and no temporary file."""
    env, project = env_and_project
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.html"
    target.write_text("previous report\n")
    done = subprocess.run(
        [*_DEPSIZE, "scan", str(project), "--env", str(env), "--format", "html", "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limit_file_size,
    )
    assert done.returncode == 2, done.stderr
    assert f"depsize: error: {target}: cannot write the report (File too large)" in done.stderr
    assert "Traceback" not in done.stderr
    assert target.read_text() == "previous report\n"
    assert list(out_dir.iterdir()) == [target]


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 kB tmpfs: a real full disk (ENOSPC). Needs the right to mount."""
    mount = shutil.which("mount")
    where = tmp_path / "tiny"
    where.mkdir()
    if mount is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace')}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


def test_scan_output__disk_full__exit_2_nothing_half_written(
    env_and_project: tuple[Path, Path], tiny_disk: Path
) -> None:
    target = tiny_disk / "report.html"
    code, out, err = _scan(*env_and_project, "--format", "html", "-o", str(target))
    assert code == 2, err
    assert out == ""
    assert f"depsize: error: {target}: cannot write the report (No space left on device)" in err
    assert list(tiny_disk.iterdir()) == []


def test_scan_output__fifo_nobody_reads__error_naming_it_no_hang(
    env_and_project: tuple[Path, Path], tmp_path: Path
) -> None:
    env, project = env_and_project
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "depsize", "scan", str(project), "--env", str(env), "-o", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert f"{fifo}: cannot write the report: no process reads this FIFO" in done.stderr


def test_scan_output__symlink__written_through_it_and_loop_refused(
    env_and_project: tuple[Path, Path], tmp_path: Path
) -> None:
    env, project = env_and_project
    target = tmp_path / "reports" / "r.json"
    target.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(target)
    code, _, err = _scan(env, project, "--format", "json", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink()
    assert json.loads(target.read_text())["schema_version"]
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    code, _, err = _scan(env, project, "-o", str(loop))
    assert code == 2
    assert loop.is_symlink()
    assert f"{loop}: cannot write the report" in err
