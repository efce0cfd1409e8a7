"""One verdict row per declared name; imports a non-judged declaration satisfies."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from packaging.utils import NormalizedName

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.imports.model import ImportSite, ProjectImports, Scope
from depsize.requirements.model import DeclaredRequirement, DeclaredSet, GroupKind
from depsize.verdicts import JudgeInput, Judgement, judge
from support.judging import declared, judge_env
from support.site_packages import DistSpec, make_site_packages

SPECS = [
    DistSpec("web", files={"web/__init__.py": 100}),
    DistSpec("legacy", files={"legacy/__init__.py": 300}),
    DistSpec("pdfkit", files={"pdfkit/__init__.py": 400}),
]


def _req(
    name: str,
    source: str = "requirements.txt",
    line: int = 1,
    group: str = "main",
    *,
    spec: str = "",
    marker: str | None = None,
    kind: GroupKind | None = None,
) -> DeclaredRequirement:
    return declared(name, line, source=source, spec=spec, marker=marker, group=group, kind=kind)


def _site(module: str, scope: Scope = "live") -> ImportSite:
    return ImportSite(module, Path("app.py"), 1, "runtime", False, scope)


def _judge(
    tmp_path: Path,
    declared: tuple[DeclaredRequirement, ...],
    sites: tuple[ImportSite, ...],
    *,
    locked: tuple[DeclaredRequirement, ...] = (),
    elsewhere: tuple[DeclaredRequirement, ...] = (),
) -> Judgement:
    built = make_site_packages(tmp_path, SPECS)
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    providers = {d.import_names[0]: d.name for d in scan.dists.values()}
    guessed = {"pgdriver": NormalizedName("pgdriver")}

    def resolve(site: ImportSite) -> tuple[NormalizedName, ...]:
        found = providers.get(site.module) or guessed.get(site.module)
        return (found,) if found else ()

    imports = ProjectImports(
        root=tmp_path,
        files=(),
        first_party=frozenset(),
        entries=(),
        entry_found=True,
        sites=sites,
    )
    return judge(
        JudgeInput(
            declared=declared,
            scan=scan,
            graph=build_graph(scan.dists, env.marker_environment()),
            marker_env=env.marker_environment(),
            imports=imports,
            resolve=resolve,
            locked=locked,
            elsewhere=elsewhere,
        )
    )


def test_judge__name_in_dev_file_then_main_file__one_row_judged_as_runtime(
    tmp_path: Path,
) -> None:
    dev = _req("web", "requirements-dev.txt", 1, "dev")
    main = _req("web", "pyproject.toml", 4)
    result = _judge(tmp_path, (dev, main), (_site("web", "test"),))
    (verdict,) = result.verdicts
    assert verdict.requirement == main
    assert verdict.also == (dev,)
    assert verdict.declarations == (main, dev)
    assert verdict.status == "dev-only"


def test_judge__lock_lines__listed_with_their_row_not_judged(tmp_path: Path) -> None:
    lock_web = _req("web", "requirements.txt", 7, spec="==1.0")
    lock_other = _req("pdfkit", "requirements.txt", 9, spec="==1.0")
    result = _judge(
        tmp_path,
        (_req("web", "pyproject.toml", 4),),
        (_site("web"),),
        locked=(lock_web, lock_other),
    )
    (verdict,) = result.verdicts
    assert verdict.also == (lock_web,)
    assert result.roots[0].name == "web"
    assert len(result.roots) == 1  # a lock line is not a root


def test_judge__marker_false_on_one_declaration_only__judged(tmp_path: Path) -> None:
    windows = _req("legacy", line=1, marker='sys_platform == "win32"')
    anywhere = _req("legacy", "pyproject.toml", 5)
    result = _judge(tmp_path, (windows, anywhere), ())
    (verdict,) = result.verdicts
    assert verdict.status == "unused"
    assert verdict.requirement == anywhere
    assert _judge(tmp_path / "b", (windows,), ()).verdicts[0].status == "not-applicable"


def test_judge__runtime_line_dead_code_dev_line_tests__dev_line_kept(tmp_path: Path) -> None:
    main = _req("legacy", line=2)
    dev = _req("legacy", "requirements-dev.txt", 1, "dev")
    sites = (_site("legacy", "dead"), _site("legacy", "test"))
    (verdict,) = _judge(tmp_path, (main, dev), sites).verdicts
    assert verdict.status == "dead-code-only"
    assert verdict.kept == (dev,)
    (unused,) = _judge(tmp_path / "b", (main, dev), (_site("legacy", "dead"),)).verdicts
    assert unused.kept == ()


def test_judge__pin_on_any_declaration__is_a_pin(tmp_path: Path) -> None:
    specs = [replace(SPECS[0], requires=("legacy",)), *SPECS[1:]]
    built = make_site_packages(tmp_path, specs)
    rows = (_req("web"), _req("legacy", line=2), _req("legacy", "pyproject.toml", 3, spec="<2"))
    result = judge_env(built.prefix, tmp_path, rows, (_site("web"),))
    web = next(v for v in result.verdicts if v.requirement.name == "web")
    legacy = next(v for v in result.verdicts if v.requirement.name == "legacy")
    assert web.status == "used"
    assert (legacy.status, legacy.pin) == ("transitive-only", True)


def test_judge__import_of_extra_not_judged__declared_elsewhere_not_undeclared(
    tmp_path: Path,
) -> None:
    postgres = _req("pgdriver", "pyproject.toml", 8, "postgres", kind="extra")
    pdf = _req("pdfkit", "pyproject.toml", 9, "pdf", kind="extra")
    result = _judge(
        tmp_path,
        (_req("web"),),
        (_site("web"), _site("pgdriver"), _site("pdfkit"), _site("legacy")),
        elsewhere=(postgres, pdf),
    )
    assert [u.module for u in result.undeclared] == ["legacy"]
    found = {e.module: e for e in result.elsewhere}
    assert set(found) == {"pgdriver", "pdfkit"}
    assert (found["pgdriver"].declared_in, found["pgdriver"].installed) == (
        ("extra `postgres`",),
        False,
    )
    assert found["pdfkit"].installed


def test_declared_set_judged__installed_extras_and_dev_groups__others_left(
    tmp_path: Path,
) -> None:
    reqs = (
        _req("web"),
        _req("pdfkit", "pyproject.toml", 2, "pdf", kind="extra"),
        _req("pgdriver", "pyproject.toml", 3, "postgres", kind="extra"),
        _req("pytest", "pyproject.toml", 4, "test"),
        _req("app", "pyproject.toml", 5, "all", kind="extra"),
    )
    declared = DeclaredSet(requirements=reqs, project_name=NormalizedName("app"))
    installed = {NormalizedName(n) for n in ("web", "pdfkit", "app")}
    assert [r.name for r in declared.judged(frozenset(), installed)] == ["web", "pdfkit", "pytest"]
    assert [r.name for r in declared.judged(frozenset({"postgres"}), installed)] == ["pgdriver"]
    assert declared.self_references == (reqs[4],)
