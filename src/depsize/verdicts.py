"""Verdicts (DESIGN §6): one status per declared requirement, with evidence and sizes.

Pure functions of the scan, the graph, the declared requirements and the import analysis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field, replace

from packaging.utils import NormalizedName

from depsize.attribute import Attribution, Root, RootSizes, attribute, freed
from depsize.evidence import (
    Evidence,
    Usage,
    collect_usage,
    dependency_evidence,
    site_evidence,
)
from depsize.graph import DepGraph, State
from depsize.imports.model import ImportSite, ProjectImports
from depsize.imports.pytestuse import pytest_settings
from depsize.join.configured import module_names
from depsize.join.model import EnvUses
from depsize.models import (
    REMOVABLE,
    STATUS_TABLE,
    Confidence,
    EnvScan,
    Status,
    from_env_folder,
)
from depsize.recommend import Recommendation
from depsize.records import dataclass
from depsize.requirements.model import DeclaredRequirement, is_applicable
from depsize.status import is_used_by_project, judge_one, run_by_plugin
from depsize.transitive import Redundancy, redundancy
from depsize.undeclared import DeclaredElsewhere, Undeclared, find_elsewhere, find_undeclared
from depsize.units import human
from depsize.unreached import project_distributions
from depsize.usedby import DependencyUse, DependencyUses

ORPHAN = "orphan"
"""The evidence kind of a requirement that only removable requirements need."""


@dataclass(frozen=True)
class Verdict:
    requirement: DeclaredRequirement
    status: Status
    evidence: tuple[Evidence, ...] = ()
    sizes: RootSizes | None = None
    required_by: tuple[NormalizedName, ...] = ()
    pin: bool = False
    """transitive-only with a narrower specifier than its requirers ask: removing the line
    lets pip pick another version (so it is only ``likely``)."""
    ignored: bool = False
    version: str | None = None
    evidence_complete: bool = True
    """False when project files could not be read and the status rests on an absence."""
    confidence: Confidence | None = None
    """On removable statuses: ``certain``, or ``likely`` with :attr:`confidence_reason`."""
    confidence_reason: str | None = None
    also: tuple[DeclaredRequirement, ...] = ()
    """The other declarations of the same name (other files, groups, lock lines): one row."""
    kept: tuple[DeclaredRequirement, ...] = ()
    """Declarations a removal must keep: the dev-group lines of a name tests import, when its
    runtime lines are removable."""

    @property
    def goes_with_requirers(self) -> bool:
        """``unused`` because only removable requirements need it: removed with them."""
        return bool(self.evidence) and self.evidence[0].kind == ORPHAN

    @property
    def declarations(self) -> tuple[DeclaredRequirement, ...]:
        """Every declaration of the name, :attr:`requirement` first."""
        return (self.requirement, *self.also)


@dataclass(frozen=True)
class Judgement:
    verdicts: tuple[Verdict, ...]
    undeclared: tuple[Undeclared, ...]
    roots: tuple[Root, ...]
    attribution: Attribution
    removable: tuple[NormalizedName, ...] = ()
    removable_freed: int = 0
    removable_exclusive_sum: int = 0
    ignored: tuple[str, ...] = field(default=())
    elsewhere: tuple[DeclaredElsewhere, ...] = ()


def declared_roots(
    reqs: Iterable[DeclaredRequirement], scan: EnvScan, marker_env: Mapping[str, str]
) -> list[Root]:
    extras: dict[NormalizedName, set[str]] = {}
    for req in reqs:
        if req.name in scan.dists and is_applicable(req, marker_env):
            extras.setdefault(req.name, set()).update(req.extras)
    return [Root(n, frozenset(e)) for n, e in sorted(extras.items())]


@dataclass(frozen=True)
class JudgeInput:
    declared: tuple[DeclaredRequirement, ...]
    scan: EnvScan
    graph: DepGraph
    marker_env: Mapping[str, str]
    imports: ProjectImports
    resolve: Callable[[ImportSite], tuple[NormalizedName, ...]]
    uses: EnvUses = field(default_factory=EnvUses)
    """What the project uses without an import, from :func:`depsize.join.join_env`."""
    hint: Callable[[str], str | None] = lambda _module: None
    ignore: Mapping[str, frozenset[NormalizedName]] = field(default_factory=dict)
    """Status (or ``"*"`` for all) → names whose finding is ignored."""
    unreadable_files: int = 0
    """Project files that could not be parsed: a status resting on an absence may be wrong."""
    locked: tuple[DeclaredRequirement, ...] = ()
    """Lock lines (versions, not declarations): shown with their name's row, trimmed with it."""
    elsewhere: tuple[DeclaredRequirement, ...] = ()
    """Declarations that are not judged: an import they satisfy is not undeclared."""
    project_name: NormalizedName | None = None
    """The name the project's own pyproject declares: its installed distribution is no user of
    the project's requirements."""
    used_by: Callable[[frozenset[NormalizedName], frozenset[State]], DependencyUses] | None = None
    """Finds the candidates' uses by the distributions reached from the given states (reads
    their files: :func:`depsize.usedby.find_dependency_uses` bound to the scan and graph);
    ``None`` skips the pass."""


