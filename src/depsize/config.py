"""``[tool.depsize]`` in the project's pyproject.toml: unknown keys are errors."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name

from depsize.errors import InputError
from depsize.models import STATUS_TABLE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

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


@dataclass(frozen=True)
class ProjectConfig:
    requirements: tuple[str, ...] = ()
    allow_outside: tuple[str, ...] = ()
    """Folders outside the project (relative to it) that requirement includes may read."""
    groups: tuple[str, ...] = ()
    entry: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    mapping: Mapping[str, NormalizedName] = field(default_factory=dict)
    ignore: Mapping[str, frozenset[NormalizedName]] = field(default_factory=dict)
    """Status (``"*"`` for every status) → names whose findings are ignored."""
    check: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None


def _strings(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError(f"[tool.depsize] {key} must be a string or a list of strings", path)


def _ignore(value: Any, path: Path) -> dict[str, frozenset[NormalizedName]]:
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


def load_config(project: Path, config_file: Path | None = None) -> ProjectConfig:
    """Read ``[tool.depsize]`` from ``project/pyproject.toml``, or from *config_file*
    (``--config``: a pyproject.toml-like file, or a file whose top level is the table);
    nothing there gives defaults."""
    path = config_file or project / "pyproject.toml"
    if config_file is None and not path.is_file():
        return ProjectConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the config: {exc.strerror}", path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid TOML: {exc}", path) from exc
    except RecursionError:
        raise InputError("invalid TOML: nested too deeply to read", path) from None
    tool = data.get("tool", {})
    table = tool.get("depsize", {}) if isinstance(tool, dict) else {}
    if config_file is not None and "tool" not in data:
        table = data
    if not isinstance(table, dict):
        raise InputError("[tool.depsize] must be a table", path)
    unknown = sorted(set(table) - set(KNOWN_KEYS))
    if unknown:
        raise InputError(
            f"unknown key(s) in [tool.depsize]: {', '.join(unknown)}; "
            f"known keys: {', '.join(KNOWN_KEYS)}",
            path,
        )
    mapping = table.get("mapping", {})
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise InputError("[tool.depsize] mapping must map import names to distribution names", path)
    check = table.get("check", {})
    if not isinstance(check, dict):
        raise InputError("[tool.depsize] check must be a table", path)
    return ProjectConfig(
        requirements=_strings(table.get("requirements", []), "requirements", path),
        allow_outside=_strings(table.get("allow-outside", []), "allow-outside", path),
        groups=_strings(table.get("groups", []), "groups", path),
        entry=_strings(table.get("entry", []), "entry", path),
        exclude=_strings(table.get("exclude", []), "exclude", path),
        mapping={str(k): canonicalize_name(v) for k, v in mapping.items()},
        ignore=_ignore(table.get("ignore", []), path),
        check=check,
        path=path,
    )
