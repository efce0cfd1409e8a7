"""``depsize trim``: the requirements the project should have had, and nothing else changed.

:func:`plan_trim` is a pure function of what was read (it reads only the manifests it edits, and
checks they did not change since): it removes requirements, adds missing ones and the CPU torch
index, and returns a :class:`TrimPlan` with the old and new bytes of every file it changes.
:func:`unified_diff` and :func:`describe` show a plan; :func:`write_plan` writes it safely;
:func:`plan_from_analysis` builds one from an :class:`~depsize.analyze.Analysis`.

Requirements files are edited line by line on their exact bytes: a removed requirement's physical
lines become one comment line (or go, without comments) and every other byte stays. TOML manifests
are edited by :mod:`depsize.trim.manifests`; ``setup.cfg`` line by line, checked with configparser.
"""

from __future__ import annotations

from depsize.trim.analysis import additions_from, plan_from_analysis
from depsize.trim.lines import parse_statuses, readable, removal_comment, select_removals
from depsize.trim.model import (
    DEFAULT_REMOVE,
    REMOVABLE_STATUSES,
    TORCH_FAMILY,
    Addition,
    Change,
    CpuTorch,
    FileChangeKind,
    FileEdit,
    Removal,
    Skipped,
    TrimPlan,
    TrimSummary,
)
from depsize.trim.plan import plan_trim, read_unchanged
from depsize.trim.show import describe, unified_diff
from depsize.trim.write import write_plan

__all__ = [
    "DEFAULT_REMOVE",
    "REMOVABLE_STATUSES",
    "TORCH_FAMILY",
    "Addition",
    "Change",
    "CpuTorch",
    "FileChangeKind",
    "FileEdit",
    "Removal",
    "Skipped",
    "TrimPlan",
    "TrimSummary",
    "additions_from",
    "describe",
    "parse_statuses",
    "plan_from_analysis",
    "plan_trim",
    "read_unchanged",
    "readable",
    "removal_comment",
    "select_removals",
    "unified_diff",
    "write_plan",
]
