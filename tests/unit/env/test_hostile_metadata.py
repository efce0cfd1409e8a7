"""Hostile metadata in a real site-packages: every case ends in a warning naming the file (and
line), never in an exception, and the bytes stay exactly those on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.models import EnvScan
from support.hostile import bytes_on_disk, time_limit, warnings_for
from support.site_packages import BuiltEnv, DistSpec, make_site_packages


def _scan(built: BuiltEnv) -> EnvScan:
    with time_limit(20):
        return scan_env(from_prefix(built.prefix, how="test"))


def _meta(built: BuiltEnv, name: str) -> Path:
    (found,) = built.site.glob(f"{name}-*.dist-info")
    return found


def _one_dist(tmp_path: Path, entry_points: str | None = None) -> BuiltEnv:
    files = {"alpha/__init__.py": 300, "alpha/core.py": 700}
    spec = DistSpec("alpha", files=files, entry_points=entry_points)
    return make_site_packages(tmp_path, [spec, DistSpec("beta", files={"beta.py": 40})])


def _rewrite_record(built: BuiltEnv, rows: list[str]) -> Path:
    record = _meta(built, "alpha") / "RECORD"
    kept = record.read_text().splitlines()
    record.write_text("\n".join(kept[:2] + rows + kept[2:]) + "\n")
    return record


@pytest.mark.parametrize(
    "filename",
    ["METADATA", "RECORD", "entry_points.txt", "direct_url.json", "INSTALLER", "top_level.txt"],
)
def test_metadata_file__fifo__reported_and_skipped(tmp_path: Path, filename: str) -> None:
    built = _one_dist(tmp_path)
    target = _meta(built, "alpha") / filename
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    scanned = _scan(built)
    (warning, *_) = warnings_for(scanned, target)
    assert "FIFO" in warning.message
    assert scanned.total_bytes == bytes_on_disk(built.site)
    assert "alpha" in scanned.dists


def test_egg_link__fifo__reported_and_skipped(tmp_path: Path) -> None:
    built = _one_dist(tmp_path)
    os.mkfifo(built.site / "legacy.egg-link")
    scanned = _scan(built)
    (warning,) = warnings_for(scanned, built.site / "legacy.egg-link")
    assert "FIFO" in warning.message


def test_record__nul_in_path__row_skipped_with_line(tmp_path: Path) -> None:
    built = _one_dist(tmp_path)
    record = _rewrite_record(built, ["alpha/bad\0name.py,,12"])
    scanned = _scan(built)
    (warning,) = warnings_for(scanned, record)
    assert warning.line == 3
    assert "NUL" in warning.message
    assert scanned.total_bytes == bytes_on_disk(built.site)


@pytest.mark.parametrize("size", ["9" * 5000, "²", "١٢", "12a", "-5", "1" * 19])
def test_record__size_not_a_byte_count__measured_on_disk(tmp_path: Path, size: str) -> None:
    built = _one_dist(tmp_path)
    record = _meta(built, "alpha") / "RECORD"
    text = record.read_text().replace("alpha/core.py,,700", f"alpha/core.py,,{size}")
    record.write_text(text)
    scanned = _scan(built)
    (warning,) = warnings_for(scanned, record)
    assert warning.line == 2
    assert "not a byte count" in warning.message
    alpha = scanned.dists[canonicalize_name("alpha")]
    assert ("alpha/core.py", 700) in alpha.files
    assert alpha.own_bytes == bytes_on_disk(built.site) - built.own("beta")


def test_record__many_bad_rows__warnings_capped(tmp_path: Path) -> None:
    built = _one_dist(tmp_path)
    record = _rewrite_record(built, [f"x{i}.py,,²" for i in range(500)])
    scanned = _scan(built)
    found = warnings_for(scanned, record)
    assert len(found) == 11
    assert found[-1].message == "490 more bad rows not shown"


def test_metadata__version_of_5000_digits__warned_cut_and_graph_builds(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path,
        [DistSpec("alpha", files={"alpha.py": 3}), DistSpec("beta", requires=("alpha>=1",))],
    )
    metadata = _meta(built, "alpha") / "METADATA"
    metadata.write_text(f"Metadata-Version: 2.1\nName: alpha\nVersion: 1.{'9' * 5000}\n\n")
    scanned = _scan(built)
    (warning,) = warnings_for(scanned, metadata)
    assert warning.line == 3
    assert "too large" in warning.message
    assert len(scanned.dists[canonicalize_name("alpha")].version) <= 65
    graph = build_graph(scanned.dists, scanned.env.marker_environment())
    assert [e.target for e in graph.edges[(canonicalize_name("beta"), "")]] == ["alpha"]


def test_entry_points__line_without_equals__warned_with_line_rest_kept(tmp_path: Path) -> None:
    text = "[console_scripts]\nbroken line\nalpha-cli = alpha:main\n[x]\n= nothing\n"
    built = _one_dist(tmp_path, entry_points=text)
    scanned = _scan(built)
    path = _meta(built, "alpha") / "entry_points.txt"
    assert [(w.line, "name = value" in w.message) for w in warnings_for(scanned, path)] == [
        (2, True),
        (5, True),
    ]
    assert scanned.dists[canonicalize_name("alpha")].console_scripts == ("alpha-cli",)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"url": "http://[::1/x", "dir_info": {"editable": true}}', "invalid url"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper"),
        ('[{"url": "file:///x"}]', "expected a JSON object, found a list"),
        ('{"url": 5, "dir_info": {"editable": true}}', '"url" is a number'),
        ('{"url": "file:///x", "dir_info": [true]}', '"dir_info" is a list'),
        ('{"url": "file:///x", "dir_info": {"editable": "yes"}}', '"dir_info.editable"'),
        ('{"url": "file:///x", "n": 1' + "0" * 5000 + "}", "invalid JSON"),
        ("{nope", "invalid JSON"),
    ],
)
def test_direct_url__hostile__warned_and_not_editable(
    tmp_path: Path, content: str, expected: str
) -> None:
    built = _one_dist(tmp_path)
    path = _meta(built, "alpha") / "direct_url.json"
    path.write_text(content)
    scanned = _scan(built)
    (warning,) = warnings_for(scanned, path)
    assert expected in warning.message
    assert scanned.dists[canonicalize_name("alpha")].editable_location is None


def test_metadata__escape_sequence_in_name__escaped_and_warned(tmp_path: Path) -> None:
    built = _one_dist(tmp_path)
    metadata = _meta(built, "alpha") / "METADATA"
    metadata.write_text("Metadata-Version: 2.1\nName: alpha\x1b[2J\nVersion: 1.0\x07\n\n")
    scanned = _scan(built)
    (dist,) = (d for d in scanned.dists.values() if d.display_name.startswith("alpha"))
    assert dist.display_name == "alpha\\x1b[2J"
    assert dist.version == "1.0\\x07"
    (warning,) = warnings_for(scanned, metadata)
    assert warning.line == 2


def test_metadata__name_of_a_megabyte__cut_and_warned(tmp_path: Path) -> None:
    built = _one_dist(tmp_path)
    metadata = _meta(built, "alpha") / "METADATA"
    metadata.write_text(f"Metadata-Version: 2.1\nName: {'n' * 1_000_000}\nVersion: 1.0\n\n")
    scanned = _scan(built)
    (warning,) = warnings_for(scanned, metadata)
    assert (warning.line, "too long" in warning.message) == (2, True)
    assert max(len(d.display_name) for d in scanned.dists.values()) == 200


@pytest.mark.parametrize("filename", ["PKG-INFO", "installed-files.txt", "requires.txt"])
def test_egg_info_file__fifo__reported_and_skipped(tmp_path: Path, filename: str) -> None:
    built = make_site_packages(
        tmp_path,
        [DistSpec("eggy", egg_info=True, files={"eggy/__init__.py": 50}, requires=("x",))],
    )
    (meta,) = built.site.glob("eggy-*.egg-info")
    (meta / filename).unlink()
    os.mkfifo(meta / filename)
    scanned = _scan(built)
    (warning, *_) = warnings_for(scanned, meta / filename)
    assert "FIFO" in warning.message
    assert scanned.total_bytes == bytes_on_disk(built.site)


def test_editable_pth__fifo__not_read(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    built = make_site_packages(
        tmp_path,
        [
            DistSpec(
                "edit",
                contents={"__editable__.edit-1.0.pth": b""},
                direct_url={"url": f"file://{project}", "dir_info": {"editable": True}},
            )
        ],
    )
    pth = built.site / "__editable__.edit-1.0.pth"
    pth.unlink()
    os.mkfifo(pth)
    scanned = _scan(built)
    assert scanned.dists[canonicalize_name("edit")].editable
    assert scanned.dists[canonicalize_name("edit")].import_names == ()


def test_record__over_the_read_limit__reported_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _one_dist(tmp_path)
    record = _meta(built, "alpha") / "RECORD"
    monkeypatch.setenv("DEPSIZE_MAX_FILE_BYTES", str(record.stat().st_size - 1))
    scanned = _scan(built)
    messages = [w.message for w in warnings_for(scanned, record)]
    assert any("read limit" in m for m in messages)
    assert scanned.total_bytes == bytes_on_disk(built.site)


def test_record__size_claim_over_the_trusted_limit__measured_on_disk(tmp_path: Path) -> None:
    built = _one_dist(tmp_path)
    record = _meta(built, "alpha") / "RECORD"
    record.write_text(
        record.read_text().replace("alpha/core.py,,700", "alpha/core.py,,10" + "0" * 14)
    )
    scanned = _scan(built)
    assert ("alpha/core.py", 700) in scanned.dists[canonicalize_name("alpha")].files
    assert scanned.total_bytes == bytes_on_disk(built.site)