def declaration_rows(
    declared: Iterable[DeclaredRequirement], marker_env: Mapping[str, str]
) -> list[tuple[DeclaredRequirement, ...]]:
    """The declarations grouped by name, in first-declared order: one verdict row each. Each
    row starts with the declaration that stands for it: a runtime one if any (a name declared
    for run time is judged as such), an applicable one if any."""
    rows: dict[NormalizedName, list[DeclaredRequirement]] = {}
    for req in declared:
        rows.setdefault(req.name, []).append(req)
    return [
        tuple(sorted(row, key=lambda r: (r.is_dev, not is_applicable(r, marker_env))))
        for row in rows.values()
    ]


def judge(data: JudgeInput) -> Judgement:
    roots = declared_roots(data.declared, data.scan, data.marker_env)
    attribution = attribute(data.scan, data.graph, roots)
    sizes = attribution.by_name()
    usage = _with_dependency_uses(
        collect_usage(data.imports, data.uses, data.resolve), data, roots, sizes
    )
    locked: dict[NormalizedName, list[DeclaredRequirement]] = {}
    for line in data.locked:
        locked.setdefault(line.name, []).append(line)
    verdicts = [
        _verdict(row, data, usage, sizes, tuple(locked.get(row[0].name, ())))
        for row in declaration_rows(data.declared, data.marker_env)
    ]
    verdicts = _with_orphans(verdicts, data, usage, roots, sizes)
    removable = tuple(
        sorted(
            {
                v.requirement.name
                for v in verdicts
                if v.status in REMOVABLE and not v.ignored and v.confidence == "certain"
            }
        )
    )
    freed_bytes, _ = freed(data.scan, data.graph, roots, set(removable))
    return Judgement(
        verdicts=tuple(verdicts),
        undeclared=tuple(find_undeclared(data, sizes)),
        elsewhere=tuple(find_elsewhere(data)),
        roots=tuple(roots),
        attribution=attribution,
        removable=removable,
        removable_freed=freed_bytes,
        removable_exclusive_sum=sum(sizes[n].exclusive for n in removable if n in sizes),
        ignored=tuple(sorted({f"{n} ({s})" for s, names in data.ignore.items() for n in names})),
    )


def _requirers(
    name: NormalizedName, sizes: Mapping[NormalizedName, RootSizes]
) -> tuple[NormalizedName, ...]:
    """Declared requirements (roots) other than ``name`` whose closure holds it."""
    return tuple(sorted(n for n, r in sizes.items() if n != name and name in r.reach))


