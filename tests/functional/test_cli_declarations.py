"""Declarations read as people mean them, through the CLI on real site-packages: extras and
groups, dev files, one row per name (with ``check`` and ``trim``), evidence paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from depsize.cli import main
from depsize.units import human
from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages

DISTS = [
    DistSpec("webframe", files={"webframe/__init__.py": 1000}, requires=("netcore",)),
    DistSpec("netcore", files={"netcore/__init__.py": 2000}),
    DistSpec("oldclient", files={"oldclient/__init__.py": 3000}),
    DistSpec("reportlib", files={"reportlib/__init__.py": 1500}),
    DistSpec(
        "pytest",
        files={"pytest/__init__.py": 700},
        entry_points="[console_scripts]\npytest = pytest:console_main\n",
    ),
    DistSpec(
        "ruff",
        files={"ruff/__init__.py": 300},
        entry_points="[console_scripts]\nruff = ruff.__main__:main\n",
    ),
]


SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "schema.json").read_text())


def _env(tmp_path: Path) -> Path:
    return make_site_packages(tmp_path / "env", DISTS).prefix


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env={"DEPSIZE_PROGRESS": "0"})


def _scan(project: Path, env: Path, *extra: str) -> dict[str, Any]:
    result = _run("scan", project, "--env", env, "--no-cache", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    return data


def _rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in data["requirements"]}


EXTRA_MANIFESTS = {
    "pep621": (
        "pyproject.toml",
        '[project]\nname = "app"\nversion = "0"\ndependencies = ["webframe"]\n'
        '[project.optional-dependencies]\npdf = ["reportlib"]\npostgres = ["pgdriver"]\n',
        "extra",
    ),
    "setup.cfg": (
        "setup.cfg",
        "[metadata]\nname = app\n[options]\ninstall_requires =\n    webframe\n"
        "[options.extras_require]\npdf = reportlib\npostgres = pgdriver\n",
        "extra",
    ),
    "poetry": (
        "pyproject.toml",
        '[tool.poetry]\nname = "app"\n[tool.poetry.dependencies]\npython = "^3.10"\n'
        'webframe = "*"\nreportlib = { version = "*", optional = true }\n'
        'pgdriver = { version = "*", optional = true }\n'
        '[tool.poetry.extras]\npdf = ["reportlib"]\npostgres = ["pgdriver"]\n',
        "extra",
    ),
    "pep735": (
        "pyproject.toml",
        '[project]\nname = "app"\nversion = "0"\ndependencies = ["webframe"]\n'
        '[dependency-groups]\npdf = ["reportlib"]\npostgres = ["pgdriver"]\n',
        "group",
    ),
    "poetry-groups": (
        "pyproject.toml",
        '[tool.poetry]\nname = "app"\n[tool.poetry.dependencies]\nwebframe = "*"\n'
        '[tool.poetry.group.pdf.dependencies]\nreportlib = "*"\n'
        '[tool.poetry.group.postgres.dependencies]\npgdriver = "*"\n',
        "group",
    ),
}


@pytest.mark.parametrize("manifest", sorted(EXTRA_MANIFESTS))
def test_cli_scan__extra_imported_and_installed__judged_used_under_its_group(
    tmp_path: Path, manifest: str
) -> None:
    name, text, kind = EXTRA_MANIFESTS[manifest]
    project = write_files(
        tmp_path / "project",
        {
            name: text,
            "main.py": "import webframe\nimport reportlib\nimport pgdriver\n",
        },
    )
    data = _scan(project, _env(tmp_path))
    rows = _rows(data)
    assert set(rows) == {"webframe", "reportlib"}
    assert (rows["reportlib"]["status"], rows["reportlib"]["group"]) == ("used", "pdf")
    assert data["undeclared"] == []
    (elsewhere,) = data["declared_elsewhere"]
    assert elsewhere["module"] == "pgdriver"
    assert elsewhere["declared_in"] == [f"{kind} `postgres`"]
    assert elsewhere["installed"] is False
    assert elsewhere["evidence"][0]["file"] == "main.py"

    text_report = _run("scan", project, "--env", _env(tmp_path / "again"), "--no-cache")
    assert text_report.exit_code == 0, text_report.output
    assert (
        f"main.py:3: pgdriver (pgdriver) is declared in {kind} `postgres`, not installed"
        in text_report.stdout
    )
    assert "Imported but not declared" not in text_report.stdout


def test_cli_scan__extra_left_out_by_group__declared_elsewhere_not_undeclared(
    tmp_path: Path,
) -> None:
    project = write_files(
        tmp_path / "project",
        {
            "pyproject.toml": '[project]\nname = "app"\nversion = "0"\n'
            'dependencies = ["webframe"]\n[project.optional-dependencies]\npdf = ["reportlib"]\n',
            "main.py": "import webframe\nimport reportlib\n",
        },
    )
    data = _scan(project, _env(tmp_path), "--group", "main")
    assert set(_rows(data)) == {"webframe"}
    assert data["undeclared"] == []
    assert [
        (e["module"], e["declared_in"], e["installed"]) for e in data["declared_elsewhere"]
    ] == [("reportlib", ["extra `pdf`"], True)]


COOKIECUTTER = {
    "requirements/base.txt": "webframe==1.0\noldclient\n",
    "requirements/local.txt": "-r base.txt\n\n# Testing\npytest==8.3.3\nruff==0.7.1\n",
    "requirements/production.txt": "-r base.txt\n",
    "config/wsgi.py": "import webframe\n",
    "tests/test_app.py": "import pytest\nimport webframe\n",
    "Makefile": "lint:\n\truff check .\n",
}


def test_cli_scan__local_txt_includes_base_adds_pytest__dev_file_pytest_used(
    tmp_path: Path,
) -> None:
    project = write_files(tmp_path / "project", COOKIECUTTER)
    data = _scan(project, _env(tmp_path), "--entry", "config/wsgi.py")
    rows = _rows(data)
    assert (rows["pytest"]["group"], rows["pytest"]["status"]) == ("dev", "used")
    assert rows["pytest"]["evidence"][0]["file"] == "tests/test_app.py"
    assert (rows["ruff"]["group"], rows["ruff"]["status"]) == ("dev", "command")
    assert rows["webframe"]["group"] == "main"
    assert rows["oldclient"]["status"] == "unused"
    assert data["declarations"]["dev_files"] == [
        {"file": "requirements/local.txt", "reason": "includes base.txt and adds pytest, ruff"}
    ]

    text = _run("scan", project, "--env", _env(tmp_path / "again"), "--no-cache")
    assert "requirements/local.txt: a dev file (includes base.txt and adds pytest, ruff)" in (
        text.stdout
    )


DUPLICATE = {
    "requirements.txt": "webframe\noldclient==1.0\n",
    "pyproject.toml": '[project]\nname = "app"\nversion = "0"\ndependencies = [\n'
    '    "webframe",\n    "oldclient>=1",\n]\n',
    "main.py": "import webframe\n",
}


def test_cli_scan__name_in_requirements_and_pyproject__one_row_both_sources(
    tmp_path: Path,
) -> None:
    project = write_files(tmp_path / "project", DUPLICATE)
    data = _scan(project, _env(tmp_path))
    assert [r["name"] for r in data["requirements"]] == ["webframe", "oldclient"]
    row = _rows(data)["oldclient"]
    assert row["status"] == "unused"
    assert row["source"] == {"file": "requirements.txt", "line": 2, "end_line": 2}
    assert [(s["file"], s["line"], s["lock"]) for s in row["sources"]] == [
        ("requirements.txt", 2, False),
        ("pyproject.toml", 6, False),
    ]
    assert data["summary"]["declared"] == 2
    assert data["summary"]["statuses"] == {"used": 1, "unused": 1}

    text = _run("scan", project, "--env", _env(tmp_path / "again"), "--no-cache")
    assert (
        "requirements.txt:2: oldclient (also pyproject.toml:6) (unused): nothing imports it"
        in text.stdout
    )
    assert "2 declared · 1 unused" in text.stdout


def test_cli_check__name_declared_twice__counted_once_both_lines_listed(tmp_path: Path) -> None:
    project = write_files(tmp_path / "project", DUPLICATE)
    env = _env(tmp_path)
    failed = _run("check", project, "--env", env, "--no-cache", "--max-unused", "0")
    assert failed.exit_code == 1, failed.output
    assert "unused requirements (unused, dead-code-only): 1 > max 0" in failed.stdout
    assert "requirements.txt:2" in failed.stdout
    assert "pyproject.toml:6" in failed.stdout
    passed = _run("check", project, "--env", env, "--no-cache", "--max-unused", "1")
    assert passed.exit_code == 0, passed.output


def test_cli_trim__name_declared_twice__both_lines_removed_and_reparsed(tmp_path: Path) -> None:
    project = write_files(tmp_path / "project", DUPLICATE)
    built = make_site_packages(tmp_path / "env", DISTS)
    result = _run("trim", project, "--env", built.prefix, "--no-cache", "--in-place")
    assert result.exit_code == 0, result.output
    frees = human(built.own("oldclient"))  # nothing else needs it: it frees its own bytes
    assert (project / "requirements.txt").read_text() == (
        f'webframe\n# depsize: removed "oldclient==1.0" (unused, frees {frees})\n'
    )
    assert (project / "pyproject.toml").read_text() == (
        '[project]\nname = "app"\nversion = "0"\ndependencies = [\n    "webframe",\n'
        f'    # depsize: removed "oldclient>=1" (unused, frees {frees})\n]\n'
    )
    assert "declared requirements: 2 -> 1" in result.stderr

    again = _scan(project, _env(tmp_path / "again"))
    assert [(r["name"], r["status"]) for r in again["requirements"]] == [("webframe", "used")]


def test_cli_trim__runtime_and_dev_lines_tests_import__dev_line_kept(tmp_path: Path) -> None:
    project = write_files(
        tmp_path / "project",
        {
            "requirements.txt": "webframe\noldclient\n",
            "requirements-dev.txt": "oldclient\n",
            "main.py": "import webframe\n",
            "legacy.py": "import oldclient\n",
            "tests/test_legacy.py": "import oldclient\n",
        },
    )
    data = _scan(project, _env(tmp_path))
    row = _rows(data)["oldclient"]
    assert row["status"] == "dead-code-only"
    assert [s["file"] for s in row["sources"]] == ["requirements.txt", "requirements-dev.txt"]
    result = _run("trim", project, "--env", _env(tmp_path / "again"), "--no-cache")
    assert result.exit_code == 0, result.output
    assert "-oldclient" in result.stdout
    assert "a/requirements-dev.txt" not in result.stdout
    assert "requirements-dev.txt:1: oldclient kept in group dev: tests import it" in result.stderr


def test_cli_scan__project_named_in_its_own_extra_and_editable__never_judged(
    tmp_path: Path,
) -> None:
    project = write_files(
        tmp_path / "project",
        {
            "pyproject.toml": '[project]\nname = "App"\nversion = "0"\n'
            'dependencies = ["webframe"]\n[project.optional-dependencies]\n'
            'all = ["app[pdf]"]\npdf = ["reportlib"]\n',
            "requirements.txt": "-e .\nwebframe\n",
            "app/__init__.py": "import webframe\n",
            "main.py": "import app\nimport reportlib\n",
        },
    )
    specs = [
        *DISTS,
        DistSpec(
            "app",
            files={"__editable__.app-0.pth": 40},
            direct_url={"url": project.as_uri(), "dir_info": {"editable": True}},
        ),
    ]
    env = make_site_packages(tmp_path / "env", specs).prefix
    data = _scan(project, env)
    assert {r["name"]: r["status"] for r in data["requirements"]} == {
        "webframe": "used",
        "reportlib": "used",
    }
    assert data["declarations"]["project_itself"] == [
        {"file": "requirements.txt", "line": 1, "raw": "-e ."},
        {"file": "pyproject.toml", "line": 6, "raw": '"app[pdf]"'},
    ]
    trimmed = _run("trim", project, "--env", env, "--no-cache")
    assert trimmed.exit_code == 0, trimmed.output
    assert "nothing to change" in trimmed.stderr
