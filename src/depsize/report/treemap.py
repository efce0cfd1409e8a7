"""The size tree the HTML report draws: requirement → distribution → top folder → large files.

Area is bytes. A distribution reached by one declared requirement sits under it (it goes when the
requirement goes); a distribution reached by several is shown once, under a top-level
``shared by several requirements`` node, never split. Extraneous distributions and unowned files
get their own top-level nodes, so the top level adds up to the environment's total.

Colour keys: the verdict status of the requirement a distribution sits under, ``shared``,
``extraneous``, ``unowned``, ``gpu`` (a distribution the GPU-payload recommendation names: that
wins over the status) and ``root`` (no requirements declared: the roots are the distributions
nothing requires). Small files are grouped so the page stays small on a 60,000-file env.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from packaging.utils import NormalizedName

from depsize.analyze import Analysis
from depsize.attribute import Root
from depsize.graph import DepGraph
from depsize.models import InstalledDist

MAX_FOLDERS = 12
"""Top folders shown per distribution; the rest are grouped."""
MAX_FILES = 12
"""Files shown per folder; the rest are grouped."""
MIN_FILE_SHARE = 0.0005
"""A file smaller than this share of the environment is grouped with the other small ones."""
OUTSIDE = "outside site-packages"


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


def file_nodes(files: Iterable[tuple[str, int]], key: str, min_size: int) -> list[Node]:
    """Top folders holding their large files, plus the loose top-level files."""
    folders: dict[str, list[tuple[str, int]]] = {}
    loose: list[Node] = []
    for path, size in files:
        folder, rest = _folder_of(path)
        if folder:
            folders.setdefault(folder, []).append((rest, size))
        else:
            loose.append(Node(rest, key, size))
    out = loose
    for folder, items in folders.items():
        leaves = [Node(rest, key, size) for rest, size in items]
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
    detail = f"version {dist.version} · {why}"
    kids = file_nodes(dist.files, key, min_size)
    if not kids:
        return Node(dist.display_name, key, 0, detail)
    return Node(dist.display_name, key, detail=detail, children=tuple(kids))


@dataclass(frozen=True)
class _Context:
    analysis: Analysis
    gpu: frozenset[str]
    min_size: int

    def dist(self, name: NormalizedName, key: str, why: str) -> Node:
        dist = self.analysis.scan.dists[name]
        colour = "gpu" if name in self.gpu else key
        return _dist_node(dist, colour, why, self.min_size)


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


def build_tree(analysis: Analysis) -> Node:
    """The whole environment as one tree (see the module docstring)."""
    scan, attribution = analysis.scan, analysis.attribution
    gpu = frozenset(n for r in analysis.recommendations if r.kind == "gpu-payload" for n in r.names)
    ctx = _Context(analysis, gpu, int(scan.total_bytes * MIN_FILE_SHARE))
    keys, labels = _root_keys(analysis)
    reached_by: dict[NormalizedName, list[NormalizedName]] = {}
    for sizes in attribution.roots:
        for name in sizes.reach:
            reached_by.setdefault(name, []).append(sizes.root.name)
    paths = {r.root.name: _why_paths(analysis.graph, r.root) for r in attribution.roots}
    top: list[Node] = []
    for sizes in attribution.roots:
        root = sizes.root.name
        key = keys.get(root, "root")
        mine = sorted(n for n in sizes.reach if reached_by[n] == [root])
        kids = [ctx.dist(n, key, _chain(paths[root], n)) for n in mine]
        label = labels.get(root, root)
        detail = f"{key if key != 'root' else 'not required by anything'} · removing it frees this"
        if kids:
            top.append(Node(label, key, detail=detail, children=tuple(kids)))
    shared = sorted(n for n, by in reached_by.items() if len(by) > 1)
    if shared:
        kids = [ctx.dist(n, "shared", "reached by " + ", ".join(reached_by[n])) for n in shared]
        detail = "distributions several requirements reach, each shown once (not split)"
        top.append(
            Node("shared by several requirements", "shared", detail=detail, children=tuple(kids))
        )
    if attribution.extraneous:
        why = "installed, reached by no declared requirement"
        kids = [ctx.dist(n, "extraneous", why) for n in attribution.extraneous]
        top.append(Node("extraneous", "extraneous", detail=why, children=tuple(kids)))
    if scan.unowned_files:
        kids = file_nodes(scan.unowned_files, "unowned", ctx.min_size)
        why = "files in site-packages no distribution's RECORD lists"
        top.append(Node("unowned files", "unowned", detail=why, children=tuple(kids)))
    top.sort(key=lambda n: (-_size(n), n.name))
    return Node("environment", "env", detail="", children=tuple(top))


def keys_in(node: Node) -> set[str]:
    """Every colour key the tree uses (the legend lists these)."""
    out = {node.key}
    for child in node.children:
        out |= keys_in(child)
    return out
