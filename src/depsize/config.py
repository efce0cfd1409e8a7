"""Settings, resolved once: ``[tool.depsize]`` read and checked, the flags laid over it.

:func:`load_config` reads the table (unknown keys and values of the wrong type are errors naming
the file and the key); :func:`resolve_settings` is the one place where a flag beats the
configuration, for the analysis and for ``check``'s budgets alike, and returns the frozen
:class:`Settings` that :func:`~depsize.analyze.analyze` takes as is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from depsize.check.policy import (
    CONFIG_SECTION,
    CheckOptions,
    Policy,
    apply_flags,
    policy_from_config,
)
from depsize.errors import InputError
from depsize.models import STATUS_TABLE
from depsize.records import dataclass
from depsize.safeio import UnreadableFileError, read_bytes

IGNORE_KEYS = (*sorted(STATUS_TABLE), "undeclared")
"""What ``ignore = {status = [...]}`` may name: a status, or undeclared imports."""
KNOWN_KEYS = (
    "requirements",
    "groups",
    "entry",
    "exclude",
    "mapping",
    "ignore",
    "check",
    "allow-outside",
)
JOBS_VARIABLE = "DEPSIZE_JOBS"


@dataclass(frozen=True)
class ProjectConfig:
    """``[tool.depsize]`` as read, every value checked."""

    requirements: tuple[str, ...] = ()
    allow_outside: tuple[str, ...] = ()
    """Folders outside the project (relative to it) that requirement includes may read."""
    groups: tuple[str, ...] = ()
    entry: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    mapping: Mapping[str, NormalizedName] = field(default_factory=dict)
    ignore: Mapping[str, frozenset[NormalizedName]] = field(default_factory=dict)
    """Status (``"*"`` for every status) → names whose findings are ignored."""
    check: Policy = field(default_factory=Policy)
    """``[tool.depsize.check]``: the budgets, a relative ``baseline`` taken from the file's
    folder."""
    path: Path | None = None


def _strings(value: object, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError(f"[tool.depsize] {key} must be a string or a list of strings", path)


def _ignore(value: object, path: Path) -> dict[str, frozenset[NormalizedName]]:
    """``ignore = ["x"]`` ignores every finding about x; a table maps a status to names."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(IGNORE_KEYS))
        if unknown:
            raise InputError(
                f"[tool.depsize] ignore: unknown status {unknown[0]!r}; "
                f"valid: {', '.join(IGNORE_KEYS)}",
                path,
            )
        return {
            str(status): frozenset(
                canonicalize_name(n) for n in _strings(v, f"ignore.{status}", path)
            )
            for status, v in value.items()
        }
    return {"*": frozenset(canonicalize_name(n) for n in _strings(value, "ignore", path))}


