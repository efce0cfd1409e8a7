"""What every command does around its own work: the flags resolved into ``Settings``, the
analysis (with a spinner on a terminal), warnings and notes on stderr, the project folder,
and the one place library errors become exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

from depsize.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, DepsizeError, InputError

if TYPE_CHECKING:
    from depsize.analyze import Analysis
    from depsize.check.policy import CheckOptions
    from depsize.config import Settings


P = ParamSpec("P")
R = TypeVar("R")


def settings_for(
    project: Path, *, env_only: bool = False, check: CheckOptions | None = None, **options: Any
) -> Settings:
    """The flags given, over ``[tool.depsize]``: read and resolved once, here."""
    from depsize.check.policy import CheckOptions
    from depsize.config import Flags, resolve_settings

    flags = Flags(
        project=project,
        python=options.get("python"),
        env_dir=options.get("env_dir"),
        site_packages=tuple(options.get("site_packages") or ()),
        disk_usage=bool(options.get("disk_usage")),
        stat_all=bool(options.get("stat_all")),
        requirements=tuple(options.get("requirements") or ()),
        allow_outside=tuple(options.get("allow_outside") or ()),
        groups=tuple(options.get("groups") or ()),
        entries=tuple(options.get("entries") or ()),
        use_cache=not options.get("no_cache"),
        env_only=env_only,
        exclude=tuple(options["exclude"]) if options.get("exclude") else None,
        extend_exclude=tuple(options.get("extend_exclude") or ()),
        image=bool(options.get("image")),
        config=options.get("config"),
        check=check or CheckOptions(),
    )
    return resolve_settings(flags)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """The one place library errors become exit codes."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except DepsizeError as exc:
            if debug:
                raise
            click.echo(shown(f"depsize: error: {exc}"), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("depsize: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if debug:
                raise
            click.echo(
                shown(f"depsize: internal error: {type(exc).__name__}: {exc}")
                + "\nThis is a bug: run again with --debug and report it.",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper


def shown(text: str) -> str:
    """A message for stderr: what came from scanned files made visible, never raw escapes."""
    from depsize.report.safe import terminal

    return terminal(text)


def warn_wrong_env(analysis: Analysis) -> None:
    from depsize.sanity import wrong_env

    wrong = wrong_env(analysis)
    if wrong:
        click.echo(shown(f"depsize: WARNING: {wrong}"), err=True)


def show_progress() -> bool:
    """A spinner on stderr on an interactive terminal; never in CI logs unless asked."""
    forced = os.environ.get("DEPSIZE_PROGRESS", "")
    if forced:
        return forced not in {"0", "false", "no"}
    return sys.stderr.isatty() and not os.environ.get("CI")


def analyze_with_progress(settings: Settings) -> Analysis:
    from depsize.analyze import analyze
    from depsize.runcache.record import note_run, unrecorded_stderr

    if not show_progress():
        analysis = analyze(settings)
    else:
        from rich.console import Console

        status = f"depsize: scanning {settings.project} …"
        with Console(file=unrecorded_stderr()).status(status, spinner="dots"):
            analysis = analyze(settings)
    note_run(analysis.env_token)  # the run cache stores a run only with its env's stamps
    return analysis


def emit_warnings(analysis: Analysis, quiet: bool, verbose: int) -> None:
    if quiet:
        return
    warnings = analysis.warnings
    limit = None if verbose else 10
    for warning in warnings[:limit]:
        click.echo(shown(f"depsize: warning: {warning}"), err=True)
    if limit is not None and len(warnings) > limit:
        click.echo(f"depsize: … {len(warnings) - limit} more warnings (-v shows all)", err=True)


def check_output(output: Path | None, what: str = "the report") -> None:
    """Fail before the scan when ``-o`` cannot be written: a missing or unwritable folder."""
    if output is None:
        return
    folder = output.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {what}: the folder {folder} does not exist", output)
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {what}: the folder {folder} is not writable", output)


def note(text: str) -> None:
    click.echo(shown(f"depsize: note: {text}"), err=True)


def locate_project(project: Path | None, options: dict[str, Any]) -> Path:
    """The project folder: as given, or (omitted) the nearest folder at or above the current
    one that marks a project. A folder given as the project that is itself an environment is
    taken as ``--env``, with the current folder's project as the project."""
    from depsize.projectroot import find_project_root, is_environment

    explicit = options.get("python") or options.get("env_dir") or options.get("site_packages")
    if project is not None and not explicit and is_environment(project):
        options["env_dir"] = project
        note(f"{project} is an environment: measuring it (as --env {project})")
        project = None
    if project is not None:
        return project
    here = Path.cwd().resolve()
    root = find_project_root(here)
    if root.path == here:
        return Path()
    note(f"project root {root.path} (the nearest folder above {here} with {root.marker})")
    return root.path
