"""``[tool.depsize.check]`` read into a policy, and the flags laid over it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from depsize.check.policy import CheckOptions, Policy, apply_flags, policy_from_config
from depsize.check.sizes import Growth
from depsize.errors import InputError

MB = 1_000_000


def test_policy_from_config__every_key__parsed(tmp_path: Path) -> None:
    table = {
        "max-total": "1.5GiB",
        "max-dist": {"Torch": "600MB", "nvidia_cudnn_cu12": 500_000_000},
        "max-dist-default": "200MB",
        "max_requirement": {"pandas": "100MB"},
        "max-requirement-default": "1GB",
        "max-unused": 0,
        "count": ["unused", "undeclared"],
        "max-growth": "10%",
        "baseline": "ci/baseline.json",
        "fail-on-warnings": True,
    }
    policy = policy_from_config(table, base_dir=tmp_path)
    assert policy.max_total == 1_610_612_736
    assert policy.max_dist == {"torch": 600 * MB, "nvidia-cudnn-cu12": 500 * MB}
    assert policy.max_dist_default == 200 * MB
    assert policy.max_requirement == {"pandas": 100 * MB}
    assert policy.max_requirement_default == 1_000 * MB
    assert policy.max_unused == 0
    assert policy.count_statuses == ("unused", "undeclared")
    assert policy.max_growth is not None
    assert policy.max_growth.allowed(1_000) == 100
    assert policy.baseline == tmp_path / "ci" / "baseline.json"
    assert policy.fail_on_warnings is True


def test_policy_from_config__unknown_key__input_error_naming_allowed_keys() -> None:
    with pytest.raises(InputError) as info:
        policy_from_config({"max-size": "1GB"})
    assert str(info.value) == (
        "[tool.depsize.check]: unknown key 'max-size'; allowed keys: max-total, max-dist, "
        "max-dist-default, max-requirement, max-requirement-default, max-unused, count, "
        "count-likely, max-growth, fail-on-warnings, baseline"
    )


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"max-total": "500 potatoes"}, "max-total: '500 potatoes' is not understood"),
        ({"max-total": 0}, "max-total: 0 is zero"),
        ({"max-total": 1.5}, "max-total: 1.5 is not a size"),
        ({"max-dist": "600MB"}, "is not a table; expected NAME = SIZE pairs"),
        ({"max-dist": {"torch": "-1MB"}}, "'-1MB' is negative"),
        ({"max-unused": -1}, "-1 is not a count"),
        ({"max-unused": True}, "True is not a count"),
        ({"count": ["unused", "unsued"]}, "'unsued' is not a status; expected some of used,"),
        ({"count": 3}, "expected a list of statuses"),
        ({"count": []}, "no status given"),
        ({"max-growth": "ten%"}, "expected a percentage like 10% or a size like 50MB"),
        ({"max-growth": [1]}, "expected a percentage like 10%"),
        ({"fail-on-warnings": "yes"}, "expected true or false"),
        ({"baseline": ""}, "expected a file path"),
        ({"max-total": "1GB", "max_total": "2GB"}, "'max-total' is given twice"),
    ],
)
def test_policy_from_config__bad_value__input_error_saying_what_was_expected(
    table: dict[str, Any], expected: str
) -> None:
    with pytest.raises(InputError) as info:
        policy_from_config(table)
    assert str(info.value).startswith("[tool.depsize.check]")
    assert expected in str(info.value)


def test_policy_from_config__count_as_string__accepted() -> None:
    assert policy_from_config({"count": "unused, dead-code-only"}).count_statuses == (
        "unused",
        "dead-code-only",
    )


def test_apply_flags__flags_and_config__flags_win_and_tables_merge(tmp_path: Path) -> None:
    config = {
        "max-total": "1GB",
        "max-dist": {"torch": "600MB", "numpy": "50MB"},
        "max-unused": 3,
        "count": ["unused"],
        "fail-on-warnings": True,
        "baseline": "base.json",
    }
    options = CheckOptions(
        max_total="500MB",
        max_dist=("torch=800MB", "scipy=60MB"),
        max_unused=0,
        count=("unused,undeclared",),
        max_growth="5%",
        fail_on_warnings=False,
    )
    policy = apply_flags(policy_from_config(config, base_dir=tmp_path), options)
    assert policy.max_total == 500 * MB
    assert policy.max_dist == {"torch": 800 * MB, "numpy": 50 * MB, "scipy": 60 * MB}
    assert policy.max_unused == 0
    assert policy.count_statuses == ("unused", "undeclared")
    assert policy.max_growth == Growth(percent=Decimal(5))
    assert policy.fail_on_warnings is False
    assert policy.baseline == tmp_path / "base.json"


def test_apply_flags__baseline_flag__overrides_config(tmp_path: Path) -> None:
    config = policy_from_config({"baseline": "base.json"}, base_dir=tmp_path)
    policy = apply_flags(config, CheckOptions(baseline=Path("other.json")))
    assert policy.baseline == Path("other.json")


def test_apply_flags__no_flags_no_config__empty_policy() -> None:
    policy = apply_flags(policy_from_config({}), CheckOptions())
    assert policy == Policy()
    assert policy.is_empty


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (CheckOptions(max_total="500 potatoes"), "--max-total: '500 potatoes' is not understood"),
        (CheckOptions(max_dist=("torch",)), "--max-dist: 'torch' has no '='"),
        (CheckOptions(max_unused=-1), "--max-unused: -1 is not a count"),
        (CheckOptions(count=("bogus",)), "--count: 'bogus' is not a status"),
        (CheckOptions(max_growth="-10%"), "--max-growth: '-10%' is not understood"),
    ],
)
def test_apply_flags__bad_flag__input_error_naming_the_flag(
    options: CheckOptions, expected: str
) -> None:
    with pytest.raises(InputError) as info:
        apply_flags(Policy(), options)
    assert str(info.value).startswith(expected)


def test_policy_from_config__count_likely__read() -> None:
    assert policy_from_config({"count-likely": True}).count_likely is True
