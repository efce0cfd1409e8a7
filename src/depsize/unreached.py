"""Distributions no declared requirement reaches, told apart: installer tooling, the project's
own distribution, and the rest (extraneous).

``pip``, ``setuptools`` and ``wheel`` are in every venv ``python -m venv`` makes: noise in a dev
env, waste in an image (``--image`` says so). The project installed into its own venv (``pip
install -e .``) is the project, not something extraneous. Both stay in the env total.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import NormalizedName

from depsize.models import InstalledDist
from depsize.recommend import Recommendation
from depsize.records import dataclass
from depsize.units import human

if TYPE_CHECKING:
    from depsize.analyze import Analysis

INSTALLER_TOOLING = frozenset({"pip", "setuptools", "wheel", "uv", "distribute"})
"""What builds and installs packages, not what the application runs."""


@dataclass(frozen=True)
class Unreached:
    extraneous: tuple[NormalizedName, ...]
    tooling: tuple[NormalizedName, ...]
    project: tuple[NormalizedName, ...]


def project_distributions(
    dists: Mapping[NormalizedName, InstalledDist],
    project: Path,
    project_name: NormalizedName | None,
    first_party: frozenset[str] = frozenset(),
) -> frozenset[NormalizedName]:
    """The project's own distributions installed in the env (``pip install -e .``): the name
    its pyproject declares, an editable install of the project folder or a folder inside it,
    or a distribution every import name of which is the project's own (``lib/TWCManager``)."""
    try:
        root = project.resolve()
    except OSError:
        root = project.absolute()
    own = set()
    for dist in dists.values():
        location = dist.editable_location
        inside = location is not None and Path(location).absolute().is_relative_to(root)
        tops = {n.partition(".")[0] for n in dist.import_names}
        if dist.name == project_name or inside or (tops and tops <= first_party):
            own.add(dist.name)
    return frozenset(own)


def _project_names(analysis: Analysis) -> frozenset[NormalizedName]:
    declared, imports = analysis.declared, analysis.imports
    return project_distributions(
        analysis.scan.dists,
        analysis.settings.project,
        declared.project_name if declared is not None else None,
        imports.first_party if imports is not None else frozenset(),
    )


def split_unreached(analysis: Analysis) -> Unreached:
    """The attribution's unreached distributions, by kind (each name in exactly one)."""
    names = analysis.attribution.extraneous
    own = _project_names(analysis)
    project = tuple(n for n in names if n in own)
    tooling = tuple(n for n in names if n in INSTALLER_TOOLING and n not in project)
    rest = tuple(n for n in names if n not in project and n not in tooling)
    return Unreached(extraneous=rest, tooling=tooling, project=project)


def own_bytes(analysis: Analysis, names: tuple[NormalizedName, ...]) -> int:
    return sum(analysis.scan.dists[n].own_bytes for n in names)


def image_recommendation(analysis: Analysis) -> Recommendation | None:
    """With ``--image``: installer tooling in a deployed image is waste."""
    tooling = split_unreached(analysis).tooling
    if not tooling:
        return None
    size = own_bytes(analysis, tooling)
    return Recommendation(
        kind="installer-tooling",
        title="Installer tooling in an image",
        bytes=size,
        detail=f"{', '.join(tooling)} ({human(size)}) install packages; the running "
        "application does not need them.",
        names=tooling,
        fix="build the final image's venv with `python -m venv --without-pip` and install into "
        "it from a build stage, or `pip uninstall -y " + " ".join(tooling) + "` as the last step",
    )
