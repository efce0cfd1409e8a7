"""The run cache: a second identical run replays the first one's output, and never a stale one.

Each test builds a real site-packages folder and project in ``tmp_path``, waits until they are
old enough to be stored (the run cache, like the env scan cache, does not trust a stamp taken
within two seconds of a change), then runs ``python -m depsize`` in a child process. A child
reports whether click was imported, which tells a replay (answered before the command-line
layer) from a normal run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from depsize.runcache.key import SETTLE_NS
from support.projects import write_files
from support.site_packages import BuiltEnv, DistSpec, make_site_packages
from support.wheels import WheelSpec, write_wheels

from .conftest import build_venv, run

_MARK = "\n@@clicked="
_CHILD = (
    "import sys\n"
    "sys.argv = ['depsize', *sys.argv[1:]]\n"
    "from depsize.__main__ import run\n"
    "try:\n"
    "    run()\n"
    "finally:\n"
    f"    sys.stderr.write({_MARK!r} + str('click' in sys.modules))\n"
)


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str
    replayed: bool


def _child(args: list[str], cwd: Path, environ: dict[str, str]) -> Ran:
    """``depsize ARGS`` in a child process, and whether it was replayed."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        timeout=300,
        check=False,
    )
    stderr, _, clicked = done.stderr.rpartition(_MARK)
    assert clicked in {"True", "False"}, done.stderr
    return Ran(done.returncode, done.stdout, stderr, replayed=clicked == "False")


