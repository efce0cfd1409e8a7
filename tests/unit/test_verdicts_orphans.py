"""Declared requirements that only removable requirements need: they go with them.

A ``pip freeze``-style file declares ``aiosmtpd`` (unused) and ``atpublic``, which only aiosmtpd
requires: removing aiosmtpd alone leaves atpublic installed for nothing. Every environment here
is a real site-packages folder in ``tmp_path`` and the project a real folder; sizes come from the
bytes the test writes.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.utils import canonicalize_name

from depsize.analyze import Settings, analyze
from depsize.cli import main
from depsize.units import human
from depsize.verdicts import Verdict
from support.projects import app_project, verdicts_of
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

DISTS = [
    DistSpec("web", files={"web/__init__.py": 100}, requires=("shared",)),
    DistSpec("shared", files={"shared/__init__.py": 200}),
    DistSpec("gone", files={"gone/__init__.py": 1000}, requires=("shared", "solo", "mid")),
    DistSpec("solo", files={"solo/__init__.py": 3000}),
    DistSpec("mid", files={"mid/__init__.py": 500}, requires=("leaf",)),
    DistSpec("leaf", files={"leaf/__init__.py": 700}),
    DistSpec("tool", files={"tool/__init__.py": 50}, requires=("toolpart",)),
    DistSpec("toolpart", files={"toolpart/__init__.py": 60}),
]
REQUIREMENTS = "web\nshared==1.0\ngone\nsolo==1.0\nmid==1.0\nleaf==1.0\n"
"""Every line of a freeze: web is used, gone unused; solo, mid and leaf only gone needs."""


def _project(root: Path, requirements: str = REQUIREMENTS, app: str = "import web\n") -> Path:
    return app_project(root, requirements, app)


def _verdicts(project: Path, built: BuiltEnv) -> dict[str, Verdict]:
    return verdicts_of(project, built.prefix)


@pytest.fixture
def built(tmp_path: Path) -> BuiltEnv:
    return make_site_packages(tmp_path, DISTS)


def test_judge__pins_only_an_unused_requirement_needs__unused_with_it(
    tmp_path: Path, built: BuiltEnv
) -> None:
    verdicts = _verdicts(_project(tmp_path), built)

    statuses = {name: (v.status, v.confidence, v.pin) for name, v in verdicts.items()}
    assert statuses == {
        "web": ("used", None, False),
        "shared": ("transitive-only", "likely", True),  # web, which stays, needs it; a pin
        "gone": ("unused", "certain", False),
        "solo": ("unused", "certain", False),
        "mid": ("unused", "certain", False),
        "leaf": ("unused", "certain", False),  # through mid, itself gone's alone
    }
    solo = verdicts["solo"]
    assert [(e.kind, e.text, e.line) for e in solo.evidence] == [
        ("orphan", "only gone (unused) needs it", 3)
    ]
    assert verdicts["leaf"].required_by == ("gone", "mid")
    assert [e.text for e in verdicts["leaf"].evidence] == ["only gone (unused) needs it"]


def test_judge__orphans__freed_together_with_their_requirer(
    tmp_path: Path, built: BuiltEnv
) -> None:
    analysis = analyze(Settings(project=_project(tmp_path), env_dir=built.prefix, use_cache=False))
    judgement = analysis.judgement
    assert judgement is not None

    assert judgement.removable == ("gone", "leaf", "mid", "solo")
    # gone's own files and the three only it needed; shared stays with web
    own: dict[str, int] = {d.name: d.own_bytes for d in analysis.scan.dists.values()}
    assert judgement.removable_freed == sum(own[n] for n in ("gone", "solo", "mid", "leaf"))
    assert judgement.removable_freed > own["gone"] + 4200


def test_judge__a_kept_requirement_reaches_it__stays_transitive_only(
    tmp_path: Path, built: BuiltEnv
) -> None:
    verdicts = _verdicts(_project(tmp_path, app="import web\nimport mid\n"), built)

    assert verdicts["mid"].status == "used"
    assert verdicts["leaf"].status == "transitive-only"  # mid, used, needs it
    assert verdicts["solo"].status == "unused"


def test_judge__an_undeclared_distribution_the_project_uses_reaches_it__kept(
    tmp_path: Path, built: BuiltEnv
) -> None:
    requirements = REQUIREMENTS.replace("mid==1.0\n", "")
    verdicts = _verdicts(_project(tmp_path, requirements, "import web\nimport mid\n"), built)

    assert "mid" not in verdicts  # imported, not declared: mid (and its leaf) must stay
    assert verdicts["leaf"].status == "transitive-only"
    assert verdicts["solo"].status == "unused"


def test_judge__a_used_distribution_imports_it__stays_transitive_only(tmp_path: Path) -> None:
    built = make_site_packages(
        tmp_path,
        [
            DistSpec(
                "web",
                contents={
                    "web/__init__.py": b"from web import extra\n",
                    "web/extra.py": b"import solo\n",
                },
            ),
            DistSpec("gone", files={"gone/__init__.py": 1000}, requires=("solo",)),
            DistSpec("solo", files={"solo/__init__.py": 3000}),
        ],
    )

    verdicts = _verdicts(_project(tmp_path, "web\ngone\nsolo==1.0\n"), built)

    assert verdicts["gone"].status == "unused"
    assert (verdicts["solo"].status, verdicts["solo"].pin) == ("transitive-only", True)


def test_judge__its_requirer_only_likely_unused__likely_too(tmp_path: Path) -> None:
    broken = b"def f(:\n    import gone\n"
    dists = [
        DistSpec("web", contents={"web/__init__.py": b"", "web/bad.py": broken}),
        DistSpec("gone", files={"gone/__init__.py": 1000}, requires=("solo",)),
        DistSpec("solo", files={"solo/__init__.py": 3000}),
    ]
    built = make_site_packages(tmp_path, dists)

    verdicts = _verdicts(_project(tmp_path, "web\ngone\nsolo==1.0\n"), built)

    assert (verdicts["gone"].status, verdicts["gone"].confidence) == ("unused", "likely")
    assert (verdicts["solo"].status, verdicts["solo"].confidence) == ("unused", "likely")
    assert verdicts["solo"].confidence_reason == "it goes with gone, which is only likely unused"


def test_judge__its_requirer_ignored__stays_transitive_only(
    tmp_path: Path, built: BuiltEnv
) -> None:
    ignore = {"unused": frozenset({canonicalize_name("gone")})}
    settings = Settings(project=_project(tmp_path), env_dir=built.prefix, use_cache=False)
    analysis = analyze(replace(settings, ignore=ignore))
    assert analysis.judgement is not None
    verdicts: dict[str, Verdict] = {v.requirement.name: v for v in analysis.judgement.verdicts}

    assert verdicts["gone"].ignored
    assert {verdicts[n].status for n in ("solo", "mid", "leaf")} == {"transitive-only"}


def test_cli__orphans__in_findings_json_and_trim(tmp_path: Path, built: BuiltEnv) -> None:
    project = _project(tmp_path)

    def run(*args: str) -> tuple[str, str]:
        result = CliRunner().invoke(main, args, env={"DEPSIZE_PROGRESS": "0", "COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        return result.stdout, result.stderr

    common = (str(project), "--env", str(built.prefix), "--no-cache")
    table, _ = run("scan", *common)
    data = json.loads(run("scan", *common, "--format", "json")[0])
    diff, summary = run("trim", *common)

    solo = next(r for r in data["requirements"] if r["name"] == "solo")
    own = human(solo["own_bytes"])
    assert (
        "requirements.txt:4: solo (unused): not imported, run or configured, and only gone "
        f"(unused) needs it (requirements.txt:3); removed with it, its {own} go too"
    ) in table.replace("\n", " ")
    assert (solo["status"], solo["confidence"], solo["pin"]) == ("unused", "certain", False)
    assert solo["evidence"][0]["kind"] == "orphan"
    assert sorted(data["summary"]["removable"]) == ["gone", "leaf", "mid", "solo"]
    for line in ("-gone", "-solo==1.0", "-mid==1.0", "-leaf==1.0"):
        assert f"\n{line}\n" in diff
    assert "\n web\n" in diff
    assert "\n shared==1.0\n" in diff
    assert f"removed solo (unused, frees {own})" in summary
