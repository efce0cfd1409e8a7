"""Render the rows of docs/hostile-input.md from what the harness observed.

    DEPSIZE_CORPUS_LOG=corpus.jsonl pytest tests/functional/test_hostile_corpus.py
    python tests/corpus/table.py corpus.jsonl > rows.md

One table per class of failure; a case is *confirmed* when every command run over it kept
every promise the harness checks. Rows of unconfirmed cases say what went wrong instead.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as a script: make `corpus` and `support` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import make
from corpus.model import ALL_COMMANDS, Case

TITLES = {
    "control": "Control",
    "hang": "Hangs",
    "recursion": "Recursion",
    "input": "Input at fault",
    "output": "Output that cannot be printed",
    "security": "Security",
    "data-loss": "Data loss in trim",
    "lying": "Lying data",
    "executed": "Nothing executed",
}

EXPECTED = {
    "control": "Every command exits 0.",
    "hang": "depsize does not wait on it: what is not a regular file is not read (a warning names "
    "it), work that could grow without bound is bounded; exit 0, or 2 naming the file when the "
    "user named it on the command line.",
    "recursion": "A warning naming the file, or exit 2 naming it when the user named it on the "
    "command line; never a RecursionError.",
    "input": "A warning naming the file (and line) and the rest is measured (exit 0 or 1); exit 2 "
    "naming the file when the user named it (`--config`, `-r`, `--baseline`, `diff`, `-o`) or "
    "when the project's own configuration is wrong.",
    "output": "Every format is written; bytes that are not UTF-8 are shown escaped.",
    "security": "Nothing from beyond the project and the env is printed, written or counted; "
    "control characters are escaped; a name can never become an option line of a requirement "
    "file.",
    "data-loss": "trim removes only the unused requirement: every requirement pip would still "
    "read stays, a TOML file stays TOML, an existing file is not overwritten without --force.",
    "lying": "No size is larger than the bytes on disk: a claim is bounded by its file, a file is "
    "counted once.",
    "executed": "Nothing is run: no marker file appears.",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _codes(runs: list[dict[str, Any]]) -> str:
    finals = {r["codes"][-1] if r["codes"] else None for r in runs}
    shown = sorted(str(c) for c in finals if c is not None)
    if None in finals:
        shown.append("timeout")
    return ", ".join(shown)


_TEMP = re.compile(r"/\S*?/corpus\d+/[^/\s]+/[^/\s]+/")
"""The temporary copy a command ran in (``/tmp/…/corpus0/CASE/COMMAND/``)."""


def _observed(case: Case, runs: list[dict[str, Any]]) -> str:
    """The message of the command the case is about (or of ``scan --format json``), then the
    exit code of every command."""
    runs = sorted(runs, key=lambda r: ALL_COMMANDS.index(r["command"]))
    named = [r for r in runs if r["command"] in case.mention_in and r.get("message")]
    quoted = named or [r for r in runs if r["command"] == "scan-json"] or runs
    message = _TEMP.sub("", quoted[0].get("message") or "") or "no message"
    exits = "; ".join(f"{r['command']} {r['codes'][-1] if r['codes'] else '-'}" for r in runs)
    return f"{message} ({exits})"


def _problems(runs: list[dict[str, Any]]) -> str:
    """Each distinct problem once, with the commands that showed it."""
    seen: dict[str, list[str]] = defaultdict(list)
    for run in runs:
        for problem in run["problems"]:
            seen[_TEMP.sub("", problem)].append(run["command"])
    return "; ".join(f"{', '.join(cmds)}: {problem}" for problem, cmds in seen.items())


def row(case: Case, runs: list[dict[str, Any]]) -> str:
    summary = _cell(case.summary)
    reason = case.skip()
    if not runs:
        why = reason or "not run"
        return f"| `{case.name}` | {summary} | not run here: {_cell(why)} | | no |"
    failing = [r for r in runs if r["problems"]]
    if failing:
        text = f"**not yet confirmed**: {_problems(failing)}"
        return f"| `{case.name}` | {summary} | {_cell(text)[:600]} | {_codes(runs)} | no |"
    observed = _cell(_observed(case, runs))[:400]
    return f"| `{case.name}` | {summary} | {observed} | {_codes(runs)} | yes |"


def render(log: Path) -> str:
    runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        runs[record["case"]].append(record)
    out: list[str] = []
    for group in make.GROUPS:
        out += [f"### {TITLES.get(group, group)}", "", f"Expected: {EXPECTED.get(group, '')}", ""]
        out += [
            "| case | bad input | what depsize does | exit | confirmed |",
            "|---|---|---|---|---|",
        ]
        out += [row(case, runs[case.name]) for case in make.CASES if case.group == group]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render(Path(sys.argv[1])))
