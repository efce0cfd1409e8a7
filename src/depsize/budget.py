"""Budgets people write and read back: ``500MB``, ``1.5GiB``, ``10%``, ``torch=600MB``.

Sizes accept SI units (``kB``, ``MB``, ``GB``, ``TB``; also ``k``, ``M``, ``G``, ``T``), IEC units
(``KiB``, ``MiB``, ``GiB``, ``TiB``; also ``Ki``, ``Mi``, ``Gi``, ``Ti``) and plain byte counts,
case-insensitively: ``b`` always means bytes, never bits. :func:`describe_size` says a size back
with its exact byte count, so nobody has to guess which unit a budget meant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name

from depsize.errors import InputError
from depsize.models import STATUS_TABLE, STATUSES
from depsize.units import human

SIZE_EXPECTED = "a size like 500MB, 1.5GiB or 120000000"
GROWTH_EXPECTED = "a percentage like 10% or a size like 50MB"
PAIR_EXPECTED = "NAME=SIZE, like torch=600MB"
COUNTABLE = (*STATUSES, "undeclared")
DEFAULT_COUNTED = tuple(s for s, i in STATUS_TABLE.items() if i.counted)
CONFIG_SECTION = "[tool.depsize.check]"
CONFIG_KEYS = (
    "max-total",
    "max-dist",
    "max-dist-default",
    "max-requirement",
    "max-requirement-default",
    "max-unused",
    "count",
    "max-growth",
    "baseline",
    "fail-on-warnings",
)

_K = 1000
_KI = 1024
_MULTIPLIERS: dict[str, int] = {
    "": 1,
    "b": 1,
    "byte": 1,
    "bytes": 1,
    **{prefix: _K**power for power, prefix in enumerate("kmgt", start=1)},
    **{prefix + "b": _K**power for power, prefix in enumerate("kmgt", start=1)},
    **{prefix + "i": _KI**power for power, prefix in enumerate("kmgt", start=1)},
    **{prefix + "ib": _KI**power for power, prefix in enumerate("kmgt", start=1)},
}
_UNITS_HELP = "units: B; kB, MB, GB, TB = powers of 1000; KiB, MiB, GiB, TiB = powers of 1024"
_NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:_[0-9]+)*|[0-9]*\.[0-9]+|[0-9]+\."
_SIZE_RE = re.compile(
    rf"^\s*(?P<sign>[-+]?)\s*(?P<number>{_NUMBER})\s*(?P<unit>[A-Za-z]*)\s*$",
)
_PROJECT_NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)

# Units describe_size may choose, largest first within each family.
_SI = (("TB", _K**4), ("GB", _K**3), ("MB", _K**2), ("kB", _K))
_IEC = (("TiB", _KI**4), ("GiB", _KI**3), ("MiB", _KI**2), ("KiB", _KI))


def _prefix(what: str) -> str:
    return f"{what}: " if what else ""


def _parse_magnitude(text: str, what: str, expected: str) -> Decimal:
    """The size in bytes as an exact decimal, sign included; errors name what was expected."""
    if not text.strip():
        raise InputError(f"{_prefix(what)}the value is empty; expected {expected}")
    match = _SIZE_RE.match(text)
    unit = match["unit"].lower() if match else ""
    if match is None or unit not in _MULTIPLIERS:
        raise InputError(
            f"{_prefix(what)}{text!r} is not understood; expected {expected} ({_UNITS_HELP})"
        )
    number = Decimal(match["number"].replace(",", "").replace("_", ""))
    value = number * _MULTIPLIERS[unit]
    return -value if match["sign"] == "-" else value


def parse_size(text: str | int, what: str = "") -> int:
    """``parse_size("1.5GiB") == 1_610_612_736``; a positive whole number of bytes.

    *what* names the option or key in error messages (``--max-total``). An int is taken as a
    byte count (TOML ``max-total = 500000000``). Fractions of a byte are rounded to the nearest.
    """
    if isinstance(text, bool):
        raise InputError(f"{_prefix(what)}{text!r} is not a size; expected {SIZE_EXPECTED}")
    value = Decimal(text) if isinstance(text, int) else _parse_magnitude(text, what, SIZE_EXPECTED)
    size = int(value.to_integral_value(rounding=ROUND_HALF_UP))
    if value < 0:
        raise InputError(f"{_prefix(what)}{text!r} is negative; expected {SIZE_EXPECTED}")
    if size == 0:
        raise InputError(f"{_prefix(what)}{text!r} is zero; expected {SIZE_EXPECTED}")
    return size


def _exact(size: int, units: tuple[tuple[str, int], ...]) -> str | None:
    """``size`` in the largest unit of *units* that states it with at most two decimals."""
    for unit, factor in units:
        if size < factor:
            continue
        value = Decimal(size) / factor
        if (value * 100) == (value * 100).to_integral_value():
            return f"{value.normalize():f} {unit}"
        return None
    return None


def describe_size(size: int) -> str:
    """``describe_size(500_000_000) == '500 MB (500,000,000 bytes)'``; unambiguous.

    A size that is a round number of SI units is said in SI, one that is round in IEC units
    (``1.5 GiB``) in IEC, anything else rounded in SI; the exact byte count always follows.
    """
    if abs(size) < _K:
        return f"{size:,} bytes"
    short = _exact(abs(size), _SI) or _exact(abs(size), _IEC) or human(abs(size))
    sign = "-" if size < 0 else ""
    return f"{sign}{short} ({size:,} bytes)"


@dataclass(frozen=True)
class Growth:
    """How much the env may grow against a baseline: a byte count or a percentage of it."""

    max_bytes: int | None = None
    percent: Decimal | None = None

    def allowed(self, baseline_bytes: int) -> int:
        """The growth allowed, in bytes, over a baseline of *baseline_bytes*."""
        if self.percent is None:
            return self.max_bytes or 0
        return int(Decimal(baseline_bytes) * self.percent / 100)

    def describe(self, baseline_bytes: int | None = None) -> str:
        if self.percent is None:
            return describe_size(self.max_bytes or 0)
        text = f"{self.percent.normalize():f}%"
        if baseline_bytes is None:
            return text
        allowed = describe_size(self.allowed(baseline_bytes))
        return f"{text} of {describe_size(baseline_bytes)} = {allowed}"


def parse_growth(text: str | int, what: str = "") -> Growth:
    """``10%`` (of the baseline total; ``0%`` forbids any growth) or a size like ``50MB``."""
    if isinstance(text, str) and text.strip().endswith("%"):
        number = text.strip()[:-1].strip()
        if not re.fullmatch(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", number):
            raise InputError(
                f"{_prefix(what)}{text!r} is not understood; expected {GROWTH_EXPECTED}"
            )
        return Growth(percent=Decimal(number))
    try:
        return Growth(max_bytes=parse_size(text, what))
    except InputError as exc:
        raise InputError(f"{exc}; for growth, {GROWTH_EXPECTED} (0% forbids any growth)") from None


def parse_name(text: str, what: str = "") -> NormalizedName:
    """A distribution name, canonicalised; an :class:`InputError` if it cannot be one."""
    name = text.strip()
    if not _PROJECT_NAME_RE.match(name):
        raise InputError(
            f"{_prefix(what)}{text!r} is not a distribution name; expected {PAIR_EXPECTED}"
        )
    return canonicalize_name(name)


def parse_cli_pairs(values: Iterable[str], what: str = "") -> dict[NormalizedName, int]:
    """``parse_cli_pairs(["torch=600MB"]) == {"torch": 600_000_000}``; names canonicalised.

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


