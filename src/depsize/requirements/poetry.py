"""Poetry's ``[tool.poetry.*dependencies]`` tables and its version syntax.

Poetry constraints are converted to PEP 440 specifiers: ``^1.2`` is ``>=1.2,<2.0``, ``~1.2`` is
``>=1.2,<1.3``, ``1.2.*`` is ``==1.2.*``, a bare version is ``==``, ``*`` is no constraint;
constraints separated by commas or spaces all apply. ``python`` and ``platform`` keys become
markers. Alternatives (``||``) have no PEP 440 equivalent and are reported as a warning.
"""

from __future__ import annotations

import re
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from depsize.models import ScanWarning
from depsize.requirements.model import MAIN_GROUP, DeclaredRequirement, GroupKind
from depsize.requirements.targets import Origin, Parts, TargetError, build, first_line, join_markers
from depsize.requirements.tomlfile import TomlDocument

_OPERATOR_SPACE = re.compile(r"(>=|<=|==|!=|~=|>|<|=|\^|~)\s+")
_CLAUSE = re.compile(r"^(?P<op>\^|~=|~|==|!=|>=|<=|>|<|=)?(?P<version>.+)$")


def poetry_specifier(constraint: str) -> str:
    """A PEP 440 specifier string for a Poetry version constraint; :class:`TargetError` if none."""
    text = constraint.strip()
    if "|" in text:
        raise TargetError(f"{constraint!r}: alternatives ('||') have no PEP 440 equivalent")
    text = _OPERATOR_SPACE.sub(r"\1", text)
    clauses = [c for c in re.split(r"[\s,]+", text) if c and c != "*"]
    specs = [spec for clause in clauses for spec in _clause(clause)]
    try:
        return str(SpecifierSet(",".join(specs)))
    except InvalidSpecifier as exc:
        raise TargetError(first_line(str(exc))) from None


def _clause(clause: str) -> list[str]:
    match = _CLAUSE.match(clause)
    if match is None:  # pragma: no cover - the pattern matches any non-empty text
        raise TargetError(f"invalid constraint {clause!r}")
    op, version = match.group("op") or "==", match.group("version")
    if op in {"^", "~"}:
        release = _release(version)
        index = _caret_index(release) if op == "^" else min(1, len(release) - 1)
        upper = [*release[:index], release[index] + 1] + [0] * (len(release) - index - 1)
        return [f">={version}", "<" + ".".join(str(n) for n in upper)]
    return [f"{'==' if op == '=' else op}{version}"]


def _release(version: str) -> tuple[int, ...]:
    try:
        return Version(version).release
    except InvalidVersion:
        raise TargetError(f"invalid version {version!r}") from None


def _caret_index(release: tuple[int, ...]) -> int:
    for index, number in enumerate(release):
        if number != 0:
            return index
    return len(release) - 1


def python_marker(constraint: str) -> str | None:
    """A marker for a Poetry ``python = "..."`` constraint (``None`` for ``*``)."""
    specs = SpecifierSet(poetry_specifier(constraint))
    parts = []
    for spec in sorted(specs, key=lambda s: (not s.operator.startswith(">"), str(s))):
        plain = spec.version.replace(".*", "")
        variable = "python_full_version" if plain.count(".") >= 2 else "python_version"
        parts.append(f'{variable} {spec.operator} "{spec.version}"')
    return " and ".join(parts) or None


def _marker(table: dict[str, Any]) -> str | None:
    parts = []
    if isinstance(table.get("python"), str):
        parts.append(python_marker(table["python"]))
    if isinstance(table.get("platform"), str):
        parts.append(f'sys_platform == "{table["platform"]}"')
    if isinstance(table.get("markers"), str):
        parts.append(table["markers"])
    return join_markers(parts)


def _vcs_url(table: dict[str, Any]) -> str | None:
    if isinstance(table.get("git"), str):
        ref = next(
            (table[k] for k in ("rev", "tag", "branch") if isinstance(table.get(k), str)), ""
        )
        url = f"git+{table['git']}" + (f"@{ref}" if ref else "")
        sub = table.get("subdirectory")
        return url + (f"#subdirectory={sub}" if isinstance(sub, str) else "")
    return str(table["url"]) if isinstance(table.get("url"), str) else None


