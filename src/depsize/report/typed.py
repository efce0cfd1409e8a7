"""Frozen dataclasses to and from JSON data, checked against their type hints.

:func:`from_data` builds a dataclass from decoded JSON and says where it does not fit, as a JSON
path (``requirements[3].name``), what it found and what was expected. It reads the hints the
dataclasses declare: ``str``, ``int`` (``bool`` is not an int; a field ending in ``_bytes`` must
not be negative), ``bool``, ``X | None``, ``Literal[...]``, ``tuple[X, ...]``,
``Mapping[str, X]`` and nested dataclasses. A key the dataclass does not know is skipped (a
newer writer may add keys); a missing key takes the field's default, or is an error.
:func:`to_data` is the inverse, keys in field order.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Hashable, Mapping
from functools import cache
from typing import Literal, TypeVar, Union, get_args, get_origin

T = TypeVar("T")


class ShapeError(Exception):
    """Data that does not fit the declared types: ``where`` (a JSON path) and ``problem``."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where or "the document"
        self.problem = problem
        super().__init__(f"{self.where} {problem}")


@cache
def _hints(cls: object) -> dict[str, object]:
    return typing.get_type_hints(cls)


def _found(value: object) -> str:
    kinds = {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
    }
    kind = kinds.get(type(value), "null" if value is None else f"a {type(value).__name__}")
    shown = repr(value) if isinstance(value, (str, int, float, bool)) else ""
    return f"{kind} ({shown[:60]})" if shown else kind


def _expected(hint: object) -> str:
    origin = get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(hint))
    if origin in (Union, types.UnionType):
        return " or ".join(_expected(a) for a in get_args(hint))
    if origin is tuple:
        return "an array"
    if origin is not None or dataclasses.is_dataclass(hint):
        return "an object"
    names: dict[object, str] = {
        str: "a string",
        int: "an integer",
        bool: "true or false",
        type(None): "null",
    }
    return names.get(hint, str(hint))


def _fail(where: str, value: object, hint: object) -> ShapeError:
    return ShapeError(where, f"is {_found(value)}; expected {_expected(hint)}")


def _scalar(hint: object, value: object, where: str) -> object:
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and where.endswith("_bytes") and value < 0:  # type: ignore[operator]
            raise ShapeError(where, f"is {value}; expected a byte count (0 or more)")
    elif hint is str:
        ok = isinstance(value, str)
    elif hint is type(None):
        ok = value is None
    else:  # pragma: no cover - a hint this module does not know is a bug in a dataclass
        raise TypeError(f"unsupported type hint {hint!r} at {where}")
    if not ok:
        raise _fail(where, value, hint)
    return value


def _literal(hint: object, value: object, where: str) -> object:
    if value not in get_args(hint) or isinstance(value, bool):
        raise _fail(where, value, hint)
    return value


def _union(hint: object, value: object, where: str) -> object:
    options = get_args(hint)
    if value is None and type(None) in options:
        return None
    rest = [a for a in options if a is not type(None)]
    if len(rest) != 1:  # pragma: no cover - only X | None is declared
        raise TypeError(f"unsupported union {hint!r} at {where}")
    try:
        return _convert(rest[0], value, where)
    except ShapeError as exc:
        if exc.where != where:
            raise
        raise _fail(where, value, hint) from None


def _array(hint: object, value: object, where: str) -> object:
    if not isinstance(value, list):
        raise _fail(where, value, hint)
    item = get_args(hint)[0]
    return tuple(_convert(item, v, f"{where}[{i}]") for i, v in enumerate(value))


def _mapping(hint: object, value: object, where: str) -> object:
    if not isinstance(value, dict):
        raise _fail(where, value, hint)
    item = get_args(hint)[1]
    return {str(k): _convert(item, v, f"{where}.{k}") for k, v in value.items()}


_BY_ORIGIN = {
    Literal: _literal,
    Union: _union,
    types.UnionType: _union,
    tuple: _array,
    Mapping: _mapping,
    dict: _mapping,
}


def _convert(hint: object, value: object, where: str) -> object:
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _object(hint, value, where)
    convert = _BY_ORIGIN.get(get_origin(hint))
    if convert is not None:
        return convert(hint, value, where)
    return _scalar(hint, value, where)


def _object(cls: type[T], value: object, where: str) -> T:
    if not isinstance(value, dict):
        raise _fail(where, value, cls)
    values: dict[str, object] = {}
    hints = _hints(typing.cast("Hashable", cls))
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        path = f"{where}.{field.name}" if where else field.name
        if field.name in value:
            values[field.name] = _convert(hints[field.name], value[field.name], path)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ShapeError(path, "is missing")
    return cls(**values)


def from_data(cls: type[T], data: object) -> T:
    """*data* (decoded JSON) as a *cls*, or a :class:`ShapeError` saying where it does not fit."""
    return _object(cls, data, "")


def to_data(obj: object) -> object:
    """A dataclass (or tuple, mapping, scalar) as JSON-ready data, keys in field order."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple):
        return [to_data(v) for v in obj]
    if isinstance(obj, Mapping):
        return {str(k): to_data(v) for k, v in obj.items()}
    return obj
