"""used-by-dependency: the shapes of a library's import that are, or are not, a need.

Each shape is written as the real library writes it (pytest, pip, Babel, FastAPI, pydantic,
Starlette, ruamel.yaml) into a real site-packages folder in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import NormalizedName

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.imports.astscan import scan_text_ast
from depsize.imports.fastscan import scan_text
from depsize.usedby import DependencyUse, DependencyUses, find_dependency_uses, shapes
from depsize.verdicts import Verdict
from support.projects import app_project, verdicts_of
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

MONKEYPATCH = b"""import sys


class MonkeyPatch:
    def syspath_prepend(self, path) -> None:
        sys.path.insert(0, str(path))

        # only needed when pkg_resources was already loaded by the namespace package
        if "pkg_resources" in sys.modules:
            import pkg_resources
            from pkg_resources import fixup_namespace_packages

            fixup_namespace_packages(str(path))
"""
DISTUTILS = b'''"""Locations where we look for configs, install stuff, etc"""

from __future__ import annotations

try:
    __import__("_distutils_hack").remove_shim()
except (ImportError, AttributeError):
    pass

import logging
'''
COMPAT = b"""import sys
from functools import partial


def find_entrypoints(group_name: str):
    if sys.version_info >= (3, 10):
        try:
            from importlib.metadata import entry_points
        except ImportError:
            pass
        else:
            for entry_point in entry_points(group=group_name):
                yield (entry_point.name, entry_point.load)
            return

    try:
        from pkg_resources import working_set
    except ImportError:
        pass
    else:
        for entry_point in working_set.iter_entry_points(group_name):
            yield (entry_point.name, partial(entry_point.load, require=True))


def extractors():
    return dict(find_entrypoints("babel.extractors"))
"""
FASTAPI = b"""import logging

logger = logging.getLogger("fastapi")

multipart_not_installed_error = (
    'Form data requires "python-multipart" to be installed. \\n'
    'You can install "python-multipart" with: \\n\\n'
    "pip install python-multipart\\n"
)
multipart_incorrect_install_error = (
    'Form data requires "python-multipart" to be installed. '
    'It seems you installed "multipart" instead. \\n'
    'You can remove "multipart" with: \\n\\n'
    "pip uninstall multipart\\n\\n"
    'And then install "python-multipart" with: \\n\\n'
    "pip install python-multipart\\n"
)


def ensure_multipart_is_installed() -> None:
    try:
        from python_multipart import __version__

        # Import an attribute that can be mocked/deleted in testing
        assert __version__ > "0.0.12"
    except (ImportError, AssertionError):
        try:
            # __version__ is available in both multiparts, and can be mocked
            from multipart import __version__  # type: ignore[no-redef,import-untyped]

            assert __version__
            try:
                # parse_options_header is only available in the right multipart
                from multipart.multipart import (  # type: ignore[import-untyped]
                    parse_options_header,
                )

                assert parse_options_header
            except ImportError:
                logger.error(multipart_incorrect_install_error)
                raise RuntimeError(multipart_incorrect_install_error) from None
        except ImportError:
            logger.error(multipart_not_installed_error)
            raise RuntimeError(multipart_not_installed_error) from None


def request_body_to_args(body_fields):
    ensure_multipart_is_installed()
    return body_fields
"""
NETWORKS = (  # the raise line as pydantic writes it, longer than this file's lines
    b"email_validator = None\n\n\ndef import_email_validator() -> None:\n"
    b"    global email_validator\n    try:\n        import email_validator\n"
    b"    except ImportError as e:\n        raise ImportError('email-validator is not "
    b"installed, run `pip install pydantic[email]`') from e\n"
    b"\n\nclass EmailStr(str):\n    @classmethod\n    def validate(cls, value):\n"
    b"        import_email_validator()\n        return value\n"
)
FORMPARSERS = b"""from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import python_multipart as multipart
    from python_multipart.multipart import parse_options_header
else:
    try:
        try:
            import python_multipart as multipart
            from python_multipart.multipart import parse_options_header
        except ModuleNotFoundError:  # pragma: no cover
            import multipart
            from multipart.multipart import parse_options_header
    except ModuleNotFoundError:  # pragma: no cover
        multipart = None
        parse_options_header = None
"""
REQUESTS = b"""from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from python_multipart.multipart import parse_options_header
else:
    try:
        try:
            from python_multipart.multipart import parse_options_header
        except ModuleNotFoundError:  # pragma: no cover
            from multipart.multipart import parse_options_header
    except ModuleNotFoundError:  # pragma: no cover
        parse_options_header = None
