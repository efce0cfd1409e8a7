"""``--format json``: a versioned, documented schema (``docs/schema.json``, ``docs/json.md``).

Keys are stable; ``schema_version`` is bumped on any breaking change. The document itself is
:class:`~depsize.report.document.ReportDocument`; this module only writes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from depsize.report.document import dump, from_analysis

if TYPE_CHECKING:
    from depsize.analyze import Analysis


def render(analysis: Analysis) -> str:
    """The JSON report of *analysis*."""
    return dump(from_analysis(analysis))
