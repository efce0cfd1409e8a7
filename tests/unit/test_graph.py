"""The graph's marker shortcuts give exactly what evaluating every (marker, extra) gives."""

from __future__ import annotations

from pathlib import Path

from packaging.markers import InvalidMarker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name

from depsize.graph import Edge, State, build_graph
from depsize.models import InstalledDist

ENV = {
    "python_version": "3.11",
    "python_full_version": "3.11.4",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_version": "",
    "implementation_version": "3.11.4",
}
EXTRAS = ("a", "B_b", "c.c", "d", "a", "1", "01", "unused", "")
REQUIRES = (
    "t1",
    't2; extra == "a"',
    't3; extra == "b-b"',
    't4; "C-C" == extra',
    't5; extra == "d" and python_version >= "3.8"',
    't6; (extra == "a" or extra == "d") and sys_platform == "linux"',
    't7; extra == "a" and sys_platform == "win32"',
    't8; extra != "a"',
    't9; python_version >= "3" or extra == "d"',
    't10; extra == "1"',
    't11; extra in "a d"',
    't12; extra == "not-declared"',
    't13; python_version < "3"',
    't14[x]; platform_machine == "extra"',
    't15; extra == "a" or extra == "d"',
    'missing; extra == "a"',
    "missing2",
    "t1 @@@ broken",
)
TARGETS = tuple(f"t{i}" for i in range(1, 16))


def _dist(name: str, requires: tuple[str, ...] = (), extras: tuple[str, ...] = ()) -> InstalledDist:
    return InstalledDist(
        name=NormalizedName(name),
        display_name=name,
        version="1",
        metadata_dir=Path(f"/site/{name}-1.dist-info"),
        site_packages=Path("/site"),
        requires=requires,
        provides_extras=extras,
        files=(),
        own_bytes=0,
        import_names=(),
    )


def _reference(dist: InstalledDist, names: set[str]) -> list[tuple[State, list[Edge]]]:
    """The graph edges of ``dist`` by evaluating every requirement for every declared extra."""
    edges: dict[State, list[Edge]] = {}
    extras = ["", *(canonicalize_name(e) for e in dist.provides_extras)]
    for text in dist.requires:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        target = canonicalize_name(req.name)
        wanted = frozenset(canonicalize_name(e) for e in req.extras)
        by_extra = req.marker is not None and "extra" in str(req.marker)
        for extra in extras if by_extra else [""]:
            holds = _holds(req, extra)
            if (holds if not extra else not _holds(req, "") and holds) and target in names:
                edges.setdefault((dist.name, extra), []).append(
                    Edge(dist.name, target, text, wanted, extra)
                )
    return list(edges.items())


def _holds(req: Requirement, extra: str) -> bool:
    if req.marker is None:
        return True
    try:
        return req.marker.evaluate({**ENV, "extra": extra})
    except (UndefinedComparison, UndefinedEnvironmentName, InvalidMarker):
        return False


def test_build_graph__every_marker_shape__same_edges_as_evaluating_every_extra() -> None:
    src = _dist("src", REQUIRES, EXTRAS)
    dists = {src.name: src, **{NormalizedName(t): _dist(t) for t in TARGETS}}
    graph = build_graph(dists, ENV)
    got = [(k, list(v)) for k, v in graph.edges.items() if k[0] == "src"]
    assert got == _reference(src, set(dists))
    assert {m.target for m in graph.missing} == {"missing2"}
    assert len(graph.warnings) == 1


def test_build_graph__plain_extra_markers__reach_only_their_extra() -> None:
    extras = tuple(f"e{i}" for i in range(50))
    requires = tuple(f't{i % 15 + 1}; extra == "{e}"' for i, e in enumerate(extras))
    src = _dist("src", requires, extras)
    dists = {src.name: src, **{NormalizedName(t): _dist(t) for t in TARGETS}}
    graph = build_graph(dists, ENV)
    assert graph.requires(src.name) == ()
    assert graph.reach([(src.name, "e16")]) == {"src", "t2"}
    assert [(k, list(v)) for k, v in graph.edges.items()] == _reference(src, set(dists))
