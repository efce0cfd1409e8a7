from __future__ import annotations

from pathlib import Path

import pytest

from depsize.errors import InputError
from depsize.plan.build import read_lock
from depsize.plan.model import LockedDist
from depsize.plan.target import Target

FIXTURES = Path(__file__).parents[2] / "fixtures" / "plan"
LINUX = Target("3.11", "manylinux_2_28_x86_64")
WINDOWS = Target("3.12", "win_amd64")


@pytest.mark.parametrize(
    ("lock", "kind", "declared"),
    [
        ("uv.lock", "uv.lock", {"alpha", "gamma", "heavy"}),
        ("pylock.toml", "pylock.toml", None),
        ("requirements.txt", "requirements", None),
        ("poetry/poetry.lock", "poetry.lock", {"alpha", "gamma", "heavy", "delta"}),
        ("pip-report.json", "pip-report", {"alpha", "gamma", "heavy"}),
    ],
)
def test_read_lock__tool_written_fixture__the_target_set(
    lock: str, kind: str, declared: set[str] | None
) -> None:
    found = read_lock(FIXTURES / "app-new" / lock, LINUX)
    assert found.kind == kind
    assert {(d.name, d.version) for d in found.dists} == {
        ("alpha", "1.0"),
        ("beta", "2.0"),
        ("gamma", "0.5"),
        ("heavy", "1.2"),
        ("heavy-core", "1.0"),
    }
    names = None if found.declared is None else {d.name for d in found.declared}
    assert names == declared  # poetry: from the pyproject.toml beside it, markers kept


@pytest.mark.parametrize(
    "lock", ["uv.lock", "pylock.toml", "requirements.txt", "poetry/poetry.lock"]
)
def test_read_lock__windows_target__delta_comes_in(lock: str) -> None:
    found = read_lock(FIXTURES / "app" / lock, WINDOWS)
    assert "delta" in {d.name for d in found.dists}


def test_read_lock__files_and_hashes__as_the_lock_names_them() -> None:
    uv: dict[str, LockedDist] = {
        d.name: d for d in read_lock(FIXTURES / "app" / "uv.lock", LINUX).dists
    }
    (wheel,) = uv["alpha"].files
    assert wheel.filename == "alpha-1.0-py3-none-any.whl"
    assert wheel.url is not None
    assert wheel.url.endswith("/files/alpha-1.0-py3-none-any.whl")
    assert wheel.sha256 is not None
    assert len(wheel.sha256) == 64
    pinned: dict[str, LockedDist] = {
        d.name: d for d in read_lock(FIXTURES / "app" / "requirements.txt", LINUX).dists
    }
    assert pinned["alpha"].hashes == (wheel.sha256,)
    assert pinned["alpha"].files == ()


def test_read_lock__pip_report__records_its_environment() -> None:
    found = read_lock(FIXTURES / "app" / "pip-report.json", LINUX)
    assert found.marker_env is not None
    assert found.marker_env["sys_platform"] == "linux"


def test_read_pinned__continuations_comments_index_options(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text(
        "--index-url https://example.org/simple\n"
        "# a comment\n"
        "alpha==1.0 \\\n    --hash=sha256:" + "a" * 64 + "  # via x\n"
        "win-only==2.0 ; sys_platform == 'win32'\n"
        "-e ./local\n"
    )
    found = read_lock(path, LINUX)
    assert [(d.name, d.version, d.index, d.line) for d in found.dists] == [
        ("alpha", "1.0", "https://example.org/simple", 3)
    ]
    assert found.dists[0].hashes == ("a" * 64,)
    assert [w.line for w in found.warnings] == [6]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("alpha>=1\n", r"requirements.txt:1: alpha is not pinned"),
        ("ok==1\n-r other.txt\n", r"requirements.txt:2: includes another file"),
        ("ok==1\nnot a requirement!\n", r"requirements.txt:2: not a requirement"),
    ],
)
def test_read_pinned__not_a_resolved_set__error_with_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        read_lock(path, LINUX)


def test_read_lock__unknown_toml_name__says_what_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "Pipfile.lock"
    path.write_text("{}")
    with pytest.raises(InputError, match="unknown lock file"):
        read_lock(path, LINUX)


