"""Recording a run for the run cache: what it read, which variables it looked up, what it wrote.

While a run is recorded:

- an audit hook (:func:`sys.addaudithook`) notes every file opened and every folder listed,
  except by the import system loading code, the process's own ``/proc/self`` files and its
  CPU quota (:func:`depsize.imports.parallel.quota_cpus`); any
  write outside depsize's cache folder, a child process, a network connection or a change of
  folder spoils the recording (nothing is stored), but for the workers of depsize's own pools
  (:data:`depsize.imports.parallel.POOL_EVENT`), which read only what this process stats;
- ``os.stat`` and ``os.lstat`` note the paths they are asked about (an existence check is an
  input too: a ``.git`` created above the project changes the repository root), and so does
  ``stat()`` on an entry of ``os.scandir`` (a cache keyed on a listing's sizes and mtimes);
- ``os.environ`` notes each name looked up (listing it notes them all);
- ``sys.stdout`` and ``sys.stderr`` pass everything through and keep a copy, in order.

:func:`finish` undoes all of that, stamps the inputs and stores the run when it may be stored.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from collections.abc import Callable, Iterator, MutableMapping
from typing import IO, Any

from depsize.runcache.key import (
    SETTLE_NS,
    Stamp,
    cache_dir,
    cache_file,
    cacheable,
    invocation,
)
from depsize.runcache.store import encode, key_bytes, write_atomically

_SPOILING = frozenset(
    {"os.fork", "os.forkpty", "os.posix_spawn", "os.exec", "os.spawn", "os.system", "os.chdir"}
    | {"os.fchdir", "subprocess.Popen", "socket.connect", "socket.getaddrinfo", "urllib.Request"}
    | {"os.truncate", "os.utime", "os.chmod", "os.chown", "os.symlink", "os.link", "os.rmdir"}
    | {"shutil.copyfile", "shutil.rmtree", "shutil.move", "os.putenv", "os.unsetenv"}
)
_CHANGING = frozenset({"os.rename", "os.remove", "os.mkdir"})
_NOTED = _CHANGING | {"open", "os.scandir", "os.listdir"}
_POOL_EVENT = "depsize.pool"
"""``depsize.imports.parallel.POOL_EVENT`` (not imported: a replay loads no more than it needs)."""
_NO_INPUT = ("/proc/self/", "/sys/fs/cgroup/")
"""What a run reads of its own process and its CPU quota: how it works, not what it finds."""
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


class _Recording:
    def __init__(self, argv: list[str]) -> None:
        self.key = invocation(argv)
        self.started_ns = time.time_ns()
        self.snapshot = dict(os.environ)
        self.cache = os.path.abspath(cache_dir())
        self.opened: set[str] = set()
        self.listed: set[str] = set()
        self.stated: set[str | bytes | os.PathLike[str]] = set()
        """As given to ``os.stat``: made absolute once the run is over."""
        self.names: set[str] = set()
        self.all_names = False
        self.spoiled = False
        self.chunks: list[tuple[int, bytearray]] = []
        self.env_token: str | None = None
        self.noted = False
        self.pool_starting = False
        """Between a pool's two events: its forks are its workers."""

    def mine(self, path: str) -> bool:
        """A path inside depsize's cache folder, or a folder above it (made for it)."""
        return (
            path == self.cache
            or path.startswith(self.cache + os.sep)
            or (self.cache.startswith(path.rstrip(os.sep) + os.sep))
        )

    def event(self, name: str, args: tuple[Any, ...]) -> None:
        """An audited file event outside the import system."""
        if name == "open":
            self._open(args)
        elif name in _CHANGING:
            paths = [_path(a) for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
            self.spoiled = self.spoiled or not all(p is not None and self.mine(p) for p in paths)
        else:  # a listing
            path = _path(args[0] if args[0] is not None else ".")
            if path is None:
                self.spoiled = True  # a listing through a descriptor: which folder is unknown
            else:
                self.listed.add(path)

    def _open(self, args: tuple[Any, ...]) -> None:
        path = _path(args[0])
        if path is None or path.startswith(_NO_INPUT):
            return  # a descriptor already opened (and noted), or this process's own state
        mode, flags = args[1], args[2]
        if isinstance(mode, str):
            writes = any(c in mode for c in "wax+")
        else:
            writes = isinstance(flags, int) and bool(flags & _WRITE_FLAGS)
        if writes:
            self.spoiled = self.spoiled or not self.mine(path)
        else:
            self.opened.add(path)


_CURRENT: list[_Recording] = []
_HOOKED: list[bool] = []


def _hook(name: str, args: tuple[Any, ...]) -> None:
    if not _CURRENT:
        return
    if name in _NOTED:
        if sys._getframe(1).f_code.co_filename.startswith("<frozen importlib"):
            return  # the import system loading (and caching) code
        _CURRENT[0].event(name, args)
    elif name == _POOL_EVENT:
        _CURRENT[0].pool_starting = args[0] == "start"
    elif name in _SPOILING and not (name == "os.fork" and _CURRENT[0].pool_starting):
        _CURRENT[0].spoiled = True


def _path(value: object) -> str | None:
    if isinstance(value, int):
        return None
    try:
        path = os.path.abspath(os.fsdecode(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if "\0" in path else path  # no such file can exist, nor be stored


class _Environ(MutableMapping[str, str]):
    """``os.environ`` that notes the names looked up."""

    def __init__(self, real: MutableMapping[str, str], recording: _Recording) -> None:
        self.real = real
        self.recording = recording

    def __getitem__(self, name: str) -> str:
        self.recording.names.add(name)
        return self.real[name]

    def __setitem__(self, name: str, value: str) -> None:
        self.real[name] = value

    def __delitem__(self, name: str) -> None:
        del self.real[name]

    def __iter__(self) -> Iterator[str]:
        self.recording.all_names = True
        return iter(self.real)

    def __len__(self) -> int:
        self.recording.all_names = True
        return len(self.real)

    def copy(self) -> dict[str, str]:
        return dict(self)


class _Tee(io.RawIOBase):
    """A binary stream that writes through to ``target`` and keeps a copy in ``chunks``."""

    def __init__(self, target: IO[bytes], number: int, recording: _Recording) -> None:
        super().__init__()
        self.target = target
        self.number = number
        self.recording = recording

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.target.write(chunk)
        chunks = self.recording.chunks
        if chunks and chunks[-1][0] == self.number:
            chunks[-1][1].extend(chunk)
        else:
            chunks.append((self.number, bytearray(chunk)))
        return len(chunk)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()


class _Saved:
    def __init__(self) -> None:
        self.stdout, self.stderr = sys.stdout, sys.stderr
        self.environ = os.environ
        self.stat, self.lstat, self.scandir = os.stat, os.lstat, os.scandir


_SAVED: list[_Saved] = []


def start(argv: list[str]) -> bool:
    """Record this run when it may be stored; ``True`` when recording."""
    if _CURRENT or not cacheable(argv):
        return False
    streams = (sys.stdout, sys.stderr)
    if not all(isinstance(getattr(s, "buffer", None), io.IOBase) for s in streams):
        return False  # streams replaced by an embedding program: leave them alone
    try:
        recording = _Recording(argv)
    except (OSError, RuntimeError):  # no current folder, no home folder
        return False
    saved = _Saved()
    _SAVED.append(saved)
    _CURRENT.append(recording)
    if not _HOOKED:
        sys.addaudithook(_hook)
        _HOOKED.append(True)
    os.environ = _Environ(saved.environ, recording)  # type: ignore[assignment]  # noqa: B003
    os.stat = _noting(saved.stat, recording)
    os.lstat = _noting(saved.lstat, recording)
    os.scandir = _listing(saved.scandir, recording)  # type: ignore[assignment]
    sys.stdout = _wrap(saved.stdout, 1, recording)
    sys.stderr = _wrap(saved.stderr, 2, recording)
    return True


def _wrap(stream: Any, number: int, recording: _Recording) -> io.TextIOWrapper:
    return io.TextIOWrapper(
        _Tee(stream.buffer, number, recording),  # type: ignore[arg-type]
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
        write_through=True,
    )


def _noting(real: Callable[..., os.stat_result], recording: _Recording) -> Callable[..., Any]:
    def noted(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if kwargs.get("dir_fd") is None and not isinstance(path, int):
            recording.stated.add(path)
        return real(path, *args, **kwargs)

    return noted


class _Entry:
    """A ``DirEntry`` that notes the paths whose ``stat()`` is asked for (a size and mtime
    read from a listing, never from ``os.stat``, is an input too)."""

    __slots__ = ("entry", "recording")

    def __init__(self, entry: os.DirEntry[Any], recording: _Recording) -> None:
        self.entry = entry
        self.recording = recording

    @property
    def name(self) -> Any:
        return self.entry.name

    @property
    def path(self) -> Any:
        return self.entry.path

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        self.recording.stated.add(self.entry.path)
        return self.entry.stat(follow_symlinks=follow_symlinks)

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return self.entry.is_dir(follow_symlinks=follow_symlinks)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        return self.entry.is_file(follow_symlinks=follow_symlinks)

    def is_symlink(self) -> bool:
        return self.entry.is_symlink()

    def is_junction(self) -> bool:  # os.walk asks from Python 3.12
        return bool(getattr(self.entry, "is_junction", lambda: False)())

    def inode(self) -> int:
        return self.entry.inode()

    def __fspath__(self) -> Any:
        return self.entry.path

    def __repr__(self) -> str:
        return repr(self.entry)


class _Listing:
    """``os.scandir``'s iterator, giving :class:`_Entry` objects."""

    def __init__(self, listing: Any, recording: _Recording) -> None:
        self.listing = listing
        self.recording = recording

    def __iter__(self) -> Iterator[_Entry]:
        return self

    def __next__(self) -> _Entry:
        return _Entry(next(self.listing), self.recording)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.listing.close()

    def close(self) -> None:
        self.listing.close()


def _listing(real: Callable[..., Any], recording: _Recording) -> Callable[..., _Listing]:
    def listed(*args: Any, **kwargs: Any) -> _Listing:
        return _Listing(real(*args, **kwargs), recording)

    return listed


def note_run(env_token: str | None) -> None:
    """Called once the run's analysis is done: which env scan cache file it used (``None``:
    the scan was not stored, so neither is the run)."""
    if _CURRENT:
        recording = _CURRENT[0]
        recording.env_token = env_token
        recording.noted = True
        recording.spoiled = recording.spoiled or env_token is None


def unrecorded_stderr() -> IO[str]:
    """stderr for what must not be replayed (the progress spinner)."""
    return _SAVED[0].stderr if _SAVED else sys.stderr


def finish(exit_code: object) -> None:
    """Stop recording; store the run when it read nothing it cannot stamp and ended 0 or 1
    (``exit_code``: ``SystemExit``'s code, ``None`` for a run ended by another exception)."""
    if not _CURRENT:
        return
    recording = _CURRENT.pop()
    saved = _SAVED.pop()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to keep
            stream.flush()
    sys.stdout, sys.stderr = saved.stdout, saved.stderr
    os.environ = saved.environ  # noqa: B003 - the same object back
    os.stat, os.lstat, os.scandir = saved.stat, saved.lstat, saved.scandir
    if recording.spoiled or not recording.noted or exit_code not in (0, 1):
        return
    try:
        _store(recording, 0 if exit_code == 0 else 1)
    except (OSError, ValueError, OverflowError):  # the output is out: a run not stored, no more
        return


def _store(recording: _Recording, code: int) -> None:
    from depsize.runcache.inputs import input_stamps

    found = input_stamps(recording)
    if found is None or _unsettled(found[0], recording.started_ns):
        return
    stamps, base = found
    data = encode(
        key=recording.key,
        base=base,
        environ=_environ(recording),
        all_environ=recording.all_names,
        stamps=stamps,
        exit_code=code,
        chunks=[(number, bytes(data)) for number, data in recording.chunks],
    )
    if write_atomically(cache_file(recording.cache, key_bytes(recording.key)), data):
        prune(recording.cache)


KEEP = 32
"""Stored runs kept per cache folder (one per invocation): the oldest go first."""


def prune(folder: str, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` most recently written runs in ``folder``."""
    try:
        with os.scandir(folder) as entries:
            runs = [
                (entry.stat(follow_symlinks=False).st_mtime_ns, entry.path)
                for entry in entries
                if entry.name.startswith("run-") and entry.name.endswith(".bin")
            ]
    except OSError:
        return
    for _, path in sorted(runs, reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _environ(recording: _Recording) -> list[tuple[str, str | None]]:
    names = set(recording.names)
    if recording.all_names:
        names.update(recording.snapshot)
    return [(name, recording.snapshot.get(name)) for name in sorted(names)]


def _unsettled(stamps: list[Stamp], started_ns: int) -> bool:
    """An input changed too shortly before the run (or during it) to trust its stamp."""
    limit = started_ns - SETTLE_NS
    return any(len(s) == 5 and max(s[1], s[2]) >= limit for s in stamps)  # type: ignore[call-overload]
