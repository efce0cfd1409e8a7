"""Recommendations measured on synthetic environments whose bytes the test wrote."""

from __future__ import annotations

import struct
from pathlib import Path

from packaging.utils import canonicalize_name

from depsize.elf import debug_bytes
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.recommend import CPU_TORCH_INDEX, recommend
from support.site_packages import DistSpec, make_site_packages


def _elf64(sections: list[tuple[bytes, int, int]]) -> bytes:
    """A little-endian ELF64 file with the given (name, type, size) sections and real bodies."""
    names = b"\0" + b"".join(n + b"\0" for n, _, _ in sections) + b".shstrtab\0"
    body = bytearray(b"\0" * 64)
    offsets = []
    for _, _, size in sections:
        offsets.append(len(body))
        body += b"\xaa" * size
    strtab_at = len(body)
    body += names
    shoff = len(body)
    headers = [struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)]
    name_at = 1
    for (name, kind, size), offset in zip(sections, offsets, strict=True):
        headers.append(struct.pack("<IIQQQQIIQQ", name_at, kind, 0, 0, offset, size, 0, 0, 1, 0))
        name_at += len(name) + 1
    headers.append(struct.pack("<IIQQQQIIQQ", name_at, 3, 0, 0, strtab_at, len(names), 0, 0, 1, 0))
    body += b"".join(headers)
    ident = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    header = ident + struct.pack(
        "<HHIQQQIHHHHHH", 3, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64, len(headers), len(headers) - 1
    )
    body[:64] = header
    return bytes(body)


def test_debug_bytes__synthetic_elf__sums_debug_sections(tmp_path: Path) -> None:
    so = tmp_path / "x.so"
    so.write_bytes(
        _elf64(
            [
                (b".text", 1, 300),
                (b".debug_info", 1, 1000),
                (b".debug_str", 1, 234),
                (b".zdebug_line", 1, 66),
                (b".bss", 8, 5000),
                (b".debug_nobits", 8, 777),
            ]
        )
    )
    assert debug_bytes(so) == 1000 + 234 + 66


def test_debug_bytes__not_elf_or_truncated__zero(tmp_path: Path) -> None:
    (tmp_path / "a.so").write_bytes(b"not an elf at all" * 10)
    (tmp_path / "b.so").write_bytes(b"\x7fELF\x02\x01" + b"\0" * 70)
    assert debug_bytes(tmp_path / "a.so") == 0
    assert debug_bytes(tmp_path / "b.so") == 0
    assert debug_bytes(tmp_path / "missing.so") == 0


def test_recommend__cuda_torch_env__gpu_payload_measured(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path,
        [
            DistSpec(
                "torch",
                version="2.14.0",
                files={
                    "torch/__init__.py": 100,
                    "torch/lib/libtorch_cuda.so": 5000,
                    "torch/lib/libtorch_cuda_linalg.so": 700,
                    "torch/lib/libtorch_cpu.so": 9000,
                },
                requires=(
                    "nvidia-cudnn-cu13; platform_system == 'Linux'",
                    "triton",
                    "cuda-toolkit",
                ),
            ),
            DistSpec("nvidia-cudnn-cu13", files={"nvidia/cudnn/lib/libcudnn.so.9": 8000}),
            DistSpec("triton", files={"triton/__init__.py": 3000}),
            DistSpec("cuda-toolkit", files={"cuda_toolkit/__init__.py": 10}),
            DistSpec("numpy", files={"numpy/__init__.py": 400}),
        ],
    )
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    recs = {r.kind: r for r in recommend(scan, build_graph(scan.dists, env.marker_environment()))}
    gpu = recs["gpu-payload"]
    wheels = built.own("nvidia-cudnn-cu13") + built.own("triton") + built.own("cuda-toolkit")
    assert gpu.bytes == wheels + 5000 + 700
    assert gpu.after == scan.total_bytes - gpu.bytes
    assert set(gpu.names) == {"nvidia-cudnn-cu13", "triton", "cuda-toolkit", "torch"}
    assert gpu.fix is not None
    assert CPU_TORCH_INDEX in gpu.fix
    assert "torch" in gpu.detail


def test_recommend__cpu_env__no_gpu_payload(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path, [DistSpec("torch", files={"torch/lib/libtorch_cpu.so": 9})]
    )
    scan = scan_env(from_prefix(built.prefix, how="test"))
    kinds = [r.kind for r in recommend(scan, build_graph(scan.dists, {}))]
    assert "gpu-payload" not in kinds


def test_recommend__two_variants_and_lighter_variant__measured(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path,
        [
            DistSpec(
                "opencv-python",
                files={
                    "cv2/__init__.py": 100,
                    "cv2/qt/plugins/x.so": 3000,
                    "opencv_python.libs/libQt5Core.so.5": 4000,
                },
            ),
            DistSpec("opencv-python-headless", files={"cv2/__init__.py": 100}),
        ],
    )
    scan = scan_env(from_prefix(built.prefix, how="test"))
    recs = recommend(scan, build_graph(scan.dists, {}))
    lighter = next(r for r in recs if r.kind == "lighter-variant")
    assert lighter.bytes == 3000 + 4000
    dup = next(r for r in recs if r.kind == "duplicate-variant")
    assert dup.names == ("opencv-python", "opencv-python-headless")
    # cv2/__init__.py is in both RECORDs: counted once, for opencv-python
    assert dup.bytes == built.own("opencv-python-headless") - 100


def test_recommend__slimmable__tests_bytecode_sources_debug(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path,
        [
            DistSpec(
                "big",
                files={
                    "big/__init__.py": 10,
                    "big/tests/test_a.py": 500,
                    "big/__pycache__/__init__.cpython-311.pyc": 60,
                    "big/src/core.c": 700,
                    "big/include/core.h": 40,
                },
            ),
        ],
    )
    so = built.site / "big" / "_core.cpython-311-x86_64-linux-gnu.so"
    so.write_bytes(_elf64([(b".text", 1, 5000), (b".debug_info", 1, 2500)]))
    scan = scan_env(from_prefix(built.prefix, how="test"))
    slim = next(r for r in recommend(scan, build_graph(scan.dists, {})) if r.kind == "slimmable")
    # the .so is not in RECORD, so it is unowned and not counted for "big"
    assert slim.bytes == 500 + 60 + 700 + 40


def test_recommend__cuda_wheels_sharing_a_namespace__not_duplicate_variants(
    tmp_path: Path,
) -> None:
    # CUDA wheels list "nvidia" in top_level.txt but install only headers and libraries
    built = make_site_packages(
        tmp_path,
        [
            DistSpec(
                "nvidia-cublas",
                files={"nvidia/cu13/lib/libcublas.so.13": 900},
                top_level=("nvidia",),
            ),
            DistSpec(
                "nvidia-curand",
                files={"nvidia/cu13/lib/libcurand.so.10": 800},
                top_level=("nvidia",),
            ),
        ],
    )
    scan = scan_env(from_prefix(built.prefix, how="test"))
    assert scan.dists[canonicalize_name("nvidia-cublas")].import_names == ()
    kinds = [r.kind for r in recommend(scan, build_graph(scan.dists, {}))]
    assert "duplicate-variant" not in kinds
    assert "gpu-payload" in kinds
