"""Which modules of a used library load a candidate: a plugin module that only the candidate runs
(cffi's setuptools hook), a module nothing imports (a build helper), and an ``except
ImportError`` that raises only on another Python than the scanned one."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import NormalizedName

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.usedby import DependencyUse, find_dependency_uses, shapes
from depsize.verdicts import Verdict
from support.projects import write_files
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

SETUPTOOLS = DistSpec("setuptools", files={"setuptools/__init__.py": 100})

HOOK = b"""def cffi_modules(dist, attr, value):
    from setuptools.command.build_py import build_py

    return build_py
"""
SHIM = b"""import sys

try:
    import setuptools
except Exception as ex:
    if sys.version_info >= (3, 12):
        raise Exception("needs setuptools on Python >= 3.12") from ex
else:
    del setuptools
"""
HELPER = b"""from setuptools import find_packages


def themes():
    return find_packages()
"""


def _env(tmp_path: Path, files: dict[str, bytes], entry_points: str | None = None) -> BuiltEnv:
    spec = DistSpec(
        "cfflib",
        contents={"cfflib/__init__.py": b"", **files},
        entry_points=entry_points,
    )
    return make_site_packages(tmp_path / "env", [spec, SETUPTOOLS])


def _uses(built: BuiltEnv) -> list[DependencyUse]:
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    graph = build_graph(scan.dists, env.marker_environment())
    found = find_dependency_uses(
        scan, graph, {NormalizedName("setuptools")}, {(NormalizedName("cfflib"), "")}
    )
    return list(found.uses.get(NormalizedName("setuptools"), ()))


def _setuptools(tmp_path: Path, built: BuiltEnv, app: str = "import cfflib\n") -> Verdict:
    from depsize.analyze import Settings, analyze

    project = write_files(
        tmp_path / "project", {"requirements.txt": "cfflib\nsetuptools\n", "app.py": app}
    )
    analysis = analyze(Settings(project=project, env_dir=built.prefix, use_cache=False))
    assert analysis.judgement is not None
    return next(v for v in analysis.judgement.verdicts if v.requirement.name == "setuptools")


# --- a plugin module only the candidate runs -----------------------------------------------------

HOOK_ENTRY = "[distutils.setup_keywords]\ncffi_modules = cfflib.setuptools_ext:cffi_modules\n"


def test_judge__module_only_a_setuptools_hook_runs__no_use_of_setuptools(tmp_path: Path) -> None:
    built = _env(tmp_path, {"cfflib/setuptools_ext.py": HOOK}, HOOK_ENTRY)

    assert _uses(built) == []
    verdict = _setuptools(tmp_path, built)
    assert (verdict.status, verdict.confidence) == ("unused", "certain")


def test_find_dependency_uses__hook_module_also_imported_by_the_library__a_use(
    tmp_path: Path,
) -> None:
    files = {
        "cfflib/setuptools_ext.py": HOOK,
        "cfflib/api.py": b"from cfflib.setuptools_ext import cffi_modules\n",
    }
    built = _env(tmp_path, files, HOOK_ENTRY)

    (use,) = _uses(built)
    assert (use.function, use.unloaded) == ("cffi_modules", None)


def test_find_dependency_uses__module_named_by_another_group__a_use(tmp_path: Path) -> None:
    entry = "[console_scripts]\ncff = cfflib.setuptools_ext:cffi_modules\n"
    built = _env(tmp_path, {"cfflib/setuptools_ext.py": HOOK}, entry)

    assert [u.function for u in _uses(built)] == ["cffi_modules"]


# --- a raise only on another Python --------------------------------------------------------------


def test_find_dependency_uses__raise_only_from_a_later_python__optional_here(
    tmp_path: Path,
) -> None:
    built = _env(tmp_path, {"cfflib/shim.py": SHIM, "cfflib/api.py": b"from cfflib import shim\n"})

    (use,) = _uses(built)
    here = from_prefix(built.prefix, how="test").python_minor
    assert use.optional is (here < (3, 12))


@pytest.mark.parametrize(
    ("python", "raises"),
    [((3, 11), False), ((3, 12), True), ((3, 13), True), (None, True)],
)
def test_handler_raises__version_gated_raise__by_the_scanned_python(
    python: tuple[int, int] | None, raises: bool
) -> None:
    assert shapes.handler_raises(SHIM.decode().splitlines(), 4, python) is raises


def test_handler_raises__else_branch_of_a_version_gate__the_other_pythons() -> None:
    lines = [
        "try:",
        "    import x",
        "except ImportError:",
        "    if sys.version_info < (3, 8):",
        "        pass",
        "    else:",
        "        raise",
    ]
    assert shapes.handler_raises(lines, 2, (3, 11)) is True
    assert shapes.handler_raises(lines, 2, (3, 7)) is False


# --- a module nothing imports --------------------------------------------------------------------


def test_judge__top_import_in_a_module_nothing_imports__a_doubt(tmp_path: Path) -> None:
    built = _env(tmp_path, {"cfflib/utils/__init__.py": b"", "cfflib/utils/helper.py": HELPER})

    (use,) = _uses(built)
    assert use.unloaded == "cfflib.utils.helper"
    verdict = _setuptools(tmp_path, built)
    assert (verdict.status, verdict.confidence) == ("unused", "likely")
    assert verdict.confidence_reason is not None
    assert "in a module nothing in cfflib imports" in verdict.confidence_reason


@pytest.mark.parametrize(
    "app",
    [
        "import cfflib\nfrom cfflib.utils.helper import themes\n",
        "import cfflib\nfrom cfflib.utils import helper\n",
        'import cfflib\nSTORAGE = "cfflib.utils.helper.Themes"\n',
        'import cfflib\nENGINE = "cfflib.utils"  # the library loads its modules by name\n',
    ],
)
def test_judge__module_nothing_imports_but_the_project_names__a_need(
    tmp_path: Path, app: str
) -> None:
    built = _env(tmp_path, {"cfflib/utils/__init__.py": b"", "cfflib/utils/helper.py": HELPER})

    verdict = _setuptools(tmp_path, built, app)
    assert verdict.status == "used-by-dependency"


@pytest.mark.parametrize(
    ("files", "entry"),
    [
        ({"cfflib/helper.py": HELPER, "cfflib/api.py": b"from cfflib import helper\n"}, None),
        ({"cfflib/helper.py": HELPER}, "[console_scripts]\nthemes = cfflib.helper:themes\n"),
        ({"cfflib/__init__.py": HELPER}, None),
    ],
)
def test_find_dependency_uses__module_the_library_loads__no_doubt(
    tmp_path: Path, files: dict[str, bytes], entry: str | None
) -> None:
    built = _env(tmp_path, files, entry)

    (use,) = _uses(built)
    assert use.unloaded is None


_LOAD = b"import importlib\n\ndef load(name):\n    return importlib.import_module(%s)  # helper\n"


@pytest.mark.parametrize("argument", [b"name", b"'.' + name, 'x'", b"f'cfflib.{name}'"])
def test_find_dependency_uses__a_library_file_loading_by_computed_name__no_doubt(
    tmp_path: Path, argument: bytes
) -> None:
    """A file of the library that loads modules by a computed name, with the module's name on
    an import line, may load it: "nothing imports it" cannot be said."""
    built = _env(
        tmp_path,
        {
            "cfflib/utils/__init__.py": b"",
            "cfflib/utils/helper.py": HELPER,
            "cfflib/registry.py": _LOAD % argument,
        },
    )

    (use,) = _uses(built)
    assert use.unloaded is None


def test_find_dependency_uses__module_a_requiring_library_imports__no_doubt(
    tmp_path: Path,
) -> None:
    """fastapi.testclient imports starlette.testclient, which nothing in starlette imports."""
    helper = {"cfflib/utils/__init__.py": b"", "cfflib/utils/helper.py": HELPER}
    wrapper = DistSpec(
        "wrapper",
        requires=("cfflib>=1.0",),
        contents={
            "wrapper/__init__.py": b"",
            "wrapper/testclient.py": b"from cfflib.utils.helper import themes as themes\n",
        },
    )
    other = DistSpec(  # names the module but does not require cfflib: not a user of it
        "other",
        contents={"other/__init__.py": b"import cfflib.utils.helper\n"},
    )
    cfflib = DistSpec("cfflib", contents={"cfflib/__init__.py": b"", **helper})
    built = make_site_packages(tmp_path / "env", [cfflib, wrapper, other, SETUPTOOLS])
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    graph = build_graph(scan.dists, env.marker_environment())

    def unloaded(start: str) -> list[str | None]:
        found = find_dependency_uses(
            scan, graph, {NormalizedName("setuptools")}, {(NormalizedName(start), "")}
        )
        return [u.unloaded for u in found.uses.get(NormalizedName("setuptools"), ())]

    assert unloaded("wrapper") == [None]
    assert unloaded("cfflib") == ["cfflib.utils.helper"]