def _with_dependency_uses(
    usage: Usage, data: JudgeInput, roots: Sequence[Root], sizes: Mapping[NormalizedName, RootSizes]
) -> Usage:
    """``usage`` plus the uses, by distributions the project uses, of the requirements it does
    not import, run, plug in or configure and that no other declared requirement pulls in
    (that one stays ``transitive-only``: pip installs it either way)."""
    if data.used_by is None:
        return usage
    candidates = frozenset(
        row[0].name
        for row in declaration_rows(data.declared, data.marker_env)
        if row[0].name in data.scan.dists
        and is_applicable(row[0], data.marker_env)
        and not is_used_by_project(row[0], usage)
        and not _requirers(row[0].name, sizes)
    )
    if not candidates:
        return usage
    extras = {root.name: root.extras for root in roots}
    found = _gated(data.used_by(candidates, _used_states(data, usage, extras)), data)
    doubts = {**found.doubts, **usage.doubts}
    for name, paths in found.unreadable.items():
        where = from_env_folder(paths[0]) or str(paths[0])
        doubts.setdefault(
            name, f"a used distribution's file names it but could not be parsed: {where}"
        )
    dependency: dict[NormalizedName, list[Evidence]] = {}
    for name, uses in found.uses.items():
        if any(_needs(use) for use in uses):
            dependency[name] = dependency_evidence(uses)
        else:  # only imports under try/except ImportError: the library works without it
            where = from_env_folder(uses[0].file) or str(uses[0].file)
            doubts.setdefault(
                name,
                f"{uses[0].describe()} at {where}:{uses[0].line}: the library runs without it, "
                "but a feature of it may not",
            )
    return replace(usage, dependency=dependency, doubts=doubts)


def _with_orphans(
    verdicts: Sequence[Verdict],
    data: JudgeInput,
    usage: Usage,
    roots: Sequence[Root],
    sizes: Mapping[NormalizedName, RootSizes],
) -> list[Verdict]:
    """``verdicts`` where a ``transitive-only`` requirement that only removable requirements
    need is ``unused``: removed with them, as it must be, or its line keeps it installed for
    nothing (``atpublic==4.0`` next to an unused ``aiosmtpd`` that alone requires it).

    A requirement stays ``transitive-only`` while a kept declared requirement, or a
    distribution the project uses without declaring it, reaches it, and while a used
    distribution's code may need it. Its confidence is the weakest of the removable
    requirements it goes with."""
    going = {
        v.requirement.name: v
        for v in verdicts
        if v.status in REMOVABLE and not v.ignored and v.sizes is not None
    }
    candidates = [v for v in verdicts if v.status == "transitive-only" and v.sizes is not None]
    if not going or not candidates:
        return list(verdicts)
    maybe = {v.requirement.name for v in candidates}
    kept: set[NormalizedName] = set()
    for name, root_sizes in sizes.items():
        if name not in going and name not in maybe:
            kept |= root_sizes.reach
    extras = {root.name: root.extras for root in roots}
    used = usage.used_directly() - set(going) - maybe
    starts = [s for n in used for s in Root(n, extras.get(n, frozenset())).states()]
    kept |= data.graph.reach(starts)
    orphans = frozenset(
        v.requirement.name
        for v in candidates
        if v.requirement.name not in kept and any(r in going for r in v.required_by)
    )
    if orphans:  # a used distribution's code may need one: its line stays
        orphans -= _needed_by_used_code(orphans, data, usage, extras)
    return [
        _orphan(v, going, data, usage) if v.requirement.name in orphans else v for v in verdicts
    ]


def _used_states(
    data: JudgeInput, usage: Usage, extras: Mapping[NormalizedName, frozenset[str]]
) -> frozenset[State]:
    """The states of the distributions the project uses (not its own), with the extras its
    declarations ask of them: where the used-by-dependency pass starts."""
    own = project_distributions(
        data.scan.dists, data.imports.root, data.project_name, data.imports.first_party
    )
    return frozenset(
        state
        for name in usage.used_directly() - own
        for state in Root(name, extras.get(name, frozenset())).states()
    )


