"""Byte counts for people: ``1.2 MB`` (SI, as ``du -h --si`` and pip show them), or
``1.2 MiB`` (IEC, as du, dust and ncdu show them) inside :func:`binary_units`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")
_BINARY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_binary: ContextVar[bool] = ContextVar("depsize_binary_units", default=False)


@contextmanager
def binary_units(enabled: bool = True) -> Iterator[None]:
    """Within the block, :func:`human` counts in KiB/MiB/GiB (powers of 1024) if *enabled*."""
    token = _binary.set(enabled)
    try:
        yield
    finally:
        _binary.reset(token)


def human(size: int) -> str:
    """``human(1_234_567) == '1.2 MB'`` (``'1.2 MiB'`` in :func:`binary_units`); exact
    below 1 kB."""
    binary = _binary.get()
    units, step = (_BINARY_UNITS, 1024) if binary else (_UNITS, 1000)
    value = float(size)
    for unit in units:
        if abs(value) < step or unit == units[-1]:
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}" if abs(value) < 100 else f"{value:.0f} {unit}"
        value /= step
    raise AssertionError("unreachable")  # pragma: no cover
