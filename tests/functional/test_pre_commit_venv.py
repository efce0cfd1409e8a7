"""The shipped pre-commit hook, run for real: `pre-commit run --all-files` with the hook taken
from a local clone of this repository measures the project's .venv, never the hook's own env."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import build_venv, clean_environ

pytestmark = pytest.mark.venv

ROOT = Path(__file__).resolve().parents[2]


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=_env(cwd)
    )
    return done.stdout.strip()


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in clean_environ().items() if k not in {"VIRTUAL_ENV", "CONDA_PREFIX"}}
    env.update(
        {
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "PRE_COMMIT_HOME": str(home / "pre-commit-home"),
        }
    )
    return env


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of depsize")
    target = tmp_path_factory.mktemp("depsize-clone") / "depsize"
    _git("clone", "--quiet", str(ROOT), str(target), cwd=ROOT)
    return target, _git("rev-parse", "HEAD", cwd=target)


def test_pre_commit_hook__run_for_real__refuses_own_env_then_measures_project_venv(
    tmp_path: Path, clone: tuple[Path, str]
) -> None:
    repo, rev = clone
    tools = build_venv(Path(sys.executable), tmp_path / "tools", ("pre-commit==4.7.0",))
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("six==1.16.0\n")
    (project / "app.py").write_text("import six\n")
    (project / ".gitignore").write_text(".venv/\n")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n"
        '      - id: depsize-check\n        args: ["--max-total", "500MB"]\n'
    )
    _git("init", "--quiet", cwd=project)
    _git("add", ".", cwd=project)
    _git("commit", "--quiet", "-m", "init", cwd=project)
    pre_commit = [str(tools.prefix / "bin" / "pre-commit"), "run", "--all-files"]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            pre_commit,
            cwd=project,
            capture_output=True,
            text=True,
            env=_env(tmp_path),
            timeout=900,
            check=False,
        )

    refused = run()
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "the environment depsize itself runs in: not measured" in refused.stdout
    assert "no environment of the project found" in refused.stdout

    build_venv(Path(sys.executable), project / ".venv", ("six==1.16.0",))
    measured = run()
    assert measured.returncode == 0, measured.stdout + measured.stderr
    assert "depsize check....." in measured.stdout
    assert "Passed" in measured.stdout
    assert "ok   total size" not in measured.stdout  # pre-commit shows a passing hook's output
    verbose = subprocess.run(
        [*pre_commit, "--verbose"],
        cwd=project,
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=900,
        check=False,
    )
    assert verbose.returncode == 0, verbose.stdout
    assert "measured .venv (Python " in verbose.stdout
    assert "found by the project's .venv)" in verbose.stdout
