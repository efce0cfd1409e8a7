"""The HTML report's size tree and page, without a browser (see functional/test_html_browser.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from depsize.analyze import Analysis, Settings, analyze
from depsize.report import html
from depsize.report.treemap import MAX_FILES, Node, build_tree
from support.site_packages import DistSpec, make_site_packages

DISTS = [
    DistSpec("web", files={"web/__init__.py": 40_000}, requires=("core",)),
    DistSpec("cli", files={"cli/__init__.py": 30_000}, requires=("core", "colors")),
    DistSpec("core", files={"core/__init__.py": 200_000}),
    DistSpec("colors", files={"colors/__init__.py": 5_000}),
    DistSpec(
        "big",
        files={f"big/data/f{i:02}.bin": 1_000 * (i + 1) for i in range(40)}
        | {"big/__init__.py": 100, "big.pth": 50},
    ),
    DistSpec("stray", files={"stray/__init__.py": 7_000}),
    DistSpec("nvidia-cublas-cu12", files={"nvidia/cublas/lib/libcublas.so.12": 300_000}),
    DistSpec(
        "torch",
        files={"torch/lib/libtorch_cuda.so": 150_000, "torch/lib/libtorch_cpu.so": 100_000},
        requires=("nvidia-cublas-cu12",),
    ),
]


@pytest.fixture
def analysis(tmp_path: Path) -> Analysis:
    built = make_site_packages(tmp_path, DISTS)
    (built.site / "orphan").mkdir()
    (built.site / "orphan" / "data.bin").write_bytes(b"\0" * 9_000)  # in no RECORD
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("web\ncli\nbig\ncore\n")
    (project / "app.py").write_text("import web\nimport cli\n")
    return analyze(Settings(project=project, env_dir=tmp_path / "env", use_cache=False))


def _walk(node: Node, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Node]]:
    yield (*path, node.name), node
    for child in node.children:
        yield from _walk(child, (*path, node.name))


def _leaves(node: Node) -> int:
    return node.size if not node.children else sum(_leaves(c) for c in node.children)


def test_build_tree__small_env__leaves_add_up_to_the_env_total(analysis: Analysis) -> None:
    tree = build_tree(analysis)
    assert _leaves(tree) == analysis.scan.total_bytes


def test_build_tree__dist_reached_by_two_requirements__shown_once_under_shared(
    analysis: Analysis,
) -> None:
    tree = build_tree(analysis)
    top = {n.name: n for n in tree.children}
    assert set(top) == {
        "web",
        "cli",
        "big",
        "shared by several requirements",
        "extraneous",
        "unowned files",
    }
    shared = top["shared by several requirements"]
    assert [d.name for d in shared.children] == ["core"]
    assert set(shared.children[0].detail.split("reached by ")[1].split(", ")) == {
        "web",
        "cli",
        "core",
    }
    assert shared.children[0].key == "transitive-only"  # declared itself: its verdict's colour
    assert [d.name for d in top["cli"].children] == ["cli", "colors"]
    assert "why: cli → colors" in top["cli"].children[1].detail
    dists = [p for p, n in _walk(tree) if len(p) == 3]
    assert sorted(p[-1] for p in dists) == [
        *("big", "cli", "colors", "core", "nvidia-cublas-cu12", "orphan/", "stray", "torch", "web")
    ]


def test_build_tree__cuda_wheel_and_cuda_library_in_torch__coloured_gpu_nothing_else(
    analysis: Analysis,
) -> None:
    extraneous = next(n for n in build_tree(analysis).children if n.name == "extraneous")
    dists = {d.name: d for d in extraneous.children}
    assert dists["nvidia-cublas-cu12"].key == "gpu"
    torch = dists["torch"]
    assert torch.key == "extraneous"
    files = {f.name: f.key for folder in torch.children for f in folder.children}
    assert files["lib/libtorch_cuda.so"] == "gpu"
    assert files["lib/libtorch_cpu.so"] == "extraneous"


def test_build_tree__folder_of_40_files__largest_kept_rest_grouped_with_their_bytes(
    analysis: Analysis,
) -> None:
    tree = build_tree(analysis)
    big = next(n for n in tree.children if n.name == "big").children[0]
    folder = next(n for n in big.children if n.name == "big/")
    names = [n.name for n in folder.children]
    assert len(names) <= MAX_FILES + 1
    assert names[0] == "data/f39.bin"
    group = folder.children[-1]
    assert re.fullmatch(r"\d+ smaller files", group.name)
    shown = sum(n.size for n in folder.children[:-1])
    assert shown + group.size == sum(1_000 * (i + 1) for i in range(40)) + 100
    assert "big.pth" in [n.name for n in big.children]  # a top-level file stays a file


def test_script_json__script_end_and_html__no_angle_bracket_left_and_same_data() -> None:
    value = {"n": "</script><script>alert(1)</script>", "d": "<!-- & \u2028"}
    text = html.script_json(value)
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert "\u2028" not in text
    assert json.loads(text) == value


def _sha(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def test_render__page__csp_allows_exactly_its_two_inline_scripts_and_nothing_remote(
    analysis: Analysis,
) -> None:
    page = html.render(analysis)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert csp is not None
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 2
    allowed = set(re.findall(r"'sha256-([^']+)'", csp.group(1)))
    assert allowed == {_sha(s) for s in scripts}
    assert "default-src 'none'" in csp.group(1)
    assert f"d3-hierarchy {html.D3_VERSION}" in page
    assert "ISC" in page
    assert "Permission to use, copy, modify" in page  # the licence travels with the copy
