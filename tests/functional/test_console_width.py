"""The table at the widths people use: every number whole, no line wider than the terminal,
the columns left out named.

The environment is a real site-packages with the sizes of a deployment of some GB: the large
files are sparse (``os.truncate``), so their apparent size is real and costs no disk, and RECORD
lists the size each file really has.
"""

from __future__ import annotations

import csv
import io
import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from depsize.analyze import Analysis, Settings, analyze
from depsize.report import console
from depsize.report.view import View, build_view
from depsize.units import human
from support.site_packages import DistSpec, make_site_packages

MB = 1_000_000
FIGURES = ("own", "closure", "exclusive", "share")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

BIG = {  # file → apparent size, the sizes of a real torch deployment
    "torch/lib/libtorch_cuda.so": 757 * MB,
    "nvidia/cudnn/lib/libcudnn.so.9": 865 * MB,
    "nvidia/cublas/lib/libcublas.so.12": 410 * MB,
    "pandas/_libs/lib.so": 70 * MB,
    "numpy/core/_multiarray.so": 38 * MB,
    "rich/_unicode_data.py": 11_400_000,
    "opentelemetry/instrumentation/fastapi/__init__.py": 1_234_567,
}
DISTS = [
    DistSpec(
        "torch",
        "2.3.1",
        files={"torch/__init__.py": 1_000, "torch/lib/libtorch_cuda.so": 1},
        requires=("nvidia-cudnn-cu12==9.1.0.70", "nvidia-cublas-cu12", "numpy"),
    ),
    DistSpec("nvidia-cudnn-cu12", "9.1.0.70", files={"nvidia/cudnn/lib/libcudnn.so.9": 1}),
    DistSpec("nvidia-cublas-cu12", "12.1.3.1", files={"nvidia/cublas/lib/libcublas.so.12": 1}),
    DistSpec("pandas", "2.2.2", files={"pandas/_libs/lib.so": 1, "pandas/__init__.py": 900}),
    DistSpec("numpy", "1.26.4", files={"numpy/core/_multiarray.so": 1, "numpy/__init__.py": 800}),
    DistSpec("rich", "13.9.4", files={"rich/_unicode_data.py": 1, "rich/__init__.py": 700}),
    DistSpec(
        "opentelemetry-instrumentation-fastapi",
        "0.48b0",
        files={"opentelemetry/instrumentation/fastapi/__init__.py": 1},
    ),
]
REQUIREMENTS = (
    "torch==2.3.1\n"
    "pandas>=2.2\n"
    "nvidia-cudnn-cu12==9.1.0.70\n"
    "rich\n"
    "opentelemetry-instrumentation-fastapi\n"
)
MAIN = "import torch\nimport pandas\n\ntry:\n    import rich\nexcept ImportError:\n    pass\n"


def _grow(site: Path) -> None:
    """Make the large files their real size (sparse) and say so in their RECORD."""
    for rel, size in BIG.items():
        os.truncate(site / rel, size)
    for record in site.glob("*.dist-info/RECORD"):
        with record.open(newline="") as handle:
            rows = list(csv.reader(handle))
        rows = [[p, "", str(BIG[p])] if p in BIG else row for row in rows for p in [row[0]]]
        with record.open("w", newline="") as handle:
            csv.writer(handle).writerows(rows)


@pytest.fixture
def big_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    built = make_site_packages(tmp_path, DISTS)
    _grow(built.site)
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text(REQUIREMENTS)
    (project / "main.py").write_text(MAIN)
    monkeypatch.chdir(tmp_path)
    return project


@pytest.fixture
def big_analysis(big_project: Path) -> Analysis:
    return analyze(Settings(project=Path("project"), env_dir=Path("env"), use_cache=False))


def _table(text: str) -> tuple[list[str], list[str]]:
    """(the requirements table's lines from its header on, the lines after it up to the
    column legend): the rows and the footer."""
    lines = [ANSI.sub("", line) for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("requirement"))
    end = next(i for i, line in enumerate(lines) if line.startswith("own: "))
    return lines[start:end], lines[end:]


def _check(text: str, view: View, width: int | None) -> list[str]:
    """Assert the table's promises; return the figures it shows."""
    table, _ = _table(text)
    header = re.split(r"\s{2,}", table[0].strip())
    shown = [f for f in FIGURES if f in header]
    assert "exclusive" in shown
    assert not any("…" in line for line in table)
    for row in view.rows:
        numbers = r"\s+".join(re.escape(human(getattr(row, f))) for f in shown)
        pattern = re.escape(row.name[:10]) + r".*?\s" + numbers + r"(\s|$)"
        assert any(re.match(pattern, line) for line in table), (row.name, table)
    if width is not None:
        assert max(len(line) for line in table) <= width
    left_out = [c for c in console.DROP_ORDER if c not in header]
    at = [i for i, line in enumerate(table) if line.startswith("Columns left out")]
    if left_out:
        footer = " ".join(table[at[0] :])
        named = f"Columns left out to fit {width} columns: {', '.join(left_out)} ("
        assert footer.startswith(named), footer
    else:
        assert not at
    return shown


@pytest.mark.parametrize(
    ("width", "left_out"),
    [
        (60, ["share", "own", "closure", "declared at"]),
        (80, ["share", "own", "closure", "declared at"]),
        (100, ["share", "own"]),
        (120, []),
        (200, []),
        (None, []),
    ],
)
def test_console_render__big_env_at_width__numbers_whole_and_dropped_columns_named(
    big_analysis: Analysis, width: int | None, left_out: list[str]
) -> None:
    stream = io.StringIO()

    console.render(big_analysis, stream, color=False, width=width)

    view = build_view(big_analysis)
    shown = _check(stream.getvalue(), view, width)
    assert sorted(set(FIGURES) - set(shown)) == sorted(set(left_out) & set(FIGURES))
    largest = stream.getvalue().split("Largest distributions:\n")[1].splitlines()
    assert re.match(r"nvidia-cudnn-cu12 .* 865 MB  nvidia-cudnn-cu12", largest[1]), largest
    torch = next(line for line in largest if line.startswith("torch 2.3.1"))
    assert re.match(r"torch 2\.3\.1 +757 MB  torch \(used\)$", torch), largest


def test_console_render__color_at_80__same_numbers_without_escape_codes(
    big_analysis: Analysis,
) -> None:
    stream = io.StringIO()

    console.render(big_analysis, stream, color=True, width=80)

    assert "\x1b[" in stream.getvalue()
    _check(stream.getvalue(), build_view(big_analysis), 80)


def _run_in_pty(args: list[str], columns: int, cwd: Path) -> str:
    """Run *args* with stdout on a real pseudo-terminal of *columns* columns; the screen text."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")}
    process = subprocess.Popen(
        args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    _, errors = process.communicate(timeout=60)
    os.close(master)
    assert process.returncode == 0, errors
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize(("columns", "shown"), [(80, ["exclusive"]), (160, list(FIGURES))])
def test_scan_in_a_pty__80_and_160_columns__no_truncated_number(
    big_project: Path, columns: int, shown: list[str]
) -> None:
    args = [sys.executable, "-m", "depsize", "scan", "project", "--env", "env", "--no-cache"]

    screen = _run_in_pty(args, columns, big_project.parent)

    assert "\x1b[" in screen  # a terminal gets colour
    view = build_view(analyze(Settings(project=Path("project"), env_dir=Path("env"))))
    assert _check(screen, view, columns) == list(shown)
