"""Recommendations measured on the scanned environment (DESIGN §7), except "remove unused".

Each recommendation carries the bytes it is about, measured from the files in this environment:
GPU payload (CUDA wheels and the CUDA libraries inside framework wheels), lighter variants,
two variants of one package installed at once, and slimmable bytes inside distributions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal

from packaging.utils import NormalizedName

from depsize.elf import debug_bytes
from depsize.graph import DepGraph
from depsize.models import EnvScan, InstalledDist
from depsize.records import dataclass
from depsize.sanity import capped
from depsize.units import human

CPU_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"

_GPU_NAME = re.compile(
    r"^(nvidia-.+|cuda-(toolkit|bindings|python|pathfinder)|triton|pytorch-triton.*|"
    r"cupy-cuda.+|jax-cuda\d+-(plugin|pjrt)|jaxlib-cuda.*|tensorrt.*)$"
)
_CUDA_LIB = re.compile(
    r"(^|/)lib(cudart|cublas|cublasLt|cudnn|cufft|curand|cusolver|cusparse|cusparseLt|nccl|"
    r"nvrtc|nvJitLink|nvshmem|cupti|nvToolsExt|torch_cuda|torch_cuda_linalg|torch_nvshmem|"
    r"c10_cuda|caffe2_nvrtc|cufile|nvperf\w*)[\w.-]*\.so(\.[\d.]+)?$"
)
_GPU_FRAMEWORKS: frozenset[str] = frozenset(
    {"torch", "torchvision", "torchaudio", "jax", "jaxlib", "tensorflow", "cupy"}
)
_LIGHTER = {
    "opencv-python": ("opencv-python-headless", r"(^|/)(qt/|libQt|libX|libxcb)"),
    "opencv-contrib-python": ("opencv-contrib-python-headless", r"(^|/)(qt/|libQt|libX|libxcb)"),
    "tensorflow": ("tensorflow-cpu", None),
}
_SOURCES = (".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".pyx", ".pxd", ".pxi")
_TEST_DIRS = {"tests", "test", "testing"}


@dataclass(frozen=True)
class Recommendation:
    """One measured suggestion. ``bytes`` is what following it would remove from the env."""

    kind: str
    title: str
    bytes: int
    detail: str
    names: tuple[NormalizedName, ...] = ()
    fix: str | None = None
    before: int | None = None
    after: int | None = None


def _is_gpu_dist(dist: InstalledDist) -> bool:
    """A CUDA/GPU wheel by name, or one whose own bytes hold a CUDA library (a path to a file
    counted elsewhere, through a symlink or a hard link, weighs 0 and does not count)."""
    return bool(_GPU_NAME.match(dist.name)) or any(
        size and ".so" in p and _CUDA_LIB.search(p) for p, size in dist.files
    )


def gpu_part(dist: InstalledDist) -> Literal["whole", "libraries"] | None:
    """What of ``dist`` the GPU payload counts: all of a CUDA/GPU wheel, the CUDA libraries
    inside a framework wheel (see :func:`is_cuda_library`), or nothing."""
    if dist.name in _GPU_FRAMEWORKS:
        return "libraries" if any(_CUDA_LIB.search(p) for p, _ in dist.files) else None
    return "whole" if _is_gpu_dist(dist) else None


def is_cuda_library(path: str) -> bool:
    """A CUDA shared library (``torch/lib/libtorch_cuda.so``, ``libcublas.so.12`` …)."""
    return bool(_CUDA_LIB.search(path))


def gpu_payload(scan: EnvScan, graph: DepGraph) -> Recommendation | None:
    """CUDA wheels, plus CUDA libraries inside framework wheels (torch/lib/libtorch_cuda.so …)."""
    gpu_dists = sorted(
        n for n, d in scan.dists.items() if n not in _GPU_FRAMEWORKS and _is_gpu_dist(d)
    )
    inside: dict[NormalizedName, int] = {}
    for name in sorted(n for n in scan.dists if n in _GPU_FRAMEWORKS):
        dist = scan.dists[name]
        size = sum(s for p, s in dist.files if ".so" in p and _CUDA_LIB.search(p))
        size = capped(size, dist.own_bytes)
        if size:
            inside[name] = size
    wheel_bytes = sum(scan.dists[n].own_bytes for n in gpu_dists)
    total = capped(wheel_bytes + sum(inside.values()), scan.total_bytes)
    if not total:
        return None
    pulled_by = sorted(
        {
            e.source
            for edges in graph.edges.values()
            for e in edges
            if e.target in gpu_dists and e.source not in gpu_dists
        }
    )
    plural = "s" if len(gpu_dists) != 1 else ""
    parts = (
        [f"{len(gpu_dists)} CUDA/GPU distribution{plural} ({human(wheel_bytes)})"]
        if gpu_dists
        else []
    )
    parts += [f"CUDA libraries inside {n} ({human(b)})" for n, b in inside.items()]
    fix = _gpu_fix(inside, pulled_by)
    return Recommendation(
        kind="gpu-payload",
        title="GPU payload on a CPU-only deploy",
        bytes=total,
        detail="If this deploys to machines without a GPU: "
        + ", ".join(parts)
        + (f"; pulled in by {', '.join(pulled_by)}" if pulled_by else "")
        + ".",
        names=tuple(gpu_dists) + tuple(inside),
        fix=fix,
        before=scan.total_bytes,
        after=scan.total_bytes - total,
    )


def _gpu_fix(inside: Mapping[NormalizedName, int], pulled_by: Iterable[str]) -> str:
    sources = set(inside) | set(pulled_by)
    fixes = []
    if sources & {"torch", "torchvision", "torchaudio"}:
        fixes.append(
            f"install torch from the CPU wheel index: a line `--extra-index-url {CPU_TORCH_INDEX}` "
            "in requirements.txt (pip then prefers the +cpu build of the same version; "
            "`depsize trim --cpu-torch` adds it)"
        )
    if sources & {"jax", "jaxlib"}:
        fixes.append("install plain `jax` without the [cuda*] extra")
    if "tensorflow" in sources:
        fixes.append("use tensorflow-cpu instead of tensorflow")
    if not fixes:
        fixes.append("install the CPU build of " + ", ".join(sorted(sources) or ["the framework"]))
    return "; ".join(fixes)


def lighter_variants(scan: EnvScan) -> list[Recommendation]:
    out = []
    for name, (lighter, pattern) in _LIGHTER.items():
        dist = scan.dists.get(NormalizedName(name))
        if dist is None:
            continue
        saved = sum(s for p, s in dist.files if pattern and re.search(pattern, p))
        saved = capped(saved, dist.own_bytes)
        detail = f"{name} ({human(dist.own_bytes)}) has a lighter variant, {lighter}"
        if saved:
            detail += f"; the GUI libraries it would drop measure {human(saved)} here"
        out.append(
            Recommendation(
                "lighter-variant",
                f"{name} → {lighter}",
                saved,
                detail + ".",
                (dist.name,),
                fix=f"replace {name} with {lighter}",
            )
        )
    return out


def duplicate_variants(
    scan: EnvScan, reached: frozenset[NormalizedName] | None = None
) -> list[Recommendation]:
    """Two installed distributions that provide the same import name: one shadows the other.

    When the declared requirements reach some of them (``reached``), the others are the ones to
    remove; otherwise the smaller ones.
    """
    providers: dict[str, list[NormalizedName]] = {}
    for dist in scan.dists.values():
        for name in dist.import_names:
            providers.setdefault(name, []).append(dist.name)
    seen: set[tuple[NormalizedName, ...]] = set()
    out = []
    for module, names in sorted(providers.items()):
        key = tuple(sorted(names))
        if len(key) < 2 or key in seen:
            continue
        seen.add(key)
        out.append(_duplicate(scan, module, key, reached))
    return out


def _duplicate(
    scan: EnvScan,
    module: str,
    key: tuple[NormalizedName, ...],
    reached: frozenset[NormalizedName] | None,
) -> Recommendation:
    sizes = {n: scan.dists[n].own_bytes for n in key}
    needed = [n for n in key if reached is not None and n in reached]
    if needed and len(needed) < len(key):
        drop = [n for n in key if n not in needed]
        why = f"the declared requirements use {', '.join(needed)}"
    else:
        drop = [min(key, key=lambda n: (sizes[n], n))]
        why = (
            "none of them is the one the declared requirements need"
            if reached
            else ("removing the smaller one frees the bytes shown")
        )
    listing = ", ".join(f"{n} ({human(sizes[n])})" for n in key)
    return Recommendation(
        "duplicate-variant",
        f"two variants of {module!r} installed",
        capped(sum(sizes[n] for n in drop), scan.total_bytes),
        f"{listing} all provide the import {module!r}; only one is used at a time and "
        f"whichever was installed last overwrote the other's files; {why}.",
        key,
        fix=f"uninstall {', '.join(drop)}",
    )


@dataclass(frozen=True)
class Slimmable:
    name: NormalizedName
    tests: int
    bytecode: int
    sources: int
    debug: int

    @property
    def total(self) -> int:
        return self.tests + self.bytecode + self.sources + self.debug


def _slimmable(dist: InstalledDist) -> Slimmable:
    """One pass over the file list with string tests only; ELF headers of large ``.so`` files."""
    tests = bytecode = sources = debug = 0
    test_marks = tuple(f"/{d}/" for d in _TEST_DIRS)  # a test folder below the top level
    for rel, size in dist.files:
        if rel.startswith("../"):
            continue
        if "/test" in rel and any(mark in rel for mark in test_marks):
            tests += size
        elif rel.endswith(".pyc"):
            bytecode += size
        elif rel.endswith(_SOURCES):
            sources += size
        elif size > 4096 and ".so" in rel[rel.rfind("/") + 1 :]:
            debug += capped(debug_bytes(dist.site_packages / rel), size)
    return Slimmable(dist.name, tests, bytecode, sources, debug)


_SLIM_FIX = {
    "tests": "delete the packages' test folders",
    "bytecode": "drop __pycache__ (and set PYTHONDONTWRITEBYTECODE; startup compiles on first use)",
    "sources": "delete C/C++/Cython sources and headers",
    "debug": "run `strip --strip-debug` on the *.so files",
}


def _slim_fix(sums: dict[str, int]) -> str:
    return "in the image build: " + "; ".join(text for k, text in _SLIM_FIX.items() if sums[k])


def slimmable_bytes(scan: EnvScan, top: int = 5) -> Recommendation | None:
    rows = sorted((_slimmable(d) for d in scan.dists.values()), key=lambda s: (-s.total, s.name))
    rows = [r for r in rows if r.total]
    if not rows:
        return None
    sums = {k: sum(getattr(r, k) for r in rows) for k in ("tests", "bytecode", "sources", "debug")}
    total = capped(sum(sums.values()), scan.total_bytes)
    kinds = ", ".join(
        f"{label} {human(sums[k])}"
        for k, label in (
            ("tests", "test folders"),
            ("bytecode", "__pycache__"),
            ("sources", "C/C++/Cython sources and headers"),
            ("debug", "debug sections in shared objects"),
        )
        if sums[k]
    )
    largest = ", ".join(f"{r.name} {human(r.total)}" for r in rows[:top])
    return Recommendation(
        "slimmable",
        "bytes an image build can strip",
        total,
        f"{kinds}. Largest: {largest}.",
        tuple(r.name for r in rows[:top]),
        fix=_slim_fix(sums),
        before=scan.total_bytes,
        after=scan.total_bytes - total,
    )


def recommend(
    scan: EnvScan, graph: DepGraph, *, reached: frozenset[NormalizedName] | None = None
) -> list[Recommendation]:
    """Every measured recommendation except removing requirements (see verdicts).

    ``reached``: what the declared requirements pull in, when they are known.
    """
    out: list[Recommendation] = []
    gpu = gpu_payload(scan, graph)
    if gpu:
        out.append(gpu)
    out += lighter_variants(scan)
    out += duplicate_variants(scan, reached)
    slim = slimmable_bytes(scan)
    if slim:
        out.append(slim)
    return out
