"""End to end on real virtual environments built with ``python -m venv`` and pip.

The oracles are independent of depsize: the test's own walk of site-packages and parse of the
RECORD files for sizes, pipdeptree for the dependency graph.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import shutil
import stat
import sys
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from packaging.utils import canonicalize_name

from depsize.cli import main
from depsize.env.discover import discover, from_prefix, from_python
from depsize.env.scan import scan_env
from depsize.graph import build_graph

from .conftest import run

if TYPE_CHECKING:
    from .conftest import RealVenv

pytestmark = pytest.mark.venv

Graph = dict[str, list[str]]


# --- independent oracles -------------------------------------------------------------------


def _regular_file_bytes(paths: Iterable[str], seen: set[tuple[int, int]]) -> int:
    """Σ st_size of the regular files among ``paths``, each inode once."""
    total = 0
    for path in paths:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        total += st.st_size
    return total


def _files_under(site: Path) -> list[str]:
    return [os.path.join(root, name) for root, _dirs, files in os.walk(site) for name in files]


def _record_paths(site: Path) -> dict[str, list[str]]:
    """Absolute, normalised paths each RECORD lists, keyed by its dist-info folder name."""
    listed: dict[str, list[str]] = {}
    for record in sorted(site.glob("*.dist-info/RECORD")):
        with open(record, newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.reader(handle) if row]
        listed[record.parent.name] = [os.path.normpath(os.path.join(site, row[0])) for row in rows]
    return listed


def _listed_outside(site: Path) -> list[str]:
    """RECORD-listed regular files outside site-packages (console scripts in bin/), once each."""
    inside = str(site) + os.sep
    found = {
        path
        for paths in _record_paths(site).values()
        for path in paths
        if not path.startswith(inside) and os.path.lexists(path)
    }
    return sorted(p for p in found if stat.S_ISREG(os.lstat(p).st_mode))


def _env_bytes(site: Path) -> int:
    seen: set[tuple[int, int]] = set()
    return _regular_file_bytes(_files_under(site), seen) + _regular_file_bytes(
        _listed_outside(site), seen
    )


def _pipdeptree_graph(args: list[str]) -> Graph:
    """``pipdeptree --json`` as {distribution: sorted dependencies}, names canonicalised."""
    data = json.loads(run(args))
    return {
        canonicalize_name(entry["package"]["key"]): sorted(
            canonicalize_name(dep["key"]) for dep in entry["dependencies"]
        )
        for entry in data
    }


def _unrequired(graph: Mapping[str, list[str]]) -> set[str]:
    required = {dep for deps in graph.values() for dep in deps}
    return set(graph) - required


def _closure(graph: Mapping[str, list[str]], start: str) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for dep in graph[queue.popleft()]:
            if dep not in seen:
                seen.add(dep)
                queue.append(dep)
    return seen


def _shortest_paths(graph: Mapping[str, list[str]], roots: Iterable[str], target: str) -> list[str]:
    """Every shortest path root → target over all roots, as ``a -> b`` strings."""
    paths: list[list[str]] = []
    for root in roots:
        frontier = [[root]]
        while frontier and not any(p[-1] == target for p in frontier):
            frontier = [[*p, d] for p in frontier for d in graph[p[-1]] if d not in p]
        paths += [p for p in frontier if p[-1] == target]
    best = min(len(p) for p in paths)
    return sorted(" -> ".join(p) for p in paths if len(p) == best)


def _depsize_graph(prefix: Path) -> Graph:
    env = from_prefix(prefix, how="test")
    scan = scan_env(env)
    graph = build_graph(scan.dists, env.marker_environment())
    return {name: list(graph.requires(name)) for name in scan.dists}


@pytest.fixture(scope="module")
def host_pipdeptree(real_venv: RealVenv) -> Graph:
    """pipdeptree of the test environment, pointed at the real venv's interpreter."""
    return _pipdeptree_graph(
        [sys.executable, "-m", "pipdeptree", "--json", "--python", str(real_venv.python)]
    )


def _invoke(args: list[str]) -> Any:
    return CliRunner().invoke(main, args, catch_exceptions=False)


