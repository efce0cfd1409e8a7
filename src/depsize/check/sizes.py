"""Sizes people write and read back: ``500MB``, ``1.5GiB``, ``10%``.

Sizes accept SI units (``kB``, ``MB``, ``GB``, ``TB``; also ``k``, ``M``, ``G``, ``T``), IEC units
(``KiB``, ``MiB``, ``GiB``, ``TiB``; also ``Ki``, ``Mi``, ``Gi``, ``Ti``) and plain byte counts,
case-insensitively: ``b`` always means bytes, never bits. :func:`describe_size` says a size back
with its exact byte count, so nobody has to guess which unit a budget meant.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from packaging.utils import NormalizedName, canonicalize_name

from depsize.errors import InputError
from depsize.records import dataclass
from depsize.units import human

SIZE_EXPECTED = "a size like 500MB, 1.5GiB or 120000000"
GROWTH_EXPECTED = "a percentage like 10% or a size like 50MB"
PAIR_EXPECTED = "NAME=SIZE, like torch=600MB"

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
