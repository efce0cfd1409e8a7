from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from depsize.plan.code import code_folder
from depsize.plan.http import Http
from depsize.plan.listing import PlanCache
from depsize.plan.model import WheelRef
from depsize.plan.zipdir import WheelFormatError

MEMBERS = {
    "lib/__init__.py": b"import helper\n",
    "lib/data.bin": b"\0" * 50,
    "lib/tests/test_lib.py": b"import pytest\n",
    "lib/conftest.py": b"import pytest\n",
    "lib-1.0.data/purelib/lib_extra.py": b"x = 1\n",
    "lib-1.0.data/scripts/lib-tool": b"#!python\n",
    "../escape.py": b"outside\n",
    "/absolute.py": b"outside\n",
    "lib-1.0.dist-info/METADATA": b"Name: lib\nVersion: 1.0\n\n",
}


def _wheel(folder: Path) -> Path:
    path = folder / "lib-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in MEMBERS.items():
            archive.writestr(name, data)
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".depsize")
    }


def test_code_folder__library_py_members_where_installed__nothing_else(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    cache = PlanCache(tmp_path / "cache")
    ref = WheelRef(wheel.name, sha256="ab" * 32)

    folder = code_folder(ref, str(wheel), "lib", "3.11", Http(), cache)

    assert folder.is_relative_to(tmp_path / "cache")
    assert folder.name == "site-packages"
    assert _files(folder) == {
        "lib/__init__.py": b"import helper\n",
        "lib_extra.py": b"x = 1\n",
        "lib-1.0.dist-info/METADATA": MEMBERS["lib-1.0.dist-info/METADATA"],
    }
    assert sorted(p.name for p in folder.parent.iterdir()) == [".depsize-complete", "site-packages"]
    assert not [p for p in tmp_path.rglob("*") if p.name in {"escape.py", "absolute.py"}]
    assert not Path("/absolute.py").exists()
    wheel.unlink()  # the second time, the folder is read from the cache
    assert code_folder(ref, str(wheel), "lib", "3.11", Http(), cache) == folder


def test_code_folder__not_a_zip__error_names_the_wheel(tmp_path: Path) -> None:
    bad = tmp_path / "bad-1.0-py3-none-any.whl"
    bad.write_bytes(b"not a zip archive at all, just some text" * 3)
    with pytest.raises(WheelFormatError, match=r"bad-1\.0-py3-none-any\.whl: not a zip"):
        code_folder(WheelRef(bad.name), str(bad), "bad", "3.11", Http(), PlanCache(tmp_path))
