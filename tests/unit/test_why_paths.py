"""``depsize why`` on graphs whose shortest paths are too many to list, or very long."""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.utils import NormalizedName, canonicalize_name

from depsize.attribute import Root, why
from depsize.cli import main
from depsize.graph import DepGraph, Edge, ShortestPaths, State, shortest_paths
from support.site_packages import DistSpec, make_site_packages


def _graph(requires: dict[str, list[str]]) -> DepGraph:
    names = {canonicalize_name(n) for n in requires} | {
        canonicalize_name(t) for ts in requires.values() for t in ts
    }
    edges: dict[State, tuple[Edge, ...]] = {
        (canonicalize_name(s), ""): tuple(
            Edge(canonicalize_name(s), canonicalize_name(t), t, frozenset()) for t in targets
        )
        for s, targets in requires.items()
    }
    return DepGraph(edges=edges, nodes=frozenset(names))


def _lattice(levels: int) -> dict[str, list[str]]:
    """``app`` → a0, b0 → a1, b1 → … → a{n-1}, b{n-1} → ``target``: 2**levels shortest paths."""
    requires = {"app": ["a0", "b0"]}
    for i in range(levels):
        nxt = [f"a{i + 1}", f"b{i + 1}"] if i + 1 < levels else ["target"]
        requires[f"a{i}"] = nxt
        requires[f"b{i}"] = nxt
    return requires


def _all_paths_by_brute_force(
    requires: dict[str, list[str]], root: str, target: str
) -> list[tuple[str, ...]]:
    """Every path root → target, by plain enumeration (only for small graphs)."""
    found: list[tuple[str, ...]] = []
    stack: list[tuple[str, ...]] = [(root,)]
    while stack:
        path = stack.pop()
        if path[-1] == target:
            found.append(path)
            continue
        stack.extend((*path, nxt) for nxt in requires.get(path[-1], []) if nxt not in path)
    best = min(len(p) for p in found)
    return sorted(p for p in found if len(p) == best)


def _name(text: str) -> NormalizedName:
    return canonicalize_name(text)


def test_shortest_paths__40_level_diamond_lattice__counted_fast_and_first_5_listed() -> None:
    graph = _graph(_lattice(40))
    start = time.perf_counter()
    found = shortest_paths(graph, {_name("app"): [(_name("app"), "")]}, _name("target"), limit=5)
    elapsed = time.perf_counter() - start
    assert found.total == 2**40
    assert elapsed < 0.5, elapsed
    assert len(found.paths) == 5
    first = ("app", *(f"a{i}" for i in range(40)), "target")
    assert found.paths[0] == first
    assert found.paths[1] == (*first[:-2], "b39", "target")
    assert list(found.paths) == sorted(found.paths)


def test_shortest_paths__small_lattice__same_as_brute_force() -> None:
    requires = _lattice(6)
    graph = _graph(requires)
    expected = _all_paths_by_brute_force(requires, "app", "target")
    found = shortest_paths(graph, {_name("app"): [(_name("app"), "")]}, _name("target"))
    assert list(found.paths) == expected
    assert found.total == len(expected) == 64
    limited = shortest_paths(graph, {_name("app"): [(_name("app"), "")]}, _name("target"), 7)
    assert list(limited.paths) == expected[:7]
    assert limited.total == 64


def test_shortest_paths__2000_deep_chain__no_recursion_error() -> None:
    chain = [f"d{i}" for i in range(2001)]
    graph = _graph({a: [b] for a, b in itertools.pairwise(chain)})
    found = shortest_paths(graph, {_name("d0"): [(_name("d0"), "")]}, _name("d2000"))
    assert found.total == 1
    assert found.paths == (tuple(chain),)


def test_why__several_roots__only_the_shortest_over_all_roots_counted() -> None:
    requires = {"far": ["x"], "x": ["y"], "y": ["t"], "near": ["p", "q"], "p": ["t"], "q": ["t"]}
    graph = _graph(requires)
    found = why(graph, [Root(_name("far")), Root(_name("near"))], _name("t"), limit=1)
    assert found.paths == (("near", "p", "t"),)
    assert found.total == 2


