"""End to end: the e2e fixture project judged against a real venv of wheels this test writes.

The wheels (``support.wheels``) are installed offline by pip into a ``python -m venv``. Every
figure is derived here, independently of depsize: package files from the byte counts the test
wrote, everything pip writes itself (the rewritten RECORD, INSTALLER, REQUESTED, console scripts
in ``bin/``) measured with ``os.stat`` after the install, closures from the requirement graph
written out by hand below.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import stat
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from packaging.utils import canonicalize_name
from packaging.version import Version

from depsize.analyze import Analysis, Settings, analyze
from depsize.cli import main
from depsize.models import STATUSES
from depsize.verdicts import Verdict
from support.wheels import WheelSpec, write_wheel, write_wheels

from .conftest import run

pytestmark = pytest.mark.venv

FIXTURE = Path(__file__).parents[1] / "fixtures" / "projects" / "e2e"
SCHEMA = Path(__file__).parents[2] / "docs" / "schema.json"

RENDER = b"""def render_page(name):
    import pagekit

    return pagekit.render(name)
"""
"""webcore loads pagekit only when a page is rendered: the project never imports pagekit."""
SERVER = b"""from webcore.render import render_page


def serve(request):
    return render_page(request.path)
"""
"""webcore's server renders pages: render_page is called, so its lazy import is a need."""

WHEELS = (
    WheelSpec(
        "webcore",
        "2.0",
        files={
            "webcore/__init__.py": 3000,
            "webcore/_speedups.c": 700,
            "webcore/tests/__init__.py": 200,
            "webcore/tests/test_core.py": 1800,
        },
        contents={"webcore/render.py": RENDER, "webcore/server.py": SERVER},
        requires=("sharedlib>=1.0", "corelib", "innerdep"),
    ),
    WheelSpec("pagekit", "1.1", files={"pagekit/__init__.py": 1600}),
    WheelSpec("sharedlib", "1.2.0", files={"sharedlib/__init__.py": 1500}),
    WheelSpec("corelib", "0.9", files={"corelib/__init__.py": 2500}),
    WheelSpec("innerdep", "1.0", files={"innerdep/__init__.py": 900}),
    WheelSpec("gone-a", "1.0", files={"gone_a/__init__.py": 4000}, requires=("privdep",)),
    WheelSpec("gone-b", "1.0", files={"gone_b/__init__.py": 6000}, requires=("privdep",)),
    WheelSpec("privdep", "1.0", files={"privdep/__init__.py": 20000}),
    WheelSpec("legacylib", "3.1", files={"legacylib/__init__.py": 7000}),
    WheelSpec(
        "fakeserve",
        "1.0",
        files={"fakeserve/__init__.py": 400},
        contents={"fakeserve/cli.py": b"def main():\n    return 0\n"},
        console_scripts={"fakeserve": "fakeserve.cli:main"},
    ),
    WheelSpec(
        "psycopg2-binary",
        "2.9.9",
        files={"psycopg2/__init__.py": 2200, "psycopg2/_psycopg.abi3.so": 50000},
    ),
    WheelSpec("optlib", "1.0", files={"optlib.py": 1100}),
    WheelSpec("typelib", "1.0", files={"typelib/__init__.py": 800, "typelib/py.typed": 0}),
    WheelSpec("testlib", "1.0", files={"testlib/__init__.py": 1300}),
    WheelSpec("checklib", "1.0", files={"checklib/__init__.py": 1200}),
    WheelSpec(
        "types-webcore",
        "2.0.0.1",
        files={"webcore-stubs/__init__.pyi": 600, "webcore-stubs/server.pyi": 300},
    ),
    WheelSpec(
        "torchish", "2.3.0", files={"torchish/__init__.py": 9000}, requires=("nvidia-cublas-cu12",)
    ),
    WheelSpec(
        "nvidia-cublas-cu12",
        "12.1.3.1",
        files={"nvidia/cublas/__init__.py": 50, "nvidia/cublas/lib/libcublas.so.12": 300000},
    ),
    WheelSpec(
        "imgkit",
        "4.9",
        files={"imgkit/__init__.py": 500, "imgkit/gui.py": 40000, "imgkit/qt/libqt.so": 60000},
    ),
    WheelSpec("imgkit-headless", "4.9", files={"imgkit/__init__.py": 500, "imgkit/core.py": 8000}),
)
SPECS: dict[str, WheelSpec] = {canonicalize_name(w.name): w for w in WHEELS}