# --- a venv of the running Python ----------------------------------------------------------


def test_scan_env__real_venv__total_equals_bytes_of_regular_files(real_venv: RealVenv) -> None:
    scan = scan_env(from_prefix(real_venv.prefix, how="test"))

    assert _listed_outside(real_venv.site_packages), "pip writes console scripts to bin/"
    assert scan.total_bytes == _env_bytes(real_venv.site_packages)
    assert scan.unowned_bytes == 0
    assert scan.conflicts == ()
    assert scan.warnings == ()


def test_scan_env__real_venv__own_bytes_equal_record_listed_files(real_venv: RealVenv) -> None:
    """No path is listed twice here, so each distribution owns exactly what its RECORD lists
    (plus any bytecode compiled later next to a source it lists)."""
    site = real_venv.site_packages
    scan = scan_env(from_prefix(real_venv.prefix, how="test"))
    listed = _record_paths(site)
    all_listed = {p for paths in listed.values() for p in paths}
    by_folder = {dist.metadata_dir.name: dist for dist in scan.dists.values()}

    assert set(by_folder) == set(listed)
    for folder, paths in listed.items():
        sources = {p for p in paths if p.endswith(".py")}
        compiled_later = [
            os.path.join(root, name)
            for root, _dirs, files in os.walk(site)
            if os.path.basename(root) == "__pycache__"
            for name in files
            if os.path.join(root, name) not in all_listed
            and os.path.join(os.path.dirname(root), name.split(".", 1)[0] + ".py") in sources
        ]
        present = [p for p in paths if os.path.lexists(p)]
        expected = _regular_file_bytes(present + compiled_later, set())
        assert by_folder[folder].own_bytes == expected, folder


def test_build_graph__real_venv__requires_equal_pipdeptree(
    real_venv: RealVenv, host_pipdeptree: Graph
) -> None:
    ours = _depsize_graph(real_venv.prefix)

    assert {"requests", "httpx", "rich", "idna", "h2"} <= set(ours)
    assert ours == host_pipdeptree


def test_cli_scan__real_venv_json__figures_add_up(real_venv: RealVenv, tmp_path: Path) -> None:
    result = _invoke(["scan", str(tmp_path), "--env", str(real_venv.prefix), "--format", "json"])

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    env = data["env"]
    assert env["python"] == "{}.{}.{}".format(*sys.version_info[:3])
    assert env["path"] == str(real_venv.prefix)
    assert env["total_bytes"] == _env_bytes(real_venv.site_packages)
    own = {d["name"]: d["own_bytes"] for d in data["distributions"]}
    requires = {d["name"]: d["requires"] for d in data["distributions"]}
    assert sum(own.values()) + env["unowned_bytes"] == env["total_bytes"]
    roots = {r["name"]: r for r in data["roots"]}
    assert set(roots) == _unrequired(requires)
    assert {"httpx", "requests", "rich", "h2"} <= set(roots)
    assert data["extraneous"] == []
    shares = sum(r["share_bytes"] for r in data["roots"])
    assert shares + env["extraneous_bytes"] + env["unowned_bytes"] == env["total_bytes"]
    closures = {name: _closure(requires, name) for name in roots}
    for name, root in roots.items():
        others = set().union(*(c for n, c in closures.items() if n != name))
        assert set(root["closure"]) == closures[name], name
        assert root["own_bytes"] == own[name]
        assert root["closure_bytes"] == sum(own[n] for n in closures[name])
        assert root["exclusive_bytes"] == sum(own[n] for n in closures[name] - others)
        assert root["closure_bytes"] >= root["exclusive_bytes"] >= 0
        assert root["closure_bytes"] >= root["share_bytes"] >= root["exclusive_bytes"]


def test_cli_why__idna_in_real_venv__every_shortest_path_from_a_root(
    real_venv: RealVenv, host_pipdeptree: Graph, tmp_path: Path
) -> None:
    result = _invoke(["why", "idna", str(tmp_path), "--env", str(real_venv.prefix)])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("idna 3.10: ")
    hops = [line for line in lines if line.startswith("  ")]
    paths = [re.sub(r" \([^)]*\)", "", line).strip() for line in hops]
    roots = _unrequired(host_pipdeptree)
    assert paths == _shortest_paths(host_pipdeptree, sorted(roots), "idna")
    assert paths == ["httpx -> idna", "requests -> idna"]


