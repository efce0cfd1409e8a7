"""Distributions used without an ``import``: commands, plugins and URL-named drivers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from packaging.utils import NormalizedName, canonicalize_name

from depsize.imports.commands import Command
from depsize.imports.entries import PYTHON_PROGRAM
from depsize.imports.model import CommandUse, PluginUse
from depsize.mapping import ImportMapper
from depsize.models import InstalledDist

PLUGIN_GROUPS: dict[str, str] = {
    "pytest11": "pytest",
    "sqlalchemy.dialects": "sqlalchemy",
    "sqlalchemy.plugins": "sqlalchemy",
    "flake8.extension": "flake8",
    "flake8.report": "flake8",
    "pylint.plugins": "pylint",
    "mkdocs.plugins": "mkdocs",
    "mkdocs.themes": "mkdocs",
    "babel.extractors": "babel",
    "pygments.lexers": "pygments",
    "pygments.styles": "pygments",
    "keyring.backends": "keyring",
    "fsspec.specs": "fsspec",
    "pandas_plotting_backends": "pandas",
    "celery.result_backends": "celery",
    "opentelemetry_instrumentor": "opentelemetry-instrumentation",
    "pydantic": "pydantic",
    "tox": "tox",
    "nox.plugins": "nox",
    "sphinx.html_themes": "sphinx",
    "markdown.extensions": "markdown",
    "jupyter_client.kernel_provisioners": "jupyter-client",
    "airflow.plugins": "apache-airflow",
    "dask.sizeof": "dask",
    "hatch": "hatchling",
    "setuptools.finalize_distribution_options": "setuptools",
    "distutils.commands": "setuptools",
}
"""Entry-point group → the distribution that loads the plugins registered in it."""


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


def plugin_uses(
    dists: Mapping[NormalizedName, InstalledDist], used: Iterable[NormalizedName]
) -> list[PluginUse]:
    """Distributions registering entry points in a group that a used distribution consumes."""
    used_set = set(used)
    uses: list[PluginUse] = []
    for dist in sorted(dists.values(), key=lambda d: d.name):
        groups = sorted({ep.group for ep in dist.entry_points if ep.group in PLUGIN_GROUPS})
        for group in groups:
            consumer = canonicalize_name(PLUGIN_GROUPS[group])
            if consumer in used_set and consumer != dist.name:
                reason = f"entry-point group {group} (consumed by {consumer})"
                evidence = dist.metadata_dir / "entry_points.txt"
                uses.append(PluginUse(dist.name, reason, evidence))
    return uses
