"""``depsize trim`` on hostile and tricky input, through the CLI on real site-packages: it
removes exactly the unused requirements or refuses (exit 2) and writes nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from depsize.cli import main
from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DISTS = [
    DistSpec("usedpkg", files={"usedpkg/__init__.py": 1000}),
    DistSpec("otherused", files={"otherused/__init__.py": 500}),
    DistSpec("unusedpkg", files={"unusedpkg/__init__.py": 3000}),
]
MAIN = "import usedpkg\nimport otherused\n"


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env={"DEPSIZE_PROGRESS": "0"})


def _trim(tmp_path: Path, files: dict[str, str], *extra: str) -> tuple[Path, Result]:
    project = write_files(tmp_path / "project", {"main.py": MAIN, **files})
    env = make_site_packages(tmp_path / "env", DISTS).prefix
    result = _run("trim", project, "--env", env, "--no-cache", *extra)
    return project, result


def _dependencies(path: Path) -> list[str]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    deps: list[str] = data["project"]["dependencies"]
    return deps


QUOTED_ARRAYS = [
    'dependencies = [\n    """usedpkg""",\n    "unusedpkg",\n    \'\'\'otherused\'\'\',\n]\n',
    'dependencies = ["""usedpkg""", "unusedpkg", \'\'\'otherused\'\'\']\n',
    'dependencies = [\n  """usedpkg ; python_version >= "3\\"""",\n  "unusedpkg",\n'
    '  "otherused",\n]\n',
    "dependencies = [\n  '''usedpkg ; python_version >= \"3\"''',\n  \"unusedpkg\",  # why\n"
    '  "otherused"\n]\n',
    'dependencies = [\n  "usedpkg",\n  """unusedpkg\\\n  """,\n  "otherused",\n]\n',
    'dependencies = [\n  """usedpkg ; python_version >= "3"""",\n  "unusedpkg",\n'
    '  "otherused",\n]\n',
    "dependencies = [\n  '''usedpkg ; os_name != 'x'''',\n  \"unusedpkg\",\n  \"otherused\",\n]\n",
    'dependencies = ["""usedpkg ; os_name != "x"""", "unusedpkg", """otherused"""""]\n',
]


@pytest.mark.parametrize("array", QUOTED_ARRAYS)
def test_cli_trim__strings_ending_in_quotes__only_the_unused_item_goes(
    tmp_path: Path, array: str
) -> None:
    text = f'[project]\nname = "app"\nversion = "0"\n{array}'
    project, result = _trim(tmp_path, {"pyproject.toml": text}, "--in-place", "--no-comments")
    assert result.exit_code == 0, result.output
    after = _dependencies(project / "pyproject.toml")
    before = tomllib.loads(text)["project"]["dependencies"]
    assert after == [d for d in before if not d.strip().startswith("unusedpkg")]
    assert len(after) == 2


@pytest.mark.parametrize("separator", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028"])
def test_cli_trim__line_separators_pip_honours__the_used_line_stays(
    tmp_path: Path, separator: str
) -> None:
    text = f"unusedpkg  # note{separator}usedpkg\notherused\n"
    project, result = _trim(tmp_path, {"requirements.txt": text}, "--in-place", "--no-comments")
    assert result.exit_code == 0, result.output
    assert (project / "requirements.txt").read_text() == "usedpkg\notherused\n"


def test_cli_trim__poetry_table_after_multiline_literal__unused_key_removed(
    tmp_path: Path,
) -> None:
    text = (
        "[tool.poetry]\nname = \"app\"\ndescription = '''one\ntwo''''\n"
        "[tool.poetry.dependencies]\npython = '^3.10'\nunusedpkg = '^1.0'\n"
        "usedpkg = '*'\notherused = { version = '*' }\n"
    )
    project, result = _trim(tmp_path, {"pyproject.toml": text}, "--in-place", "--no-comments")
    assert result.exit_code == 0, result.output
    deps = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["poetry"]
    assert sorted(deps["dependencies"]) == ["otherused", "python", "usedpkg"]
    assert deps["description"] == "one\ntwo'"


# -- -o write errors ------------------------------------------------------------------------------


def test_cli_trim__output_into_missing_folder__exit_2_names_it(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.txt"
    project, result = _trim(
        tmp_path, {"requirements.txt": "usedpkg\nunusedpkg\n"}, "-o", str(target)
    )
    assert result.exit_code == 2, result.output
    assert str(target) in result.stderr
    assert (project / "requirements.txt").read_text() == "usedpkg\nunusedpkg\n"


def _mount_tmpfs(folder: Path, options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 16 KiB tmpfs, or a skip where mounting is not permitted (not root)."""
    folder = tmp_path / "tiny"
    if os.geteuid() != 0 or not _mount_tmpfs(folder, "size=16k"):
        pytest.skip("mounting a tmpfs needs root; a full disk cannot be made otherwise")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.fixture
