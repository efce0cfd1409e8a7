"""End to end: pytest plugins, type stubs and development tools judged in real environments.

One real venv (``python -m venv`` + pip from PyPI) holds real releases: pytest plugins that offer
fixtures (pyfakefs, pytest-subprocess), one named by ``-p`` (pytest-xdist), one that only hooks in
(pytest-sugar), a runtime library whose wheel ships a pytest plugin (platformdirs), and the stubs
types-requests and types-toml. The repository-root tests use a real site-packages written by
``support.site_packages``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from depsize.analyze import Settings, analyze
from depsize.cli import main
from depsize.verdicts import Verdict
from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages

from .conftest import RealVenv, build_venv

PACKAGES = (
    "requests==2.32.3",
    "platformdirs==4.14.8",
    "pytest==8.3.4",
    "pyfakefs==6.3.2",
    "pytest-subprocess==1.6.0",
    "pytest-xdist==3.8.0",
    "pytest-sugar==1.1.1",
    "types-requests==2.33.0.20261030",
    "types-toml==0.10.8.20260518",
)

PROJECT = {
    "requirements.txt": "requests\nplatformdirs\n",
    "requirements-dev.txt": (
        "pytest\npyfakefs\npytest-subprocess\npytest-xdist\npytest-sugar\n"
        "types-requests\ntypes-toml\n"
    ),
    "pyproject.toml": (
        '[project]\nname = "svc"\nversion = "1"\n\n'
        '[tool.pytest.ini_options]\naddopts = "-ra -p xdist"\n\n'
        "[tool.mypy]\nstrict = true\n"
    ),
    "app.py": "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n",
    "tests/test_app.py": (
        "import os\n\n\ndef test_fetch_writes_nothing(fs):\n    assert not os.listdir('/')\n"
    ),
}


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory: pytest.TempPathFactory) -> RealVenv:
    return build_venv(Path(sys.executable), tmp_path_factory.mktemp("plugins") / "venv", PACKAGES)


@pytest.fixture(scope="module")
def verdicts(plugin_venv: RealVenv, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    project = write_files(tmp_path_factory.mktemp("svc") / "svc", PROJECT)
    analysis = analyze(Settings(project=project, env_dir=plugin_venv.prefix, use_cache=False))
    assert analysis.judgement is not None
    return {v.requirement.name: v for v in analysis.judgement.verdicts}


def _where(verdict: Verdict) -> list[tuple[str, int | None]]:
    return [(e.file.name, e.line) for e in verdict.evidence if e.file is not None]


@pytest.mark.venv
def test_scan__real_stubs__imported_module_types_unimported_one_unused(
    verdicts: dict[str, Verdict],
) -> None:
    requests_stubs, toml_stubs = verdicts["types-requests"], verdicts["types-toml"]

    assert requests_stubs.status == "types"
    assert _where(requests_stubs) == [("app.py", 1), ("pyproject.toml", 8)]
    assert (toml_stubs.status, toml_stubs.confidence) == ("unused", "certain")


@pytest.mark.venv
def test_scan__real_pytest_plugins__proof_by_fixture_and_dash_p_unused_one_removable(
    verdicts: dict[str, Verdict],
) -> None:
    fakefs, xdist, subprocess = (
        verdicts["pyfakefs"],
        verdicts["pytest-xdist"],
        verdicts["pytest-subprocess"],
    )

    assert fakefs.status == "plugin"
    assert (fakefs.evidence[0].text, _where(fakefs)) == ("fixture fs", [("test_app.py", 4)])
    assert xdist.status == "plugin"
    assert (xdist.evidence[0].text, _where(xdist)) == ("-p xdist", [("pyproject.toml", 6)])
    assert (subprocess.status, subprocess.confidence) == ("unused", "certain")


@pytest.mark.venv
def test_scan__real_hooks_only_plugin__plugin_acting_on_install(
    verdicts: dict[str, Verdict],
) -> None:
    sugar = verdicts["pytest-sugar"]

    assert sugar.status == "plugin"
    assert sugar.evidence[0].text == (
        "pytest plugin that acts on install: hooks only, no fixtures or markers to use"
    )


@pytest.mark.venv
def test_scan__runtime_library_shipping_a_pytest_plugin__not_a_plugin(
    verdicts: dict[str, Verdict], plugin_venv: RealVenv
) -> None:
    entry_points = next(plugin_venv.site_packages.glob("platformdirs-*.dist-info"))
    assert "[pytest11]" in (entry_points / "entry_points.txt").read_text(encoding="utf-8")

    platformdirs = verdicts["platformdirs"]

    assert (platformdirs.status, platformdirs.confidence) == ("unused", "certain")
    assert verdicts["requests"].status == "used"
    assert verdicts["pytest"].status == "command"  # configured by [tool.pytest.ini_options]


# --- the repository root above the project ----------------------------------------------------


def _tool(name: str) -> DistSpec:
    module = name.replace("-", "_")
    return DistSpec(
        name,
        files={f"{module}/__init__.py": 100, f"../../../bin/{name}": 50},
        entry_points=f"[console_scripts]\n{name} = {module}:main\n",
    )


def _scan_json(project: Path, env: Path) -> dict[str, Any]:
    args = ["scan", str(project), "--env", str(env), "--no-cache", "--format", "json"]
    result = CliRunner().invoke(main, args, env={"DEPSIZE_PROGRESS": "0"})
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_scan__pre_commit_at_repository_root__command_with_root_evidence(tmp_path: Path) -> None:
    built = make_site_packages(tmp_path, [_tool("pre-commit"), _tool("black")])
    repo = write_files(
        tmp_path / "repo",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/psf/black\n"
            "    rev: 24.1.0\n    hooks:\n      - id: black\n",
            "backend/requirements.txt": "pre-commit\nblack\n",
            "backend/app.py": "print('hi')\n",
        },
    )

    data = _scan_json(repo / "backend", built.prefix)

    found = {r["name"]: r for r in data["requirements"]}
    assert found["pre-commit"]["status"] == "command"
    assert found["pre-commit"]["evidence"][0]["line"] == 1
    assert found["pre-commit"]["evidence"][0]["file"] == "../.pre-commit-config.yaml"
    assert found["black"]["status"] == "command"
    assert found["black"]["evidence"][0]["text"] == "configured by pre-commit hook black"


def test_scan__workspace_member_linted_by_root_workflow__command(tmp_path: Path) -> None:
    built = make_site_packages(tmp_path, [_tool("ruff"), _tool("isort")])
    repo = write_files(
        tmp_path / "repo",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            ".github/workflows/ci.yml": "jobs:\n  lint:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: ruff check packages/api\n",
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            "packages/api/pyproject.toml": '[project]\nname = "api"\nversion = "1"\n'
            'dependencies = []\n\n[dependency-groups]\ndev = ["ruff", "isort"]\n',
            "packages/api/api/__init__.py": "",
        },
    )

    data = _scan_json(repo / "packages" / "api", built.prefix)

    found = {r["name"]: r for r in data["requirements"]}
    assert found["ruff"]["status"] == "command"
    assert found["ruff"]["evidence"][0]["text"] == "ruff check packages/api"
    assert found["ruff"]["evidence"][0]["line"] == 5
    # nothing configures or runs isort, up to the repository root
    assert found["isort"]["status"] == "unused"


@pytest.mark.venv
def test_cli_scan__plugin_acting_on_install__evidence_shown_from_site_packages(
    plugin_venv: RealVenv, tmp_path: Path
) -> None:
    project = write_files(tmp_path / "svc", PROJECT)
    module = plugin_venv.site_packages / "pytest_sugar.py"
    assert module.is_file()

    data = _scan_json(project, plugin_venv.prefix)

    sugar = next(r for r in data["requirements"] if r["name"] == "pytest-sugar")
    assert sugar["evidence"][0]["file"] == "site-packages/pytest_sugar.py"
    text = CliRunner().invoke(
        main, ["scan", str(project), "--env", str(plugin_venv.prefix), "--no-cache"]
    )
    assert (
        "requirements-dev.txt:5: pytest-sugar (plugin): used as a plugin — "
        "site-packages/pytest_sugar.py" in (text.stdout)
    )
