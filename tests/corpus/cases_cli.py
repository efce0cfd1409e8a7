"""Hostile files named on the command line: config, requirements, baselines, reports and
``-o`` targets."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from corpus.model import Case, Ctx, skip_as_root

DEEP = 100_000
BASELINE = "hostile-baseline.json"
REPORT = "hostile-report.json"


def _skip_without_dev_full() -> str | None:
    return None if os.path.exists("/dev/full") else "no /dev/full on this platform"


def _derived(rel: str, change: Callable[[dict[str, Any]], object]) -> Callable[[Ctx], None]:
    """Write ``rel``: the case's clean ``baseline.json`` (a report depsize wrote) changed by
    ``change``, which edits the document in place or returns a replacement."""

    def build(ctx: Ctx) -> None:
        doc = json.loads((ctx.root / "baseline.json").read_text(encoding="utf-8"))
        replaced = change(doc)
        ctx.write(rel, json.dumps(doc if replaced is None else replaced))

    return build


def _sizes_as_strings(doc: dict[str, Any]) -> None:
    doc["env"]["total_bytes"] = str(doc["env"]["total_bytes"])
    for dist in doc["distributions"]:
        dist["own_bytes"] = f"{dist['own_bytes']} B"
    for req in doc.get("requirements", []):
        req["closure_bytes"] = "lots"


def _rows_without_name(doc: dict[str, Any]) -> None:
    for req in doc.get("requirements", []):
        req.pop("name", None)
    for dist in doc["distributions"]:
        dist.pop("name", None)


def _escape_names(doc: dict[str, Any]) -> None:
    doc["distributions"].append(
        {
            "name": "evil\x1b]0;pwned\x07\x1b[2J",
            "version": "6.6\x1b[31m",
            "own_bytes": 123456,
            "requires": [],
            "file_count": 1,
        }
    )


def _deep(ctx: Ctx, rel: str) -> None:
    ctx.write(rel, '{"a": ' + "[" * DEEP + "]" * DEEP + "}")


def _readonly(ctx: Ctx) -> None:
    folder = ctx.root / "out" / "ro"
    folder.mkdir()
    folder.chmod(0o555)


def _baseline(name: str, group: str, summary: str, **kw: Any) -> Case:
    return Case(
        name,
        group,
        "cli",
        summary,
        baseline=kw.pop("baseline", BASELINE),
        mention=kw.pop("mention", BASELINE),
        mention_in=("check-baseline",),
        commands=("check-baseline",),
        **kw,
    )


def _report(name: str, group: str, summary: str, **kw: Any) -> Case:
    return Case(
        name,
        group,
        "cli",
        summary,
        report=kw.pop("report", REPORT),
        mention=kw.pop("mention", REPORT),
        mention_in=("diff",),
        commands=("diff",),
        **kw,
    )


def _output(name: str, group: str, summary: str, **kw: Any) -> Case:
    return Case(
        name, group, "output", summary, mention_in=("scan-o",), commands=("scan-o", "trim-o"), **kw
    )


CASES = [
    # --- config and requirement files named by options --------------------------------------
    Case(
        "cli-config-fifo",
        "hang",
        "cli",
        "`--config` naming a FIFO",
        build=lambda ctx: ctx.fifo("project/depsize.toml"),
        args=("--config", "project/depsize.toml"),
        mention="depsize.toml",
    ),
    Case(
        "cli-requirements-fifo",
        "hang",
        "cli",
        "`-r` naming a FIFO",
        build=lambda ctx: ctx.fifo("project/pipe.txt"),
        args=("-r", "project/pipe.txt"),
        mention="pipe.txt",
    ),
    Case(
        "cli-config-deep-toml",
        "recursion",
        "cli",
        "`--config` naming a TOML file nested 100,000 arrays deep",
        build=lambda ctx: ctx.write(
            "project/deep.toml", "[tool.depsize]\nexclude = " + "[" * DEEP + "]" * DEEP + "\n"
        ),
        args=("--config", "project/deep.toml"),
        mention="deep.toml",
    ),
    Case(
        "cli-config-dev-zero",
        "input",
        "cli",
        "`--config /dev/zero`",
        args=("--config", "/dev/zero"),
        mention="/dev/zero",
    ),
    Case(
        "cli-config-missing",
        "input",
        "cli",
        "`--config` naming a missing file",
        args=("--config", "project/nope.toml"),
        mention="nope.toml",
    ),
    Case(
        "cli-requirements-dev-zero",
        "input",
        "cli",
        "`-r /dev/zero`",
        args=("-r", "/dev/zero"),
        mention="/dev/zero",
    ),
    Case(
        "cli-config-tool-string",
        "input",
        "cli",
        "`--config` naming a file whose `tool` is a string",
        build=lambda ctx: ctx.write("project/cfg.toml", 'tool = "depsize"\n'),
        args=("--config", "project/cfg.toml"),
        mention="cfg.toml",
    ),
    # --- baselines for check ------------------------------------------------------------------
    _baseline(
        "baseline-fifo",
        "hang",
        "a `--baseline` that is a FIFO",
        build=lambda ctx: ctx.fifo(BASELINE),
    ),
    _baseline(
        "baseline-deep-json",
        "recursion",
        "a baseline nested 100,000 arrays deep",
        build=lambda ctx: _deep(ctx, BASELINE),
    ),
    _baseline(
        "baseline-sizes-strings",
        "input",
        "a baseline whose sizes are strings",
        build=_derived(BASELINE, _sizes_as_strings),
    ),
    _baseline(
        "baseline-rows-lack-name",
        "input",
        "a baseline whose rows lack `name`",
        build=_derived(BASELINE, _rows_without_name),
    ),
    _baseline(
        "baseline-is-list",
        "input",
        "a baseline that is a JSON list",
        build=_derived(BASELINE, lambda doc: [doc]),
    ),
    _baseline(
        "baseline-not-json",
        "input",
        "a baseline that is not JSON (and not UTF-8)",
        build=lambda ctx: ctx.write(BASELINE, b"{\xff\xfe not json"),
    ),
    _baseline(
        "baseline-missing",
        "input",
        "a `--baseline` naming a missing file",
        baseline="gone/none.json",
        mention="none.json",
    ),
    _baseline(
        "baseline-dev-zero",
        "input",
        "`--baseline /dev/zero`",
        baseline="/dev/zero",
        mention="/dev/zero",
    ),
    # --- reports for diff -----------------------------------------------------------------------
    _report(
        "report-fifo",
        "hang",
        "a report given to `diff` that is a FIFO",
        build=lambda ctx: ctx.fifo(REPORT),
    ),
    _report(
        "report-deep-json",
        "recursion",
        "a report given to `diff` nested 100,000 arrays deep",
        build=lambda ctx: _deep(ctx, REPORT),
    ),
    _report(
        "report-rows-lack-name",
        "input",
        "a report given to `diff` whose rows lack `name`",
        build=_derived(REPORT, _rows_without_name),
    ),
    _report(
        "report-sizes-strings",
        "input",
        "a report given to `diff` whose sizes are strings",
        build=_derived(REPORT, _sizes_as_strings),
    ),
    _report(
        "report-dev-zero",
        "input",
        "`diff baseline.json /dev/zero`",
        report="/dev/zero",
        mention="/dev/zero",
    ),
    _report(
        "report-escape-sequences",
        "security",
        "a report given to `diff` whose distribution name and version carry escape sequences",
        build=_derived(REPORT, _escape_names),
        mention=None,
    ),
    # --- -o targets ------------------------------------------------------------------------------
    _output(
        "output-fifo",
        "hang",
        "`-o` naming an existing FIFO",
        build=lambda ctx: ctx.fifo("out/pipe"),
        output="out/pipe",
        mention="pipe",
    ),
    _output(
        "output-missing-folder",
        "input",
        "`-o` into a missing folder",
        output="out/missing/result.txt",
        mention="missing",
    ),
    _output(
        "output-dev-full",
        "input",
        "`-o /dev/full` (every write fails with ENOSPC)",
        output="/dev/full",
        mention="/dev/full",
        skip=_skip_without_dev_full,
    ),
    _output(
        "output-readonly-folder",
        "input",
        "`-o` into a read-only folder",
        build=_readonly,
        output="out/ro/result.txt",
        mention="ro",
        skip=skip_as_root,
    ),
    _output(
        "output-symlink-loop",
        "input",
        "`-o` naming a symlink loop",
        build=lambda ctx: ctx.symlink("out/loop", "loop"),
        output="out/loop",
        mention="loop",
    ),
    Case(
        "output-existing-requirements",
        "data-loss",
        "output",
        "`trim -o` naming the project's own requirements.txt (no --force)",
        output="project/requirements.txt",
        commands=("trim-o",),
    ),
]
