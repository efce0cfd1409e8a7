"""Evidence of use, per distribution: what each status rests on.

The import stage says where the project imports (:class:`depsize.imports.model.ProjectImports`)
and the join where it runs, plugs in or names a distribution (:class:`depsize.join.model.EnvUses`);
this module turns that into :class:`Evidence` per distribution (:class:`Usage`), which
:mod:`depsize.verdicts` judges.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field
from pathlib import Path

from packaging.utils import NormalizedName

from depsize.imports.model import ImportSite, ProjectImports
from depsize.join.model import EnvUses, StubUse
from depsize.records import dataclass
from depsize.usedby import DependencyUse


@dataclass(frozen=True)
class Evidence:
    """Why a status was given: an import site, a command line or a plugin link."""

    file: Path | None
    line: int | None
    text: str
    kind: str
    scope: str = "live"


@dataclass(frozen=True)
class Usage:
    """Evidence per distribution, split by what it says."""

    imports: dict[NormalizedName, list[ImportSite]]
    commands: dict[NormalizedName, list[Evidence]]
    plugins: dict[NormalizedName, list[Evidence]]
    configured: dict[NormalizedName, list[Evidence]] = field(default_factory=dict)
    stubs: dict[NormalizedName, StubUse] = field(default_factory=dict)
    doubts: dict[NormalizedName, str] = field(default_factory=dict)
    """Why an absence of use is not certain for a distribution (an unproven plugin, stubs
    of an imported module with no type checker to read them)."""
    dependency: dict[NormalizedName, list[Evidence]] = field(default_factory=dict)
    """Declared requirements a used distribution imports, lists in an extra or requires."""
    configured_only: frozenset[NormalizedName] = frozenset()
    """Tools in :attr:`commands` the project only configures: no command of its runs them."""

    def used_directly(self) -> set[NormalizedName]:
        """Distributions whose code the project runs: loaded by its code (not only for type
        checking, not only from dead code), run as commands, plugged in, named by config."""
        loaded = {
            name
            for name, sites in self.imports.items()
            if any(s.scope != "dead" and s.kind != "type-checking" for s in sites)
        }
        return loaded | set(self.commands) | set(self.plugins) | set(self.configured)


def collect_usage(
    imports: ProjectImports,
    uses: EnvUses,
    resolve: Callable[[ImportSite], tuple[NormalizedName, ...]],
) -> Usage:
    by_dist: dict[NormalizedName, list[ImportSite]] = {}
    for site in imports.third_party_sites():
        for dist in resolve(site):
            by_dist.setdefault(dist, []).append(site)
    commands: dict[NormalizedName, list[Evidence]] = {}
    for use in uses.commands:
        commands.setdefault(use.dist, []).append(Evidence(use.file, use.line, use.text, "command"))
    plugins: dict[NormalizedName, list[Evidence]] = {}
    for plugin in uses.plugins:
        plugins.setdefault(plugin.dist, []).append(
            Evidence(plugin.file, plugin.line, plugin.reason, "plugin")
        )
    stubs = {s.dist: s for s in uses.stubs}
    doubts = {p.dist: p.reason for p in reversed(uses.unproven_plugins)}
    for stub in uses.stubs:
        if stub.sites and stub.checker is None:
            typed = ", ".join(stub.typed)
            doubts[stub.dist] = f"stubs for {typed}, which is imported, but no type checker is run"
    configured: dict[NormalizedName, list[Evidence]] = {}
    for named in uses.configured:
        evidence = Evidence(named.file, named.line, named.text, "configured")
        configured.setdefault(named.dist, []).append(evidence)
    run = {use.dist for use in uses.commands if use.run}
    only = frozenset(name for name in commands if name not in run)
    return Usage(by_dist, commands, plugins, configured, stubs, doubts, configured_only=only)


def stub_evidence(stub: StubUse) -> tuple[Evidence, ...] | None:
    """Evidence of stubs in use: an import of what they type and a type checker to read them."""
    if not stub.sites or stub.checker is None:
        return None
    sites = tuple(
        Evidence(s.file, s.line, f"stubs for {s.module}: import {s.module}", "types", s.scope)
        for s in stub.sites
    )
    checker = stub.checker
    return (*sites, Evidence(checker.file, checker.line, checker.text, "type-checker"))


def dependency_evidence(uses: Iterable[DependencyUse]) -> list[Evidence]:
    return [Evidence(u.file, u.line, u.describe(), "dependency") for u in uses]


def site_evidence(sites: Iterable[ImportSite]) -> tuple[Evidence, ...]:
    return tuple(Evidence(s.file, s.line, f"import {s.module}", s.kind, s.scope) for s in sites)