def _replace_interpreters(prefix: Path, marker: Path, mode: int) -> list[Path]:
    """Replace bin/python* with a script that leaves ``marker`` behind and fails if run."""
    replaced = []
    for path in sorted((prefix / "bin").glob("python*")):
        path.unlink()
        path.write_text(f"#!/bin/sh\necho ran >> '{marker}'\nexit 1\n")
        path.chmod(mode)
        replaced.append(path)
    return replaced


@pytest.mark.parametrize("mode", [0o644, 0o755], ids=["not-executable", "executable-trap"])
def test_cli_scan__venv_python_replaced__same_totals_and_never_run(
    real_venv: RealVenv, tmp_path: Path, mode: int
) -> None:
    prefix = tmp_path / "venv"
    shutil.copytree(real_venv.prefix, prefix, symlinks=True)
    marker = tmp_path / "python-ran"
    project = tmp_path / "project"
    project.mkdir()
    replaced = _replace_interpreters(prefix, marker, mode)
    assert {"python", "python3"} <= {p.name for p in replaced}
    expected = scan_env(from_prefix(real_venv.prefix, how="test")).total_bytes

    totals = []
    for how in (["--env", str(prefix)], ["--python", str(prefix / "bin" / "python")]):
        result = _invoke(["scan", str(project), *how, "--format", "json"])
        assert result.exit_code == 0, result.output
        totals.append(json.loads(result.stdout)["env"]["total_bytes"])

    assert totals == [expected, expected]
    assert not marker.exists()


# --- a Python 3.8 venv scanned from the running Python ------------------------------------


def test_discover__py38_venv__version_read_from_pyvenv_cfg(py38_venv: RealVenv) -> None:
    cfg = (py38_venv.prefix / "pyvenv.cfg").read_text()
    version = re.search(r"^version(?:_info)?\s*=\s*(3\.8\.\d+)", cfg, re.MULTILINE)
    assert version is not None, cfg

    by_env = discover(Path.cwd(), env_dir=py38_venv.prefix)
    by_python = from_python(py38_venv.python)

    assert by_env.python_version == version.group(1)
    assert by_python.python_version == version.group(1)
    assert by_env.site_packages == by_python.site_packages == (py38_venv.site_packages,)
    assert by_env.marker_environment()["python_version"] == "3.8"


def test_build_graph__py38_venv__equal_to_pipdeptree_run_inside_it(py38_venv: RealVenv) -> None:
    inside = _pipdeptree_graph([str(py38_venv.python), "-m", "pipdeptree", "--json"])
    ours = _depsize_graph(py38_venv.prefix)

    assert {"requests", "rich", "importlib-metadata", "zipp", "pipdeptree"} <= set(ours)
    assert ours == inside


def test_build_graph__py38_venv__markers_evaluated_for_3_8(py38_venv: RealVenv) -> None:
    env = from_prefix(py38_venv.prefix, how="test")
    scan = scan_env(env)
    rich_wants = [r for r in scan.dists[canonicalize_name("rich")].requires if "typing" in r]
    meta_wants = [
        r for r in scan.dists[canonicalize_name("importlib-metadata")].requires if "typing" in r
    ]
    assert any('python_version < "3.9"' in r for r in rich_wants), rich_wants
    assert any('python_version < "3.8"' in r for r in meta_wants), meta_wants

    for_38 = build_graph(scan.dists, env.marker_environment())
    newer = dataclasses.replace(env, python_version="3.11.7")
    for_311 = build_graph(scan.dists, newer.marker_environment())

    assert "typing-extensions" in for_38.requires(canonicalize_name("rich"))
    assert "typing-extensions" not in for_38.requires(canonicalize_name("importlib-metadata"))
    assert "typing-extensions" not in for_311.requires(canonicalize_name("rich"))
