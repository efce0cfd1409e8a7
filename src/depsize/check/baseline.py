"""The baseline: an earlier report, read for ``--max-growth`` and rewritten atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from depsize.errors import InputError
from depsize.report.document import ReportDocument, dump, load


def load_baseline(path: Path) -> ReportDocument:
    """The baseline report at *path*; every problem is an :class:`InputError` naming it."""
    return load(path, "baseline", ", or --update-baseline to create it")


def write_baseline(path: Path, document: ReportDocument) -> None:
    """Write *document* to *path* atomically: a temp file in the same folder, then os.replace."""
    text = dump(document)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before os.replace
            "w",
            encoding="utf-8",
            dir=path.parent,
            prefix=f".{path.name}.",
            suffix=".tmp",
            delete=False,
        )
    except OSError as exc:
        raise InputError(f"cannot write the baseline ({exc})", path) from None
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(handle.name).replace(path)  # os.replace: atomic within one folder
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise InputError(f"cannot write the baseline ({exc})", path) from None
