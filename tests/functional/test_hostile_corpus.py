"""Every command over every hostile-input case of ``tests/corpus``: no hang, no traceback, no
exit 3, the offending file named, nothing run, nothing leaked, no user byte changed.

One test per (case, command). The commands of a case run as subprocesses, a few at a time in
threads, each in its own fresh copy of the case; the next case is started while one is checked.
What each check means is in :mod:`corpus.harness`.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from corpus import make
from corpus.harness import Run, check_run, env_regular_bytes, run_step, snapshot
from corpus.model import Case

WORKERS = 3
PARAMS = [
    pytest.param(case.name, command, id=f"{case.name}::{command}")
    for case in make.CASES
    for command in make.expectations(case).commands
]


class CorpusRunner:
    """Builds and runs the cases on demand, the following case in the background."""

    def __init__(self, base: Path, selected: list[str]) -> None:
        self.base = base
        self.pool = ThreadPoolExecutor(max_workers=WORKERS)
        self.lock = threading.Lock()
        self.futures: dict[tuple[str, str], Future[Run]] = {}
        self.started: set[str] = set()
        self.order = list(dict.fromkeys(selected))
        """The cases whose tests this session runs, in order (the next one starts early)."""

    def result(self, name: str, command: str) -> Run:
        with self.lock:
            index = self.order.index(name)
            for ahead in self.order[index : index + 2]:
                self._submit(make.BY_NAME[ahead])
        return self.futures[name, command].result()

    def _submit(self, case: Case) -> None:
        if case.name in self.started or case.skip():
            return
        self.started.add(case.name)
        for command in make.expectations(case).commands:
            root = self.base / case.name / command
            self.futures[case.name, command] = self.pool.submit(self._run, case, command, root)

    @staticmethod
    def _run(case: Case, command: str, root: Path) -> Run:
        exp = make.build(case, root)
        before = snapshot(root)
        env_bytes = env_regular_bytes(root)
        run = Run(command)
        for argv in exp.commands[command]:
            step = run_step(argv, root)
            run.steps.append(step)
            if step.code != 0:
                break
        check_run(run, exp, root, before, env_bytes)
        _record(case, run)
        return run


def _record(case: Case, run: Run) -> None:
    """With ``DEPSIZE_CORPUS_LOG`` set, append the outcome as a JSON line (for triage)."""
    log = os.environ.get("DEPSIZE_CORPUS_LOG")
    if not log:
        return
    line = {
        "case": case.name,
        "group": case.group,
        "command": run.command,
        "symptom": run.symptom(),
        "codes": [s.code for s in run.steps],
        "seconds": round(sum(s.seconds for s in run.steps), 1),
        "problems": run.problems,
        "message": run.message(case.mention),
    }
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def _selected(items: list[pytest.Item]) -> list[str]:
    """The case of each (case, command) test of this module the session runs."""
    here = Path(__file__)
    return [
        str(item.callspec.params["name"])
        for item in items
        if isinstance(item, pytest.Function) and item.path == here and hasattr(item, "callspec")
    ]


@pytest.fixture(scope="module")
def corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CorpusRunner]:
    make.clean_report()  # once, before the threads need it
    runner = CorpusRunner(tmp_path_factory.mktemp("corpus"), _selected(request.session.items))
    yield runner
    runner.pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize(("name", "command"), PARAMS)
def test_hostile_corpus__case_command__no_hang_no_crash_no_leak(
    corpus: CorpusRunner, name: str, command: str
) -> None:
    reason = make.BY_NAME[name].skip()
    if reason:
        pytest.skip(reason)

    run = corpus.result(name, command)

    if run.problems:
        pytest.fail(f"{name} / {command}: " + " | ".join(run.problems), pytrace=False)


def test_hostile_corpus__cases__cover_every_class_and_command() -> None:
    names = [case.name for case in make.CASES]
    commands = {(case.group, c) for case in make.CASES for c in make.expectations(case).commands}
    groups = {case.group for case in make.CASES} - {"control"}

    assert len(names) == len(set(names))
    assert len(names) - 1 >= 60
    assert groups == {
        "hang",
        "recursion",
        "input",
        "output",
        "security",
        "data-loss",
        "lying",
        "executed",
    }
    for group in groups:
        for command in ("scan-table", "scan-json", "scan-markdown", "scan-html", "scan-o", "why"):
            assert (group, command) in commands
        for command in ("check-budget", "check-baseline", "trim-diff", "trim-o", "trim-inplace"):
            assert (group, command) in commands
        assert (group, "diff") in commands
