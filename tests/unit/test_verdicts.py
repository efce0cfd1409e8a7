"""Statuses from declared requirements + import sites + the env graph (sizes hand-derived)."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import NormalizedName, canonicalize_name

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.imports.model import ImportKind, ImportSite, ProjectImports, Scope
from depsize.join.model import CommandUse, EnvUses, PluginUse
from depsize.requirements.model import DeclaredRequirement
from depsize.verdicts import JudgeInput, Judgement, Verdict, judge, removal_recommendation
from support.judging import declared
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

SPECS = [
    DistSpec("web", files={"web/__init__.py": 100}, requires=("shared",)),
    DistSpec("shared", files={"shared/__init__.py": 200}),
    DistSpec("gone-a", files={"gone_a/__init__.py": 1000}, requires=("private",)),
    DistSpec("gone-b", files={"gone_b/__init__.py": 2000}, requires=("private",)),
    DistSpec("private", files={"private/__init__.py": 4000}),
    DistSpec("legacy", files={"legacy/__init__.py": 300}),
    DistSpec(
        "server",
        files={"server/__init__.py": 50},
        entry_points="[console_scripts]\nserver = server:main\n",
    ),
    DistSpec("fast", files={"fast/__init__.py": 60}),
    DistSpec("stubs", files={"stubs/__init__.py": 70}),
    DistSpec("pytest-x", files={"pytest_x.py": 80}),
    DistSpec("driver", files={"driver/__init__.py": 90}),
    DistSpec("tester", files={"tester/__init__.py": 110}),
    DistSpec("undecl", files={"undecl/__init__.py": 120}),
]


def _req(
    name: str, line: int, spec: str = "", group: str = "main", marker: str | None = None
) -> DeclaredRequirement:
    return declared(name, line, spec=spec, group=group, marker=marker)


def _site(module: str, scope: Scope = "live", kind: ImportKind = "runtime") -> ImportSite:
    return ImportSite(module, Path("app.py"), 1, kind, False, scope)


@pytest.fixture
def judged(tmp_path: Path) -> tuple[BuiltEnv, Judgement]:
    built = make_site_packages(tmp_path, SPECS)
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    declared = (
        _req("web", 1),
        _req("shared", 2, ">=1.0"),
        _req("gone-a", 3),
        _req("gone-b", 4),
        _req("legacy", 5),
        _req("server", 6),
        _req("fast", 7),
        _req("stubs", 8),
        _req("pytest-x", 9, group="dev"),
        _req("driver", 10),
        _req("tester", 11),
        _req("absent", 12),
        _req("winonly", 13, marker='sys_platform == "win32"'),
    )
    imports = ProjectImports(
        root=tmp_path,
        files=(),
        first_party=frozenset(),
        entries=(),
        entry_found=True,
        sites=(
            _site("web"),
            _site("legacy", "dead"),
            _site("fast", kind="conditional"),
            _site("stubs", kind="type-checking"),
            _site("tester", "test"),
            _site("undecl"),
            _site("nowhere_mod"),
        ),
    )
    uses = EnvUses(
        commands=(
            CommandUse(NormalizedName("server"), "server", Path("Procfile"), 1, "web: server run"),
        ),
        plugins=(
            PluginUse(NormalizedName("pytest-x"), "entry-point group pytest11"),
            PluginUse(NormalizedName("driver"), "URL scheme driver://", Path("db.py"), 3),
        ),
    )
    providers = {d.import_names[0]: d.name for d in scan.dists.values()}

    def resolve(site: ImportSite) -> tuple[NormalizedName, ...]:
        return (providers[site.module],) if site.module in providers else ()

    result = judge(
        JudgeInput(
            declared=declared,
            scan=scan,
            graph=build_graph(scan.dists, env.marker_environment()),
            marker_env=env.marker_environment(),
            imports=imports,
            uses=uses,
            resolve=resolve,
            hint=lambda module: module.replace("_", "-"),
        )
    )
    return built, result


def test_judge__every_status__as_expected(judged: tuple[BuiltEnv, Judgement]) -> None:
    _, result = judged
    statuses = {v.requirement.name: v.status for v in result.verdicts}
    assert statuses == {
        "web": "used",
        "shared": "transitive-only",
        "gone-a": "unused",
        "gone-b": "unused",
        "legacy": "dead-code-only",
        "server": "command",
        "fast": "optional-only",
        "stubs": "types-only",
        "pytest-x": "plugin",
        "driver": "plugin",
        "tester": "dev-only",
        "absent": "not-installed",
        "winonly": "not-applicable",
    }


def test_judge__transitive_with_narrower_specifier__is_a_pin(
    judged: tuple[BuiltEnv, Judgement],
) -> None:
    _, result = judged
    shared = next(v for v in result.verdicts if v.requirement.name == "shared")
    assert shared.pin
    assert shared.required_by == ("web",)
    assert shared.sizes is not None
    assert shared.sizes.exclusive == 0


def test_judge__removable_set__freed_counts_shared_private_dep(
    judged: tuple[BuiltEnv, Judgement],
) -> None:
    built, result = judged
    assert result.removable == ("gone-a", "gone-b", "legacy")
    own = built.own
    assert result.removable_freed == own("gone-a") + own("gone-b") + own("private") + own("legacy")
    assert result.removable_exclusive_sum == own("gone-a") + own("gone-b") + own("legacy")
    rec = removal_recommendation(result, 10**9)
    assert rec is not None
    assert rec.bytes == result.removable_freed
    assert rec.after == 10**9 - result.removable_freed


def test_judge__undeclared__installed_and_not_installed(
    judged: tuple[BuiltEnv, Judgement],
) -> None:
    _, result = judged
    found = {u.module: u for u in result.undeclared}
    assert found["undecl"].dists == ("undecl",)
    assert found["undecl"].required_by == ()
    assert not found["nowhere_mod"].installed
    assert found["nowhere_mod"].hint == "nowhere-mod"


def test_judge__evidence__points_at_the_import_or_command(
    judged: tuple[BuiltEnv, Judgement],
) -> None:
    _, result = judged
    by_name: dict[str, Verdict] = {v.requirement.name: v for v in result.verdicts}
    assert by_name["server"].evidence[0].file == Path("Procfile")
    assert by_name["legacy"].evidence[0].scope == "dead"
    assert by_name["driver"].evidence[0].line == 3


def test_judge__unreadable_project_files__absence_statuses_marked_incomplete(
    tmp_path: Path,
) -> None:
    built = make_site_packages(tmp_path, SPECS[:3])
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    imports = ProjectImports(
        root=tmp_path,
        files=(),
        first_party=frozenset(),
        entries=(),
        entry_found=True,
        sites=(_site("web"),),
    )
    result = judge(
        JudgeInput(
            declared=(_req("web", 1), _req("gone-a", 2)),
            scan=scan,
            graph=build_graph(scan.dists, env.marker_environment()),
            marker_env=env.marker_environment(),
            imports=imports,
            resolve=lambda site: (canonicalize_name(site.module),),
            unreadable_files=1,
        )
    )
    complete = {v.requirement.name: (v.status, v.evidence_complete) for v in result.verdicts}
    assert complete == {"web": ("used", True), "gone-a": ("unused", False)}
