"""Import analysis: what the project's code imports, where, how, and whether that code is alive.

Entry point: :func:`analyze_imports` (``depsize.imports.project``). The stages are importable on
their own: :mod:`.files` (which files), :mod:`.extract` / :mod:`.fastscan` (what one file says),
:mod:`.layout` (first-party modules), :mod:`.entries` / :mod:`.commands` / :mod:`.reach` (what is
alive), :mod:`.usage` (use without import: :mod:`.repo` and :mod:`.devtools` for tools configured
up to the repository root, :mod:`.pytestapi` / :mod:`.pytestuse` / :mod:`.toolplugins` for plugins
with proof of use, :mod:`.stubs`), :mod:`.cache`, :mod:`.parallel` (cold scans on several
processes; ``DEPSIZE_JOBS``), :mod:`.stdlib`.
"""

from depsize.imports.model import (
    CommandUse,
    EntryPointFound,
    ImportKind,
    ImportSite,
    PluginUse,
    ProjectImports,
    Scope,
)
from depsize.imports.project import analyze_imports
from depsize.imports.stdlib import is_stdlib

__all__ = [
    "CommandUse",
    "EntryPointFound",
    "ImportKind",
    "ImportSite",
    "PluginUse",
    "ProjectImports",
    "Scope",
    "analyze_imports",
    "is_stdlib",
]
