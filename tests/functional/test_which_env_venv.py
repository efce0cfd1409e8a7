"""Which environment is measured, through the real CLI in real venvs, as a new user meets it.

depsize runs as a command (its console script, from the environment running these tests: a
tool installed in its own venv, like a pre-commit hook's), in a project folder, with the
``$VIRTUAL_ENV`` each case sets.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import build_venv, clean_environ

pytestmark = pytest.mark.venv

DEPSIZE = Path(sys.executable).parent / "depsize"
OWN_PREFIX = Path(sys.prefix)


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str


def _depsize(args: list[str], cwd: Path, virtual_env: Path | None, **extra: str) -> Done:
    env = {k: v for k, v in clean_environ().items() if k not in {"VIRTUAL_ENV", "CONDA_PREFIX"}}
    if virtual_env is not None:
        env["VIRTUAL_ENV"] = str(virtual_env)
    env.update(extra)
    done = subprocess.run(
        [str(DEPSIZE), *args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Done(done.returncode, done.stdout, done.stderr)


def _write_project(root: Path, requirements: str) -> Path:
    (root / "src" / "app").mkdir(parents=True)
    (root / "requirements.txt").write_text(requirements)
    (root / "app.py").write_text("import six\n\nprint(six.PY3)\n")
    (root / "src" / "app" / "__init__.py").write_text("")
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with its own .venv (six installed), which tests do not change."""
    root = _write_project(tmp_path_factory.mktemp("which-env") / "proj", "six==1.16.0\n")
    build_venv(Path(sys.executable), root / ".venv", ("six==1.16.0",))
    return root


@pytest.fixture(scope="module")
def other_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another project's venv, left active: idna only."""
    prefix = tmp_path_factory.mktemp("other-project") / ".venv"
    build_venv(Path(sys.executable), prefix, ("idna==3.10",))
    return prefix


def _python_of(prefix: Path) -> str:
    cfg = (prefix / "pyvenv.cfg").read_text()
    line = next(x for x in cfg.splitlines() if x.startswith(("version_info", "version ")))
    return ".".join(line.split("=")[1].strip().split(".")[:3])


def _json(done: Done) -> dict[str, Any]:
    assert done.code == 0, done.err
    data: dict[str, Any] = json.loads(done.out)
    return data


def test_cli_check__only_depsizes_own_env__exit_2_naming_where_it_looked(tmp_path: Path) -> None:
    bare = _write_project(tmp_path / "bare", "six==1.16.0\n")
    done = _depsize(["check", "--max-total", "1GB"], bare, OWN_PREFIX)
    assert done.code == 2, done.out + done.err
    assert done.out == ""
    assert f"$VIRTUAL_ENV={OWN_PREFIX} (the environment depsize itself runs in" in done.err
    assert f".venv, venv, env folders with a pyvenv.cfg in {bare}" in done.err
    assert "--python python3" in done.err
    assert "Traceback" not in done.err


def test_cli_scan__no_env_at_all__exit_2_no_python3_fallback(tmp_path: Path) -> None:
    bare = _write_project(tmp_path / "bare", "six==1.16.0\n")
    done = _depsize(["scan"], bare, None)
    assert done.code == 2, done.out
    assert "$VIRTUAL_ENV (not set)" in done.err
    assert done.out == ""


def test_cli_scan__explicit_python3__still_measures_it(tmp_path: Path) -> None:
    bare = _write_project(tmp_path / "bare", "six==1.16.0\n")
    path = f"{OWN_PREFIX / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    data = _json(
        _depsize(["scan", "--python", "python3", "--format", "json"], bare, None, PATH=path)
    )
    assert Path(data["env"]["path"]).resolve() == OWN_PREFIX.resolve()
    assert data["env"]["found_by"].startswith("--python ")


def test_cli_check__project_venv_with_own_env_active__measures_and_says_it(
    project: Path,
) -> None:
    done = _depsize(["check", "--max-total", "500MB"], project, OWN_PREFIX)
    assert done.code == 0, done.out + done.err
    version = _python_of(project / ".venv")
    verdict = done.out.splitlines()[-1]
    assert verdict == (
        "depsize check: all 1 budgets met; "
        f"measured .venv (Python {version}, found by the project's .venv)"
    )


def test_cli_scan__table_and_markdown__first_line_says_what_was_measured(project: Path) -> None:
    version = _python_of(project / ".venv")
    table = _depsize(["scan"], project, OWN_PREFIX)
    assert table.code == 0, table.err
    assert table.out.splitlines()[0] == (
        f"depsize · .venv · Python {version} · found by the project's .venv"
    )
    markdown = _depsize(["scan", "--format", "markdown"], project, OWN_PREFIX)
    assert f"<sub>.venv · Python {version} · found by the project's .venv</sub>" in markdown.out


