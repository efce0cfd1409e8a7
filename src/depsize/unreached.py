"""Distributions no declared requirement reaches, told apart: installer tooling, the project's
own distribution, and the rest (extraneous).

``pip``, ``setuptools`` and ``wheel`` are in every venv ``python -m venv`` makes: noise in a dev
env, waste in an image (``--image`` says so). The project installed into its own venv (``pip
install -e .``) is the project, not something extraneous. Both stay in the env total.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import NormalizedName

from depsize.recommend import Recommendation
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


def _is_project(analysis: Analysis, name: NormalizedName) -> bool:
    declared = analysis.declared
    if declared is not None and declared.project_name == name:
        return True
    location = analysis.scan.dists[name].editable_location
    if location is None:
        return False
    try:
        return Path(location).resolve() == analysis.settings.project.resolve()
    except OSError:
        return False


def split_unreached(analysis: Analysis) -> Unreached:
    """The attribution's unreached distributions, by kind (each name in exactly one)."""
    names = analysis.attribution.extraneous
    project = tuple(n for n in names if _is_project(analysis, n))
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
