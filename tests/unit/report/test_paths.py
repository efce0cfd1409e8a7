"""How every report shows a path: the same on every machine."""

from __future__ import annotations

from pathlib import Path

from depsize.report.view import project_relative


def test_project_relative__project_file__relative_posix(tmp_path: Path) -> None:
    project = tmp_path / "app"
    assert project_relative(project / "pkg" / "mod.py", project) == "pkg/mod.py"


def test_project_relative__venv_inside_project__shown_from_site_packages(tmp_path: Path) -> None:
    project = tmp_path / "app"
    path = project / ".venv/lib/python3.11/site-packages/fastapi/dependencies/utils.py"
    assert project_relative(path, project) == "site-packages/fastapi/dependencies/utils.py"


def test_project_relative__env_outside_project__shown_from_site_packages(tmp_path: Path) -> None:
    project = tmp_path / "app"
    path = Path("/opt/venv/lib/python3.12/dist-packages/pytest_x-1.0.dist-info/entry_points.txt")
    assert (
        project_relative(path, project) == "site-packages/pytest_x-1.0.dist-info/entry_points.txt"
    )


def test_project_relative__file_above_project__dot_dot(tmp_path: Path) -> None:
    project = tmp_path / "repo" / "service"
    workflow = tmp_path / "repo" / ".github" / "workflows" / "ci.yml"
    assert project_relative(workflow, project) == "../.github/workflows/ci.yml"


def test_project_relative__nothing_in_common__as_given(tmp_path: Path) -> None:
    assert project_relative(Path("/etc/app.ini"), Path("/srv/app")) == "/etc/app.ini"
