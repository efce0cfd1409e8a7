"""depsize reads an environment and never runs it: code planted where Python would run it
(``.pth`` import lines, ``sitecustomize``, ``usercustomize``, a package ``__init__``, an
editable finder, the env's own ``bin/python``) writes a marker file if anything executes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.site_packages import BuiltEnv, DistSpec, make_site_packages

DEPSIZE = [sys.executable, "-m", "depsize"]


def _payload(marker: Path, what: str) -> bytes:
    return f"open({str(marker / what)!r}, 'w').write('ran')\n".encode()


def _planted(tmp_path: Path, marker: Path) -> tuple[BuiltEnv, Path]:
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text("import evil\nimport edit_me\n")
    (project / "requirements.txt").write_text("evil\nedit-me\nvictim\n")
    editable = tmp_path / "editable_src"
    (editable / "edit_me").mkdir(parents=True)
    (editable / "edit_me" / "__init__.py").write_bytes(_payload(marker, "editable-init"))
    pth = f"import os; {_payload(marker, 'pth').decode().strip()}\n{editable}\n"
    finder = b"MAPPING = {'edit_me': '/nowhere'}\n" + _payload(marker, "finder")
    built = make_site_packages(
        tmp_path,
        [
            DistSpec(
                "evil",
                contents={
                    "evil/__init__.py": _payload(marker, "package-init"),
                    "evil-hook.pth": b"import sys; " + _payload(marker, "hook-pth"),
                },
                entry_points="[console_scripts]\nevil = evil:main\n",
            ),
            DistSpec("victim", files={"victim.py": 10}),
            DistSpec(
                "edit-me",
                contents={
                    "__editable__.edit_me-1.0.pth": pth.encode(),
                    "__editable___edit_me_1_0_finder.py": finder,
                },
                direct_url={"url": f"file://{editable}", "dir_info": {"editable": True}},
            ),
        ],
    )
    # the used-by-dependency pass reads evil's modules for imports of victim: one is a FIFO
    os.mkfifo(built.site / "evil" / "pipe.py")
    (record,) = built.site.glob("evil-*.dist-info/RECORD")
    record.write_text(record.read_text() + "evil/pipe.py,,\n")
    (built.site / "sitecustomize.py").write_bytes(_payload(marker, "sitecustomize"))
    (built.site / "usercustomize.py").write_bytes(_payload(marker, "usercustomize"))
    (built.site / "zz-loose.pth").write_bytes(b"import os; " + _payload(marker, "loose-pth"))
    python = built.prefix / "bin" / "python"
    python.parent.mkdir()
    python.write_text(f"#!/bin/sh\ntouch {marker / 'bin-python'}\n")
    python.chmod(0o755)
    return built, project


def _run(args: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "CONDA_PREFIX"}}
    env["XDG_CACHE_HOME"] = str(cache)
    return subprocess.run(
        [*DEPSIZE, *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuiltEnv, Path, Path]:
    root = tmp_path_factory.mktemp("planted")
    marker = root / "markers"
    marker.mkdir()
    built, project = _planted(root, marker)
    return built, project, marker


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "--format", "table"],
        ["scan", "--format", "json"],
        ["scan", "--format", "markdown"],
        ["scan", "--format", "html"],
        ["scan", "--format", "json", "--python", "{prefix}/bin/python"],
        ["why", "evil"],
        ["check", "--max-total", "1000000000"],
    ],
)
def test_scan__planted_code__nothing_runs(
    planted: tuple[BuiltEnv, Path, Path], tmp_path: Path, args: list[str]
) -> None:
    built, project, marker = planted
    filled = [a.replace("{prefix}", str(built.prefix)) for a in args]
    where = [] if "--python" in filled else ["--env", str(built.prefix)]
    done = _run([*filled, str(project), *where], tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "evil" in done.stdout or filled[0] == "check"
    assert sorted(p.name for p in marker.iterdir()) == []


def test_planted_code__python_itself__runs_it(tmp_path: Path) -> None:
    """The plants are live: Python's own ``site`` handling of the folder runs them."""
    marker = tmp_path / "markers"
    marker.mkdir()
    built, _project = _planted(tmp_path, marker)
    code = f"import site; site.addsitedir({str(built.site)!r}); import evil, sitecustomize"
    subprocess.run([sys.executable, "-I", "-c", code], check=True, timeout=60)
    assert {"pth", "hook-pth", "loose-pth", "package-init", "sitecustomize"} <= {
        p.name for p in marker.iterdir()
    }
