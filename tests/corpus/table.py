"""Render the rows of docs/hostile-input.md from what the harness observed.

    DEPSIZE_CORPUS_LOG=corpus.jsonl pytest tests/functional/test_hostile_corpus.py
    python tests/corpus/table.py corpus.jsonl > rows.md

One table per class of failure; a case is *confirmed* when every command run over it kept
every promise the harness checks. Rows of unconfirmed cases say what went wrong instead.
"""

from __future__ import annotations

import json
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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _codes(runs: list[dict[str, Any]]) -> str:
    finals = {r["codes"][-1] if r["codes"] else None for r in runs}
    shown = sorted(str(c) for c in finals if c is not None)
    if None in finals:
        shown.append("timeout")
    return ", ".join(shown)


def _observed(runs: list[dict[str, Any]]) -> str:
    runs = sorted(runs, key=lambda r: ALL_COMMANDS.index(r["command"]))
    by_command = {r["command"]: r for r in runs}
    first = by_command.get("scan-json") or runs[0]
    message = first.get("message") or first["symptom"]
    exits = "; ".join(f"{r['command']} {r['codes'][-1] if r['codes'] else '-'}" for r in runs)
    return f"{message or 'no message'} ({exits})"


def _problems(runs: list[dict[str, Any]]) -> str:
    """Each distinct problem once, with the commands that showed it."""
    seen: dict[str, list[str]] = defaultdict(list)
    for run in runs:
        for problem in run["problems"]:
            seen[problem].append(run["command"])
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
    return f"| `{case.name}` | {summary} | {_cell(_observed(runs))[:600]} | {_codes(runs)} | yes |"


def render(log: Path) -> str:
    runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        runs[record["case"]].append(record)
    out: list[str] = []
    for group in make.GROUPS:
        out += [f"### {TITLES.get(group, group)}", ""]
        out += [
            "| case | bad input | what depsize does | exit | confirmed |",
            "|---|---|---|---|---|",
        ]
        out += [row(case, runs[case.name]) for case in make.CASES if case.group == group]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render(Path(sys.argv[1])))
