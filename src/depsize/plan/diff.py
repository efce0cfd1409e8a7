"""What a change of lock adds: distributions added, removed or resized between two plans, each
with its installed bytes and the declared requirement(s) that bring it in."""

from __future__ import annotations

from typing import Literal

from packaging.utils import NormalizedName

from depsize.plan.build import Plan
from depsize.plan.model import PlannedDist
from depsize.records import dataclass

ChangeKind = Literal["added", "removed", "resized"]


@dataclass(frozen=True)
class DistChange:
    kind: ChangeKind
    name: NormalizedName
    old_version: str | None
    new_version: str | None
    old_bytes: int | None
    new_bytes: int | None
    brought_by: tuple[str, ...]
    """Declared requirements (as written, when the lock says) that reach it in the plan it is
    in: the new one, or the old one for a removal."""

    @property
    def delta(self) -> int | None:
        if self.kind == "added":
            return self.new_bytes
        if self.kind == "removed":
            return None if self.old_bytes is None else -self.old_bytes
        if self.old_bytes is None or self.new_bytes is None:
            return None
        return self.new_bytes - self.old_bytes


@dataclass(frozen=True)
class PlanDiff:
    old: Plan
    new: Plan
    changes: tuple[DistChange, ...]

    @property
    def old_total(self) -> int:
        return self.old.attribution.total_bytes

    @property
    def new_total(self) -> int:
        return self.new.attribution.total_bytes

    @property
    def partial(self) -> bool:
        return self.old.partial or self.new.partial

    def added_by_root(self) -> dict[str, int]:
        """Bytes of added distributions per declared requirement that alone brings them in."""
        out: dict[str, int] = {}
        for change in self.changes:
            if change.kind == "added" and len(change.brought_by) == 1 and change.new_bytes:
                out[change.brought_by[0]] = out.get(change.brought_by[0], 0) + change.new_bytes
        return out


def brought_by(plan: Plan, name: NormalizedName) -> tuple[str, ...]:
    return tuple(
        plan.declared_text.get(r.root.name, r.root.name)
        for r in plan.attribution.roots
        if name in r.reach
    )


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    before = {d.name: d for d in old.dists}
    after = {d.name: d for d in new.dists}
    changes: list[DistChange] = []
    for name in sorted(before.keys() | after.keys()):
        was, now = before.get(name), after.get(name)
        change = _change(old, new, name, was, now)
        if change is not None:
            changes.append(change)
    order = {"added": 0, "resized": 1, "removed": 2}
    changes.sort(key=lambda c: (order[c.kind], -abs(c.delta or 0), c.name))
    return PlanDiff(old, new, tuple(changes))


def _change(
    old: Plan,
    new: Plan,
    name: NormalizedName,
    was: PlannedDist | None,
    now: PlannedDist | None,
) -> DistChange | None:
    if was is None and now is not None:
        return DistChange(
            "added", name, None, now.version, None, now.installed_bytes, brought_by(new, name)
        )
    if now is None and was is not None:
        return DistChange(
            "removed", name, was.version, None, was.installed_bytes, None, brought_by(old, name)
        )
    assert was is not None
    assert now is not None
    if was.version == now.version and was.installed_bytes == now.installed_bytes:
        return None
    return DistChange(
        "resized",
        name,
        was.version,
        now.version,
        was.installed_bytes,
        now.installed_bytes,
        brought_by(new, name),
    )
