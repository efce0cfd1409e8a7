"""Read one source file and list its imports, without executing it.

:func:`scan_bytes` decodes (PEP 263 cookies honoured), then tries the fast string-aware scanner of
:mod:`depsize.imports.fastscan`; anything it does not recognise falls back to the full ``ast``
walk of :mod:`depsize.imports.astscan`, which is also the reference the fast scanner is tested
against. A file that cannot be read, decoded or parsed gives a :class:`FileScan` with ``error``
set; nothing here raises for bad input.
"""

from __future__ import annotations

import os
from dataclasses import replace

from depsize import safeio
from depsize.imports import fastscan
from depsize.imports.cache import Key
from depsize.imports.files import notebook_source
from depsize.imports.model import FileScan
from depsize.imports.strings import spelled_in_code
from depsize.safeio import UnreadableFileError


def decode_source(data: bytes) -> str:
    """Text of a Python source file per PEP 263 (BOM, then coding cookie, then UTF-8).

    Raises ``UnicodeDecodeError``, ``SyntaxError`` (unknown encoding) or ``LookupError``.
    """
    if data.startswith(b"\xef\xbb\xbf") or b"coding" in data[:400]:
        import io  # lazy: only files with a cookie or BOM need these
        import tokenize  # lazy: same

        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    return data.decode("utf-8")


def scan_file(path: str, *, fast: bool = True) -> tuple[Key | None, FileScan]:
    """Read and scan one file: its cache key (size, mtime_ns of what was read) and its scan.

    The key is ``None`` when the file cannot be read (the scan then holds the error).
    """
    try:
        stat = os.stat(path)  # noqa: PTH116 - a str path, hot loop
        data = safeio.read_bytes(path)
    except UnreadableFileError as exc:
        return None, FileScan(error=exc.reason, error_line=None)
    except (OSError, ValueError) as exc:
        return None, FileScan(error=f"cannot read: {_reason(exc)}", error_line=None)
    notebook = os.path.splitext(path)[1] == ".ipynb"  # noqa: PTH122 - a str path, hot loop
    return (stat.st_size, stat.st_mtime_ns), scan_bytes(data, notebook=notebook, fast=fast)


def scan_bytes(
    data: bytes, *, notebook: bool = False, fast: bool = True, spelled: bool = True
) -> FileScan:
    """Imports, ``__main__`` guard and URL literals of one file's bytes; with ``spelled``, the
    names its string literals spell too (an installed library read for its imports alone,
    :mod:`depsize.usedby`, does without)."""
    try:
        text = notebook_source(data) if notebook else decode_source(data)
    except (UnicodeDecodeError, LookupError) as exc:
        return FileScan(error=f"cannot decode: {exc}", error_line=_bad_byte_line(data, exc))
    except SyntaxError as exc:
        return FileScan(error=f"cannot decode: {exc.msg}", error_line=exc.lineno or 1)
    except ValueError as exc:
        return FileScan(error=f"not a notebook: {exc}", error_line=1)
    result = fastscan.scan_text(text) if fast else None
    if result is None:
        result = scan_text_ast(text)
    if result.error is not None:
        maybe_newer = fast and result.error_line and "Python 2" not in result.error
        lenient = fastscan.scan_text(text, lenient=True) if maybe_newer else None
        if lenient is None:
            return result
        # the running parser rejects it, the import statements read fine: newer syntax, maybe
        result = replace(lenient, error=result.error, error_line=result.error_line, lenient=True)
    result = _bounded(result)
    return replace(result, spelled=spelled_in_code(text)) if spelled else result


MAX_IMPORTS = 10_000
"""Import statements kept per file. Real modules hold a few hundred at most; a generated or
hostile file with a million would make every later stage (and the report) a million rows long.
Past the cap the file is reported like one that could not be read, so no removal verdict that
rests on the absence of an import stays certain."""


def _bounded(result: FileScan) -> FileScan:
    if len(result.imports) <= MAX_IMPORTS:
        return result
    line = result.imports[MAX_IMPORTS].line
    return replace(
        result,
        imports=result.imports[:MAX_IMPORTS],
        error=f"more than {MAX_IMPORTS:,} imports; those from this line on are not read",
        error_line=line,
        lenient=False,
    )


def scan_text_ast(text: str) -> FileScan:
    """The ``ast`` walk of :mod:`depsize.imports.astscan` (imported on first use)."""
    from depsize.imports import astscan  # lazy: most projects never need it

    return astscan.scan_text_ast(text)


def _reason(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def _bad_byte_line(data: bytes, exc: Exception) -> int:
    start = getattr(exc, "start", None)
    return data.count(b"\n", 0, start) + 1 if isinstance(start, int) else 1
