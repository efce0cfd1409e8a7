"""Declared requirements and judgements over a site-packages written into ``tmp_path``: the
verdict stage alone, with the project's import sites given."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.imports.model import ImportSite, ProjectImports
from depsize.requirements.model import DeclaredRequirement, GroupKind
from depsize.verdicts import JudgeInput, Judgement, judge


def declared(
    name: str,
    line: int = 1,
    *,
    source: str = "requirements.txt",
    spec: str = "",
    extras: frozenset[str] = frozenset(),
    marker: str | None = None,
    group: str = "main",
    kind: GroupKind | None = None,
) -> DeclaredRequirement:
    """One declaration of ``name`` as a requirements file line would give it."""
    return DeclaredRequirement(
        name=canonicalize_name(name),
        display_name=name,
        extras=extras,
        specifier=spec,
        marker=marker,
        url=None,
        editable=False,
        local_path=None,
        source=Path(source),
        line=line,
        end_line=line,
        raw=f"{name}{spec}",
        group=group,
        group_kind=kind or ("main" if group == "main" else "group"),
    )


def judge_env(
    prefix: Path,
    root: Path,
    requirements: Sequence[DeclaredRequirement],
    sites: Sequence[ImportSite],
    **more: Any,
) -> Judgement:
    """The judgement of ``requirements`` against the env at ``prefix``, for a project at
    ``root`` whose import sites are ``sites``; each module is provided by the distribution of
    its own name. ``more`` goes to :class:`JudgeInput` (``unreadable_files=1``...)."""
    env = from_prefix(prefix, how="test")
    scan = scan_env(env)
    imports = ProjectImports(
        root=root,
        files=(),
        sites=tuple(sites),
        first_party=frozenset(),
        entries=(),
        entry_found=True,
    )
    return judge(
        JudgeInput(
            declared=tuple(requirements),
            scan=scan,
            graph=build_graph(scan.dists, env.marker_environment()),
            marker_env=env.marker_environment(),
            imports=imports,
            resolve=lambda s: (NormalizedName(s.module),),
            **more,
        )
    )
