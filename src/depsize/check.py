"""``depsize check``: size and hygiene budgets over the JSON report document (DESIGN §8).

Everything here works on the plain dict that ``depsize scan --format json`` emits (schema
version 1), so a check can run on a fresh analysis or on a report file, and a baseline is just
an earlier report. Every broken budget is reported, each with the measured value, the limit and
the top contributors with their ``file:line``. Nothing here prints or exits: the CLI maps
:attr:`CheckResult.exit_code` and :class:`~depsize.errors.InputError` to exit codes 1 and 2.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from depsize.budget import Policy, describe_size
from depsize.errors import EXIT_OK, EXIT_POLICY, InputError
from depsize.models import REPORT_SCHEMA_VERSION
from depsize.units import human

SCHEMA_VERSION = REPORT_SCHEMA_VERSION
REPORT_EXPECTED = "a JSON report written by `depsize scan --format json` (schema_version 1)"
TOP = 5


@dataclass(frozen=True)
class Contributor:
    """A name behind a budget's figure, with its bytes and the line that declares it."""

    name: str
    bytes: int | None = None
    file: str | None = None
    line: int | None = None
    detail: str = ""
    frees: int = 0
    """Bytes removing it frees (a counted requirement): ranks findings, largest first."""

    @property
    def where(self) -> str | None:
        if self.file is None:
            return None
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def describe(self, *, where: bool = True) -> str:
        """``torch 612 MB [unused] (requirements.txt:4)``; without the place if not *where*."""
        text = self.name if self.bytes is None else f"{self.name} {human(self.bytes)}"
        if self.detail:
            text += f" [{self.detail}]"
        return f"{text} ({self.where})" if where and self.where else text


@dataclass(frozen=True)
class Outcome:
    """One budget checked: its name, the measured value, the limit and what it says."""

    budget: str
    measured: int
    limit: int
    message: str
    contributors: tuple[Contributor, ...] = ()
    label: str = "top contributors"
    passed: bool = False


Violation = Outcome  # an Outcome with passed=False: a broken budget


