"""The integrations users copy: the composite action, the pre-commit hook and examples/ci/.

Each file must parse as YAML and reference only inputs that are declared and flags that
``docs/check.md`` documents and that ``depsize check`` accepts.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
WORKFLOW = ROOT / "examples" / "ci" / "depsize.yml"
PRE_COMMIT_CONFIG = ROOT / "examples" / "ci" / ".pre-commit-config.yaml"
DOCS = ROOT / "docs" / "check.md"

INPUT_REF = re.compile(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}")
FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")
ENV_FLAGS = {"--python", "--env", "--site-packages", "--disk-usage"}


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _documented_flags() -> set[str]:
    """Flags in the budgets table of docs/check.md, plus the environment options."""
    rows = [
        line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("| `--")
    ]
    flags = {flag for row in rows for flag in FLAG.findall(row.split("|")[1])}
    return flags | ENV_FLAGS


def _action() -> dict[str, Any]:
    action = _load(ACTION)
    assert isinstance(action, dict)
    return action


def _check_step() -> dict[str, Any]:
    steps = _action()["runs"]["steps"]
    return next(step for step in steps if step.get("id") == "check")


def test_docs__budget_flags__the_ones_the_cli_is_to_take() -> None:
    assert _documented_flags() == ENV_FLAGS | {
        "--max-total",
        "--max-dist",
        "--max-dist-default",
        "--max-requirement",
        "--max-requirement-default",
        "--max-unused",
        "--count",
        "--max-growth",
        "--baseline",
        "--update-baseline",
        "--fail-on-warnings",
        "--no-fail-on-warnings",
    }


def test_action__yaml__composite_with_described_inputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {
        "max-total",
        "max-unused",
        "max-growth",
        "baseline",
        "project",
        "python",
        "version",
        "args",
    }
    for name, spec in action["inputs"].items():
        assert spec.get("description"), name
        assert spec.get("required") is False, name
    assert action["inputs"]["project"]["default"] == "."
    for step in action["runs"]["steps"]:
        assert step.get("shell") == "bash", step.get("name")


def test_action__input_references__all_declared_and_all_used() -> None:
    text = ACTION.read_text(encoding="utf-8")
    used = set(INPUT_REF.findall(text))
    declared = set(_action()["inputs"])
    assert used <= declared, used - declared
    assert declared <= used, f"declared but never used: {declared - used}"


def test_action__run_scripts__never_interpolate_expressions() -> None:
    # ${{ }} in a run: script is a script-injection hole; inputs go through env: instead.
    for step in _action()["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_action__check_step__passes_only_documented_flags() -> None:
    step = _check_step()
    flags = set(FLAG.findall(step["run"]))
    assert flags, "the check step passes no flag"
    assert flags <= _documented_flags(), flags - _documented_flags()
    assert re.search(r'"\$DEPSIZE" "\$\{args\[@\]\}"', step["run"])
    assert "args=(check " in step["run"]


def test_action__check_step__env_variables_all_set() -> None:
    step = _check_step()
    referenced = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", step["run"]))
    assert referenced == set(step["env"])


def _install_step() -> dict[str, Any]:
    return next(s for s in _action()["runs"]["steps"] if s.get("id") == "install")


def test_action__install_step__installs_its_own_checkout_by_default() -> None:
    install = _install_step()
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert '"") spec="$ACTION_PATH" ;;' in install["run"]
    assert 'pip install --disable-pip-version-check --quiet "$spec"' in install["run"]
    assert "$GITHUB_OUTPUT" in install["run"]
    assert "steps.install.outputs.depsize" in str(_check_step()["env"])
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "depsize-cli"' in pyproject  # what a `version` input installs from PyPI
    assert '[0-9]*) spec="depsize-cli==$DEPSIZE_VERSION" ;;' in install["run"]


@pytest.mark.skipif(sys.platform == "win32", reason="runs the action's script with bash")
@pytest.mark.parametrize(
    ("version", "expected"),
    [("", "ROOT"), ("0.3.1", "depsize-cli==0.3.1"), (">=0.3,<0.4", "depsize-cli>=0.3,<0.4")],
)
def test_action__install_script__what_pip_is_given(
    tmp_path: Path, version: str, expected: str
) -> None:
    import shutil
    import subprocess

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not found")
    fake_python = tmp_path / "python3"
    log = tmp_path / "calls.txt"
    # `python3 -m venv DIR` makes DIR/bin/python (this script again); `-m pip` logs its last arg.
    fake_python.write_text(
        "#!/bin/sh\n"
        'if [ "$2" = venv ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0; fi\n'
        f'for a in "$@"; do last="$a"; done; echo "$last" >> {log}\n',
        encoding="utf-8",
    )
    fake_python.chmod(0o755)
    output = tmp_path / "output.txt"
    env = {
        "PATH": f"{tmp_path}:/usr/bin:/bin",
        "DEPSIZE_VERSION": version,
        "ACTION_PATH": str(ROOT),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
    }
    done = subprocess.run(
        [bash, "-c", _install_step()["run"]], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert log.read_text(encoding="utf-8") == (str(ROOT) if expected == "ROOT" else expected) + "\n"
    assert output.read_text(encoding="utf-8") == f"depsize={tmp_path}/depsize-venv/bin/depsize\n"


def _action_uses(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    return [s for s in steps if s.get("uses", "").split("@")[0] in ("depsize/depsize", "./")]


def test_workflow__yaml__uses_the_action_with_declared_inputs() -> None:
    workflow = _load(WORKFLOW)
    uses = _action_uses(workflow)
    assert uses, "the example workflow does not use the action"
    declared = set(_action()["inputs"])
    for step in uses:
        assert set(step["with"]) <= declared, set(step["with"]) - declared
        assert step["with"]["baseline"]
        assert set(FLAG.findall(str(step["with"].get("args", "")))) <= _documented_flags()
    assert workflow["permissions"] == {"contents": "read"}
    assert True in workflow or "on" in workflow  # YAML 1.1 reads the key `on` as True


def test_workflow__cache_paths__are_the_baseline() -> None:
    workflow = _load(WORKFLOW)
    baseline = _action_uses(workflow)[0]["with"]["baseline"]
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    cached = [s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/cache/")]
    assert cached == [baseline, baseline]


def test_pre_commit_hooks__yaml__depsize_check_entry() -> None:
    hooks = _load(HOOKS)
    assert isinstance(hooks, list)
    (hook,) = hooks
    assert hook["id"] == "depsize-check"
    assert hook["entry"] == "depsize check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^depsize = "depsize\.__main__:console"$', pyproject, re.MULTILINE)


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("requirements.txt", True),
        ("requirements-dev.txt", True),
        ("services/api/requirements.prod.txt", True),
        ("pyproject.toml", True),
        ("sub/pyproject.toml", True),
        ("setup.py", False),
        ("requirements.txt.bak", False),
        ("docs/requirements.md", False),
    ],
)
def test_pre_commit_hooks__files_pattern__matches_manifests(path: str, matches: bool) -> None:
    (hook,) = _load(HOOKS)
    assert bool(re.search(hook["files"], path)) is matches


def test_pre_commit_config__example__uses_declared_hook_and_documented_flags() -> None:
    config = _load(PRE_COMMIT_CONFIG)
    hook_ids = {hook["id"] for hook in _load(HOOKS)}
    (repo,) = config["repos"]
    assert repo["repo"].endswith("/depsize")
    for hook in repo["hooks"]:
        assert hook["id"] in hook_ids
        flags = {a for a in hook.get("args", []) if str(a).startswith("--")}
        assert flags <= _documented_flags(), flags - _documented_flags()


def _click_flags(command_name: str) -> set[str] | None:
    from depsize import cli

    command = cli.main.commands.get(command_name)
    if command is None:
        return None
    return {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}


def test_cli__environment_flags__exist_on_scan() -> None:
    flags = _click_flags("scan")
    assert flags is not None
    assert flags >= ENV_FLAGS


def test_cli__check_command__accepts_every_documented_flag() -> None:
    flags = _click_flags("check")
    assert flags is not None
    assert _documented_flags() <= flags, _documented_flags() - flags


@pytest.mark.skipif(sys.platform == "win32", reason="runs the action's script with bash")
def test_action__check_script__builds_the_expected_command_line(tmp_path: Path) -> None:
    import shutil
    import subprocess

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not found")
    fake = tmp_path / "depsize"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {
        "PATH": "/usr/bin:/bin",
        "DEPSIZE": str(fake),
        "INPUT_PROJECT": "services/api",
        "INPUT_PYTHON": ".venv/bin/python",
        "INPUT_MAX_TOTAL": "500 MB",
        "INPUT_MAX_UNUSED": "0",
        "INPUT_MAX_GROWTH": "5%",
        "INPUT_BASELINE": "",
        "INPUT_ARGS": "--max-dist torch=800MB --update-baseline",
    }
    done = subprocess.run(
        [bash, "-c", _check_step()["run"]], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n") == [
        "[check]",
        "[services/api]",
        "[--python]",
        "[.venv/bin/python]",
        "[--max-total]",
        "[500 MB]",
        "[--max-unused]",
        "[0]",
        "[--max-growth]",
        "[5%]",
        "[--max-dist]",
        "[torch=800MB]",
        "[--update-baseline]",
        "",
    ]