def _needed_by_used_code(
    names: frozenset[NormalizedName],
    data: JudgeInput,
    usage: Usage,
    extras: Mapping[NormalizedName, frozenset[str]],
) -> frozenset[NormalizedName]:
    """The ``names`` a used distribution's code needs."""
    if data.used_by is None:
        return frozenset()
    found = _gated(data.used_by(names, _used_states(data, usage, extras)), data)
    return frozenset(n for n, uses in found.uses.items() if any(_needs(u) for u in uses))


def _gated(found: DependencyUses, data: JudgeInput) -> DependencyUses:
    """``found`` without the imports that run only when a pytest ini key the project does not
    set is set (pytest-mock's ``mock_use_standalone_module``): they load nothing here. An extra
    that lists a candidate is no use on its own: with no other use left, none is."""
    if not any(use.ini_key for uses in found.uses.values() for use in uses):
        return found
    says = data.imports.says
    keys = pytest_settings(says.config_entries, says.commands).ini_keys()
    kept = {
        name: tuple(u for u in uses if u.ini_key is None or u.ini_key in keys)
        for name, uses in found.uses.items()
    }
    return replace(
        found,
        uses={name: uses for name, uses in kept.items() if any(u.how != "extra" for u in uses)},
    )


def _orphan(
    verdict: Verdict,
    going: Mapping[NormalizedName, Verdict],
    data: JudgeInput,
    usage: Usage,
) -> Verdict:
    name = verdict.requirement.name
    parents = [going[r] for r in verdict.required_by if r in going]
    said = [f"{p.requirement.display_name} ({p.status})" for p in parents[:3]]
    said += [f"{len(parents) - 3} more"] if len(parents) > 3 else []
    needs = "needs" if len(said) == 1 else "need"
    names = ", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else said[0]
    first = parents[0].requirement
    evidence = (Evidence(first.source, first.line, f"only {names} {needs} it", ORPHAN),)
    confidence, reason = _confidence(name, "unused", evidence, data, usage.doubts)
    weak = next((p for p in parents if p.confidence != "certain"), None)
    if confidence == "certain" and weak is not None:
        confidence = "likely"
        reason = f"it goes with {weak.requirement.display_name}, which is only likely {weak.status}"
    return replace(
        verdict,
        status="unused",
        evidence=evidence,
        pin=False,
        confidence=confidence,
        confidence_reason=reason,
        evidence_complete=not data.unreadable_files,
    )


def _needs(use: DependencyUse) -> bool:
    """Whether a use says the source needs the candidate when that code runs: a requirement,
    or an import that fails without it, at a module's top or inside a function. An import under
    ``try/except ImportError`` whose handler does not raise says the library copes without it,
    at a module's top (``try: import lz4 except ImportError: lz4 = None``) as inside a function
    (Babel's ``find_entrypoints`` falls back when ``pkg_resources`` is missing); one whose
    handler raises (``ensure_multipart_is_installed``) is a need. So is one inside a function
    nothing calls (IPython's deprecated ``unicode_std_stream``) only when the project names it:
    a doubt otherwise; and one at the top of a module nothing in its distribution imports."""
    return use.how == "requirement" or (
        use.how == "import" and not use.optional and not use.uncalled and not use.unloaded
    )


