"""Development tools a project configures: ``[tool.X]``, ``X.ini``, ``.Xrc``, pre-commit hooks.

A tool whose configuration the project carries is one the project uses, even when no file runs
it (developers do): ``[tool.ruff]`` in pyproject, ``mypy.ini``, ``.flake8``, ``setup.cfg
[isort]``, ``tox.ini`` (tox), ``noxfile.py`` (nox), ``.pre-commit-config.yaml`` (pre-commit or
prek, and each hook it lists). They are looked for in the project folder and each folder above
it up to the repository root (:func:`depsize.imports.repo.config_folders`).

Each is a :class:`ToolConfig` in the project's terms; :mod:`depsize.join.commands` makes it a
command use only for an installed distribution of that name (or owning a console script of
that name) that installs a command: a tool, not a library that happens to share a section name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from depsize.imports.commands import PRE_COMMIT_CONFIGS, Command
from depsize.imports.entries import PYTHON_PROGRAM
from depsize.imports.model import TypeCheckerUse
from depsize.imports.repo import read_text, section_lines
from depsize.records import dataclass

NAMED_CONFIGS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(PRE_COMMIT_CONFIGS, ("pre-commit", "prek")),
    "tox.ini": ("tox",),
    "noxfile.py": ("nox",),
    "pyrightconfig.json": ("pyright", "basedpyright"),
    "mkdocs.yml": ("mkdocs",),
    "mkdocs.yaml": ("mkdocs",),
}
"""Configuration files whose name is not the tool's own."""

TYPE_CHECKERS = frozenset(
    {"mypy", "dmypy", "pyright", "basedpyright", "pytype", "pyre", "pyrefly", "ty"}
)
"""Tools (and their commands) that read type stubs."""

_CONFIG_SUFFIXES = (".ini", ".toml", ".cfg", ".json", ".yaml", ".yml")
_NOT_TOOL_FILES = frozenset({"pyproject.toml", "setup.cfg", "package.json", "tsconfig.json"})
_SECTION_FILES = ("pyproject.toml", "setup.cfg", "tox.ini")
_HOOK = re.compile(r"^\s*(?:-\s*)?(id|repo)\s*:\s*['\"]?([^'\"#\s]+)")


@dataclass(frozen=True)
class ToolConfig:
    """A tool named by the project's configuration: a file, a section or a pre-commit hook."""

    names: tuple[str, ...]
    """The tool's name as the configuration says it (``ruff``; ``pre-commit``, ``prek``)."""
    file: Path
    line: int
    what: str
    """``[tool.ruff]``, ``mypy.ini``, ``pre-commit hook mypy``."""


def tool_configs(folders: Sequence[Path]) -> list[ToolConfig]:
    """Every tool configuration in ``folders`` (the project's, then those above it)."""
    found: list[ToolConfig] = []
    for folder in folders:
        try:
            files = sorted(p for p in folder.iterdir() if p.is_file())
        except OSError:
            continue
        for path in files:
            found.extend(_configs_in(path))
    return found


def _configs_in(path: Path) -> Iterator[ToolConfig]:
    name = path.name
    names = NAMED_CONFIGS.get(name) or _tool_of_file(name)
    if names:
        yield ToolConfig(names, path, 1, name)
    if name in _SECTION_FILES:
        for section, line in section_lines(path):
            tool = _tool_of_section(section, name == "pyproject.toml")
            if tool:
                label = f"[{section}]" + ("" if name == "pyproject.toml" else f" in {name}")
                yield ToolConfig((tool,), path, line, label)
    if name in PRE_COMMIT_CONFIGS:
        yield from _pre_commit_hooks(path)


def _tool_of_file(name: str) -> tuple[str, ...]:
    """``mypy.ini`` → mypy, ``.ruff.toml`` → ruff, ``.pylintrc`` → pylint, ``.flake8`` → flake8."""
    if name in _NOT_TOOL_FILES or name.startswith("requirements"):
        return ()
    stem = name[1:] if name.startswith(".") else name
    for suffix in _CONFIG_SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    else:
        if not name.startswith(".") and not name.endswith("rc"):
            return ()
        stem = stem.removesuffix("rc") if stem.endswith("rc") and len(stem) > 2 else stem
    return (stem,) if re.fullmatch(r"[A-Za-z][\w.-]*", stem) else ()


def _tool_of_section(section: str, pyproject: bool) -> str | None:
    """``tool.ruff.lint`` → ruff (pyproject); ``tool:pytest`` → pytest, ``mypy-x.*`` → mypy."""
    if pyproject:
        parts = section.split(".")
        return parts[1].strip("\"'") if len(parts) > 1 and parts[0] == "tool" else None
    if section.startswith("tool:"):
        return section[5:]
    head = section.split(":", 1)[0]
    if head in {"testenv", "tox"} or head.startswith("testenv"):
        return "tox"
    return head.split("-", 1)[0] if head.startswith("mypy-") else head


def _pre_commit_hooks(path: Path) -> Iterator[ToolConfig]:
    """Each hook's ``id`` with the tool its repository is named after (``mirrors-mypy`` → mypy)."""
    text = read_text(path) or ""
    repo = ""
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HOOK.match(line)
        if match is None:
            continue
        if match[1] == "repo":
            repo = _repo_tool(match[2])
            continue
        names = tuple(dict.fromkeys(n for n in (match[2], repo) if n))
        yield ToolConfig(names, path, number, f"pre-commit hook {match[2]}")


def _repo_tool(url: str) -> str:
    """``https://github.com/pre-commit/mirrors-mypy`` → mypy, ``ruff-pre-commit`` → ruff."""
    name = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git").lower()
    if name in {"local", "meta"}:
        return ""
    name = name.removeprefix("mirrors-")
    for suffix in ("-pre-commit-mirror", "-pre-commit-hooks", "-pre-commit"):
        name = name.removesuffix(suffix)
    return name


def type_checker(
    configs: Iterable[ToolConfig], commands: Iterable[Command]
) -> TypeCheckerUse | None:
    """The first type checker the project configures, else the first one a file runs."""
    for config in configs:
        if TYPE_CHECKERS & set(config.names):
            return TypeCheckerUse(config.file, config.line, f"type checker: {config.what}")
    for cmd in commands:
        program = cmd.argv[0].rsplit("/", 1)[-1]
        module = cmd.argv[2] if len(cmd.argv) > 2 and cmd.argv[1] == "-m" else ""
        if program in TYPE_CHECKERS or (PYTHON_PROGRAM.match(program) and module in TYPE_CHECKERS):
            return TypeCheckerUse(cmd.file, cmd.line, f"type checker run: {cmd.text}")
    return None
