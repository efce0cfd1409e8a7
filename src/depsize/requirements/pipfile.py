"""``Pipfile``: ``[packages]`` (main), ``[dev-packages]`` (dev) and pipenv's other categories.

A value is ``"*"``, a specifier (``">=1.2"``; a bare ``"1.2"`` means ``==1.2``) or a table with
``version``, ``extras``, ``markers``, marker keys (``sys_platform = "== 'win32'"``), ``editable``,
``path``/``file`` and ``git`` (with ``ref``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from depsize.models import ScanWarning
from depsize.requirements.model import (
    MAIN_GROUP,
    DeclaredRequirement,
    FormatResult,
    GroupKind,
    SourceFile,
)
from depsize.requirements.targets import Origin, Parts, TargetError, build, first_line, join_markers
from depsize.requirements.tomlfile import TomlDocument, read_toml

_NOT_PACKAGES = frozenset({"source", "requires", "scripts", "pipenv"})
_MARKER_KEYS = (
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
)


def pipfile_specifier(value: str) -> str:
    text = value.strip()
    if text in {"", "*"}:
        return ""
    if text[:1].isdigit():
        text = f"=={text}"
    try:
        return str(SpecifierSet(text))
    except InvalidSpecifier as exc:
        raise TargetError(first_line(str(exc))) from None


def _marker(table: dict[str, Any]) -> str | None:
    parts = [f"{key} {table[key]}" for key in _MARKER_KEYS if isinstance(table.get(key), str)]
    if isinstance(table.get("markers"), str):
        parts.append(table["markers"])
    return join_markers(parts)


def _url(table: dict[str, Any]) -> str | None:
    if isinstance(table.get("git"), str):
        git = table["git"]
        url = git if git.startswith("git+") else f"git+{git}"
        ref = table.get("ref")
        url += f"@{ref}" if isinstance(ref, str) else ""
        sub = table.get("subdirectory")
        return url + (f"#subdirectory={sub}" if isinstance(sub, str) else "")
    file = table.get("file")
    return file if isinstance(file, str) and "://" in file else None


def pipfile_parts(name: str, spec: object) -> Parts:
    """The fields of one Pipfile entry."""
    if isinstance(spec, str):
        return Parts(name, specifier=pipfile_specifier(spec))
    if not isinstance(spec, dict):
        raise TargetError(f"unsupported value {spec!r}")
    version, extras, path = spec.get("version"), spec.get("extras"), spec.get("path")
    if path is None and isinstance(spec.get("file"), str) and "://" not in spec["file"]:
        path = spec["file"]
    return Parts(
        name,
        extras=frozenset(str(e) for e in extras) if isinstance(extras, list) else frozenset(),
        specifier=pipfile_specifier(version) if isinstance(version, str) else "",
        marker=_marker(spec),
        url=_url(spec),
        local_path=path if isinstance(path, str) else None,
        editable=spec.get("editable") is True,
    )


def _group(section: str) -> tuple[str, GroupKind]:
    if section == "packages":
        return MAIN_GROUP, "main"
    if section == "dev-packages":
        return "dev", "group"
    return section, "group"


def read_pipfile(path: Path) -> FormatResult:
    """Every package ``path`` declares; :class:`InputError` if it is not valid TOML."""
    return pipfile_requirements(read_toml(path))


def pipfile_requirements(doc: TomlDocument) -> FormatResult:
    """Every package the parsed Pipfile ``doc`` declares."""
    path = doc.path
    requirements: list[DeclaredRequirement] = []
    warnings: list[ScanWarning] = []
    for section, table in doc.data.items():
        if section in _NOT_PACKAGES or not isinstance(table, dict):
            continue
        group, kind = _group(section)
        for name, spec in table.items():
            span = doc.entry_span((section, name))
            line, end_line = doc.lines(span)
            raw = doc.text[span[0] : span[1]]
            origin = Origin(path, line, end_line, raw, group, kind, span)
            try:
                requirements.append(build(pipfile_parts(name, spec), origin))
            except TargetError as exc:
                warnings.append(ScanWarning(f"cannot read {name!r}: {exc}", path, line))
    source = SourceFile(path, "Pipfile", doc.sha256)
    return FormatResult(source, tuple(requirements), tuple(warnings))
