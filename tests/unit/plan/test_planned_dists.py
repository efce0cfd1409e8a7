"""The planned set as the env scanner's models: what the verdicts read of each distribution."""

from __future__ import annotations

from pathlib import Path

from packaging.utils import NormalizedName

from depsize.models import EntryPoint
from depsize.plan.build import PlanOptions, plan
from depsize.plan.target import parse_target
from support.wheels import WheelSpec, write_wheels

WHEELS = [
    WheelSpec(
        "cli-kit",
        "2.0",
        files={"clikit/__init__.py": 10, "clikit_single.py": 5, "clikit/x.bin": 3},
        console_scripts={"clikit-serve": "clikit:serve"},
    ),
    WheelSpec("google-cloud-thing", "1.0", files={"google/cloud/thing/__init__.py": 10}),
]


def test_planned_dists__import_names_and_entry_points__as_once_installed(tmp_path: Path) -> None:
    write_wheels(WHEELS, tmp_path / "wheels")
    lock = tmp_path / "pinned.txt"
    lock.write_text("cli-kit==2.0\ngoogle-cloud-thing==1.0\n")

    planned = plan(
        lock, PlanOptions(target=parse_target(None, None), find_links=(tmp_path / "wheels",))
    )

    clikit = planned.scan.dists[NormalizedName("cli-kit")]
    assert clikit.import_names == ("clikit", "clikit_single")
    assert clikit.entry_points == (EntryPoint("console_scripts", "clikit-serve", "clikit:serve"),)
    assert clikit.console_scripts == ("clikit-serve",)
    assert clikit.metadata_dir.name == "cli_kit-2.0.dist-info"
    assert planned.scan.dists[NormalizedName("google-cloud-thing")].import_names == (
        "google.cloud.thing",
    )