SHARED_FILES = {"imgkit/__init__.py": ("imgkit", "imgkit-headless")}
"""Files two wheels install; the env counts each once, for the first owner in name order."""

EXPECTED_STATUS = {
    "webcore": "used",
    "sharedlib": "transitive-only",
    "corelib": "transitive-only",
    "gone-a": "unused",
    "gone-b": "unused",
    "legacylib": "dead-code-only",
    "fakeserve": "command",
    "psycopg2-binary": "configured",
    "optlib": "optional-only",
    "typelib": "types-only",
    "testlib": "dev-only",
    "torchish": "used",
    "imgkit-headless": "used",
    "missinglib": "not-installed",
    "winlib": "not-applicable",
    "checklib": "used",
    "types-webcore": "types",
    "pagekit": "used-by-dependency",
}

REACH = {
    "webcore": {"webcore", "sharedlib", "corelib", "innerdep"},
    "sharedlib": {"sharedlib"},
    "corelib": {"corelib"},
    "gone-a": {"gone-a", "privdep"},
    "gone-b": {"gone-b", "privdep"},
    "legacylib": {"legacylib"},
    "fakeserve": {"fakeserve"},
    "psycopg2-binary": {"psycopg2-binary"},
    "optlib": {"optlib"},
    "typelib": {"typelib"},
    "testlib": {"testlib"},
    "torchish": {"torchish", "nvidia-cublas-cu12"},
    "imgkit-headless": {"imgkit-headless"},
    "checklib": {"checklib"},
    "types-webcore": {"types-webcore"},
    "pagekit": {"pagekit"},
}
"""Closure of each installed, applicable declared requirement, read off the WHEELS above."""


# --- the environment and the independent measurements -------------------------------------


@dataclass(frozen=True)
class E2EEnv:
    prefix: Path
    site: Path
    own: dict[str, int]
    """Bytes each distribution owns, derived by the test."""
    total: int
    """Bytes of every regular file in site-packages plus the console scripts pip wrote."""


def _pip_version() -> Version | None:
    try:
        return Version(metadata.version("pip"))
    except metadata.PackageNotFoundError:
        return None


def _regular_bytes(paths: Iterable[str]) -> int:
    total = 0
    for path in paths:
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode):
            total += st.st_size
    return total


def _walk(folder: Path) -> list[str]:
    return [os.path.join(root, name) for root, _dirs, names in os.walk(folder) for name in names]


def _measured_own(spec: WheelSpec, site: Path, prefix: Path) -> int:
    name = canonicalize_name(spec.name)
    credited_elsewhere = {p for p, owners in SHARED_FILES.items() if owners[0] != name}
    package = spec.file_bytes(p for p in spec.payload() if p not in credited_elsewhere)
    metadata = _regular_bytes(_walk(site / spec.dist_info))
    scripts = _regular_bytes(str(prefix / "bin" / s) for s in spec.console_scripts)
    return package + metadata + scripts


def _install(root: Path) -> tuple[Path, Path]:
    wheels = root / "wheels"
    write_wheels(WHEELS, wheels)
    prefix = root / "venv"
    # No pip inside the venv: the pip running the tests installs into it (``--python``), so
    # site-packages holds exactly the WHEELS and nothing pip or setuptools would add.
    run([sys.executable, "-m", "venv", "--without-pip", str(prefix)])
    run(
        [
            *(sys.executable, "-m", "pip", "--python", str(prefix / "bin" / "python")),
            *("install", "--no-index", "--find-links", str(wheels), "--no-compile"),
            *("--disable-pip-version-check", "--no-input", "--quiet"),
            *(w.name for w in WHEELS),
        ],
        timeout=120,
    )
    sites = sorted((prefix / "lib").glob("python3.*/site-packages"))
    assert len(sites) == 1, sites
    return prefix, sites[0]


@pytest.fixture(scope="session")
def e2e_env(tmp_path_factory: pytest.TempPathFactory) -> E2EEnv:
    """A venv (without pip) holding exactly the WHEELS, installed offline; never changed."""
    version = _pip_version()
    if version is None or version < Version("22.3"):
        pytest.skip("needs pip >= 22.3 in the test environment (pip --python)")
    prefix, site = _install(tmp_path_factory.mktemp("e2e-venv"))
    files = _walk(site)
    assert not [f for f in files if "__pycache__" in f], "--no-compile leaves no bytecode"
    own = {name: _measured_own(spec, site, prefix) for name, spec in SPECS.items()}
    scripts = [str(prefix / "bin" / s) for w in WHEELS for s in w.console_scripts]
    return E2EEnv(prefix, site, own, _regular_bytes(files) + _regular_bytes(scripts))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("e2e-project") / "service"
    shutil.copytree(FIXTURE, dest)
    return dest


