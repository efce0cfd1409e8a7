"""Each budget of a :class:`~depsize.check.policy.Policy` checked against a report document.

Every figure comes from the document as written: a requirement's closure is its row's
``closure`` (extras followed), so ``web`` → ``server[fast]`` → ``speedup`` counts ``speedup``
in web's closure, and a ceiling broken by ``speedup`` names ``web``'s line. Every broken budget
is reported, each with the measured value, the limit and the top contributors with their
``file:line``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from depsize.check.model import CheckResult, Contributor, Outcome
from depsize.check.policy import Policy
from depsize.check.sizes import describe_size
from depsize.records import dataclass
from depsize.report.document import ReportDocument, RequirementRow
from depsize.units import human

TOP = 5


@dataclass(frozen=True)
class _Index:
    """Lookups over one document: own sizes and requirement rows by name."""

    own: dict[str, int]
    rows: dict[str, RequirementRow]

    @classmethod
    def of(cls, document: ReportDocument) -> _Index:
        return cls(own=document.own_bytes(), rows=document.rows())

    def declarers(self, dist: str) -> list[str]:
        """The declared requirements whose closure holds *dist*, itself first if declared."""
        names = [name for name, row in self.rows.items() if name != dist and dist in row.closure]
        return ([dist] if dist in self.rows else []) + sorted(names)

    def lines(self, name: str, bytes_: int | None = None, detail: str = "") -> list[Contributor]:
        """One contributor per place the requirement is declared."""
        row = self.rows.get(name)
        places = row.places if row else ()
        return [Contributor(name, bytes_, file, line, detail) for file, line in places]


def _outcome(
    budget: str,
    measured: int,
    limit: int,
    message: str,
    found: Iterable[Contributor] = (),
    *,
    label: str = "top contributors",
) -> Outcome:
    passed = measured <= limit
    return Outcome(budget, measured, limit, message, () if passed else tuple(found), label, passed)


def _versus(measured: int, limit: int, kind: str, say: Callable[[int], str] = describe_size) -> str:
    """``812 MB (812,311,022 bytes) > budget 500 MB (500,000,000 bytes)``, or ``within``."""
    return f"{say(measured)} {'within' if measured <= limit else '>'} {kind} {say(limit)}"


def _total(document: ReportDocument, policy: Policy, index: _Index) -> list[Outcome]:
    if policy.max_total is None:
        return []
    found = [
        Contributor(name, row.share_bytes, row.source.file, row.source.line)
        for name, row in index.rows.items()
    ]
    found.append(
        Contributor("(extraneous distributions)", sum(d.own_bytes for d in document.extraneous))
    )
    tooling = sum(d.own_bytes for d in document.installer_tooling)
    found.append(Contributor("(installer tooling)", tooling))
    found.append(Contributor("(unowned files)", document.env.unowned_bytes))
    found.sort(key=lambda c: -(c.bytes or 0))
    total, limit = document.env.total_bytes, policy.max_total
    message = f"total size: {_versus(total, limit, 'budget')}"
    label = "top contributors (share of the total)"
    top = [c for c in found if c.bytes][:TOP]
    return [_outcome("max-total", total, limit, message, top, label=label)]


def _dists(policy: Policy, index: _Index) -> list[Outcome]:
    outcomes = []
    for name, own in sorted(index.own.items()):
        limit = policy.max_dist.get(name, policy.max_dist_default)
        if limit is None:
            continue
        message = f"distribution {name}: {_versus(own, limit, 'ceiling')}"
        found = [] if own <= limit else [c for d in index.declarers(name) for c in index.lines(d)]
        outcomes.append(
            _outcome(f"max-dist:{name}", own, limit, message, found, label="declared by")
        )
    return outcomes


def _requirements(policy: Policy, index: _Index) -> list[Outcome]:
    outcomes = []
    for name, row in index.rows.items():
        limit = policy.max_requirement.get(name, policy.max_requirement_default)
        if limit is None or not row.closure:  # not installed here: nothing to measure
            continue
        lines = index.lines(name, row.closure_bytes, "closure")
        where = ", ".join(c.where or "?" for c in lines)
        versus = _versus(row.closure_bytes, limit, "ceiling")
        message = f"requirement {name} ({where}) closure: {versus}"
        inside = [d for d in row.closure if d in index.own]
        largest = sorted(inside, key=lambda d: (-index.own[d], d))[:TOP]
        found = [*lines, *(Contributor(d, index.own[d], detail="own") for d in largest)]
        label = "its closure and the largest distributions in it"
        outcomes.append(
            _outcome(
                f"max-requirement:{name}", row.closure_bytes, limit, message, found, label=label
            )
        )
    return outcomes


def _counted(document: ReportDocument, policy: Policy, index: _Index) -> list[Contributor]:
    found: list[Contributor] = []
    for name, row in index.rows.items():
        likely = row.confidence == "likely"
        if row.status in policy.count_statuses and (policy.count_likely or not likely):
            frees = row.exclusive_bytes
            lines = index.lines(name, None, f"{row.status}, frees {human(frees)}")
            found.extend(replace(line, frees=frees) for line in lines)
    if "undeclared" in policy.count_statuses:
        for item in document.undeclared:
            detail = "undeclared import" + ("" if item.installed else ", not installed")
            found.append(Contributor(item.module, None, item.file, item.line, detail))
    return found


def _unused(document: ReportDocument, policy: Policy, index: _Index) -> list[Outcome]:
    if policy.max_unused is None:
        return []
    found = _counted(document, policy, index)
    count, limit = len({c.name for c in found}), policy.max_unused
    statuses = ", ".join(policy.count_statuses)
    message = f"unused requirements ({statuses}): {_versus(count, limit, 'max', str)}"
    return [_outcome("max-unused", count, limit, message, found, label="counted")]


def _grew(document: ReportDocument, baseline: ReportDocument, index: _Index) -> list[Contributor]:
    before = baseline.own_bytes()
    grown = sorted((own - before.get(name, 0), name) for name, own in index.own.items())
    unowned = document.env.unowned_bytes - baseline.env.unowned_bytes
    found = [Contributor("(unowned files)", unowned)] if unowned > 0 else []
    for delta, name in grown[-TOP:]:
        declarers = index.declarers(name)
        source = index.rows[declarers[0]].source if declarers else None
        detail = f"was {human(before[name])}" if name in before else "new"
        if declarers and declarers[0] != name:
            detail += f", via {declarers[0]}"
        if delta > 0:
            file, line = (source.file, source.line) if source else (None, None)
            found.append(Contributor(name, delta, file, line, detail))
    return sorted(found, key=lambda c: -(c.bytes or 0))[:TOP]


def _growth(
    document: ReportDocument, policy: Policy, baseline: ReportDocument | None, index: _Index
) -> list[Outcome]:
    if policy.max_growth is None or baseline is None:
        return []
    before = baseline.env.total_bytes
    growth = document.env.total_bytes - before
    allowed = policy.max_growth.allowed(before)
    percent = f", {growth / before:+.1%}" if before else ""
    relation = "within" if growth <= allowed else ">"
    message = (
        f"growth: {'+' if growth >= 0 else ''}{describe_size(growth)}{percent} over baseline "
        f"{describe_size(before)} {relation} budget {policy.max_growth.describe(before)}"
    )
    found = _grew(document, baseline, index)
    return [_outcome("max-growth", growth, allowed, message, found, label="grew most")]


def _warnings(document: ReportDocument, policy: Policy) -> list[Outcome]:
    if not policy.fail_on_warnings:
        return []
    warnings = document.warnings
    message = f"warnings (--fail-on-warnings): {_versus(len(warnings), 0, 'max', str)}"
    found = (Contributor(w.message, None, w.file, w.line) for w in warnings)
    return [_outcome("fail-on-warnings", len(warnings), 0, message, found, label="warnings")]


def _notes(
    document: ReportDocument, policy: Policy, baseline: ReportDocument | None, index: _Index
) -> list[str]:
    notes = [
        f"max-dist: {name} is not installed; its ceiling was not checked"
        for name in sorted(policy.max_dist)
        if name not in index.own
    ]
    notes += [
        f"max-requirement: {name} is not a declared requirement; its ceiling was not checked"
        for name in sorted(policy.max_requirement)
        if name not in index.rows
    ]
    if policy.max_growth is not None and baseline is None:
        notes.append("max-growth: no baseline yet, growth was not checked")
    if baseline is not None and document.env.size_unit != baseline.env.size_unit:
        notes.append(
            "baseline was measured with another size unit (--disk-usage or not); "
            "growth compares unlike figures"
        )
    return notes


def run_budgets(
    document: ReportDocument, policy: Policy, baseline: ReportDocument | None = None
) -> CheckResult:
    """Check every budget of *policy* against *document*; every broken one is listed."""
    index = _Index.of(document)
    outcomes = [
        *_total(document, policy, index),
        *_dists(policy, index),
        *_requirements(policy, index),
        *_unused(document, policy, index),
        *_growth(document, policy, baseline, index),
        *_warnings(document, policy),
    ]
    return CheckResult(
        violations=tuple(o for o in outcomes if not o.passed),
        passed=tuple(o for o in outcomes if o.passed),
        notes=tuple(_notes(document, policy, baseline, index)),
    )
