"""Plugins proven by their tool's configuration (mkdocs, Sphinx, flake8, pylint), plugins of
consumers that load every installed one, and plugins whose use cannot be checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import NormalizedName

from depsize.analyze import Settings, analyze
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.imports.toolplugins import mkdocs_names, sphinx_names
from depsize.join.model import EnvUses
from depsize.models import InstalledDist
from depsize.verdicts import Verdict
from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages

from ..imports.helpers import uses_of


def _dist(name: str, module: str, entry_points: str = "", script: str = "") -> DistSpec:
    files = {f"{module}/__init__.py": 10}
    if script:
        files[f"../../../bin/{script}"] = 10
        entry_points += f"[console_scripts]\n{script} = {module}:main\n"
    return DistSpec(name, files=files, entry_points=entry_points or None)


DISTS = [
    _dist("mkdocs", "mkdocs", "[mkdocs.plugins]\nsearch = mkdocs.search:Search\n", "mkdocs"),
    _dist("mkdocs-material", "material", "[mkdocs.themes]\nmaterial = material\n"),
    _dist("mkdocstrings", "mkdocstrings", "[mkdocs.plugins]\nmkdocstrings = mkdocstrings:P\n"),
    DistSpec("mkdocstrings-python", files={"mkdocstrings_handlers/python/__init__.py": 10}),
    _dist("mkdocs-unused-plugin", "mkunused", "[mkdocs.plugins]\nunusedp = mkunused:P\n"),
    _dist("pymdown-extensions", "pymdownx"),
    _dist("sphinx", "sphinx", script="sphinx-build"),
    _dist("furo", "furo", "[sphinx.html_themes]\nfuro = furo\n"),
    _dist("myst-parser", "myst_parser"),
    _dist("flake8", "flake8", script="flake8"),
    _dist("flake8-bugbear", "bugbear", "[flake8.extension]\nB = bugbear:BugBearChecker\n"),
    _dist("flake8-docstrings", "flake8_docstrings", "[flake8.extension]\nD = x:y\n"),
    _dist("flake8-json", "flake8_json", "[flake8.report]\njson = flake8_json:Json\n"),
    _dist("pylint", "pylint", script="pylint"),
    _dist("pylint-django", "pylint_django"),
    _dist("keyring", "keyring"),
    _dist("keyrings-alt", "keyrings_alt", "[keyring.backends]\nalt = keyrings_alt.file\n"),
    _dist("sqlalchemy", "sqlalchemy"),
    _dist("snowdialect", "snowdialect", "[sqlalchemy.dialects]\nsnow = snowdialect:D\n"),
]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site_packages(tmp_path_factory.mktemp("toolplugins"), DISTS).prefix


@pytest.fixture(scope="module")
def dists(env: Path) -> dict[NormalizedName, InstalledDist]:
    return scan_env(from_prefix(env, how="test")).dists


def _plugins(result: EnvUses, root: Path) -> dict[str, tuple[str, str | None, int | None]]:
    out: dict[str, tuple[str, str | None, int | None]] = {}
    for use in result.plugins:
        where = use.file.relative_to(root).as_posix() if use.file else None
        out.setdefault(use.dist, (use.reason, where, use.line))
    return out


MKDOCS_YML = """site_name: x
theme:
  name: material
plugins:
  - search
  - mkdocstrings:
      default_handler: python
      handlers:
        python:
          options:
            show_source: false
