"""Import analysis: what the project's code imports, where, how, and whether that code is alive.

Entry point: :func:`analyze_imports` (``depsize.imports.project``). The stages are importable on
their own: :mod:`.files` (which files), :mod:`.extract` / :mod:`.fastscan` (what one file says),
:mod:`.layout` (first-party modules), :mod:`.entries` / :mod:`.commands` / :mod:`.reach` (what is
alive), :mod:`.said` (what else the project says: commands, :mod:`.repo` and :mod:`.devtools`
for tools configured up to the repository root, :mod:`.pytestuse` / :mod:`.toolplugins` for what
pytest, mkdocs, Sphinx, flake8 and pylint are told, strings naming modules or drivers),
:mod:`.cache`, :mod:`.begin` (the files listed and their scans begun before the caller waits
for them), :mod:`.parallel` (cold scans on several processes; ``DEPSIZE_JOBS``),
:mod:`.stdlib`.

The stage reads the project only: it names no distribution of any environment.
:mod:`depsize.join` looks what the project says up in the environment.
"""

from depsize.imports.model import (
    EntryPointFound,
    ImportKind,
    ImportSite,
    NameSaid,
    ProjectImports,
    ProjectSays,
    Scope,
)
from depsize.imports.project import analyze_imports
from depsize.imports.stdlib import is_stdlib

__all__ = [
    "EntryPointFound",
    "ImportKind",
    "ImportSite",
    "NameSaid",
    "ProjectImports",
    "ProjectSays",
    "Scope",
    "analyze_imports",
    "is_stdlib",
]