@pytest.fixture(scope="module")
def analysis(e2e_env: E2EEnv, project: Path) -> Analysis:
    return analyze(Settings(project=project, env_dir=e2e_env.prefix, use_cache=False))


def _verdicts(analysis: Analysis) -> dict[str, Verdict]:
    assert analysis.judgement is not None
    return {v.requirement.name: v for v in analysis.judgement.verdicts}


def _bytes(env: E2EEnv, names: Iterable[str]) -> int:
    return sum(env.own[n] for n in names)


def _exclusive(name: str) -> set[str]:
    others = set().union(*(r for n, r in REACH.items() if n != name))
    return REACH[name] - others


def _line_of(project: Path, rel: str, text: str) -> tuple[str, int]:
    lines = (project / rel).read_text(encoding="utf-8").splitlines()
    return rel, next(i for i, line in enumerate(lines, start=1) if text in line)


# --- verdicts --------------------------------------------------------------------------------


def test_analyze__e2e_project__every_status_once_or_more_as_expected(analysis: Analysis) -> None:
    statuses = {name: v.status for name, v in _verdicts(analysis).items()}

    assert statuses == EXPECTED_STATUS
    # plugin (which needs proof of use) has its own tests
    assert set(statuses.values()) == set(STATUSES) - {"plugin"}
    assert analysis.roots_from == "declared"


def test_analyze__e2e_project__evidence_is_the_proving_file_and_line(
    analysis: Analysis, project: Path
) -> None:
    expected = {
        "webcore": [_line_of(project, "app.py", "import webcore")],
        "legacylib": [_line_of(project, "legacy.py", "import legacylib")],
        "fakeserve": [_line_of(project, "Procfile", "fakeserve app:application")],
        "psycopg2-binary": [_line_of(project, "settings.py", "postgresql+psycopg2://")],
        "optlib": [_line_of(project, "app.py", "import optlib")],
        "typelib": [_line_of(project, "app.py", "import typelib")],
        "testlib": [_line_of(project, "tests/test_app.py", "import testlib")],
        "torchish": [_line_of(project, "model.py", "import torchish")],
        "imgkit-headless": [_line_of(project, "app.py", "import imgkit")],
        "checklib": [_line_of(project, "tests/test_app.py", "import checklib")],
        # stubs: an import of what they type, and the type checker that reads them
        "types-webcore": [_line_of(project, "app.py", "import webcore"), ("mypy.ini", 1)],
    }
    verdicts = _verdicts(analysis)
    root = project.resolve()

    for name, where in expected.items():
        found = [
            (e.file.resolve().relative_to(root).as_posix(), e.line)
            for e in verdicts[name].evidence
            if e.file is not None and e.line is not None
        ]
        assert found == where, name
    assert verdicts["psycopg2-binary"].evidence[0].text == "URL scheme postgresql+psycopg2://"

    assert verdicts["legacylib"].evidence[0].scope == "dead"
    assert verdicts["testlib"].evidence[0].scope == "test"
    for name in ("gone-a", "gone-b", "sharedlib", "corelib", "winlib"):
        assert verdicts[name].evidence == (), name


def test_analyze__e2e_lazily_imported_by_used_wheel__evidence_in_its_installed_file(
    analysis: Analysis, e2e_env: E2EEnv
) -> None:
    verdict = _verdicts(analysis)["pagekit"]

    assert [
        (e.file.relative_to(e2e_env.site).as_posix() if e.file else None, e.line, e.kind)
        for e in verdict.evidence
    ] == [("webcore/render.py", 2, "dependency")]
    assert verdict.evidence[0].text == (
        "pagekit imported by webcore, for webcore's render_page (inside a function)"
    )
    assert verdict.confidence is None
    assert "pagekit" not in (analysis.judgement.removable if analysis.judgement else ())