def test_cli_scan__venv_as_the_argument__taken_as_env(project: Path) -> None:
    done = _depsize(["scan", ".venv", "--format", "json"], project, None)
    data = _json(done)
    assert data["env"]["path"] == ".venv"
    assert data["env"]["found_by"] == "--env"
    assert data["project"] == "."
    assert [r["name"] for r in data["requirements"]] == ["six"]
    assert data["requirements"][0]["status"] == "used"
    assert "depsize: note: .venv is an environment: measuring it" in done.err


def test_cli_scan__unrelated_virtual_env__project_venv_wins_with_a_note(
    project: Path, other_venv: Path
) -> None:
    done = _depsize(["scan", "--format", "json"], project, other_venv)
    data = _json(done)
    assert data["env"]["path"] == ".venv"
    assert data["requirements"][0]["status"] == "used"
    note = f"$VIRTUAL_ENV={other_venv} lies outside the project; measured the project's own"
    assert data["env"]["note"].startswith(note)
    table = _depsize(["scan"], project, other_venv)
    assert table.out.splitlines()[1].startswith("Note: $VIRTUAL_ENV=")
    assert f"Note: {note}" in " ".join(table.out.split())


def test_cli_scan__from_a_subfolder__walks_up_to_the_project(project: Path) -> None:
    done = _depsize(["scan", "--format", "json"], project / "src" / "app", None)
    data = _json(done)
    assert Path(data["project"]) == project.resolve()
    assert Path(data["env"]["path"]) == project.resolve() / ".venv"
    assert data["requirements"][0]["status"] == "used"
    assert f"project root {project.resolve()} (the nearest folder above" in done.err
    assert "with requirements.txt" in done.err


def test_cli_check__most_requirements_not_installed__exit_2_wrong_env(
    tmp_path: Path, project: Path
) -> None:
    wrong = _write_project(tmp_path / "wrong", "six==1.16.0\nflask\ndjango\nnumpy\n")
    (wrong / ".venv").symlink_to(project / ".venv")
    done = _depsize(["check", "--max-total", "1GB"], wrong, None)
    assert done.code == 2, done.out + done.err
    assert "probably the wrong environment: 3 of 4 declared requirements" in done.err
    assert "django, flask, numpy" in done.err
    assert "ok " not in done.out
    scan = _depsize(["scan", "--format", "json"], wrong, None)
    data = _json(scan)
    assert "depsize: WARNING: probably the wrong environment" in scan.err
    assert any(n.startswith("probably the wrong environment") for n in data["notes"])


def test_cli_check__half_not_installed__not_called_wrong(tmp_path: Path, project: Path) -> None:
    half = _write_project(tmp_path / "half", "six==1.16.0\nflask\n")
    (half / ".venv").symlink_to(project / ".venv")
    done = _depsize(["check", "--max-total", "1GB"], half, None)
    assert done.code == 0, done.err
    assert "wrong environment" not in done.err


def test_cli_check__dev_group_missing_in_a_deploy_env__not_called_wrong(
    tmp_path: Path, project: Path
) -> None:
    deploy = _write_project(tmp_path / "deploy", "six==1.16.0\n")
    (deploy / "requirements-dev.txt").write_text("pytest\nruff\nmypy\n")
    (deploy / ".venv").symlink_to(project / ".venv")
    done = _depsize(["check", "--max-total", "1GB"], deploy, None)
    assert done.code == 0, done.err
    assert "wrong environment" not in done.err


def test_cli_scan__group_typo__exit_2_listing_the_groups(project: Path) -> None:
    done = _depsize(["scan", "--group", "mian"], project, None)
    assert done.code == 2, done.out
    assert done.err.strip() == ("depsize: error: unknown group 'mian'; this project declares: main")


def test_cli_scan__ignore_status_typo__exit_2_listing_the_statuses(
    tmp_path: Path, project: Path
) -> None:
    typo = _write_project(tmp_path / "typo", "six==1.16.0\n")
    (typo / ".venv").symlink_to(project / ".venv")
    (typo / "pyproject.toml").write_text('[tool.depsize]\nignore = {unsed = ["six"]}\n')
    done = _depsize(["scan"], typo, None)
    assert done.code == 2, done.out
    assert "ignore: unknown status 'unsed'; valid: " in done.err
    assert "unused" in done.err.split("valid: ")[1]


def test_cli_scan__output_into_a_missing_folder__exit_2_naming_it(project: Path) -> None:
    done = _depsize(["scan", "--format", "json", "-o", "nowhere/report.json"], project, None)
    assert done.code == 2, done.err
    assert done.err.strip() == (
        "depsize: error: nowhere/report.json: cannot write the report: "
        "the folder nowhere does not exist"
    )


