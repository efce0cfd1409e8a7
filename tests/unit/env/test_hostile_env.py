"""Hostile environments: pyvenv.cfg, unreadable folders, paths that leave the prefix or reach a
file twice, wrong conda records. Warnings name the file; totals match the bytes on disk."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.models import EnvScan
from support.hostile import bytes_on_disk, time_limit, warnings_for
from support.site_packages import BuiltEnv, DistSpec, make_site_packages


def _scan(built: BuiltEnv) -> EnvScan:
    with time_limit(20):
        return scan_env(from_prefix(built.prefix, how="test"))


def _two(tmp_path: Path) -> BuiltEnv:
    return make_site_packages(
        tmp_path,
        [
            DistSpec("alpha", files={"alpha/__init__.py": 300}),
            DistSpec("beta", files={"beta/__init__.py": 5000, "beta/data.bin": 7000}),
        ],
    )


def _record(built: BuiltEnv, name: str) -> Path:
    (found,) = built.site.glob(f"{name}-*.dist-info")
    return found / "RECORD"


@pytest.mark.parametrize("version", ["3", "garbage", "3." + "9" * 5000, "", "3.x"])
def test_pyvenv_cfg__unusable_version__layout_version_and_note(
    tmp_path: Path, version: str
) -> None:
    built = _two(tmp_path)
    (built.prefix / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {version}\n")
    env = from_prefix(built.prefix, how="test")
    assert env.python_version == "3.11"
    assert env.python_minor == (3, 11)
    if version:
        assert env.note is not None
        assert f"{built.prefix / 'pyvenv.cfg'}:2: version" in env.note


def test_pyvenv_cfg__fifo__not_read_and_noted(tmp_path: Path) -> None:
    built = _two(tmp_path)
    cfg = built.prefix / "pyvenv.cfg"
    cfg.unlink()
    os.mkfifo(cfg)
    with time_limit(20):
        env = from_prefix(built.prefix, how="test")
    assert env.python_version == "3.11"
    assert env.note is not None
    assert str(cfg) in env.note
    assert "FIFO" in env.note


def _without_read_permission(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` where folder permissions apply (root runs without CAP_DAC_*)."""
    command = [sys.executable, "-c", code, *args]
    if os.geteuid() == 0:
        capsh = shutil.which("capsh")
        if capsh is None:
            pytest.skip("root without capsh cannot be denied a read")
        drop = "--drop=cap_dac_override,cap_dac_read_search"
        command = [capsh, drop, "--", "-c", shlex.join(command)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


_PROBE = """
import sys
from pathlib import Path
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.errors import DepsizeError
try:
    env = from_prefix(Path(sys.argv[1]), how="test")
    scan = scan_env(env)
except DepsizeError as exc:
    print("ERROR", exc.exit_code, exc)
else:
    print("OK", env.note, scan.total_bytes, [str(w) for w in scan.warnings])
"""


def _probe(prefix: Path) -> str:
    done = _without_read_permission(_PROBE, str(prefix))
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_prefix__lib_unreadable__exit_2_naming_it(tmp_path: Path) -> None:
    built = _two(tmp_path)
    (built.prefix / "lib").chmod(0)
    try:
        out = _probe(built.prefix)
    finally:
        (built.prefix / "lib").chmod(0o755)
    assert out.startswith("ERROR 2 ")
    assert f"cannot list {built.prefix / 'lib'}: Permission denied" in out


def test_prefix__site_packages_unreadable__exit_2_naming_it(tmp_path: Path) -> None:
    built = _two(tmp_path)
    built.site.chmod(0)
    try:
        out = _probe(built.prefix)
    finally:
        built.site.chmod(0o755)
    assert out.startswith("ERROR 2 ")
    assert f"{built.site}: cannot list the environment's site-packages" in out


def test_prefix__one_package_folder_unreadable__warning_rest_scanned(tmp_path: Path) -> None:
    built = _two(tmp_path)
    (built.site / "beta").chmod(0)
    try:
        out = _probe(built.prefix)
    finally:
        (built.site / "beta").chmod(0o755)
    assert out.startswith("OK ")
    assert f"{built.site / 'beta'}: cannot list folder: Permission denied" in out


def test_record__path_through_symlink_outside__reported_not_counted(tmp_path: Path) -> None:
    built = _two(tmp_path)
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "big.bin").write_bytes(b"x" * 50_000)
    os.symlink(secret, built.site / "alpha" / "door")
    record = _record(built, "alpha")
    record.write_text(record.read_text() + "alpha/door/big.bin,,50000\n")
    scanned = _scan(built)
    (warning,) = warnings_for(scanned, record)
    assert "leads outside the environment" in warning.message
    assert warning.line == len(record.read_text().splitlines())
    assert scanned.total_bytes == bytes_on_disk(built.site)
    assert all("big.bin" not in rel for rel, _ in scanned.dists[canonicalize_name("alpha")].files)


