"""The budgets ``depsize check`` enforces: ``[tool.depsize.check]`` with the flags over it.

:func:`depsize.config.load_config` reads the table with :func:`policy_from_config`;
:func:`depsize.config.resolve_settings` lays the flags over it with :func:`apply_flags`, the one
place where a flag beats configuration for a check: a flag given wins, ``--max-dist`` and
``--max-requirement`` pairs override the config's entry for the same name and keep the others.
Every bad value is an :class:`~depsize.errors.InputError` naming the flag or the key and saying
what was expected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import field, fields, replace
from pathlib import Path

from packaging.utils import NormalizedName

from depsize.check.sizes import (
    GROWTH_EXPECTED,
    PAIR_EXPECTED,
    SIZE_EXPECTED,
    Growth,
    describe_size,
    parse_growth,
    parse_name,
    parse_size,
)
from depsize.errors import InputError
from depsize.models import STATUS_TABLE, STATUSES
from depsize.records import dataclass

COUNTABLE = (*STATUSES, "undeclared")
DEFAULT_COUNTED = tuple(s for s, i in STATUS_TABLE.items() if i.counted)
CONFIG_SECTION = "[tool.depsize.check]"


def _prefix(what: str) -> str:
    return f"{what}: " if what else ""


def parse_pairs(values: Iterable[str], what: str = "") -> dict[NormalizedName, int]:
    """``parse_pairs(["torch=600MB"]) == {"torch": 600_000_000}``; names canonicalised.

    Each value is ``NAME=SIZE``; a name given twice with different sizes is an error.
    """
    pairs: dict[NormalizedName, int] = {}
    for value in values:
        raw_name, sep, raw_size = value.partition("=")
        if not sep:
            raise InputError(f"{_prefix(what)}{value!r} has no '='; expected {PAIR_EXPECTED}")
        name = parse_name(raw_name, what)
        size = parse_size(raw_size, f"{what} {name}".strip())
        if pairs.get(name, size) != size:
            raise InputError(
                f"{_prefix(what)}{name} is given twice ({describe_size(pairs[name])} and "
                f"{describe_size(size)}); expected one {PAIR_EXPECTED} per name"
            )
        pairs[name] = size
    return pairs


def parse_counted(values: Iterable[str], what: str = "") -> tuple[str, ...]:
    """What ``--max-unused`` counts: ``["unused,undeclared"]`` → ``("unused", "undeclared")``."""
    found: list[str] = []
    for value in values:
        for item in str(value).split(","):
            status = item.strip().lower()
            if status not in COUNTABLE:
                raise InputError(
                    f"{_prefix(what)}{item.strip()!r} is not a status; expected some of "
                    + ", ".join(COUNTABLE)
                )
            if status not in found:
                found.append(status)
    if not found:
        raise InputError(f"{_prefix(what)}no status given; expected some of {', '.join(COUNTABLE)}")
    return tuple(found)


def parse_max_unused(value: object, what: str = "") -> int:
    """A count limit: a whole number, zero or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(
            f"{_prefix(what)}{value!r} is not a count; expected a whole number like 0 or 3"
        )
    return value


@dataclass(frozen=True)
class Policy:
    """The budgets to enforce; ``None`` or empty means that budget is not set.

    Sizes are bytes. ``max_dist`` ceilings apply to a distribution's own bytes,
    ``max_requirement`` ceilings to a requirement's closure (itself and all it pulls in).
    ``baseline`` is where the baseline report lives (read for ``max_growth``).
    """

    max_total: int | None = None
    max_dist: Mapping[str, int] = field(default_factory=dict)
    max_dist_default: int | None = None
    max_requirement: Mapping[str, int] = field(default_factory=dict)
    max_requirement_default: int | None = None
    max_unused: int | None = None
    count_statuses: tuple[str, ...] = DEFAULT_COUNTED
    count_likely: bool = False
    """Whether ``max_unused`` also counts removable verdicts of confidence ``likely``."""
    max_growth: Growth | None = None
    fail_on_warnings: bool = False
    baseline: Path | None = None

    @property
    def is_empty(self) -> bool:
        """True when no budget at all is set (a baseline path alone is not a budget)."""
        return self == Policy(
            count_statuses=self.count_statuses,
            count_likely=self.count_likely,
            baseline=self.baseline,
        )


def _size_table(value: object, what: str) -> dict[NormalizedName, int]:
    if not isinstance(value, Mapping):
        raise InputError(
            f"{what}: {value!r} is not a table; expected NAME = SIZE pairs, "
            'like { torch = "600MB" }'
        )
    return parse_pairs((f"{name}={size}" for name, size in value.items()), what)


