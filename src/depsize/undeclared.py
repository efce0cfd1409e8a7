"""Imports no judged declaration provides: undeclared, or declared in an extra or group that
was not judged."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from packaging.utils import NormalizedName

from depsize.attribute import RootSizes
from depsize.evidence import Evidence, site_evidence
from depsize.imports.model import ImportSite
from depsize.records import dataclass

if TYPE_CHECKING:
    from depsize.verdicts import JudgeInput


@dataclass(frozen=True)
class Undeclared:
    """An imported module no declared requirement provides."""

    module: str
    evidence: tuple[Evidence, ...]
    dists: tuple[NormalizedName, ...] = ()
    required_by: tuple[NormalizedName, ...] = ()
    hint: str | None = None

    @property
    def installed(self) -> bool:
        return bool(self.dists)


@dataclass(frozen=True)
class DeclaredElsewhere:
    """An import a declaration satisfies in an extra or group that was not judged (its
    distribution is not installed here, or ``--group`` left it out): not undeclared."""

    module: str
    evidence: tuple[Evidence, ...]
    dists: tuple[NormalizedName, ...]
    declared_in: tuple[str, ...]
    """``extra `postgres```, ``group `docs```."""
    installed: bool


def by_module(
    data: JudgeInput, keep: Callable[[ImportSite, tuple[NormalizedName, ...]], bool]
) -> dict[tuple[str, tuple[NormalizedName, ...]], list[ImportSite]]:
    """Third-party import sites ``keep`` accepts, by (top-level module, providing dists)."""
    modules: dict[tuple[str, tuple[NormalizedName, ...]], list[ImportSite]] = {}
    for site in data.imports.third_party_sites():
        if site.guess:
            continue  # a loader table's string proves use, never a need
        dists = data.resolve(site)
        if keep(site, dists):
            modules.setdefault((site.module.split(".")[0], dists), []).append(site)
    return dict(sorted(modules.items()))


def find_undeclared(
    data: JudgeInput, sizes: Mapping[NormalizedName, RootSizes]
) -> list[Undeclared]:
    declared = {r.name for r in data.declared} | {r.name for r in data.elsewhere}

    def keep(site: ImportSite, dists: tuple[NormalizedName, ...]) -> bool:
        if dists:
            return not set(dists) & declared
        return site.kind in ("runtime", "dynamic")

    out = []
    ignored = data.ignore.get("undeclared", frozenset()) | data.ignore.get("*", frozenset())
    for (module, dists), sites in by_module(data, keep).items():
        if set(dists) & ignored or module in ignored:
            continue
        required_by = tuple(sorted(n for n, r in sizes.items() if set(dists) & r.reach))
        out.append(
            Undeclared(
                module,
                site_evidence(sites),
                dists,
                required_by,
                None if dists else data.hint(module),
            )
        )
    return out


def find_elsewhere(data: JudgeInput) -> list[DeclaredElsewhere]:
    """Imports only a declaration that is not judged satisfies (an extra not installed)."""
    judged = {r.name for r in data.declared}
    where: dict[NormalizedName, list[str]] = {}
    for req in data.elsewhere:
        label = f"{'extra' if req.group_kind == 'extra' else 'group'} `{req.group}`"
        where.setdefault(req.name, []).append(label)

    def keep(_site: ImportSite, dists: tuple[NormalizedName, ...]) -> bool:
        return bool(set(dists) & set(where)) and not set(dists) & judged

    out = []
    for (module, dists), sites in by_module(data, keep).items():
        declared_in = tuple(dict.fromkeys(g for d in dists for g in where.get(d, ())))
        installed = any(d in data.scan.dists for d in dists)
        out.append(DeclaredElsewhere(module, site_evidence(sites), dists, declared_in, installed))
    return out
