"""Distributions used without an ``import``: commands, configured tools, plugins with proof of
use, URL-named drivers and type stubs. :func:`uses_without_import` gathers them all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from packaging.utils import NormalizedName, canonicalize_name

from depsize.imports.commands import Command
from depsize.imports.devtools import tool_command_uses, tool_configs, type_checker
from depsize.imports.entries import PYTHON_PROGRAM
from depsize.imports.model import CommandUse, FileScan, ImportSite, PluginUse, StubUse
from depsize.imports.pytestapi import pytest_entry_points, read_pytest_api
from depsize.imports.pytestuse import PytestPlugin, pytest_plugin_uses, pytest_settings
from depsize.imports.repo import ConfigEntry, folder_entries
from depsize.imports.stubs import stub_uses
from depsize.imports.toolplugins import (
    docs_names,
    docs_plugin_uses,
    flake8_plugin_uses,
    pylint_plugin_uses,
)
from depsize.mapping import ImportMapper
from depsize.models import InstalledDist

PluginRule = Literal["proof", "install", "unproven"]
"""How a plugin group is judged: ``proof`` — used only when the project uses or names the plugin
(:mod:`.pytestuse`, :mod:`.toolplugins`); ``install`` — its consumer loads every installed plugin,
so it acts once the consumer is used; ``unproven`` — its consumer loads it by a name depsize does
not read: no proof of use, but an absence of imports is then only ``likely``."""

PLUGIN_GROUPS: dict[str, tuple[str, PluginRule]] = {
    "pytest11": ("pytest", "proof"),
    "mkdocs.plugins": ("mkdocs", "proof"),
    "mkdocs.themes": ("mkdocs", "proof"),
    "sphinx.html_themes": ("sphinx", "proof"),
    "flake8.extension": ("flake8", "proof"),
    "flake8.report": ("flake8", "proof"),
    "pylint.plugins": ("pylint", "proof"),
    "markdown.extensions": ("markdown", "unproven"),
    "sqlalchemy.dialects": ("sqlalchemy", "unproven"),
    "sqlalchemy.plugins": ("sqlalchemy", "unproven"),
    "babel.extractors": ("babel", "unproven"),
    "pygments.lexers": ("pygments", "unproven"),
    "pygments.styles": ("pygments", "unproven"),
    "fsspec.specs": ("fsspec", "unproven"),
    "pandas_plotting_backends": ("pandas", "unproven"),
    "celery.result_backends": ("celery", "unproven"),
    "jupyter_client.kernel_provisioners": ("jupyter-client", "unproven"),
    "distutils.commands": ("setuptools", "unproven"),
    "keyring.backends": ("keyring", "install"),
    "opentelemetry_instrumentor": ("opentelemetry-instrumentation", "install"),
    "pydantic": ("pydantic", "install"),
    "tox": ("tox", "install"),
    "airflow.plugins": ("apache-airflow", "install"),
    "dask.sizeof": ("dask", "install"),
    "hatch": ("hatchling", "install"),
    "setuptools.finalize_distribution_options": ("setuptools", "install"),
}
"""Entry-point group → the distribution that loads the plugins registered in it, and the rule."""


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


def entry_point_plugin_uses(
    dists: Mapping[NormalizedName, InstalledDist], used: Iterable[NormalizedName]
) -> tuple[list[PluginUse], list[PluginUse]]:
    """Plugins of a used consumer that loads every installed one; and those it loads by a name
    depsize does not read (unproven). Groups judged by proof are left to their readers."""
    used_set = set(used)
    acting: list[PluginUse] = []
    unproven: list[PluginUse] = []
    for dist in sorted(dists.values(), key=lambda d: d.name):
        for group in sorted({ep.group for ep in dist.entry_points if ep.group in PLUGIN_GROUPS}):
            consumer, rule = PLUGIN_GROUPS[group]
            consumer_name = canonicalize_name(consumer)
            if consumer_name not in used_set or consumer_name == dist.name or rule == "proof":
                continue
            if rule == "install":
                reason = f"{group} plugin: {consumer} loads every installed one"
                acting.append(PluginUse(dist.name, reason))
            else:
                reason = f"registers a {group} plugin for {consumer}, which the project uses"
                unproven.append(PluginUse(dist.name, reason))
    return acting, unproven


@dataclass(frozen=True)
class UseContext:
    """What the import stage knows when it looks for use without import."""

    folders: tuple[Path, ...]
    """The project folder, then each folder above it up to the repository root."""
    dists: Mapping[NormalizedName, InstalledDist]
    mapper: ImportMapper
    commands: tuple[Command, ...]
    """Commands of the command files of ``folders``."""
    sites: tuple[ImportSite, ...]
    test_files: tuple[Path, ...]
    """The project's test modules (``tests/``, ``test_*.py``, ``conftest.py``)."""
    scans: Mapping[Path, FileScan]


@dataclass(frozen=True)
class UsesFound:
    commands: tuple[CommandUse, ...]
    plugins: tuple[PluginUse, ...]
    unproven_plugins: tuple[PluginUse, ...]
    stubs: tuple[StubUse, ...]


def uses_without_import(ctx: UseContext) -> UsesFound:
    """Commands run or configured, plugins proven or acting on install, drivers, stubs."""
    configs = tool_configs(ctx.folders)
    owners = console_script_owners(ctx.dists)
    commands = command_uses(ctx.commands, ctx.dists, ctx.mapper)
    commands += tool_command_uses(configs, ctx.dists, owners)
    used = {d for s in ctx.sites if not s.first_party for d in ctx.mapper.providers(s.candidates())}
    used |= {c.dist for c in commands}
    entries = folder_entries(ctx.folders)
    acting, unproven = entry_point_plugin_uses(ctx.dists, used)
    plugins = _proven_plugins(ctx, entries, used) + acting
    checker = type_checker(configs, ctx.commands)
    stubs = stub_uses(ctx.dists, ctx.sites, checker)
    return UsesFound(tuple(commands), tuple(plugins), tuple(unproven), tuple(stubs))


def _proven_plugins(
    ctx: UseContext, entries: list[ConfigEntry], used: set[NormalizedName]
) -> list[PluginUse]:
    dists = sorted(ctx.dists.values(), key=lambda d: d.name)
    pytest_plugins = [
        PytestPlugin(d, read_pytest_api(d))
        for d in dists
        if d.name != "pytest" and pytest_entry_points(d)
    ]
    settings = pytest_settings(entries, ctx.commands)
    pytest_used = "pytest" in used or bool(ctx.test_files)
    uses = pytest_plugin_uses(pytest_plugins, ctx.test_files, settings, pytest_used)
    uses += docs_plugin_uses(docs_names(ctx.folders), ctx.dists, ctx.mapper)
    uses += flake8_plugin_uses(ctx.dists, entries, ctx.commands, "flake8" in used)
    uses += pylint_plugin_uses(entries, ctx.mapper)
    return uses
