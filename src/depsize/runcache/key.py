"""What a stored run is keyed on and how its inputs are stamped: shared by the replay (which
must import almost nothing) and the recording."""

from __future__ import annotations

import os
import stat as stat_module
import sys
import zlib
from array import array

from depsize import __version__, safeio

FORMAT = 2
MAGIC = b"depsize-run-cache %d\n" % FORMAT
MAX_FILE_BYTES = 1 << 30
"""depsize's own file: a stored HTML report may pass the cap on files depsize does not trust."""
SETTLE_NS = 2_000_000_000
"""A run is not stored while an input changed less than this before the run started: a change
within the same clock tick as its stamp could leave the stamp equal."""

INODE_BITS = (1 << 63) - 1
"""Inodes are stored in signed 64-bit numbers: the lower 63 bits of each."""
_BOOT_ID = "/proc/sys/kernel/random/boot_id"

COMMANDS = frozenset({"scan", "why", "check"})
_NEVER = frozenset(
    {"--no-cache", "--stat-all", "--update-baseline", "--lock", "--in-place", "--help", "-h"}
)
_NEVER_PREFIXES = ("--output", "--lock=", "--no-cache=", "--stat-all=")
_STATIC_VARS = ("LANG", "LANGUAGE")
_STATIC_PREFIXES = ("PYTHON", "LC_")

Stamp = list[object]
"""``[path]``: absent · ``[path, ino]``: a folder whose entries the run did not read (it must
still be that folder) · ``[path, mtime_ns, size]``: the env scan cache's own stamp ·
``[path, mtime_ns, ctime_ns, size, ino]``: a file the run read, or a folder it listed."""


def cache_dir() -> str:
    """depsize's cache folder (the env and import caches live there too)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "depsize")


def cacheable(argv: list[str]) -> bool:
    """Whether a run of ``depsize ARGV`` may be stored: a read-only command, without a flag
    that writes a file, bypasses the caches or asks for help."""
    args = argv[1:] if argv[:1] == ["--debug"] else argv
    if not args or args[0] not in COMMANDS:
        return False
    for arg in args[1:]:
        if arg == "--":
            break
        if arg in _NEVER or arg.startswith(_NEVER_PREFIXES):
            return False
        if arg.startswith("-") and not arg.startswith("--") and ("o" in arg or "h" in arg):
            return False  # -o FILE, -h, or either among combined short flags
    return True


def invocation(argv: list[str]) -> list[object]:
    """Everything a run's output may depend on that is known before it starts."""
    ttys = [_isatty(fd) for fd in (0, 1, 2)]
    sizes = [_terminal_size(fd) if tty else None for fd, tty in enumerate(ttys)]
    streams = [
        [getattr(s, "encoding", None), getattr(s, "errors", None)] for s in (sys.stdout, sys.stderr)
    ]
    environ = sorted(
        [name, value]
        for name, value in os.environ.items()
        if name in _STATIC_VARS or name.startswith(_STATIC_PREFIXES)
    )
    return [
        FORMAT,
        __version__,
        _boot_id(),
        sys.executable,
        sys.version,
        argv,
        os.getcwd(),
        ttys,
        sizes,
        streams,
        environ,
    ]


def cache_file(folder: str, key: bytes) -> str:
    """One file per invocation; the key is stored inside too, so a name clash is a miss."""
    return os.path.join(folder, f"run-{zlib.crc32(key):08x}.bin")


def _boot_id() -> str | None:
    """This boot of this machine (Linux): a run cache restored from another job, machine or
    fork never replays, so a planted file cannot pass off its output as this run's."""
    try:
        return safeio.read_bytes(_BOOT_ID, limit=64).decode("ascii", "replace").strip()
    except safeio.UnreadableFileError:
        return None


def _isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def _terminal_size(fd: int) -> list[int] | None:
    try:
        size = os.get_terminal_size(fd)
    except (OSError, ValueError):
        return None
    return [size.columns, size.lines]


def stamp(path: str, *, whole: bool = True) -> Stamp:
    """A path's stamp now (``lstat``): absent, or its mtime, ctime, size and inode; a folder
    that is not ``whole`` (only its existence was used) by its inode alone."""
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return [path]
    if not whole and stat_module.S_ISDIR(st.st_mode):
        return [path, st.st_ino & INODE_BITS]
    return [path, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino & INODE_BITS]


def unchanged(paths: list[bytes], numbers: array[int], base: bytes = b"") -> bool:
    """Whether every stamp still holds (five numbers per path: the stamp's length as a list,
    then its values); anything malformed is a change. A relative path is relative to ``base``
    (looked up from an open descriptor of it: the kernel walks the shared part once)."""
    if len(numbers) != 5 * len(paths):
        return False
    folder = None
    if base:
        try:
            folder = os.open(base, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        except (OSError, ValueError):
            return False
    try:
        return _hold(paths, numbers, folder)
    finally:
        if folder is not None:
            os.close(folder)


def _hold(paths: list[bytes], numbers: array[int], folder: int | None) -> bool:
    lstat = os.lstat
    fields = zip(
        paths,
        numbers[0::5],
        numbers[1::5],
        numbers[2::5],
        numbers[3::5],
        numbers[4::5],
        strict=True,
    )
    for path, kind, first, second, third, fourth in fields:
        try:
            st = lstat(path, dir_fd=folder)  # an absolute path ignores the descriptor
        except (OSError, ValueError):
            if kind != 1:
                return False
            continue
        if kind == 3:
            if st.st_mtime_ns != first or st.st_size != second:
                return False
        elif kind == 5:
            if (
                st.st_mtime_ns != first
                or st.st_ctime_ns != second
                or st.st_size != third
                or st.st_ino & INODE_BITS != fourth
            ):
                return False
        elif kind != 2 or st.st_ino & INODE_BITS != first or not stat_module.S_ISDIR(st.st_mode):
            return False
    return True
