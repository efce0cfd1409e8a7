"""Builders shared by the import-analysis tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from depsize.imports import analyze_imports
from depsize.join import join_env
from depsize.join.model import EnvUses
from depsize.mapping import ImportMapper
from depsize.models import EntryPoint, InstalledDist

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "projects"


def make_dist(
    name: str,
    import_names: Iterable[str] = (),
    entry_points: Iterable[tuple[str, str, str]] = (),
) -> InstalledDist:
    """An InstalledDist as the env scanner would build it (no files needed here)."""
    canonical = canonicalize_name(name)
    return InstalledDist(
        name=canonical,
        display_name=name,
        version="1.0",
        metadata_dir=Path(f"/site-packages/{name}-1.0.dist-info"),
        site_packages=Path("/site-packages"),
        requires=(),
        provides_extras=(),
        files=(),
        own_bytes=0,
        import_names=tuple(import_names),
        entry_points=tuple(EntryPoint(g, n, v) for g, n, v in entry_points),
    )


def dists_of(*dists: InstalledDist) -> dict[NormalizedName, InstalledDist]:
    return {d.name: d for d in dists}


def uses_of(
    root: Path, dists: dict[NormalizedName, InstalledDist], python_minor: tuple[int, int]
) -> EnvUses:
    """The import stage over ``root`` (no cache), joined with ``dists`` as ``analyze`` joins."""
    mapper = ImportMapper(dists)
    imports = analyze_imports(root, python_minor, importable=mapper.is_installed, use_cache=False)
    return join_env(imports, dists, mapper)
