"""Regenerate the real `depsize scan` output shown in examples/webapp/README.md.

    python examples/regenerate_readme.py          # rewrite the block between the markers
    python examples/regenerate_readme.py --check  # exit 1 if the README is out of date

``--check`` compares the text with every number masked: byte-code files record the path they
were compiled at, so sizes move by a few kB from one checkout to another, while statuses,
findings and wording must not drift.

Run from the repository root after creating the example's environment (see the README).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "examples" / "webapp" / "README.md"
START, END = "<!-- depsize-output:start -->", "<!-- depsize-output:end -->"
COMMAND = ["depsize", "scan", "examples/webapp"]


def current_output() -> str:
    env = {**os.environ, "NO_COLOR": "1", "DEPSIZE_PROGRESS": "0"}
    done = subprocess.run(
        [sys.executable, "-m", *COMMAND],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def rewritten(text: str, output: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    block = f"{START}\n```console\n$ {' '.join(COMMAND)}\n{output}```\n{END}"
    return head + block + tail


def masked(text: str) -> str:
    return re.sub(r"\d[\d,.]*", "#", text)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = rewritten(text, current_output())
    if "--check" in sys.argv[1:]:
        if masked(new) != masked(text):
            print(f"{README} is out of date: run python examples/regenerate_readme.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
