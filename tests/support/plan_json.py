"""Typed views of ``depsize plan --format json`` and ``depsize plan --diff --format json``
(docs/plan.md): the keys the tests read, so a test indexes them with their real types."""

from __future__ import annotations

import json
from typing import TypedDict


class PlanDist(TypedDict):
    name: str
    version: str
    installed_bytes: int | None
    unknown: str | None
    reason: str | None


class PlanRoot(TypedDict):
    name: str
    declared: str | None
    own_bytes: int
    closure_bytes: int
    exclusive_bytes: int
    share_bytes: int


class PlanDocument(TypedDict):
    schema: str
    total_bytes: int
    partial: bool
    roots_from: str
    distributions: list[PlanDist]
    requirements: list[PlanRoot]


class PlanChange(TypedDict):
    kind: str
    name: str
    old_version: str | None
    new_version: str | None
    old_bytes: int | None
    new_bytes: int | None
    delta_bytes: int
    brought_by: list[str]


class PlanDiffDocument(TypedDict):
    schema: str
    old_total_bytes: int
    new_total_bytes: int
    partial: bool
    changes: list[PlanChange]
    added_by_requirement: dict[str, int]


def load_plan(text: str) -> PlanDocument:
    """The plan document ``text`` holds (its ``schema`` checked)."""
    document: PlanDocument = json.loads(text)
    assert document["schema"] == "depsize-plan", document["schema"]
    return document


def load_plan_diff(text: str) -> PlanDiffDocument:
    """The plan diff document ``text`` holds (its ``schema`` checked)."""
    document: PlanDiffDocument = json.loads(text)
    assert document["schema"] == "depsize-plan-diff", document["schema"]
    return document


def known_sizes(document: PlanDocument) -> dict[str, int]:
    """Each distribution's installed bytes, every one of them known (else the test fails)."""
    sizes: dict[str, int] = {}
    for dist in document["distributions"]:
        assert dist["installed_bytes"] is not None, dist
        sizes[dist["name"]] = dist["installed_bytes"]
    return sizes
