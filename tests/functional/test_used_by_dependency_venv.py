"""A FastAPI upload service against real venvs: python-multipart, which only FastAPI imports
(lazily, inside a function), is kept, and the app still starts in a fresh venv built from what
``depsize trim -o`` leaves.

The releases are downloaded once per session into a wheelhouse (pip's own cache serves repeated
sessions); every venv installs from it with ``--no-index``, so a fresh venv holds exactly what the
requirements file it is built from resolves to. The app is started the way its tests would:
imported, built, and sent one upload through ``fastapi.testclient.TestClient``, in a subprocess
of the fresh venv's interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.version import Version

from depsize.analyze import Settings, analyze
from depsize.cli import main
from depsize.verdicts import Verdict

from .conftest import RealVenv, clean_environ, run

pytestmark = pytest.mark.venv

RELEASES = ("fastapi==0.142.2", "python-multipart==0.0.32", "httpx==0.28.1", "six==1.16.0")
APP = """\
from fastapi import FastAPI, UploadFile

app = FastAPI()


@app.post("/upload")
async def upload(file: UploadFile) -> dict[str, object]:
    data = await file.read()
    return {"name": file.filename, "size": len(data)}
"""
SMOKE = """\
import json
import sys

sys.path.insert(0, sys.argv[1])

from fastapi.testclient import TestClient

import app

client = TestClient(app.app)
response = client.post("/upload", files={"file": ("hello.txt", b"hello world", "text/plain")})
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""
UPLOADED = {"status": 200, "body": {"name": "hello.txt", "size": 11}}
SERVICE = "fastapi==0.142.2\npython-multipart==0.0.32\nhttpx==0.28.1\n"
"""The service's requirements: httpx for its tests' TestClient (starlette imports it)."""


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if Version(metadata.version("pip")) < Version("22.3"):
        pytest.skip("needs pip >= 22.3 in the test environment (pip --python)")
    folder = tmp_path_factory.mktemp("fastapi-wheels")
    run(
        [
            *(sys.executable, "-m", "pip", "download", "--dest", str(folder)),
            *("--disable-pip-version-check", "--no-input", "--quiet", *RELEASES),
        ]
    )
    return folder


def _venv(wheelhouse: Path, prefix: Path, *args: str) -> RealVenv:
    """A venv without pip (the pip running the tests installs into it: no bootstrap per venv)
    holding what ``args`` resolve to from the wheelhouse."""
    run([sys.executable, "-m", "venv", "--without-pip", str(prefix)])
    python = prefix / "bin" / "python"
    run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install"),
            *("--no-index", "--find-links", str(wheelhouse), "--no-compile"),
            *("--disable-pip-version-check", "--no-input", "--quiet", *args),
        ]
    )
    sites = sorted((prefix / "lib").glob("python3.*/site-packages"))
    assert len(sites) == 1, sites
    return RealVenv(prefix=prefix, python=python, site_packages=sites[0])


@pytest.fixture(scope="session")
def service_venv(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> RealVenv:
    """The venv the service is judged in: every release installed (six too)."""
    return _venv(wheelhouse, tmp_path_factory.mktemp("fastapi-venv") / "venv", *RELEASES)


def _project(root: Path, requirements: str) -> Path:
    project = root / "service"
    project.mkdir()
    (project / "app.py").write_text(APP)
    (project / "requirements.txt").write_text(requirements)
    return project


def _verdicts(project: Path, venv: RealVenv) -> dict[str, Verdict]:
    analysis = analyze(Settings(project=project, env_dir=venv.prefix, use_cache=False))
    assert analysis.judgement is not None
    return {v.requirement.name: v for v in analysis.judgement.verdicts}


def _trim(project: Path, venv: RealVenv, output: Path) -> str:
    args = ["trim", str(project), "--env", str(venv.prefix), "--no-cache", "-o", str(output)]
    result = CliRunner().invoke(main, args, env={"DEPSIZE_PROGRESS": "0"})
    assert result.exit_code == 0, result.output
    return result.stderr


def _start_app(venv: RealVenv, project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv.python), "-c", SMOKE, str(project)],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_environ(),
        cwd=project,
        check=False,
    )


