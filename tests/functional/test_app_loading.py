"""How real applications load their own code: each mechanism in a small project, analysed whole.

Every project is written here, beside a real site-packages (``support.site_packages``) holding
the distributions its statuses depend on. Each test asserts the exact dead files the project was
made with, and that the truly removable requirement is still found with confidence ``certain``.
"""

from __future__ import annotations

from pathlib import Path

from depsize.analyze import Analysis, Settings, analyze
from depsize.imports.extract import scan_bytes
from depsize.verdicts import Verdict
from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages


def _dist(name: str, *modules: str) -> DistSpec:
    return DistSpec(name, files=dict.fromkeys(modules, 40))


def _run(tmp_path: Path, files: dict[str, str], dists: list[DistSpec]) -> Analysis:
    project = tmp_path / "project"
    write_files(project, files, dedent=True)
    built = make_site_packages(tmp_path, dists)
    return analyze(Settings(project=project, env_dir=built.prefix, use_cache=False))


def _statuses(analysis: Analysis) -> dict[str, tuple[str, str | None]]:
    assert analysis.judgement is not None
    return {v.requirement.name: (v.status, v.confidence) for v in analysis.judgement.verdicts}


def _dead_files(analysis: Analysis) -> set[str]:
    assert analysis.imports is not None
    return set(analysis.imports.dead_modules)


DJANGO_FILES = {
    "manage.py": """
        import os
        import sys

        def main():
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
            from django.core.management import execute_from_command_line
            execute_from_command_line(sys.argv)

        if __name__ == "__main__":
            main()
    """,
    "config/__init__.py": "",
    "config/settings/__init__.py": "",
    "config/settings/base.py": """
        INSTALLED_APPS = [
            "django.contrib.admin",
            "corsheaders",
            "blog.apps.BlogConfig",
            "shop",
        ]
        MIDDLEWARE = [
            "corsheaders.middleware.CorsMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
        ]
        ROOT_URLCONF = "config.urls"
        STORAGES = {"default": {"BACKEND": "storages.backends.s3boto3.S3Boto3Storage"}}
    """,
    "config/settings/local.py": "from .base import *  # noqa\nDEBUG = True\n",
    "config/urls.py": """
        from django.urls import include, path

        urlpatterns = [
            path("blog/", include("blog.urls")),
            path("shop/", include("shop.api.urls")),
        ]
    """,
    "blog/__init__.py": "",
    "blog/apps.py": "from django.apps import AppConfig\n\nclass BlogConfig(AppConfig): ...\n",
    "blog/models.py": "from django.db import models\n",
    "blog/admin.py": "from django.contrib import admin\n",
    "blog/urls.py": "from . import views\n\nurlpatterns = []\n",
    "blog/views.py": "import markdown\n",
    "blog/management/__init__.py": "",
    "blog/management/commands/__init__.py": "",
    "blog/management/commands/publish.py": "import boto3\n",
    "blog/templatetags/__init__.py": "",
    "blog/templatetags/blog_tags.py": "import bleach\n",
    "blog/migrations/__init__.py": "",
    "blog/migrations/0001_initial.py": "from django.db import migrations\n",
    "shop/__init__.py": "",
    "shop/models.py": "from django.db import models\n",
    "shop/api/__init__.py": "",
    "shop/api/urls.py": "from .views import ItemViewSet\n",
    "shop/api/views.py": "from rest_framework import viewsets\n\nclass ItemViewSet: ...\n",
    "legacy/__init__.py": "",
    "legacy/models.py": "from django.db import models\n",
    "old_reports.py": "import reportlab\n",
    "requirements.txt": """
        django
        django-cors-headers
        django-storages
        whitenoise
        djangorestframework
        markdown
        boto3
        bleach
        reportlab
        unusedpkg
    """,
}
DJANGO_DISTS = [
    _dist(
        "django",
        "django/__init__.py",
        "django/urls.py",
        "django/apps.py",
        "django/db/models.py",
        "django/contrib/admin/__init__.py",
        "django/core/management/__init__.py",
    ),
    _dist("django-cors-headers", "corsheaders/__init__.py", "corsheaders/middleware.py"),
    _dist(
        "django-storages",
        "storages/__init__.py",
        "storages/backends/__init__.py",
        "storages/backends/s3boto3.py",
    ),
    _dist("whitenoise", "whitenoise/__init__.py", "whitenoise/middleware.py"),
    _dist("djangorestframework", "rest_framework/__init__.py", "rest_framework/viewsets.py"),
    _dist("markdown", "markdown/__init__.py"),
    _dist("boto3", "boto3/__init__.py"),
    _dist("bleach", "bleach/__init__.py"),
    _dist("reportlab", "reportlab/__init__.py"),
    _dist("unusedpkg", "unusedpkg/__init__.py"),
]


