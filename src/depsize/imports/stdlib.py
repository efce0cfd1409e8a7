"""Standard-library module names of the *target* Python, 3.8 to 3.14.

``sys.stdlib_module_names`` exists only on 3.10+ and describes the running interpreter, which may
not be the target environment's, so the tables are literal: the 3.10 set (as CPython lists it:
top-level names, platform-specific modules of every platform included) plus, per version, the
names added and removed. Checked against real 3.8-3.13 interpreters (``sys.stdlib_module_names``
on 3.10+, the ``Lib/`` folder and ``lib-dynload`` of 3.8 and 3.9).
"""

from __future__ import annotations

from functools import cache


def _words(text: str) -> list[str]:
    return text.split()


_BASE_310 = frozenset(
    _words(
        """
    __future__ _abc _aix_support _ast _asyncio _bisect _blake2 _bootsubprocess _bz2 _codecs
    _codecs_cn _codecs_hk _codecs_iso2022 _codecs_jp _codecs_kr _codecs_tw _collections
    _collections_abc _compat_pickle _compression _contextvars _crypt _csv _ctypes _curses
    _curses_panel _datetime _dbm _decimal _elementtree _frozen_importlib
    _frozen_importlib_external _functools _gdbm _hashlib _heapq _imp _io _json _locale
    _lsprof _lzma _markupbase _md5 _msi _multibytecodec _multiprocessing _opcode _operator
    _osx_support _overlapped _pickle _posixshmem _posixsubprocess _py_abc _pydecimal _pyio
    _queue _random _scproxy _sha1 _sha256 _sha3 _sha512 _signal _sitebuiltins _socket
    _sqlite3 _sre _ssl _stat _statistics _string _strptime _struct _symtable _thread
    _threading_local _tkinter _tracemalloc _uuid _warnings _weakref _weakrefset _winapi
    _zoneinfo abc aifc antigravity argparse array ast asynchat asyncio asyncore atexit
    audioop base64 bdb binascii binhex bisect builtins bz2 calendar cgi cgitb chunk cmath
    cmd code codecs codeop collections colorsys compileall concurrent configparser
    contextlib contextvars copy copyreg cProfile crypt csv ctypes curses dataclasses
    datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum errno
    faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath
    getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib
    imaplib imghdr imp importlib inspect io ipaddress itertools json keyword lib2to3
    linecache locale logging lzma mailbox mailcap marshal math mimetypes mmap modulefinder
    msilib msvcrt multiprocessing netrc nis nntplib nt ntpath nturl2path numbers opcode
    operator optparse os ossaudiodev pathlib pdb pickle pickletools pipes pkgutil platform
    plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr pydoc
    pydoc_data pyexpat queue quopri random re readline reprlib resource rlcompleter runpy
    sched secrets select selectors shelve shlex shutil signal site smtpd smtplib sndhdr
    socket socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics
    string stringprep struct subprocess sunau symtable sys sysconfig syslog tabnanny tarfile
    telnetlib tempfile termios textwrap this threading time timeit tkinter token tokenize
    trace traceback tracemalloc tty turtle turtledemo types typing unicodedata unittest
    urllib uu uuid venv warnings wave weakref webbrowser winreg winsound wsgiref xdrlib xml
    xmlrpc zipapp zipfile zipimport zlib zoneinfo
        """
    )
)

_ADDED: dict[tuple[int, int], frozenset[str]] = {
    (3, 11): frozenset(_words("_tokenize _typing tomllib")),
    (3, 12): frozenset(_words("_pydatetime _pylong _sha2")),
    (3, 13): frozenset(
        _words(
            """
    _android_support _colorize _interpchannels _interpqueues _interpreters _ios_support
    _opcode_metadata _pyrepl _suggestions _sysconfig _wmi
        """
        )
    ),
    (3, 14): frozenset(_words("_hmac _remote_debugging _zstd annotationlib compression")),
}
"""Names that first appear in a version after 3.10."""

_REMOVED: dict[tuple[int, int], frozenset[str]] = {
    (3, 11): frozenset({"binhex"}),
    (3, 12): frozenset(
        _words("_bootsubprocess _sha256 _sha512 asynchat asyncore distutils imp smtpd")
    ),
    (3, 13): frozenset(
        _words(
            """
    _crypt _msi aifc audioop cgi cgitb chunk crypt imghdr lib2to3 mailcap msilib nis nntplib
    ossaudiodev pipes sndhdr spwd sunau telnetlib uu xdrlib
        """
        )
    ),
}
"""Names that are gone from a version after 3.10 on."""

_OLDER: dict[tuple[int, int], frozenset[str]] = {
    (3, 9): frozenset(_words("_bootlocale _peg_parser formatter parser symbol")),
    (3, 8): frozenset(_words("_bootlocale _dummy_thread dummy_threading formatter parser symbol")),
}
"""Names of 3.8 / 3.9 that 3.10 no longer has."""

_NOT_IN_38 = frozenset(
    _words("_aix_support _bootsubprocess _peg_parser _zoneinfo graphlib zoneinfo")
)

SUPPORTED = tuple((3, minor) for minor in range(8, 15))


@cache
def stdlib_names(python_minor: tuple[int, int]) -> frozenset[str]:
    """Top-level standard-library module names of Python ``major.minor``.

    Versions before 3.8 use the 3.8 table, versions after 3.14 the 3.14 table.
    """
    target = min(max(python_minor, SUPPORTED[0]), SUPPORTED[-1])
    if target == (3, 8):
        return (_BASE_310 - _NOT_IN_38) | _OLDER[(3, 8)]
    if target == (3, 9):
        return _BASE_310 | _OLDER[(3, 9)]
    names = set(_BASE_310)
    for minor in range(11, target[1] + 1):
        names |= _ADDED.get((3, minor), frozenset())
        names -= _REMOVED.get((3, minor), frozenset())
    return frozenset(names)


def is_stdlib(module: str, python_minor: tuple[int, int]) -> bool:
    """Whether ``module`` (dotted or not) belongs to the standard library of ``python_minor``.

    ``__main__`` (the running script) is no distribution either, though the tables omit it.
    """
    top = module.partition(".")[0]
    return top == "__main__" or top in stdlib_names(python_minor)
