"""The command line: options → Settings → analyze() → reporter → exit code. No logic here.

Exit codes: 0 fine · 1 a policy failed · 2 usage or input error · 3 internal error.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from depsize import __version__
from depsize.errors import (
    EXIT_CODES,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    DepsizeError,
    InputError,
)

if TYPE_CHECKING:
    from depsize.analyze import Analysis
    from depsize.check.model import CheckResult
    from depsize.check.policy import CheckOptions
    from depsize.config import Settings
    from depsize.plan.build import Plan
    from depsize.report.document import ReportDocument

F = TypeVar("F", bound=Callable[..., Any])

_EPILOG = "Exit codes: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES.items()) + "."


def _env_options(func: F) -> F:
    options = [
        click.option(
            "--python",
            "python",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Interpreter of the environment to scan (its files are read; it runs "
            "only if they cannot tell).",
        ),
        click.option(
            "--env",
            "env_dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="A venv or conda prefix to scan.",
        ),
        click.option(
            "--site-packages",
            "site_packages",
            multiple=True,
            type=click.Path(path_type=Path, file_okay=False),
            help="A site-packages folder to scan (repeatable).",
        ),
        click.option(
            "--stat-all",
            is_flag=True,
            help="Stat every file instead of trusting the sizes RECORD lists (slower; "
            "catches files changed after install).",
        ),
        click.option(
            "--disk-usage",
            is_flag=True,
            help="Count allocated disk blocks instead of apparent bytes (st_size).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


_IMAGE_OPTION = click.option(
    "--image",
    is_flag=True,
    help="A deploy view: flag installer tooling (pip, setuptools, wheel) as waste in an image.",
)


def _project_options(func: F) -> F:
    options = [
        click.option(
            "-r",
            "--requirements",
            "requirements",
            multiple=True,
            type=click.Path(path_type=Path, dir_okay=False),
            help="A requirements source to judge (repeatable); replaces auto-detection "
            "of requirements*.txt, pyproject.toml, setup.cfg and Pipfile.",
        ),
        click.option(
            "--allow-outside",
            "allow_outside",
            multiple=True,
            metavar="DIR",
            type=click.Path(path_type=Path, file_okay=False),
            help="Follow -r/-c includes into this folder outside the project (repeatable); "
            "others are reported and not read.",
        ),
        click.option(
            "--group",
            "groups",
            multiple=True,
            help="Judge only this group (repeatable): main, an extra's name or a "
            "dependency group. Default: main, the dev/test groups, and the requirements of "
            "other extras and groups that are installed.",
        ),
        click.option(
            "--entry",
            "entries",
            multiple=True,
            help="An entry point of the project (module, file or `pkg.mod:app`); "
            "repeatable, added to the ones found automatically.",
        ),
        click.option(
            "--exclude",
            "exclude",
            multiple=True,
            metavar="PATTERN",
            help="A glob of project files or folders not to read (repeatable); replaces "
            "[tool.depsize] exclude.",
        ),
        click.option(
            "--extend-exclude",
            "extend_exclude",
            multiple=True,
            metavar="PATTERN",
            help="A glob not to read, added to [tool.depsize] exclude (repeatable).",
        ),
        click.option(
            "--no-cache", is_flag=True, help="Do not read or write the import and env caches."
        ),
        click.option(
            "--config",
            "config",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Read [tool.depsize] from this file instead of the project's pyproject.toml "
            "(a pyproject.toml-like file, or one whose top level is the table).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settings(
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


def _handle_errors(func: F) -> F:
    """The one place library errors become exit codes."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except DepsizeError as exc:
            if debug:
                raise
            click.echo(_shown(f"depsize: error: {exc}"), err=True)
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
                _shown(f"depsize: internal error: {type(exc).__name__}: {exc}")
                + "\nThis is a bug: run again with --debug and report it.",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


def _shown(text: str) -> str:
    """A message for stderr: what came from scanned files made visible, never raw escapes."""
    from depsize.report.safe import terminal

    return terminal(text)


