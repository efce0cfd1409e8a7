"""Run depsize over a built case, one command at a time, and list what went wrong.

Each command runs as ``python -m depsize …`` in its own fresh copy of the case (so commands
that write cannot disturb each other), with stdin closed, ``CI=true`` and a timeout after which
its whole process group is killed. The checks, in the order they are reported:

- it ends in time, prints no ``Traceback`` and exits 0, 1 or 2 (the control case: 0);
- nothing printed or written carries an escape character, a secret from beyond the project and
  env boundary, or a forbidden line (an ``--index-url`` smuggled in by metadata);
- where the case names an offending file, the message names it (every command that exits 2);
- no marker file of planted code exists; no byte of the user's files changed (``trim
  --in-place`` that succeeds may rewrite only the requirement manifests, keeping a ``.bak``);
- a trimmed file keeps the requirements the case says pip would still read and stays TOML;
- a JSON report adds up: no negative size, the env total at most the bytes of the regular
  files under ``env/``, and no recommendation larger than the env.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


from corpus.make import child_environ
from corpus.model import MANIFESTS, Expectations

TIMEOUT = 20.0
EXIT_CODES = frozenset({0, 1, 2})
SKIP_SNAPSHOT = frozenset({"out", "cache", "markers"})


@dataclass
class Step:
    argv: list[str]
    code: int | None
    stdout: bytes
    stderr: bytes
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.code is None

    def text(self) -> str:
        return (self.stdout + b"\n" + self.stderr).decode("utf-8", "backslashreplace")

    def symptom(self) -> str:
        """Timeout, the last line of a traceback, or the exit code and last stderr line."""
        if self.timed_out:
            return f"timeout after {self.seconds:.0f} s"
        lines = [ln for ln in self.stderr.decode("utf-8", "backslashreplace").splitlines() if ln]
        internal = [ln for ln in lines if ln.startswith("depsize: internal error")]
        last = (internal or lines or [""])[-1]
        if b"Traceback" in self.stderr or b"Traceback" in self.stdout:
            return f"exit {self.code}, traceback: {last[:200]}"
        return f"exit {self.code}: {last[:200]}"


@dataclass
class Run:
    command: str
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def symptom(self) -> str:
        return "; ".join(step.symptom() for step in self.steps)

    def message(self, mention: str | None) -> str:
        """The first line depsize printed on stderr that names ``mention`` (else the first
        line it printed on stderr), for docs/hostile-input.md."""
        lines = [ln for s in self.steps for ln in s.stderr.decode("utf-8", "replace").splitlines()]
        naming = [ln for ln in lines if mention and mention in ln]
        return ((naming or lines or [""])[0])[:300]


MEMORY_CAP = 4 << 30
"""Address space a command may use: reading ``/dev/zero`` fails with MemoryError (exit 3, a
failure the harness reports) instead of taking the machine's memory."""
_CAPPED = (
    "import resource, runpy, sys; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP})); "
    "runpy.run_module('depsize', run_name='__main__', alter_sys=True)"
)
"""``python -m depsize`` under :data:`MEMORY_CAP` (runpy is what ``-m`` runs)."""


