"""Development tools: configured or run, in the project or up to the repository root."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import NormalizedName

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.imports.commands import read_commands
from depsize.imports.devtools import tool_configs
from depsize.imports.repo import config_entries, config_folders, repository_root
from depsize.join.model import EnvUses
from depsize.models import InstalledDist
from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages

from .helpers import uses_of


def _tool(name: str, script: str | None = None) -> DistSpec:
    module = name.replace("-", "_")
    script = script or name
    return DistSpec(
        name,
        files={f"{module}/__init__.py": 10, f"../../../bin/{script}": 20},
        entry_points=f"[console_scripts]\n{script} = {module}:main\n",
    )


TOOLS = [
    _tool("ruff"),
    _tool("pre-commit"),
    _tool("mypy"),
    _tool("flake8"),
    _tool("coverage"),
    _tool("tox"),
    _tool("nox"),
    _tool("bump-my-version", "bumpversion"),
    DistSpec("setuptools", files={"setuptools/__init__.py": 10}),
]


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[NormalizedName, InstalledDist]:
    built = make_site_packages(tmp_path_factory.mktemp("tools"), TOOLS)
    return scan_env(from_prefix(built.prefix, how="test")).dists


def _commands(result: EnvUses, base: Path) -> set[tuple[str, str, int]]:
    return {(c.dist, c.file.relative_to(base).as_posix(), c.line) for c in result.commands}


def test_config_folders__project_below_git_root__project_then_each_parent_up_to_root(
    tmp_path: Path,
) -> None:
    project = tmp_path / "repo" / "services" / "backend"
    project.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()

    assert repository_root(project) == tmp_path / "repo"
    assert config_folders(project) == (
        project,
        tmp_path / "repo" / "services",
        tmp_path / "repo",
    )


def test_config_folders__no_git_above__project_only(tmp_path: Path) -> None:
    project = tmp_path / "a" / "b"
    project.mkdir(parents=True)
    (tmp_path / "a" / ".pre-commit-config.yaml").write_text("repos: []\n")

    assert config_folders(project) == (project,)


def test_analyze_imports__pre_commit_config_at_repository_root__pre_commit_is_a_command(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    repo = write_files(
        tmp_path / "repo",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/pre-commit/mirrors-mypy\n"
            "    rev: v1.0\n    hooks:\n      - id: mypy\n",
            "backend/app.py": "print(1)\n",
        },
    )

    result = uses_of(repo / "backend", dists, (3, 11))

    assert _commands(result, repo) == {
        ("pre-commit", ".pre-commit-config.yaml", 1),
        ("mypy", ".pre-commit-config.yaml", 5),
    }


def test_analyze_imports__same_config_without_git__not_looked_for_above(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    repo = write_files(
        tmp_path / "repo",
        {".pre-commit-config.yaml": "repos: []\n", "backend/app.py": "print(1)\n"},
    )

    result = uses_of(repo / "backend", dists, (3, 11))

    assert result.commands == ()


def test_analyze_imports__workflow_at_repository_root_runs_lint__command_with_that_line(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    repo = write_files(
        tmp_path / "repo",
        {
            ".git": "gitdir: /elsewhere/worktrees/x\n",
            ".github/workflows/ci.yml": "jobs:\n  lint:\n    steps:\n"
            "      - run: ruff check backend\n",
            "backend/pyproject.toml": '[project]\nname = "backend"\n',
            "backend/app.py": "print(1)\n",
            "frontend/Makefile": "lint:\n\tflake8 .\n",
        },
    )

    result = uses_of(repo / "backend", dists, (3, 11))

    # a sibling project's Makefile is not the backend's
    assert _commands(result, repo) == {("ruff", ".github/workflows/ci.yml", 4)}


def test_analyze_imports__tool_sections_and_files__each_a_command_with_its_line(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(
        tmp_path / "proj",
        {
            "pyproject.toml": '[project]\nname = "p"\n\n[tool.ruff.lint]\nselect = ["E"]\n\n'
            "[tool.setuptools]\npackages = []\n\n[tool.bumpversion]\ncurrent_version = '1'\n",
            "setup.cfg": "[metadata]\nname = p\n\n[coverage:run]\nbranch = true\n",
            ".flake8": "[flake8]\nmax-line-length = 100\n",
            "tox.ini": "[tox]\nenvlist = py3\n",
            "noxfile.py": "import nox\n",
        },
    )

    found = _commands(uses_of(root, dists, (3, 11)), root)

    assert found >= {
        ("ruff", "pyproject.toml", 4),
        ("bump-my-version", "pyproject.toml", 10),
        ("coverage", "setup.cfg", 4),
        ("flake8", ".flake8", 1),
        ("tox", "tox.ini", 1),
        ("nox", "noxfile.py", 1),
    }
    # setuptools installs no command: [tool.setuptools] configures a build, not a tool
    assert not [c for c in found if c[0] == "setuptools"]


@pytest.mark.parametrize(
    ("name", "tools"),
    [
        ("mypy.ini", ("mypy",)),
        (".mypy.ini", ("mypy",)),
        (".ruff.toml", ("ruff",)),
        (".pylintrc", ("pylint",)),
        ("pylintrc", ("pylint",)),
        (".coveragerc", ("coverage",)),
        (".isort.cfg", ("isort",)),
        (".pre-commit-config.yaml", ("pre-commit", "prek")),
        ("pyrightconfig.json", ("pyright", "basedpyright")),
        ("README.md", None),
        ("requirements.txt", None),
        ("setup.cfg", None),
    ],
)
def test_tool_configs__file_names__name_the_tool(
    tmp_path: Path, name: str, tools: tuple[str, ...] | None
) -> None:
    (tmp_path / name).write_text("[x]\n", encoding="utf-8")

    found = [c.names for c in tool_configs((tmp_path,)) if c.what == name]

    assert found == ([tools] if tools else [])


def test_tool_configs__pre_commit_hooks__id_and_repository_name(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        "  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
        "    hooks:\n"
        "      - id: ruff-format\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: types\n"
        "        entry: mypy src\n",
        encoding="utf-8",
    )

    hooks = [(c.names, c.line) for c in tool_configs((tmp_path,)) if c.what.startswith("pre")]

    assert hooks == [(("ruff-format", "ruff"), 4), (("types",), 7)]
    assert [c.argv for c in read_commands(tmp_path / ".pre-commit-config.yaml")] == [
        ("mypy", "src")
    ]


def test_read_commands__tox_and_nox__one_command_per_line(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").write_text(
        "[testenv]\ndeps = x\ncommands =\n    pytest --cov {posargs}\n    mypy src\n"
        "[testenv:lint]\ncommands = ruff check .\n",
        encoding="utf-8",
    )
    (tmp_path / "noxfile.py").write_text(
        'import nox\n\n\n@nox.session\ndef t(session):\n    session.run("pytest", "-p", "xdist")\n',
        encoding="utf-8",
    )

    tox = [(c.argv[0], c.line) for c in read_commands(tmp_path / "tox.ini")]
    nox = [(c.argv, c.line) for c in read_commands(tmp_path / "noxfile.py")]

    assert tox == [("pytest", 4), ("mypy", 5), ("ruff", 7)]
    assert nox == [(("pytest", "-p", "xdist"), 6)]


def test_config_entries__ini_and_toml__values_joined_across_lines(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(
        "[tool:pytest]\naddopts =\n    --cov\n    -p randomly\n; note\n[flake8]\nselect: B9\n",
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = [\n  "-p",\n  "xdist",\n]\nmarkers = []\n',
        encoding="utf-8",
    )

    ini = [(e.section, e.key, e.value, e.line) for e in config_entries(tmp_path / "setup.cfg")]
    toml = [(e.key, e.value, e.line) for e in config_entries(tmp_path / "pyproject.toml")]

    assert ini == [
        ("tool:pytest", "addopts", " --cov -p randomly", 2),
        ("flake8", "select", "B9", 7),
    ]
    assert toml == [("addopts", '[ "-p", "xdist", ]', 2), ("markers", "[]", 6)]
