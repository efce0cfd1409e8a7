"""The scratch folder: project sources at their commit, project venvs, the tools' venvs.

Layout under ``--work`` (default ``benchmarks/.work/realworld``, git-ignored)::

    <work>/tools/<tool>/              one venv per peer tool (deptry: a pip --target folder)
    <work>/tools/depsize-deps/        a venv with depsize's runtime dependencies only
    <work>/projects/<name>/git/       a clone, when the project was not found under --sources
    <work>/projects/<name>/build/     the tree pip installed from (editable installs point here)
    <work>/projects/<name>/venv/      the project's venv (reused while .realworld-spec matches)
    <work>/projects/<name>/freeze.txt `pip freeze --all` of that venv
    <work>/projects/<name>/tree/      a fresh export for the tools, remade on every run
    <work>/projects/<name>/out/       each tool's stdout, stderr and report
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from definitions import Project

INSTALL_TIMEOUT = 1800
CLEAN_ENV_DROP = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONSTARTUP")


class SetupError(Exception):
    """A project could not be brought to the point where the tools can run."""


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for child processes: no interpreter or venv variables leak in."""
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV_DROP}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env


def run_logged(args: list[str], log: Path, cwd: Path | None = None, timeout: int = 600) -> int:
    """Run ``args`` with stdout and stderr into ``log``; the exit code (124 on timeout)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w", encoding="utf-8") as out:
        out.write(f"$ {' '.join(args)}\n")
        out.flush()
        try:
            done = subprocess.run(
                args,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=clean_env(),
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            out.write(f"\n[timed out after {timeout} s]\n")
            return 124
    return done.returncode


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- sources ---------------------------------------------------------------------------------


def _git_dir_in(folder: Path) -> Path | None:
    """The git directory in a store snapshot (bare, or ``repo/.git``) or a work tree."""
    for candidate in (folder, folder / ".git", folder / "repo", folder / "repo" / ".git"):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def _has_commit(git_dir: Path, commit: str) -> bool:
    done = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
        env=clean_env(),
    )
    return done.returncode == 0


def find_git_dir(project: Project, sources: Path | None, scratch: Path) -> Path:
    """The git directory holding ``project.commit``: from ``--sources``, else a clone."""
    tried = []
    if sources is not None:
        for folder in (sources / project.mirror, sources / project.name):
            git_dir = _git_dir_in(folder)
            if git_dir is None:
                tried.append(f"{folder}: no git directory")
            elif not _has_commit(git_dir, project.commit):
                tried.append(f"{git_dir}: has no commit {project.commit}")
            else:
                return git_dir
    clone = scratch / "git"
    if _git_dir_in(clone) is None or not _has_commit(clone, project.commit):
        shutil.rmtree(clone, ignore_errors=True)
        log = scratch / "logs" / "clone.log"
        code = run_logged(["git", "clone", "--bare", "--quiet", project.url, str(clone)], log)
        if code != 0 or not _has_commit(clone, project.commit):
            tried.append(f"git clone {project.url} failed ({code}): {_tail(log, 3)}")
            raise SetupError("sources not found:\n  " + "\n  ".join(tried))
    return clone


def export(git_dir: Path, commit: str, into: Path) -> list[str]:
    """``git archive <commit> | tar -x`` into a fresh ``into``; paths archive left out.

    ``git archive`` honours ``export-ignore`` attributes, so a tree can lack files a checkout
    has: they are returned so the report can say so.
    """
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    git = ["git", "--git-dir", str(git_dir)]
    archive = subprocess.Popen([*git, "archive", "--format=tar", commit], stdout=subprocess.PIPE)
    untar = subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout, check=False)
    if archive.stdout is not None:
        archive.stdout.close()
    if archive.wait() != 0 or untar.returncode != 0:
        raise SetupError(f"git archive {commit} from {git_dir} failed")
    # a checkout has a .git folder: tools find the repository root by it (workflows and
    # pre-commit configurations of a monorepo member live there)
    subprocess.run(["git", "init", "-q", str(into)], check=True, env=clean_env())
    listed = (
        subprocess.run(
            [*git, "ls-tree", "-r", "--name-only", "-z", commit],
            capture_output=True,
            check=True,
            env=clean_env(),
        )
        .stdout.decode("utf-8", "surrogateescape")
        .split("\0")
    )
    return sorted(p for p in listed if p and not os.path.lexists(into / p))


# --- the project's venv ----------------------------------------------------------------------


def _release(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in path.parts[-3].split(".") if p.isdigit())


def python_for(version: str) -> str:
    """An interpreter ``python<version>``: pyenv's newest such install, else the one on PATH.

    pyenv's own binaries are used rather than its shims, which answer "command not found" for
    a version that is installed but not selected, and follow ``.python-version`` files.
    """
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    installs = sorted(root.glob(f"versions/{version}.*/bin/python{version}"), key=_release)
    candidates = [str(p) for p in reversed(installs)]
    candidates += [found] if (found := shutil.which(f"python{version}")) else []
    for candidate in candidates:
        probe = subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False)
        if probe.returncode == 0:
            return candidate
    raise SetupError(f"no working python{version} (pyenv install {version}?)")


def venv_spec(project: Project) -> str:
    """What the venv is built from; a venv whose stamp equals this is reused."""
    spec = {
        "commit": project.commit,
        "subdir": project.subdir,
        "python": project.python,
        "install": [list(args) for args in project.install],
    }
    return json.dumps(spec, sort_keys=True)


def _stamp(prefix: Path) -> Path:
    return prefix / ".realworld-spec"


def venv_is_current(prefix: Path, spec: str) -> bool:
    stamp = _stamp(prefix)
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == spec


def build_venv(project: Project, git_dir: Path, scratch: Path) -> None:
    """Export the commit into ``build/`` and install the project's declared dependencies."""
    prefix, logs = scratch / "venv", scratch / "logs"
    export(git_dir, project.commit, scratch / "build")
    project_dir = scratch / "build" / project.subdir
    if not project_dir.is_dir():
        raise SetupError(f"subdir {project.subdir!r} is not a folder at {project.commit}")
    shutil.rmtree(prefix, ignore_errors=True)
    code = run_logged([python_for(project.python), "-m", "venv", str(prefix)], logs / "venv.log")
    if code != 0:
        raise SetupError(f"venv creation failed:\n{_tail(logs / 'venv.log')}")
    for i, args in enumerate(project.install):
        log = logs / f"pip-{i}.log"
        print(f"  pip install {' '.join(args)}", file=sys.stderr)
        pip = [str(prefix / "bin" / "python"), "-m", "pip", "install", *args]
        code = run_logged(pip, log, cwd=project_dir, timeout=INSTALL_TIMEOUT)
        if code != 0:
            raise SetupError(f"pip install {' '.join(args)} failed ({code}):\n{_tail(log)}")
    _stamp(prefix).write_text(venv_spec(project), encoding="utf-8")


