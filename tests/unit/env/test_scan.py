"""The scanner on synthetic site-packages whose every byte the test wrote itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.models import EnvScan
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

STRAY = 999
LATE_PYC = 55


def _build(tmp_path: Path) -> BuiltEnv:
    project = tmp_path / "proj"
    (project / "edit").mkdir(parents=True)
    (project / "edit" / "__init__.py").write_text("x = 1\n")
    built = make_site_packages(
        tmp_path,
        [
            DistSpec("liba", files={"liba/__init__.py": 1000}),
            DistSpec(
                "tool",
                files={"tool/__init__.py": 50, "../../../bin/tool-cli": 200},
                entry_points="[console_scripts]\ntool-cli = tool:main\n",
            ),
            DistSpec("ns-one", files={"ns/one/__init__.py": 10, "ns/one/mod.py": 20}),
            DistSpec("ns-two", files={"ns/two/__init__.py": 30}),
            DistSpec("clash-a", files={"shared/data.bin": 700}),
            DistSpec("clash-b", files={"clash_b.py": 5}, extra_record_rows=("shared/data.bin",)),
            DistSpec("eggy", egg_info=True, files={"eggy/__init__.py": 123}, requires=("liba",)),
            DistSpec(
                "norec",
                record=False,
                top_level=("norec",),
                files={"norec/__init__.py": 77, "norec/x.py": 11},
            ),
            DistSpec(
                "escaper",
                files={"escaper.py": 3},
                extra_record_rows=("../../../../../../etc/passwd",),
            ),
            DistSpec(
                "edit",
                contents={"__editable__.edit-1.0.pth": f"{project}\n".encode()},
                direct_url={"url": f"file://{project}", "dir_info": {"editable": True}},
            ),
            DistSpec(
                "twice", files={"twice.py": 4, "twice.py.again": 0}, extra_record_rows=("twice.py",)
            ),
        ],
    )
    site = built.site
    (site / "stray.txt").write_bytes(b"s" * STRAY)
    os.link(site / "stray.txt", site / "stray-hardlink.txt")
    (site / "liba" / "__pycache__").mkdir()
    (site / "liba" / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"p" * LATE_PYC)
    os.symlink(site / "liba", site / "liba-link")
    os.symlink("loop", site / "loop")
    return built


@pytest.fixture
def built(tmp_path: Path) -> BuiltEnv:
    return _build(tmp_path)


@pytest.fixture
def scanned(built: BuiltEnv) -> EnvScan:
    return scan_env(from_prefix(built.prefix, how="test"))


def _walk_total(site: Path) -> int:
    """Independent count: every regular file under ``site``, each inode once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for root, _dirs, files in os.walk(site):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            if os.path.islink(os.path.join(root, name)) or (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            total += st.st_size
    return total


def test_scan__synthetic_env__total_equals_files_on_disk(built: BuiltEnv, scanned: EnvScan) -> None:
    outside = (built.prefix / "bin" / "tool-cli").stat().st_size
    assert scanned.total_bytes == _walk_total(built.site) + outside


def test_scan__synthetic_env__total_equals_hand_sum(built: BuiltEnv, scanned: EnvScan) -> None:
    # every byte the builder wrote, the shared file once (its duplicate row wrote nothing),
    # the stray file once (its hard link is the same inode), and the late byte-code.
    expected = sum(built.own(n) for n in built.meta_bytes) + STRAY + LATE_PYC
    assert scanned.total_bytes == expected
    assert scanned.unowned_bytes == STRAY


def test_scan__record_dist__own_is_files_plus_metadata(built: BuiltEnv, scanned: EnvScan) -> None:
    assert scanned.dists[canonicalize_name("tool")].own_bytes == built.own("tool")
    assert ("../../../bin/tool-cli", 200) in scanned.dists[canonicalize_name("tool")].files
    assert scanned.dists[canonicalize_name("tool")].console_scripts == ("tool-cli",)


def test_scan__late_bytecode__belongs_to_source_owner(built: BuiltEnv, scanned: EnvScan) -> None:
    assert scanned.dists[canonicalize_name("liba")].own_bytes == built.own("liba") + LATE_PYC


def test_scan__file_in_two_records__counted_once_as_conflict(
    built: BuiltEnv, scanned: EnvScan
) -> None:
    assert scanned.dists[canonicalize_name("clash-a")].own_bytes == built.own("clash-a")
    assert scanned.dists[canonicalize_name("clash-b")].own_bytes == built.own("clash-b")
    (conflict,) = scanned.conflicts
    assert conflict.owners == ("clash-a", "clash-b")
    assert conflict.size == 700
    assert conflict.path == str(built.site / "shared" / "data.bin")


def test_scan__namespace_folder__each_dist_owns_its_part(built: BuiltEnv, scanned: EnvScan) -> None:
    assert scanned.dists[canonicalize_name("ns-one")].own_bytes == built.own("ns-one")
    assert scanned.dists[canonicalize_name("ns-two")].own_bytes == built.own("ns-two")
    assert scanned.dists[canonicalize_name("ns-one")].import_names == ("ns.one",)
    assert scanned.dists[canonicalize_name("ns-two")].import_names == ("ns.two",)


def test_scan__egg_info__installed_files_and_requires(built: BuiltEnv, scanned: EnvScan) -> None:
    eggy = scanned.dists[canonicalize_name("eggy")]
    assert eggy.metadata_format == "egg-info"
    assert eggy.files_source == "installed-files.txt"
    assert eggy.own_bytes == built.own("eggy")
    assert eggy.requires == ("liba",)
    assert eggy.import_names == ("eggy",)


def test_scan__no_record__top_level_folders_claimed(built: BuiltEnv, scanned: EnvScan) -> None:
    norec = scanned.dists[canonicalize_name("norec")]
    assert norec.files_source == "none"
    assert norec.own_bytes == built.own("norec")
    assert any("no RECORD" in w.message for w in scanned.warnings)


def test_scan__record_path_escaping_env__warned_not_counted(
    built: BuiltEnv, scanned: EnvScan
) -> None:
    assert scanned.dists[canonicalize_name("escaper")].own_bytes == built.own("escaper")
    assert any(
        "outside the environment" in w.message and "escaper" in w.message for w in scanned.warnings
    )


def test_scan__editable__pth_counted_and_names_read(built: BuiltEnv, scanned: EnvScan) -> None:
    edit = scanned.dists[canonicalize_name("edit")]
    assert edit.editable
    assert edit.editable_location == built.prefix.parent / "proj"
    assert edit.own_bytes == built.own("edit")
    assert edit.import_names == ("edit",)


def test_scan__path_listed_twice_in_one_record__counted_once(
    built: BuiltEnv, scanned: EnvScan
) -> None:
    assert scanned.dists[canonicalize_name("twice")].own_bytes == built.own("twice")
    assert not [c for c in scanned.conflicts if "twice" in c.owners]


def test_scan__disk_usage__counts_blocks(built: BuiltEnv) -> None:
    scan = scan_env(from_prefix(built.prefix, how="test"), disk_usage=True)
    blocks = sum(os.lstat(built.site / "stray.txt").st_blocks for _ in [0]) * 512
    assert scan.disk_usage
    assert scan.unowned_bytes == blocks


def test_scan__corrupt_metadata_and_record__warned_and_scanned(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path, [DistSpec("good", files={"good.py": 10}), DistSpec("bad", files={"bad.py": 20})]
    )
    meta = built.site / "bad-1.0.dist-info"
    (meta / "METADATA").write_bytes(b"\xff\xfe garbage without headers\n")
    (meta / "RECORD").write_text('bad.py,,20\n"unterminated,\n')
    scan = scan_env(from_prefix(built.prefix, how="test"))
    assert scan.dists[canonicalize_name("good")].own_bytes == built.own("good")
    assert "bad" in scan.dists
    messages = [str(w) for w in scan.warnings]
    assert any("METADATA" in m and "UTF-8" in m for m in messages)
    assert any("RECORD" in m for m in messages)
    assert scan.total_bytes == _walk_total(built.site)


def test_scan__entry_points_not_utf8__warned_and_scanned(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path,
        [DistSpec("tool", files={"tool.py": 10}, entry_points="[console_scripts]\nt = tool:m\n")],
    )
    (built.site / "tool-1.0.dist-info" / "entry_points.txt").write_bytes(
        b"[console_scripts]\n\xff\n"
    )
    scan = scan_env(from_prefix(built.prefix, how="test"))
    assert scan.dists[canonicalize_name("tool")].entry_points == ()
    assert any("entry_points.txt" in str(w) for w in scan.warnings)


def test_scan__binary_in_bin__counts_as_a_command(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path, [DistSpec("rufflike", files={"../../../bin/rufflike": 70})]
    )
    scan = scan_env(from_prefix(built.prefix, how="test"))
    assert scan.dists[canonicalize_name("rufflike")].console_scripts == ("rufflike",)
