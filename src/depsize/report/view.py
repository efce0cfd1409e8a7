"""What every human-readable report says, as plain rows; console and markdown only format it."""

from __future__ import annotations

import os
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from depsize.analyze import Analysis
from depsize.attribute import RootSizes
from depsize.imports.model import IMPORT_KINDS
from depsize.models import REMOVABLE, STATUS_TABLE, from_env_folder
from depsize.records import dataclass
from depsize.report.largest import DEFAULT_TOP_DISTS, DistRow, dist_rows
from depsize.report.safe import clean, visible_lines
from depsize.units import human
from depsize.unreached import own_bytes, split_unreached

if TYPE_CHECKING:
    from depsize.evidence import Evidence
    from depsize.verdicts import Verdict

COLUMNS = (
    "own: the distribution's own files · closure: own + everything it pulls in · "
    "exclusive: what removing it alone frees · share: bytes split evenly among the "
    "requirements that reach them (shares + extraneous + installer tooling + the project + "
    "unowned = env total)"
)


@dataclass(frozen=True)
class Row:
    name: str
    status: str
    own: int
    closure: int
    exclusive: int
    share: int
    source: str


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class View:
    title: str
    summary: str
    rows: tuple[Row, ...]
    hidden_rows: int
    hidden_share: int
    sections: tuple[Section, ...]
    recommendations: tuple[str, ...]
    totals: str
    could_not_read: tuple[str, ...] = field(default=())
    has_status: bool = True
    dists: tuple[DistRow, ...] = ()
    hidden_dists: int = 0
    total: int = 0


def project_relative(path: Path, project: Path) -> str:
    """A path as reports show it, the same on every machine: an installed file as
    ``site-packages/<dist>/…``, a project file relative to the project, a file above it
    (a repository root's workflow) as ``../…``; a path sharing nothing with the project as is."""
    resolved, root = path.resolve(), project.resolve()
    installed = from_env_folder(resolved)
    if installed is not None:
        return installed
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        pass
    common = Path(os.path.commonpath([resolved, root]))
    if common == Path(common.anchor):
        return str(path)
    return Path(os.path.relpath(resolved, root)).as_posix()


def _where(path: Path | None, line: int | None, project: Path) -> str:
    if path is None:
        return "?"
    shown = project_relative(path, project)
    return f"{shown}:{line}" if line else shown


def site_relative(path: str, analysis: Analysis) -> str:
    """An environment file's path relative to its site-packages (stable across machines)."""
    for site in analysis.scan.env.site_packages:
        prefix = str(site) + "/"
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def _evidence(items: tuple[Evidence, ...], project: Path, limit: int = 3) -> str:
    shown = [f"{_where(e.file, e.line, project)}" for e in items[:limit]]
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(shown) + more


def _located(items: tuple[Evidence, ...], project: Path, name: str, limit: int = 2) -> str:
    """``main.py:3: name`` (and ``(also at …)`` for further sites); just *name* without one."""
    sites = [_where(e.file, e.line, project) for e in items if e.file is not None]
    if not sites:
        return name
    also = sites[1:limit]
    more = f" +{len(sites) - limit} more" if len(sites) > limit else ""
    tail = f" (also at {', '.join(also)}{more})" if also else ""
    return f"{sites[0]}: {name}{tail}"


def _sources(verdict: Verdict, project: Path) -> str:
    """Every place the name is declared, ``file:line`` each."""
    return ", ".join(_where(r.source, r.line, project) for r in verdict.declarations)


def _label(verdict: Verdict) -> str:
    req = verdict.requirement
    return req.display_name + (f"[{','.join(sorted(req.extras))}]" if req.extras else "")


def _row(v: Verdict, project: Path) -> Row:
    s = v.sizes
    status = v.status + (" (pin)" if v.pin else "") + (" (ignored)" if v.ignored else "")
    status += " (likely)" if v.confidence == "likely" and not v.pin else ""
    status += "" if v.evidence_complete or v.confidence == "likely" else " ?"
    return Row(
        _label(v),
        status,
        s.own if s else 0,
        s.closure if s else 0,
        s.exclusive if s else 0,
        s.share if s else 0,
        _sources(v, project),
    )