def run_step(argv: list[str], root: Path, timeout: float = TIMEOUT) -> Step:
    """``python -m depsize *argv`` in ``root``, under :data:`MEMORY_CAP`; on timeout its
    process group is killed."""
    start = time.monotonic()
    with subprocess.Popen(
        [sys.executable, "-c", _CAPPED, *argv],
        cwd=root,
        env=child_environ(root),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            code = None
    return Step(argv, code, out, err, time.monotonic() - start)


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (but ``out/``, ``cache/``, ``markers/``) → what it holds:
    a regular file's SHA-256, a symlink's target, or its kind. Nothing is followed or opened
    but regular files."""
    found: dict[str, str] = {}
    for folder, dirs, names in os.walk(root, onerror=lambda exc: None):
        rel_folder = os.path.relpath(folder, root)
        if rel_folder == ".":
            dirs[:] = [d for d in dirs if d not in SKIP_SNAPSHOT]
        for name in [*dirs, *names]:
            path = os.path.join(folder, name)
            rel = os.path.normpath(os.path.join(rel_folder, name))
            found[rel] = _fingerprint(path)
    return found


def _fingerprint(path: str) -> str:
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        return "link:" + os.readlink(path)
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if not stat.S_ISREG(st.st_mode):
        return f"special:{stat.S_IFMT(st.st_mode)}"
    try:
        with open(path, "rb") as handle:
            return "file:" + hashlib.sha256(handle.read()).hexdigest()
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def env_regular_bytes(root: Path) -> int:
    """Bytes of the regular files under ``root/env`` (symlinks not followed)."""
    total = 0
    for folder, _dirs, names in os.walk(root / "env", onerror=lambda exc: None):
        for name in names:
            st = os.lstat(os.path.join(folder, name))
            total += st.st_size if stat.S_ISREG(st.st_mode) else 0
    return total


def written_files(root: Path, before: dict[str, str], after: dict[str, str]) -> dict[str, bytes]:
    """Files depsize wrote: everything under ``out/`` and every new or changed regular file."""
    paths = [
        rel for rel, what in after.items() if what.startswith("file:") and before.get(rel) != what
    ]
    out = root / "out"
    for folder, _dirs, names in os.walk(out):
        paths += [os.path.relpath(os.path.join(folder, n), root) for n in names]
    files: dict[str, bytes] = {}
    for rel in paths:
        path = root / rel
        if path.is_file() and not path.is_symlink():
            files[rel] = path.read_bytes()
    return files


def check_run(
    run: Run, exp: Expectations, root: Path, before: dict[str, str], env_bytes: int
) -> None:
    """Fill ``run.problems`` with every broken promise (see the module's docstring)."""
    after = snapshot(root)
    written = written_files(root, before, after)
    final = run.steps[-1]
    for step in run.steps:
        _check_step(run, exp, step)
    _check_outputs(run, exp, written)
    _check_mention(run, exp, written)
    for marker in exp.markers:
        if (root / "markers" / marker).exists():
            run.problems.append(f"planted code ran: markers/{marker} exists")
    _check_changes(run, exp, before, after, final)
    if run.command.startswith("trim") and final.code == 0:
        _check_trimmed(run, exp, root, written, final)
    for step in run.steps:
        report = _json_report(step.argv, root, step.stdout) if step.code == 0 else None
        if report is not None:
            _check_report(run, report, env_bytes)


def _check_step(run: Run, exp: Expectations, step: Step) -> None:
    if step.timed_out:
        run.problems.append(f"{' '.join(step.argv[:1])}: timeout after {step.seconds:.0f} s")
        return
    if b"Traceback" in step.stdout or b"Traceback" in step.stderr:
        run.problems.append(f"traceback printed: {step.symptom()}")
    if step.code not in EXIT_CODES:
        run.problems.append(f"exit code not 0/1/2: {step.symptom()}")
    elif exp.group == "control" and step.code != 0:
        run.problems.append(f"the control case must pass: {step.symptom()}")


def _check_outputs(run: Run, exp: Expectations, written: dict[str, bytes]) -> None:
    streams = {f"{s.argv[0]} stdout": s.stdout for s in run.steps}
    streams |= {f"{s.argv[0]} stderr": s.stderr for s in run.steps}
    streams |= {f"written {rel}": data for rel, data in written.items()}
    for where, data in streams.items():
        if b"\x1b" in data:
            at = data.index(b"\x1b")
            run.problems.append(f"escape character in {where}: {data[max(0, at - 30) : at + 30]!r}")
        for secret in exp.secrets:
            if secret.encode() in data:
                run.problems.append(f"text from outside the project printed in {where}: {secret!r}")
        text = data.decode("utf-8", "backslashreplace")
        for pattern in exp.forbidden_lines:
            bad = [ln for ln in text.splitlines() if re.search(pattern, ln)]
            if bad:
                run.problems.append(f"forbidden line in {where}: {bad[0][:120]!r}")


def _check_mention(run: Run, exp: Expectations, written: dict[str, bytes]) -> None:
    if exp.mention is None:
        return
    failed = any(step.code == 2 for step in run.steps)
    if run.command not in exp.mention_in and not failed:
        return
    text = "\n".join(step.text() for step in run.steps)
    text += "\n".join(data.decode("utf-8", "backslashreplace") for data in written.values())
    if exp.mention not in text:
        run.problems.append(f"no message names {exp.mention!r} ({run.symptom()})")


def _check_changes(
    run: Run, exp: Expectations, before: dict[str, str], after: dict[str, str], final: Step
) -> None:
    may_change = set()
    if run.command == "trim-inplace" and final.code == 0:
        may_change = {f"project/{name}" for name in exp.trim_files or MANIFESTS}
    for rel, what in before.items():
        now = after.get(rel)
        if now != what and rel not in may_change:
            state = "removed" if now is None else "changed"
            run.problems.append(f"user file {state}: {rel} (exit {final.code})")


_NAME = re.compile(r"""\s*["']*\s*([A-Za-z0-9][A-Za-z0-9._-]*)""")


def _requirement_names(text: str) -> set[str]:
    """The names pip reads from a requirement file (or from lines of one): each line as
    str.splitlines splits it, comments dropped."""
    names = set()
    for line in text.splitlines():
        found = _NAME.match(re.split(r"(?:^|\s)#", line)[0])
        if found:
            names.add(found[1].lower())
    return names


def _toml_names(data: dict[str, Any]) -> set[str]:
    """Requirement names a pyproject declares: PEP 621 arrays, PEP 735 groups, Poetry tables."""
    project = data.get("project", {})
    arrays = [project.get("dependencies", [])]
    arrays += list(project.get("optional-dependencies", {}).values())
    arrays += list(data.get("dependency-groups", {}).values())
    names = {
        n for a in arrays for item in a if isinstance(item, str) for n in _requirement_names(item)
    }
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [g.get("dependencies", {}) for g in poetry.get("group", {}).values()]
    return names | {name.lower() for table in tables for name in table}


def _check_trimmed(
    run: Run, exp: Expectations, root: Path, written: dict[str, bytes], final: Step
) -> None:
    if run.command == "trim-diff":
        diff = final.stdout.decode("utf-8", "backslashreplace").split("\n")
        removed = "\n".join(ln[1:] for ln in diff if ln[:1] == "-" and ln[:3] != "---")
        added = "\n".join(ln[1:] for ln in diff if ln[:1] == "+" and ln[:3] != "+++")
        gone = _requirement_names(removed) - _requirement_names(added)
        for name in exp.keep:
            if name in gone:
                run.problems.append(f"the diff removes {name!r}, which the project uses")
        return
    for rel, data in written.items():
        if rel.endswith(".bak"):
            continue
        text = data.decode("utf-8", "backslashreplace")
        if rel in exp.toml_valid or rel.endswith(".toml"):
            try:
                names = _toml_names(tomllib.loads(text))
            except tomllib.TOMLDecodeError as exc:
                run.problems.append(f"trim wrote {rel}, which is no longer TOML: {exc}")
                continue
        else:
            names = _requirement_names(text)
        for name in exp.keep:
            if name not in names:
                run.problems.append(f"trim wrote {rel}, which no longer declares {name!r}")


def _json_report(argv: list[str], root: Path, stdout: bytes) -> bytes | None:
    """The JSON report a scan step wrote (stdout, or its ``-o`` file under ``out/``)."""
    if argv[0] != "scan" or "json" not in argv:
        return None
    if "-o" not in argv:
        return stdout
    target = argv[argv.index("-o") + 1]
    path = root / target
    return path.read_bytes() if target.startswith("out/") and path.is_file() else None


def _check_report(run: Run, data: bytes, env_bytes: int) -> None:
    try:
        doc: Any = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        run.problems.append(f"the JSON report does not parse: {exc}")
        return
    total = doc["env"]["total_bytes"]
    if not 0 <= total <= env_bytes:
        run.problems.append(
            f"env total {total} B is not within 0..{env_bytes} B (the regular files under env/)"
        )
    for dist in doc.get("distributions", []):
        if dist["own_bytes"] < 0:
            run.problems.append(f"negative size: {dist['name']!r} {dist['own_bytes']} B")
    for rec in doc.get("recommendations", []):
        if not 0 <= rec.get("bytes", 0) <= max(total, 0):
            run.problems.append(f"recommendation {rec.get('kind')} of {rec.get('bytes')} B > env")
