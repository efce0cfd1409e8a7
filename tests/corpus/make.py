"""Build the hostile-input corpus: every named case as a folder, with the commands to run over
it and what must (not) happen.

    python tests/corpus/make.py OUTDIR [--only NAME]

writes ``OUTDIR/NAME/`` per case (``project/``, ``env/``, ``outside/``, ``baseline.json``,
``case.json``). Cases that need what this machine cannot give (a permission that root ignores,
``/dev/full``) are listed as skipped with the reason. Everything is generated: the clean
``baseline.json`` each case starts from is a report depsize itself writes over the control case.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make `corpus` and `support` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import cases_cli, cases_env, cases_project, cases_trust
from corpus.model import Case, Expectations, build_base, command_lines, commands_of

CONTROL = Case("clean", "control", "env", "a clean project and environment (the control case)")
CASES: tuple[Case, ...] = (
    CONTROL,
    *cases_env.CASES,
    *cases_project.CASES,
    *cases_trust.CASES,
    *cases_cli.CASES,
)
BY_NAME = {case.name: case for case in CASES}
GROUPS = tuple(dict.fromkeys(case.group for case in CASES))
FIRST_OF_GROUP = frozenset(next(c.name for c in CASES if c.group == g) for g in GROUPS)


_DROP = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX", "FORCE_COLOR"}
_OUTER = {
    k: v
    for k, v in os.environ.items()
    if k not in _DROP and not k.startswith(("GITHUB_", "DEPSIZE_", "PYTEST_"))
}
"""The test process's environment, read once at import, in the main thread: the commands run on
worker threads while pytest sets and unsets ``PYTEST_CURRENT_TEST``, and iterating
``os.environ`` during such a change raises ``KeyError``."""


def child_environ(root: Path) -> dict[str, str]:
    """The environment depsize runs in: CI, no colour, no terminal, its caches under ``root``,
    nothing from an outer virtual env, conda or GitHub Actions."""
    env = dict(_OUTER)
    env.update(
        CI="true",
        NO_COLOR="1",
        TERM="dumb",
        COLUMNS="120",
        XDG_CACHE_HOME=str(root / "cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@cache
def clean_report() -> bytes:
    """``depsize scan --format json`` over the control case, built in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="depsize-corpus-") as tmp:
        root = Path(tmp) / "clean"
        build_base(root, CONTROL)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "depsize",
                "scan",
                "project",
                "--env",
                "env",
                "--format",
                "json",
            ],
            cwd=root,
            env=child_environ(root),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the control scan failed ({done.returncode}): {done.stderr!r}")
    return done.stdout


def expectations(case: Case) -> Expectations:
    lines = command_lines(case)
    wanted = commands_of(case, case.name in FIRST_OF_GROUP)
    return Expectations(
        name=case.name,
        group=case.group,
        area=case.area,
        summary=case.summary,
        commands={c: lines[c] for c in wanted},
        mention=case.mention,
        mention_in=list(case.mention_in),
        secrets=list(case.secrets),
        markers=list(case.markers),
        forbidden_lines=list(case.forbidden_lines),
        keep=list(case.keep),
        toml_valid=list(case.toml_valid),
        trim_files=list(case.trim_files),
    )


def build(case: Case, root: Path) -> Expectations:
    """Write ``case`` into the new folder ``root``; return what is expected of it."""
    ctx = build_base(root, case)
    (root / "baseline.json").write_bytes(clean_report())
    case.build(ctx)
    found = expectations(case)
    (root / "case.json").write_text(json.dumps(dataclasses.asdict(found), indent=1) + "\n")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--only", action="append", choices=sorted(BY_NAME), metavar="NAME")
    args = parser.parse_args(argv)
    for case in CASES:
        if args.only and case.name not in args.only:
            continue
        reason = case.skip()
        if reason:
            print(f"skip {case.name}: {reason}")
            continue
        root = args.outdir / case.name
        if root.exists():
            shutil.rmtree(root)
        build(case, root)
        print(f"{case.name}: {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