def _root_row(r: RootSizes) -> Row:
    extras = f"[{','.join(sorted(r.root.extras))}]" if r.root.extras else ""
    return Row(r.root.name + extras, "", r.own, r.closure, r.exclusive, r.share, "")


def _sort(rows: list[Row], key: str) -> list[Row]:
    if key == "name":
        return sorted(rows, key=lambda r: r.name.lower())
    return sorted(rows, key=lambda r: (-int(getattr(r, key)), r.name.lower()))


def _declared_at(v: Verdict, project: Path) -> str:
    """``file:line: name`` with any further declarations after the name: findings lead with
    their location, as a linter's do, so editors and problem matchers can jump to them."""
    where = [_where(r.source, r.line, project) for r in v.declarations] or ["?"]
    also = f" (also {', '.join(where[1:])})" if len(where) > 1 else ""
    return f"{where[0]}: {_label(v)}{also}"


def _verdict_line(v: Verdict, project: Path) -> str:
    head = f"{_declared_at(v, project)} ({v.status}): "
    if v.goes_with_requirers:
        own = human(v.sizes.own if v.sizes else 0)
        text = f"{head}not imported, run or configured, and {v.evidence[0].text} "
        them = "it" if " needs " in v.evidence[0].text else "them"
        text += f"({_evidence(v.evidence, project)}); removed with {them}, its {own} go too"
    else:
        text = head + STATUS_TABLE[v.status].finding
        if v.evidence:
            text += f" — {_evidence(v.evidence, project)}"
            if v.status not in REMOVABLE and v.evidence[0].kind not in IMPORT_KINDS:
                text += f": {v.evidence[0].text.strip()}"
        if v.status in REMOVABLE and v.sizes:
            text += f"; removing it alone frees {human(v.sizes.exclusive)}"
    if v.confidence == "likely":
        text += f" [likely, not certain: {v.confidence_reason}]"
    if v.ignored:
        text += " [ignored by [tool.depsize]]"
    if not v.evidence_complete:
        text += " [evidence incomplete: some project files could not be read, see below]"
    return text


def _transitive_line(v: Verdict, project: Path) -> str:
    head = _declared_at(v, project)
    by = ", ".join(v.required_by[:3]) + (" …" if len(v.required_by) > 3 else "")
    text = f"{head}: not imported, needed by {by}; removing the line frees 0 B"
    if v.confidence == "likely":
        return f"{text} [likely, not certain: {v.confidence_reason}]"
    return f"{text} and changes nothing installed"


def _sections(analysis: Analysis) -> list[Section]:
    j = analysis.judgement
    project = analysis.settings.project
    out: list[Section] = []
    if j is not None:
        for status, info in STATUS_TABLE.items():
            if status in ("used", "transitive-only"):
                continue
            title = info.title
            lines = [_verdict_line(v, project) for v in j.verdicts if v.status == status]
            if lines:
                out.append(Section(title, tuple(lines)))
        trans = [_transitive_line(v, project) for v in j.verdicts if v.status == "transitive-only"]
        if trans:
            out.append(Section("Only needed transitively", tuple(trans)))
        out += _undeclared_sections(analysis)
        out += _elsewhere_sections(analysis)
        out += _open_sections(analysis)
    out += _declaration_sections(analysis)
    out += _env_sections(analysis)
    return out


def _open_sections(analysis: Analysis) -> list[Section]:
    """Where the module graph is open: the reasons behind the *likely* verdicts."""
    imports = analysis.imports
    if imports is None or not imports.open_loading:
        return []
    project = analysis.settings.project
    lines = [
        f"{_where(s.file, s.line, project)}: {s.what}; modules it may load are not called dead"
        for s in imports.open_loading
    ]
    return [Section("Code loaded in ways depsize cannot follow", tuple(lines))]