def _uploaded(done: subprocess.CompletedProcess[str]) -> object:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _importable(venv: RealVenv, module: str) -> bool:
    code = f"import importlib.util, sys; sys.exit(0 if importlib.util.find_spec({module!r}) else 1)"
    done = subprocess.run(
        [str(venv.python), "-c", code], env=clean_environ(), capture_output=True, check=False
    )
    return done.returncode == 0


def test_analyze__fastapi_upload_app__python_multipart_used_by_fastapi_code(
    service_venv: RealVenv, tmp_path: Path
) -> None:
    verdicts = _verdicts(_project(tmp_path, SERVICE), service_venv)
    multipart = verdicts["python-multipart"]
    first = multipart.evidence[0]
    assert first.file is not None
    assert first.line is not None
    source = first.file.read_text(encoding="utf-8").splitlines()[first.line - 1]

    assert verdicts["fastapi"].status == "used"
    assert multipart.status == "used-by-dependency"
    assert first.kind == "dependency"
    assert first.file.relative_to(service_venv.site_packages).as_posix() == (
        "fastapi/dependencies/utils.py"
    )
    assert source.strip() == "from python_multipart import __version__"
    assert "for fastapi's ensure_multipart_is_installed" in first.text
    listed = [e.text for e in multipart.evidence if e.text.startswith("listed in")]
    assert len(listed) == 1
    assert "fastapi[standard]" in listed[0]
    assert verdicts["httpx"].status == "used-by-dependency"


def test_trim__fastapi_upload_app__nothing_removed_and_fresh_venv_serves_an_upload(
    wheelhouse: Path, service_venv: RealVenv, tmp_path: Path
) -> None:
    project = _project(tmp_path, SERVICE)
    output = tmp_path / "requirements.trimmed.txt"

    messages = _trim(project, service_venv, output)
    # trim writes no file when it removes nothing: the requirements then stay as they are
    trimmed = output if output.exists() else project / "requirements.txt"
    fresh = _venv(wheelhouse, tmp_path / "fresh", "-r", str(trimmed))

    assert _uploaded(_start_app(fresh, project)) == UPLOADED
    assert _importable(fresh, "python_multipart")
    assert "nothing to change" in messages
    assert not output.exists()


def test_trim__fastapi_upload_app_with_unused_six__six_removed_and_fresh_venv_serves_an_upload(
    wheelhouse: Path, service_venv: RealVenv, tmp_path: Path
) -> None:
    project = _project(tmp_path, SERVICE + "six==1.16.0\n")
    output = tmp_path / "requirements.trimmed.txt"
    verdicts = _verdicts(project, service_venv)
    assert (verdicts["six"].status, verdicts["six"].confidence) == ("unused", "certain")

    _trim(project, service_venv, output)
    trimmed = output.read_text()
    fresh = _venv(wheelhouse, tmp_path / "fresh", "-r", str(output))

    assert trimmed.splitlines()[:3] == SERVICE.splitlines()
    assert trimmed.splitlines()[3].startswith('# depsize: removed "six==1.16.0" (unused')
    assert _importable(service_venv, "six")
    assert not _importable(fresh, "six")
    assert _uploaded(_start_app(fresh, project)) == UPLOADED


def test_start_app__fresh_venv_without_python_multipart__fails_at_route_registration(
    wheelhouse: Path, tmp_path: Path
) -> None:
    """The control: the smoke run does catch the outage a wrong removal would cause."""
    project = _project(tmp_path, "")
    fresh = _venv(wheelhouse, tmp_path / "fresh", "fastapi==0.142.2", "httpx==0.28.1")

    done = _start_app(fresh, project)

    assert done.returncode != 0
    assert 'Form data requires "python-multipart" to be installed' in done.stderr
