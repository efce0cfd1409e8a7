"""What the project says besides its imports, read with no environment at all, and joined."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from depsize.imports import NameSaid, analyze_imports
from depsize.join import join_env
from support.projects import write_files

from .helpers import dists_of, make_dist

Copy = Callable[[str], Path]


def test_analyze_imports__docker_project__commands_and_url_schemes_in_project_terms(
    project: Copy,
) -> None:
    root = project("docker")
    says = analyze_imports(root, (3, 12), use_cache=False).says
    commands = {(c.argv[0], c.file.name, c.line) for c in says.commands}
    assert ("uvicorn", "Dockerfile", 4) in commands
    assert ("celery", "docker-compose.yml", 6) in commands
    urls = {(n.kind, n.value, n.file.name, n.line) for n in says.names if n.kind == "url"}
    assert ("url", "postgresql+psycopg2", "db.py", 3) in urls
    assert ("url", "redis", "db.py", 4) in urls


def test_analyze_imports__dotted_strings__own_modules_and_stdlib_left_out(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/views.py": "",
            "app/settings.py": (
                'MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "app.views.Login"]\n'
                'HANDLER = "logging.StreamHandler"\n'
            ),
        },
    )
    names = analyze_imports(tmp_path, (3, 12), use_cache=False).says.names
    dotted = [n for n in names if n.kind == "dotted"]
    settings = tmp_path.absolute() / "app" / "settings.py"
    assert dotted == [NameSaid("dotted", "corsheaders.middleware.CorsMiddleware", settings, 1)]


def test_join_env__same_project_facts__uses_follow_the_env(project: Copy) -> None:
    imports = analyze_imports(project("procfile"), (3, 12), use_cache=False)
    env = dists_of(
        make_dist("gunicorn", ["gunicorn"], [("console_scripts", "gunicorn", "gunicorn.app:run")])
    )
    assert [(c.dist, c.line) for c in join_env(imports, env).commands] == [("gunicorn", 1)]
    assert join_env(imports, {}).commands == ()
