"""Commands the project runs or configures, joined with the env's console scripts.

A program a command file runs is used as a command when an installed distribution installs a
console script of that name (``uvicorn app:app`` in a Procfile); ``python -m mod`` uses the
distribution that provides ``mod``. A tool the configuration names (``[tool.ruff]``, a
pre-commit hook) is a command only for an installed distribution of that name (or owning a
console script of that name) that installs a command: a tool, not a library that happens to
share a section name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from packaging.utils import NormalizedName, canonicalize_name

from depsize.imports.commands import Command
from depsize.imports.entries import PYTHON_PROGRAM
from depsize.join.model import CommandUse
from depsize.mapping import ImportMapper
from depsize.models import InstalledDist

if TYPE_CHECKING:
    from depsize.imports.devtools import ToolConfig


def console_script_owners(
    dists: Mapping[NormalizedName, InstalledDist],
) -> dict[str, NormalizedName]:
    """Console / GUI script name → the distribution that installs it."""
    owners: dict[str, NormalizedName] = {}
    for dist in sorted(dists.values(), key=lambda d: d.name):
        for script in dist.console_scripts:
            owners.setdefault(script, dist.name)
    return owners


def command_uses(
    commands: Iterable[Command],
    dists: Mapping[NormalizedName, InstalledDist],
    mapper: ImportMapper,
) -> list[CommandUse]:
    """Console scripts run by the project's command files, and ``python -m <dist module>``."""
    owners = console_script_owners(dists)
    uses: list[CommandUse] = []
    for cmd in commands:
        program = cmd.argv[0].rsplit("/", 1)[-1]
        owner = owners.get(program)
        if owner is not None:
            uses.append(CommandUse(owner, program, cmd.file, cmd.line, cmd.text))
            continue
        module = _python_m(cmd.argv)
        if module is None:
            continue
        found = mapper.installed(module)
        uses.extend(
            CommandUse(dist, f"python -m {module}", cmd.file, cmd.line, cmd.text)
            for dist in (found[1] if found else ())
        )
    return uses


def _python_m(argv: tuple[str, ...]) -> str | None:
    if not PYTHON_PROGRAM.match(argv[0]):
        return None
    args = list(argv[1:])
    for i, arg in enumerate(args):
        if arg == "-m" and i + 1 < len(args):
            return args[i + 1]
        if not arg.startswith("-"):
            return None
    return None


def tool_command_uses(
    configs: Iterable[ToolConfig],
    dists: Mapping[NormalizedName, InstalledDist],
    script_owners: Mapping[str, NormalizedName],
) -> list[CommandUse]:
    """Configured tools that an installed distribution with a command provides."""
    uses: list[CommandUse] = []
    for config in configs:
        for dist in _tool_dists(config.names, dists, script_owners):
            text = f"configured by {config.what}"
            uses.append(CommandUse(dist, config.what, config.file, config.line, text, run=False))
    return uses


def _tool_dists(
    names: Iterable[str],
    dists: Mapping[NormalizedName, InstalledDist],
    script_owners: Mapping[str, NormalizedName],
) -> list[NormalizedName]:
    found: list[NormalizedName] = []
    for name in names:
        dist = dists.get(canonicalize_name(name))
        if dist is not None and dist.console_scripts:
            found.append(dist.name)
        elif name in script_owners:
            found.append(script_owners[name])
    return list(dict.fromkeys(found))
