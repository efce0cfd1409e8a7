"""Property tests: every environment parser fed generated hostile input (random bytes, huge
numbers, Unicode digits, control characters, NUL bytes, deep nesting) raises nothing but
depsize's own errors, and finishes in bounded time."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depsize.env.conda import read_conda_record
from depsize.env.directurl import parse_direct_url
from depsize.env.discover import from_prefix
from depsize.env.entrypoints import parse_entry_points
from depsize.env.jsondoc import MAX_DEPTH, JsonDocError, load_json, nesting_depth
from depsize.env.metadata import read_dist
from depsize.env.pthfiles import egg_link_target, pth_folders
from depsize.env.pyvenv import checked_version, parse_pyvenv_cfg, pyvenv_version
from depsize.env.record import MAX_SIZE_DIGITS, parse_installed_files, parse_record
from depsize.env.scan import scan_env
from depsize.errors import DepsizeError
from depsize.models import ScanWarning
from support.hostile import bytes_on_disk
from support.site_packages import DistSpec, make_site_packages

FRAGMENTS = [
    "\0", ",", '"', "\n", "\r", "\r\n", "\x0b", "\x1c", "\u2028", "=", "[", "]", "{", "}",
    ":", "\\", "/", "../", "#", ";", " ", "\t", "9" * 5000, "9" * 19, "²",
    "\u0661\u0662", "\U0001d7d7",
    "Name: ", "Version: ", "Requires-Dist: ", "Provides-Extra: ", "Import-Name: ", "\n\n",
    "import ", "[console_scripts]", "x = y:z", "a.py,sha256=abc,12", "version = ", "3",
    '{"url": ', '"dir_info": {"editable": true}}', "file:///", "http://[::1", "%00", "-1e999",
    "[" * 200, "]" * 200, "é", "\ud7ff", "\U0010ffff",
]  # fmt: skip

hostile_text = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", "replace")),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=40).map("".join),
)
hostile_bytes = st.one_of(
    st.binary(max_size=300), hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
)
FAST = settings(max_examples=150, deadline=timedelta(seconds=5))
FILES = settings(
    max_examples=40,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow],
)
WHERE = Path("/hostile/file")


@contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="depsize-hostile-") as name:
        yield Path(name)


@FAST
@given(hostile_text)
def test_record__any_text__clean_rows_or_warnings(text: str) -> None:
    found = parse_record(text, WHERE)
    assert all("\0" not in p for p in found.paths)
    assert all(0 <= s < 10**MAX_SIZE_DIGITS for s in found.sizes.values())
    assert set(found.sizes) <= set(found.paths)
    assert all(w.file == WHERE for w in found.warnings)
    assert len(found.warnings) <= 11


@FAST
@given(hostile_text)
def test_installed_files__any_text__no_nul_paths(text: str) -> None:
    found = parse_installed_files(text, WHERE, "x.egg-info")
    assert all("\0" not in p and p.startswith("x.egg-info/") for p in found.paths)


@FAST
@given(hostile_text)
def test_entry_points__any_text__entry_points_or_line_warnings(text: str) -> None:
    found, warnings = parse_entry_points(text, WHERE)
    assert all(ep.name and "=" not in ep.name for ep in found)
    assert all(w.file == WHERE for w in warnings)


@FAST
@given(hostile_text)
def test_direct_url__any_text__never_raises(text: str) -> None:
    found = parse_direct_url(text, WHERE)
    assert found.location is None or found.editable
    assert all(w.file == WHERE for w in found.warnings)


@FAST
@given(st.integers(min_value=0, max_value=5000), st.sampled_from(["[", "{", '{"a":', '["x",']))
def test_json__any_nesting__loaded_or_input_error(depth: int, opener: str) -> None:
    closer = {"[": "]", "{": "}", '{"a":': "}", '["x",': "]"}[opener]
    text = opener * depth + "1" * (opener in ('{"a":', '["x",')) + closer * depth
    error: JsonDocError | None = None
    try:
        load_json(text, WHERE)
    except JsonDocError as exc:
        error = exc
    if error is None:
        assert nesting_depth(text) <= MAX_DEPTH
    else:
        assert error.path == WHERE


@FAST
@given(hostile_text)
def test_pth__any_text__only_folder_lines(text: str) -> None:
    for line in pth_folders(text):
        assert line
        assert "\0" not in line
        assert not line.startswith(("import ", "import\t", "#"))


@FAST
@given(hostile_text)
def test_egg_link__any_text__a_path_or_input_error(text: str) -> None:
    error: DepsizeError | None = None
    try:
        target = egg_link_target(text, WHERE)
    except DepsizeError as exc:
        error = exc
    if error is None:
        assert "\0" not in str(target)
    else:
        assert str(WHERE) in str(error)


@FAST
@given(hostile_text)
def test_pyvenv_cfg__any_text__version_checked(text: str) -> None:
    values = parse_pyvenv_cfg(text)
    for value, line in values.values():
        version = checked_version(value)
        assert line >= 1
        if version is not None:
            major, minor = version.split(".")[:2]
            assert major.isdigit()
            assert minor.isdigit()


@FILES
@given(hostile_bytes)
def test_pyvenv_cfg_file__any_bytes__version_or_problem(data: bytes) -> None:
    with _folder() as folder:
        (folder / "pyvenv.cfg").write_bytes(data)
        found = pyvenv_version(folder / "pyvenv.cfg")
    assert found.version is None or found.problem is None
    if found.version is not None:
        assert len(found.version.split(".")) in (2, 3)


NAMES = ["METADATA", "RECORD", "entry_points.txt", "direct_url.json", "top_level.txt"]


@FILES
@given(st.fixed_dictionaries(dict.fromkeys(NAMES, hostile_bytes)))
def test_dist_info__any_bytes__read_with_warnings(files: dict[str, bytes]) -> None:
    with _folder() as folder:
        meta = folder / "alpha-1.0.dist-info"
        meta.mkdir()
        for name, data in files.items():
            (meta / name).write_bytes(data)
        raw = read_dist(meta, folder)
    assert raw.name
    assert len(raw.version) <= 65 or raw.version == "1.0"
    assert all(w.file is not None and w.file.parent == meta for w in raw.warnings)


@FILES
@given(hostile_bytes, hostile_bytes)
def test_scan__any_record__total_within_the_env(record: bytes, metadata: bytes) -> None:
    with _folder() as folder:
        built = make_site_packages(folder, [DistSpec("alpha", files={"alpha/a.py": 100})])
        (built.prefix / "bin").mkdir()
        (built.prefix / "bin" / "tool").write_bytes(b"t" * 10)
        meta = built.site / "alpha-1.0.dist-info"
        (meta / "RECORD").write_bytes(record + b"\n../../../bin/tool,,10\n")
        (meta / "METADATA").write_bytes(metadata)
        env = from_prefix(built.prefix, how="test")
        scanned = scan_env(env)
        on_disk = bytes_on_disk(built.site)
        # RECORD sizes up to TRUSTED_SIZE_LIMIT are taken as written; --stat-all is exact
        trusted = sum(parse_record(record.decode("utf-8", "replace"), WHERE).sizes.values())
        assert scanned.total_bytes <= bytes_on_disk(built.prefix) + trusted
        scanned = scan_env(env, stat_all=True)
        assert on_disk <= scanned.total_bytes <= bytes_on_disk(built.prefix)
        assert scanned.total_bytes == sum(d.own_bytes for d in scanned.dists.values()) + (
            scanned.unowned_bytes
        )
        assert os.path.isdir(built.site)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=20,
)
conda_like = st.fixed_dictionaries(
    {},
    optional={
        "name": json_values,
        "version": json_values,
        "files": json_values,
        "depends": json_values,
        "paths_data": st.fixed_dictionaries({}, optional={"paths": json_values}) | json_values,
    },
)


@FILES
@given(st.one_of(hostile_bytes, conda_like.map(lambda d: json.dumps(d).encode())))
def test_conda_record__any_bytes__typed_record_or_warning(data: bytes) -> None:
    warnings: list[ScanWarning] = []
    with _folder() as folder:
        (folder / "x.json").write_bytes(data)
        record = read_conda_record(folder / "x.json", warnings)
    assert all(w.file == folder / "x.json" for w in warnings)
    if record is None:
        assert warnings
    else:
        assert isinstance(record.name, str)
        assert record.name
        assert all(isinstance(f, str) and "\0" not in f for f in record.files)
        assert all(isinstance(d, str) for d in record.depends)
