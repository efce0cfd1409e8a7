"""The size tree the HTML report draws: requirement → distribution → top folder → large files.

Area is bytes. A distribution reached by one declared requirement sits under it (it goes when the
requirement goes); a distribution reached by several is shown once, under a top-level
``shared by several requirements`` node, never split. Extraneous distributions and unowned files
get their own top-level nodes, so the top level adds up to the environment's total.

Colour keys: the verdict status of the requirement a distribution sits under (a shared
distribution that is itself declared keeps its own verdict's), ``shared``, ``extraneous``,
``unowned``, ``gpu`` (what the GPU-payload recommendation counts: a whole CUDA wheel, or the CUDA
libraries inside a framework wheel; that wins over the status) and ``root`` (no requirements
declared: the roots are the distributions nothing requires). Small files are grouped so the
page stays small on a 60,000-file env.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence

from packaging.utils import NormalizedName

from depsize.analyze import Analysis
from depsize.attribute import Root
from depsize.graph import DepGraph
from depsize.models import InstalledDist
from depsize.recommend import gpu_part, is_cuda_library
from depsize.records import dataclass
from depsize.report.view import site_relative

MAX_FOLDERS = 12
"""Top folders shown per distribution; the rest are grouped."""
MAX_FILES = 12
"""Files shown per folder; the rest are grouped."""
MIN_FILE_SHARE = 0.0005
"""A file smaller than this share of the environment is grouped with the other small ones."""
OUTSIDE = "outside site-packages"
SHARED = "shared by several requirements"


@dataclass(frozen=True)
class Node:
    """One rectangle: ``size`` on leaves, the sum of the children otherwise."""

    name: str
    key: str
    size: int = 0
    detail: str = ""
    children: tuple[Node, ...] = ()

    def to_data(self) -> dict[str, object]:
        """Short keys: this goes into the page once per rectangle."""
        out: dict[str, object] = {"n": self.name, "c": self.key}
        if self.children:
            out["k"] = [c.to_data() for c in self.children]
        else:
            out["v"] = self.size
        if self.detail:
            out["d"] = self.detail
        return out


def _grouped(nodes: list[Node], keep: int, min_size: int, noun: str, key: str) -> list[Node]:
    ordered = sorted(nodes, key=lambda n: (-_size(n), n.name))
    shown = [n for n in ordered[:keep] if _size(n) >= min_size] or ordered[:1]
    rest = ordered[len(shown) :]
    if len(rest) == 1:  # a group of one says less than the node itself
        return [*shown, *rest]
    if rest:
        bytes_ = sum(_size(n) for n in rest)
        shown.append(Node(f"{len(rest)} smaller {noun}{'s' if len(rest) > 1 else ''}", key, bytes_))
    return shown


def _size(node: Node) -> int:
    return node.size if not node.children else sum(_size(c) for c in node.children)


def _folder_of(path: str) -> tuple[str, str]:
    if path.startswith("../"):
        return OUTSIDE, path
    head, sep, tail = path.partition("/")
    return (head, tail) if sep else ("", path)


def file_nodes(
    files: Iterable[tuple[str, int]], key: str, min_size: int, gpu: bool = False
) -> list[Node]:
    """Top folders holding their large files, plus the loose top-level files; with ``gpu``,
    CUDA libraries are coloured ``gpu`` (they are what the GPU payload counts)."""
    folders: dict[str, list[Node]] = {}
    loose: list[Node] = []
    for path, size in files:
        folder, rest = _folder_of(path)
        leaf = Node(rest, "gpu" if gpu and is_cuda_library(path) else key, size)
        if folder:
            folders.setdefault(folder, []).append(leaf)
        else:
            loose.append(leaf)
    out = loose
    for folder, leaves in folders.items():
        kids = _grouped(leaves, MAX_FILES, min_size, "file", key)
        out.append(Node(folder + "/", key, children=tuple(kids)))
    return _grouped(out, MAX_FOLDERS, min_size, "folder", key)


def _why_paths(graph: DepGraph, root: Root) -> dict[NormalizedName, tuple[NormalizedName, ...]]:
    """The shortest ``root → … → dist`` chain to every distribution the root reaches."""
    parent: dict[NormalizedName, NormalizedName | None] = {root.name: None}
    queue = deque(root.states())
    seen = set(queue)
    while queue:
        state = queue.popleft()
        for nxt in graph.successors(state):
            if nxt in seen:
                continue
            seen.add(nxt)
            parent.setdefault(nxt[0], state[0])
            queue.append(nxt)
    paths: dict[NormalizedName, tuple[NormalizedName, ...]] = {}
    for name, first in parent.items():
        chain, step = [name], first
        while step is not None:
            chain.append(step)
            step = parent[step]
        paths[name] = tuple(reversed(chain))
    return paths


def _dist_node(dist: InstalledDist, key: str, why: str, min_size: int) -> Node:
    part = gpu_part(dist)
    key = "gpu" if part == "whole" else key
    detail = f"version {dist.version} · {why}"
    if part:
        detail += " · GPU payload" + (": its CUDA libraries" if part == "libraries" else "")
    kids = file_nodes(dist.files, key, min_size, gpu=part == "libraries")
    if not kids:
        return Node(dist.display_name, key, 0, detail)
    return Node(dist.display_name, key, detail=detail, children=tuple(kids))


@dataclass(frozen=True)
class _Context:
    analysis: Analysis
    min_size: int

    def dist(self, name: NormalizedName, key: str, why: str) -> Node:
        return _dist_node(self.analysis.scan.dists[name], key, why, self.min_size)


def _root_keys(analysis: Analysis) -> tuple[dict[NormalizedName, str], dict[NormalizedName, str]]:
    """Each root's colour key and label: its verdict when requirements were judged."""
    keys: dict[NormalizedName, str] = {}
    labels: dict[NormalizedName, str] = {}
    judgement = analysis.judgement
    for verdict in judgement.verdicts if judgement else ():
        req = verdict.requirement
        keys.setdefault(req.name, verdict.status)
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        labels.setdefault(req.name, req.display_name + extras)
    return keys, labels