def test_record__dotdot_outside__reported_not_counted(tmp_path: Path) -> None:
    built = _two(tmp_path)
    (tmp_path / "elsewhere.bin").write_bytes(b"y" * 999)
    record = _record(built, "alpha")
    record.write_text(record.read_text() + "../../../../elsewhere.bin,,999\n")
    scanned = _scan(built)
    (warning,) = warnings_for(scanned, record)
    assert "outside the environment" in warning.message
    assert warning.line == len(record.read_text().splitlines())
    assert scanned.total_bytes == bytes_on_disk(built.site)


def test_record__other_files_through_lib64__counted_once(tmp_path: Path) -> None:
    built = _two(tmp_path)
    os.symlink("lib", built.prefix / "lib64")
    record = _record(built, "alpha")
    aliases = "".join(
        f"../../../lib64/python3.11/site-packages/beta/{name},,{size}\n"
        for name, size in (("__init__.py", 5000), ("data.bin", 7000))
    )
    record.write_text(record.read_text() + aliases)
    scanned = _scan(built)
    assert scanned.total_bytes == bytes_on_disk(built.site)
    assert scanned.dists[canonicalize_name("beta")].own_bytes == built.own("beta")
    assert sum(d.own_bytes for d in scanned.dists.values()) + scanned.unowned_bytes == (
        bytes_on_disk(built.site)
    )


def test_record__hard_link_outside_site__counted_once(tmp_path: Path) -> None:
    built = _two(tmp_path)
    (built.prefix / "bin").mkdir()
    os.link(built.site / "beta" / "data.bin", built.prefix / "bin" / "data-copy")
    record = _record(built, "alpha")
    record.write_text(record.read_text() + "../../../bin/data-copy,,7000\n")
    scanned = _scan(built)
    assert scanned.total_bytes == bytes_on_disk(built.site)


def test_conda_meta__wrong_types__warned_and_scanned(tmp_path: Path) -> None:
    built = _two(tmp_path)
    meta = built.prefix / "conda-meta"
    meta.mkdir()
    (built.prefix / "lib" / "libz.so").write_bytes(b"z" * 321)
    records = {
        "a.json": {"name": "a", "files": 5, "depends": "x", "version": [1]},
        "b.json": {"name": "b", "paths_data": {"paths": 7}},
        "c.json": [1, 2],
        "d.json": {"name": "d", "files": ["lib/libz.so", 3, "../../etc/passwd"]},
    }
    for name, data in records.items():
        (meta / name).write_text(json.dumps(data))
    (meta / "e.json").write_text("[" * 10_000)
    os.mkfifo(meta / "f.json")
    scanned = _scan(built)
    assert len(warnings_for(scanned, meta / "a.json")) == 3
    assert "paths_data.paths" in warnings_for(scanned, meta / "b.json")[0].message
    assert "without a name" in warnings_for(scanned, meta / "c.json")[0].message
    assert "outside the prefix" in warnings_for(scanned, meta / "d.json")[0].message
    assert "nested deeper" in warnings_for(scanned, meta / "e.json")[0].message
    assert "FIFO" in warnings_for(scanned, meta / "f.json")[0].message
    assert scanned.dists[canonicalize_name("d")].own_bytes == 321


def test_record__lists_a_fifo__reported_zero_bytes_not_read(tmp_path: Path) -> None:
    built = _two(tmp_path)
    os.mkfifo(built.site / "alpha" / "pipe.py")
    record = _record(built, "alpha")
    record.write_text(record.read_text() + "alpha/pipe.py,,100\n")
    scanned = _scan(built)
    (warning,) = warnings_for(scanned, record)
    assert "a FIFO, not a file" in warning.message
    assert warning.line == len(record.read_text().splitlines())
    assert ("alpha/pipe.py", 0) in scanned.dists[canonicalize_name("alpha")].files
    assert scanned.total_bytes == bytes_on_disk(built.site)


def test_prefix__python_folder_unreadable_beside_a_good_one__noted_rest_scanned(
    tmp_path: Path,
) -> None:
    built = _two(tmp_path)
    other = built.prefix / "lib64"
    (other / "python3.11").mkdir(parents=True)
    other.chmod(0)
    try:
        out = _probe(built.prefix)
    finally:
        other.chmod(0o755)
    assert out.startswith("OK ")
    assert f"cannot list {other}: Permission denied" in out


def test_prefix__site_parent_unreadable__exit_2_naming_the_env(tmp_path: Path) -> None:
    built = _two(tmp_path)
    built.site.parent.chmod(0)
    try:
        out = _probe(built.prefix)
    finally:
        built.site.parent.chmod(0o755)
    assert out.startswith("ERROR 2 ")
    assert str(built.prefix) in out


def test_top_level__name_too_long_for_the_file_system__no_error(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path, [DistSpec("norec", record=False, top_level=("n" * 300, "norec"))]
    )
    (built.site / "norec.py").write_bytes(b"x = 1\n")
    scanned = _scan(built)
    assert scanned.dists[canonicalize_name("norec")].import_names == ("norec",)