def test_read_uv_lock__versions_and_extras__walks_what_the_target_needs(tmp_path: Path) -> None:
    path = tmp_path / "uv.lock"
    path.write_text(
        """version = 1
revision = 2

[[package]]
name = "app"
version = "0"
source = { editable = "." }
dependencies = [
    { name = "web", extra = ["fast"] },
    { name = "old", marker = "python_version < '3.8'" },
]

[[package]]
name = "web"
version = "1"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "shared", version = "2.0" }]

[package.optional-dependencies]
fast = [{ name = "speedups" }]

[[package]]
name = "shared"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "shared"
version = "2.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "speedups"
version = "3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "old"
version = "1"
source = { registry = "https://pypi.org/simple" }
"""
    )
    found = read_lock(path, LINUX)
    assert sorted((d.name, d.version) for d in found.dists) == [
        ("shared", "2.0"),
        ("speedups", "3"),
        ("web", "1"),
    ]
    assert found.declared is not None
    assert [(d.name, d.extras) for d in found.declared] == [("web", frozenset({"fast"}))]


def test_read_pylock__directory_and_vcs__built_from_a_source_tree(tmp_path: Path) -> None:
    path = tmp_path / "pylock.toml"
    path.write_text(
        'lock-version = "1.0"\ncreated-by = "hand"\n\n'
        '[[packages]]\nname = "local"\ndirectory = { path = "./local" }\n\n'
        '[[packages]]\nname = "fromgit"\nvcs = { type = "git", url = "https://x/y.git", '
        'commit-id = "abc" }\n\n'
        '[[packages]]\nname = "direct"\nversion = "1"\n'
        'archive = { url = "https://x/direct-1-py3-none-any.whl", hashes = { sha256 = "ab" } }\n'
    )
    found: dict[str, LockedDist] = {d.name: d for d in read_lock(path, LINUX).dists}
    assert (found["local"].built_from, found["fromgit"].built_from) == ("directory", "vcs")
    assert found["direct"].built_from is None
    assert [f.filename for f in found["direct"].files] == ["direct-1-py3-none-any.whl"]


@pytest.mark.parametrize("lock", ["uv.lock", "poetry/poetry.lock"])
def test_read_lock__dependency_group__only_with_group(lock: str) -> None:
    path = FIXTURES / "app-dev" / lock
    main = {d.name for d in read_lock(path, LINUX).dists}
    dev = {d.name for d in read_lock(path, LINUX, frozenset({"dev"})).dists}
    assert main == {"alpha", "beta"}
    assert dev == {"alpha", "beta", "heavy", "heavy-core"}
    with pytest.raises(InputError, match="no dependency group 'test' in this lock"):
        read_lock(path, LINUX, frozenset({"test"}))


def test_read_lock__group_on_a_lock_without_groups__error() -> None:
    with pytest.raises(InputError, match="--group applies to"):
        read_lock(FIXTURES / "app-dev" / "requirements.txt", LINUX, frozenset({"dev"}))
    with pytest.raises(InputError, match="it has: none"):
        read_lock(FIXTURES / "app-dev" / "pylock.toml", LINUX, frozenset({"dev"}))


def test_read_uv_lock__dev_group__declared_as_well() -> None:
    found = read_lock(FIXTURES / "app-dev" / "uv.lock", LINUX, frozenset({"dev"}))
    assert found.declared is not None
    assert {d.name for d in found.declared} == {"alpha", "heavy"}


def test_read_uv_lock__declared_text__specifier_from_the_locked_metadata(tmp_path: Path) -> None:
    path = tmp_path / "uv.lock"
    path.write_text(
        """version = 1

[[package]]
name = "app"
version = "0"
source = { virtual = "." }
dependencies = [{ name = "web", extra = ["fast"] }]

[package.metadata]
requires-dist = [{ name = "web", extras = ["fast"], specifier = ">=1,<2" }]

[[package]]
name = "web"
version = "1.5"
source = { registry = "https://pypi.org/simple" }
"""
    )
    found = read_lock(path, LINUX)
    assert found.declared is not None
    assert [d.text for d in found.declared] == ["web[fast]>=1,<2"]
