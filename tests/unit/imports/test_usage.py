"""Use without import: commands, plugins, URL-named drivers."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from depsize.imports.commands import read_commands, strip_wrappers
from depsize.imports.entries import command_target

from .helpers import dists_of, make_dist, uses_of

Copy = Callable[[str], Path]

ENV = dists_of(
    make_dist("uvicorn", ["uvicorn"], [("console_scripts", "uvicorn", "uvicorn.main:main")]),
    make_dist("gunicorn", ["gunicorn"], [("console_scripts", "gunicorn", "gunicorn.app:run")]),
    make_dist("alembic", ["alembic"], [("console_scripts", "alembic", "alembic.config:main")]),
    make_dist("celery", ["celery"], [("console_scripts", "celery", "celery.__main__:main")]),
    make_dist("ruff", [], [("console_scripts", "ruff", "ruff.__main__:main")]),
    make_dist("pytest", ["pytest", "_pytest"], [("console_scripts", "pytest", "pytest:main")]),
    make_dist("pytest-cov", ["pytest_cov"], [("pytest11", "pytest_cov", "pytest_cov.plugin")]),
    make_dist("pytest-unused", ["pytest_unused"], [("flake8.extension", "X", "x:y")]),
    make_dist("sqlalchemy", ["sqlalchemy"]),
    make_dist("psycopg2-binary", ["psycopg2"]),
    make_dist("redis", ["redis"]),
    make_dist("fastapi", ["fastapi"]),
)


def test_usage__console_scripts_in_command_files__command_uses(project: Copy) -> None:
    result = uses_of(project("docker"), ENV, (3, 12))
    uses = {(c.dist, c.file.name, c.line) for c in result.commands}
    assert ("uvicorn", "Dockerfile", 4) in uses
    assert ("celery", "docker-compose.yml", 6) in uses
    assert ("ruff", "ci.yml", 9) in uses
    assert ("pytest", "ci.yml", 10) in uses
    cmd = next(c for c in result.commands if c.dist == "uvicorn")
    assert cmd.text == "uvicorn pkg.main:app --host 0.0.0.0"


def test_usage__procfile_commands__gunicorn_and_alembic(project: Copy) -> None:
    result = uses_of(project("procfile"), ENV, (3, 12))
    assert {(c.dist, c.line) for c in result.commands} == {("gunicorn", 1), ("alembic", 2)}


def test_usage__url_schemes_in_literals__configured_driver_uses(project: Copy) -> None:
    result = uses_of(project("docker"), ENV, (3, 12))
    urls = {(c.dist, c.file.name, c.line) for c in result.configured}
    assert ("psycopg2-binary", "db.py", 3) in urls
    assert ("redis", "db.py", 4) in urls
    assert not [p for p in result.plugins if p.reason.startswith("URL")]


def test_usage__url_driver_not_installed__first_candidate_named(project: Copy) -> None:
    result = uses_of(project("kinds"), {}, (3, 12))
    assert [(c.dist, c.text) for c in result.configured] == [
        ("asyncpg", "URL scheme postgresql+asyncpg://")
    ]


def test_usage__python_dash_m_of_a_dist__command_use(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text("test:\n\tpython -m pytest -q\n", encoding="utf-8")
    result = uses_of(tmp_path, ENV, (3, 12))
    assert [(c.dist, c.command, c.line) for c in result.commands] == [
        ("pytest", "python -m pytest", 2)
    ]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ("uvicorn pkg.main:app --reload", ("module", "pkg.main")),
        (
            "gunicorn -k uvicorn.workers.UvicornWorker -b 0.0.0.0:80 app.wsgi",
            ("module", "app.wsgi"),
        ),
        ("gunicorn 'app:create_app()'", ("module", "app")),
        ("python -m pkg", ("module", "pkg")),
        ("python3.12 -u path/script.py --x", ("file", "path/script.py")),
        ("/usr/bin/python -c 'print(1)'", None),
        ("celery -A proj worker", ("module", "proj")),
        ("celery --app=proj.tasks worker", ("module", "proj.tasks")),
        ("flask --app hello run", ("module", "hello")),
        ("streamlit run dash/app.py", ("file", "dash/app.py")),
        ("fastapi run main.py", ("file", "main.py")),
        ("./manage.py migrate", ("file", "./manage.py")),
        ("ls -la", None),
    ],
)
def test_usage__command_target__recognised(argv: str, expected: tuple[str, str] | None) -> None:
    assert command_target(tuple(shlex.split(argv))) == expected


def test_usage__wrappers__stripped() -> None:
    assert strip_wrappers(["PORT=80", "exec", "poetry", "run", "uvicorn", "a:b"]) == [
        "uvicorn",
        "a:b",
    ]


def test_usage__dockerfile_forms__both_read(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(
        'FROM x\nENTRYPOINT ["gunicorn", "a.wsgi"]\nRUN pip install . && \\\n    alembic up\n'
        "CMD uvicorn b:app\n",
        encoding="utf-8",
    )
    found = [(c.argv[0], c.line) for c in read_commands(path)]
    assert found == [("gunicorn", 2), ("pip", 3), ("alembic", 3), ("uvicorn", 5)]


def test_read_commands__workflow_expressions__dropped_from_the_command(tmp_path: Path) -> None:
    path = tmp_path / ".github" / "workflows" / "ci.yml"
    path.parent.mkdir(parents=True)
    path.write_text(
        "jobs:\n  t:\n    steps:\n"
        "      - run: python${{ matrix.python-version }} -m pytest --cov ${{ inputs.extra }}\n",
        encoding="utf-8",
    )

    assert [(c.argv, c.line) for c in read_commands(path)] == [
        (("python", "-m", "pytest", "--cov"), 4)
    ]