def test_django_site__settings_apps_urls_commands__only_made_dead_files_dead(
    tmp_path: Path,
) -> None:
    analysis = _run(tmp_path, DJANGO_FILES, DJANGO_DISTS)

    assert _dead_files(analysis) == {"old_reports", "legacy", "legacy.models"}
    statuses = _statuses(analysis)
    assert statuses == {
        "django": ("used", None),
        "django-cors-headers": ("configured", None),
        "django-storages": ("configured", None),
        "whitenoise": ("configured", None),
        "djangorestframework": ("used", None),
        "markdown": ("used", None),
        "boto3": ("used", None),
        "bleach": ("used", None),
        "reportlab": ("dead-code-only", "certain"),
        "unusedpkg": ("unused", "certain"),
    }


def test_django_site__configured_evidence__names_the_setting_line(tmp_path: Path) -> None:
    analysis = _run(tmp_path, DJANGO_FILES, DJANGO_DISTS)

    assert analysis.judgement is not None
    verdicts: dict[str, Verdict] = {v.requirement.name: v for v in analysis.judgement.verdicts}
    storage = verdicts["django-storages"].evidence[0]
    assert storage.file is not None
    assert (storage.file.name, storage.line) == ("base.py", 12)
    assert storage.text == "names storages.backends.s3boto3.S3Boto3Storage"
    cors = {
        (e.file.name if e.file else "", e.line) for e in verdicts["django-cors-headers"].evidence
    }
    assert ("base.py", 3) in cors  # the bare word of INSTALLED_APPS
    assert ("base.py", 8) in cors  # the middleware's dotted path


def test_django_site__no_requirement_named_only_in_a_dead_module_is_configured(
    tmp_path: Path,
) -> None:
    files = dict(DJANGO_FILES)
    files["config/settings/base.py"] = files["config/settings/base.py"].replace(
        '"whitenoise.middleware.WhiteNoiseMiddleware",', ""
    )
    analysis = _run(tmp_path, files, DJANGO_DISTS)

    assert _statuses(analysis)["whitenoise"] == ("unused", "certain")


NON_SRC_FILES = {
    "pyproject.toml": """
        [project]
        name = "dataapp"
        version = "1.0"
        dependencies = ["pandas", "pyarrow", "pyyaml", "unusedlib"]

        [project.scripts]
        dataapp = "app.cli:main"

        [tool.setuptools]
        package-dir = {"" = "app-src"}
    """,
    "app-src/app/__init__.py": "",
    "app-src/app/__main__.py": "from app.cli import main\n\nmain()\n",
    "app-src/app/cli.py": "import pandas\n\nfrom app import store\n\ndef main(): ...\n",
    "app-src/app/store.py": "import pyarrow\n",
    "app-src/app/old.py": "import yaml\n",
    "Dockerfile": 'FROM python:3.11\nCMD ["python", "-m", "app"]\n',
}
NON_SRC_DISTS = [
    _dist("pandas", "pandas/__init__.py"),
    _dist("pyarrow", "pyarrow/__init__.py"),
    _dist("pyyaml", "yaml/__init__.py"),
    _dist("unusedlib", "unusedlib/__init__.py"),
]


def test_setuptools_package_dir__app_src_layout__modules_named_from_the_root(
    tmp_path: Path,
) -> None:
    analysis = _run(tmp_path, NON_SRC_FILES, NON_SRC_DISTS)

    assert analysis.imports is not None
    assert analysis.imports.first_party == frozenset({"app"})
    assert {e.module for e in analysis.imports.entries} >= {"app.cli", "app.__main__", "app"}
    assert _dead_files(analysis) == {"app.old"}
    assert _statuses(analysis) == {
        "pandas": ("used", None),
        "pyarrow": ("used", None),
        "pyyaml": ("dead-code-only", "certain"),
        "unusedlib": ("unused", "certain"),
    }


