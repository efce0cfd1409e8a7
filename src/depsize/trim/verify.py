"""Proof that an edit removes exactly what it should: the requirements a real parser reads.

Before anything is written, the old and the new bytes of every edited file are parsed again with
the readers that declared them — ``tomllib`` under the pyproject and Pipfile readers, configparser
rules for ``setup.cfg``, and pip's own line rules (:mod:`~depsize.requirements.pipsyntax`: line
splitting, ``\\`` joining, comments, options) for requirements files. The requirements read from
the new bytes must be those read from the old bytes minus exactly the removed ones, plus the added
ones, compared as (normalised name, extras, specifier, marker, url, local path, editable) and, in a
manifest, the group. Anything else is refused: :class:`TrimRefusedError`, nothing written.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from depsize.errors import InputError
from depsize.requirements.model import DeclaredRequirement
from depsize.requirements.pipfile import pipfile_requirements
from depsize.requirements.pyproject import pyproject_requirements
from depsize.requirements.setup_cfg import setup_cfg_requirements
from depsize.requirements.tomlfile import parse_toml
from depsize.requirements.txt import RequirementsReader
from depsize.trim.model import FileEdit

Key = tuple[object, ...]


class TrimRefusedError(InputError):
    """An edit would not give exactly the intended file; nothing is written (exit 2)."""


def requirement_key(req: DeclaredRequirement, *, with_group: bool) -> Key:
    """What makes two declarations the same requirement."""
    key: Key = (
        req.name,
        tuple(sorted(req.extras)),
        req.specifier,
        req.marker,
        req.url,
        req.local_path,
        req.editable,
    )
    return (*key, req.group, req.group_kind) if with_group else key


def declared_in(path: Path, fmt: str, data: bytes) -> list[DeclaredRequirement]:
    """The requirements the file ``path`` of format ``fmt`` declares if it held ``data``
    (includes are not followed: each file is checked on its own);
    :class:`~depsize.errors.InputError` if ``data`` does not parse."""
    if fmt == "pyproject.toml":
        return list(pyproject_requirements(parse_toml(path, data)).requirements)
    if fmt == "Pipfile":
        return list(pipfile_requirements(parse_toml(path, data)).requirements)
    if fmt == "setup.cfg":
        return list(setup_cfg_requirements(path, data).requirements)
    reader = RequirementsReader(os.environ, follow_includes=False)
    # Read as constraints: every requirement line counts, and no lock detection reads other files.
    reader.parse_bytes(path, data, "constraint")
    return reader.constraints


def verify_edit(
    edit: FileEdit, removed: Collection[DeclaredRequirement], added: Iterable[str] = ()
) -> None:
    """:class:`TrimRefusedError` unless the requirements ``edit.new`` declares are those
    ``edit.old`` declares minus ``removed`` (found again by line, or span, and name) plus the
    requirement lines ``added``."""
    path, fmt = edit.path, edit.format
    with_group = fmt not in {"requirements", "constraints"}
    try:
        before = declared_in(path, fmt, edit.old)
        after = declared_in(path, fmt, edit.new)
    except InputError as exc:
        why = f"the edited file does not parse ({exc}); refused, nothing written"
        raise TrimRefusedError(why, path) from None
    where = {(_position(r), r.name) for r in removed}
    gone = [r for r in before if (_position(r), r.name) in where]
    missing = len(where - {(_position(r), r.name) for r in gone})
    expected = Counter(requirement_key(r, with_group=with_group) for r in before)
    expected.subtract(requirement_key(r, with_group=with_group) for r in gone)
    for text in added:
        for req in declared_in(path, "requirements", text.encode("utf-8")):
            expected[requirement_key(req, with_group=False)] += 1
    found = Counter(requirement_key(r, with_group=with_group) for r in after)
    if missing or +expected != found:
        lost = sorted({str(k[0]) for k in (expected - found)})
        extra = sorted({str(k[0]) for k in (found - expected)})
        raise TrimRefusedError(_difference(lost, extra, missing), path)


def _position(req: DeclaredRequirement) -> object:
    return req.span if req.span is not None else req.line


def _difference(lost: Sequence[str], extra: Sequence[str], missing: int) -> str:
    parts = []
    if missing:
        parts.append(f"{missing} removed requirement(s) not found where they were read")
    if lost:
        parts.append(f"would lose {', '.join(lost)}")
    if extra:
        parts.append(f"would keep or add {', '.join(extra)}")
    why = "; ".join(parts)
    return (
        f"the edit does not remove exactly the chosen requirements ({why}); refused, nothing "
        "written"
    )
