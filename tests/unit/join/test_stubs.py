"""Type stub distributions: what they type (from their files) and the verdict on them."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import NormalizedName

from depsize.analyze import Settings, analyze
from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.join.stubs import stub_targets
from depsize.models import InstalledDist
from depsize.verdicts import Verdict
from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages

STUBS = [
    DistSpec("requests", files={"requests/__init__.py": 100, "requests/adapters.py": 50}),
    DistSpec("toml", files={"toml/__init__.py": 80}),
    DistSpec("python-slugify", files={"slugify/__init__.py": 60}),
    DistSpec(
        "types-requests",
        files={"requests-stubs/__init__.pyi": 30, "requests-stubs/adapters.pyi": 20},
    ),
    DistSpec("types-toml", files={"toml-stubs/__init__.pyi": 25}),
    DistSpec("types-python-slugify", files={"slugify-stubs/__init__.pyi": 15}),
    DistSpec(
        "types-protobuf",
        files={"google-stubs/protobuf/__init__.pyi": 40, "google-stubs/_upb/__init__.pyi": 5},
    ),
    DistSpec("boto3-stubs", files={"boto3-stubs/__init__.pyi": 35, "boto3-stubs/py.typed": 8}),
    DistSpec("foo-partial", files={"foo/__init__.pyi": 12, "foo/py.typed": 8}),
    DistSpec("types-nofiles", record=False),
    DistSpec("plainlib", files={"plainlib/__init__.py": 10}),
]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site_packages(tmp_path_factory.mktemp("stubs"), STUBS).prefix


@pytest.fixture(scope="module")
def dists(env: Path) -> dict[NormalizedName, InstalledDist]:
    return scan_env(from_prefix(env, how="test")).dists


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("types-requests", ("requests",)),
        ("types-python-slugify", ("slugify",)),
        ("types-protobuf", ("google._upb", "google.protobuf")),
        ("boto3-stubs", ("boto3",)),
        ("foo-partial", ("foo",)),
        ("types-nofiles", ("nofiles",)),
        ("plainlib", ()),
        ("requests", ()),
    ],
)
def test_stub_targets__files_say_what_is_typed(
    dists: dict[NormalizedName, InstalledDist], name: str, typed: tuple[str, ...]
) -> None:
    assert stub_targets(dists[NormalizedName(name)]) == typed


def _verdicts(project: Path, env: Path) -> dict[str, Verdict]:
    analysis = analyze(Settings(project=project, env_dir=env, use_cache=False))
    assert analysis.judgement is not None
    return {v.requirement.name: v for v in analysis.judgement.verdicts}


def test_verdict__stubs_of_imported_module_with_mypy__types_with_import_and_checker(
    tmp_path: Path, env: Path
) -> None:
    project = write_files(
        tmp_path / "proj",
        {
            "requirements.txt": "requests\ntypes-requests\ntypes-toml\ntypes-python-slugify\n",
            "app.py": "import requests\nfrom slugify import slugify\n",
            "pyproject.toml": '[project]\nname = "p"\n\n[tool.mypy]\nstrict = true\n',
        },
    )

    verdicts = _verdicts(project, env)

    stubs = verdicts["types-requests"]
    assert stubs.status == "types"
    assert [(e.file.name if e.file else None, e.line, e.kind) for e in stubs.evidence] == [
        ("app.py", 1, "types"),
        ("pyproject.toml", 4, "type-checker"),
    ]
    assert stubs.confidence is None
    assert verdicts["types-python-slugify"].status == "types"
    # nothing imports toml: the stubs are removable, and certain
    assert (verdicts["types-toml"].status, verdicts["types-toml"].confidence) == (
        "unused",
        "certain",
    )


def test_verdict__stubs_without_type_checker__unused_but_only_likely(
    tmp_path: Path, env: Path
) -> None:
    project = write_files(
        tmp_path / "proj",
        {"requirements.txt": "requests\ntypes-requests\n", "app.py": "import requests\n"},
    )

    verdict = _verdicts(project, env)["types-requests"]

    assert (verdict.status, verdict.confidence) == ("unused", "likely")
    assert verdict.confidence_reason == (
        "stubs for requests, which is imported, but no type checker is run"
    )


def test_verdict__type_checker_run_by_ci_and_import_only_in_tests__types(
    tmp_path: Path, env: Path
) -> None:
    project = write_files(
        tmp_path / "proj",
        {
            "requirements.txt": "types-requests\n",
            "app.py": "print(1)\n",
            "tests/test_http.py": "import requests.adapters\n",
            ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: uv run mypy .\n",
        },
    )

    verdict = _verdicts(project, env)["types-requests"]

    assert verdict.status == "types"
    assert [(e.kind, e.scope, e.line) for e in verdict.evidence] == [
        ("types", "test", 1),
        ("type-checker", "live", 4),
    ]
    assert verdict.evidence[-1].text == "type checker run: uv run mypy ."
