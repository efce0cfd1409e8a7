"""Plugins a tool loads because the project's configuration names them (mkdocs, Sphinx, flake8,
pylint), joined with the env's entry points and import names; the names themselves are read by
:mod:`depsize.imports.toolplugins`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from packaging.utils import NormalizedName

from depsize.imports.commands import Command
from depsize.imports.repo import ConfigEntry
from depsize.imports.toolplugins import Named
from depsize.join.model import PluginUse
from depsize.mapping import ImportMapper
from depsize.models import InstalledDist

_CODE = re.compile(r"\b([A-Z]+[0-9]*)\b")


_ENTRY_GROUPS = {
    ("mkdocs", "plugin"): "mkdocs.plugins",
    ("mkdocs", "theme"): "mkdocs.themes",
    ("mkdocs", "extension"): "markdown.extensions",
    ("sphinx", "theme"): "sphinx.html_themes",
}


def docs_plugin_uses(
    names: Iterable[tuple[str, Named]],
    dists: Mapping[NormalizedName, InstalledDist],
    mapper: ImportMapper,
) -> list[PluginUse]:
    """The distributions the mkdocs and Sphinx configurations name, each with its line."""
    uses: list[PluginUse] = []
    for tool, named in names:
        group = _ENTRY_GROUPS.get((tool, named.kind))
        providers = _by_entry_point(dists, group, named.name) if group else []
        if not providers:
            module = named.name
            if named.kind == "handler":
                module = f"mkdocstrings_handlers.{named.name}"
            found = mapper.installed(module) if named.kind != "plugin" else None
            providers = list(found[1]) if found else []
        reason = f"{tool} {named.kind} {named.name}"
        uses.extend(PluginUse(d, reason, named.file, named.line) for d in providers if d != tool)
    return uses


def _by_entry_point(
    dists: Mapping[NormalizedName, InstalledDist], group: str, name: str
) -> list[NormalizedName]:
    return [
        d.name
        for d in dists.values()
        if any(e.group == group and e.name == name for e in d.entry_points)
    ]


def flake8_plugin_uses(
    dists: Mapping[NormalizedName, InstalledDist],
    entries: Sequence[ConfigEntry],
    commands: Sequence[Command],
    flake8_used: bool,
) -> list[PluginUse]:
    """flake8 extensions (act on install while flake8 runs) and report formatters named."""
    settings = [e for e in entries if e.section in {"flake8", "tool.flake8"}]
    uses: list[PluginUse] = []
    for dist in sorted(dists.values(), key=lambda d: d.name):
        if dist.name == "flake8":
            continue
        codes = [e.name for e in dist.entry_points if e.group == "flake8.extension"]
        if codes and flake8_used:
            uses.append(_extension_use(dist.name, codes, settings))
        formats = {e.name for e in dist.entry_points if e.group == "flake8.report"}
        chosen = _format_named(formats, settings, commands)
        if chosen is not None:
            uses.append(PluginUse(dist.name, *chosen))
    return uses


def _extension_use(
    dist: NormalizedName, codes: Sequence[str], settings: Sequence[ConfigEntry]
) -> PluginUse:
    for entry in settings:
        for token in _CODE.findall(entry.value):
            if any(_has_prefix(token, code) for code in codes):
                reason = f"flake8 code {token} in {entry.key}"
                return PluginUse(dist, reason, entry.file, entry.line)
    shown = ", ".join(codes)
    return PluginUse(dist, f"flake8 extension ({shown}): flake8 runs every installed one")


def _has_prefix(token: str, code: str) -> bool:
    """``B950`` has the prefix ``B`` (and ``B9``); ``BLE001`` does not have ``B``."""
    rest = token[len(code) :]
    return token.startswith(code) and (not rest or rest.isdigit())


def _format_named(
    formats: set[str], settings: Sequence[ConfigEntry], commands: Sequence[Command]
) -> tuple[str, Path, int] | None:
    for entry in settings:
        if entry.key == "format" and entry.value.strip() in formats:
            return f"flake8 format {entry.value.strip()}", entry.file, entry.line
    for cmd in commands:
        if cmd.argv[0].rsplit("/", 1)[-1] != "flake8":
            continue
        args = " ".join(cmd.argv[1:]).replace("--format ", "--format=")
        for name in formats:
            if f"--format={name}" in args.split():
                return f"flake8 format {name}", cmd.file, cmd.line
    return None


def pylint_plugin_uses(entries: Iterable[ConfigEntry], mapper: ImportMapper) -> list[PluginUse]:
    """Modules ``load-plugins`` names in a pylint configuration."""
    uses: list[PluginUse] = []
    for entry in entries:
        if entry.key not in {"load-plugins", "load_plugins"}:
            continue
        for module in re.findall(r"[A-Za-z_][\w.]*", entry.value):
            found = mapper.installed(module)
            reason = f"pylint load-plugins {module}"
            dists = [d for d in (found[1] if found else ()) if d != "pylint"]
            uses.extend(PluginUse(d, reason, entry.file, entry.line) for d in dists)
    return uses
