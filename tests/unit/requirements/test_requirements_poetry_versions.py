"""Poetry version constraints converted to PEP 440 specifiers and markers."""

from __future__ import annotations

import pytest

from depsize.requirements.poetry import poetry_parts, poetry_specifier, python_marker
from depsize.requirements.targets import TargetError


@pytest.mark.parametrize(
    ("constraint", "specifier"),
    [
        ("^1.2.3", "<2.0.0,>=1.2.3"),
        ("^1.2", "<2.0,>=1.2"),
        ("^1", "<2,>=1"),
        ("^0.2.3", "<0.3.0,>=0.2.3"),
        ("^0.0.3", "<0.0.4,>=0.0.3"),
        ("^0.0", "<0.1,>=0.0"),
        ("^0", "<1,>=0"),
        ("~1.2.3", "<1.3.0,>=1.2.3"),
        ("~1.2", "<1.3,>=1.2"),
        ("~1", "<2,>=1"),
        ("~=1.2", "~=1.2"),
        ("*", ""),
        ("", ""),
        ("1.2.*", "==1.2.*"),
        ("1.2.3", "==1.2.3"),
        ("=1.2", "==1.2"),
        (">= 1.2, < 2.0", "<2.0,>=1.2"),
        (">=1.2 <2.0", "<2.0,>=1.2"),
        ("!=1.5", "!=1.5"),
    ],
)
def test_poetry_specifier__constraint__pep440(constraint: str, specifier: str) -> None:
    assert poetry_specifier(constraint) == specifier


@pytest.mark.parametrize("constraint", ["^1 || ^2", ">=1 | <0.5", "^abc", ">=1.0.0.0.x"])
def test_poetry_specifier__not_expressible__target_error(constraint: str) -> None:
    with pytest.raises(TargetError):
        poetry_specifier(constraint)


@pytest.mark.parametrize(
    ("constraint", "marker"),
    [
        ("^3.8", 'python_version >= "3.8" and python_version < "4.0"'),
        (">=3.8.1", 'python_full_version >= "3.8.1"'),
        ("3.11.*", 'python_version == "3.11.*"'),
        ("*", None),
    ],
)
def test_python_marker__constraint__marker(constraint: str, marker: str | None) -> None:
    assert python_marker(constraint) == marker


def test_poetry_parts__platform_python_markers__combined() -> None:
    parts = poetry_parts(
        "pywin32",
        {"version": "*", "platform": "win32", "python": ">=3.9", "markers": "os_name == 'nt'"},
    )
    assert parts.marker == 'python_version >= "3.9" and sys_platform == "win32" and os_name == "nt"'


def test_poetry_parts__url_and_git_subdirectory__url() -> None:
    assert poetry_parts("a", {"url": "https://x/a.whl"}).url == "https://x/a.whl"
    git = poetry_parts("b", {"git": "https://g/b.git", "branch": "main", "subdirectory": "py"})
    assert git.url == "git+https://g/b.git@main#subdirectory=py"


def test_poetry_parts__bad_value__target_error() -> None:
    with pytest.raises(TargetError, match="unsupported value"):
        poetry_parts("a", 3)
    with pytest.raises(TargetError):
        poetry_parts("a", {"markers": "not a marker"})