def _lattice_env(tmp_path: Path, levels: int) -> Path:
    specs = [
        DistSpec(name, requires=tuple(targets), files={f"{name}/__init__.py": 1})
        for name, targets in _lattice(levels).items()
    ]
    specs.append(DistSpec("target", files={"target/__init__.py": 1}))
    return make_site_packages(tmp_path, specs).prefix


def test_cli_why__lattice__five_paths_and_the_count_of_the_rest(tmp_path: Path) -> None:
    env = _lattice_env(tmp_path, 10)
    (tmp_path / "project").mkdir()
    result = CliRunner().invoke(
        main, ["why", "target", str(tmp_path / "project"), "--env", str(env)]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "Shortest paths (1,024) from a root:"
    hops = [line for line in lines if line.startswith("  app")]
    assert len(hops) == 5
    assert lines[-1] == "  … and 1,019 more paths; --all-paths shows them"

    every = CliRunner().invoke(
        main, ["why", "target", str(tmp_path / "project"), "--env", str(env), "--all-paths"]
    )
    assert every.exit_code == 0, every.output
    assert len([ln for ln in every.stdout.splitlines() if ln.startswith("  app")]) == 1024
    assert "more paths" not in every.stdout

    two = CliRunner().invoke(
        main, ["why", "target", str(tmp_path / "project"), "--env", str(env), "--max-paths", "2"]
    )
    assert two.exit_code == 0, two.output
    assert two.stdout.splitlines()[-1] == "  … and 1,022 more paths; --all-paths shows them"


def test_cli_why__2000_deep_chain__the_one_path_no_recursion_error(tmp_path: Path) -> None:
    specs = [
        DistSpec(f"d{i}", requires=(f"d{i + 1}",) if i < 2000 else (), files={f"d{i}/x.py": 1})
        for i in range(2001)
    ]
    env = make_site_packages(tmp_path, specs).prefix
    (tmp_path / "project").mkdir()
    result = CliRunner().invoke(
        main, ["why", "d2000", str(tmp_path / "project"), "--env", str(env)]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "Shortest path from a root:"
    hops = [re.sub(r" \([^)]*\)", "", hop) for hop in lines[2].strip().split(" -> ")]
    assert hops == [f"d{i}" for i in range(2001)]
    assert len(lines) == 3


@settings(max_examples=200, deadline=None)
@given(
    edges=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 7)).filter(lambda e: e[0] != e[1]),
        max_size=24,
    ),
    limit=st.integers(1, 6),
)
def test_shortest_paths__random_graphs__same_as_brute_force(
    edges: list[tuple[int, int]], limit: int
) -> None:
    requires: dict[str, list[str]] = {f"n{i}": [] for i in range(8)}
    for source, target in dict.fromkeys(edges):
        requires[f"n{source}"].append(f"n{target}")
    graph = _graph(requires)
    start = {_name("n0"): [(_name("n0"), "")]}
    for name in (f"n{i}" for i in range(8)):
        reachable = any(p[-1] == name for p in _walks(requires, "n0"))
        found = shortest_paths(graph, start, _name(name), limit)
        if not reachable:
            assert found == ShortestPaths((), 0)
            continue
        expected = _all_paths_by_brute_force(requires, "n0", name)
        assert found.total == len(expected)
        assert list(found.paths) == expected[:limit]


def _walks(requires: dict[str, list[str]], root: str) -> list[tuple[str, ...]]:
    """Every simple path from ``root`` (small graphs only)."""
    found: list[tuple[str, ...]] = []
    stack: list[tuple[str, ...]] = [(root,)]
    while stack:
        path = stack.pop()
        found.append(path)
        stack.extend((*path, n) for n in requires.get(path[-1], []) if n not in path)
    return found