def _verdict(
    row: tuple[DeclaredRequirement, ...],
    data: JudgeInput,
    usage: Usage,
    sizes: Mapping[NormalizedName, RootSizes],
    locked: tuple[DeclaredRequirement, ...],
) -> Verdict:
    req, also = row[0], (*row[1:], *locked)
    dist = data.scan.dists.get(req.name)
    version = dist.version if dist else None
    if not is_applicable(req, data.marker_env):
        return Verdict(req, "not-applicable", version=version, also=also)
    if dist is None:
        evidence = site_evidence(usage.imports.get(req.name, []))
        return Verdict(req, "not-installed", evidence=evidence, also=also)
    requirers = _requirers(req.name, sizes)
    by_plugin = run_by_plugin(req.name, usage, requirers, data.scan.dists)
    status, evidence = judge_one(req, usage, requirers, by_plugin=by_plugin)
    beyond = Redundancy()
    if status == "transitive-only":
        applicable = [r for r in row if is_applicable(r, data.marker_env)]
        beyond = redundancy(applicable, data.graph, [sizes[n].root for n in requirers])
    ignored = req.name in data.ignore.get(status, frozenset()) or req.name in data.ignore.get(
        "*", frozenset()
    )
    complete = not data.unreadable_files or STATUS_TABLE[status].proven
    confidence, reason = _confidence(
        req.name, status, evidence, data, usage.doubts, beyond=beyond.reason
    )
    return Verdict(
        req,
        status,
        evidence,
        sizes.get(req.name),
        requirers,
        beyond.pin,
        ignored,
        version,
        complete,
        confidence,
        reason,
        also=also,
        kept=_kept(row, status, usage.imports.get(req.name, [])),
    )


def _kept(
    row: Sequence[DeclaredRequirement], status: Status, sites: Sequence[ImportSite]
) -> tuple[DeclaredRequirement, ...]:
    """The dev-group declarations of a runtime row that tests import: removing the runtime
    lines must leave them."""
    if status not in REMOVABLE or row[0].is_dev or not any(s.scope == "test" for s in sites):
        return ()
    return tuple(r for r in row if r.is_dev)


def _confidence(
    name: NormalizedName,
    status: Status,
    evidence: Sequence[Evidence],
    data: JudgeInput,
    doubts: Mapping[NormalizedName, str],
    *,
    beyond: str | None = None,
) -> tuple[Confidence | None, str | None]:
    """``certain`` unless the evidence under a removable status is open, or (``beyond``) a
    ``transitive-only`` line asks for more than its requirers."""
    if not STATUS_TABLE[status].removable:
        return None, None
    doubt = doubts.get(name)
    if doubt:
        return "likely", doubt
    if data.unreadable_files:
        files = data.unreadable_files
        return "likely", f"{files} project file{'s' * (files != 1)} could not be read"
    if beyond:
        return "likely", beyond
    reason = _open_reason(name, status, evidence, data)
    return ("likely", reason) if reason else ("certain", None)


def _open_reason(
    name: NormalizedName, status: Status, evidence: Sequence[Evidence], data: JudgeInput
) -> str | None:
    """Why an open module graph makes a removable verdict not certain, if it does."""
    open_sites = data.imports.open_loading
    if status == "dead-code-only" and any(e.scope == "unknown" for e in evidence) and open_sites:
        widest = [s for s in open_sites if not s.suffix] or list(open_sites)
        return f"the code may still run: {widest[0].describe(data.imports.root)}"
    by_name = [s for s in open_sites if s.by_name]
    dist = data.scan.dists.get(name)
    if status != "unused" or not by_name or dist is None:
        return None
    modules = tuple(module_names(dist.files))  # only with an open site: torch lists 10k files
    loaders = [s for s in by_name if any(s.may_load(m) for m in modules)]
    if loaders:
        return f"a computed import may load it: {loaders[0].describe(data.imports.root)}"
    return None


def removal_recommendation(judgement: Judgement, total: int) -> Recommendation | None:
    """Remove the unused and dead-code-only requirements: their combined ``freed``."""
    if not judgement.removable:
        return None
    freed_bytes = judgement.removable_freed
    names = ", ".join(judgement.removable)
    detail = (
        f"Removing {names} together frees {human(freed_bytes)} "
        f"(the sum of their exclusive sizes is {human(judgement.removable_exclusive_sum)}"
    )
    detail += (
        "; together they free more, through dependencies only they share)."
        if (freed_bytes > judgement.removable_exclusive_sum)
        else ")."
    )
    return Recommendation(
        kind="remove-unused",
        title="remove unused requirements",
        bytes=freed_bytes,
        detail=detail,
        names=judgement.removable,
        fix="depsize trim",
        before=total,
        after=total - freed_bytes,
    )
