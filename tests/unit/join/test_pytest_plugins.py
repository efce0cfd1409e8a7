"""pytest plugins need proof of use: fixtures, markers, options, ini keys, -p, pytest_plugins.

Each plugin is a real distribution in a real site-packages (``support.site_packages``) with its
plugin module written out; depsize reads that code without importing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import NormalizedName

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.join.model import EnvUses
from depsize.join.pytestapi import KnownApis, read_pytest_api
from depsize.models import InstalledDist
from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages

from ..imports.helpers import uses_of

FAKEFS = b'''"""A fake file system."""
import pytest
from pyfakefs.helpers import helper
import pyfakefs.core


@pytest.fixture
def fs(request):
    yield None


@pytest.fixture(scope="session", name="fs_session")
def _session_fs():
    yield None


def pytest_runtest_setup(item):
    pass
'''
FAKEFS_HELPERS = b"""import pytest


@pytest.fixture
def fs_module():
    yield None


def helper():
    pass
"""
SUBPROCESS = b"""import pytest


@pytest.fixture
def fp():
    yield None


fake_process = fp
"""
COVERISH = b"""import pytest

MARKER = "no_cover: disable coverage for this test."


def pytest_addoption(parser):
    group = parser.getgroup("cov")
    group.addoption("--cov", action="append")
    group._addoption("-C", "--cov-report", action="append")
    parser.addini("cov_context", "where")


def pytest_configure(config):
    config.addinivalue_line("markers", MARKER)


@pytest.fixture
def cov():
    return None
"""
RANDOMISH = b"""from pytest import fixture


def pytest_addoption(parser):
    parser.getgroup("randomly")._addoption("--randomly-seed")


def pytest_collection_modifyitems(session, config, items):
    items.reverse()
"""
SEEDISH = b"""from pytest import fixture


@fixture(autouse=True)
def reseed():
    yield


@fixture
def seed():
    return 1
"""
PLATFORM = b"""import pytest


@pytest.fixture
def platformdirs_isolated(tmp_path):
    yield tmp_path
"""
XDISTISH = b"""import pytest


def pytest_addoption(parser):
    parser.getgroup("xdist")._addoption("-n", "--numprocesses")


@pytest.fixture(scope="session")
def worker_id(request):
    return "master"
