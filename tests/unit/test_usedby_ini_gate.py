"""An import a used library runs only when a pytest ini key is set (pytest-mock loads the ``mock``
backport only with ``mock_use_standalone_module``) is a use only for a project that sets it."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import NormalizedName

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.usedby import find_dependency_uses, shapes
from depsize.verdicts import Verdict
from support.projects import write_files
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

UTIL = b'''_mock_module = None


def get_mock_module(config):
    """The mock module the user asked for."""
    global _mock_module
    if _mock_module is None:
        use_standalone_module = parse_ini_boolean(
            config.getini("mock_use_standalone_module")
        )
        if use_standalone_module:
            import mock  # noqa

            _mock_module = mock
        else:
            import unittest.mock

            _mock_module = unittest.mock
    return _mock_module


def parse_ini_boolean(value):
    return value in (True, "true")
'''


def _env(tmp_path: Path) -> BuiltEnv:
    return make_site_packages(
        tmp_path / "env",
        [
            DistSpec(
                "plugmock",
                contents={
                    "plugmock/__init__.py": b"from plugmock._util import get_mock_module\n",
                    "plugmock/_util.py": UTIL,
                },
            ),
            DistSpec("mock", files={"mock/__init__.py": 100}),
        ],
    )


def _mock_verdict(tmp_path: Path, extra: dict[str, str]) -> Verdict:
    from depsize.analyze import Settings, analyze

    project = write_files(
        tmp_path / "project",
        {"requirements.txt": "plugmock\nmock\n", "app.py": "import plugmock\n", **extra},
    )
    analysis = analyze(Settings(project=project, env_dir=_env(tmp_path).prefix, use_cache=False))
    assert analysis.judgement is not None
    return next(v for v in analysis.judgement.verdicts if v.requirement.name == "mock")


def test_find_dependency_uses__import_under_ini_flag__use_names_the_key(tmp_path: Path) -> None:
    built = _env(tmp_path)
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    graph = build_graph(scan.dists, env.marker_environment())

    found = find_dependency_uses(
        scan, graph, {NormalizedName("mock")}, {(NormalizedName("plugmock"), "")}
    )

    (use,) = found.uses[NormalizedName("mock")]
    assert (use.function, use.line, use.ini_key) == (
        "get_mock_module",
        12,
        "mock_use_standalone_module",
    )


def test_judge__ini_key_not_set__mock_unused_and_certain(tmp_path: Path) -> None:
    verdict = _mock_verdict(tmp_path, {"pytest.ini": "[pytest]\naddopts = -q\n"})
    assert (verdict.status, verdict.confidence) == ("unused", "certain")


@pytest.mark.parametrize(
    "extra",
    [
        {"pytest.ini": "[pytest]\nmock_use_standalone_module = true\n"},
        {"pyproject.toml": "[tool.pytest.ini_options]\nmock_use_standalone_module = true\n"},
        {"pytest.ini": "[pytest]\naddopts = -o mock_use_standalone_module=true\n"},
        {"tox.ini": "[testenv]\ncommands = pytest --override-ini=mock_use_standalone_module=1\n"},
    ],
)
def test_judge__ini_key_set__mock_used_by_dependency(tmp_path: Path, extra: dict[str, str]) -> None:
    verdict = _mock_verdict(tmp_path, extra)
    assert verdict.status == "used-by-dependency"
    assert "get_mock_module" in verdict.evidence[0].text


@pytest.mark.parametrize(
    ("source", "line", "key"),
    [
        ('def f(config):\n    if config.getini("x_opt"):\n        import foo\n', 3, "x_opt"),
        (
            "def f(config):\n    if config.getini('x_opt'):\n        try:\n            import foo\n"
            "        except ImportError:\n            pass\n",
            4,
            "x_opt",
        ),
        ('def f(config):\n    if not config.getini("x_opt"):\n        import foo\n', 3, None),
        (
            'def f(config):\n    flag = config.getini("x_opt")\n'
            "    if not flag:\n        import foo\n",
            4,
            None,
        ),
        ("def f(config):\n    flag = other()\n    if flag:\n        import foo\n", 4, None),
        (
            'def g(config):\n    flag = config.getini("x_opt")\n\n\ndef f():\n    if flag:\n'
            "        import foo\n",
            7,
            None,
        ),
        (
            'def f(config):\n    if config.getini("x_opt"):\n        pass\n    else:\n'
            "        import foo\n",
            5,
            None,
        ),
        ('def f(config):\n    if config.getini("x_opt") or force:\n        import foo\n', 3, None),
        ("import foo\n", 1, None),
        (
            'def f(config):\n    flag = True\n    x = config.getini("x_opt")\n    if flag:\n'
            "        import foo\n",
            5,
            None,
        ),
    ],
)
def test_ini_gate__conditions__the_key_only_when_the_import_needs_it(
    source: str, line: int, key: str | None
) -> None:
    assert shapes.ini_gate(source.splitlines(), line) == key
