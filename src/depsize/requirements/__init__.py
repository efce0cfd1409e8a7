"""Declared requirements: what a project says it needs, and where it says so.

Entry point: :func:`load_declared`. One module per format (``txt``, ``pyproject``, ``poetry``,
``setup_cfg``, ``pipfile``); :mod:`~depsize.requirements.roundtrip` keeps requirements files byte
for byte for ``trim``.
"""

from depsize.requirements.discover import find_sources, load_declared
from depsize.requirements.model import (
    DEV_GROUPS,
    DeclaredRequirement,
    DeclaredSet,
    SourceFile,
    is_applicable,
    is_dev_group,
)
from depsize.requirements.roundtrip import RequirementsFile, render

__all__ = [
    "DEV_GROUPS",
    "DeclaredRequirement",
    "DeclaredSet",
    "RequirementsFile",
    "SourceFile",
    "find_sources",
    "is_applicable",
    "is_dev_group",
    "load_declared",
    "render",
]
