"""``trim --in-place`` killed with SIGKILL at random points: the file is always the old or the
new content, byte for byte.

A helper process builds the trim plan of a large requirements file once, then for each round
forks a child that writes the plan in place and writes it back (both through
:func:`depsize.trim.write_plan`, each a full in-place trim with its checks) in a loop. The test
kills the child with SIGKILL after a random delay, waits for it to be dead, and reads the file.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")

HELPER = r"""
import hashlib, os, sys
from dataclasses import replace
from pathlib import Path
from depsize.requirements import load_declared
from depsize.trim import Removal, plan_trim, write_plan

root = Path(sys.argv[1])
declared = load_declared(root, environ={})
removals = [Removal(r, "unused", 1) for r in declared.requirements if r.name.startswith("unused")]
plan = plan_trim(declared, removals, project=root)
(edit,) = [e for e in plan.files if e.old != e.new]
back = replace(edit, sha256=hashlib.sha256(edit.new).hexdigest(), old=edit.new, new=edit.old)
reverse = replace(plan, files=(back,))
Path(sys.argv[2]).write_bytes(edit.old)
Path(sys.argv[3]).write_bytes(edit.new)
print("ready", flush=True)
for command in sys.stdin:
    if command.strip() == "go":
        pid = os.fork()
        if pid == 0:
            current = (root / "requirements.txt").read_bytes()
            plans = [plan, reverse] if current == edit.old else [reverse, plan]
            while True:
                for one in plans:
                    write_plan(one, in_place=True, backup=False)
        print(pid, flush=True)
    elif command.strip() == "wait":
        _, status = os.waitpid(pid, 0)
        print(status, flush=True)
"""

ROUNDS = 200


def _requirements(lines: int) -> bytes:
    rows = []
    for n in range(lines):
        name = f"unused{n}" if n % 3 == 0 else f"pkg{n}"
        rows.append(f"{name}=={n % 50}.{n % 7}.0  # a comment that makes the file larger\n")
    return "".join(rows).encode()


def _read_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().strip()


def _send(process: subprocess.Popen[str], command: str) -> None:
    assert process.stdin is not None
    process.stdin.write(command + "\n")
    process.stdin.flush()


def test_trim_in_place__sigkill_at_random_points__file_is_old_or_new_byte_for_byte(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    target = project / "requirements.txt"
    target.write_bytes(_requirements(3000))
    old_file, new_file = tmp_path / "old.bin", tmp_path / "new.bin"
    helper = tmp_path / "helper.py"
    helper.write_text(HELPER)
    with subprocess.Popen(
        [sys.executable, str(helper), str(project), str(old_file), str(new_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        seen, elapsed = _kill_rounds(process, target, old_file, new_file)
    assert seen["old"] > 0
    assert seen["new"] > 0
    # Kills landed during writes: each one between creating the temporary copy and renaming it
    # over the file left that copy behind (SIGKILL runs no cleanup), and the file was intact.
    interrupted = [p for p in project.iterdir() if p.name.endswith(".tmp")]
    assert len(interrupted) >= 5, len(interrupted)
    print(f"{ROUNDS} kills in {elapsed:.1f} s: {seen}, {len(interrupted)} during a write")


def _kill_rounds(
    process: subprocess.Popen[str], target: Path, old_file: Path, new_file: Path
) -> tuple[dict[str, int], float]:
    """Run the rounds; (how often the file was found old and new, seconds taken)."""
    try:
        assert _read_line(process) == "ready"
        old, new = old_file.read_bytes(), new_file.read_bytes()
        assert old != new
        seen = {"old": 0, "new": 0}
        rng = random.Random(20261129)
        started = time.monotonic()
        for _ in range(ROUNDS):
            _send(process, "go")
            pid = int(_read_line(process))
            time.sleep(rng.uniform(0.0, 0.04))
            os.kill(pid, signal.SIGKILL)
            _send(process, "wait")
            assert int(_read_line(process)) == signal.SIGKILL  # killed, never ended on its own
            data = target.read_bytes()
            assert data in {old, new}, hashlib.sha256(data).hexdigest()
            seen["old" if data == old else "new"] += 1
        elapsed = time.monotonic() - started
    finally:
        process.kill()
    return seen, elapsed
