"""``@dataclass(frozen=True)`` at about half the cost of creating the class.

Python up to 3.12 compiles each generated method of a data class from source, one ``exec``
each: a frozen class costs six (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__``, ``__delattr__``), about 0.8 ms, and depsize creates over a hundred of them as
it starts. Here :func:`dataclasses.dataclass` still reads the fields (``fields()``,
``replace()``, ``asdict()`` and ``is_dataclass()`` see a data class as ever) but generates
nothing; ``__init__``, ``__eq__`` and ``__hash__`` come from one ``exec`` per class, written
as the standard library writes them, ``__repr__`` from a closure over the field names, and the
two methods that refuse assignment are shared (they refuse any name: no frozen class of
depsize has a subclass that adds attributes of its own).

The type checker sees :func:`dataclasses.dataclass` itself. Any other use than
``frozen=True`` (with ``kw_only=True`` or not) is handed to the standard library unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from reprlib import recursive_repr
from typing import TYPE_CHECKING, Any

__all__ = ["dataclass"]

if TYPE_CHECKING:
    from dataclasses import dataclass
else:

    def dataclass(cls: type | None = None, /, **options: Any) -> Any:
        """``dataclasses.dataclass``; the frozen case built by :func:`_frozen`."""
        if set(options) - {"frozen", "kw_only"} or options.get("frozen") is not True:
            return dataclasses.dataclass(cls, **options)
        kw_only = bool(options.get("kw_only", False))

        def wrap(klass: type) -> type:
            return _frozen(klass, kw_only)

        return wrap if cls is None else wrap(cls)


class _Factory:
    """The default of a parameter whose field has a ``default_factory``: call it."""

    def __repr__(self) -> str:
        return "<factory>"  # as dataclasses shows it in a signature


_FACTORY = _Factory()


def _frozen(cls: type, kw_only: bool) -> type:
    own = cls.__dict__
    if any("InitVar" in str(kind) for kind in own.get("__annotations__", {}).values()):
        return dataclasses.dataclass(cls, frozen=True, kw_only=kw_only)  # __post_init__(x)
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    cls = dataclasses.dataclass(
        cls, init=False, repr=False, eq=False, frozen=False, kw_only=kw_only
    )
    fields = dataclasses.fields(cls)
    names: dict[str, Any] = {"__object_setattr": object.__setattr__, "__factory": _FACTORY}
    hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
    source = {
        "__init__": _init(cls, fields, names),
        "__eq__": _tuple_method("__eq__", [f.name for f in fields if f.compare]),
        "__hash__": _tuple_method("__hash__", hashed),
    }
    own_methods = {"__init__", "__eq__"} & own.keys() | ({"__hash__"} if explicit_hash else set())
    wanted = [method for method in source if method not in own_methods]
    exec("\n".join(source[m] for m in wanted), names)  # the text is built from the field names
    for method in wanted:
        setattr(cls, method, _named(names[method], cls, method))
    if "__init__" in wanted:
        names["__init__"].__annotations__ = {f.name: f.type for f in fields if f.init} | {
            "return": None
        }
    if "__repr__" not in own:
        shown = [f.name for f in fields if f.repr]
        cls.__repr__ = _named(_repr(shown), cls, "__repr__")  # type: ignore[method-assign]
    cls.__setattr__ = _refuse_set  # type: ignore[method-assign, assignment]
    cls.__delattr__ = _refuse_delete  # type: ignore[method-assign, assignment]
    return cls


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...], names: dict[str, Any]) -> str:
    """The source of ``__init__``: the defaults and factories go into ``names``."""
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for f in fields:
        default = f"__default_{f.name}"
        if f.default is not dataclasses.MISSING:
            names[default] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            names[default] = f.default_factory
        if not f.init:
            if f.default_factory is not dataclasses.MISSING:
                body.append(f"__object_setattr(self, {f.name!r}, {default}())")
            elif f.default is not dataclasses.MISSING:
                body.append(f"__object_setattr(self, {f.name!r}, {default})")
            continue
        if f.default is not dataclasses.MISSING:
            parameter = f"{f.name}={default}"
            value = f.name
        elif f.default_factory is not dataclasses.MISSING:
            parameter = f"{f.name}=__factory"
            value = f"{default}() if {f.name} is __factory else {f.name}"
        else:
            parameter = f.name
            value = f.name
        (keyword if f.kw_only else positional).append(parameter)
        body.append(f"__object_setattr(self, {f.name!r}, {value})")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    parameters = ["self", *positional, *(["*", *keyword] if keyword else [])]
    lines = "\n".join(f"    {line}" for line in body or ["pass"])
    return f"def __init__({', '.join(parameters)}):\n{lines}"


def _tuple_method(name: str, attributes: list[str]) -> str:
    """``__eq__`` or ``__hash__`` over the fields' values as a tuple, as dataclasses does."""
    mine = "".join(f"self.{a}," for a in attributes)
    if name == "__hash__":
        return f"def __hash__(self):\n    return hash(({mine}))"
    theirs = "".join(f"other.{a}," for a in attributes)
    return (
        "def __eq__(self, other):\n"
        "    if other.__class__ is self.__class__:\n"
        f"        return ({mine}) == ({theirs})\n"
        "    return NotImplemented"
    )


def _repr(shown: list[str]) -> Callable[[Any], str]:
    @recursive_repr()
    def __repr__(self: Any) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({values})"

    return __repr__


def _named(function: Callable[..., Any], cls: type, name: str) -> Callable[..., Any]:
    function.__qualname__ = f"{cls.__qualname__}.{name}"
    function.__module__ = cls.__module__
    return function


def _refuse_set(self: object, name: str, value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self: object, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
