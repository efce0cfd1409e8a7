"""Builders shared by the import-analysis tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

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