def test_hatch_packages__lib_folder__first_party_and_reachable(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": """
            [project]
            name = "tool"
            version = "1.0"
            dependencies = ["pandas", "unusedlib"]

            [project.scripts]
            tool = "mytool.main:run"

            [tool.hatch.build.targets.wheel]
            packages = ["lib/mytool"]
        """,
        "lib/mytool/__init__.py": "",
        "lib/mytool/main.py": "from mytool.work import go\n\ndef run(): go()\n",
        "lib/mytool/work.py": "import pandas\n\ndef go(): ...\n",
        "lib/mytool/unused_helper.py": "x = 1\n",
    }
    analysis = _run(tmp_path, files, NON_SRC_DISTS)

    assert analysis.imports is not None
    assert analysis.imports.first_party == frozenset({"mytool"})
    assert _dead_files(analysis) == {"mytool.unused_helper"}
    assert _statuses(analysis) == {"pandas": ("used", None), "unusedlib": ("unused", "certain")}


LOADER_FILES = {
    "app/__init__.py": "",
    "app/main.py": """
        from app import loaders, providers

        def run():
            loaders.load_all()
            providers.discover()

        if __name__ == "__main__":
            run()
    """,
    "app/loaders.py": """
        import importlib

        OPTIONAL_LOADERS = [
            "app.formats.csvfmt",
            "app.formats.parquetfmt",
            "yaml",
        ]

        def load_all():
            for name in OPTIONAL_LOADERS:
                try:
                    importlib.import_module(name)
                except ImportError:
                    pass
    """,
    "app/formats/__init__.py": "",
    "app/formats/csvfmt.py": "import csv\n",
    "app/formats/parquetfmt.py": "import pyarrow\n",
    "app/providers/__init__.py": """
        import importlib
        import pkgutil

        def discover():
            for info in pkgutil.iter_modules(__path__):
                importlib.import_module(f"{__name__}.{info.name}")
    """,
    "app/providers/aws.py": "import boto3\n",
    "app/providers/gcs.py": "import pandas\n",
    "app/dead.py": "import reportlab\n",
    "requirements.txt": "pyarrow\npyyaml\nboto3\npandas\nreportlab\nunusedpkg\n",
}
LOADER_DISTS = [
    _dist("pyarrow", "pyarrow/__init__.py"),
    _dist("pyyaml", "yaml/__init__.py"),
    _dist("boto3", "boto3/__init__.py"),
    _dist("pandas", "pandas/__init__.py"),
    _dist("reportlab", "reportlab/__init__.py"),
    _dist("unusedpkg", "unusedpkg/__init__.py"),
]


def test_loader_table_and_pkgutil_plugins__loaded_modules_live__dead_one_found(
    tmp_path: Path,
) -> None:
    analysis = _run(tmp_path, LOADER_FILES, LOADER_DISTS)

    assert analysis.imports is not None
    assert _dead_files(analysis) == {"app.dead"}
    assert analysis.imports.open_loading == ()
    assert _statuses(analysis) == {
        "pyarrow": ("used", None),
        "pyyaml": ("configured", None),  # a bare word of a *_LOADERS setting
        "boto3": ("used", None),
        "pandas": ("used", None),
        "reportlab": ("dead-code-only", "certain"),
        "unusedpkg": ("unused", "certain"),
    }
    assert analysis.judgement is not None
    assert not analysis.judgement.undeclared  # table strings such as "app.formats..." are ours
    sites = [s for s in analysis.imports.sites if s.module == "yaml"]
    assert [(s.kind, s.guess) for s in sites] == [("conditional", True)]


def test_computed_import__open_graph__nothing_dead_and_removals_likely(tmp_path: Path) -> None:
    files = {
        "svc/__init__.py": "",
        "svc/main.py": """
            import importlib
            import os

            def run():
                handler = importlib.import_module(os.environ["HANDLER"])
                handler.handle()

            if __name__ == "__main__":
                run()
        """,
        "svc/handlers/__init__.py": "",
        "svc/handlers/billing.py": "import boto3\n\ndef handle(): ...\n",
        "requirements.txt": "boto3\nunusedpkg\n",
    }
    analysis = _run(tmp_path, files, LOADER_DISTS)

    assert analysis.imports is not None
    assert _dead_files(analysis) == set()
    [site] = analysis.imports.open_loading
    assert (site.file.name, site.line) == ("main.py", 5)
    assert "with a computed name" in site.what
    assert analysis.judgement is not None
    verdicts: dict[str, Verdict] = {v.requirement.name: v for v in analysis.judgement.verdicts}
    assert (verdicts["boto3"].status, verdicts["boto3"].confidence) == ("dead-code-only", "likely")
    assert verdicts["boto3"].confidence_reason is not None
    assert "svc/main.py:5" in verdicts["boto3"].confidence_reason
    assert (verdicts["unusedpkg"].status, verdicts["unusedpkg"].confidence) == (
        "unused",
        "likely",
    )
    assert analysis.judgement.removable == ()  # nothing certain: trim removes nothing


def test_computed_import_with_literal_prefix__only_our_modules__removals_stay_certain(
    tmp_path: Path,
) -> None:
    files = {
        "svc/__init__.py": "",
        "svc/main.py": """
            import importlib

            def run(kind):
                importlib.import_module(f"svc.handlers.{kind}").handle()

            if __name__ == "__main__":
                run("billing")
        """,
        "svc/handlers/__init__.py": "",
        "svc/handlers/billing.py": "import boto3\n",
        "svc/unreached.py": "import reportlab\n",
        "requirements.txt": "boto3\nreportlab\nunusedpkg\n",
    }
    analysis = _run(tmp_path, files, LOADER_DISTS)

    assert _dead_files(analysis) == {"svc.unreached"}
    assert _statuses(analysis) == {
        "boto3": ("used", None),
        "reportlab": ("dead-code-only", "certain"),
        "unusedpkg": ("unused", "certain"),
    }


def test_pep758_except_without_parentheses__read_under_311__imports_kept() -> None:
    text = b"try:\n    import tomllib_x\nexcept ValueError, TypeError:\n    pass\n"

    scan = scan_bytes(text)

    assert [r.module for r in scan.imports] == ["tomllib_x"]
    assert scan.lenient
    assert scan.error is not None
    assert "Python 2" not in scan.error


def test_python2_file__still_hinted_as_python2() -> None:
    scan = scan_bytes(b"import os\nprint 'hello'\n")

    assert scan.error is not None
    assert "Python 2 syntax?" in scan.error


def test_pep758_file_with_target_314__imports_kept_and_removals_certain(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_files(
        project,
        {
            "main.py": "try:\n    import pandas\nexcept ValueError, TypeError:\n    pass\n",
            "requirements.txt": "pandas\nunusedpkg\n",
        },
        dedent=True,
    )
    built = make_site_packages(tmp_path, LOADER_DISTS, python="3.14.0")
    analysis = analyze(Settings(project=project, env_dir=built.prefix, use_cache=False))

    assert analysis.imports is not None
    [warning] = analysis.imports.warnings
    assert "its import statements were read (newer syntax?)" in warning.message
    assert _statuses(analysis) == {  # ValueError and TypeError do not guard an ImportError
        "pandas": ("used", None),
        "unusedpkg": ("unused", "certain"),
    }


def test_open_sites__suffix_one_then_any__unused_likely_but_stubs_certain(tmp_path: Path) -> None:
    files = {
        "svc/__init__.py": "",
        "svc/main.py": """
            import importlib
            import sys

            def run(name):
                importlib.import_module(f"{name}.migrations")
                importlib.import_module(name)

            if __name__ == "__main__":
                run(sys.argv[1])
        """,
        "requirements.txt": "unusedpkg\ntypes-unusedpkg\n",
    }
    dists = [
        _dist("unusedpkg", "unusedpkg/__init__.py"),
        _dist("types-unusedpkg", "unusedpkg-stubs/__init__.pyi"),
    ]
    analysis = _run(tmp_path, files, dists)

    assert analysis.judgement is not None
    verdicts: dict[str, Verdict] = {v.requirement.name: v for v in analysis.judgement.verdicts}
    unused = verdicts["unusedpkg"]
    assert (unused.status, unused.confidence) == ("unused", "likely")
    assert unused.confidence_reason is not None
    assert "svc/main.py:6" in unused.confidence_reason  # the site that can load it
    stubs = verdicts["types-unusedpkg"]
    assert (stubs.status, stubs.confidence) == ("unused", "certain")  # stubs are never imported


def test_project_installed_into_its_env__its_metadata_is_no_evidence(tmp_path: Path) -> None:
    # pip install -e . puts the project's own METADATA in the env, repeating its requirements;
    # `python -m myapp` runs it: that says nothing about ocpp, which nothing imports
    files = {
        "myapp/__init__.py": "",
        "myapp/__main__.py": "import requests\n",
        "Dockerfile": 'CMD ["python", "-m", "myapp"]\n',
        "requirements.txt": "requests\nocpp\n",
    }
    own = DistSpec("myapp", requires=("requests", "ocpp"), files={"myapp/__init__.py": 10})
    dists = [own, _dist("requests", "requests/__init__.py"), _dist("ocpp", "ocpp/__init__.py")]
    analysis = _run(tmp_path, files, dists)

    assert _statuses(analysis) == {"requests": ("used", None), "ocpp": ("unused", "certain")}


def test_library_optional_imports__reraised_needed__fallback_only_likely(tmp_path: Path) -> None:
    files = {
        "main.py": "import webfw\n",
        "requirements.txt": "webfw\nhttpish\nfastcodec\n",
    }
    webfw = DistSpec(
        "webfw",
        contents={
            "webfw/__init__.py": b"from webfw import client, codec\n",
            "webfw/client.py": (
                b"try:\n    import httpish\nexcept ImportError as exc:  # a clearer error\n"
                b"    raise RuntimeError('pip install httpish') from exc\n"
            ),
            "webfw/codec.py": (
                b"try:\n    import fastcodec\nexcept ImportError:\n    fastcodec = None\n"
            ),
        },
    )
    dists = [webfw, _dist("httpish", "httpish/__init__.py"), _dist("fastcodec", "fastcodec.py")]
    analysis = _run(tmp_path, files, dists)

    assert analysis.judgement is not None
    verdicts: dict[str, Verdict] = {v.requirement.name: v for v in analysis.judgement.verdicts}
    assert verdicts["httpish"].status == "used-by-dependency"  # webfw fails to import without it
    codec = verdicts["fastcodec"]
    assert (codec.status, codec.confidence) == ("unused", "likely")  # webfw copes without it
    assert codec.confidence_reason is not None
    assert "site-packages/webfw/codec.py:2" in codec.confidence_reason


def test_library_module_loaded_only_optionally__its_imports_are_optional(tmp_path: Path) -> None:
    # httpx's shape: __init__ tries ``from ._main import main``; _main imports rich plainly
    files = {"main.py": "import clientlib\n", "requirements.txt": "clientlib\nprettyout\n"}
    clientlib = DistSpec(
        "clientlib",
        contents={
            "clientlib/__init__.py": (
                b"try:\n    from ._main import main\nexcept ImportError:\n    main = None\n"
            ),
            "clientlib/_main.py": b"import prettyout\n",
        },
    )
    analysis = _run(tmp_path, files, [clientlib, _dist("prettyout", "prettyout.py")])

    assert _statuses(analysis)["prettyout"] == ("unused", "likely")


def test_named_without_import__drivers_and_logging_handlers__configured(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/main.py": """
            import logging.config

            from app import db

            LOGGING = {
                "version": 1,
                "formatters": {"json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter"}},
                "handlers": {"out": {"class": "logging.StreamHandler", "formatter": "json"}},
            }
            logging.config.dictConfig(LOGGING)

            if __name__ == "__main__":
                db.connect()
        """,
        "app/db.py": """
            from sqlalchemy.engine import URL

            def connect():
                return URL.create(drivername="postgresql+psycopg", host="db")
        """,
        "docker-compose.yml": (
            "services:\n  worker:\n    environment:\n"
            "      REPORTS_URL: mysql+pymysql://report@db/reports\n"
        ),
        "requirements.txt": "sqlalchemy\npsycopg\npymysql\npython-json-logger\nredis\n",
    }
    dists = [
        _dist("sqlalchemy", "sqlalchemy/__init__.py", "sqlalchemy/engine/__init__.py"),
        _dist("psycopg", "psycopg/__init__.py"),
        _dist("pymysql", "pymysql/__init__.py"),
        _dist(
            "python-json-logger", "pythonjsonlogger/__init__.py", "pythonjsonlogger/jsonlogger.py"
        ),
        _dist("redis", "redis/__init__.py"),
    ]
    analysis = _run(tmp_path, files, dists)

    assert analysis.judgement is not None
    verdicts: dict[str, Verdict] = {v.requirement.name: v for v in analysis.judgement.verdicts}
    assert {n: (v.status, v.confidence) for n, v in verdicts.items()} == {
        "sqlalchemy": ("used", None),
        "psycopg": ("configured", None),
        "pymysql": ("configured", None),
        "python-json-logger": ("configured", None),
        "redis": ("unused", "certain"),  # nothing names it: still found
    }
    assert verdicts["psycopg"].evidence[0].text == "database driver postgresql+psycopg"
    compose = verdicts["pymysql"].evidence[0]
    assert (compose.file.name if compose.file else "", compose.line) == ("docker-compose.yml", 4)
    assert verdicts["python-json-logger"].evidence[0].text == (
        "names pythonjsonlogger.jsonlogger.JsonFormatter"
    )


def test_largest_distributions__installer_tooling_named_as_such(tmp_path: Path) -> None:
    from depsize.report.largest import dist_rows

    files = {"main.py": "import requests\n", "requirements.txt": "requests\n"}
    dists = [_dist("requests", "requests/__init__.py"), _dist("pip", "pip/__init__.py")]
    analysis = _run(tmp_path, files, dists)

    rows = {
        row.name.split()[0]: row.pulled_in_by
        for row in dist_rows(analysis, {"requests": "requests"})
    }
    assert rows["pip"] == "nothing declared (installer tooling)"
    assert rows["requests"] == "requests (used)"
