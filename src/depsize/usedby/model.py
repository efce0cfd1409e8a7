"""What the used-by-dependency pass finds: one use, and all of them per candidate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Literal

from packaging.utils import NormalizedName

from depsize.records import dataclass

UseHow = Literal["import", "extra", "requirement"]


@dataclass(frozen=True)
class DependencyUse:
    """One place a used distribution loads, lists or requires a candidate requirement."""

    candidate: NormalizedName
    source: NormalizedName
    """The used distribution whose code or metadata names the candidate."""
    file: Path
    """The source file, or the metadata file (``METADATA``) for extras and requirements."""
    line: int | None
    how: UseHow
    detail: str
    """The imported module (``python_multipart``), or the requirement as the metadata writes it."""
    function: str | None = None
    """The function (``Class.method`` for methods) the import sits in: when it is needed."""
    lazy: bool = False
    optional: bool = False
    """Under ``try/except ImportError``: the source copes without it, or raises a clear error."""
    dynamic: bool = False
    extras: tuple[str, ...] = ()
    uncalled: bool = False
    """Inside a module-level function that no other place of its distribution names (nor the
    project's files): only a project calling it directly would need the candidate."""
    unloaded: str | None = None
    """The dotted name of the module the import sits at the top of, when no other file of its
    distribution imports it and no entry point names it (a11y_pygments' ``utils/utils.py``, a
    theme-building helper): only a project or another library importing that module needs the
    candidate."""
    ini_key: str | None = None
    """Imported only when this pytest ini key is set (pytest-mock loads the ``mock`` backport
    only with ``mock_use_standalone_module``): a use only for a project that sets it."""

    def describe(self) -> str:
        """One line for reports: what names the candidate, where, and when it is needed."""
        if self.how == "extra":
            listed = ", ".join(f"{self.source}[{e}]" for e in self.extras)
            return f"listed in {listed}"
        if self.how == "requirement":
            return f"required by {self.source}, which the project uses ({self.detail})"
        text = f"{self.detail} imported by {self.source}"
        if self.function:
            text += f", for {self.source}'s {self.function}"
        notes = [
            note
            for note, flag in (
                ("importlib.import_module", self.dynamic),
                ("inside a function", self.lazy),
                ("under try/except ImportError", self.optional),
                (f"nothing in {self.source} calls it", self.uncalled),
                (f"in a module nothing in {self.source} imports", bool(self.unloaded)),
            )
            if flag
        ]
        return text + (f" ({'; '.join(notes)})" if notes else "")


@dataclass(frozen=True)
class DependencyUses:
    """What the pass found, per candidate."""

    uses: Mapping[NormalizedName, tuple[DependencyUse, ...]] = field(default_factory=dict)
    unreadable: Mapping[NormalizedName, tuple[Path, ...]] = field(default_factory=dict)
    """Source files that mention a candidate's name but could not be read or parsed: a verdict
    resting on the absence of a use is then not certain."""
    files_read: int = 0
    files_scanned: int = 0
    doubts: Mapping[NormalizedName, str] = field(default_factory=dict)
    """Why a verdict resting on the absence of a use is not certain, per candidate, when the
    code that could use it was not read (a planned set: no installed files)."""
