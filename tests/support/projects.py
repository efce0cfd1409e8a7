"""Write small projects for the tests: files by path relative to a root."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from depsize.verdicts import Verdict


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


def app_project(root: Path, requirements: str, app: str) -> Path:
    """``root/project`` with a ``requirements.txt`` and an ``app.py``."""
    return write_files(root / "project", {"requirements.txt": requirements, "app.py": app})


def verdicts_of(project: Path, env_dir: Path) -> dict[str, Verdict]:
    """The verdicts of a whole analysis of ``project`` against the env at ``env_dir``, by
    name (no cache)."""
    from depsize.analyze import Settings, analyze

    analysis = analyze(Settings(project=project, env_dir=env_dir, use_cache=False))
    assert analysis.judgement is not None
    return {v.requirement.name: v for v in analysis.judgement.verdicts}
