"""How sure a ``transitive-only`` line can go: certain when it asks for nothing its requirers do
not; likely for a pin, an extra no requirer asks for, or a requirer that needs it only on some
machines."""

from __future__ import annotations

from pathlib import Path

from depsize.imports.model import ImportSite
from depsize.requirements.model import DeclaredRequirement
from depsize.verdicts import Verdict
from support.judging import declared, judge_env
from support.site_packages import DistSpec, make_site_packages

SPECS = [
    DistSpec(
        "web",
        files={"web/__init__.py": 100},
        requires=(
            "shared>=3.0",
            "plain",
            "fancy",
            'green; python_version >= "3"',
            'mixed; python_version >= "3"',
            "legacy",
        ),
    ),
    DistSpec("tools", files={"tools/__init__.py": 100}, requires=("mixed",)),
    DistSpec("shared", version="3.1.2", files={"shared/__init__.py": 200}),
    DistSpec("plain", files={"plain/__init__.py": 200}),
    DistSpec(
        "fancy",
        files={"fancy/__init__.py": 200},
        extras=("speed",),
        requires=('fast; extra == "speed"',),
    ),
    DistSpec("fast", files={"fast/__init__.py": 50}),
    DistSpec("green", files={"green/__init__.py": 200}),
    DistSpec("mixed", files={"mixed/__init__.py": 200}),
    DistSpec("legacy", files={"legacy/__init__.py": 200}),
]


def _req(
    name: str,
    line: int,
    *,
    spec: str = "",
    extras: frozenset[str] = frozenset(),
    marker: str | None = None,
) -> DeclaredRequirement:
    return declared(name, line, spec=spec, extras=extras, marker=marker)


def _verdicts(
    tmp_path: Path, requirements: tuple[DeclaredRequirement, ...], unreadable_files: int = 0
) -> dict[str, Verdict]:
    built = make_site_packages(tmp_path, SPECS)
    web = ImportSite("web", Path("app.py"), 1, "runtime", False, "live")
    result = judge_env(
        built.prefix, tmp_path, requirements, (web,), unreadable_files=unreadable_files
    )
    return {v.requirement.name: v for v in result.verdicts}


def test_judge__transitive_lines__confidence_by_what_the_line_adds(tmp_path: Path) -> None:
    declared = (
        _req("web", 1),
        _req("tools", 2),
        _req("shared", 3, spec="==3.1.2"),
        _req("plain", 4),
        _req("fancy", 5, extras=frozenset({"speed"})),
        _req("green", 6),
        _req("mixed", 7),
        _req("legacy", 8),
        _req("legacy", 9, spec="<2", marker='python_version < "3"'),
    )
    verdicts = _verdicts(tmp_path, declared)

    seen = {
        name: (v.status, v.confidence, v.pin)
        for name, v in verdicts.items()
        if name not in ("web", "tools")
    }
    assert seen == {
        "shared": ("transitive-only", "likely", True),
        "plain": ("transitive-only", "certain", False),
        "fancy": ("transitive-only", "likely", False),
        "green": ("transitive-only", "likely", False),
        # tools needs it everywhere, web only where its marker holds
        "mixed": ("transitive-only", "certain", False),
        # the narrower line is for Python 2 only: here the line asks for nothing more
        "legacy": ("transitive-only", "certain", False),
    }
    assert verdicts["shared"].confidence_reason == (
        "the line pins shared==3.1.2, narrower than web asks >=3.0: without it pip picks the "
        "version by their ranges"
    )
    assert verdicts["fancy"].confidence_reason == (
        "the line asks for fancy[speed], an extra no requirer asks for: without it that "
        "extra's packages may go"
    )
    assert verdicts["green"].confidence_reason == (
        'web requires it only where `python_version >= "3"`: elsewhere the line is what installs it'
    )
    assert verdicts["plain"].confidence_reason is None


def test_judge__transitive_line_unreadable_project_files__likely(tmp_path: Path) -> None:
    plain = _verdicts(tmp_path, (_req("web", 1), _req("plain", 2)), unreadable_files=1)["plain"]
    assert (plain.status, plain.confidence) == ("transitive-only", "likely")
    assert plain.confidence_reason == "1 project file could not be read"