"""


def _plugin(name: str, package: str, module: str, files: dict[str, bytes]) -> DistSpec:
    return DistSpec(
        name,
        contents=files,
        entry_points=f"[pytest11]\n{name} = {module}\n",
        top_level=(package,),
    )


PLUGINS = [
    DistSpec("pytest", contents={"pytest/__init__.py": b"", "_pytest/__init__.py": b""}),
    _plugin(
        "pyfakefs",
        "pyfakefs",
        "pyfakefs.pytest_plugin",
        {
            "pyfakefs/__init__.py": b"",
            "pyfakefs/pytest_plugin.py": FAKEFS,
            "pyfakefs/helpers.py": FAKEFS_HELPERS,
            "pyfakefs/core.py": b"def patch():\n    pass\n",
        },
    ),
    _plugin(
        "pytest-subprocess",
        "pytest_subprocess",
        "pytest_subprocess.fixtures",
        {"pytest_subprocess/__init__.py": b"", "pytest_subprocess/fixtures.py": SUBPROCESS},
    ),
    _plugin(
        "pytest-coverish", "pytest_coverish", "pytest_coverish", {"pytest_coverish.py": COVERISH}
    ),
    _plugin(
        "pytest-randomish",
        "pytest_randomish",
        "pytest_randomish",
        {"pytest_randomish.py": RANDOMISH},
    ),
    _plugin("pytest-seedish", "pytest_seedish", "pytest_seedish", {"pytest_seedish.py": SEEDISH}),
    _plugin(
        "platformdirs",
        "platformdirs",
        "platformdirs.pytest_plugin",
        {"platformdirs/__init__.py": b"", "platformdirs/pytest_plugin.py": PLATFORM},
    ),
    _plugin(
        "pytest-xdistish",
        "xdistish",
        "xdistish.plugin",
        {"xdistish/__init__.py": b"", "xdistish/plugin.py": XDISTISH},
    ),
]


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[NormalizedName, InstalledDist]:
    built = make_site_packages(tmp_path_factory.mktemp("plugins"), PLUGINS)
    return scan_env(from_prefix(built.prefix, how="test")).dists


def _analyze(root: Path, dists: dict[NormalizedName, InstalledDist]) -> tuple[Path, EnvUses]:
    return root.absolute(), uses_of(root, dists, (3, 11))


def _plugins(found: tuple[Path, EnvUses]) -> dict[str, tuple[str, str | None, int | None]]:
    root, result = found
    out: dict[str, tuple[str, str | None, int | None]] = {}
    for use in result.plugins:
        where = (
            use.file.relative_to(root).as_posix()
            if use.file and use.file.is_relative_to(root)
            else None
        )
        out[use.dist] = (use.reason, where, use.line)
    return out


# --- reading the plugin's code ---------------------------------------------------------------


def test_read_pytest_api__plugin_modules__fixtures_aliases_options_ini_keys_markers(
    dists: dict[NormalizedName, InstalledDist],
) -> None:
    fakefs = read_pytest_api(dists[NormalizedName("pyfakefs")])
    subprocess = read_pytest_api(dists[NormalizedName("pytest-subprocess")])
    cover = read_pytest_api(dists[NormalizedName("pytest-coverish")])
    seed = read_pytest_api(dists[NormalizedName("pytest-seedish")])

    # helpers.py is read because the plugin module imports it and it mentions fixtures;
    # core.py, imported too, mentions none of pytest's API and is not parsed
    assert fakefs.fixtures == {"fs", "fs_session", "fs_module"}
    assert [p.name for p in fakefs.modules] == ["pytest_plugin.py", "helpers.py"]
    assert subprocess.fixtures == {"fp", "fake_process"}
    assert cover.options == {"--cov", "-C", "--cov-report"}
    assert cover.ini_keys == {"cov_context"}
    assert cover.markers == {"no_cover"}
    assert seed.autouse == ("reseed",)


# --- proof of use ----------------------------------------------------------------------------


def test_plugin_uses__fixture_parameter_in_a_test__evidence_is_the_test_line(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(
        tmp_path / "proj",
        {
            "app.py": "print(1)\n",
            "tests/test_files.py": "\n\ndef test_reads(tmp_path, fs):\n    assert fs is None\n",
        },
    )

    found = _plugins(_analyze(root, dists))

    assert found["pyfakefs"] == ("fixture fs", "tests/test_files.py", 3)


def test_plugin_uses__alias_fixture_usefixtures_and_marker__each_proven(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(
        tmp_path / "proj",
        {
            "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef runner(fake_process):\n"
            "    return fake_process\n",
            "tests/test_a.py": "import pytest\n\n\n@pytest.mark.usefixtures('worker_id')\n"
            "def test_a():\n    pass\n\n\n@pytest.mark.no_cover\ndef test_b():\n    pass\n",
        },
    )

    found = _plugins(_analyze(root, dists))

    assert found["pytest-subprocess"] == ("fixture fake_process", "tests/conftest.py", 5)
    assert found["pytest-xdistish"] == ("fixture worker_id", "tests/test_a.py", 4)
    assert found["pytest-coverish"] == ("marker @pytest.mark.no_cover", "tests/test_a.py", 9)


def test_plugin_uses__dash_p_in_addopts__evidence_is_the_config_line(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(
        tmp_path / "proj",
        {
            "pyproject.toml": '[project]\nname = "p"\n\n[tool.pytest.ini_options]\n'
            'addopts = ["-ra", "-p", "pytest_subprocess"]\n',
            "tests/test_a.py": "def test_a():\n    pass\n",
        },
    )

    found = _plugins(_analyze(root, dists))

    assert found["pytest-subprocess"] == ("-p pytest_subprocess", "pyproject.toml", 5)
    assert "pyfakefs" not in found


def test_plugin_uses__option_in_ci_command_and_ini_key__evidence_is_that_line(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(
        tmp_path / "proj",
        {
            ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: pytest -n4 tests\n"
            "      - run: python -m pytest --cov=src\n",
            "setup.cfg": "[metadata]\nname = p\n\n[tool:pytest]\ncov_context = test\n",
        },
    )

    found = _plugins(_analyze(root, dists))

    assert found["pytest-xdistish"] == (
        "option -n (pytest -n4 tests)",
        ".github/workflows/ci.yml",
        4,
    )
    assert found["pytest-coverish"][1:] == (".github/workflows/ci.yml", 5)


def test_plugin_uses__ini_key_only__evidence_is_the_ini_line(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(tmp_path / "proj", {"pytest.ini": "[pytest]\ncov_context = test\n"})

    found = _plugins(_analyze(root, dists))

    assert found["pytest-coverish"] == ("ini key cov_context", "pytest.ini", 2)


def test_plugin_uses__pytest_plugins_in_conftest__evidence_is_that_line(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(
        tmp_path / "proj", {"conftest.py": 'pytest_plugins = [\n    "pyfakefs.pytest_plugin",\n]\n'}
    )

    found = _plugins(_analyze(root, dists))

    assert found["pyfakefs"] == ("pytest_plugins names pyfakefs.pytest_plugin", "conftest.py", 2)


def test_plugin_uses__installed_fixtures_unused__not_plugins(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    """pyfakefs, pytest-subprocess, platformdirs: fixtures nobody asks for prove nothing."""
    root = write_files(
        tmp_path / "proj",
        {"app.py": "print(1)\n", "tests/test_a.py": "def test_a(tmp_path):\n    assert tmp_path\n"},
    )

    found = _plugins(_analyze(root, dists))

    for name in (
        "pyfakefs",
        "pytest-subprocess",
        "platformdirs",
        "pytest-coverish",
        "pytest-xdistish",
    ):
        assert name not in found, name


def test_plugin_uses__hooks_only_or_autouse__acts_on_install_while_pytest_runs(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(tmp_path / "proj", {"tests/test_a.py": "def test_a():\n    pass\n"})

    found = _plugins(_analyze(root, dists))

    reason, where, line = found["pytest-randomish"]
    assert reason == "pytest plugin that acts on install: hooks only, no fixtures or markers to use"
    assert (where, line) == (None, None)
    assert (
        found["pytest-seedish"][0] == "pytest plugin that acts on install: autouse fixture reseed"
    )


def test_plugin_uses__hooks_only_disabled_by_dash_p_no__not_plugin(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(
        tmp_path / "proj",
        {
            "pytest.ini": "[pytest]\naddopts = -p no:pytest-randomish\n",
            "tests/test_a.py": "def test_a():\n    pass\n",
        },
    )

    found = _plugins(_analyze(root, dists))

    assert "pytest-randomish" not in found
    assert "pytest-seedish" in found


def test_plugin_uses__no_tests_and_no_pytest__hooks_only_plugin_not_used(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(tmp_path / "proj", {"app.py": "print(1)\n"})

    found = _plugins(_analyze(root, dists))

    assert "pytest-randomish" not in found
    assert "pytest-seedish" not in found


def test_read_pytest_api__fixture_made_by_calling_the_decorator__found(tmp_path: Path) -> None:
    # pytest-mock's form: ``mocker = pytest.fixture()(_mocker)``, re-exported by __init__
    plugin = b"import pytest\n\ndef _mocker(config):\n    yield None\n\n" + (
        b'mocker = pytest.fixture()(_mocker)\nsession_mocker = pytest.fixture(scope="session")'
        b"(_mocker)\n"
    )
    spec = DistSpec(
        "pytest-mockish",
        contents={
            "pytest_mockish/__init__.py": b"from pytest_mockish.plugin import mocker\n",
            "pytest_mockish/plugin.py": plugin,
        },
        entry_points="[pytest11]\npytest_mockish = pytest_mockish\n",
    )
    built = make_site_packages(tmp_path, [spec])
    dist = scan_env(from_prefix(built.prefix, how="test")).dists[NormalizedName("pytest-mockish")]

    assert read_pytest_api(dist).fixtures == {"mocker", "session_mocker"}


def test_known_apis__same_env_token__plugin_code_not_read_again(tmp_path: Path) -> None:
    built = make_site_packages(tmp_path / "env", [PLUGINS[2]])  # pytest-subprocess
    dist = scan_env(from_prefix(built.prefix, how="test")).dists[
        NormalizedName("pytest-subprocess")
    ]
    cache, token = tmp_path / "cache", f"{tmp_path}/env-1.pickle:1:2:3:4"
    first = KnownApis(cache, token)
    assert first.api(dist) == read_pytest_api(dist)
    first.save()
    (built.site / "pytest_subprocess" / "fixtures.py").unlink()  # the env changed behind it

    assert KnownApis(cache, token).api(dist).fixtures == {"fp", "fake_process"}  # as stored
    rescanned = f"{tmp_path}/env-1.pickle:5:6:7:8"  # the env scanned again: another token
    assert KnownApis(cache, rescanned).api(dist).fixtures == frozenset()
    first.path.write_bytes(b"not a pickle")
    assert KnownApis(cache, token).entries == {}
