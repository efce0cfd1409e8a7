"""The "Largest distributions" view: what is big, beside the requirements table's what can go."""

from __future__ import annotations

from collections.abc import Mapping

from depsize.analyze import Analysis
from depsize.records import dataclass
from depsize.unreached import split_unreached

DEFAULT_TOP_DISTS = 10
"""Rows of the view under the requirements table when ``--top`` is not given."""


@dataclass(frozen=True)
class DistRow:
    """An installed distribution, by its own bytes, and the requirements that pull it in."""

    name: str
    own: int
    pulled_in_by: str


def dist_rows(analysis: Analysis, labels: Mapping[str, str]) -> list[DistRow]:
    """Every installed distribution, largest own size first, with the declared requirements
    (or roots) that reach it and their status. *labels* shows a requirement as declared
    (``uvicorn[standard]``), by its canonical name."""
    status: dict[str, str] = {}
    if analysis.judgement is not None:
        status = {v.requirement.name: v.status for v in analysis.judgement.verdicts}
    unreached = split_unreached(analysis)
    kind = {
        **dict.fromkeys(unreached.tooling, "installer tooling"),
        **dict.fromkeys(unreached.project, "the project itself"),
    }
    rows = []
    for name, dist in sorted(analysis.scan.dists.items(), key=lambda d: (-d[1].own_bytes, d[0])):
        by = dict.fromkeys(r.root.name for r in analysis.attribution.roots if name in r.reach)
        shown = [f"{labels[n]} ({status[n]})" if n in status else n for n in by]
        via = ", ".join(shown) if shown else f"nothing declared ({kind.get(name, 'extraneous')})"
        rows.append(DistRow(f"{dist.display_name} {dist.version}", dist.own_bytes, via))
    return rows