@dataclass(frozen=True)
class CheckResult:
    """Every budget checked: those broken, those met, and notes on what was not checked."""

    violations: tuple[Outcome, ...] = ()
    passed: tuple[Outcome, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return bool(self.violations)

    @property
    def exit_code(self) -> int:
        return EXIT_POLICY if self.violations else EXIT_OK


# -- the report document -------------------------------------------------------------------


def _check_int(value: object, where: str, what: str, path: Path | None) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError(f"{what}: {where} is {value!r}; expected {REPORT_EXPECTED}", path)


def validate_report(doc: object, what: str = "report", path: Path | None = None) -> dict[str, Any]:
    """*doc* as a report dict, or an :class:`InputError` saying what was expected."""
    if not isinstance(doc, dict):
        raise InputError(f"{what} is a JSON {type(doc).__name__}; expected {REPORT_EXPECTED}", path)
    version = doc.get("schema_version")
    if version != SCHEMA_VERSION:
        raise InputError(
            f"{what} has schema_version {version!r}; expected {REPORT_EXPECTED} "
            "(write it again with this depsize version)",
            path,
        )
    env = doc.get("env")
    if not isinstance(env, dict):
        raise InputError(f"{what} has no 'env' object; expected {REPORT_EXPECTED}", path)
    _check_int(env.get("total_bytes"), "env.total_bytes", what, path)
    dists = doc.get("distributions")
    if not isinstance(dists, list):
        raise InputError(f"{what} has no 'distributions' list; expected {REPORT_EXPECTED}", path)
    for index, dist in enumerate(dists):
        if not isinstance(dist, dict) or not isinstance(dist.get("name"), str):
            raise InputError(f"{what}: distributions[{index}] has no name", path)
        _check_int(dist.get("own_bytes"), f"distributions[{index}].own_bytes", what, path)
    _check_requirement_rows(doc.get("requirements", []), what, path)
    return doc


def _check_requirement_rows(requirements: object, what: str, path: Path | None) -> None:
    if not isinstance(requirements, list):
        raise InputError(f"{what}: 'requirements' is not a list; expected {REPORT_EXPECTED}", path)
    for index, req in enumerate(requirements):
        for key in ("name", "status"):
            if not isinstance(req, dict) or not isinstance(req.get(key), str):
                raise InputError(
                    f"{what}: requirements[{index}] has no {key}; expected {REPORT_EXPECTED}", path
                )


def load_report(path: Path, what: str = "baseline", missing_hint: str = "") -> dict[str, Any]:
    """Read and validate a JSON report file; every problem is an :class:`InputError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"{what} not found; expected {REPORT_EXPECTED}{missing_hint}", path
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{what} cannot be read ({exc}); expected {REPORT_EXPECTED}", path
        ) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}; "
            f"truncated?); expected {REPORT_EXPECTED}",
            path,
        ) from None
    return validate_report(doc, what, path)


def write_baseline(path: Path, report: Mapping[str, Any]) -> None:
    """Write *report* to *path* atomically: a temp file in the same folder, then os.replace."""
    text = json.dumps(report, indent=2, sort_keys=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before os.replace
            "w",
            encoding="utf-8",
            dir=path.parent,
            prefix=f".{path.name}.",
            suffix=".tmp",
            delete=False,
        )
    except OSError as exc:
        raise InputError(f"cannot write the baseline ({exc})", path) from None
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(handle.name).replace(path)  # os.replace: atomic within one folder
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise InputError(f"cannot write the baseline ({exc})", path) from None


# -- reading the report --------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    """Lookups over one report: sizes, edges, requirement lines, reach of each requirement."""

    own: dict[str, int]
    requires: dict[str, tuple[str, ...]]
    entries: dict[str, tuple[dict[str, Any], ...]]

    @classmethod
    def of(cls, report: Mapping[str, Any]) -> _Index:
        dists = report.get("distributions", [])
        entries: dict[str, list[dict[str, Any]]] = {}
        for req in report.get("requirements", []):
            entries.setdefault(req["name"], []).append(req)
        return cls(
            own={d["name"]: d["own_bytes"] for d in dists},
            requires={d["name"]: tuple(d.get("requires", ())) for d in dists},
            entries={name: tuple(group) for name, group in entries.items()},
        )

    def reach(self, name: str) -> set[str]:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen or current not in self.own:
                continue
            seen.add(current)
            todo.extend(self.requires.get(current, ()))
        return seen

    def declarers(self, dist: str) -> list[str]:
        """The declared requirements whose closure holds *dist*, itself first if declared."""
        names = [name for name in self.entries if name != dist and dist in self.reach(name)]
        return ([dist] if dist in self.entries else []) + sorted(names)

    def lines(self, name: str, bytes_: int | None = None, detail: str = "") -> list[Contributor]:
        """One line per place the requirement is declared (``sources``, else ``source``)."""
        return [
            Contributor(name, bytes_, file, line, detail)
            for req in self.entries.get(name, ())
            for file, line in _sources(req)
        ]


def _source(entry: Mapping[str, Any]) -> tuple[str | None, int | None]:
    source = entry.get("source") or {}
    return source.get("file"), source.get("line")


def _sources(entry: Mapping[str, Any]) -> list[tuple[str | None, int | None]]:
    sources = entry.get("sources")
    if isinstance(sources, list) and sources:
        return [(s.get("file"), s.get("line")) for s in sources if isinstance(s, dict)]
    return [_source(entry)]


def _outcome(
    budget: str,
    measured: int,
    limit: int,
    message: str,
    found: Iterable[Contributor] = (),
    *,
    label: str = "top contributors",
) -> Outcome:
    passed = measured <= limit
    return Outcome(budget, measured, limit, message, () if passed else tuple(found), label, passed)


def _versus(measured: int, limit: int, kind: str, say: Callable[[int], str] = describe_size) -> str:
    """``812 MB (812,311,022 bytes) > budget 500 MB (500,000,000 bytes)``, or ``within``."""
    return f"{say(measured)} {'within' if measured <= limit else '>'} {kind} {say(limit)}"


# -- the budgets ---------------------------------------------------------------------------


def _total_contributors(report: Mapping[str, Any], index: _Index) -> list[Contributor]:
    found = [
        Contributor(name, int(group[0].get("share_bytes", 0)), *_source(group[0]))
        for name, group in index.entries.items()
    ]
    extraneous = sum(
        index.own.get(item, 0) if isinstance(item, str) else int(item.get("own_bytes", 0))
        for item in report.get("extraneous", [])
    )
    found.append(Contributor("(extraneous distributions)", extraneous))
    tooling = sum(int(item.get("own_bytes", 0)) for item in report.get("installer_tooling", []))
    found.append(Contributor("(installer tooling)", tooling))
    found.append(Contributor("(unowned files)", int(report["env"].get("unowned_bytes", 0))))
    found.sort(key=lambda c: -(c.bytes or 0))
    return [c for c in found if c.bytes][:TOP]


def _check_total(report: Mapping[str, Any], policy: Policy, index: _Index) -> list[Outcome]:
    if policy.max_total is None:
        return []
    total, limit = int(report["env"]["total_bytes"]), policy.max_total
    message = f"total size: {_versus(total, limit, 'budget')}"
    found = _total_contributors(report, index)
    label = "top contributors (share of the total)"
    return [_outcome("max-total", total, limit, message, found, label=label)]


def _check_dists(policy: Policy, index: _Index) -> list[Outcome]:
    outcomes = []
    for name, own in sorted(index.own.items()):
        limit = policy.max_dist.get(name, policy.max_dist_default)
        if limit is None:
            continue
        message = f"distribution {name}: {_versus(own, limit, 'ceiling')}"
        found = [] if own <= limit else [c for d in index.declarers(name) for c in index.lines(d)]
        outcomes.append(
            _outcome(f"max-dist:{name}", own, limit, message, found, label="declared by")
        )
    return outcomes


def _check_requirements(policy: Policy, index: _Index) -> list[Outcome]:
    outcomes = []
    for name, group in index.entries.items():
        limit = policy.max_requirement.get(name, policy.max_requirement_default)
        if limit is None or group[0].get("status") in ("not-installed", "not-applicable"):
            continue
        closure = int(group[0].get("closure_bytes", 0))
        lines = index.lines(name, closure, "closure")
        where = ", ".join(c.where or "?" for c in lines)
        message = f"requirement {name} ({where}) closure: {_versus(closure, limit, 'ceiling')}"
        largest = sorted(index.reach(name), key=lambda d: -index.own[d])[:TOP]
        found = [*lines, *(Contributor(d, index.own[d], detail="own") for d in largest)]
        label = "its closure and the largest distributions in it"
        outcomes.append(
            _outcome(f"max-requirement:{name}", closure, limit, message, found, label=label)
        )
    return outcomes


def _counted(report: Mapping[str, Any], policy: Policy, index: _Index) -> list[Contributor]:
    found: list[Contributor] = []
    for name, group in index.entries.items():
        status = group[0].get("status")
        likely = group[0].get("confidence") == "likely"
        if status in policy.count_statuses and (policy.count_likely or not likely):
            frees = int(group[0].get("exclusive_bytes", 0))
            lines = index.lines(name, None, f"{status}, frees {human(frees)}")
            found.extend(replace(line, frees=frees) for line in lines)
    if "undeclared" in policy.count_statuses:
        for item in report.get("undeclared", []):
            detail = "undeclared import" + ("" if item.get("installed") else ", not installed")
            where = (item.get("file"), item.get("line"))
            found.append(Contributor(item["module"], None, *where, detail))
    return found


def _check_unused(report: Mapping[str, Any], policy: Policy, index: _Index) -> list[Outcome]:
    if policy.max_unused is None:
        return []
    found = _counted(report, policy, index)
    count, limit = len({c.name for c in found}), policy.max_unused
    statuses = ", ".join(policy.count_statuses)
    message = f"unused requirements ({statuses}): {_versus(count, limit, 'max', str)}"
    return [_outcome("max-unused", count, limit, message, found, label="counted")]


def _growth_contributors(
    report: Mapping[str, Any], baseline: Mapping[str, Any], index: _Index
) -> list[Contributor]:
    before = {d["name"]: d["own_bytes"] for d in baseline["distributions"]}
    grown = sorted((own - before.get(name, 0), name) for name, own in index.own.items())
    unowned = int(report["env"].get("unowned_bytes", 0))
    unowned -= int(baseline["env"].get("unowned_bytes", 0))
    found = [Contributor("(unowned files)", unowned)] if unowned > 0 else []
    for delta, name in grown[-TOP:]:
        declarers = index.declarers(name)
        where = _source(index.entries[declarers[0]][0]) if declarers else (None, None)
        detail = f"was {human(before[name])}" if name in before else "new"
        if declarers and declarers[0] != name:
            detail += f", via {declarers[0]}"
        if delta > 0:
            found.append(Contributor(name, delta, *where, detail))
    return sorted(found, key=lambda c: -(c.bytes or 0))[:TOP]


def _check_growth(
    report: Mapping[str, Any], policy: Policy, baseline: Mapping[str, Any] | None, index: _Index
) -> list[Outcome]:
    if policy.max_growth is None or baseline is None:
        return []
    before = int(baseline["env"]["total_bytes"])
    growth = int(report["env"]["total_bytes"]) - before
    allowed = policy.max_growth.allowed(before)
    percent = f", {growth / before:+.1%}" if before else ""
    relation = "within" if growth <= allowed else ">"
    message = (
        f"growth: {'+' if growth >= 0 else ''}{describe_size(growth)}{percent} over baseline "
        f"{describe_size(before)} {relation} budget {policy.max_growth.describe(before)}"
    )
    found = _growth_contributors(report, baseline, index)
    return [_outcome("max-growth", growth, allowed, message, found, label="grew most")]


def _check_warnings(report: Mapping[str, Any], policy: Policy) -> list[Outcome]:
    if not policy.fail_on_warnings:
        return []
    warnings = report.get("warnings", [])
    message = f"warnings (--fail-on-warnings): {_versus(len(warnings), 0, 'max', str)}"
    found = (
        Contributor(str(w.get("message")), None, w.get("file"), w.get("line")) for w in warnings
    )
    return [_outcome("fail-on-warnings", len(warnings), 0, message, found, label="warnings")]


def _notes(
    report: Mapping[str, Any], policy: Policy, baseline: Mapping[str, Any] | None, index: _Index
) -> list[str]:
    notes = [
        f"max-dist: {name} is not installed; its ceiling was not checked"
        for name in sorted(policy.max_dist)
        if name not in index.own
    ]
    notes += [
        f"max-requirement: {name} is not a declared requirement; its ceiling was not checked"
        for name in sorted(policy.max_requirement)
        if name not in index.entries
    ]
    if policy.max_growth is not None and baseline is None:
        notes.append("max-growth: no baseline yet, growth was not checked")
    if baseline is not None and report["env"].get("size_unit") != baseline["env"].get("size_unit"):
        notes.append(
            "baseline was measured with another size unit (--disk-usage or not); "
            "growth compares unlike figures"
        )
    return notes


def run_check(
    report: Mapping[str, Any], policy: Policy, baseline: Mapping[str, Any] | None = None
) -> CheckResult:
    """Check every budget of *policy* against *report*; every broken one is listed."""
    validate_report(report, "report")
    if baseline is not None:
        validate_report(baseline, "baseline")
    index = _Index.of(report)
    outcomes = [
        *_check_total(report, policy, index),
        *_check_dists(policy, index),
        *_check_requirements(policy, index),
        *_check_unused(report, policy, index),
        *_check_growth(report, policy, baseline, index),
        *_check_warnings(report, policy),
    ]
    return CheckResult(
        violations=tuple(o for o in outcomes if not o.passed),
        passed=tuple(o for o in outcomes if o.passed),
        notes=tuple(_notes(report, policy, baseline, index)),
    )


def check_report(
    report: Mapping[str, Any], policy: Policy, *, update_baseline: bool = False
) -> CheckResult:
    """The whole ``depsize check`` after analysis: baseline read, budgets, baseline update.

    The baseline (``policy.baseline``) is read only for ``max_growth``, and must then exist
    unless *update_baseline* asks to create it. It is rewritten only when every budget is met, so a
    broken budget never becomes the new normal.
    """
    path = policy.baseline
    if update_baseline and path is None:
        raise InputError("--update-baseline needs --baseline FILE (where to write it)")
    if policy.max_growth is not None and path is None:
        raise InputError(
            "--max-growth needs --baseline FILE, a report written earlier by "
            "`depsize scan --format json -o FILE` or by --update-baseline"
        )
    if policy.is_empty and not update_baseline:
        raise InputError(
            "no budget to check; expected at least one of --max-total, --max-dist, "
            "--max-dist-default, --max-requirement, --max-requirement-default, "
            "--max-unused, --max-growth, --fail-on-warnings or [tool.depsize.check]"
        )
    baseline = None
    creating = update_baseline and path is not None and not path.exists()
    if policy.max_growth is not None and path is not None and not creating:
        baseline = load_report(path, "baseline", ", or --update-baseline to create it")
    result = run_check(report, policy, baseline)
    if not update_baseline or path is None:
        return result
    if result.failed:
        return replace(
            result, notes=(*result.notes, f"baseline {path} not updated: a budget is broken")
        )
    write_baseline(path, report)
    return replace(result, notes=(*result.notes, f"baseline {path} updated"))


# -- text output ---------------------------------------------------------------------------


def _contributor_text(outcome: Outcome, limit: int = 10) -> str:
    shown = [c.describe() for c in outcome.contributors[:limit]]
    if len(outcome.contributors) > limit:
        shown.append(f"… and {len(outcome.contributors) - limit} more")
    return f"; {outcome.label}: " + ", ".join(shown) if shown else ""


def measured(report: Mapping[str, Any]) -> str:
    """What was measured, as the verdict line says it: the env (relative to the project when
    inside it), its Python and how it was found."""
    env = report["env"]
    path = str(env.get("path") or (env.get("site_packages") or ["?"])[0])
    project = Path(str(report.get("project", "."))).resolve()
    try:
        shown = Path(path).resolve().relative_to(project).as_posix()
    except (ValueError, OSError):
        shown = path
    return f"measured {shown} (Python {env.get('python')}, found by {env.get('found_by')})"


def format_text(result: CheckResult, *, measured: str | None = None) -> str:
    """Plain lines: one ``ok``/``FAIL`` line per budget, notes, then the verdict line, which
    says what was *measured* when given."""
    lines = [f"ok   {o.message}" for o in result.passed]
    lines += [f"FAIL {o.message}{_contributor_text(o)}" for o in result.violations]
    lines += [f"note {note}" for note in result.notes]
    total = len(result.passed) + len(result.violations)
    if result.failed:
        lines.append(f"depsize check: {len(result.violations)} of {total} budgets broken")
    elif not total:
        lines.append("depsize check: no budget checked")
    else:
        lines.append(f"depsize check: all {total} budgets met")
    if measured:
        lines[-1] += f"; {measured}"
    return "\n".join(lines) + "\n"
