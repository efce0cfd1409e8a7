"""Installed pytest plugins the project proves it uses, or that act on install while pytest runs.

What each plugin offers (fixtures, markers, options, ini keys) is read from its installed code
(:mod:`.pytestapi`); what the project asks of pytest comes from the import stage
(:mod:`depsize.imports.pytestuse`): its pytest configuration, the commands that run pytest, and
its test modules, searched for the names the installed plugins offer (so the cost grows with the
plugins installed, not with the size of the test suite).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from depsize.imports.pytestuse import (
    KnownUses,
    PytestSettings,
    Use,
    fixture_and_marker_uses,
    ini_fixture_uses,
    named_plugins,
)
from depsize.join.model import PluginUse
from depsize.join.pytestapi import PytestApi
from depsize.models import InstalledDist
from depsize.records import dataclass


def option_use(api: PytestApi, settings: PytestSettings) -> Use | None:
    """The first option of ``api`` that pytest receives, or ini key of it that is set."""
    for args, file, line, text in settings.arguments():
        for arg in args:
            option = _option_of(arg, api.options)
            if option:
                return Use(f"option {option} ({text})", file, line)
    for entry in settings.entries:
        if entry.key in api.ini_keys:
            return Use(f"ini key {entry.key}", entry.file, entry.line)
    return None


def _option_of(arg: str, options: frozenset[str]) -> str | None:
    """``--cov=src`` → ``--cov``; ``-n4`` → ``-n``; a value that is no option → ``None``."""
    if not arg.startswith("-"):
        return None
    head = arg.split("=", 1)[0]
    if head in options:
        return head
    if not arg.startswith("--") and arg[:2] in options:
        return arg[:2]
    return None


@dataclass(frozen=True)
class PytestPlugin:
    """One installed distribution with a pytest plugin, and what its code offers."""

    dist: InstalledDist
    api: PytestApi


def pytest_plugin_uses(
    plugins: Sequence[PytestPlugin],
    test_files: Iterable[Path],
    settings: PytestSettings,
    pytest_used: bool,
    known: KnownUses | None = None,
) -> list[PluginUse]:
    """Each plugin the project proves it uses, or that acts on install while pytest runs
    (``known``: the test modules' uses kept from earlier runs)."""
    fixtures = {n for p in plugins for n in p.api.fixtures}
    markers = {n for p in plugins for n in p.api.markers}
    uses = fixture_and_marker_uses(test_files, fixtures, markers, known) if plugins else {}
    uses = {**ini_fixture_uses(settings), **uses}
    named, disabled = named_plugins(settings)
    found: list[PluginUse] = []
    for plugin in plugins:
        proof = _proof(plugin, uses, named, settings)
        if proof is not None:
            found.append(PluginUse(plugin.dist.name, proof.what, proof.file, proof.line))
            continue
        reason = _acts_on_install(plugin.api)
        if pytest_used and reason and not disabled & set(_plugin_names(plugin)):
            first = plugin.api.modules[0] if plugin.api.modules else None
            found.append(PluginUse(plugin.dist.name, reason, first))
    return found


def _proof(
    plugin: PytestPlugin,
    uses: Mapping[str, Use],
    named: Mapping[str, Use],
    settings: PytestSettings,
) -> Use | None:
    api = plugin.api
    keys = [f"fixture:{n}" for n in sorted(api.fixtures)]
    keys += [f"marker:{n}" for n in sorted(api.markers)]
    keys += [f"plugins:{n}" for n in _plugin_names(plugin)]
    for key in keys:
        if key in uses:
            return uses[key]
    for name in _plugin_names(plugin):
        if name in named:
            return named[name]
    return option_use(api, settings)


def _plugin_names(plugin: PytestPlugin) -> list[str]:
    """Names ``-p`` and ``pytest_plugins`` may give it: entry names, modules, import names."""
    api = plugin.api
    return list(dict.fromkeys((*api.entry_names, *api.entry_modules, *plugin.dist.import_names)))


def _acts_on_install(api: PytestApi) -> str | None:
    """Why a plugin acts without being asked for, or ``None`` when it waits to be used."""
    if not api.modules:
        return "pytest plugin whose code could not be read: kept, as if it acts on install"
    if api.autouse:
        return f"pytest plugin that acts on install: autouse fixture {api.autouse[0]}"
    if not api.fixtures and not api.markers:
        return "pytest plugin that acts on install: hooks only, no fixtures or markers to use"
    return None
