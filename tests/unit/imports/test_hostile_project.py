"""Hostile project files: FIFOs, devices, symlink loops, NUL bytes, deep nesting.

Each is read by the real functions from a real folder in ``tmp_path``; what cannot be read is a
warning naming the file, never a hang, a traceback or an exit code of 3.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from depsize.errors import InputError
from depsize.imports import analyze_imports
from depsize.imports.commands import read_commands
from depsize.imports.entries import command_entries
from depsize.imports.extract import scan_bytes, scan_file
from depsize.imports.files import iter_source_files, notebook_source
from depsize.imports.repo import config_entries, section_lines
from depsize.imports.toolplugins import mkdocs_names
from depsize.models import ScanWarning
from support.site_packages import DistSpec, make_site_packages

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
FIFO_NAMES = (
    ".gitignore",
    "Procfile",
    "Makefile",
    "tox.ini",
    "Dockerfile",
    "docker-compose.yml",
    ".github/workflows/ci.yml",
    "pyproject.toml",
    "setup.cfg",
    "app/settings.ini",
)


def _project(root: Path) -> Path:
    project = root / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "main.py").write_text("import click\n")
    (project / "requirements.txt").write_text("click\n")
    return project


def _warned(warnings: list[ScanWarning] | tuple[ScanWarning, ...]) -> dict[str, str]:
    return {w.file.name: w.message for w in warnings if w.file is not None}


@needs_fifo
def test_analyze_imports__fifo_project_files__warned_and_skipped(tmp_path: Path) -> None:
    project = _project(tmp_path)
    for rel in (*FIFO_NAMES, "app/pipe.py", "nb.ipynb"):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(project / rel)
    (project / "app" / "loop.py").symlink_to("loop.py")
    (project / "app" / "dangling.py").symlink_to("nowhere.py")
    code = (
        "import sys\nfrom pathlib import Path\nfrom depsize.imports import analyze_imports\n"
        "result = analyze_imports(Path(sys.argv[1]), (3, 11), use_cache=False)\n"
        "for w in result.warnings: print(w)\n"
    )
    # a subprocess with a timeout: a blocking open() of a FIFO would hang here, not fail
    done = subprocess.run(
        [sys.executable, "-c", code, str(project)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for name in (".gitignore", "Procfile", "Makefile", "tox.ini", "Dockerfile", "ci.yml"):
        assert f"{name}: not a regular file (a FIFO); not read" in done.stdout, name
    assert "pyproject.toml: cannot read for package folders: not a regular file" in done.stdout
    assert "app/pipe.py: not a regular file (a FIFO); not read" in done.stdout
    assert "nb.ipynb: not a regular file (a FIFO); not read" in done.stdout
    assert "app/loop.py: cannot read: Too many levels of symbolic links" in done.stdout
    assert "dangling.py" not in done.stdout


@needs_fifo
def test_scan_file__fifo_named_like_a_source__error_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "mod.py"
    os.mkfifo(fifo)
    key, scan = scan_file(str(fifo))
    assert key is None
    assert scan.error == "not a regular file (a FIFO); not read"


def test_read_commands__nul_byte_in_procfile__line_skipped_with_warning(tmp_path: Path) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_bytes(b"web: python ma\0in.py\nworker: celery -A tasks worker\n")
    warnings: list[ScanWarning] = []
    commands = read_commands(procfile, warnings)
    assert [c.argv for c in commands] == [("celery", "-A", "tasks", "worker")]
    assert warnings == [ScanWarning("a command holds a NUL byte; skipped", procfile, 1)]


@pytest.mark.parametrize("name", ["Procfile", "Dockerfile", "Makefile", "tox.ini"])
def test_read_commands__dev_zero_as_command_file__warned(tmp_path: Path, name: str) -> None:
    (tmp_path / name).symlink_to("/dev/zero")
    warnings: list[ScanWarning] = []
    assert read_commands(tmp_path / name, warnings) == []
    assert _warned(warnings) == {name: "not a regular file (a character device); not read"}


def test_read_commands__symlink_loop__warned(tmp_path: Path) -> None:
    (tmp_path / "Procfile").symlink_to("Procfile")
    warnings: list[ScanWarning] = []
    assert read_commands(tmp_path / "Procfile", warnings) == []
    assert "Too many levels of symbolic links" in _warned(warnings)["Procfile"]


def test_command_entries__script_is_loop_or_nul__no_entry_no_crash(tmp_path: Path) -> None:
    (tmp_path / "loop.py").symlink_to("loop.py")
    (tmp_path / "run.py").write_text("print(1)\n")
    (tmp_path / "Procfile").write_bytes(
        b"a: python loop.py\nb: gunicorn -c loop.py app:app\nc: python run.py\n"
    )
    commands = read_commands(tmp_path / "Procfile")
    found = list(command_entries(commands, tmp_path))
    modules = [e.module for e in found]
    assert f"file:{(tmp_path / 'run.py').resolve()}" in modules
    assert "app" in modules  # the app spec of line b is still an entry
    assert not any("loop.py" in m for m in modules)


def test_read_commands__dockerfile_exec_form_nested_deeply__kept_as_text(
    tmp_path: Path,
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "Dockerfile").write_text(f'CMD {deep}\nCMD ["uvicorn", "app:app", ["x"]]\n')
    commands = read_commands(tmp_path / "Dockerfile")
    assert commands[-1].argv == ("uvicorn", "app:app")
    assert commands[0].line == 1  # the unreadable exec form stays a (harmless) shell form


def test_read_commands__long_backslash_continuation__joined(tmp_path: Path) -> None:
    lines = ["\tpython -m app \\"] + ["\t  --flag \\"] * 50_000 + ["\t  --last"]
    (tmp_path / "Makefile").write_text("run:\n" + "\n".join(lines) + "\n")
    (tmp_path / "tox.ini").write_text(
        "[testenv]\ncommands =\n    pytest \\\n" + "    -x \\\n" * 50_000 + "    -q\n"
    )
    make = read_commands(tmp_path / "Makefile")
    assert len(make) == 1
    assert make[0].argv[:3] == ("python", "-m", "app")
    assert make[0].argv[-1] == "--last"
    assert len(make[0].argv) == 3 + 50_000 + 1
    tox = read_commands(tmp_path / "tox.ini")
    assert [len(c.argv) for c in tox] == [1 + 50_000 + 1]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"cells": 5}, "\n"),
        ({"cells": [1, "x", None]}, "\n"),
        ({"cells": [{"cell_type": "code", "source": 7}]}, "\n"),
        (
            {"cells": [{"cell_type": "code", "source": [1, "import a\n", None, "import b"]}]},
            "import a\nimport b\n\n",
        ),
        ([1, 2], "\n"),
    ],
)
def test_notebook_source__wrong_types__skipped(doc: object, expected: str) -> None:
    assert notebook_source(json.dumps(doc).encode()) == expected


def test_scan_bytes__notebook_nested_deeply__error_not_crash() -> None:
    data = ("[" * 200_000 + "]" * 200_000).encode()
    scan = scan_bytes(data, notebook=True)
    assert scan.error == "not a notebook: JSON nested too deeply"
    assert scan.error_line == 1


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "(" * 100_000 + ")" * 100_000 + "\n",
        "x = " + "-" * 200_000 + "1\n",
        "x = " + "[" * 5_000 + "]" * 5_000 + "\n",
        "importlib.import_module(" + "a." * 20_000 + "b)\n",
    ],
)
def test_scan_bytes__deeply_nested_expressions__error_or_result(source: str) -> None:
    for fast in (True, False):
        scan = scan_bytes(source.encode(), fast=fast)
        assert scan.error is None or scan.error_line is not None


def test_analyze_imports__deep_toml_in_pyproject__warning_names_file(tmp_path: Path) -> None:
    project = _project(tmp_path)
    deep = "[" * 50_000 + "]" * 50_000
    (project / "pyproject.toml").write_text(f"[project]\nname = 'x'\nscripts = {deep}\n")
    result = analyze_imports(project, (3, 11), use_cache=False)
    messages = [str(w) for w in result.warnings]
    assert any(
        m.endswith("pyproject.toml: cannot read for package folders: nested too deeply")
        for m in messages
    ), messages
    assert any(m.endswith("cannot read for entry points: nested too deeply") for m in messages)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_iter_source_files__unreadable_subfolder__warning_and_rest_scanned(
    tmp_path: Path,
) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.py").write_text("import os\n")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.py").write_text("import os\n")
    (tmp_path / "locked").chmod(0)
    try:
        warnings: list[ScanWarning] = []
        files = list(iter_source_files(tmp_path, (), warnings))
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert files == [tmp_path / "ok" / "a.py"]
    assert [w.file for w in warnings] == [tmp_path / "locked"]


def test_iter_source_files__root_cannot_be_listed__input_error(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    with pytest.raises(InputError, match="cannot list the project folder") as caught:
        list(iter_source_files(tmp_path / "loop", (), []))
    assert caught.value.path == tmp_path / "loop"


def test_scan_cli__hostile_command_files__exit_0_with_warnings(tmp_path: Path) -> None:
    built = make_site_packages(tmp_path, [DistSpec("click", files={"click/__init__.py": 10})])
    project = _project(tmp_path)
    (project / "Procfile").write_bytes(b"web: python \0bad.py\nw2: python loop.py\n")
    (project / "loop.py").symlink_to("loop.py")
    (project / "Dockerfile").symlink_to("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-m", "depsize", "scan", str(project), "--env", str(built.prefix)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Procfile:1: a command holds a NUL byte; skipped" in done.stdout
    assert "Dockerfile: not a regular file (a character device); not read" in done.stdout


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("setup.cfg", "[" + " " * 200_000 + "x"),  # once cubic: minutes for 5,000 spaces
        ("tox.ini", "[[" + " " * 200_000),
        ("pyproject.toml", "[tool" + " \t" * 100_000 + "]]]"),
    ],
)
def test_config_entries__header_of_spaces__read_at_once(
    tmp_path: Path, name: str, line: str
) -> None:
    path = tmp_path / name
    path.write_text(f"{line}\n[ok]\nkey = 1\n")
    start = time.perf_counter()
    entries = config_entries(path)
    sections = section_lines(path)
    assert time.perf_counter() - start < 2.0
    assert [(e.section, e.key, e.value) for e in entries] == [("ok", "key", "1")]
    assert sections == [("ok", 2)]


def test_mkdocs_names__key_then_spaces__read_at_once(tmp_path: Path) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text("theme:" + " " * 200_000 + "x\nplugins: [search, 'mkdocstrings'] # c\n")
    start = time.perf_counter()
    names = mkdocs_names(path)
    assert time.perf_counter() - start < 2.0
    found = [(n.kind, n.name) for n in names]
    assert found[:3] == [("theme", "x"), ("plugin", "search"), ("plugin", "mkdocstrings")]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("docker-compose.yml", " " * 200_000 + "x\n    command: uvicorn app:app\n"),
        (".github/workflows/ci.yml", "\t" * 200_000 + "\n      - run: pytest -x\n"),
        (".pre-commit-config.yaml", " " * 200_000 + "\n    entry: mypy src\n"),
        ("run.sh", "echo" + " " * 200_000 + "x\npython -m app\n"),
        (".gitlab-ci.yml", "  script: make ${{ a" + " ${{" * 60_000 + "\n  script: pytest\n"),
    ],
)
def test_read_commands__long_runs_of_spaces_or_open_expressions__linear(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    start = time.perf_counter()
    commands = read_commands(path)
    assert time.perf_counter() - start < 2.0
    assert commands[-1].argv[0] in {"uvicorn", "pytest", "mypy", "python"}


def test_scan_bytes__syntax_error_after_many_blank_lines__reported_at_once() -> None:
    data = b"\n" * 300_000 + b"def (:\n"
    start = time.perf_counter()
    scan = scan_bytes(data, fast=False)
    assert time.perf_counter() - start < 2.0
    assert scan.error == "syntax error: invalid syntax"
    assert scan.error_line == 300_001