def test_analyze__e2e_transitive_requirements__pin_only_when_narrower_than_requirer(
    analysis: Analysis,
) -> None:
    verdicts = _verdicts(analysis)

    assert verdicts["sharedlib"].requirement.specifier == "==1.2.0"
    assert verdicts["sharedlib"].pin is True
    assert verdicts["corelib"].pin is False
    assert verdicts["sharedlib"].required_by == ("webcore",)
    assert verdicts["corelib"].required_by == ("webcore",)
    assert [n for n, v in verdicts.items() if v.pin] == ["sharedlib"]


def test_analyze__e2e_verdicts__sizes_equal_measured_bytes(
    analysis: Analysis, e2e_env: E2EEnv
) -> None:
    verdicts = _verdicts(analysis)

    for name, reach in REACH.items():
        sizes = verdicts[name].sizes
        assert sizes is not None, name
        assert set(sizes.reach) == reach, name
        assert sizes.own == e2e_env.own[name], name
        assert sizes.closure == _bytes(e2e_env, reach), name
        assert sizes.exclusive == _bytes(e2e_env, _exclusive(name)), name
    assert verdicts["missinglib"].sizes is None
    assert verdicts["winlib"].sizes is None


def test_analyze__e2e_verdicts__shares_extraneous_and_unowned_add_up_to_total(
    analysis: Analysis, e2e_env: E2EEnv
) -> None:
    shares = sum(v.sizes.share for v in _verdicts(analysis).values() if v.sizes is not None)

    assert analysis.scan.total_bytes == e2e_env.total
    assert analysis.scan.unowned_bytes == 0
    assert analysis.attribution.extraneous == ("imgkit",)
    assert analysis.attribution.extraneous_bytes == e2e_env.own["imgkit"]
    assert shares + e2e_env.own["imgkit"] == e2e_env.total


def test_analyze__e2e_unused_and_dead__freed_is_hand_sum_with_shared_dependency(
    analysis: Analysis, e2e_env: E2EEnv
) -> None:
    judgement = analysis.judgement
    assert judgement is not None
    freed = _bytes(e2e_env, ("gone-a", "gone-b", "privdep", "legacylib"))
    exclusive_sum = _bytes(e2e_env, ("gone-a", "gone-b", "legacylib"))

    assert judgement.removable == ("gone-a", "gone-b", "legacylib")
    assert judgement.removable_freed == freed
    assert judgement.removable_exclusive_sum == exclusive_sum
    assert freed - exclusive_sum == e2e_env.own["privdep"] > 0


def test_analyze__e2e_undeclared__installed_dependency_and_missing_module(
    analysis: Analysis, project: Path
) -> None:
    judgement = analysis.judgement
    assert judgement is not None
    found = {u.module: u for u in judgement.undeclared}

    assert {"innerdep", "notthere_mod"} <= set(found)
    assert found["innerdep"].dists == ("innerdep",)
    assert found["innerdep"].required_by == ("webcore",)
    assert found["notthere_mod"].installed is False
    assert found["notthere_mod"].hint == "notthere-mod"
    evidence = found["notthere_mod"].evidence[0]
    assert evidence.file is not None
    assert (evidence.file.name, evidence.line) == _line_of(project, "app.py", "notthere_mod")


def test_analyze__e2e_imported_missing_requirement__not_installed_with_evidence_not_undeclared(
    analysis: Analysis, project: Path
) -> None:
    judgement = analysis.judgement
    assert judgement is not None
    verdict = _verdicts(analysis)["missinglib"]

    assert {u.module for u in judgement.undeclared} == {"innerdep", "notthere_mod"}
    assert [(e.file.name if e.file else None, e.line) for e in verdict.evidence] == [
        _line_of(project, "app.py", "import missinglib")
    ]


def test_analyze__e2e_env__file_two_wheels_install_is_one_conflict(
    analysis: Analysis, e2e_env: E2EEnv
) -> None:
    conflicts = [
        (Path(c.path).relative_to(e2e_env.site).as_posix(), c.owners, c.size)
        for c in analysis.scan.conflicts
    ]

    assert conflicts == [("imgkit/__init__.py", ("imgkit", "imgkit-headless"), 500)]
    for name in SPECS:
        assert analysis.scan.dists[canonicalize_name(name)].own_bytes == e2e_env.own[name], name


# --- recommendations -----------------------------------------------------------------------


