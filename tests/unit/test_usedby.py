"""used-by-dependency: requirements the project never imports, loaded by distributions it uses.

Every environment here is a real site-packages folder written into ``tmp_path``; the pass reads
the installed ``.py`` files and the metadata as written, and the project is a real folder.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from packaging.utils import NormalizedName

from depsize.cli import main
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.report.view import project_relative
from depsize.usedby import CODE_NOT_READ, DependencyUse, find_dependency_uses
from depsize.verdicts import Verdict
from support.pools import count_pools
from support.projects import app_project, verdicts_of
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

FORMS = b'''"""Form parsing."""


def parse_form(body):
    import formparse

    return formparse.parse(body)


def read(request):
    return parse_form(request.body)
'''
TEMPLATES = b"""try:
    import tmplkit
except ImportError:
    tmplkit = None


class Renderer:
    def render(self, name):
        return tmplkit.render(name)
"""
PLUGINS = b"""import importlib


class Loader:
    def load(self):
        return importlib.import_module("dynlib")
"""
TYPED = b"""from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typesonly
"""
OWN_TESTS = b"import testonly\n"
OTHER = b"def convert():\n    from onlyother import convert\n\n    return convert()\n"
HELPER = b"import reqdep\n"

DISTS = [
    DistSpec(
        "webfw",
        files={"webfw/__init__.py": 300},
        contents={
            "webfw/forms.py": FORMS,
            "webfw/templates.py": TEMPLATES,
            "webfw/plugins.py": PLUGINS,
            "webfw/typed.py": TYPED,
            "webfw/tests/test_forms.py": OWN_TESTS,
            "webfw/conftest.py": OWN_TESTS,
            "webfw/testing/helpers.py": OWN_TESTS,
        },
        extras=("speed",),
        requires=("fastjson>=1; extra == 'speed'", "webcore"),
    ),
    DistSpec("webcore", contents={"webcore/__init__.py": b"# nothing imported here\n"}),
    DistSpec("otherfw", contents={"otherfw/__init__.py": OTHER}),
    DistSpec("helper", contents={"helper/__init__.py": HELPER}, requires=("reqdep",)),
    DistSpec("reqdep", files={"reqdep/__init__.py": 40}),
    DistSpec("formparse", files={"formparse/__init__.py": 500}),
    DistSpec("tmplkit", files={"tmplkit/__init__.py": 600}),
    DistSpec("dynlib", files={"dynlib/__init__.py": 700}),
    DistSpec("fastjson", files={"fastjson/__init__.py": 800}),
    DistSpec("onlyother", files={"onlyother/__init__.py": 900}),
    DistSpec("nobody", files={"nobody/__init__.py": 1000}),
    DistSpec("testonly", files={"testonly/__init__.py": 1100}),
    DistSpec("typesonly", files={"typesonly/__init__.py": 1200}),
]
REQUIREMENTS = (
    "webfw\notherfw\nformparse\ntmplkit\ndynlib\nfastjson\nonlyother\nnobody\ntestonly\n"
    "typesonly\nreqdep\n"
)
APP = "import webfw\nimport helper\n"


@pytest.fixture
def built(tmp_path: Path) -> BuiltEnv:
    return make_site_packages(tmp_path, DISTS)


def _project(root: Path, requirements: str = REQUIREMENTS, app: str = APP) -> Path:
    return app_project(root, requirements, app)


def _verdicts(project: Path, built: BuiltEnv) -> dict[str, Verdict]:
    return verdicts_of(project, built.prefix)


def _where(verdict: Verdict, site: Path) -> list[tuple[str, int | None]]:
    return [
        (e.file.relative_to(site).as_posix() if e.file else "?", e.line) for e in verdict.evidence
    ]


def test_judge__lazy_import_inside_function__used_by_dependency_with_function(
    tmp_path: Path, built: BuiltEnv
) -> None:
    verdict = _verdicts(_project(tmp_path), built)["formparse"]

    assert verdict.status == "used-by-dependency"
    assert _where(verdict, built.site) == [("webfw/forms.py", 5)]
    assert verdict.evidence[0].kind == "dependency"
    assert verdict.evidence[0].text == (
        "formparse imported by webfw, for webfw's parse_form (inside a function)"
    )
    assert verdict.confidence is None


def test_judge__top_level_import_under_try_except_import_error__unused_but_likely(
    tmp_path: Path, built: BuiltEnv
) -> None:
    # ``try: import tmplkit except ImportError: tmplkit = None`` at a module's top: webfw runs
    # without it, but a feature of webfw may not; not certain either way, so trim keeps it
    verdict = _verdicts(_project(tmp_path), built)["tmplkit"]

    assert (verdict.status, verdict.confidence) == ("unused", "likely")
    assert verdict.confidence_reason is not None
    assert verdict.confidence_reason.startswith(
        "tmplkit imported by webfw (under try/except ImportError) at "
        "site-packages/webfw/templates.py:2: the library runs without it"
    )


def test_judge__import_module_literal_in_method__used_by_dependency_dynamic(
    tmp_path: Path, built: BuiltEnv
) -> None:
    verdict = _verdicts(_project(tmp_path), built)["dynlib"]

    assert verdict.status == "used-by-dependency"
    assert _where(verdict, built.site) == [("webfw/plugins.py", 6)]
    assert verdict.evidence[0].text == (
        "dynlib imported by webfw, for webfw's Loader.load "
        "(importlib.import_module; inside a function)"
    )


def test_judge__listed_only_in_extra_of_used_dist__not_evidence_alone(
    tmp_path: Path, built: BuiltEnv
) -> None:
    # an extra says what a library can use, not what this project uses: pytest-xdist is in
    # pytest[dev] for every project; only next to an import found in the code is it context
    verdict = _verdicts(_project(tmp_path), built)["fastjson"]
    metadata = (built.site / "webfw-1.0.dist-info" / "METADATA").read_text().splitlines()

    assert metadata[5 - 1] == "Requires-Dist: fastjson>=1; extra == 'speed'"
    assert (verdict.status, verdict.confidence) == ("unused", "certain")


def test_judge__required_by_undeclared_used_dist__used_by_dependency(
    tmp_path: Path, built: BuiltEnv
) -> None:
    verdict = _verdicts(_project(tmp_path), built)["reqdep"]

    assert verdict.status == "used-by-dependency"
    assert [e.text for e in verdict.evidence] == [
        "reqdep imported by helper",
        "required by helper, which the project uses (reqdep)",
    ]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("nobody", "no distribution imports it"),
        ("onlyother", "imported only by otherfw, which the project does not use"),
        ("testonly", "imported only by webfw's own tests and test helpers"),
        ("typesonly", "imported only under TYPE_CHECKING"),
    ],
)
def test_judge__not_loaded_by_a_used_dist__stays_unused_and_certain(
    tmp_path: Path, built: BuiltEnv, name: str, why: str
) -> None:
    verdicts = _verdicts(_project(tmp_path), built)

    assert verdicts[name].status == "unused", why
    assert verdicts[name].confidence == "certain", why
    assert verdicts["otherfw"].status == "unused"


def test_judge__used_dist_only_in_dead_code__its_imports_are_no_evidence(
    tmp_path: Path, built: BuiltEnv
) -> None:
    project = _project(tmp_path, "webfw\nformparse\n", app="import helper\n")
    (project / "old.py").write_text("import webfw\n")

    verdicts = _verdicts(project, built)

    assert verdicts["webfw"].status == "dead-code-only"
    assert verdicts["formparse"].status == "unused"


def test_judge__candidate_another_requirement_pulls_in__stays_transitive_only(
    tmp_path: Path, built: BuiltEnv
) -> None:
    project = _project(tmp_path, "webfw[speed]\nfastjson\nformparse\n")

    verdicts = _verdicts(project, built)

    assert verdicts["fastjson"].status == "transitive-only"
    assert verdicts["fastjson"].required_by == ("webfw",)
    assert verdicts["formparse"].status == "used-by-dependency"


def test_judge__used_dist_file_naming_candidate_unparsable__unused_is_only_likely(
    tmp_path: Path,
) -> None:
    broken = b"def f(:\n    import nobody\n"
    built = make_site_packages(
        tmp_path,
        [
            DistSpec("webfw", contents={"webfw/__init__.py": b"", "webfw/bad.py": broken}),
            DistSpec("nobody", files={"nobody/__init__.py": 10}),
        ],
    )

    verdict = _verdicts(_project(tmp_path, "webfw\nnobody\n", "import webfw\n"), built)["nobody"]

    assert verdict.status == "unused"
    assert verdict.confidence == "likely"
    assert verdict.confidence_reason is not None
    assert verdict.confidence_reason == (
        "a used distribution's file names it but could not be parsed: site-packages/webfw/bad.py"
    )


def _find(built: BuiltEnv, candidates: set[str], used: set[str]) -> Any:
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    graph = build_graph(scan.dists, env.marker_environment())
    return find_dependency_uses(
        scan,
        graph,
        {NormalizedName(c) for c in candidates},
        {(NormalizedName(u), "") for u in used},
    )


def test_find_dependency_uses__only_files_naming_a_candidate_are_scanned(built: BuiltEnv) -> None:
    found = _find(built, {"formparse"}, {"webfw"})

    # webfw's library files (tests, testing/ and conftest.py skipped) and webcore's (reached)
    assert found.files_read == 6
    assert found.files_scanned == 1
    assert list(found.uses) == ["formparse"]


def test_find_dependency_uses__no_candidates__reads_nothing(built: BuiltEnv) -> None:
    found = _find(built, set(), {"webfw"})

    assert (found.files_read, found.files_scanned, dict(found.uses)) == (0, 0, {})


def test_find_dependency_uses__candidate_never_imports_itself(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path,
        [
            DistSpec("webfw", contents={"webfw/__init__.py": b""}, requires=("selfish",)),
            DistSpec("selfish", contents={"selfish/__init__.py": b"import selfish.core\n"}),
        ],
    )

    found = _find(built, {"selfish"}, {"webfw"})

    assert [u.how for u in found.uses[NormalizedName("selfish")]] == ["requirement"]


def test_dependency_use__describe__says_where_and_when(tmp_path: Path) -> None:
    use = DependencyUse(
        NormalizedName("python-multipart"),
        NormalizedName("fastapi"),
        tmp_path / "utils.py",
        88,
        "import",
        "python_multipart",
        function="ensure_multipart_is_installed",
        lazy=True,
        optional=True,
    )

    assert use.describe() == (
        "python_multipart imported by fastapi, for fastapi's ensure_multipart_is_installed "
        "(inside a function; under try/except ImportError)"
    )


def test_project_relative__file_in_site_packages__shown_from_site_packages(
    tmp_path: Path,
) -> None:
    site = tmp_path / "env" / "lib" / "python3.11" / "site-packages"
    inside = tmp_path / "project" / ".venv" / "lib" / "python3.11" / "site-packages"

    assert project_relative(site / "fastapi" / "utils.py", tmp_path / "project") == (
        "site-packages/fastapi/utils.py"
    )
    assert project_relative(inside / "x.py", tmp_path / "project") == "site-packages/x.py"
    assert project_relative(tmp_path / "project" / "app.py", tmp_path / "project") == "app.py"


def test_cli_scan__used_by_dependency__in_table_markdown_and_json(
    tmp_path: Path, built: BuiltEnv
) -> None:
    project = _project(tmp_path)

    def run(*extra: str) -> str:
        args = ["scan", str(project), "--env", str(built.prefix), "--no-cache", *extra]
        result = CliRunner().invoke(main, args, env={"DEPSIZE_PROGRESS": "0"})
        assert result.exit_code == 0, result.output
        return result.stdout

    data = json.loads(run("--format", "json"))
    table, markdown = run(), run("--format", "markdown")

    formparse = next(r for r in data["requirements"] if r["name"] == "formparse")
    assert formparse["status"] == "used-by-dependency"
    assert formparse["confidence"] is None
    assert formparse["evidence"][0]["file"] == "site-packages/webfw/forms.py"
    assert formparse["evidence"][0]["kind"] == "dependency"
    # fastjson (only listed in an extra) and tmplkit (an optional top-level import) are unused
    assert data["summary"]["statuses"]["used-by-dependency"] == 3
    assert "formparse" not in data["summary"]["removable"]
    for text in (table, markdown):
        assert "Used by a dependency" in text
        assert "site-packages/webfw/forms.py:5" in text
    assert "for webfw's parse_form" in table
    assert "for webfw's parse\\_form" in markdown  # escaped: "_" starts emphasis


SPLIT = {
    "webfw/a.py": (
        b"import importlib\n\n\ndef f():\n    return importlib.import_module(\n"
        b"        'alpha'\n    )\n"
    ),
    "webfw/b.py": b"import os, \\\n    beta\n",
    "webfw/c.py": b"from gamma \\\n    import thing\n",
    "webfw/d.py": b"from nsp.cloud import (\n    os_,\n    storage,\n)\n",
}


def test_find_dependency_uses__imports_split_over_lines__found(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path,
        [
            DistSpec("webfw", contents={"webfw/__init__.py": b"", **SPLIT}),
            DistSpec("alpha", files={"alpha/__init__.py": 10}),
            DistSpec("beta", files={"beta/__init__.py": 10}),
            DistSpec("gamma", files={"gamma/__init__.py": 10}),
            DistSpec("nsp-cloud-storage", files={"nsp/cloud/storage/__init__.py": 10}),
        ],
    )

    found = _find(built, {"alpha", "beta", "gamma", "nsp-cloud-storage"}, {"webfw"})

    where = {name: [(u.file.name, u.line) for u in uses] for name, uses in found.uses.items()}
    assert where == {
        "alpha": [("a.py", 5)],
        "beta": [("b.py", 1)],
        "gamma": [("c.py", 1)],
        "nsp-cloud-storage": [("d.py", 1)],
    }


def test_find_dependency_uses__many_files_import_it__a_few_per_source_kept(
    tmp_path: Path,
) -> None:
    modules = {f"webfw/m{i}.py": b"def f():\n    import formparse\n" for i in range(6)}
    built = make_site_packages(
        tmp_path,
        [
            DistSpec("webfw", contents={"webfw/__init__.py": b"", **modules}),
            DistSpec("formparse", files={"formparse/__init__.py": 10}),
        ],
    )

    found = _find(built, {"formparse"}, {"webfw"})

    files = [u.file.name for u in found.uses[NormalizedName("formparse")]]
    assert files == ["m0.py", "m1.py", "m2.py"]
    assert found.files_scanned == 3


def test_find_dependency_uses__code_not_read__metadata_uses_and_a_doubt_per_candidate(
    built: BuiltEnv,
) -> None:
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    graph = build_graph(scan.dists, env.marker_environment())
    candidates = {NormalizedName(c) for c in ("formparse", "nobody", "reqdep")}
    starts = {(NormalizedName("webfw"), ""), (NormalizedName("helper"), "")}

    found = find_dependency_uses(scan, graph, candidates, starts, read_code=False)

    assert found.files_read == 0
    # helper's METADATA requires reqdep: read without any code
    assert {name: [u.how for u in uses] for name, uses in found.uses.items()} == {
        "reqdep": ["requirement"]
    }
    # webfw's code could import any of them: none is certain
    assert found.doubts == dict.fromkeys(sorted(candidates), CODE_NOT_READ)


def test_find_dependency_uses__code_not_read__only_its_own_code_reached__no_doubt(
    built: BuiltEnv,
) -> None:
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    graph = build_graph(scan.dists, env.marker_environment())
    # the only library code reached is formparse's own: nothing else could import it
    found = find_dependency_uses(
        scan,
        graph,
        {NormalizedName("formparse")},
        {(NormalizedName("formparse"), "")},
        read_code=False,
    )
    assert found.doubts == {}


def test_find_dependency_uses__on_a_pool__same_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from depsize.imports import parallel

    broken = {"webfw/broken.py": b"def f(:\n    import formparse\n"}
    webfw = dataclasses.replace(DISTS[0], contents={**DISTS[0].contents, **broken})
    built = make_site_packages(tmp_path, [webfw, *DISTS[1:]])
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    graph = build_graph(scan.dists, env.marker_environment())
    candidates = {NormalizedName(c) for c in REQUIREMENTS.split()}
    starts = {(NormalizedName(u), "") for u in ("webfw", "otherfw", "helper")}
    alone = find_dependency_uses(scan, graph, candidates, starts, jobs=1)

    monkeypatch.setattr(parallel, "MIN_FILES", 0)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    pools = count_pools(monkeypatch)
    pooled = find_dependency_uses(scan, graph, candidates, starts, jobs=2)

    assert pools == [5]  # webfw, webcore, otherfw, helper, reqdep: reached, read on workers
    assert pooled == alone
    assert pooled.unreadable == {"formparse": (built.site / "webfw" / "broken.py",)}
    assert set(pooled.uses) >= {"formparse", "dynlib", "reqdep", "onlyother"}