def freeze(scratch: Path) -> list[str]:
    """``pip freeze --all`` of the venv, written to ``freeze.txt``; paths made relative."""
    python = scratch / "venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "freeze", "--all"],
        capture_output=True,
        text=True,
        check=False,
        env=clean_env(),
    )
    if done.returncode != 0:
        raise SetupError(f"pip freeze failed: {done.stderr.strip()}")
    (scratch / "freeze.txt").write_text(done.stdout, encoding="utf-8")
    return sorted(line.replace(str(scratch), "<scratch>") for line in done.stdout.splitlines())


def site_packages(prefix: Path) -> Path:
    sites = sorted((prefix / "lib").glob("python3.*/site-packages"))
    if len(sites) != 1:
        raise SetupError(f"expected one site-packages under {prefix}, found {sites}")
    return sites[0]


# --- tools -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolInstall:
    name: str
    where: Path
    version: str | None
    problem: str | None


def _spec_hash(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def install_venv_tool(
    name: str, requirements: list[str], where: Path, python: str, skip: bool
) -> str | None:
    """A venv at ``where`` with ``requirements``; the problem, or ``None`` when ready."""
    spec = _spec_hash(python, *requirements)
    if venv_is_current(where, spec) or (skip and (where / "bin" / "python").exists()):
        return None
    if skip:
        return f"{name}: not installed and --skip-install given"
    shutil.rmtree(where, ignore_errors=True)
    log = where.parent / f"{name}-install.log"
    if run_logged([python, "-m", "venv", str(where)], log) != 0:
        return f"{name}: venv creation failed: {_tail(log, 3)}"
    pip = [str(where / "bin" / "python"), "-m", "pip", "install", "--quiet", *requirements]
    if run_logged(pip, log, timeout=INSTALL_TIMEOUT) != 0:
        return f"{name}: pip install {' '.join(requirements)} failed: {_tail(log, 5)}"
    _stamp(where).write_text(spec, encoding="utf-8")
    return None


def install_target_tool(
    name: str, requirement: str, where: Path, python: str, skip: bool
) -> str | None:
    """``pip install --target where requirement`` (deptry runs inside the project's venv)."""
    spec = _spec_hash(python, requirement)
    stamp = where.parent / f"{name}.spec"
    if (stamp.is_file() and stamp.read_text() == spec) or (skip and where.is_dir()):
        return None
    if skip:
        return f"{name}: not installed and --skip-install given"
    shutil.rmtree(where, ignore_errors=True)
    log = where.parent / f"{name}-install.log"
    pip = [python, "-m", "pip", "install", "--quiet", "--target", str(where), requirement]
    if run_logged(pip, log, timeout=INSTALL_TIMEOUT) != 0:
        return f"{name}: pip install --target {requirement} failed: {_tail(log, 5)}"
    stamp.write_text(spec)
    return None


def dist_version(folder: Path, name: str) -> str | None:
    """The version of distribution ``name`` installed in ``folder`` (a site-packages)."""
    wanted = name.replace("-", "_").lower()
    for info in folder.glob("*.dist-info"):
        dist, _, version = info.name[: -len(".dist-info")].partition("-")
        if dist.replace("-", "_").lower() == wanted:
            return version
    return None