def _tolerant_streams() -> None:
    """Characters the terminal's encoding lacks (``PYTHONIOENCODING=ascii``, a C locale) are
    written as ``\\xb7``-style escapes instead of failing the whole report."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            with contextlib.suppress(ValueError, OSError):  # cannot change now: leave it
                reconfigure(errors="backslashreplace")


def _warn_wrong_env(analysis: Analysis) -> None:
    from depsize.sanity import wrong_env

    wrong = wrong_env(analysis)
    if wrong:
        click.echo(_shown(f"depsize: WARNING: {wrong}"), err=True)


def _show_progress() -> bool:
    """A spinner on stderr on an interactive terminal; never in CI logs unless asked."""
    forced = os.environ.get("DEPSIZE_PROGRESS", "")
    if forced:
        return forced not in {"0", "false", "no"}
    return sys.stderr.isatty() and not os.environ.get("CI")


def _analyze(settings: Settings) -> Analysis:
    from depsize.analyze import analyze
    from depsize.runcache.record import note_run, unrecorded_stderr

    if not _show_progress():
        analysis = analyze(settings)
    else:
        from rich.console import Console

        status = f"depsize: scanning {settings.project} …"
        with Console(file=unrecorded_stderr()).status(status, spinner="dots"):
            analysis = analyze(settings)
    note_run(analysis.env_token)  # the run cache stores a run only with its env's stamps
    return analysis


def _emit_warnings(analysis: Analysis, quiet: bool, verbose: int) -> None:
    if quiet:
        return
    warnings = analysis.warnings
    limit = None if verbose else 10
    for warning in warnings[:limit]:
        click.echo(_shown(f"depsize: warning: {warning}"), err=True)
    if limit is not None and len(warnings) > limit:
        click.echo(f"depsize: … {len(warnings) - limit} more warnings (-v shows all)", err=True)


def _check_output(output: Path | None, what: str = "the report") -> None:
    """Fail before the scan when ``-o`` cannot be written: a missing or unwritable folder."""
    if output is None:
        return
    folder = output.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {what}: the folder {folder} does not exist", output)
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {what}: the folder {folder} is not writable", output)


def _note(text: str) -> None:
    click.echo(_shown(f"depsize: note: {text}"), err=True)


def _locate(project: Path | None, options: dict[str, Any]) -> Path:
    """The project folder: as given, or (omitted) the nearest folder at or above the current
    one that marks a project. A folder given as the project that is itself an environment is
    taken as ``--env``, with the current folder's project as the project."""
    from depsize.projectroot import find_project_root, is_environment

    explicit = options.get("python") or options.get("env_dir") or options.get("site_packages")
    if project is not None and not explicit and is_environment(project):
        options["env_dir"] = project
        _note(f"{project} is an environment: measuring it (as --env {project})")
        project = None
    if project is not None:
        return project
    here = Path.cwd().resolve()
    root = find_project_root(here)
    if root.path == here:
        return Path()
    _note(f"project root {root.path} (the nearest folder above {here} with {root.marker})")
    return root.path


_CONTEXT = {"help_option_names": ["-h", "--help"]}
WHY_PATHS = 5
"""Shortest paths ``depsize why`` shows unless asked for more."""


@click.group(epilog=_EPILOG, context_settings=_CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="depsize")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of short error messages.")
def main(debug: bool) -> None:
    """Why is your Python deployment so big, and what can you safely cut?

    depsize reads an installed environment (never importing or running its packages), builds
    its dependency graph and tells how many bytes each requirement really costs.
    """
    _tolerant_streams()


SCAN_HELP = """Report what takes the space in the project's environment, and what can go.

Each declared requirement gets one status: used, dev-only, dead-code-only,
optional-only, types-only, command, plugin, transitive-only, unused,
not-installed or not-applicable, with its evidence (file:line).

\b
Figures (bytes on disk; apparent size unless --disk-usage):
  own        the distribution's own files
  closure    own + every distribution it pulls in (markers and extras evaluated
             for the scanned environment)
  exclusive  what removing it alone would free: its closure minus what the
             other roots still need
  share      every distribution's bytes split evenly among the roots that reach
             it; shares + extraneous + unowned = the env total
  unowned    files in site-packages that no distribution lists
"""


