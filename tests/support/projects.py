"""Write small projects for the tests: files by path relative to a root."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path


def write_files(root: Path, files: Mapping[str, str], *, dedent: bool = False) -> Path:
    """Write each ``rel: text`` under ``root`` (folders made as needed) and return ``root``.

    ``dedent`` strips the common indentation and the leading newline of triple-quoted texts
    written inside a test.
    """
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        content = textwrap.dedent(text).lstrip("\n") if dedent else text
        path.write_text(content, encoding="utf-8")
    return root
