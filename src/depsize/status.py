"""One declared requirement's status from what the project does with it (DESIGN §6): imports
by scope and kind first, then uses without an import (a command, a plugin, a configuration
that names it, stubs read, a used distribution that loads it), then ``transitive-only`` when
another declared requirement pulls it in, else ``unused``."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from packaging.utils import NormalizedName

from depsize.evidence import Evidence, Usage, site_evidence, stub_evidence
from depsize.imports.model import ImportSite
from depsize.join import PLUGIN_GROUPS
from depsize.models import InstalledDist, Status
from depsize.requirements.model import DeclaredRequirement


def import_status(sites: Sequence[ImportSite], dev: bool) -> tuple[Status, list[ImportSite]] | None:
    """The status import sites alone give, with the sites that prove it."""
    scopes = ("live", "test") if dev else ("live",)
    live = [s for s in sites if s.scope in scopes]
    for kinds, status in (
        (("runtime", "dynamic"), "used"),
        (("conditional",), "optional-only"),
        (("type-checking",), "types-only"),
    ):
        chosen = [s for s in live if s.kind in kinds]
        if chosen:
            return status, chosen  # type: ignore[return-value]
    dead = [s for s in sites if s.scope in ("dead", "unknown")]
    if dead:
        return "dead-code-only", dead
    tests = [s for s in sites if s.scope == "test"]
    return ("dev-only", tests) if tests else None


def without_import(
    name: NormalizedName,
    usage: Usage,
    requirers: Collection[NormalizedName] = (),
    *,
    by_plugin: bool = False,
) -> tuple[Status, tuple[Evidence, ...]] | None:
    """A use that is no import: a command run or configured, a plugin in use, stubs read, a
    used distribution that loads it (unless another declared requirement pulls it in).
    ``by_plugin``: a configured tool a plugin in use runs (:func:`run_by_plugin`) is no
    command of the project's."""
    for status, found in (
        ("command", {} if by_plugin else usage.commands),
        ("plugin", usage.plugins),
        ("configured", usage.configured),
    ):
        if name in found:
            return status, tuple(found[name])  # type: ignore[return-value]
    stub = usage.stubs.get(name)
    evidence = stub_evidence(stub) if stub else None
    if evidence:
        return "types", evidence
    if name in usage.dependency and not requirers:
        return "used-by-dependency", tuple(usage.dependency[name])
    return None


def run_by_plugin(
    name: NormalizedName,
    usage: Usage,
    requirers: Collection[NormalizedName],
    dists: Mapping[NormalizedName, InstalledDist],
) -> bool:
    """Whether ``name`` is a tool the project only configures and a plugin it uses requires
    without plugging into it: the plugin runs it (pytest-cov runs coverage with the project's
    ``[coverage:run]``), so the tool's own line only repeats what the plugin installs. The
    plugin's host (pytest, for pytest-cov) is run by the project, not by its plugin."""
    if name not in usage.configured_only:
        return False
    for requirer in requirers:
        dist = dists.get(requirer)
        if requirer not in usage.plugins or dist is None:
            continue
        hosts = {PLUGIN_GROUPS[e.group][0] for e in dist.entry_points if e.group in PLUGIN_GROUPS}
        if name not in hosts:
            return True
    return False


def judge_one(
    req: DeclaredRequirement,
    usage: Usage,
    requirers: Collection[NormalizedName],
    *,
    by_plugin: bool = False,
) -> tuple[Status, tuple[Evidence, ...]]:
    sites = usage.imports.get(req.name, [])
    by_import = import_status(sites, req.is_dev)
    if by_import and by_import[0] == "used":
        return "used", site_evidence(by_import[1])
    found = without_import(req.name, usage, requirers, by_plugin=by_plugin)
    if found is not None:
        return found
    if by_import:
        return by_import[0], site_evidence(by_import[1])
    if requirers:
        return "transitive-only", ()
    return "unused", ()


def is_used_by_project(req: DeclaredRequirement, usage: Usage) -> bool:
    by_import = import_status(usage.imports.get(req.name, []), req.is_dev)
    used = by_import is not None and by_import[0] == "used"
    return used or without_import(req.name, usage) is not None