@main.command(help=SCAN_HELP, epilog=_EPILOG)
@click.argument(
    "project", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@_env_options
@_project_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "html"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--by",
    type=click.Choice(["requirement", "distribution"]),
    default="requirement",
    show_default=True,
    help="The table to show: declared requirements (with the largest distributions "
    "below), or only the installed distributions by their own size.",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the table: auto colours a terminal unless NO_COLOR is set (FORCE_COLOR "
    "forces it).",
)
@click.option(
    "--binary-units",
    is_flag=True,
    help="Sizes in KiB, MiB, GiB (powers of 1024, as du and ncdu show them) instead of kB, "
    "MB, GB. JSON always has exact bytes.",
)
@click.option(
    "--fail-on",
    "fail_on",
    metavar="STATUS,...",
    help="Exit 1 when a requirement has one of these statuses (e.g. unused,dead-code-only); "
    "requirements ignored by [tool.depsize] never count.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to FILE instead of stdout.",
)
@click.option("--top", type=click.IntRange(min=1), help="Show only the N largest rows.")
@click.option(
    "--sort",
    type=click.Choice(["exclusive", "closure", "own", "share", "name"]),
    default="exclusive",
    show_default=True,
    help="Sort the table by this column.",
)
@_IMAGE_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No warnings on stderr.")
@click.option("-v", "--verbose", count=True, help="Show every warning and conflict.")
@_handle_errors
def scan(
    project: Path,
    fmt: str,
    by: str,
    color: str,
    fail_on: str | None,
    binary_units: bool,
    output: Path | None,
    top: int | None,
    sort: str,
    quiet: bool,
    verbose: int,
    **env_options: Any,
) -> None:
    from depsize import units
    from depsize.failon import parse_fail_on

    failing = parse_fail_on(fail_on) if fail_on is not None else None
    _check_output(output)
    project = _locate(project, env_options)
    with units.binary_units(binary_units):
        analysis = _analyze(_settings(project, **env_options))
        _write_scan(analysis, fmt, output, quiet, verbose, top=top, sort=sort, by=by, color=color)
    if failing is not None:
        _fail_on(analysis, failing)


def _write_scan(
    analysis: Analysis,
    fmt: str,
    output: Path | None,
    quiet: bool,
    verbose: int,
    **view: Any,
) -> None:
    if fmt != "table" or output is not None:  # the table has its own "Could not read" section
        _emit_warnings(analysis, quiet, verbose)
    _warn_wrong_env(analysis)
    if output is None:
        _render_scan(analysis, fmt, sys.stdout, verbose, view)
        return
    buffer = io.StringIO()  # written whole once rendered: no half-written report
    _render_scan(analysis, fmt, buffer, verbose, {**view, "to_file": True})
    from depsize.report.output import write_report

    write_report(output, buffer.getvalue())


def _render_scan(
    analysis: Analysis, fmt: str, stream: IO[str], verbose: int, view: dict[str, Any]
) -> None:
    top, sort, by, color = view["top"], view["sort"], view["by"], view["color"]
    if fmt == "json":
        from depsize.report import json as json_report

        stream.write(json_report.render(analysis))
    elif fmt == "markdown":
        from depsize.report import markdown

        stream.write(markdown.render(analysis, top=top, sort=sort, by=by))
    elif fmt == "html":
        from depsize.report import html

        stream.write(html.render(analysis, sort=sort))
    else:
        from depsize.report import console

        console.render(
            analysis,
            stream,
            color=console.use_color(
                "never" if view.get("to_file") and color == "auto" else color,
                stream,
                os.environ,
            ),
            width=console.terminal_width(stream, os.environ),
            top=top,
            sort=sort,
            verbose=verbose,
            by=by,
        )


def _fail_on(analysis: Analysis, statuses: frozenset[str]) -> None:
    """``--fail-on``: name every requirement with one of *statuses* on stderr and exit 1."""
    from depsize.errors import EXIT_POLICY
    from depsize.failon import failing

    hits = failing(analysis.judgement, statuses)
    if not hits:
        return
    names = ", ".join(f"{v.requirement.display_name} ({v.status})" for v in hits)
    click.echo(_shown(f"depsize: --fail-on: {len(hits)} requirement(s) found: {names}"), err=True)
    sys.exit(EXIT_POLICY)


@main.command(epilog=_EPILOG)
@click.argument("name")
@click.argument(
    "project", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@_env_options
@_project_options
@click.option(
    "--max-paths",
    type=click.IntRange(min=1),
    default=WHY_PATHS,
    show_default=True,
    help="Show at most N shortest paths (and how many more there are).",
)
@click.option("--all-paths", is_flag=True, help="Show every shortest path, however many.")
@_handle_errors
def why(
    name: str, project: Path | None, max_paths: int, all_paths: bool, **env_options: Any
) -> None:
    """Show the shortest paths from a declared requirement to the distribution NAME.

    Without declared requirements, the roots are the distributions nothing requires. The
    first paths in name order are shown (--max-paths), with the count of the others.
    """
    from packaging.utils import canonicalize_name

    from depsize.attribute import why as why_paths
    from depsize.report.safe import terminal
    from depsize.units import human

    project = _locate(project, env_options)
    analysis = _analyze(_settings(project, **env_options))
    target = canonicalize_name(name)
    dists = analysis.scan.dists
    if target not in dists:
        raise InputError(f"{name} is not installed in {analysis.scan.env.site_packages[0]}")
    found = why_paths(analysis.graph, analysis.roots, target, None if all_paths else max_paths)
    lines = [f"{target} {dists[target].version}: {human(dists[target].own_bytes)} own"]
    kind = "declared requirement" if analysis.roots_from == "declared" else "root"
    if not found.paths:
        lines.append(f"{target} is reached by no {kind} (extraneous).")
    else:
        count = "Shortest path" if found.total == 1 else f"Shortest paths ({found.total:,})"
        lines.append(f"{count} from a {kind}:")
    lines.extend(
        "  " + " -> ".join(f"{n} ({human(dists[n].own_bytes)})" for n in path)
        for path in found.paths
    )
    more = found.total - len(found.paths)
    if more:
        lines.append(f"  … and {more:,} more paths; --all-paths shows them")
    for line in lines:
        click.echo(terminal(line))


@main.command(epilog=_EPILOG)
@click.argument("before", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("after", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--top", type=click.IntRange(min=1), help="Show at most N rows per section.")
@_handle_errors
def diff(before: Path, after: Path, top: int | None) -> None:
    """Compare two reports written by `depsize scan --format json`.

    Shows the total, and which distributions appeared, disappeared, grew or shrank, by bytes,
    plus requirements whose status changed.
    """
    from depsize.diff import diff_reports, render
    from depsize.report.document import load

    result = diff_reports(load(before, "report"), load(after, "report"))
    click.echo(_shown(render(result, top=top)), nl=False)


CHECK_HELP = """Fail (exit 1) when the environment breaks a size or hygiene budget.

Budgets come from the flags and from [tool.depsize.check] in pyproject.toml
(flags win). Sizes accept SI and IEC units: 500MB, 1.5GiB, 120000000. Every
broken budget is listed with its measured value, its limit and the top
contributors (with the requirement's file:line). Under GitHub Actions the
requirement lines at fault get ::error annotations and a summary is appended to
$GITHUB_STEP_SUMMARY. See docs/check.md.
"""


@main.command(help=CHECK_HELP, epilog=_EPILOG)
@click.argument(
    "project", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@_env_options
@_project_options
@click.option("--max-total", help="Budget for the whole environment (e.g. 500MB).")
@click.option("--max-dist", multiple=True, help="NAME=SIZE ceiling for one distribution.")
@click.option("--max-dist-default", help="Ceiling for every distribution's own size.")
@click.option(
    "--max-requirement", multiple=True, help="NAME=SIZE ceiling for a requirement's closure."
)
@click.option("--max-requirement-default", help="Ceiling for every requirement's closure.")
@click.option("--max-unused", type=int, help="Most requirements allowed with a counted status.")
@click.option(
    "--count",
    multiple=True,
    help="Statuses --max-unused counts (comma-separated; default unused,dead-code-only; "
    "'undeclared' counts undeclared imports).",
)
@click.option(
    "--count-likely/--no-count-likely",
    default=None,
    help="Also count verdicts of confidence 'likely' (default: only 'certain' ones).",
)
@click.option("--max-growth", help="Allowed growth over --baseline: a size (50MB) or 10%.")
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A JSON report written earlier by `depsize scan --format json`.",
)
@click.option(
    "--update-baseline",
    is_flag=True,
    help="Write the current report to --baseline (atomically) when within budget.",
)
@click.option(
    "--fail-on-warnings/--no-fail-on-warnings",
    default=None,
    help="Also fail when an input could not be read (e.g. a malformed requirement).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "github"]),
    default="text",
    show_default=True,
    help="text: a line per budget; json: the outcome as data; markdown: the step summary; "
    "github: text plus ::error annotations (added to text under GitHub Actions anyway).",
)
@click.option(
    "--lock",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Check the set a lock file resolves (uv.lock, poetry.lock, pylock.toml, pip's report, "
    "pinned requirements) before anything is installed, as `depsize plan` sizes it.",
)
@click.option("--binary-units", is_flag=True, help="Sizes in KiB, MiB, GiB instead of kB, MB, GB.")
@_handle_errors
def check(project: Path | None, **options: Any) -> None:
    from depsize import units
    from depsize.check.policy import CheckOptions
    from depsize.check.run import check_analysis, validate_request

    lock = options.pop("lock")
    project = _locate(project, options)
    names = CheckOptions.__dataclass_fields__
    flags = CheckOptions(**{k: options.pop(k) for k in list(options) if k in names})
    fmt, binary = options.pop("fmt"), bool(options.pop("binary_units"))
    update = bool(options.pop("update_baseline"))
    with units.binary_units(binary):
        settings = _settings(project, check=flags, **options)
        validate_request(settings.policy, update_baseline=update)  # before the scan
        analysis = _analyze(settings) if lock is None else _planned(lock)
        document, result = check_analysis(analysis, settings.policy, update_baseline=update)
        _write_check(project, fmt, result, document)
    sys.exit(result.exit_code)


def _planned(lock: Path) -> Analysis:
    """``check --lock``: the lock's planned set for this interpreter and platform, from the
    index pip is configured with; a size that cannot be read is an error, never a pass."""
    from depsize.plan.build import PlanOptions, plan_cache_dir
    from depsize.plan.build import plan as make_plan
    from depsize.plan.render import plan_analysis
    from depsize.plan.target import parse_target

    planned = make_plan(
        lock, PlanOptions(target=parse_target(None, None), cache_dir=plan_cache_dir())
    )
    for warning in planned.warnings:
        click.echo(_shown(f"depsize: warning: {warning}"), err=True)
    if planned.errors or planned.partial:
        unknown = len(planned.errors) + len(planned.unknown)
        raise InputError(f"{unknown} installed sizes unknown; no budget was checked", lock)
    return plan_analysis(planned)


def _write_check(project: Path, fmt: str, result: CheckResult, document: ReportDocument) -> None:
    from depsize.check import github, text

    on_actions = github.github_actions_enabled(os.environ)
    if fmt == "json":
        click.echo(text.render_json(result), nl=False)
    elif fmt == "markdown":
        click.echo(github.step_summary_markdown(result, document), nl=False)
    else:
        click.echo(_shown(text.render(result, measured=text.measured(document))), nl=False)
    if fmt == "github" or (fmt == "text" and on_actions):
        prefix = github.project_prefix(project, Path(os.environ.get("GITHUB_WORKSPACE", ".")))
        for line in github.annotations(result, prefix):
            click.echo(line)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if on_actions and summary:
        github.append_step_summary(summary, github.step_summary_markdown(result, document))


TRIM_HELP = """Write the requirements the project should have: without the unused lines.

By default prints a unified diff (nothing is written); -o FILE writes a new file,
--in-place rewrites the source atomically and keeps FILE.bak. Removed lines are
replaced by a comment saying why and how many bytes they free (--no-comments
drops them). Every other byte of the file stays as it was. The summary goes to
stderr. See docs/trim.md.
"""


@main.command(help=TRIM_HELP, epilog=_EPILOG)
@click.argument(
    "project", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@_env_options
@_project_options
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the trimmed file here (never over an existing file without --force).",
)
@click.option("--in-place", is_flag=True, help="Rewrite the source files (atomically).")
@click.option("--no-backup", is_flag=True, help="With --in-place: keep no FILE.bak.")
@click.option("--force", is_flag=True, help="Overwrite an existing -o target or .bak file.")
@click.option(
    "--remove",
    "remove",
    default="unused,dead-code-only",
    show_default=True,
    help="Statuses to remove: unused, dead-code-only, transitive-only.",
)
@click.option("--keep", multiple=True, help="Never remove this requirement (repeatable).")
@click.option(
    "--include-likely",
    is_flag=True,
    help="Also remove verdicts depsize is not certain of (confidence 'likely': the project "
    "loads code in a way depsize could not follow). Check the reasons first.",
)
@click.option("--no-comments", is_flag=True, help="Drop removed lines without a comment.")
@click.option(
    "--cpu-torch",
    is_flag=True,
    help="Where torch is declared and the env holds CUDA payload, add the CPU wheel "
    "index and report the projected saving.",
)
@click.option(
    "--add-missing",
    is_flag=True,
    help="Add undeclared imports, pinned to the installed version, with a comment.",
)
@_handle_errors
def trim(project: Path | None, **options: Any) -> None:
    from depsize.trim import describe, parse_statuses, plan_from_analysis, unified_diff, write_plan

    in_place, output = bool(options.pop("in_place")), options.pop("output")
    if in_place and output is not None:
        raise InputError("give either -o FILE or --in-place, not both")
    force, backup = bool(options.pop("force")), not options.pop("no_backup")
    _check_output(output, "the trimmed file")
    project = _locate(project, options)
    remove = parse_statuses(options.pop("remove"))
    plan = plan_from_analysis(
        _analyze(_settings(project, **options)),
        remove=remove,
        keep=options.pop("keep"),
        include_likely=bool(options.pop("include_likely")),
        comments=not options.pop("no_comments"),
        cpu_torch=bool(options.pop("cpu_torch")),
        add_missing=bool(options.pop("add_missing")),
    )
    if not in_place and output is None:
        from depsize.report.safe import patch_text

        click.echo(patch_text(unified_diff(plan)), nl=False)
    else:
        for path in write_plan(plan, in_place=in_place, output=output, force=force, backup=backup):
            click.echo(f"depsize: wrote {path}", err=True)
    for line in describe(plan):
        click.echo(_shown(f"depsize: {line}"), err=True)


# --- depsize plan: sizes of a resolved set before installing it ------------------------------

PLAN_HELP = (
    "Installed size of a resolved set before installing it: LOCK is a pylock.toml, uv.lock, "
    "poetry.lock, pip's `install --dry-run --report` JSON or a fully pinned requirements file. "
    "Each wheel's size comes from its zip directory (HTTP range reads, cached); attribution is "
    "the one `scan` computes. With --diff OLD NEW: what a change adds, removes or resizes."
)


@main.command(help=PLAN_HELP, epilog=_EPILOG)
@click.argument("locks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--diff", "as_diff", is_flag=True, help="Compare two locks: OLD NEW.")
@click.option("--python-version", help="Target Python (e.g. 3.12). Default: this interpreter.")
@click.option(
    "--platform",
    help="Target wheel platform tag (linux_x86_64, manylinux_2_28_aarch64, macosx_14_0_arm64, "
    "win_amd64). Default: this machine.",
)
@click.option("--index-url", help="Simple index (default: PIP_INDEX_URL, pip config, PyPI).")
@click.option(
    "--find-links",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder of wheels to read before asking the index (repeatable).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the wheel listing cache.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per request.")
@click.option(
    "--interpreter",
    default="/usr/local/bin/python",
    show_default=True,
    help="Target interpreter path: console-script shebangs name it, so their bytes depend on it.",
)
@click.option(
    "--group",
    "groups",
    multiple=True,
    help="Also plan this dependency group (uv.lock, poetry.lock, pylock.toml; repeatable). "
    "Default: the main requirements only, as a deploy installs them.",
)
@click.option("--max-total", help="Budget for the installed total (e.g. 250MB): exit 1 over it.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "html"]),
    default="table",
    help="html: scan's treemap report of the planned set (not with --diff).",
)
@_handle_errors
def plan(locks: tuple[Path, ...], as_diff: bool, fmt: str, **options: Any) -> None:
    import shutil

    from depsize.plan import render
    from depsize.plan.build import PlanOptions, plan_cache_dir
    from depsize.plan.build import plan as make_plan
    from depsize.plan.diff import diff_plans
    from depsize.plan.target import parse_target

    if len(locks) != (2 if as_diff else 1):
        raise click.UsageError("give one LOCK, or --diff OLD NEW")
    if as_diff and fmt == "html":
        raise click.UsageError("--diff writes table, json or markdown")
    budget = None
    if options["max_total"]:
        from depsize.check.sizes import parse_size

        budget = parse_size(options["max_total"], "--max-total")
    settings = PlanOptions(
        target=parse_target(options["python_version"], options["platform"]),
        index_url=options["index_url"],
        find_links=tuple(options["find_links"]),
        cache_dir=None if options["no_cache"] else plan_cache_dir(),
        timeout=options["timeout"],
        interpreter=options["interpreter"],
        groups=frozenset(options["groups"]),
    )
    plans = [make_plan(path, settings) for path in locks]
    tty = sys.stdout.isatty()
    color = tty and not os.environ.get("NO_COLOR")
    width = shutil.get_terminal_size().columns if tty else None
    if as_diff:
        diff = diff_plans(plans[0], plans[1])
        if fmt == "json":
            click.echo(render.render_diff_json(diff), nl=False)
        elif fmt == "markdown":
            click.echo(render.render_diff_markdown(diff), nl=False)
        else:
            render.render_diff_text(diff, sys.stdout, color=color, width=width)
    elif fmt == "json":
        click.echo(render.render_json(plans[0]), nl=False)
    elif fmt == "markdown":
        click.echo(render.render_markdown(plans[0]), nl=False)
    elif fmt == "html":
        click.echo(render.render_html(plans[0]), nl=False)
    else:
        render.render_text(plans[0], sys.stdout, color=color, width=width)
    _plan_outcome(plans, budget)


def _plan_outcome(plans: list[Plan], budget: int | None) -> None:
    """Warnings on stderr; exit 2 when a size could not be read, 1 over the budget."""
    from depsize.errors import EXIT_POLICY, EXIT_USAGE
    from depsize.units import human

    for planned in plans:
        for warning in planned.warnings:
            click.echo(_shown(f"depsize: warning: {warning}"), err=True)
    failed = [d for p in plans for d in p.errors]
    final = plans[-1]
    total = final.attribution.total_bytes
    if budget is not None and total > budget:
        click.echo(
            f"depsize: over budget: {human(total)} installed > --max-total {human(budget)}"
            + (" (and more: some sizes are unknown)" if final.partial else ""),
            err=True,
        )
        sys.exit(EXIT_POLICY)
    if failed:
        click.echo(f"depsize: error: partial result: {len(failed)} sizes not read", err=True)
        sys.exit(EXIT_USAGE)
    if budget is not None and final.partial:
        click.echo(
            f"depsize: error: budget not proven: {human(total)} known, "
            f"{len(final.unknown)} sizes unknown",
            err=True,
        )
        sys.exit(EXIT_USAGE)