"""
CLIBZ_SETUP = b"""
import sys
from setuptools import Extension
from setuptools import setup

setup(
    name='ruamel.yaml.clibz',
    ext_modules=[Extension(name='_ruamel_yaml_clibz', sources=['api.c'])],
)
"""

SETUPTOOLS = DistSpec(
    "setuptools",
    files={"setuptools/__init__.py": 10, "pkg_resources/__init__.py": 10},
    contents={"_distutils_hack/__init__.py": b"def remove_shim():\n    pass\n"},
)
MULTIPART = DistSpec(
    "python-multipart",
    files={"python_multipart/__init__.py": 10, "multipart/__init__.py": 10},
)


def _env(tmp_path: Path, user: str, files: dict[str, bytes], *others: DistSpec) -> BuiltEnv:
    """An env where ``user`` (whose files are ``files``) can import the ``others``."""
    spec = DistSpec(user, contents={f"{user}/__init__.py": b"", **files})
    return make_site_packages(tmp_path, [spec, *others])


def _find(built: BuiltEnv, candidate: str, user: str) -> DependencyUses:
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    graph = build_graph(scan.dists, env.marker_environment())
    return find_dependency_uses(
        scan, graph, {NormalizedName(candidate)}, {(NormalizedName(user), "")}
    )


def _uses(built: BuiltEnv, candidate: str, user: str) -> list[DependencyUse]:
    return list(_find(built, candidate, user).uses.get(NormalizedName(candidate), ()))


def _verdict(tmp_path: Path, built: BuiltEnv, candidate: str, user: str) -> Verdict:
    project = app_project(tmp_path, f"{user}\n{candidate}\n", f"import {user}\n")
    return verdicts_of(project, built.prefix)[candidate]


# --- an import run only when sys.modules already holds the module ------------------------------


def test_judge__import_under_sys_modules_guard__no_use_unused_and_certain(tmp_path: Path) -> None:
    built = _env(tmp_path, "pytest", {"pytest/monkeypatch.py": MONKEYPATCH}, SETUPTOOLS)

    assert _uses(built, "setuptools", "pytest") == []
    verdict = _verdict(tmp_path, built, "setuptools", "pytest")
    assert (verdict.status, verdict.confidence) == ("unused", "certain")


@pytest.mark.parametrize(
    "guard",
    [
        "if 'pkg_resources' in sys.modules:",
        'if "pkg_resources" in sys.modules and path:',
        'if path and "pkg_resources" in sys.modules:',
        'elif "pkg_resources" in sys.modules:',
        'if "pkg_resources.extern" in sys.modules:',
        'if (\n        "pkg_resources" in sys.modules\n        and path\n    ):',
    ],
)
def test_find_dependency_uses__import_under_loaded_guard__no_use(
    tmp_path: Path, guard: str
) -> None:
    head = "    if not path:\n        return\n" if guard.startswith("elif") else ""
    code = (
        f"import sys\n\n\ndef prepend(path):\n{head}    {guard}\n"
        "        try:\n            import pkg_resources.extern\n"
        "        except ImportError:\n            raise\n"
    )
    built = _env(tmp_path, "pytest", {"pytest/mp.py": code.encode()}, SETUPTOOLS)

    assert _uses(built, "setuptools", "pytest") == []


def test_find_dependency_uses__from_sys_import_modules__bare_modules_guard(
    tmp_path: Path,
) -> None:
    code = (
        b"from sys import modules, path\n\n\ndef prepend(p):\n"
        b"    if 'pkg_resources' in modules:\n        import pkg_resources\n"
    )
    built = _env(tmp_path, "pytest", {"pytest/mp.py": code}, SETUPTOOLS)

    assert _uses(built, "setuptools", "pytest") == []


@pytest.mark.parametrize(
    ("guard", "why"),
    [
        ('if "pkg_resources" in sys.modules or path:', "or: runs when it is not loaded"),
        ('if "pkg_resources" not in sys.modules:', "runs when it is not loaded"),
        ('if not "pkg_resources" in sys.modules:', "runs when it is not loaded"),
        ('if "pkg_resources" in modules:', "modules is not sys.modules here"),
        ('if "setuptools" in sys.modules:', "another module loaded says nothing of this one"),
        ('if "pkg" in sys.modules:', "pkg is not pkg_resources"),
        ('if "pkg_resources" in sys.modules:\n        pass\n    else:', "the other branch"),
        ('if "pkg_resources" in sys.modules:\n        pass\n    def later():', "a function"),
    ],
)
def test_find_dependency_uses__not_a_loaded_guard__still_a_use(
    tmp_path: Path, guard: str, why: str
) -> None:
    code = f"import sys\n\n\ndef prepend(path):\n    {guard}\n        import pkg_resources\n"
    built = _env(tmp_path, "pytest", {"pytest/mp.py": code.encode()}, SETUPTOOLS)

    uses = _uses(built, "setuptools", "pytest")

    assert [(u.file.name, u.line) for u in uses] == [("mp.py", code.count("\n"))], why


# --- a build script shipped inside a package ----------------------------------------------------


def test_judge__setup_py_build_script_inside_package__no_use(tmp_path: Path) -> None:
    built = _env(
        tmp_path,
        "ruamelyaml",
        {"ruamelyaml/clibz/setup.py": CLIBZ_SETUP, "ruamelyaml/clibz/__init__.py": b""},
        SETUPTOOLS,
    )

    assert _uses(built, "setuptools", "ruamelyaml") == []
    verdict = _verdict(tmp_path, built, "setuptools", "ruamelyaml")
    assert (verdict.status, verdict.confidence) == ("unused", "certain")


@pytest.mark.parametrize(
    "code",
    [
        b"import setuptools\n\n\ndef setup(app):\n    return setuptools.__version__\n",
        b"def main():\n    from setuptools import setup\n\n    setup(name='x')\n",
    ],
    ids=["a-module-named-setup", "setup-called-in-a-function"],
)
def test_find_dependency_uses__setup_py_without_module_level_setup_call__library_code(
    tmp_path: Path, code: bytes
) -> None:
    built = _env(tmp_path, "sphinxext", {"sphinxext/setup.py": code}, SETUPTOOLS)

    assert [u.file.name for u in _uses(built, "setuptools", "sphinxext")] == ["setup.py"]


# --- a dynamic import under try/except ImportError ----------------------------------------------


@pytest.mark.parametrize("scanner", ["fast", "ast"])
def test_scanners__dynamic_import_under_try_except_import_error__conditional(
    scanner: str,
) -> None:
    scan = scan_text(DISTUTILS.decode()) if scanner == "fast" else scan_text_ast(DISTUTILS.decode())

    assert scan is not None
    assert [(r.module, r.kind, r.lazy) for r in scan.imports] == [
        ("__future__", "runtime", False),
        ("_distutils_hack", "conditional", False),
        ("logging", "runtime", False),
    ]
    assert scan == scan_text_ast(DISTUTILS.decode())


def test_judge__dynamic_import_under_try_except_import_error__optional_and_likely(
    tmp_path: Path,
) -> None:
    built = _env(tmp_path, "pip", {"pip/_distutils.py": DISTUTILS}, SETUPTOOLS)

    (use,) = _uses(built, "setuptools", "pip")
    verdict = _verdict(tmp_path, built, "setuptools", "pip")

    assert (use.line, use.dynamic, use.optional, use.lazy) == (6, True, True, False)
    assert use.describe() == (
        "_distutils_hack imported by pip (importlib.import_module; under try/except ImportError)"
    )
    assert (verdict.status, verdict.confidence) == ("unused", "likely")


@pytest.mark.parametrize(
    ("handler", "optional"),
    [
        ("except ModuleNotFoundError:\n    pass", True),
        ("except (ValueError, ImportError) as exc:\n    hack = None", True),
        ("except:\n    hack = None", True),
        ("except Exception:\n    hack = None", True),
        ("except ImportError:\n    raise", False),
        ("except ImportError as e:\n    raise RuntimeError('install hackpkg') from e", False),
    ],
)
def test_find_dependency_uses__import_module_in_try__optional_unless_handler_raises(
    tmp_path: Path, handler: str, optional: bool
) -> None:
    code = "import importlib\n\ntry:\n    hack = importlib.import_module('_distutils_hack')\n"
    built = _env(tmp_path, "pip", {"pip/m.py": f"{code}{handler}\n".encode()}, SETUPTOOLS)

    (use,) = _uses(built, "setuptools", "pip")

    assert (use.dynamic, use.optional) == (True, optional)


# --- inside a function, under try/except ImportError --------------------------------------------


def test_judge__lazy_import_whose_handler_falls_back__unused_but_likely(tmp_path: Path) -> None:
    built = _env(tmp_path, "babel", {"babel/_compat.py": COMPAT}, SETUPTOOLS)

    verdict = _verdict(tmp_path, built, "setuptools", "babel")

    assert (verdict.status, verdict.confidence) == ("unused", "likely")
    assert verdict.confidence_reason == (
        "pkg_resources imported by babel, for babel's find_entrypoints (inside a function; "
        "under try/except ImportError) at site-packages/babel/_compat.py:17: the library runs "
        "without it, but a feature of it may not"
    )


def test_judge__fastapi_handler_raises_in_nested_try__used_by_dependency(tmp_path: Path) -> None:
    # the raise is on the 15th line of the handler, inside a nested try: still the handler's
    built = _env(tmp_path, "fastapi", {"fastapi/utils.py": FASTAPI}, MULTIPART)

    uses = _uses(built, "python-multipart", "fastapi")
    verdict = _verdict(tmp_path, built, "python-multipart", "fastapi")

    assert [(u.line, u.lazy, u.optional) for u in uses] == [(22, True, False)]
    assert verdict.status == "used-by-dependency"
    assert verdict.evidence[0].text == (
        "python_multipart imported by fastapi, for fastapi's ensure_multipart_is_installed "
        "(inside a function)"
    )


def test_judge__pydantic_handler_raises_import_error__used_by_dependency(tmp_path: Path) -> None:
    email = DistSpec("email-validator", files={"email_validator/__init__.py": 10})
    built = _env(tmp_path, "pydantic", {"pydantic/networks.py": NETWORKS}, email)

    verdict = _verdict(tmp_path, built, "email-validator", "pydantic")

    assert verdict.status == "used-by-dependency"
    assert verdict.evidence[0].text == (
        "email_validator imported by pydantic, for pydantic's import_email_validator "
        "(inside a function)"
    )


def test_judge__starlette_top_level_optional_imports__unused_but_likely(tmp_path: Path) -> None:
    files = {"starlette/formparsers.py": FORMPARSERS, "starlette/requests.py": REQUESTS}
    built = _env(tmp_path, "starlette", files, MULTIPART)

    uses = _uses(built, "python-multipart", "starlette")
    verdict = _verdict(tmp_path, built, "python-multipart", "starlette")

    assert [(u.file.name, u.line, u.optional) for u in uses] == [
        ("formparsers.py", 11, True),
        ("requests.py", 8, True),
    ]
    assert (verdict.status, verdict.confidence) == ("unused", "likely")


# --- the line reads on their own ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "raises"),
    [
        ("try:\n    import x\nexcept (\n    ImportError,\n):\n    raise\n", True),
        (
            "try:\n    import x\nexcept ValueError:\n    raise\nexcept ImportError:\n    x = 0\n",
            False,
        ),
        (
            "try:\n    import x\nexcept ImportError:\n    x = 0\nexcept Exception:\n    raise\n",
            True,
        ),
        ("try:\n    import x\nexcept ImportError:\n    raise_if_missing = True\n", False),
        ("try:\n    import x\nexcept ImportError:\n    pass\nelse:\n    raise SystemExit\n", False),
        ("try:\n    import x\n", False),
    ],
    ids=["split-header", "other-error", "second-clause", "a-name", "else", "no-handler"],
)
def test_handler_raises__clauses_that_catch_import_error__raise_anywhere(
    code: str, raises: bool
) -> None:
    assert shapes.handler_raises(code.splitlines(), 2) is raises


@pytest.mark.parametrize(
    ("code", "line", "guarded"),
    [
        ("try:\n    import x\nexcept ImportError:\n    pass\n", 2, False),
        ('if "x" in sys.modules:\n    with lock:\n        import x\n', 3, True),
        ('if "x" in sys.modules:\n    async def f():\n        import x\n', 3, False),
        ('if "x" in sys.modules:\n    match y:\n        case 1:\n            import x\n', 4, False),
        ('    "x" in sys.modules\n):\n    import x\n', 3, False),
    ],
    ids=["module-top", "with", "async-def", "match", "header-start-not-found"],
)
def test_under_loaded_guard__walks_up_to_the_nearest_if(
    code: str, line: int, guarded: bool
) -> None:
    assert shapes.under_loaded_guard(code.splitlines(), line, {"x"}, bare=False) is guarded
