"""``depsize scan --fail-on STATUS,...``: which requirements make the scan fail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from depsize.errors import InputError
from depsize.models import STATUS_TABLE

if TYPE_CHECKING:
    from depsize.verdicts import Judgement, Verdict


def parse_fail_on(text: str) -> frozenset[str]:
    """``"unused, dead-code-only"`` → the statuses; :class:`InputError` naming the valid ones."""
    statuses = [s.strip() for s in text.split(",") if s.strip()]
    wrong = [s for s in statuses if s not in STATUS_TABLE]
    if wrong or not statuses:
        raise InputError(
            f"--fail-on accepts statuses separated by commas ({', '.join(STATUS_TABLE)}); "
            f"got {text!r}"
        )
    return frozenset(statuses)


def failing(judgement: Judgement | None, statuses: frozenset[str]) -> list[Verdict]:
    """The verdicts with one of *statuses*, in report order; ignored requirements never fail."""
    if judgement is None:
        return []
    return [v for v in judgement.verdicts if v.status in statuses and not v.ignored]
