"""``depsize diff A.json B.json``: what grew, shrank, appeared and disappeared, by bytes."""

from __future__ import annotations

from depsize.records import dataclass
from depsize.report.document import ReportDocument
from depsize.units import human


@dataclass(frozen=True)
class DistChange:
    """One distribution's own bytes (and version) before and after; ``None``: absent."""

    name: str
    before: int | None
    after: int | None
    version_before: str | None = None
    version_after: str | None = None

    @property
    def delta(self) -> int:
        return (self.after or 0) - (self.before or 0)


@dataclass(frozen=True)
class ReportDiff:
    total_before: int
    total_after: int
    appeared: tuple[DistChange, ...]
    disappeared: tuple[DistChange, ...]
    grew: tuple[DistChange, ...]
    shrank: tuple[DistChange, ...]
    status_changes: tuple[tuple[str, str, str], ...]
    """(requirement, status before, status after)."""

    @property
    def delta(self) -> int:
        return self.total_after - self.total_before


def _dists(document: ReportDocument) -> dict[str, tuple[int, str]]:
    return {d.name: (d.own_bytes, d.version) for d in document.distributions}


def diff_reports(before: ReportDocument, after: ReportDocument) -> ReportDiff:
    """What changed from *before* to *after*: distributions by bytes, statuses by name."""
    old, new = _dists(before), _dists(after)
    changes = [
        DistChange(
            n,
            old[n][0] if n in old else None,
            new[n][0] if n in new else None,
            old[n][1] if n in old else None,
            new[n][1] if n in new else None,
        )
        for n in sorted(set(old) | set(new))
    ]
    by_delta = sorted(changes, key=lambda c: (-abs(c.delta), c.name))
    old_status: dict[str, str] = {r.name: r.status for r in before.requirements}
    new_status: dict[str, str] = {r.name: r.status for r in after.requirements}
    status_changes = tuple(
        (n, old_status.get(n, "(not declared)"), new_status.get(n, "(not declared)"))
        for n in sorted(set(old_status) | set(new_status))
        if old_status.get(n) != new_status.get(n)
    )
    return ReportDiff(
        total_before=before.env.total_bytes,
        total_after=after.env.total_bytes,
        appeared=tuple(c for c in by_delta if c.before is None),
        disappeared=tuple(c for c in by_delta if c.after is None),
        grew=tuple(
            c for c in by_delta if c.before is not None and c.after is not None and c.delta > 0
        ),
        shrank=tuple(
            c for c in by_delta if c.before is not None and c.after is not None and c.delta < 0
        ),
        status_changes=status_changes,
    )


def _signed(delta: int) -> str:
    return ("+" if delta > 0 else "-" if delta < 0 else "±") + human(abs(delta))


def _line(change: DistChange) -> str:
    versions = ""
    if change.version_before != change.version_after:
        versions = f" ({change.version_before or '—'} → {change.version_after or '—'})"
    return (
        f"{change.name}{versions}: {human(change.before or 0)} → {human(change.after or 0)} "
        f"({_signed(change.delta)})"
    )


def render(result: ReportDiff, *, top: int | None = None) -> str:
    """The diff as text: the total, then each section's rows, largest change first."""
    out = [
        f"Total: {human(result.total_before)} → {human(result.total_after)} "
        f"({_signed(result.delta)}, {result.delta:+,} bytes)"
    ]
    for title, items in (
        ("Appeared", result.appeared),
        ("Disappeared", result.disappeared),
        ("Grew", result.grew),
        ("Shrank", result.shrank),
    ):
        if items:
            out += ["", f"{title} ({len(items)}, {_signed(sum(c.delta for c in items))}):"]
            out += [f"  {_line(c)}" for c in items[:top]]
            if top and len(items) > top:
                out.append(f"  … {len(items) - top} more")
    if result.status_changes:
        out += ["", "Requirement status changes:"]
        out += [f"  {n}: {a} → {b}" for n, a, b in result.status_changes]
    if len(out) == 1:
        out.append("No distribution changed.")
    return "\n".join(out) + "\n"