def _read_table(path: Path, explicit: bool) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib  # lazy: only a project with a config file needs the parser
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(read_bytes(path).decode("utf-8"))
    except UnreadableFileError as exc:
        raise InputError(f"cannot read the config: {exc.reason}", path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid TOML: {exc}", path) from None
    except RecursionError:
        raise InputError("invalid TOML: nested too deeply to read", path) from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise InputError("[tool] must be a table", path)
    table = data if explicit and "tool" not in data else tool.get("depsize", {})
    if not isinstance(table, dict):
        raise InputError(f"[tool.depsize] must be a table, not {table!r}", path)
    unknown = sorted(set(table) - set(KNOWN_KEYS))
    if unknown:
        raise InputError(
            f"unknown key(s) in [tool.depsize]: {', '.join(unknown)}; "
            f"known keys: {', '.join(KNOWN_KEYS)}",
            path,
        )
    return table


def _mapping(value: object, path: Path) -> dict[str, NormalizedName]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InputError("[tool.depsize] mapping must map import names to distribution names", path)
    return {str(k): canonicalize_name(v) for k, v in value.items()}


def _check(value: object, path: Path) -> Policy:
    if not isinstance(value, dict):
        raise InputError(f"{CONFIG_SECTION} must be a table, not {value!r}", path)
    try:
        return policy_from_config(value, base_dir=path.parent)
    except InputError as exc:
        raise InputError(str(exc), path) from None


def load_config(project: Path, config_file: Path | None = None) -> ProjectConfig:
    """Read ``[tool.depsize]`` from ``project/pyproject.toml``, or from *config_file*
    (``--config``: a pyproject.toml-like file, or a file whose top level is the table);
    nothing there gives defaults."""
    path = config_file or project / "pyproject.toml"
    if config_file is None and not path.is_file():
        return ProjectConfig()
    table = _read_table(path, explicit=config_file is not None)
    return ProjectConfig(
        requirements=_strings(table.get("requirements", []), "requirements", path),
        allow_outside=_strings(table.get("allow-outside", []), "allow-outside", path),
        groups=_strings(table.get("groups", []), "groups", path),
        entry=_strings(table.get("entry", []), "entry", path),
        exclude=_strings(table.get("exclude", []), "exclude", path),
        mapping=_mapping(table.get("mapping", {}), path),
        ignore=_ignore(table.get("ignore", []), path),
        check=_check(table.get("check", {}), path),
        path=path,
    )


def read_jobs(environ: Mapping[str, str]) -> int | None:
    """``DEPSIZE_JOBS``: the processes the import scan and the used libraries' code may use;
    ``None`` when not set."""
    value = environ.get(JOBS_VARIABLE, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise InputError(f"{JOBS_VARIABLE}={value!r}; expected a whole number, 1 or more")
    return int(value)


@dataclass(frozen=True)
class Flags:
    """What the command line gave; ``None`` or empty: not given, the configuration decides."""

    project: Path = Path()
    python: Path | None = None
    env_dir: Path | None = None
    site_packages: tuple[Path, ...] = ()
    disk_usage: bool = False
    stat_all: bool = False
    requirements: tuple[Path, ...] = ()
    allow_outside: tuple[Path, ...] = ()
    """``--allow-outside``: folders outside the project requirement includes may read."""
    groups: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    """``--exclude``: globs that replace ``[tool.depsize] exclude``."""
    extend_exclude: tuple[str, ...] = ()
    """``--extend-exclude``: globs added to the others."""
    use_cache: bool = True
    env_only: bool = False
    """Only the environment: no requirements, no imports, no configuration (``why``)."""
    image: bool = False
    config: Path | None = None
    """``--config FILE`` instead of the project's pyproject.toml."""
    check: CheckOptions = field(default_factory=CheckOptions)


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, flags and ``[tool.depsize]`` resolved."""

    project: Path = Path()
    python: Path | None = None
    env_dir: Path | None = None
    site_packages: tuple[Path, ...] = ()
    disk_usage: bool = False
    stat_all: bool = False
    requirements: tuple[Path, ...] = ()
    """Requirement sources to judge; empty: found in the project."""
    allow_outside: tuple[Path, ...] = ()
    """Folders outside the project that requirement includes may be read from (the flags'
    and the configuration's, the latter relative to the project)."""
    groups: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    use_cache: bool = True
    env_only: bool = False
    image: bool = False
    """A deploy view (``--image``): installer tooling in the env is waste."""
    mapping: Mapping[str, NormalizedName] = field(default_factory=dict)
    ignore: Mapping[str, frozenset[NormalizedName]] = field(default_factory=dict)
    jobs: int | None = None
    """Processes for the import scan and the used libraries' code (``DEPSIZE_JOBS``); ``None``:
    the usable CPUs."""
    policy: Policy = field(default_factory=Policy)
    """``depsize check``'s budgets."""
    config_path: Path | None = None
    """The file ``[tool.depsize]`` was read from, if any."""


def resolve_settings(flags: Flags, environ: Mapping[str, str] | None = None) -> Settings:
    """The flags over ``[tool.depsize]`` (not read for an env-only run): a flag given wins,
    ``--extend-exclude`` adds, ``--max-dist``/``--max-requirement`` pairs add per name."""
    project = flags.project
    config = ProjectConfig() if flags.env_only else load_config(project, flags.config)
    exclude = config.exclude if flags.exclude is None else flags.exclude
    try:
        policy = apply_flags(config.check, flags.check)
    except InputError as exc:  # a flag's value: no file to name
        raise InputError(str(exc)) from None
    return Settings(
        project=project,
        python=flags.python,
        env_dir=flags.env_dir,
        site_packages=flags.site_packages,
        disk_usage=flags.disk_usage,
        stat_all=flags.stat_all,
        requirements=flags.requirements or tuple(project / f for f in config.requirements),
        allow_outside=flags.allow_outside + tuple(project / p for p in config.allow_outside),
        groups=flags.groups or config.groups,
        entries=flags.entries or config.entry,
        exclude=exclude + flags.extend_exclude,
        use_cache=flags.use_cache,
        env_only=flags.env_only,
        image=flags.image,
        mapping=config.mapping,
        ignore=config.ignore,
        jobs=read_jobs(os.environ if environ is None else environ),
        policy=policy,
        config_path=config.path,
    )
