"""Entry points of a project: the modules and scripts something starts.

Found from file names (``__main__.py``, ``main.py``, ``app.py``, ``manage.py``, ``wsgi.py``,
``asgi.py``), ``if __name__ == "__main__"`` guards, ``pyproject.toml`` scripts and entry points,
and the commands of :mod:`depsize.imports.commands` (``uvicorn pkg.main:app``, ``python -m pkg``,
``celery -A proj worker``, ``streamlit run app.py``, ...), plus those the caller names.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from depsize import safeio
from depsize.imports.commands import Command
from depsize.imports.layout import ProjectLayout
from depsize.imports.model import EntryPointFound, FileScan
from depsize.models import ScanWarning
from depsize.safeio import UnreadableFileError

ENTRY_FILE_NAMES = frozenset(
    {"__main__.py", "main.py", "app.py", "manage.py", "wsgi.py", "asgi.py", "gunicorn.conf.py"}
)
"""``gunicorn.conf.py`` is the configuration gunicorn reads from its working folder."""
_APP_SPEC = re.compile(r"^([A-Za-z_][\w.]*)(?::[A-Za-z_][\w.]*(?:\(.*\))?)?$")
PYTHON_PROGRAM = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?$")
_APP_SERVERS = frozenset(
    {"uvicorn", "gunicorn", "hypercorn", "daphne", "granian", "waitress-serve"}
)
_FILE_RUNNERS = {
    "streamlit": "run",
    "fastapi": None,
    "panel": "serve",
    "gradio": None,
    "chainlit": "run",
    "locust": None,
}
_APP_OPTIONS = frozenset({"-A", "--app"})


def file_entries(
    layout: ProjectLayout, scans: Mapping[Path, FileScan]
) -> Iterator[EntryPointFound]:
    """Entries found from file names and ``__main__`` guards (test files excluded).

    ``__main__.py`` counts anywhere; ``main.py``, ``app.py``, ``wsgi.py``... only at the top or one
    package down (``pkg/wsgi.py``), not deep inside a library (``django/core/handlers/wsgi.py``).
    """
    for path, info in layout.by_path.items():
        if info.is_test:
            continue
        if path.name == "__main__.py" or (
            path.name in ENTRY_FILE_NAMES and info.module.count(".") <= 1
        ):
            yield EntryPointFound(info.module, path.name, path)
        scan = scans.get(path)
        if scan is not None and scan.main_guard and path.name not in ENTRY_FILE_NAMES:
            yield EntryPointFound(info.module, 'if __name__ == "__main__"', path)


def pyproject_entries(root: Path, warnings: list[ScanWarning]) -> Iterator[EntryPointFound]:
    """``[project.scripts]``, ``[project.gui-scripts]``, ``[project.entry-points]``, poetry."""
    path = root / "pyproject.toml"
    if sys.version_info >= (3, 11):
        import tomllib  # lazy: only projects with a pyproject.toml need it
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # lazy: same
    try:
        data = tomllib.loads(safeio.read_text(path, errors="strict"))
    except UnreadableFileError as exc:
        if not exc.missing:
            warnings.append(ScanWarning(f"cannot read for entry points: {exc.reason}", path))
        return
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
        warnings.append(ScanWarning(f"cannot read for entry points: {reason}", path))
        return
    project = _table(data, "project")
    tables: list[tuple[str, Any]] = [
        ("[project.scripts]", project.get("scripts", {})),
        ("[project.gui-scripts]", project.get("gui-scripts", {})),
        ("[tool.poetry.scripts]", _table(_table(data, "tool"), "poetry").get("scripts", {})),
    ]
    for group, table in _table(project, "entry-points").items():
        tables.append((f"[project.entry-points.{group}]", table))
    for where, table in tables:
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            spec = value.get("callable", "") if isinstance(value, dict) else str(value)
            module = spec.split(":", 1)[0].strip()
            if module:
                yield EntryPointFound(module, f"pyproject {where} {name}", path)


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    """``data[key]`` when it is a table, else ``{}`` (a value of another type is ignored)."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def command_entries(commands: Iterable[Command], root: Path) -> Iterator[EntryPointFound]:
    """Entries named by commands: a module (``pkg.main``) or a script path made a module name."""
    for command in commands:
        config = _server_config(command.argv)
        how = f"{command.file.name}:{command.line}"
        script = _script(command.file.parent, root, config) if config is not None else None
        if script is not None:
            yield EntryPointFound(f"file:{script}", how, command.file, command.line)
        target = command_target(command.argv)
        if target is None:
            continue
        kind, value = target
        if kind == "module":
            yield EntryPointFound(value, how, command.file, command.line)
        else:
            script = _script(command.file.parent, root, value)
            if script is not None:
                yield EntryPointFound(f"file:{script}", how, command.file, command.line)


def _script(folder: Path, root: Path, value: str) -> Path | None:
    """The file a command names, next to its command file or else in the project root;
    ``None`` for a name no file can have (a NUL byte) or a path that cannot be resolved (a
    symlink loop). The file is not read here."""
    try:
        script = (folder / value).resolve()
        return script if script.exists() else (root / value).resolve()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None


def command_target(argv: tuple[str, ...]) -> tuple[str, str] | None:  # noqa: PLR0911 - one branch per launcher
    """``("module", "pkg.main")`` or ``("file", "path/x.py")`` for a command, else ``None``."""
    program = argv[0].rsplit("/", 1)[-1]
    args = list(argv[1:])
    if PYTHON_PROGRAM.match(argv[0]):
        return _python_target(args)
    if program in _APP_SERVERS:
        return _app_target(args)
    if program in {"celery", "flask"}:
        for i, arg in enumerate(args):
            if arg in _APP_OPTIONS and i + 1 < len(args):
                return "module", _module_of(args[i + 1])
            if arg.startswith("--app="):
                return "module", _module_of(arg.split("=", 1)[1])
        return None
    if program in _FILE_RUNNERS:
        scripts = [a for a in args if a.endswith(".py")]
        return ("file", scripts[0]) if scripts else None
    if program.endswith(".py"):
        return "file", argv[0]
    return None


def _server_config(argv: tuple[str, ...]) -> str | None:
    """The Python configuration file an app server is told to read (``gunicorn -c conf.py``)."""
    if argv[0].rsplit("/", 1)[-1] not in _APP_SERVERS:
        return None
    for i, arg in enumerate(argv[1:], start=1):
        value = argv[i + 1] if arg in ("-c", "--config") and i + 1 < len(argv) else ""
        value = arg.split("=", 1)[1] if arg.startswith("--config=") else value
        if value.endswith(".py"):
            return value.removeprefix("python:")
    return None


def _python_target(args: list[str]) -> tuple[str, str] | None:
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-m" and i + 1 < len(args):
            return "module", args[i + 1]
        if arg.startswith("-m") and len(arg) > 2:
            return "module", arg[2:]
        if arg == "-c":
            return None
        if not arg.startswith("-"):
            return ("file", arg) if arg.endswith(".py") else None
        i += 1
    return None


def _app_target(args: list[str]) -> tuple[str, str] | None:
    specs = [a for a in args if not a.startswith("-") and ":" in a and _APP_SPEC.match(a)]
    if specs:
        return "module", _module_of(specs[-1])
    plain = [a for a in args if not a.startswith("-") and _APP_SPEC.match(a) and "." in a]
    return ("module", _module_of(plain[-1])) if plain else None


def _module_of(spec: str) -> str:
    module = spec.split(":", 1)[0]
    return module[:-3].replace("/", ".") if module.endswith(".py") else module
