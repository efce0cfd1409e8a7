"""``--lock`` on ``scan`` and ``trim``: the project judged against the set a lock resolves,
before installing (docs/plan.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from depsize.commands.common import analyze_with_progress, note, shown

if TYPE_CHECKING:
    from depsize.analyze import Analysis
    from depsize.config import Settings
    from depsize.plan.build import Plan

LOCK_OPTION = click.option(
    "--lock",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Judge the requirements against the set this lock resolves (uv.lock, poetry.lock, "
    "pylock.toml, pip's report, pinned requirements), before installing: see docs/plan.md.",
)

READ_CODE_OPTION = click.option(
    "--read-code",
    is_flag=True,
    help="With --lock: read the library code of the distributions the project uses from their "
    "wheels (only the .py members, by range requests; cached), so verdicts that rest on it are "
    "certain. Without it that code is not downloaded and those verdicts are 'likely'.",
)

ENV_ONLY = {
    "python": "--python",
    "env_dir": "--env",
    "site_packages": "--site-packages",
    "stat_all": "--stat-all",
    "disk_usage": "--disk-usage",
}
"""Options of an installed environment, which a planned set (``--lock``) has not."""


def judge(
    settings: Settings, lock: Path | None, options: dict[str, Any]
) -> tuple[Analysis, Plan | None]:
    """``analyze`` of the environment, or with ``--lock`` of the set the lock resolves for this
    interpreter and platform (the index pip is configured with), with that plan."""
    read_code = bool(options.pop("read_code", False))
    if lock is None:
        if read_code:
            raise click.UsageError("--read-code reads a planned set's wheels: give --lock")
        return analyze_with_progress(settings), None
    given = [flag for key, flag in ENV_ONLY.items() if options.get(key)]
    if given:
        raise click.UsageError(f"--lock judges a planned set: {given[0]} does not apply")
    from depsize.plan.build import PlanOptions, plan_cache_dir
    from depsize.plan.judge import planned_verdicts
    from depsize.plan.target import parse_target

    cache = plan_cache_dir() if settings.use_cache else None
    found = planned_verdicts(
        settings,
        lock,
        PlanOptions(target=parse_target(None, None), cache_dir=cache),
        read_code=read_code,
    )
    return found.analysis, found.plan


def exit_if_partial(planned: Plan | None) -> None:
    """Exit 2 after a ``--lock`` run whose wheels could not all be read (as ``plan`` does)."""
    from depsize.errors import EXIT_USAGE

    failed = planned.errors if planned is not None else ()
    if failed:
        names = ", ".join(d.name for d in failed)
        click.echo(
            shown(f"depsize: error: partial result: {len(failed)} wheels not read ({names})"),
            err=True,
        )
        sys.exit(EXIT_USAGE)


def note_kept_likely(analysis: Analysis, remove: tuple[str, ...]) -> None:
    """After ``trim --lock``: the removable verdicts kept because they are only 'likely'."""
    verdicts = analysis.judgement.verdicts if analysis.judgement else ()
    likely = [v for v in verdicts if v.status in remove and v.confidence == "likely"]
    if likely:
        names = ", ".join(v.requirement.display_name for v in likely)
        note(
            f"kept {len(likely)} requirement(s) whose verdict is only 'likely' ({names}): "
            f"{likely[0].confidence_reason}; --read-code reads the libraries' code, "
            "--include-likely removes them anyway"
        )