def test_cli_diff__report_row_without_status__exit_2(project: Path, tmp_path: Path) -> None:
    report = tmp_path / "before.json"
    assert _depsize(["scan", "--format", "json", "-o", str(report)], project, None).code == 0
    data = json.loads(report.read_text())
    del data["requirements"][0]["status"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    done = _depsize(["diff", str(report), str(broken)], project, None)
    assert done.code == 2, done.err
    assert f"{broken}: report: requirements[0].status is missing; expected a JSON" in done.err
    assert "bug" not in done.err


def test_cli__dash_h__is_help(project: Path) -> None:
    for args in (["-h"], ["scan", "-h"], ["check", "-h"]):
        done = _depsize(args, project, None)
        assert done.code == 0, done.err
        assert "Usage: depsize" in done.out
        assert "-h, --help" in done.out


def test_cli_scan__ctrl_c__exits_130_without_traceback(tmp_path: Path, project: Path) -> None:
    big = _write_project(tmp_path / "big", "six==1.16.0\n")
    (big / ".venv").symlink_to(project / ".venv")
    body = "".join(
        f"import six\nimport os.path as p{i}\n\ndef f{i}(x):\n    return x\n" for i in range(40)
    )
    for n in range(6000):
        (big / "src" / "app" / f"m{n}.py").write_text(body)
    env = {k: v for k, v in clean_environ().items() if k != "VIRTUAL_ENV"}
    env["DEPSIZE_JOBS"] = "1"
    child = subprocess.Popen(
        [str(DEPSIZE), "scan", "--no-cache"],
        cwd=big,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    assert child.poll() is None, "the scan ended before it could be interrupted"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 130, err
    assert err.strip().splitlines()[-1] == "depsize: interrupted"
    assert "Traceback" not in err
    assert out == ""


@pytest.fixture(scope="module")
def installed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pyproject project installed editable into its own .venv, next to pip and setuptools."""
    root = tmp_path_factory.mktemp("installed") / "proj"
    (root / "whichenv_app").mkdir(parents=True)
    (root / "whichenv_app" / "__init__.py").write_text("import six\n")
    (root / "whichenv_app" / "__main__.py").write_text("import whichenv_app\n")
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "whichenv-app"\nversion = "0.1"\ndependencies = ["six==1.16.0"]\n'
    )
    venv = build_venv(
        Path(sys.executable), root / ".venv", ("six==1.16.0", "setuptools==75.1.0", "wheel==0.44.0")
    )
    subprocess.run(
        [str(venv.python), "-m", "pip", "install", "-q", "--no-build-isolation", "-e", str(root)],
        check=True,
        capture_output=True,
        env=clean_environ(),
    )
    return root


def test_cli_scan__pip_setuptools_and_the_project__shown_apart_not_extraneous(
    installed_project: Path,
) -> None:
    data = _json(_depsize(["scan", "--format", "json"], installed_project, OWN_PREFIX))
    tooling = {d["name"] for d in data["installer_tooling"]}
    assert tooling == {"pip", "setuptools", "wheel"}
    assert [d["name"] for d in data["project_distributions"]] == ["whichenv-app"]
    assert data["extraneous"] == []
    own = {d["name"]: d["own_bytes"] for d in data["distributions"]}
    env = data["env"]
    assert env["installer_tooling_bytes"] == sum(own[n] for n in tooling)
    assert env["project_bytes"] == own["whichenv-app"]
    shares = sum(r["share_bytes"] for r in data["roots"])
    parts = env["extraneous_bytes"] + env["installer_tooling_bytes"] + env["project_bytes"]
    assert shares + parts + env["unowned_bytes"] == env["total_bytes"]
    assert not any(r["kind"] == "installer-tooling" for r in data["recommendations"])


def test_cli_scan__image__installer_tooling_flagged_with_its_bytes(
    installed_project: Path,
) -> None:
    data = _json(_depsize(["scan", "--image", "--format", "json"], installed_project, None))
    flagged = [r for r in data["recommendations"] if r["kind"] == "installer-tooling"]
    assert len(flagged) == 1
    assert flagged[0]["bytes"] == data["env"]["installer_tooling_bytes"] > 0
    table = _depsize(["scan"], installed_project, None).out
    assert "Installer tooling: in every venv" in table
    assert "The project itself, installed in its env" in table
    assert "whichenv-app 0.1" in table.split("The project itself")[1]
    assert "Extraneous" not in table


def test_cli_check__config_file__budgets_read_from_it(project: Path, tmp_path: Path) -> None:
    budget = tmp_path / "budget.toml"
    budget.write_text('[check]\nmax-total = "1KB"\n')
    done = _depsize(["check", "--config", str(budget)], project, None)
    assert done.code == 1, done.out + done.err
    assert done.out.startswith("FAIL total size: ")
    assert "> budget 1 kB (1,000 bytes)" in done.out
    assert "measured .venv (Python " in done.out.splitlines()[-1]
