"""The whole ``depsize check`` after analysis: baseline read, budgets, baseline update."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from depsize.check.baseline import load_baseline, write_baseline
from depsize.check.budgets import run_budgets
from depsize.check.model import CheckResult
from depsize.check.policy import Policy
from depsize.errors import InputError
from depsize.report.document import ReportDocument, from_analysis

if TYPE_CHECKING:
    from depsize.analyze import Analysis

NO_BUDGET = (
    "no budget to check; expected at least one of --max-total, --max-dist, "
    "--max-dist-default, --max-requirement, --max-requirement-default, "
    "--max-unused, --max-growth, --fail-on-warnings or [tool.depsize.check]"
)


def validate_request(policy: Policy, *, update_baseline: bool = False) -> None:
    """Refuse, before any scan, a check that cannot run: nothing to check, or a baseline
    needed and not named."""
    path = policy.baseline
    if update_baseline and path is None:
        raise InputError("--update-baseline needs --baseline FILE (where to write it)")
    if policy.max_growth is not None and path is None:
        raise InputError(
            "--max-growth needs --baseline FILE, a report written earlier by "
            "`depsize scan --format json -o FILE` or by --update-baseline"
        )
    if policy.is_empty and not update_baseline:
        raise InputError(NO_BUDGET)


def run_check(
    document: ReportDocument, policy: Policy, *, update_baseline: bool = False
) -> CheckResult:
    """Check *document* against *policy*.

    The baseline (``policy.baseline``) is read only for ``max_growth``, and must then exist
    unless *update_baseline* asks to create it. It is rewritten only when every budget is met,
    so a broken budget never becomes the new normal.
    """
    validate_request(policy, update_baseline=update_baseline)
    path = policy.baseline
    baseline = None
    creating = update_baseline and path is not None and not path.exists()
    if policy.max_growth is not None and path is not None and not creating:
        baseline = load_baseline(path)
    result = run_budgets(document, policy, baseline)
    if not update_baseline or path is None:
        return result
    if result.failed:
        note = f"baseline {path} not updated: a budget is broken"
        return replace(result, notes=(*result.notes, note))
    write_baseline(path, document)
    return replace(result, notes=(*result.notes, f"baseline {path} updated"))


def check_analysis(
    analysis: Analysis, policy: Policy, *, update_baseline: bool = False
) -> tuple[ReportDocument, CheckResult]:
    """``depsize check`` on a fresh analysis: refused (exit 2) when it probably measured the
    wrong environment, else its report document and the check of it."""
    from depsize.sanity import wrong_env

    wrong = wrong_env(analysis)
    if wrong:
        raise InputError(f"{wrong}; no budget was checked")
    document = from_analysis(analysis)
    return document, run_check(document, policy, update_baseline=update_baseline)
