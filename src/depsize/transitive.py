"""Whether a ``transitive-only`` line can go: what it asks for that its requirers do not.

Another declared requirement already installs the package, so deleting the line frees 0 B and
changes nothing installed *here*. That is certain only when the line asks for nothing more than
the requirers do: no narrower version (a pin: without it pip picks the version by their
ranges), no extra they do not ask for (its packages would go), and a requirer that needs it on
every platform (SQLAlchemy requires greenlet only where ``platform_machine == "x86_64"``; on
an ARM machine the line is what installs it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from depsize.attribute import Root
from depsize.graph import DepGraph, Edge
from depsize.records import dataclass
from depsize.requirements.model import DeclaredRequirement

_ENV_MARKER = re.compile(
    r"\b(?:python_(?:full_)?version|platform_(?:machine|system|release|version"
    r"|python_implementation)|sys_platform|os_name|implementation_(?:name|version))\b"
)
"""A marker variable that differs between the machines a project is installed on (``extra``
is no such variable: it only says which of a requirer's extras asks)."""


@dataclass(frozen=True)
class Redundancy:
    """What a ``transitive-only`` line asks for beyond its requirers."""

    pin: bool = False
    """A version narrower than every requirer asks for."""
    reason: str | None = None
    """Why removing the line is only *likely* safe; ``None`` when it asks for nothing more."""


def redundancy(
    declarations: Sequence[DeclaredRequirement], graph: DepGraph, requirers: Iterable[Root]
) -> Redundancy:
    """What the applicable ``declarations`` of one name ask for beyond the edges into that
    name from the distributions the declared ``requirers`` reach (with their extras)."""
    if not declarations:
        return Redundancy()
    name = declarations[0].name
    starts = [state for root in requirers for state in root.states()]
    edges = [
        (edge, _parse(edge))
        for state in sorted(graph.reach_states(starts))
        for edge in graph.edges.get(state, ())
        if edge.target == name and edge.source != name
    ]
    label = declarations[0].display_name
    pinned = next((d for d in declarations if _narrower(d, edges)), None)
    if pinned is not None:
        return Redundancy(
            True,
            f"the line pins {label}{pinned.specifier}, narrower than {_asked(edges)}: without "
            "it pip picks the version by their ranges",
        )
    asked_extras = {extra for edge, _ in edges for extra in edge.extras}
    extras = sorted(set().union(*(d.extras for d in declarations)) - asked_extras)
    if extras:
        return Redundancy(
            False,
            f"the line asks for {label}[{','.join(extras)}], an extra no requirer asks for: "
            "without it that extra's packages may go",
        )
    conditional = [(edge, _env_marker(parsed)) for edge, parsed in edges]
    if conditional and all(marker for _, marker in conditional):
        edge, marker = conditional[0]
        return Redundancy(
            False,
            f"{edge.source} requires it only where `{marker}`: elsewhere the line is what "
            "installs it",
        )
    return Redundancy()


Parsed = list[tuple[Edge, Requirement | None]]
"""The edges into a name, each with its requirement parsed once (``None``: unparseable)."""


def _narrower(declaration: DeclaredRequirement, edges: Parsed) -> bool:
    """Whether ``declaration`` asks for a version clause no edge asks for."""
    if not declaration.specifier:
        return False
    try:
        mine = {str(s) for s in SpecifierSet(declaration.specifier)}
    except InvalidSpecifier:
        return True
    asked = {str(s) for _, parsed in edges if parsed is not None for s in parsed.specifier}
    return bool(mine - asked)


def _asked(edges: Parsed) -> str:
    """``flask asks >=1.6.2, rich any version``, for the first three requirers."""
    said: dict[str, str] = {}
    for edge, parsed in edges:
        spec = str(parsed.specifier) if parsed is not None and parsed.specifier else ""
        said.setdefault(edge.source, spec or "any version")
    parts = [f"{source} asks {spec}" for source, spec in sorted(said.items())]
    more = f" and {len(parts) - 3} more" if len(parts) > 3 else ""
    return ", ".join(parts[:3]) + more if parts else "what its requirers ask"


def _env_marker(parsed: Requirement | None) -> str | None:
    """The edge's marker when it depends on the machine, else ``None``."""
    if parsed is None or parsed.marker is None:
        return None
    text = str(parsed.marker)
    return text if _ENV_MARKER.search(text) else None


def _parse(edge: Edge) -> Requirement | None:
    try:
        return Requirement(edge.requirement)
    except InvalidRequirement:
        return None
