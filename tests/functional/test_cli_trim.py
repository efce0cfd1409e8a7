"""``depsize trim`` through the command line on a real synthetic site-packages: the diff, ``-o``,
``--in-place`` and the exit codes (docs/trim.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from depsize.cli import main
from support.reports import KB, spec, write_project
from support.site_packages import make_site_packages

REQUIREMENTS = "webframe==1.0\noldclient>=2  # left from v1\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    make_site_packages(tmp_path, [spec("webframe", 2 * KB, ()), spec("oldclient", 3 * KB, ())])
    return write_project(
        tmp_path / "proj", {"requirements.txt": REQUIREMENTS, "app.py": "import webframe\n"}
    )


def _trim(project: Path, *args: str | Path) -> Result:
    argv = ["trim", str(project), "--env", str(project.parent / "env"), "--no-cache"]
    return CliRunner().invoke(main, [*argv, *map(str, args)], env={"DEPSIZE_PROGRESS": "0"})


def _removed_line(result: Result) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith("-old"))


def test_trim__default__unified_diff_and_nothing_written(project: Path) -> None:
    result = _trim(project)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("--- a/requirements.txt\n+++ b/requirements.txt\n")
    assert _removed_line(result) == "-oldclient>=2  # left from v1"
    assert '+# depsize: removed "oldclient>=2  # left from v1" (unused, frees ' in result.stdout
    assert (project / "requirements.txt").read_text() == REQUIREMENTS
    assert "oldclient" in result.stderr  # the summary goes to stderr


def test_trim__output_file__written_and_source_kept(project: Path) -> None:
    target = project / "requirements.trimmed.txt"
    result = _trim(project, "-o", target, "--no-comments")

    assert result.exit_code == 0, result.output
    assert target.read_text() == "webframe==1.0\n"
    assert (project / "requirements.txt").read_text() == REQUIREMENTS
    assert f"depsize: wrote {target}" in result.stderr


def test_trim__output_file_exists__exit_2_unless_forced(project: Path) -> None:
    target = project / "out.txt"
    target.write_text("mine\n")

    refused = _trim(project, "-o", target)
    assert refused.exit_code == 2, refused.output
    assert target.read_text() == "mine\n"
    assert str(target) in refused.stderr

    forced = _trim(project, "-o", target, "--force", "--no-comments")
    assert forced.exit_code == 0, forced.output
    assert target.read_text() == "webframe==1.0\n"


def test_trim__in_place__rewritten_with_a_backup(project: Path) -> None:
    result = _trim(project, "--in-place")

    assert result.exit_code == 0, result.output
    text = (project / "requirements.txt").read_text()
    assert text.startswith('webframe==1.0\n# depsize: removed "oldclient>=2  # left from v1"')
    assert (project / "requirements.txt.bak").read_text() == REQUIREMENTS


def test_trim__in_place_no_backup__no_bak_file(project: Path) -> None:
    assert _trim(project, "--in-place", "--no-backup", "--no-comments").exit_code == 0
    assert (project / "requirements.txt").read_text() == "webframe==1.0\n"
    assert not (project / "requirements.txt.bak").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--in-place", "-o", "x.txt"), "give either -o FILE or --in-place, not both"),
        (("--remove", "used"), "used"),
        (("-o", "missing-folder/x.txt"), "does not exist"),
    ],
)
def test_trim__bad_request__exit_2_and_nothing_written(
    project: Path, args: tuple[str, ...], message: str
) -> None:
    result = _trim(project, *args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert (project / "requirements.txt").read_text() == REQUIREMENTS
    assert not (project / "requirements.txt.bak").exists()
