"""Reading depsize's own cache files without trusting them.

A pickle names the callables that rebuild it, and a plain ``pickle.loads`` calls whatever it
names (``os.system`` included). The cache folder is the user's own, but CI systems share and
restore it between jobs, from branches and forks; a planted file there must not run code.
:func:`loads` only rebuilds what depsize itself stores — its own data classes, the paths,
versions and markers they hold, and the builtin containers — and refuses any other name with
:class:`UntrustedPickleError` (for the caller, a cache miss). :func:`read` and :func:`write`
are the one way the caches (the env scan, the used-by-dependency memo, the pytest plugins' and
test modules' uses) read and store a file; :func:`read_stamped`, :func:`write_stamped` and
:class:`Kept` keep an answer under a stamp.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import io
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, TypeVar

from depsize import safeio

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


K = TypeVar("K")
V = TypeVar("V")


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


def read(path: Path) -> tuple[Any, os.stat_result] | None:
    """The object stored in the cache file ``path`` and the file's ``stat`` (taken on the open
    file, so it names what was read); ``None`` for anything else — absent, not a regular file,
    over the read cap, truncated, another format, a name depsize never stores. Never raises."""
    try:
        with safeio.open_regular(path) as handle:
            info = os.fstat(handle.fileno())
            data = handle.read(safeio.max_file_bytes() + 1)
        if len(data) > safeio.max_file_bytes():
            return None
        return loads(data), info
    except Exception:  # a cache file that cannot be used is a miss, whatever the reason
        return None


def write(path: Path, payload: object) -> os.stat_result | None:
    """Store ``payload`` in ``path`` atomically (a temporary file in the same folder, renamed
    into place) and return the written file's ``stat``, taken before the rename so that a
    concurrent writer cannot lend it its own; any error leaves the previous file (or none) in
    place and returns ``None``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            info = os.fstat(handle.fileno())
        Path(tmp).replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        return None
    return info


def code_stamp(*modules: ModuleType) -> list[int]:
    """The modification times of ``modules``' files, for a stored answer's stamp: a new depsize
    (or an edited checkout) never reads answers its old code gave (0 for a file not found)."""
    return [_mtime(module) for module in modules]


def _mtime(module: ModuleType) -> int:
    try:
        return Path(module.__file__ or "").stat().st_mtime_ns
    except OSError:
        return 0


def read_stamped(path: Path, stamp: str) -> Any:
    """What :func:`write_stamped` stored in ``path`` under ``stamp``; ``None`` for anything else
    (absent, damaged, a name depsize never stores, written under another stamp)."""
    found = read(path)
    stored = None if found is None else found[0]
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == stamp:
        return stored[1]
    return None


def write_stamped(path: Path, stamp: str, value: object) -> None:
    """Store ``value`` in ``path`` under ``stamp``, atomically; a file not written is a miss
    for the next run, never an error."""
    write(path, (stamp, value))


class Kept(Generic[K, V]):
    """A mapping kept between runs in a cache file under a stamp (depsize's version, its code,
    what the answers depend on): read once, its entries taken only when ``valid`` says they are
    whole, written back atomically by :meth:`save` when one was added. A file that cannot be
    read or written, is damaged or carries another stamp is an empty start, never an error."""

    def __init__(self, path: Path, stamp: str, valid: Callable[[dict[Any, Any]], bool]) -> None:
        self.path, self.stamp = path, stamp
        stored = read_stamped(path, stamp)
        self.entries: dict[K, V] = stored if isinstance(stored, dict) and valid(stored) else {}
        self.changed = False

    def put(self, key: K, value: V) -> None:
        self.entries[key] = value
        self.changed = True

    def save(self) -> None:
        if self.changed:
            write_stamped(self.path, self.stamp, self.entries)
            self.changed = False
