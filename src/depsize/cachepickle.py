"""Reading depsize's own cache files without trusting them.

A pickle names the callables that rebuild it, and a plain ``pickle.loads`` calls whatever it
names (``os.system`` included). The cache folder is the user's own, but CI systems share and
restore it between jobs, from branches and forks; a planted file there must not run code.
:func:`loads` only rebuilds what depsize itself stores — its own data classes, the paths,
versions and markers they hold, and the builtin containers — and refuses any other name with
:class:`UntrustedPickleError` (for the caller, a cache miss).
"""

from __future__ import annotations

import dataclasses
import enum
import io
import pickle
from typing import Any

_BUILTINS = frozenset(
    {"frozenset", "set", "dict", "list", "tuple", "bytes", "bytearray", "str", "int", "float"}
    | {"complex", "bool", "slice", "range"}
)
_EXACT = frozenset(
    {
        ("copyreg", "_reconstructor"),
        ("collections", "OrderedDict"),
        ("collections", "defaultdict"),
        ("collections", "deque"),
        ("collections", "Counter"),
    }
)
_CLASSES_FROM = ("packaging", "pathlib", "datetime")
"""Modules (and their submodules) whose classes, and only classes, a stored scan may hold."""


class UntrustedPickleError(pickle.UnpicklingError):
    """The file names a callable depsize never stores."""


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module == "builtins" and name in _BUILTINS) or (module, name) in _EXACT:
            return super().find_class(module, name)
        top = module.split(".", 1)[0]
        if (top == "depsize" or top in _CLASSES_FROM) and not name.startswith("_"):
            found = super().find_class(module, name)
            if top != "depsize" and isinstance(found, type):
                return found
            if top == "depsize" and _is_data(found):
                return found
        raise UntrustedPickleError(f"{module}.{name} is not something depsize stores")


def _is_data(found: object) -> bool:
    """A class that only holds data: a data class, an enum, a named tuple, a ``str``/``int``
    subclass — never a function, never a class whose constructor acts."""
    if not isinstance(found, type):
        return False
    return dataclasses.is_dataclass(found) or issubclass(found, (enum.Enum, tuple, str, int))


def loads(data: bytes) -> Any:
    """The object pickled in ``data``, built only of what depsize's caches hold."""
    return _Unpickler(io.BytesIO(data)).load()