def test_analyze__e2e_recommendations__bytes_equal_measured_bytes(
    analysis: Analysis, e2e_env: E2EEnv
) -> None:
    cuda = e2e_env.own["nvidia-cublas-cu12"]
    slim = SPECS["webcore"].file_bytes(
        ["webcore/tests/__init__.py", "webcore/tests/test_core.py", "webcore/_speedups.c"]
    )
    expected = {
        "remove-unused": (
            _bytes(e2e_env, ("gone-a", "gone-b", "privdep", "legacylib")),
            ("gone-a", "gone-b", "legacylib"),
        ),
        "gpu-payload": (cuda, ("nvidia-cublas-cu12",)),
        # the declared requirements use imgkit-headless: the other variant is the one to drop
        "duplicate-variant": (e2e_env.own["imgkit"], ("imgkit", "imgkit-headless")),
        "slimmable": (slim, ("webcore",)),
    }
    found = {r.kind: (r.bytes, r.names) for r in analysis.recommendations}

    assert found == expected
    assert e2e_env.own["imgkit-headless"] < e2e_env.own["imgkit"]
    for rec in analysis.recommendations:
        if rec.before is not None:
            assert (rec.before, rec.after) == (e2e_env.total, e2e_env.total - rec.bytes), rec.kind


def test_analyze__e2e_gpu_payload__names_requirer(analysis: Analysis) -> None:
    gpu = next(r for r in analysis.recommendations if r.kind == "gpu-payload")

    assert "pulled in by torchish" in gpu.detail
    assert gpu.fix is not None
    assert "torchish" in gpu.fix


# --- the command line ----------------------------------------------------------------------


def test_cli_scan__e2e_json__valid_against_schema_with_measured_bytes(
    e2e_env: E2EEnv, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    args = ["scan", str(project), "--env", str(e2e_env.prefix), "--format", "json"]

    result = CliRunner().invoke(main, args, catch_exceptions=False)

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    requirements = {r["name"]: r for r in data["requirements"]}
    assert {n: r["status"] for n, r in requirements.items()} == EXPECTED_STATUS
    for name, reach in REACH.items():
        figures = requirements[name]
        assert figures["own_bytes"] == e2e_env.own[name], name
        assert figures["closure_bytes"] == _bytes(e2e_env, reach), name
        assert figures["exclusive_bytes"] == _bytes(e2e_env, _exclusive(name)), name
    assert data["env"]["total_bytes"] == e2e_env.total
    assert data["summary"]["removable_freed_bytes"] == _bytes(
        e2e_env, ("gone-a", "gone-b", "privdep", "legacylib")
    )
    kinds = {r["kind"]: r["bytes"] for r in data["recommendations"]}
    assert kinds["gpu-payload"] == e2e_env.own["nvidia-cublas-cu12"]
    undeclared = {u["module"]: u["installed"] for u in data["undeclared"]}
    assert undeclared["innerdep"] is True
    assert undeclared["notthere_mod"] is False


def test_wheels__e2e_install__record_of_each_wheel_matches_written_files(
    e2e_env: E2EEnv,
) -> None:
    """The wheels are real: pip kept every file at the size the spec wrote."""
    for spec in WHEELS:
        for rel, data in spec.payload().items():
            assert (e2e_env.site / rel).stat().st_size == len(data), rel
        record = (e2e_env.site / spec.dist_info / "RECORD").read_text(encoding="utf-8")
        assert re.search(rf"^{re.escape(spec.dist_info)}/INSTALLER,", record, re.M), spec.name


def test_write_wheel__every_spec__record_lists_each_member_with_its_hash_and_size(
    tmp_path: Path,
) -> None:
    for spec in WHEELS:
        with zipfile.ZipFile(write_wheel(spec, tmp_path)) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        record = members.pop(f"{spec.dist_info}/RECORD").decode()
        rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(record))}
        assert rows.pop(f"{spec.dist_info}/RECORD") == ["", ""]
        assert set(rows) == set(members), spec.name
        for name, data in members.items():
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert rows[name] == [f"sha256={digest.decode()}", str(len(data))], name


def test_fixture__e2e_tables__every_declared_name_has_a_wheel_or_is_meant_missing() -> None:
    declared = set(EXPECTED_STATUS)

    assert all(canonicalize_name(name) == name for name in declared)
    assert declared - set(SPECS) == {"missinglib", "winlib"}
    assert set(REACH) == declared - {"missinglib", "winlib"}
    assert set().union(*REACH.values()) | {"imgkit"} == set(SPECS)
