"""Is this probably the wrong environment? Most declared requirements missing from it says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from depsize.requirements.model import MAIN_GROUP

if TYPE_CHECKING:
    from depsize.analyze import Analysis

MIN_MISSING = 2
"""One missing requirement is a typo or a forgotten install; two or more, most of them, an env."""


def wrong_env(analysis: Analysis) -> str | None:
    """A loud note when more than half of the declared requirements that can be checked here
    (the main group's, or every judged one when the main group is empty; markers that are false
    here excluded) are not installed in the measured environment; None otherwise."""
    judgement = analysis.judgement
    if judgement is None:
        return None
    checkable = [v for v in judgement.verdicts if v.status != "not-applicable"]
    main = [v for v in checkable if v.requirement.group == MAIN_GROUP] or checkable
    missing = sorted(v.requirement.name for v in main if v.status == "not-installed")
    if len(missing) < MIN_MISSING or 2 * len(missing) <= len(main):
        return None
    env = analysis.scan.env
    where = env.prefix or env.site_packages[0]
    shown = ", ".join(missing[:5]) + (f" (+{len(missing) - 5} more)" if len(missing) > 5 else "")
    return (
        f"probably the wrong environment: {len(missing)} of {len(main)} declared requirements "
        f"are not installed in {where} (found by {env.how_found}): {shown}. Point depsize at "
        "the project's environment with --env DIR or --python PATH"
    )


def capped(figure: int, made_of: int) -> int:
    """A derived byte figure (slimmable, GPU payload, a lighter variant's saving) checked
    against the bytes it is made of: never more than ``made_of``, never negative. Inputs can
    lie (an ELF header claiming more debug bytes than its file has); a figure cannot."""
    return max(0, min(figure, made_of))
