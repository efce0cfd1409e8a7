"""The join: the project's facts (:class:`depsize.imports.model.ProjectImports`) meet the
environment's distributions, console scripts, entry points and import names, once.

:func:`join_env` finds every distribution used without an ``import``: commands run or
configured, plugins with proof of use (or acting on install), drivers named by URL schemes,
configured module paths and type stubs. The import stage names no distribution; the verdicts
read what this returns (:class:`depsize.join.model.EnvUses`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

from packaging.utils import NormalizedName, canonicalize_name

from depsize.imports.model import ProjectImports, ProjectSays
from depsize.imports.pytestuse import KnownUses, pytest_settings
from depsize.join.commands import command_uses, console_script_owners, tool_command_uses
from depsize.join.configured import configured_uses
from depsize.join.model import EnvUses, PluginUse
from depsize.join.plugins import docs_plugin_uses, flake8_plugin_uses, pylint_plugin_uses
from depsize.join.pytestapi import KnownApis, pytest_entry_points, read_pytest_api
from depsize.join.pytestplugins import PytestPlugin, pytest_plugin_uses
from depsize.join.stubs import stub_uses
from depsize.mapping import ImportMapper
from depsize.models import InstalledDist

__all__ = ["PLUGIN_GROUPS", "EnvUses", "entry_point_plugin_uses", "join_env"]

PluginRule = Literal["proof", "install", "unproven"]
"""How a plugin group is judged: ``proof`` — used only when the project uses or names the plugin
(:mod:`.pytestplugins`, :mod:`.plugins`); ``install`` — its consumer loads every installed plugin,
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


def join_env(
    imports: ProjectImports,
    dists: Mapping[NormalizedName, InstalledDist],
    mapper: ImportMapper | None = None,
    *,
    cache_dir: Path | None = None,
    env_token: str | None = None,
) -> EnvUses:
    """Commands run or configured, plugins proven or acting on install, drivers, configured
    module paths and stubs: the project's facts looked up in the env's ``dists``, with
    ``mapper`` (default: one over ``dists``) for import names. ``cache_dir``: where the uses
    found in the test modules are kept for the next run (``None``: they are not), and with
    ``env_token`` (the env scan cache's, :mod:`depsize.env.cache`) what the env's pytest
    plugins offer."""
    mapper = mapper or ImportMapper(dists)
    says = imports.says
    owners = console_script_owners(dists)
    commands = command_uses(says.commands, dists, mapper)
    commands += tool_command_uses(says.tools, dists, owners)
    sites = imports.third_party_sites()
    used = {d for s in sites for d in mapper.providers(s.candidates())}
    used |= {c.dist for c in commands}
    acting, unproven = entry_point_plugin_uses(dists, used)
    known = KnownUses(cache_dir, imports.root) if cache_dir is not None else None
    apis = KnownApis(cache_dir, env_token) if cache_dir is not None and env_token else None
    plugins = _proven_plugins(says, dists, mapper, used, known=known, apis=apis) + acting
    return EnvUses(
        commands=tuple(commands),
        plugins=tuple(plugins),
        configured=tuple(configured_uses(says.names, dists, mapper)),
        unproven_plugins=tuple(unproven),
        stubs=tuple(stub_uses(dists, imports.sites, says.type_checker)),
    )


def _proven_plugins(
    says: ProjectSays,
    dists: Mapping[NormalizedName, InstalledDist],
    mapper: ImportMapper,
    used: set[NormalizedName],
    *,
    known: KnownUses | None,
    apis: KnownApis | None,
) -> list[PluginUse]:
    ordered = sorted(dists.values(), key=lambda d: d.name)
    pytest_plugins = [
        PytestPlugin(d, apis.api(d) if apis is not None else read_pytest_api(d))
        for d in ordered
        if d.name != "pytest" and pytest_entry_points(d)
    ]
    settings = pytest_settings(says.config_entries, says.commands)
    pytest_used = "pytest" in used or bool(says.test_files)
    uses = pytest_plugin_uses(pytest_plugins, says.test_files, settings, pytest_used, known)
    for kept in (known, apis):
        if kept is not None:
            kept.save()
    uses += docs_plugin_uses(says.docs, dists, mapper)
    uses += flake8_plugin_uses(dists, says.config_entries, says.commands, "flake8" in used)
    uses += pylint_plugin_uses(says.config_entries, mapper)
    return uses
