"""A conda prefix scanned whole: native libraries outside site-packages, byte for byte."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from click.testing import CliRunner
from packaging.utils import canonicalize_name

from depsize.cli import main
from depsize.env.discover import discover
from depsize.env.scan import scan_env
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

NATIVE = 3 * 1024 * 1024 + 17  # a 3 MB native library, and a few bytes more


def _record(prefix: Path, name: str, version: str, files: list[str], depends: list[str]) -> None:
    paths = []
    for rel in files:
        path = prefix / rel
        size = path.stat().st_size if path.is_file() else 0
        paths.append({"_path": rel, "path_type": "hardlink", "size_in_bytes": size})
    data = {
        "name": name,
        "version": version,
        "build": "h0_0",
        "depends": depends,
        "files": files,
        "paths_data": {"paths": paths, "paths_version": 1},
    }
    (prefix / "conda-meta" / f"{name}-{version}-h0_0.json").write_text(json.dumps(data))


def _conda_prefix(tmp_path: Path) -> BuiltEnv:
    """numpy as conda-forge installs it (a dist-info and a conda record), the CUDA runtime and
    OpenSSL as native libraries in lib/, and the interpreter's own files."""
    built = make_site_packages(tmp_path, [DistSpec("numpy", "2.0.0", files={"numpy/core.py": 900})])
    prefix = built.prefix
    (prefix / "pyvenv.cfg").unlink()
    (prefix / "conda-meta").mkdir()
    (prefix / "conda-meta" / "history").write_text("")
    (prefix / "lib" / "libcudart.so.12").write_bytes(b"\x7fELF" + b"\0" * (NATIVE - 4))
    (prefix / "lib" / "libssl.so.3").write_bytes(b"s" * 5000)
    (prefix / "bin").mkdir()
    (prefix / "bin" / "python3.11").write_bytes(b"p" * 7000)
    (prefix / "lib" / "python3.11" / "os.py").write_bytes(b"o" * 1200)
    (prefix / "lib" / "libnumpy_helper.so").write_bytes(b"n" * 2500)
    site = "lib/python3.11/site-packages"
    numpy_files = [f"{site}/numpy/core.py", "lib/libnumpy_helper.so"]  # core.py: RECORD's too
    _record(prefix, "numpy", "2.0.0", numpy_files, ["python >=3.11", "cuda-cudart", "__glibc"])
    _record(prefix, "cuda-cudart", "12.4.127", ["lib/libcudart.so.12"], [])
    _record(prefix, "openssl", "3.3.1", ["lib/libssl.so.3"], [])
    _record(prefix, "python", "3.11.9", ["bin/python3.11", "lib/python3.11/os.py"], ["openssl"])
    return built


def _regular_bytes(root: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            st = os.lstat(os.path.join(folder, name))
            total += st.st_size if stat.S_ISREG(st.st_mode) else 0
    return total


def test_scan_env__conda_prefix__native_library_counted_for_its_package(tmp_path: Path) -> None:
    built = _conda_prefix(tmp_path)
    scan = scan_env(discover(tmp_path, env_dir=built.prefix))
    cudart = scan.dists[canonicalize_name("cuda-cudart")]
    assert cudart.own_bytes == NATIVE
    assert cudart.files == (("../../libcudart.so.12", NATIVE),)
    assert scan.dists[canonicalize_name("openssl")].own_bytes == 5000
    assert scan.dists[canonicalize_name("python")].own_bytes == 7000 + 1200
    assert scan.dists[canonicalize_name("python")].requires == ("openssl",)
    assert cudart.installer == "conda"


def test_scan_env__conda_and_pip_list_one_file__counted_once(tmp_path: Path) -> None:
    built = _conda_prefix(tmp_path)
    scan = scan_env(discover(tmp_path, env_dir=built.prefix))
    numpy = scan.dists[canonicalize_name("numpy")]
    rels = [rel for rel, _ in numpy.files]
    assert rels.count("numpy/core.py") == 1
    assert ("../../libnumpy_helper.so", 2500) in numpy.files
    assert numpy.own_bytes == built.own("numpy") + 2500
    assert numpy.requires == ("python", "cuda-cudart")  # __glibc is virtual: not in the prefix


def test_scan_env__conda_prefix__total_is_every_byte_site_packages_and_listed(
    tmp_path: Path,
) -> None:
    built = _conda_prefix(tmp_path)
    scan = scan_env(discover(tmp_path, env_dir=built.prefix))
    outside = NATIVE + 5000 + 7000 + 1200 + 2500
    assert scan.total_bytes == _regular_bytes(built.site) + outside
    assert scan.unowned_bytes == 0


def test_cli_scan__conda_prefix__json_total_and_package_bytes(tmp_path: Path) -> None:
    built = _conda_prefix(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("numpy\n")
    (project / "main.py").write_text("import numpy\n")
    result = CliRunner().invoke(
        main, ["scan", str(project), "--env", str(built.prefix), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    own = {d["name"]: d["own_bytes"] for d in data["distributions"]}
    assert own["cuda-cudart"] == NATIVE
    assert data["env"]["total_bytes"] == _regular_bytes(built.site) + NATIVE + 15700
    numpy = next(r for r in data["requirements"] if r["name"] == "numpy")
    assert numpy["closure_bytes"] == sum(own.values())  # numpy → cudart, python → openssl
