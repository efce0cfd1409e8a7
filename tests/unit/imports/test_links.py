"""Code loaded without an import statement, and names spelled as strings, on written projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from depsize.imports import analyze_imports
from depsize.imports.commands import read_commands
from depsize.imports.roots import source_roots
from depsize.imports.strings import spelled_in_code, spelled_in_config
from depsize.models import ScanWarning
from support.projects import write_files

from .helpers import dists_of, make_dist, uses_of

PY = (3, 11)


def test_script_folder_on_sys_path__sibling_imports_are_ours_and_live(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "bot/main.py": "from helper import run\nimport telegram\n\nif __name__ == '__main__':\n"
            "    run()\n",
            "bot/helper.py": "import openai\n\ndef run(): ...\n",
            "bot/unused.py": "import yaml\n",
            "Dockerfile": 'CMD ["python", "bot/main.py"]\n',
        },
        dedent=True,
    )
    result = analyze_imports(root, PY, use_cache=False)

    helper = [s for s in result.sites if s.module == "bot.helper"]
    assert [(s.first_party, s.scope) for s in helper] == [(True, "live")]
    assert {s.module: s.scope for s in result.sites if not s.first_party} == {
        "telegram": "live",
        "openai": "live",
        "yaml": "dead",
    }


def test_open_site_with_literal_suffix__only_matching_modules_unknown(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/main.py": """
                import importlib
                import sys

                def migrate(ext):
                    importlib.import_module(f"{ext}.migrations")

                if __name__ == "__main__":
                    migrate(sys.argv[1])
            """,
            "app/shop/__init__.py": "",
            "app/shop/migrations.py": "import alembic\n",
            "app/old.py": "import reportlab\n",
        },
        dedent=True,
    )
    result = analyze_imports(root, PY, use_cache=False)

    [site] = result.open_loading
    assert (site.suffix, site.line) == (".migrations", 5)
    assert result.dead_modules == ("app.old",)
    scopes = {s.module: s.scope for s in result.sites if not s.first_party}
    assert scopes == {"alembic": "unknown", "reportlab": "dead"}


def test_exec_in_live_code__open_site_that_loads_nothing_by_name(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "main.py": "def run(code):\n    exec(code, {})\n\nif __name__ == '__main__':\n"
            "    run('')\n",
            "plugins/extra.py": "import yaml\n",
        },
        dedent=True,
    )
    result = analyze_imports(root, PY, use_cache=False)

    [site] = result.open_loading
    assert (site.line, site.by_name) == (2, False)
    assert result.dead_modules == ()


def test_build_system_of_pyproject__names_no_configured_package(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": """
                [build-system]
                requires = ["setuptools"]
                build-backend = "setuptools.build_meta"

                [tool.mypy]
                plugins = ["pydantic.mypy"]
            """,
            "main.py": "",
        },
        dedent=True,
    )
    dists = dists_of(make_dist("setuptools", ["setuptools"]), make_dist("pydantic", ["pydantic"]))
    result = uses_of(root, dists, PY)

    # the fake dists list no files: a dotted name must resolve to a module in a dist's files
    assert [c.dist for c in result.configured] == []


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ('df = pd.read_excel(path, engine="openpyxl")\n', ["openpyxl"]),
        ('engine = "xlrd" if xls else "openpyxl"\n', ["xlrd", "openpyxl"]),
        ('uvicorn.run(app, loop="uvloop")\n', ["uvloop"]),
        ('soup = BeautifulSoup(html, "lxml")\n', ["lxml"]),
        ('extensions = [\n    "myst_parser",\n    "sphinx_copybutton",\n]\n', None),
        ('html_theme = "furo"\n', ["furo"]),
        ("THIRD_PARTY_APPS = (\n    'corsheaders',\n)\n", ["corsheaders"]),
        ('name = "openpyxl"\n', []),
    ],
)
def test_spelled_in_code__words_a_library_loads__found(code: str, words: list[str] | None) -> None:
    found = [w for w, _line in spelled_in_code(code).words]
    assert found == (words if words is not None else ["myst_parser", "sphinx_copybutton"])


def test_spelled_in_config__dotted_names_urls_and_drivers__with_lines() -> None:
    text = (
        "services:\n  web:\n    command: gunicorn -k uvicorn.workers.UvicornWorker app:app\n"
        "    environment:\n      DATABASE_URL: postgres://db/app\n"
        "      ENGINE: mysql+pymysql\n      README: docs/readme.md\n"
    )
    spelled = spelled_in_config(text)

    assert ("uvicorn.workers.UvicornWorker", 3) in spelled.dotted
    assert not [d for d, _ in spelled.dotted if d.endswith(".md")]
    assert set(spelled.drivers) == {("postgres://", 5), ("mysql+pymysql", 6)}


def test_spelled_in_code__a_long_settings_list__read_once_linear() -> None:
    text = "X_APPS = [\n" * 2000 + "]\n" * 2000
    assert spelled_in_code(text).words == ()


def test_ci_yaml__block_with_backslash_continuations__one_command(tmp_path: Path) -> None:
    path = tmp_path / ".circleci" / "config.yml"
    path.parent.mkdir()
    path.write_text(
        "jobs:\n  test:\n    steps:\n      - run:\n          command: |\n"
        "            pytest tests \\\n              --cov=app \\\n              -n 4\n"
        "            cat README.rst | rst2html.py > out.html\n",
        encoding="utf-8",
    )
    commands = [(c.argv, c.line) for c in read_commands(path)]

    assert commands == [
        (("pytest", "tests", "--cov=app", "-n", "4"), 6),
        (("cat", "README.rst"), 9),
        (("rst2html.py", ">", "out.html"), 9),
    ]


@pytest.mark.parametrize(
    ("files", "roots"),
    [
        ({"pyproject.toml": '[tool.setuptools]\npackage-dir = {"" = "app-src"}\n'}, ["app-src"]),
        (
            {"pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["lib"]\n'},
            ["lib"],
        ),
        ({"setup.cfg": "[options]\npackage_dir =\n    = source\n"}, ["source"]),
        ({"setup.py": 'setup(package_dir={"": "lib"}, packages=find_packages("lib"))\n'}, ["lib"]),
        (
            {"pyproject.toml": '[tool.poetry]\npackages = [{include = "app", from = "code"}]\n'},
            ["code"],
        ),
        (
            {"pyproject.toml": '[tool.hatch.build.targets.wheel]\npackages = ["pkgs/app"]\n'},
            ["pkgs"],
        ),
        ({"pyproject.toml": '[tool.pdm.build]\npackage-dir = "py"\n'}, ["py"]),
        ({"pyproject.toml": '[tool.setuptools]\npackage-dir = {"" = "../outside"}\n'}, []),
    ],
)
def test_source_roots__build_backend_settings__folders_found(
    tmp_path: Path, files: dict[str, str], roots: list[str]
) -> None:
    project = tmp_path / "project"
    write_files(project, files, dedent=True)
    for folder in ("app-src", "lib", "source", "code", "pkgs", "py"):
        (project / folder).mkdir()
    (tmp_path / "outside").mkdir()
    warnings: list[ScanWarning] = []

    found = source_roots(project, warnings)

    assert [p.relative_to(project).as_posix() for p in found] == roots
    assert warnings == []


def test_tox_commands__backslash_continuation__one_command(tmp_path: Path) -> None:
    path = tmp_path / "tox.ini"
    path.write_text(
        "[testenv]\ncommands =\n  pytest \\\n    --cov=app \\\n    {posargs}\n  ruff check app\n",
        encoding="utf-8",
    )
    assert [(c.argv, c.line) for c in read_commands(path)] == [
        (("pytest", "--cov=app", "{posargs}"), 3),
        (("ruff", "check", "app"), 6),
    ]


def test_lock_of_a_lock__pinned_generated_in_file__pyproject_is_the_source(
    tmp_path: Path,
) -> None:
    from depsize.requirements import load_declared

    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\ndependencies = ["rich"]\n', encoding="utf-8"
    )
    (tmp_path / "requirements.in").write_text(
        "#\n# This file is autogenerated by update_deps\n#\nrich==13.0.0\n    # via app\n"
        "pygments==2.0\n    # via rich\n",
        encoding="utf-8",
    )
    (tmp_path / "requirements.txt").write_text(
        "#\n# This file is autogenerated by pip-compile with Python 3.11\n# by the following "
        "command:\n#\n#    pip-compile --output-file=requirements.txt requirements.in\n#\n"
        "rich==13.0.0\n    # via -r requirements.in\npygments==2.0\n    # via rich\n",
        encoding="utf-8",
    )
    declared = load_declared(tmp_path, ())

    [lock] = declared.locks
    assert [p.name for p in lock.generated_from] == ["pyproject.toml"]
    judged = {r.name for r in declared.requirements if not declared.is_lock(r.source)}
    assert judged == {"rich"}


@pytest.mark.parametrize(
    ("settings", "open_sites", "redis_scope"),
    [
        ("", 0, "dead"),  # never assigned: the framework's default, nothing of the project's
        ('SESSION_ENGINE = "app.sessions"\n', 0, "live"),  # assigned a literal: that module
        ('SESSION_ENGINE = env("ENGINE")\n', 1, "unknown"),  # assigned something else: open
    ],
)
def test_import_module_of_a_setting__resolved_by_its_assignments(
    tmp_path: Path, settings: str, open_sites: int, redis_scope: str
) -> None:
    root = write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/settings.py": settings,
            "app/sessions.py": "import redis\n",
            "app/main.py": """
                from importlib import import_module
                from django.conf import settings
                from app import settings as _local

                engine = import_module(settings.SESSION_ENGINE)

                if __name__ == "__main__":
                    pass
            """,
        },
        dedent=True,
    )
    result = analyze_imports(root, PY, use_cache=False)

    assert len(result.open_loading) == open_sites
    assert [s.scope for s in result.sites if s.module == "redis"] == [redis_scope]


def test_import_statement_in_a_string__its_module_is_an_edge(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/settings.py": "SHELL_PLUS_IMPORTS = ['from app.shell.utils import print_qs']\n",
            "app/shell/__init__.py": "",
            "app/shell/utils.py": "import tabulate\n",
            "manage.py": "import os\n"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'app.settings')\n",
        },
        dedent=True,
    )
    result = analyze_imports(root, PY, use_cache=False)

    assert {s.module: s.scope for s in result.sites if not s.first_party} == {"tabulate": "live"}
    assert result.dead_modules == ()


def test_app_conventions__alembic_migrations_wagtail_gunicorn_rq__nothing_dead(
    tmp_path: Path,
) -> None:
    root = write_files(
        tmp_path,
        {
            "manage.py": "import django\n",
            "site/__init__.py": "",
            "site/settings.py": "INSTALLED_APPS = ['shop']\n",
            "shop/__init__.py": "",
            "shop/migrations/__init__.py": "",
            "shop/wagtail_hooks.py": "from shop import filters\n",
            "shop/filters.py": "import django_filters\n",
            "migrations/env.py": "from alembic import context\n",
            "migrations/script.py.mako": "",
            "migrations/versions/1a_init.py": "import sqlalchemy\n",
            "gunicorn.conf.py": "import multiprocessing\nworkers = 2\n",
            "conf/prod_gunicorn.py": "import gevent\n",
            "Procfile": "web: gunicorn -c conf/prod_gunicorn.py site.wsgi\n",
            "site/wsgi.py": "import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'site.settings'\n",
            "site/jobs.py": "def enqueue(name):\n    queue.enqueue(f'site.tasks.{name}')\n",
            "site/tasks.py": "import rq\n",
            "site/old.py": "import reportlab\n",
        },
        dedent=True,
    )
    result = analyze_imports(root, PY, use_cache=False)

    assert result.dead_modules == ("site.jobs", "site.old")
    live = {s.module for s in result.sites if not s.first_party and s.scope == "live"}
    assert live >= {"django_filters", "alembic", "sqlalchemy", "gevent"}


def test_rq_job_named_by_fstring_prefix__the_tasks_module_is_an_edge(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/main.py": "def run(name):\n    q.enqueue(f'app.tasks.{name}')\n\n"
            "if __name__ == '__main__':\n    run('x')\n",
            "app/tasks.py": "import rq\n",
        },
        dedent=True,
    )
    result = analyze_imports(root, PY, use_cache=False)

    assert result.dead_modules == ()


def test_django_settings_variants__chosen_at_deploy__live(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "manage.py": "import os\n"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.django.base')\n",
            "config/__init__.py": "",
            "config/django/__init__.py": "",
            "config/django/base.py": "import django\n",
            "config/django/production.py": "from .base import *\nimport sentry_sdk\n",
            "config/django/test.py": "from .base import *\n",
            "config/unrelated.py": "import reportlab\n",
        },
        dedent=True,
    )
    result = analyze_imports(root, PY, use_cache=False)

    # production is chosen by DJANGO_SETTINGS_MODULE on the server, outside the repository
    assert result.dead_modules == ("config.unrelated",)
    assert [s.scope for s in result.sites if s.module == "sentry_sdk"] == ["live"]