def parse_statuses(values: Iterable[str], what: str = "") -> tuple[str, ...]:
    """``["unused,undeclared"]`` → ``("unused", "undeclared")``; each must be countable."""
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
    return parse_cli_pairs((f"{name}={size}" for name, size in value.items()), what)


def _statuses(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return parse_statuses([value], what)
    if isinstance(value, list):
        return parse_statuses([str(v) for v in value], what)
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


_Parser = Callable[[Any, str], Any]
# key in [tool.depsize.check] → (Policy field, parser)
_CONFIG_FIELDS: dict[str, tuple[str, _Parser]] = {
    "max-total": ("max_total", _size),
    "max-dist": ("max_dist", _size_table),
    "max-dist-default": ("max_dist_default", _size),
    "max-requirement": ("max_requirement", _size_table),
    "max-requirement-default": ("max_requirement_default", _size),
    "max-unused": ("max_unused", parse_max_unused),
    "count": ("count_statuses", _statuses),
    "count-likely": ("count_likely", _flag),
    "max-growth": ("max_growth", _growth),
    "fail-on-warnings": ("fail_on_warnings", _flag),
}


def _config_keys(table: Mapping[str, Any], source: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in table.items():
        norm = str(key).replace("_", "-")
        if norm not in CONFIG_KEYS:
            raise InputError(
                f"{source}: unknown key {key!r}; allowed keys: {', '.join(CONFIG_KEYS)}"
            )
        if norm in found:
            raise InputError(f"{source}: {norm!r} is given twice (with '-' and with '_')")
        found[norm] = value
    return found


def policy_from_config(
    table: Mapping[str, Any], *, base_dir: Path | None = None, source: str = CONFIG_SECTION
) -> Policy:
    """The budgets of ``[tool.depsize.check]``; unknown keys are errors naming the allowed ones.

    Keys are spelled like the flags (``max-total``); ``max_total`` is accepted too. A relative
    ``baseline`` path is taken relative to *base_dir* (the folder of the pyproject.toml).
    """
    changes: dict[str, Any] = {}
    for key, value in _config_keys(table, source).items():
        if key == "baseline":
            if not isinstance(value, str) or not value:
                raise InputError(f"{source} baseline: {value!r}; expected a file path")
            changes["baseline"] = (base_dir or Path()) / value
            continue
        attr, parser = _CONFIG_FIELDS[key]
        changes[attr] = parser(value, f"{source} {key}")
    return replace(Policy(), **changes)


@dataclass(frozen=True)
class CheckOptions:
    """The ``depsize check`` flags as click hands them over (``None``/empty: not given)."""

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


# CheckOptions field → (Policy field, flag, parser)
_FLAG_FIELDS: tuple[tuple[str, str, str, _Parser], ...] = (
    ("max_total", "max_total", "--max-total", _size),
    ("max_dist", "max_dist", "--max-dist", parse_cli_pairs),
    ("max_dist_default", "max_dist_default", "--max-dist-default", _size),
    ("max_requirement", "max_requirement", "--max-requirement", parse_cli_pairs),
    ("max_requirement_default", "max_requirement_default", "--max-requirement-default", _size),
    ("max_unused", "max_unused", "--max-unused", parse_max_unused),
    ("count", "count_statuses", "--count", parse_statuses),
    ("count_likely", "count_likely", "--count-likely", _flag),
    ("max_growth", "max_growth", "--max-growth", _growth),
    ("baseline", "baseline", "--baseline", lambda value, _: Path(value)),
    ("fail_on_warnings", "fail_on_warnings", "--fail-on-warnings", _flag),
)


def build_policy(
    options: CheckOptions,
    config: Mapping[str, Any] | None = None,
    *,
    base_dir: Path | None = None,
) -> Policy:
    """``[tool.depsize.check]`` (*config*) overridden by the flags: a flag given wins.

    ``--max-dist``/``--max-requirement`` pairs override the config's entry for the same name
    and keep the others.
    """
    policy = policy_from_config(config or {}, base_dir=base_dir)
    changes: dict[str, Any] = {}
    for option, attr, flag, parser in _FLAG_FIELDS:
        value = getattr(options, option)
        if value is None or value == ():
            continue
        parsed = parser(value, flag)
        if isinstance(parsed, dict):
            parsed = {**getattr(policy, attr), **parsed}
        changes[attr] = parsed
    return replace(policy, **changes)
