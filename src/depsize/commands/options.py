"""The options several commands share, and the exit codes every help page ends with."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from depsize.errors import EXIT_CODES

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = "Exit codes: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES.items()) + "."


def env_options(func: F) -> F:
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


IMAGE_OPTION = click.option(
    "--image",
    is_flag=True,
    help="A deploy view: flag installer tooling (pip, setuptools, wheel) as waste in an image.",
)


def project_options(func: F) -> F:
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