def _environ(root: Path) -> dict[str, str]:
    """This process's environment without depsize's variables, caching under ``root``."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DEPSIZE_") and k not in {"PYTHONPATH", "NO_COLOR", "FORCE_COLOR"}
    }
    environ["XDG_CACHE_HOME"] = str(root / "xdg")
    return environ


@dataclass(frozen=True)
class Setup:
    root: Path
    env: BuiltEnv
    project: Path
    environ: dict[str, str]

    def run(self, *args: str, **extra_env: str) -> Ran:
        return _child(list(args), self.root, {**self.environ, **extra_env})

    def scan(self, *extra: str, **extra_env: str) -> Ran:
        args = ["scan", str(self.project), "--env", str(self.env.prefix), "--format", "json"]
        return self.run(*args, "-q", *extra, **extra_env)


def _settle() -> None:
    """Wait until what the test just wrote is old enough for a run to be stored."""
    time.sleep(SETTLE_NS / 1e9 + 0.2)


def _stored(setup: Setup, *extra: str, **extra_env: str) -> Ran:
    """Run once (stored), then again: the second run is a replay of the first."""
    first = setup.scan(*extra, **extra_env)
    assert first.code in {0, 1}, first.stderr
    assert not first.replayed
    second = setup.scan(*extra, **extra_env)
    assert second.replayed, "the second run was not replayed"
    assert (second.code, second.stdout, second.stderr) == (first.code, first.stdout, first.stderr)
    return first


def _statuses(ran: Ran) -> dict[str, str]:
    report = json.loads(ran.stdout)
    return {r["name"]: r["status"] for r in report["requirements"]}


def _dists(ran: Ran) -> set[str]:
    return {d["name"] for d in json.loads(ran.stdout)["distributions"]}


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    env = make_site_packages(
        tmp_path,
        [
            DistSpec("alpha", files={"alpha/__init__.py": 300}),
            DistSpec("gamma", files={"gamma/__init__.py": 500}),
            DistSpec("betaa", files={"betaa/__init__.py": 700}),
        ],
    )
    project = write_files(
        tmp_path / "project",
        {
            "requirements.txt": "alpha\ngamma\nbetaa\n",
            "main.py": "import alpha\n",
            "pkg/__init__.py": "",
            "pkg/util.py": "import betaa\n",
        },
    )
    (project / "main.py").write_text("import alpha\nimport pkg.util\n")
    _settle()
    return Setup(tmp_path, env, project, _environ(tmp_path))


def test_run_cache__unchanged_inputs__second_run_replays_output_and_exit_code(
    setup: Setup,
) -> None:
    first = _stored(setup, "--fail-on", "unused")
    assert first.code == 1
    assert _statuses(first)["gamma"] == "unused"
    assert "gamma" in first.stderr  # the --fail-on line, replayed on stderr too
    assert setup.scan("--fail-on", "unused").replayed


def test_run_cache__project_file_edited_in_place_same_size__runs_again(setup: Setup) -> None:
    first = _stored(setup)
    assert _statuses(first)["gamma"] == "unused"
    util = setup.project / "pkg" / "util.py"
    util.write_text("import gamma\n")  # as many bytes as "import betaa\n"
    os.utime(util, ns=(util.stat().st_atime_ns, util.stat().st_mtime_ns + 1_000_000_000))
    after = setup.scan()
    assert not after.replayed
    assert _statuses(after)["gamma"] == "used"
    assert _statuses(after)["betaa"] == "unused"


def test_run_cache__project_file_edited_keeping_its_mtime__runs_again(setup: Setup) -> None:
    _stored(setup)
    util = setup.project / "pkg" / "util.py"
    before = util.stat()
    util.write_text("import gamma\n")
    os.utime(util, ns=(before.st_atime_ns, before.st_mtime_ns))  # only the ctime tells
    after = setup.scan()
    assert not after.replayed  # what the run then finds is the import stage's own cache's call


def test_run_cache__new_file_in_a_project_folder__runs_again(setup: Setup) -> None:
    _stored(setup)
    (setup.project / "pkg" / "extra.py").write_text("import gamma\n")
    after = setup.scan()
    assert not after.replayed
    assert _statuses(after)["gamma"] == "dead-code-only"  # imported, by a module nothing runs


def test_run_cache__dist_info_added_then_removed__runs_again(setup: Setup) -> None:
    first = _stored(setup)
    assert "delta" not in _dists(first)
    extra = make_site_packages(setup.root / "more", [DistSpec("delta", files={"delta.py": 90})])
    for name in ("delta-1.0.dist-info", "delta.py"):
        (extra.site / name).rename(setup.env.site / name)
    added = setup.scan()
    assert not added.replayed
    assert "delta" in _dists(added)

    _settle()  # stored now, unless the run above was (it may: the env had settled by its scan)
    assert setup.scan().stdout == added.stdout
    assert setup.scan().replayed
    for name in ("delta-1.0.dist-info", "delta.py"):
        (setup.env.site / name).rename(extra.site / name)
    removed = setup.scan()
    assert not removed.replayed
    assert _dists(removed) == _dists(first)


def test_run_cache__requirements_variable_changes__runs_again(setup: Setup) -> None:
    (setup.project / "requirements.txt").write_text("alpha\n${EXTRA_REQ}\n")
    _settle()
    first = _stored(setup, EXTRA_REQ="gamma")
    assert set(_statuses(first)) == {"alpha", "gamma"}
    after = setup.scan(EXTRA_REQ="betaa")
    assert not after.replayed
    assert set(_statuses(after)) == {"alpha", "betaa"}


def test_run_cache__no_color_set__runs_again(setup: Setup) -> None:
    first = setup.run("scan", str(setup.project), "--env", str(setup.env.prefix))
    assert first.code == 0, first.stderr
    assert setup.run("scan", str(setup.project), "--env", str(setup.env.prefix)).replayed
    after = setup.run("scan", str(setup.project), "--env", str(setup.env.prefix), NO_COLOR="1")
    assert not after.replayed
    assert after.stdout == first.stdout  # not a terminal: no colour either way


def test_run_cache__another_flag__runs_again(setup: Setup) -> None:
    _stored(setup)
    after = setup.scan("--top", "1")
    assert not after.replayed
    assert after.code == 0, after.stderr


def test_run_cache__tool_depsize_changed__runs_again(setup: Setup) -> None:
    (setup.project / "pyproject.toml").write_text("[tool.depsize]\nexclude = []\n")
    _settle()
    first = _stored(setup)
    assert _statuses(first)["gamma"] == "unused"
    (setup.project / "pyproject.toml").write_text(
        '[tool.depsize]\nignore = { unused = ["gamma"] }\n'
    )
    after = setup.scan()
    assert not after.replayed
    assert after.stdout != first.stdout


def test_run_cache__no_cache_flag__runs_and_stores_nothing(setup: Setup) -> None:
    first = _stored(setup)
    bypassed = setup.scan("--no-cache")
    assert not bypassed.replayed
    assert bypassed.stdout == first.stdout
    assert not setup.scan("--no-cache").replayed


@pytest.mark.parametrize(
    "damage",
    ["truncated", "padded", "garbage", "huge-counts", "folder", "fifo", "empty"],
)
def test_run_cache__damaged_cache_file__runs_normally_without_a_traceback(
    setup: Setup, damage: str
) -> None:
    first = _stored(setup)
    (stored,) = (setup.root / "xdg" / "depsize").glob("run-*.bin")
    data = stored.read_bytes()
    stored.unlink()
    if damage == "truncated":
        stored.write_bytes(data[: len(data) // 2])
    elif damage == "padded":
        stored.write_bytes(data + b"x")
    elif damage == "garbage":
        stored.write_bytes(os.urandom(4096))
    elif damage == "huge-counts":
        magic = data[: data.index(b"\n") + 1]
        stored.write_bytes(magic + (2**62).to_bytes(8, "little") * 7 + data[len(magic) + 56 :])
    elif damage == "folder":
        stored.mkdir()
    elif damage == "fifo":
        os.mkfifo(stored)
    else:
        stored.write_bytes(b"")
    after = setup.scan()
    assert not after.replayed
    assert after.code == 0
    assert "Traceback" not in after.stderr
    assert after.stdout == first.stdout


def test_run_cache__writes_a_file__is_never_stored(setup: Setup) -> None:
    out = setup.root / "report.json"
    args = ("scan", str(setup.project), "--env", str(setup.env.prefix), "--format", "json")
    assert setup.run(*args, "-o", str(out)).code == 0
    out.unlink()
    again = setup.run(*args, "-o", str(out))
    assert not again.replayed
    assert out.is_file()


def test_run_cache__check_updating_its_baseline__is_never_stored(setup: Setup) -> None:
    baseline = setup.root / "baseline.json"
    baseline.write_text(setup.scan().stdout)
    args = ["check", str(setup.project), "--env", str(setup.env.prefix)]
    args += ["--baseline", str(baseline), "--update-baseline"]
    assert setup.run(*args).code == 0
    assert not setup.run(*args).replayed


def test_run_cache__check_with_a_baseline__replays_until_the_baseline_changes(
    setup: Setup,
) -> None:
    baseline = setup.root / "baseline.json"
    baseline.write_text(setup.scan().stdout)
    _settle()
    args = ["check", str(setup.project), "--env", str(setup.env.prefix)]
    args += ["--baseline", str(baseline), "--max-growth", "0%"]
    first = setup.run(*args)
    assert first.code == 0, first.stderr
    assert setup.run(*args).replayed
    report = json.loads(baseline.read_text())
    report["env"]["total_bytes"] -= 100
    baseline.write_text(json.dumps(report))
    after = setup.run(*args)
    assert not after.replayed
    assert after.code == 1


WHEELS = (
    WheelSpec("replay-one", files={"replay_one/__init__.py": 1200}),
    WheelSpec("replay-two", files={"replay_two.py": 700}, requires=("replay-one",)),
)


@pytest.mark.venv
def test_run_cache__pip_install_then_uninstall__runs_again_each_time(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    write_wheels(WHEELS, wheels)
    local = ("--no-index", "--find-links", str(wheels))
    venv = build_venv(Path(sys.executable), tmp_path / "venv", (*local, "replay-one"))
    pip = [str(venv.python), "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    project = write_files(tmp_path / "project", {"main.py": "import replay_one\n"})
    args = ["scan", str(project), "--env", str(venv.prefix), "--format", "json", "-q"]
    environ = _environ(tmp_path)

    def names(ran: Ran) -> set[str]:
        assert ran.code == 0, ran.stderr
        return _dists(ran)

    def stored_then_replayed() -> Ran:
        _settle()
        first = _child(args, tmp_path, environ)  # stored now, unless the last run was
        second = _child(args, tmp_path, environ)
        assert second.replayed
        assert second.stdout == first.stdout
        return first

    assert "replay-two" not in names(stored_then_replayed())
    run([*pip, "install", *local, "replay-two"])
    installed = _child(args, tmp_path, environ)
    assert not installed.replayed
    assert "replay-two" in names(installed)

    assert names(stored_then_replayed()) == names(installed)
    run([*pip, "uninstall", "-y", "replay-one"])
    uninstalled = _child(args, tmp_path, environ)
    assert not uninstalled.replayed
    assert "replay-one" not in names(uninstalled)


def test_run_cache__project_read_on_a_pool__stored_replayed_and_run_again_after_an_edit(
    setup: Setup,
) -> None:
    from depsize.imports.parallel import OVERLAPPED_FILES

    modules = {f"pkg/m{n}.py": f"X{n} = {n}\n" for n in range(OVERLAPPED_FILES + 20)}
    write_files(setup.project, modules)  # enough files for the workers to read them
    _settle()
    first = _stored(setup, DEPSIZE_JOBS="2")
    assert _statuses(first)["gamma"] == "unused"
    module = setup.project / "pkg" / "m7.py"
    module.write_text("import gamma\n")  # read by a worker, stat-ed by the run itself
    _settle()
    after = setup.scan(DEPSIZE_JOBS="2")
    assert not after.replayed
    assert _statuses(after)["gamma"] == "dead-code-only"  # m7 is a module nothing imports