markdown_extensions:
  - toc:
      permalink: true
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
"""


def test_mkdocs_names__yml__plugins_theme_extensions_handlers_and_tags(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")

    names = [(n.kind, n.name, n.line) for n in mkdocs_names(tmp_path / "mkdocs.yml")]

    assert names == [
        ("theme", "material", 3),
        ("plugin", "search", 5),
        ("plugin", "mkdocstrings", 6),
        ("handler", "python", 7),
        ("handler", "python", 9),
        ("extension", "toc", 13),
        ("extension", "pymdownx.emoji", 15),
        ("module", "material.extensions.emoji.twemoji", 16),
    ]


def test_mkdocs_names__mkdocstrings_without_handler__python_by_default(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\ntheme: readthedocs\nplugins: [search, mkdocstrings]\n", encoding="utf-8"
    )

    names = [(n.kind, n.name, n.line) for n in mkdocs_names(tmp_path / "mkdocs.yml")]

    assert names == [
        ("theme", "readthedocs", 2),
        ("plugin", "search", 3),
        ("plugin", "mkdocstrings", 3),
        ("handler", "python", 3),
    ]


def test_analyze_imports__mkdocs_yml__each_named_plugin_with_its_line_unnamed_one_not(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(tmp_path / "docsproj", {"mkdocs.yml": MKDOCS_YML})

    found = _plugins(uses_of(root, dists, (3, 11)), root)

    assert found["mkdocs-material"] == ("mkdocs theme material", "mkdocs.yml", 3)
    assert found["mkdocstrings"] == ("mkdocs plugin mkdocstrings", "mkdocs.yml", 6)
    assert found["mkdocstrings-python"] == ("mkdocs handler python", "mkdocs.yml", 7)
    assert found["pymdown-extensions"] == ("mkdocs extension pymdownx.emoji", "mkdocs.yml", 15)
    assert "mkdocs-unused-plugin" not in found
    assert "mkdocs" not in found  # its own search plugin: mkdocs is the tool itself


def test_analyze_imports__sphinx_conf__extensions_and_theme(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(
        tmp_path / "proj",
        {
            "docs/conf.py": 'extensions = [\n    "sphinx.ext.autodoc",\n]\n'
            'extensions.append("myst_parser")\nhtml_theme = "furo"\n',
        },
    )

    found = _plugins(uses_of(root, dists, (3, 11)), root)
    names = [(n.kind, n.name, n.line) for n in sphinx_names(root / "docs" / "conf.py")]

    assert names == [
        ("extension", "sphinx.ext.autodoc", 2),
        ("extension", "myst_parser", 4),
        ("theme", "furo", 5),
    ]
    assert found["myst-parser"] == ("sphinx extension myst_parser", "docs/conf.py", 4)
    assert found["furo"] == ("sphinx theme furo", "docs/conf.py", 5)
    assert "sphinx" not in found


def test_analyze_imports__flake8_configured__extensions_act_code_in_config_is_evidence(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(
        tmp_path / "proj",
        {
            ".flake8": "[flake8]\nextend-select = B950\nformat = json\n",
            "app.py": "print(1)\n",
        },
    )

    found = _plugins(uses_of(root, dists, (3, 11)), root)

    assert found["flake8-bugbear"] == ("flake8 code B950 in extend-select", ".flake8", 2)
    assert found["flake8-docstrings"] == (
        "flake8 extension (D): flake8 runs every installed one",
        None,
        None,
    )
    assert found["flake8-json"] == ("flake8 format json", ".flake8", 3)


def test_analyze_imports__flake8_not_used__its_extensions_are_not_plugins(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(tmp_path / "proj", {"app.py": "print(1)\n"})

    found = _plugins(uses_of(root, dists, (3, 11)), root)

    assert not {"flake8-bugbear", "flake8-docstrings", "flake8-json"} & set(found)


def test_analyze_imports__pylint_load_plugins__plugin_with_its_line(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(tmp_path / "proj", {".pylintrc": "[MAIN]\nload-plugins = pylint_django\n"})

    found = _plugins(uses_of(root, dists, (3, 11)), root)

    assert found["pylint-django"] == ("pylint load-plugins pylint_django", ".pylintrc", 2)


def test_analyze_imports__consumer_loading_every_plugin_used__plugin_acts_on_install(
    tmp_path: Path, dists: dict[NormalizedName, InstalledDist]
) -> None:
    root = write_files(tmp_path / "proj", {"app.py": "import keyring\nimport sqlalchemy\n"})

    result = uses_of(root, dists, (3, 11))

    assert _plugins(result, root)["keyrings-alt"] == (
        "keyring.backends plugin: keyring loads every installed one",
        None,
        None,
    )
    assert [(p.dist, p.reason) for p in result.unproven_plugins] == [
        (
            "snowdialect",
            "registers a sqlalchemy.dialects plugin for sqlalchemy, which the project uses",
        )
    ]


def test_verdict__unproven_plugin__unused_but_only_likely(tmp_path: Path, env: Path) -> None:
    root = write_files(
        tmp_path / "proj",
        {
            "requirements.txt": "sqlalchemy\nsnowdialect\nmkdocs-unused-plugin\n",
            "app.py": "import sqlalchemy\n",
        },
    )

    analysis = analyze(Settings(project=root, env_dir=env, use_cache=False))

    assert analysis.judgement is not None
    verdicts: dict[str, Verdict] = {v.requirement.name: v for v in analysis.judgement.verdicts}
    snow = verdicts["snowdialect"]
    assert (snow.status, snow.confidence) == ("unused", "likely")
    assert snow.confidence_reason is not None
    assert "sqlalchemy.dialects" in snow.confidence_reason
    unused = verdicts["mkdocs-unused-plugin"]
    assert (unused.status, unused.confidence) == ("unused", "certain")
    assert analysis.judgement.removable == ("mkdocs-unused-plugin",)
