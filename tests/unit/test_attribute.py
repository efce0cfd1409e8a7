"""closure / exclusive / freed / share pinned on a synthetic env with hand-derived sizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from depsize.attribute import Root, attribute, default_roots, freed, why
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import DepGraph, build_graph
from depsize.models import EnvScan
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

SPECS = [
    DistSpec("app", files={"app/__init__.py": 100}, requires=("liba", "libb")),
    DistSpec("liba", files={"liba/__init__.py": 1000}, requires=("libc",)),
    DistSpec(
        "libb",
        files={"libb/__init__.py": 2000},
        requires=("libc>=1", 'oldpy; python_version < "3.8"'),
    ),
    DistSpec("libc", files={"libc/__init__.py": 4000}, requires=("libd[fast]",)),
    DistSpec(
        "libd",
        files={"libd/__init__.py": 8000},
        extras=("fast", "slow"),
        requires=('speedup; extra == "fast"', 'slowdown; extra == "slow"'),
    ),
    DistSpec("speedup", files={"speedup.py": 16000}),
    DistSpec("slowdown", files={"slowdown.py": 32000}),
    DistSpec("oldpy", files={"oldpy.py": 64000}),
    DistSpec("cyc1", files={"cyc1.py": 300}, requires=("cyc2",)),
    DistSpec("cyc2", files={"cyc2.py": 500}, requires=("cyc1",)),
    DistSpec("tool", files={"tool.py": 50}, requires=("libc",)),
]
APP = canonicalize_name("app")
TOOL = canonicalize_name("tool")
LIBB = canonicalize_name("libb")
LIBC = canonicalize_name("libc")
LIBD = canonicalize_name("libd")
CYC1 = canonicalize_name("cyc1")
CYC2 = canonicalize_name("cyc2")


def _env(tmp_path: Path, python: str) -> tuple[BuiltEnv, EnvScan, DepGraph]:
    built = make_site_packages(tmp_path, SPECS, python=python)
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    return built, scan, build_graph(scan.dists, env.marker_environment())


@pytest.fixture
def env311(tmp_path: Path) -> tuple[BuiltEnv, EnvScan, DepGraph]:
    return _env(tmp_path, "3.11.4")


def test_graph__extra_asked_by_requirer__pulls_its_dependency(
    env311: tuple[BuiltEnv, EnvScan, DepGraph],
) -> None:
    _, _, graph = env311
    assert graph.requires(LIBD) == ()  # without extras libd needs nothing
    assert graph.reach([(LIBC, "")]) == {"libc", "libd", "speedup"}  # libd[fast]
    assert "slowdown" not in graph.reach([(APP, "")])


def test_graph__marker_false_for_target_python__no_edge(
    env311: tuple[BuiltEnv, EnvScan, DepGraph],
) -> None:
    _, _, graph = env311
    assert graph.requires(LIBB) == ("libc",)


def test_graph__marker_true_for_target_python__edge(tmp_path: Path) -> None:
    _, _, graph = _env(tmp_path, "3.7.9")
    assert graph.requires(LIBB) == ("libc", "oldpy")


def test_default_roots__unrequired_and_one_per_cycle(
    env311: tuple[BuiltEnv, EnvScan, DepGraph],
) -> None:
    _, _, graph = env311
    names = [r.name for r in default_roots(graph)]
    assert names == ["app", "cyc1", "oldpy", "slowdown", "tool"]


def test_attribute__diamond__closure_exclusive_share(
    env311: tuple[BuiltEnv, EnvScan, DepGraph],
) -> None:
    built, scan, graph = env311
    own = built.own
    roots = [Root(APP), Root(TOOL)]
    result = attribute(scan, graph, roots).by_name()
    shared = ["libc", "libd", "speedup"]
    assert result[APP].closure == sum(own(n) for n in ["app", "liba", "libb", *shared])
    assert result[APP].exclusive == own("app") + own("liba") + own("libb")
    assert result[TOOL].closure == own("tool") + sum(own(n) for n in shared)
    assert result[TOOL].exclusive == own("tool")
    # shared bytes split evenly; an odd byte goes to the first root (app)
    half = {n: divmod(own(n), 2) for n in shared}
    assert result[APP].share == result[APP].exclusive + sum(q + r for q, r in half.values())
    assert result[TOOL].share == own("tool") + sum(q for q, _ in half.values())


def test_attribute__columns__add_up_to_total(env311: tuple[BuiltEnv, EnvScan, DepGraph]) -> None:
    built, scan, graph = env311
    result = attribute(scan, graph, [Root(APP), Root(TOOL)])
    assert result.extraneous == ("cyc1", "cyc2", "oldpy", "slowdown")
    assert result.extraneous_bytes == sum(built.own(n) for n in result.extraneous)
    shares = sum(r.share for r in result.roots)
    assert shares + result.extraneous_bytes + result.unowned_bytes == result.total_bytes
    assert result.total_bytes == sum(built.own(s.name) for s in SPECS)


def test_freed__set_with_shared_private_deps__more_than_sum_of_exclusive(
    env311: tuple[BuiltEnv, EnvScan, DepGraph],
) -> None:
    built, scan, graph = env311
    roots = [Root(APP), Root(TOOL), Root(CYC1)]
    sizes = attribute(scan, graph, roots).by_name()
    freed_bytes, names = freed(scan, graph, roots, {APP, TOOL})
    expected = ["app", "liba", "libb", "libc", "libd", "speedup", "tool"]
    assert names == frozenset(expected)
    assert freed_bytes == sum(built.own(n) for n in expected)
    assert freed_bytes > sizes[APP].exclusive + sizes[TOOL].exclusive


def test_attribute__cycle__closure_is_both_members(
    env311: tuple[BuiltEnv, EnvScan, DepGraph],
) -> None:
    built, scan, graph = env311
    result = attribute(scan, graph, [Root(CYC1)]).by_name()
    assert result[CYC1].closure == built.own("cyc1") + built.own("cyc2")
    assert result[CYC1].exclusive == result[CYC1].closure


def test_attribute__root_with_extra__reaches_extra_dependency(
    env311: tuple[BuiltEnv, EnvScan, DepGraph],
) -> None:
    built, scan, graph = env311
    result = attribute(scan, graph, [Root(LIBD, frozenset({"slow"}))]).by_name()
    assert result[LIBD].closure == built.own("libd") + built.own("slowdown")


def test_why__diamond__every_shortest_path(env311: tuple[BuiltEnv, EnvScan, DepGraph]) -> None:
    _, _, graph = env311
    roots = [Root(APP), Root(TOOL)]
    assert why(graph, roots, LIBD).paths == (("tool", "libc", "libd"),)
    both = why(graph, [Root(APP)], LIBC)
    assert both.paths == (("app", "liba", "libc"), ("app", "libb", "libc"))
    assert both.total == 2
    assert why(graph, [Root(APP)], LIBC, limit=1).paths == (("app", "liba", "libc"),)
    assert why(graph, roots, CYC2).paths == ()