def _chain(paths: Mapping[NormalizedName, Sequence[str]], name: NormalizedName) -> str:
    return "why: " + " → ".join(paths.get(name, (name,)))


def _requirement_nodes(
    ctx: _Context, reached_by: Mapping[NormalizedName, list[NormalizedName]]
) -> list[Node]:
    """One node per root holding the distributions only it reaches (what removing it frees)."""
    analysis = ctx.analysis
    keys, labels = _root_keys(analysis)
    out = []
    for sizes in analysis.attribution.roots:
        root = sizes.root.name
        paths = _why_paths(analysis.graph, sizes.root)
        key = keys.get(root, "root")
        mine = sorted(n for n in sizes.reach if reached_by[n] == [root])
        kids = [ctx.dist(n, key, _chain(paths, n)) for n in mine]
        detail = f"{key if key != 'root' else 'not required by anything'} · removing it frees this"
        if kids:
            out.append(Node(labels.get(root, root), key, detail=detail, children=tuple(kids)))
    return out


def _other_nodes(
    ctx: _Context, reached_by: Mapping[NormalizedName, list[NormalizedName]]
) -> list[Node]:
    """Shared distributions (each once), extraneous ones, and unowned files."""
    scan, attribution = ctx.analysis.scan, ctx.analysis.attribution
    keys, _ = _root_keys(ctx.analysis)
    out = []
    shared = sorted(n for n, by in reached_by.items() if len(by) > 1)
    if shared:
        # a shared distribution that is itself declared keeps its verdict's colour
        kids = [
            ctx.dist(n, keys.get(n, "shared"), "reached by " + ", ".join(reached_by[n]))
            for n in shared
        ]
        detail = "distributions several requirements reach, each shown once (not split)"
        out.append(Node(SHARED, "shared", detail=detail, children=tuple(kids)))
    if attribution.extraneous:
        why = "installed, reached by no declared requirement"
        kids = [ctx.dist(n, "extraneous", why) for n in attribution.extraneous]
        out.append(Node("extraneous", "extraneous", detail=why, children=tuple(kids)))
    if scan.unowned_files:
        files = [(site_relative(path, ctx.analysis), size) for path, size in scan.unowned_files]
        kids = file_nodes(files, "unowned", ctx.min_size)
        why = "files in site-packages no distribution's RECORD lists"
        out.append(Node("unowned files", "unowned", detail=why, children=tuple(kids)))
    return out


def build_tree(analysis: Analysis) -> Node:
    """The whole environment as one tree (see the module docstring)."""
    ctx = _Context(analysis, int(analysis.scan.total_bytes * MIN_FILE_SHARE))
    reached_by: dict[NormalizedName, list[NormalizedName]] = {}
    for sizes in analysis.attribution.roots:
        for name in sizes.reach:
            reached_by.setdefault(name, []).append(sizes.root.name)
    top = _requirement_nodes(ctx, reached_by) + _other_nodes(ctx, reached_by)
    top.sort(key=lambda n: (-_size(n), n.name))
    return Node("environment", "env", children=tuple(top))


def keys_in(node: Node) -> set[str]:
    """Every colour key the tree uses (the legend lists these)."""
    out = {node.key}
    for child in node.children:
        out |= keys_in(child)
    return out
