"""``depsize.records.dataclass``: a frozen class behaves as ``dataclasses.dataclass`` makes it.

Every shape the code base uses (and a few it may) is built twice, once by each decorator, from
the same body, and the two are compared on what callers can see: the signature, the fields,
``repr``, equality and hashes, ``replace``, pickling, ``__match_args__`` and the refusal to
assign.
"""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from collections.abc import Callable
from typing import Any

import pytest

from depsize import records

Decorator = Callable[..., Any]
BOTH = pytest.mark.parametrize("make", ["stdlib", "records"])


def _decorator(kind: str) -> Decorator:
    return dataclasses.dataclass if kind == "stdlib" else records.dataclass


def _shapes(decorate: Decorator) -> dict[str, type]:
    """The same class bodies under one decorator (same qualified names for both)."""

    @decorate(frozen=True)
    class Plain:
        name: str
        size: int

    @decorate(frozen=True)
    class Defaults:
        name: str
        size: int = 0
        tags: tuple[str, ...] = ()
        items: list[int] = dataclasses.field(default_factory=list)
        note: str = dataclasses.field(default="", repr=False)

    @decorate(frozen=True, kw_only=True)
    class KeywordOnly:
        name: str
        extras: dict[str, int] = dataclasses.field(default_factory=dict)
        level: int = 1

    @decorate(frozen=True)
    class Hidden:
        name: str
        cached: int = dataclasses.field(default=7, init=False)
        made: list[str] = dataclasses.field(default_factory=list, init=False)
        loose: int = dataclasses.field(default=0, compare=False)

    @decorate(frozen=True)
    class Posted:
        low: int
        high: int

        def __post_init__(self) -> None:
            if self.low > self.high:
                raise ValueError("low above high")

    @decorate(frozen=True)
    class Empty:
        pass

    @decorate(frozen=True)
    class Child(Plain):
        extra: int = 3

    @decorate(frozen=True)
    class OwnMethods:
        key: str

        def __eq__(self, other: object) -> bool:
            return isinstance(other, OwnMethods) and other.key.lower() == self.key.lower()

        def __hash__(self) -> int:
            return hash(self.key.lower())

        def __repr__(self) -> str:
            return f"<{self.key}>"

    return {cls.__name__: cls for cls in (Plain, Defaults, KeywordOnly, Hidden, Posted, Empty)} | {
        "Child": Child,
        "OwnMethods": OwnMethods,
    }


STDLIB = _shapes(dataclasses.dataclass)
RECORDS = _shapes(records.dataclass)
ARGS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "Plain": (("a", 1), {}),
    "Defaults": (("a",), {"items": [1, 2], "note": "n"}),
    "KeywordOnly": ((), {"name": "k", "level": 2}),
    "Hidden": (("h",), {"loose": 5}),
    "Posted": ((1, 2), {}),
    "Empty": ((), {}),
    "Child": (("c", 4), {"extra": 9}),
    "OwnMethods": (("Key",), {}),
}


@pytest.mark.parametrize("name", sorted(ARGS))
def test_the_class_reads_as_the_standard_one(name: str) -> None:
    ours, theirs = RECORDS[name], STDLIB[name]
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    assert [(f.name, f.default, f.init, f.repr, f.compare) for f in dataclasses.fields(ours)] == [
        (f.name, f.default, f.init, f.repr, f.compare) for f in dataclasses.fields(theirs)
    ]
    assert dataclasses.is_dataclass(ours)
    assert ours.__match_args__ == theirs.__match_args__  # type: ignore[attr-defined]
    assert vars(ours)["__init__"].__qualname__ == vars(theirs)["__init__"].__qualname__


@pytest.mark.parametrize("name", sorted(ARGS))
def test_instances_behave_as_the_standard_ones(name: str) -> None:
    args, kwargs = ARGS[name]
    ours, theirs = RECORDS[name](*args, **kwargs), STDLIB[name](*args, **kwargs)
    assert repr(ours) == repr(theirs)
    try:
        expected = hash(theirs)
    except TypeError:  # a list or dict among the values: unhashable for both
        with pytest.raises(TypeError):
            hash(ours)
    else:
        assert hash(ours) == expected
    assert ours == RECORDS[name](*args, **kwargs)
    assert ours != theirs  # another class: not equal, as between two standard classes
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
    field = next((f.name for f in dataclasses.fields(ours) if f.init), None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours.anything = 1
    if field is not None:
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(ours, field)


def test_values_decide_equality_and_hash() -> None:
    plain = RECORDS["Plain"]
    assert plain("a", 1) == plain("a", 1)
    assert hash(plain("a", 1)) == hash(plain("a", 1))
    assert plain("a", 1) != plain("a", 2)
    assert len({plain("a", 1), plain("a", 1), plain("b", 1)}) == 2
    hidden = RECORDS["Hidden"]
    assert hidden("h", loose=1) == hidden("h", loose=2)  # compare=False is left out
    assert RECORDS["OwnMethods"]("A") == RECORDS["OwnMethods"]("a")  # the class's own __eq__
    assert repr(RECORDS["OwnMethods"]("A")) == "<A>"


def test_defaults_factories_and_keyword_only() -> None:
    defaults = RECORDS["Defaults"]
    first, second = defaults("a"), defaults("b")
    assert first.items == []
    assert first.items is not second.items  # a new list each time
    assert (first.size, first.tags, first.note) == (0, (), "")
    assert "note" not in repr(first)
    hidden = RECORDS["Hidden"]("h")
    assert (hidden.cached, hidden.made) == (7, [])
    with pytest.raises(TypeError):
        RECORDS["KeywordOnly"]("k")  # keyword-only, as the standard class has it
    with pytest.raises(TypeError):
        RECORDS["Plain"]("a")  # a required field


def test_post_init_runs_and_replace_rebuilds() -> None:
    posted = RECORDS["Posted"]
    with pytest.raises(ValueError, match="low above high"):
        posted(3, 1)
    changed = dataclasses.replace(posted(1, 2), high=5)
    assert (changed.low, changed.high) == (1, 5)
    with pytest.raises(ValueError, match="low above high"):
        dataclasses.replace(posted(1, 2), low=9)
    child = dataclasses.replace(RECORDS["Child"]("c", 4), extra=1)
    assert (child.name, child.size, child.extra) == ("c", 4, 1)


@records.dataclass(frozen=True)
class Stored:
    """A module-level class: pickle finds it by name."""

    name: str
    sizes: tuple[int, ...] = ()


def test_pickles_and_copies_round_trip() -> None:
    import copy

    value = Stored("x", (1, 2))
    assert pickle.loads(pickle.dumps(value)) == value
    assert copy.deepcopy(value) == value


def test_init_only_fields__are_left_to_the_standard_decorator() -> None:
    @records.dataclass(frozen=True)
    class Scaled:
        value: int
        factor: dataclasses.InitVar[int] = 1

        def __post_init__(self, factor: int) -> None:
            object.__setattr__(self, "value", self.value * factor)

    assert Scaled(2, 3).value == 6
    assert [f.name for f in dataclasses.fields(Scaled)] == ["value"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Scaled(1).value = 2  # type: ignore[misc]


def test_other_uses_are_the_standard_decorator() -> None:
    @records.dataclass
    class Mutable:
        name: str

    item = Mutable("a")
    item.name = "b"  # not frozen: assignment works
    assert item == Mutable("b")
    assert dataclasses.is_dataclass(Mutable)
    with pytest.raises(TypeError):
        hash(item)  # eq without frozen: unhashable, as the standard class is
