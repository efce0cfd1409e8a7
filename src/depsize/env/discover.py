"""Environment discovery (DESIGN §1): find the site-packages of the project's environment.

Files tell almost everything: ``pyvenv.cfg`` holds the version, ``lib/pythonX.Y/site-packages``
holds the packages. The target interpreter runs only when the files cannot tell (a bare
``--python`` of a system interpreter), and then only to print its ``sysconfig`` paths.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from depsize.env.pyvenv import PyvenvVersion, checked_version, pyvenv_version
from depsize.errors import EnvironmentNotFoundError
from depsize.models import PythonEnv

_LIB_PY = re.compile(r"^(?:python|pypy)(\d+)\.(\d+)t?$")
_PYC_TAG = re.compile(r"\.cpython-(\d)(\d+)")
_PROJECT_VENVS = (".venv", "venv", "env")
_HINT = (
    "Point depsize at the environment with --env DIR (a venv or conda prefix), "
    "--python PATH, or --site-packages DIR."
)


def discover(
    project: Path,
    *,
    python: Path | None = None,
    env_dir: Path | None = None,
    site_packages: Sequence[Path] = (),
    environ: Mapping[str, str] | None = None,
) -> PythonEnv:
    """Find the environment to scan, in the order DESIGN §1 gives."""
    environ = os.environ if environ is None else environ
    if python is not None:
        return from_python(python)
    if env_dir is not None:
        return from_prefix(env_dir, how="--env")
    if site_packages:
        return from_site_packages(site_packages)
    return _implicit(project, environ)


def _implicit(project: Path, environ: Mapping[str, str]) -> PythonEnv:
    """$VIRTUAL_ENV inside the project > the project's venv > $VIRTUAL_ENV > $CONDA_PREFIX.

    depsize's own environment (a pre-commit hook's, pipx's, the action's) is never taken
    implicitly, and neither is whatever ``python3`` is on PATH: without a project environment
    this is an error that says where depsize looked."""
    looked: list[str] = []
    outside: list[tuple[str, Path]] = []
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        value = environ.get(var)
        if not value:
            looked.append(f"${var} (not set)")
        elif not os.path.isdir(value):
            looked.append(f"${var}={value} (no such folder)")
        elif _same_path(Path(value), Path(sys.prefix)):
            looked.append(f"${var}={value} (the environment depsize itself runs in: not measured)")
        elif _inside(Path(value), project):
            return from_prefix(Path(value), how=f"${var} (inside the project)")
        else:
            outside.append((var, Path(value)))
    own = _project_venv(project)
    if own is not None:
        seen = ", ".join(f"${name}={prefix}" for name, prefix in outside)
        note = f"{seen} lies outside the project; measured the project's own {own.how_found}"
        return _with(own, how=own.how_found, note=note) if outside else own
    if outside:
        name, prefix = outside[0]
        return from_prefix(prefix, how=f"${name}")
    looked.append(
        f"{', '.join(_PROJECT_VENVS)} folders with a pyvenv.cfg in {project.resolve()} (none)"
    )
    raise EnvironmentNotFoundError(
        "no environment of the project found; looked at: "
        + "; ".join(looked)
        + ". "
        + _HINT
        + " To measure the first python3 on PATH, say so: --python python3."
    )


def _project_venv(project: Path) -> PythonEnv | None:
    for name in _PROJECT_VENVS:
        candidate = project / name
        if os.path.isfile(candidate / "pyvenv.cfg") or os.path.isdir(candidate / "conda-meta"):
            return from_prefix(candidate, how=f"the project's {name}")
    return None


def _inside(path: Path, project: Path) -> bool:
    try:
        path.resolve().relative_to(project.resolve())
    except (ValueError, OSError):
        return False
    return True


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _with(env: PythonEnv, *, how: str, note: str | None) -> PythonEnv:
    return PythonEnv(
        site_packages=env.site_packages,
        python_version=env.python_version,
        prefix=env.prefix,
        interpreter=env.interpreter,
        how_found=how,
        note="; ".join(n for n in (env.note, note) if n) or None,
        platform=env.platform,
    )


def from_prefix(prefix: Path, *, how: str) -> PythonEnv:
    """An environment from its prefix folder: a venv, a conda prefix or an installation."""
    if not os.path.isdir(prefix):
        raise EnvironmentNotFoundError(f"{prefix} is not a folder. {_HINT}")
    notes: list[str] = []
    cfg = prefix / "pyvenv.cfg"
    stated = pyvenv_version(cfg) if os.path.lexists(cfg) else PyvenvVersion()
    version = stated.version
    found, unreadable = _site_dirs(prefix)
    if not found:
        if unreadable:
            raise EnvironmentNotFoundError(
                f"{prefix} cannot be scanned: {'; '.join(unreadable)}. {_HINT}"
            )
        raise EnvironmentNotFoundError(
            f"{prefix} is not a Python environment: looked for lib/pythonX.Y/site-packages and "
            f"Lib/site-packages in it and found neither. {_HINT}"
        )
    notes += unreadable
    dirs = [path for path, _ in found]
    if version is None:
        version = next((v for _, v in found if v), None) or _version_from_pyc(dirs)
        if stated.problem and version:
            notes.append(f"{stated.problem}; using {version} from the folder layout")
    if version is None:
        reason = f" ({stated.problem})" if stated.problem else ""
        raise EnvironmentNotFoundError(
            f"Cannot tell the Python version of {prefix}{reason}. {_HINT}"
        )
    if len({v for _, v in found if v}) > 1:
        dirs = [p for p, v in found if v is None or version.startswith(v)] or dirs
    return PythonEnv(
        site_packages=tuple(dirs),
        python_version=version,
        prefix=prefix,
        interpreter=_interpreter_in(prefix),
        how_found=how,
        note="; ".join(notes) or None,
        platform=_platform_of(dirs),
    )


def _site_dirs(prefix: Path) -> tuple[list[tuple[Path, str | None]], list[str]]:
    """site-packages folders under a prefix, with the X.Y version their path names, and the
    folders that could not be listed (with why)."""
    found: list[tuple[Path, str | None]] = []
    unreadable: list[str] = []
    seen: set[str] = set()
    for lib in ("lib", "lib64"):
        base = prefix / lib
        if not os.path.isdir(base):
            continue
        try:
            children = sorted(base.iterdir())
        except OSError as exc:
            unreadable.append(f"cannot list {base}: {exc.strerror or exc}")
            continue
        for child in children:
            match = _LIB_PY.match(child.name)
            site = child / "site-packages"
            if match and os.path.isdir(site) and os.path.realpath(site) not in seen:
                seen.add(os.path.realpath(site))
                found.append((site, f"{match.group(1)}.{match.group(2)}"))
    windows = prefix / "Lib" / "site-packages"
    if os.path.isdir(windows) and os.path.realpath(windows) not in seen:
        found.append((windows, None))
    return found, unreadable


def _version_from_pyc(dirs: Sequence[Path]) -> str | None:
    """Infer X.Y from ``*.cpython-XY*`` names under the site-packages (pyc or extension files)."""
    for directory in dirs:
        for root, _dirs, files in os.walk(directory):
            for name in files:
                match = _PYC_TAG.search(name)
                if match:
                    return f"{match.group(1)}.{match.group(2)}"
            if root.count(os.sep) - str(directory).count(os.sep) > 3:
                break
    return None


def _platform_of(dirs: Sequence[Path]) -> dict[str, str]:
    """Marker values that differ from the Linux defaults, read from the folder layout."""
    if any(d.parent.name == "Lib" for d in dirs):
        return {
            "sys_platform": "win32",
            "platform_system": "Windows",
            "os_name": "nt",
            "platform_machine": "AMD64",
        }
    return {}


def _interpreter_in(prefix: Path) -> Path | None:
    for rel in ("bin/python", "bin/python3", "Scripts/python.exe", "python.exe"):
        candidate = prefix / rel
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return None


def from_site_packages(dirs: Sequence[Path]) -> PythonEnv:
    """An environment given only as site-packages folders (``--site-packages``)."""
    for directory in dirs:
        if not os.path.isdir(directory):
            raise EnvironmentNotFoundError(f"--site-packages {directory}: no such folder. {_HINT}")
    first = dirs[0]
    version = None
    match = _LIB_PY.match(first.parent.name)
    if match:
        version = f"{match.group(1)}.{match.group(2)}"
    prefix = first.parent.parent.parent if match else None
    if prefix is not None and os.path.lexists(prefix / "pyvenv.cfg"):
        full = pyvenv_version(prefix / "pyvenv.cfg").version
        if full and version and full.startswith(version + "."):
            version = full
    version = version or _version_from_pyc(dirs)
    note = None
    if version is None:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        note = f"cannot tell the Python version of {first}; markers evaluated for {version}"
    return PythonEnv(
        site_packages=tuple(dirs),
        python_version=version,
        prefix=prefix,
        how_found="--site-packages",
        note=note,
        platform=_platform_of(dirs),
    )


_PROBE = (
    "import json,site,sys,sysconfig;"
    "p=sysconfig.get_paths();"
    "s=getattr(site,'getsitepackages',lambda:[])();"
    "print(json.dumps({'dirs':[p['purelib'],p['platlib']]+list(s),"
    "'prefix':sys.prefix,'version':'%d.%d.%d'%sys.version_info[:3]}))"
)
"""What a bare interpreter is asked: its site folders (Debian's dist-packages included)."""


def from_python(python: Path) -> PythonEnv:
    """An environment from an interpreter path; runs it only when its files cannot tell."""
    if len(python.parts) == 1 and not python.exists():
        found = shutil.which(str(python))  # a bare name, as a shell finds it: --python python3
        if found is None:
            raise EnvironmentNotFoundError(f"--python {python}: not found on PATH. {_HINT}")
        python = Path(found)
    if not (python.exists() or python.is_symlink()):
        raise EnvironmentNotFoundError(f"--python {python}: no such file. {_HINT}")
    for prefix in (python.parent.parent, python.parent):
        if os.path.isfile(prefix / "pyvenv.cfg") or os.path.isdir(prefix / "conda-meta"):
            return from_prefix(prefix, how=f"--python {python}")
    return _installation(python) or _probe_interpreter(python)


def _python2(python: Path, version: str) -> EnvironmentNotFoundError:
    return EnvironmentNotFoundError(
        f"--python {python} is Python {version}: depsize scans Python 3 environments."
    )


def _installation(python: Path) -> PythonEnv | None:
    """A CPython installation laid out as ``<prefix>/bin/pythonX.Y`` with
    ``<prefix>/lib/pythonX.Y/site-packages`` (pyenv, python.org, source builds): read, not run."""
    real = Path(os.path.realpath(python))
    match = _LIB_PY.match(real.name)
    if match is None or real.parent.name != "bin":
        return None
    version = f"{match.group(1)}.{match.group(2)}"
    site = real.parent.parent / "lib" / real.name / "site-packages"
    if not os.path.isdir(site):
        return None
    if match.group(1) == "2":
        raise _python2(python, version)
    return PythonEnv(
        site_packages=(site,),
        python_version=version,
        prefix=real.parent.parent,
        interpreter=python,
        how_found=f"--python {python}",
    )


def _probe_interpreter(python: Path) -> PythonEnv:
    try:
        done = subprocess.run(
            [str(python), "-I", "-S", "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        info = json.loads(done.stdout)
    except subprocess.CalledProcessError as exc:
        reason = (exc.stderr or "").strip().splitlines()[-1:] or [f"exit status {exc.returncode}"]
        raise EnvironmentNotFoundError(
            f"--python {python}: could not ask it for its paths ({reason[0]}). {_HINT}"
        ) from None
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise EnvironmentNotFoundError(
            f"--python {python}: could not ask it for its paths ({exc}). {_HINT}"
        ) from None
    version = checked_version(str(info.get("version", ""))) if isinstance(info, dict) else None
    if version is None:
        raise EnvironmentNotFoundError(
            f"--python {python}: could not ask it for its paths (no version in its answer). {_HINT}"
        )
    if version.startswith("2."):
        raise _python2(python, version)
    dirs: list[Path] = []
    listed = info.get("dirs")
    for name in listed if isinstance(listed, list) else []:
        if not isinstance(name, str) or "\0" in name:
            continue
        path = Path(name)
        if os.path.isdir(path) and path not in dirs:
            dirs.append(path)
    if not dirs:
        raise EnvironmentNotFoundError(f"--python {python} reports no site-packages. {_HINT}")
    return PythonEnv(
        site_packages=tuple(dirs),
        python_version=version,
        prefix=Path(info["prefix"]) if isinstance(info.get("prefix"), str) else None,
        interpreter=python,
        how_found=f"--python {python} (asked the interpreter)",
    )