def _size_pairs(value: object, what: str) -> dict[NormalizedName, int]:
    return parse_pairs(value if isinstance(value, tuple) else (), what)


def _statuses(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return parse_counted([value], what)
    if isinstance(value, (list, tuple)):
        return parse_counted([str(v) for v in value], what)
    raise InputError(
        f"{what}: {value!r}; expected a list of statuses, like "
        '["unused", "dead-code-only", "undeclared"]'
    )


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{what}: {value!r}; expected true or false")
    return value


def _size(value: object, what: str) -> int:
    if not isinstance(value, (str, int)):
        raise InputError(f"{what}: {value!r} is not a size; expected {SIZE_EXPECTED}")
    return parse_size(value, what)


def _growth(value: object, what: str) -> Growth:
    if not isinstance(value, (str, int)):
        raise InputError(f"{what}: {value!r}; expected {GROWTH_EXPECTED}")
    return parse_growth(value, what)


def _path(value: object, what: str) -> Path:
    if not isinstance(value, (str, Path)) or not str(value):
        raise InputError(f"{what}: {value!r}; expected a file path")
    return Path(value)


_Parser = Callable[[object, str], object]
# key in [tool.depsize.check] and flag → (Policy field, parser of a config value, of a flag)
_FIELDS: dict[str, tuple[str, _Parser, _Parser]] = {
    "max-total": ("max_total", _size, _size),
    "max-dist": ("max_dist", _size_table, _size_pairs),
    "max-dist-default": ("max_dist_default", _size, _size),
    "max-requirement": ("max_requirement", _size_table, _size_pairs),
    "max-requirement-default": ("max_requirement_default", _size, _size),
    "max-unused": ("max_unused", parse_max_unused, parse_max_unused),
    "count": ("count_statuses", _statuses, _statuses),
    "count-likely": ("count_likely", _flag, _flag),
    "max-growth": ("max_growth", _growth, _growth),
    "fail-on-warnings": ("fail_on_warnings", _flag, _flag),
    "baseline": ("baseline", _path, _path),
}
CONFIG_KEYS = tuple(_FIELDS)


@dataclass(frozen=True)
class CheckOptions:
    """The ``depsize check`` flags as given (``None``/empty: not given); each field is the
    flag's name with ``_`` for ``-`` (``count`` is ``--count``)."""

    max_total: str | None = None
    max_dist: tuple[str, ...] = ()
    max_dist_default: str | None = None
    max_requirement: tuple[str, ...] = ()
    max_requirement_default: str | None = None
    max_unused: int | None = None
    count: tuple[str, ...] = ()
    count_likely: bool | None = None
    max_growth: str | None = None
    baseline: Path | None = None
    fail_on_warnings: bool | None = None


def _config_keys(table: Mapping[str, object], source: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for key, value in table.items():
        norm = str(key).replace("_", "-")
        if norm not in _FIELDS:
            raise InputError(
                f"{source}: unknown key {key!r}; allowed keys: {', '.join(CONFIG_KEYS)}"
            )
        if norm in found:
            raise InputError(f"{source}: {norm!r} is given twice (with '-' and with '_')")
        found[norm] = value
    return found


def policy_from_config(
    table: Mapping[str, object], *, base_dir: Path | None = None, source: str = CONFIG_SECTION
) -> Policy:
    """The budgets of ``[tool.depsize.check]``; unknown keys are errors naming the allowed ones.

    Keys are spelled like the flags (``max-total``); ``max_total`` is accepted too. A relative
    ``baseline`` path is taken relative to *base_dir* (the folder of the pyproject.toml).
    """
    changes: dict[str, object] = {}
    for key, value in _config_keys(table, source).items():
        attr, parser, _ = _FIELDS[key]
        parsed = parser(value, f"{source} {key}")
        changes[attr] = (base_dir or Path()) / parsed if isinstance(parsed, Path) else parsed
    return replace(Policy(), **changes)  # type: ignore[arg-type]


def apply_flags(policy: Policy, options: CheckOptions) -> Policy:
    """*policy* (from ``[tool.depsize.check]``) with the flags given over it: a flag wins."""
    changes: dict[str, object] = {}
    for option in fields(options):
        value = getattr(options, option.name)
        if value is None or value == ():
            continue
        flag = "--" + option.name.replace("_", "-")
        attr, _, parser = _FIELDS[flag[2:]]
        parsed = parser(value, flag)
        if isinstance(parsed, dict):
            parsed = {**getattr(policy, attr), **parsed}
        changes[attr] = parsed
    return replace(policy, **changes)  # type: ignore[arg-type]