def _undeclared_sections(analysis: Analysis) -> list[Section]:
    j = analysis.judgement
    assert j is not None
    project = analysis.settings.project
    installed, missing = [], []
    for u in j.undeclared:
        head = _located(u.evidence, project, u.module)
        if u.installed:
            via = (
                f"installed only as a dependency of {', '.join(u.required_by)}"
                if (u.required_by)
                else "installed, but no declared requirement pulls it in"
            )
            installed.append(f"{head} ({', '.join(u.dists)}) is imported, not declared: {via}")
        else:
            hint = f"; probably the distribution {u.hint}" if u.hint else ""
            missing.append(f"{head} is imported, not declared: not installed{hint}")
    out = []
    if installed:
        out.append(Section("Imported but not declared (installed)", tuple(installed)))
    if missing:
        out.append(Section("Imported but not declared (not installed)", tuple(missing)))
    return out


def _elsewhere_sections(analysis: Analysis) -> list[Section]:
    j = analysis.judgement
    assert j is not None
    project = analysis.settings.project
    lines = []
    for e in j.elsewhere:
        state = "not installed" if not e.installed else "not judged (pick it with --group)"
        head = _located(e.evidence, project, e.module)
        declared = ", ".join(e.declared_in)
        lines.append(f"{head} ({', '.join(e.dists)}) is declared in {declared}, {state}")
    title = "Imported, declared in an extra or group that is not judged"
    return [Section(title, tuple(lines))] if lines else []


def _declaration_sections(analysis: Analysis) -> list[Section]:
    """Which files were taken as locks and which as dev files, and the rule that decided."""
    declared = analysis.declared
    if declared is None:
        return []
    project = analysis.settings.project
    lines = []
    for lock in declared.locks:
        text = f"{project_relative(lock.path, project)}: a generated lock ({lock.reason})"
        if lock.generated_from:
            names = ", ".join(project_relative(p, project) for p in lock.generated_from)
            text += f"; {names} judged instead, the lock gives the versions"
        lines.append(text + (f"; {lock.note}" if lock.note else ""))
    lines += [
        f"{project_relative(s.path, project)}: a dev file ({s.group_reason})"
        for s in declared.sources
        if s.group_reason
    ]
    if declared.self_references:
        where = ", ".join(_where(r.source, r.line, project) for r in declared.self_references)
        lines.append(f"{where}: the project itself ({declared.project_name}), not judged")
    return [Section("How the declarations were read", tuple(lines))] if lines else []


_UNREACHED_TITLES = (
    ("extraneous", "Extraneous: installed, reached by no declared requirement"),
    ("tooling", "Installer tooling: in every venv, in the total; waste in an image (--image)"),
    ("project", "The project itself, installed in its env (in the total)"),
)


def _unreached_sections(analysis: Analysis) -> list[Section]:
    unreached, dists = split_unreached(analysis), analysis.scan.dists
    out = []
    for kind, title in _UNREACHED_TITLES:
        names = sorted(getattr(unreached, kind), key=lambda n: -dists[n].own_bytes)
        if names:
            size = human(own_bytes(analysis, tuple(names)))
            lines = tuple(f"{n} {dists[n].version}: {human(dists[n].own_bytes)}" for n in names)
            out.append(Section(f"{title} ({size})", lines))
    return out


def _env_sections(analysis: Analysis) -> list[Section]:
    scan = analysis.scan
    out = []
    if analysis.roots_from == "declared":
        out += _unreached_sections(analysis)
    if scan.conflicts:
        out.append(
            Section(
                "Files installed by two distributions (one overwrote the other)",
                tuple(
                    f"{site_relative(c.path, analysis)}: {' and '.join(c.owners)} "
                    f"({human(c.size)}, counted for {c.owners[0]})"
                    for c in scan.conflicts
                ),
            )
        )
    if analysis.graph.missing:
        out.append(
            Section(
                "Missing dependencies",
                tuple(
                    f"{m.source} requires {m.requirement!r}, which is not installed"
                    for m in analysis.graph.missing
                ),
            )
        )
    notes = list(analysis.notes)
    if analysis.imports is not None and not analysis.imports.entry_found:
        notes.append("no entry point found: every module counts as live (use --entry)")
    if analysis.judgement and analysis.judgement.ignored:
        notes.append("ignored by [tool.depsize]: " + ", ".join(analysis.judgement.ignored))
    if notes:
        out.append(Section("Notes", tuple(notes)))
    return out


