"""A tool the project only configures, run by a plugin it uses: the plugin's requirement brings it,
so its own line is ``transitive-only``; the plugin's host, and a tool the project runs, stay
``command``."""

from __future__ import annotations

from pathlib import Path

from depsize.analyze import Settings, analyze
from depsize.verdicts import Verdict
from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages

PYTEST_COV_PLUGIN = b"""def pytest_addoption(parser):
    group = parser.getgroup("cov")
    group.addoption("--cov", action="append")
"""


def _tool(name: str, module: str, *, requires: tuple[str, ...] = ()) -> DistSpec:
    return DistSpec(
        name,
        files={f"{module}/__init__.py": 10, f"../../../bin/{name}": 10},
        entry_points=f"[console_scripts]\n{name} = {module}:main\n",
        requires=requires,
    )


DISTS = [
    _tool("pytest", "pytest"),
    _tool("coverage", "coverage"),
    _tool("mypy", "mypy"),
    _tool("ruff", "ruff"),
    DistSpec(
        "pytest-cov",
        files={"pytest_cov/__init__.py": 10},
        contents={"pytest_cov/plugin.py": PYTEST_COV_PLUGIN},
        entry_points="[pytest11]\npytest_cov = pytest_cov.plugin\n",
        requires=("pytest", "coverage"),
    ),
    DistSpec(
        "pytest-ruff",
        files={"pytest_ruff/__init__.py": 10},
        entry_points="[pytest11]\nruff = pytest_ruff\n",
        requires=("pytest", "ruff"),
    ),
]

TOX_INI = """[pytest]
addopts = --cov=app

[coverage:run]
branch = true

[mypy]
strict = true
"""


def test_verdicts__configured_tool_a_used_plugin_runs__transitive_only(tmp_path: Path) -> None:
    env = make_site_packages(tmp_path / "env", DISTS).prefix
    project = write_files(
        tmp_path / "project",
        {
            "requirements.txt": "pytest\npytest-cov\ncoverage\nmypy\n",
            "tox.ini": TOX_INI,
            "app.py": "x = 1\n",
        },
    )

    analysis = analyze(Settings(project=project, env_dir=env, use_cache=False))

    assert analysis.judgement is not None
    verdicts: dict[str, Verdict] = {v.requirement.name: v for v in analysis.judgement.verdicts}
    seen = {name: (v.status, v.confidence) for name, v in verdicts.items()}
    assert seen == {
        "pytest": ("command", None),  # the host pytest-cov plugs into: the project runs it
        "pytest-cov": ("plugin", None),
        "coverage": ("transitive-only", "certain"),  # pytest-cov runs it, and requires it
        "mypy": ("command", None),  # configured, and no plugin requires it
    }
    assert verdicts["coverage"].required_by == ("pytest-cov",)


def test_verdicts__configured_tool_the_project_also_runs__command(tmp_path: Path) -> None:
    env = make_site_packages(tmp_path / "env", DISTS).prefix
    project = write_files(
        tmp_path / "project",
        {
            "requirements.txt": "pytest\npytest-cov\ncoverage\n",
            "tox.ini": TOX_INI + "\n[testenv]\ncommands = coverage report\n",
            "app.py": "x = 1\n",
        },
    )

    analysis = analyze(Settings(project=project, env_dir=env, use_cache=False))

    assert analysis.judgement is not None
    coverage = next(v for v in analysis.judgement.verdicts if v.requirement.name == "coverage")
    assert coverage.status == "command"
    assert any(e.text == "coverage report" for e in coverage.evidence)