def poetry_parts(name: str, spec: object) -> Parts:
    """The fields of one Poetry dependency (a constraint string or a table)."""
    if isinstance(spec, str):
        return Parts(name, specifier=poetry_specifier(spec))
    if not isinstance(spec, dict):
        raise TargetError(f"unsupported value {spec!r}")
    version = spec.get("version")
    extras = spec.get("extras")
    path = spec.get("path")
    return Parts(
        name,
        extras=frozenset(str(e) for e in extras) if isinstance(extras, list) else frozenset(),
        specifier=poetry_specifier(version) if isinstance(version, str) else "",
        marker=_marker(spec),
        url=_vcs_url(spec),
        local_path=path if isinstance(path, str) else None,
        editable=spec.get("develop") is True,
    )


def _sections(poetry: dict[str, Any]) -> list[tuple[tuple[str, ...], str, GroupKind]]:
    sections: list[tuple[tuple[str, ...], str, GroupKind]] = [
        (("dependencies",), MAIN_GROUP, "main"),
        (("dev-dependencies",), "dev", "group"),
    ]
    groups = poetry.get("group")
    sections.extend(
        (("group", group, "dependencies"), group, "group")
        for group in (groups if isinstance(groups, dict) else {})
    )
    return sections


def _extras_of(poetry: dict[str, Any]) -> dict[NormalizedName, str]:
    extras = poetry.get("extras")
    found: dict[NormalizedName, str] = {}
    for extra, names in (extras if isinstance(extras, dict) else {}).items():
        for name in names if isinstance(names, list) else []:
            found.setdefault(canonicalize_name(str(name).split("[")[0]), extra)
    return found


def read_poetry(
    doc: TomlDocument, declared_main: set[NormalizedName]
) -> tuple[list[DeclaredRequirement], list[ScanWarning]]:
    """Requirements in Poetry's tables; main ones already in ``[project]`` are not repeated."""
    tool = doc.data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if not isinstance(poetry, dict):
        return [], []
    reader = _PoetryReader(doc, _extras_of(poetry))
    for section, group, kind in _sections(poetry):
        table = _get(poetry, section)
        for name, spec in table.items():
            if name.lower() == "python":
                continue
            if kind == "main" and canonicalize_name(name) in declared_main:
                continue
            reader.read(("tool", "poetry", *section, name), name, spec, group, kind)
    in_file_order = sorted(reader.requirements, key=lambda r: r.span or (0, 0))
    return in_file_order, reader.warnings


def _get(table: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    value: object = table
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


class _PoetryReader:
    def __init__(self, doc: TomlDocument, extras: dict[NormalizedName, str]) -> None:
        self.doc = doc
        self.extras = extras
        self.requirements: list[DeclaredRequirement] = []
        self.warnings: list[ScanWarning] = []

    def read(
        self, path: tuple[str, ...], name: str, spec: object, group: str, kind: GroupKind
    ) -> None:
        items = spec if isinstance(spec, list) else [spec]
        spans = self.doc.spans(path, len(items), whole_key=True) if isinstance(spec, list) else None
        for index, item in enumerate(items):
            span = spans[index] if spans else self.doc.entry_span(path)
            self._one(name, item, span, group, kind)

    def _one(
        self, name: str, spec: object, span: tuple[int, int], group: str, kind: GroupKind
    ) -> None:
        line, end_line = self.doc.lines(span)
        if isinstance(spec, dict) and spec.get("optional") is True and kind == "main":
            group, kind = self.extras.get(canonicalize_name(name), "optional"), "extra"
        origin = Origin(
            self.doc.path, line, end_line, self.doc.text[span[0] : span[1]], group, kind, span
        )
        try:
            self.requirements.append(build(poetry_parts(name, spec), origin))
        except TargetError as exc:
            self.warnings.append(ScanWarning(f"cannot read {name!r}: {exc}", self.doc.path, line))