def _recommendations(analysis: Analysis) -> list[str]:
    out = []
    for r in analysis.recommendations:
        text = f"{r.title}: {human(r.bytes)}. {r.detail}"
        if r.before is not None and r.after is not None:
            text += f" Env: {human(r.before)} → {human(r.after)}."
        if r.fix:
            text += f" Fix: {r.fix}."
        out.append(text)
    return out


def _summary(analysis: Analysis) -> str:
    scan = analysis.scan
    text = f"env {human(scan.total_bytes)} in {len(scan.dists)} distributions"
    j = analysis.judgement
    if j is None:
        return text
    removable = [v for v in j.verdicts if v.status in REMOVABLE and not v.ignored]
    likely = sum(v.confidence == "likely" for v in removable)
    text += f" · {len(j.verdicts)} declared · {len(removable)} unused or dead-code-only"
    text += f" ({likely} likely, not certain)" if likely else ""
    if j.removable:
        text += f" · {human(j.removable_freed)} can be freed"
    return text


def _totals(analysis: Analysis) -> str:
    scan = analysis.scan
    unit = "disk usage" if scan.disk_usage else "apparent size"
    unreached = split_unreached(analysis)
    totals = (
        f"Total {human(scan.total_bytes)} ({scan.total_bytes:,} bytes, {unit}); unowned "
        f"files {human(scan.unowned_bytes)} ({len(scan.unowned_files)} files); extraneous "
        f"{human(own_bytes(analysis, unreached.extraneous))}"
    )
    for label, names in (
        ("installer tooling", unreached.tooling),
        ("the project", unreached.project),
    ):
        totals += f"; {label} {human(own_bytes(analysis, names))}" if names else ""
    return totals


def build_view(analysis: Analysis, *, top: int | None = None, sort: str = "exclusive") -> View:
    """What the human-readable reports show, every string made visible
    (:func:`depsize.report.safe.visible`: no control, bidi or surrogate character from a
    scanned file reaches an output; the title keeps its line breaks)."""
    view = _raw_view(analysis, top=top, sort=sort)
    return replace(clean(view), title=visible_lines(view.title))


def _raw_view(analysis: Analysis, *, top: int | None, sort: str) -> View:
    scan = analysis.scan
    env = scan.env
    project = analysis.settings.project
    j = analysis.judgement
    rows = (
        [_row(v, project) for v in j.verdicts]
        if j
        else [_root_row(r) for r in analysis.attribution.roots]
    )
    rows = _sort(rows, sort)
    shown = rows[:top] if top else rows
    hidden = rows[len(shown) :]
    dists = dist_rows(analysis, {v.requirement.name: _label(v) for v in j.verdicts} if j else {})
    where = env.prefix or env.site_packages[0]
    title = f"{where} · Python {env.python_version} · found by {env.how_found}"
    return View(
        title=title + (f"\nNote: {env.note}" if env.note else ""),
        summary=_summary(analysis),
        rows=tuple(shown),
        hidden_rows=len(hidden),
        hidden_share=sum(r.share for r in hidden),
        sections=tuple(_sections(analysis)),
        recommendations=tuple(_recommendations(analysis)),
        totals=_totals(analysis),
        could_not_read=tuple(str(w) for w in analysis.warnings),
        has_status=j is not None,
        dists=tuple(dists[: top or DEFAULT_TOP_DISTS]),
        hidden_dists=max(0, len(dists) - (top or DEFAULT_TOP_DISTS)),
        total=scan.total_bytes,
    )
