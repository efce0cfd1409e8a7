"""analyze_imports on fixture projects: first party, entries, reachability, bad files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from depsize.imports import ImportSite, ProjectImports, analyze_imports

from .helpers import FIXTURES

PY = (3, 12)


def _analyze(
    root: Path, entries: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> ProjectImports:
    return analyze_imports(root, PY, entries=entries, exclude=exclude, use_cache=False)


def _third(result: ProjectImports) -> dict[str, ImportSite]:
    return {s.module: s for s in result.third_party_sites()}


def test_project__src_layout__first_party_set_aside() -> None:
    result = _analyze(FIXTURES / "srclayout")
    assert "mypkg" in result.first_party
    assert "tests" in result.first_party
    assert set(_third(result)) == {"requests", "yaml", "numpy", "pytest", "hypothesis"}
    assert all(s.first_party for s in result.sites if s.module.startswith("mypkg"))


def test_project__flat_layout__namespace_packages_are_first_party() -> None:
    result = _analyze(FIXTURES / "flat")
    assert {"flatpkg", "ns", "run"} <= result.first_party
    assert set(_third(result)) == {"requests"}


def test_project__relative_imports__resolved_against_package() -> None:
    result = _analyze(FIXTURES / "flat")
    sites = {s.module: s for s in result.sites}
    assert sites["flatpkg.sub"].names == ("thing",)
    assert sites["flatpkg.sub"].first_party


def test_project__stdlib__set_aside_for_target_version(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("import tomllib\nimport distutils\n", encoding="utf-8")
    old = analyze_imports(tmp_path, (3, 10), use_cache=False)
    new = analyze_imports(tmp_path, (3, 12), use_cache=False)
    assert [s.module for s in old.sites] == ["tomllib"]
    assert [s.module for s in new.sites] == ["distutils"]


def test_project__pyproject_script_entry__dead_module_not_live() -> None:
    result = _analyze(FIXTURES / "srclayout")
    third = _third(result)
    assert result.entry_found
    assert ("mypkg.cli", "pyproject [project.scripts] mypkg") in {
        (e.module, e.how) for e in result.entries
    }
    assert third["requests"].scope == "live"
    assert third["yaml"].scope == "live"
    assert third["numpy"].scope == "dead"
    assert result.dead_modules == ("mypkg.dead",)


def test_project__tests__own_scope_and_traversed() -> None:
    third = _third(_analyze(FIXTURES / "srclayout"))
    assert third["pytest"].scope == "test"
    assert third["hypothesis"].scope == "test"


def test_project__script_with_main_guard__entry() -> None:
    result = _analyze(FIXTURES / "flat")
    assert [(e.module, e.how) for e in result.entries] == [("run", 'if __name__ == "__main__"')]
    assert {s.module: s.scope for s in result.sites}["requests"] == "live"
    assert result.dead_modules == ()


def test_project__procfile_entry__reaches_wsgi_module() -> None:
    result = _analyze(FIXTURES / "procfile")
    assert ("web.wsgi", "Procfile:1") in {(e.module, e.how) for e in result.entries}
    third = _third(result)
    assert third["django.core.wsgi"].scope == "live"
    assert third["boto3"].scope == "dead"


def test_project__dockerfile_exec_form_cmd__entry() -> None:
    result = _analyze(FIXTURES / "docker")
    found = {(e.module, e.how) for e in result.entries}
    assert ("pkg.main", "Dockerfile:4") in found
    assert ("pkg.tasks", "docker-compose.yml:6") in found
    assert ("pkg.migrate", "migrate.sh:3") in found
    scope = {s.module: s.scope for s in result.third_party_sites()}
    assert scope == {
        "fastapi": "live",
        "sqlalchemy": "live",
        "celery": "live",
        "alembic": "live",
        "pandas": "dead",
    }


def test_project__caller_entries__module_and_script_path() -> None:
    result = _analyze(FIXTURES / "noentry", entries=("lib.extra",))
    assert result.entry_found
    assert {s.module: s.scope for s in result.third_party_sites()}["attrs"] == "live"
    by_path = _analyze(FIXTURES / "procfile", entries=("jobs/nightly.py",))
    assert {s.module: s.scope for s in by_path.third_party_sites()}["boto3"] == "live"


def test_project__no_entry__everything_live_and_flagged() -> None:
    result = _analyze(FIXTURES / "noentry")
    assert not result.entry_found
    assert result.entries == ()
    assert {s.scope for s in result.sites} == {"live"}


def test_project__kinds_fixture__kinds_and_lazy_kept() -> None:
    result = _analyze(FIXTURES / "kinds")
    kinds = {(s.module, s.kind, s.lazy) for s in result.third_party_sites()}
    assert ("requests", "runtime", False) in kinds
    assert ("yaml", "runtime", True) in kinds
    assert ("lxml.etree", "dynamic", True) in kinds
    assert ("pandas", "type-checking", False) in kinds
    assert ("ujson", "conditional", False) in kinds


def test_project__bad_files__reported_never_fatal(project: Callable[[str], Path]) -> None:
    root = project("badfiles")
    (root / "loop").symlink_to(root, target_is_directory=True)
    result = _analyze(root)
    problems = {(w.file.name if w.file else "", w.line) for w in result.warnings}
    assert problems == {("syntax_error.py", 3), ("python2.py", 3), ("undecodable.py", 2)}
    assert all(str(w).startswith(str(w.file)) for w in result.warnings)
    modules = {s.module for s in result.sites}
    assert {"six", "seaborn", "pandas", "sklearn"} <= modules
    assert len(result.files) == 6


def test_project__exclude__files_not_scanned() -> None:
    result = _analyze(FIXTURES / "srclayout", exclude=("tests",))
    assert "pytest" not in _third(result)


def test_project__test_folder_on_sys_path__its_modules_first_party_for_tests() -> None:
    result = _analyze(FIXTURES / "srclayout")
    # ``import helpers`` from tests/test_*.py: the folder is on sys.path, the module is ours
    helpers = [s for s in result.sites if s.module in ("helpers", "tests.helpers")]
    assert [(s.module, s.first_party, s.scope) for s in helpers] == [
        ("tests.helpers", True, "test")
    ]


def test_project__entry_file_names__only_near_the_top(tmp_path: Path) -> None:
    for rel in ["app.py", "pkg/wsgi.py", "pkg/deep/inner/main.py", "pkg/deep/__main__.py"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    result = _analyze(tmp_path)
    assert {e.module for e in result.entries} == {"app", "pkg.wsgi", "pkg.deep.__main__"}


def test_project__exact_mode__reports_errors_the_fast_scan_cannot_see(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("import requests\n\n1abc\n", encoding="utf-8")
    fast = analyze_imports(tmp_path, PY, use_cache=False)
    exact = analyze_imports(tmp_path, PY, use_cache=False, fast_scan=False)
    assert [s.module for s in fast.sites] == ["requests"]
    assert fast.warnings == ()
    assert [(w.file, w.line) for w in exact.warnings] == [(tmp_path / "main.py", 3)]