def read_only_fs(tmp_path: Path) -> Iterator[Path]:
    """A read-only tmpfs (read-only even for root), or a skip."""
    folder = tmp_path / "ro"
    if os.geteuid() != 0 or not _mount_tmpfs(folder, "size=16k,ro"):
        pytest.skip("mounting a read-only tmpfs needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_cli_trim__output_on_full_disk__exit_2_nothing_left(tiny_fs: Path, tmp_path: Path) -> None:
    (tiny_fs / "filler").write_bytes(b"x" * 12 * 1024)
    body = "usedpkg\nunusedpkg\n" + "".join(f"# line {n:05d} of padding\n" for n in range(400))
    project, result = _trim(tmp_path, {"requirements.txt": body}, "-o", str(tiny_fs / "out.txt"))
    assert result.exit_code == 2, result.output
    assert str(tiny_fs / "out.txt") in result.stderr
    assert "No space left on device" in result.stderr
    assert sorted(p.name for p in tiny_fs.iterdir()) == ["filler"]
    assert (project / "requirements.txt").read_text() == body


def test_cli_trim__output_on_read_only_fs__exit_2_names_it(
    read_only_fs: Path, tmp_path: Path
) -> None:
    project, result = _trim(
        tmp_path, {"requirements.txt": "usedpkg\nunusedpkg\n"}, "-o", str(read_only_fs / "o.txt")
    )
    assert result.exit_code == 2, result.output
    assert str(read_only_fs / "o.txt") in result.stderr
    assert (project / "requirements.txt").read_text() == "usedpkg\nunusedpkg\n"


# -- includes -------------------------------------------------------------------------------------


def test_cli_scan__include_outside_project__warned_not_read_unless_allowed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("otherused\nsecret-token-value\n")
    (outside / "x.txt").write_text("another-secret\n")
    files = {"requirements.txt": f"usedpkg\n-r {outside / 'secret.txt'}\n-r ../elsewhere/x.txt\n"}
    project = write_files(tmp_path / "project", {"main.py": MAIN, **files})
    env = make_site_packages(tmp_path / "env", DISTS).prefix
    result = _run("scan", project, "--env", env, "--no-cache", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "secret-token-value" not in result.output
    assert "another-secret" not in result.output
    assert "outside the project folder; not read" in result.stdout
    assert '"line": 2' in result.stdout
    allowed = _run(
        "scan", project, "--env", env, "--no-cache", "--format", "json", "--allow-outside", outside
    )
    assert allowed.exit_code == 0, allowed.output
    assert "secret-token-value" in allowed.stdout  # read now: its line cannot be parsed


def test_cli_scan__allow_outside_in_config__include_read(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "base.txt").write_text("otherused\n")
    files = {
        "requirements.txt": "usedpkg\n-r ../shared/base.txt\n",
        "pyproject.toml": '[tool.depsize]\nallow-outside = ["../shared"]\n',
    }
    project = write_files(tmp_path / "project", {"main.py": MAIN, **files})
    env = make_site_packages(tmp_path / "env", DISTS).prefix
    result = _run("scan", project, "--env", env, "--no-cache", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"name": "otherused"' in result.stdout
    assert "outside the project" not in result.stdout


# -- wrong types and deep nesting through the CLI -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scan_exit"),
    [
        ('project = "x"\n', 0),
        ("tool = []\n", 2),
        ("[tool]\npoetry = 3\n", 0),
        ("[project]\ndependencies = 3\n", 0),
        ('[project]\ndependencies = [1, "usedpkg"]\n', 0),
        ("[project]\nscripts = 3\nentry-points = 3\n", 0),
        ('[tool.poetry]\ndependencies = "x"\n', 0),
        ("[dependency-groups]\ndev = [{include-group = 3}]\n", 0),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", 2),
    ],
)
def test_cli__pyproject_of_wrong_types__warning_or_input_error_never_a_crash(
    tmp_path: Path, text: str, scan_exit: int
) -> None:
    project = write_files(tmp_path / "project", {"main.py": MAIN, "pyproject.toml": text})
    env = make_site_packages(tmp_path / "env", DISTS).prefix
    scanned = _run("scan", project, "--env", env, "--no-cache")
    assert scanned.exit_code == scan_exit, scanned.output
    if scan_exit == 2:
        assert re.search(
            r"pyproject\.toml: (invalid TOML: nested too deeply|\[tool\] must be)", scanned.stderr
        )
    trimmed = _run("trim", project, "--env", env, "--no-cache", "--in-place")
    assert trimmed.exit_code in {0, 2}, trimmed.output
    assert (project / "pyproject.toml").read_text() == text


def test_cli_trim__in_place_on_full_disk__exit_2_original_intact(
    tiny_fs: Path, tmp_path: Path
) -> None:
    body = "usedpkg\nunusedpkg\n" + "".join(f"# padding line {n:05d}\n" for n in range(150))
    project = write_files(tiny_fs / "project", {"main.py": MAIN, "requirements.txt": body})
    handle = os.open(tiny_fs / "filler", os.O_WRONLY | os.O_CREAT)
    try:  # fill the disk to the last byte
        while os.write(handle, b"x" * 512):
            pass
    except OSError:
        pass
    finally:
        os.close(handle)
    env = make_site_packages(tmp_path / "env", DISTS).prefix
    result = _run("trim", project, "--env", env, "--no-cache", "--in-place", "--no-backup")
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.stderr
    assert "nothing written" in result.stderr
    assert (project / "requirements.txt").read_text() == body
    assert sorted(p.name for p in project.iterdir()) == ["main.py", "requirements.txt"]


def test_cli_trim__output_into_missing_folder__message_names_the_trimmed_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "missing" / "out.txt"
    _, result = _trim(tmp_path, {"requirements.txt": "usedpkg\nunusedpkg\n"}, "-o", str(target))
    assert result.exit_code == 2, result.output
    assert "cannot write the trimmed file: the folder" in result.stderr
