"""Sizes, growth and NAME=SIZE pairs as people write them, and sizes said back unambiguously."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from depsize.check.policy import parse_counted, parse_max_unused, parse_pairs
from depsize.check.sizes import Growth, describe_size, parse_growth, parse_name, parse_size
from depsize.errors import InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500MB", 500_000_000),
        ("500 MB", 500_000_000),
        ("500mb", 500_000_000),
        ("500M", 500_000_000),
        ("500m", 500_000_000),
        ("1.5GB", 1_500_000_000),
        ("1.5 GiB", 1_610_612_736),
        ("1.5gib", 1_610_612_736),
        ("2Gi", 2_147_483_648),
        ("120000000", 120_000_000),
        ("120_000_000", 120_000_000),
        ("500,000,000 bytes", 500_000_000),
        ("1 byte", 1),
        ("42B", 42),
        ("42 b", 42),
        ("10kB", 10_000),
        ("10KB", 10_000),
        ("10k", 10_000),
        ("10KiB", 10_240),
        ("1T", 10**12),
        ("1TiB", 1024**4),
        (".5MB", 500_000),
        ("  7 MiB  ", 7 * 1024**2),
        ("+3GB", 3_000_000_000),
        ("1.0000001kB", 1_000),  # fractions of a byte round to the nearest
        (120, 120),
    ],
)
def test_parse_size__accepted_spelling__exact_bytes(text: str | int, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500 potatoes", "'500 potatoes' is not understood; expected a size like 500MB, 1.5GiB"),
        ("5 Mbit", "'5 Mbit' is not understood"),
        ("1,5GB", "'1,5GB' is not understood"),  # a decimal comma is not a thousands separator
        ("1e9", "'1e9' is not understood"),
        ("MB", "'MB' is not understood"),
        ("", "the value is empty; expected a size like 500MB"),
        ("   ", "the value is empty"),
        ("-5MB", "'-5MB' is negative; expected a size like 500MB, 1.5GiB or 120000000"),
        ("0", "'0' is zero; expected a size like 500MB, 1.5GiB or 120000000"),
        ("0.0GB", "'0.0GB' is zero"),
        ("0.4", "'0.4' is zero"),
        (0, "0 is zero"),
        (-3, "-3 is negative"),
        (True, "True is not a size"),
    ],
)
def test_parse_size__bad_input__input_error_saying_what_was_expected(
    text: str | int, expected: str
) -> None:
    with pytest.raises(InputError) as info:
        parse_size(text, "--max-total")
    assert str(info.value).startswith("--max-total: ")
    assert expected in str(info.value)


def test_parse_size__unknown_unit__lists_the_units() -> None:
    with pytest.raises(InputError, match=r"units: B; kB, MB, GB, TB = powers of 1000; KiB"):
        parse_size("3 PB")


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (500_000_000, "500 MB (500,000,000 bytes)"),
        (1_610_612_736, "1.5 GiB (1,610,612,736 bytes)"),
        (1_500_000_000, "1.5 GB (1,500,000,000 bytes)"),
        (812_311_022, "812 MB (812,311,022 bytes)"),
        (1_234_567, "1.2 MB (1,234,567 bytes)"),
        (1_024, "1 KiB (1,024 bytes)"),
        (1_000, "1 kB (1,000 bytes)"),
        (999, "999 bytes"),
        (1, "1 bytes"),
        (10**13, "10 TB (10,000,000,000,000 bytes)"),
        (-350_000_000, "-350 MB (-350,000,000 bytes)"),
    ],
)
def test_describe_size__size__said_back_with_exact_bytes(size: int, expected: str) -> None:
    assert describe_size(size) == expected


UNITS = ["B", "kB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB"]


@given(st.integers(min_value=1, max_value=999), st.sampled_from(UNITS))
def test_describe_size__round_sizes__short_form_parses_back_exactly(count: int, unit: str) -> None:
    size = parse_size(f"{count}{unit}")
    short, _, exact = describe_size(size).partition(" (")
    if size < 1000:
        assert describe_size(size) == f"{size:,} bytes"
    else:
        assert exact == f"{size:,} bytes)"
        assert parse_size(short) == size


@given(st.integers(min_value=1000, max_value=10**15))
def test_describe_size__any_size__short_form_within_five_percent(size: int) -> None:
    short = describe_size(size).partition(" (")[0]
    assert abs(parse_size(short) - size) <= size * 0.05


@given(st.integers(min_value=1, max_value=10**15))
def test_describe_size__any_size__ends_with_exact_count_that_parses_back(size: int) -> None:
    text = describe_size(size)
    exact = text.rpartition("(")[2].rstrip(")") if "(" in text else text
    assert parse_size(exact) == size


def test_parse_growth__percent__fraction_of_baseline() -> None:
    growth = parse_growth("10%")
    assert growth == Growth(percent=Decimal(10))
    assert growth.allowed(500_000_000) == 50_000_000
    assert growth.describe() == "10%"
    assert growth.describe(500_000_000) == (
        "10% of 500 MB (500,000,000 bytes) = 50 MB (50,000,000 bytes)"
    )
    assert parse_growth(" 2.5 %").allowed(1_000) == 25
    assert parse_growth("0%").allowed(10**9) == 0


def test_parse_growth__size__absolute_bytes() -> None:
    growth = parse_growth("50MB")
    assert growth == Growth(max_bytes=50_000_000)
    assert growth.allowed(10**12) == 50_000_000
    assert growth.describe(10**9) == "50 MB (50,000,000 bytes)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ten%", "'ten%' is not understood; expected a percentage like 10% or a size like 50MB"),
        ("-10%", "'-10%' is not understood"),
        ("%", "'%' is not understood"),
        (
            "0MB",
            "'0MB' is zero; expected a size like 500MB, 1.5GiB or 120000000; for growth, a "
            "percentage like 10% or a size like 50MB (0% forbids any growth)",
        ),
        ("50 potatoes", "for growth, a percentage like 10%"),
    ],
)
def test_parse_growth__bad_input__input_error(text: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        parse_growth(text, "--max-growth")
    assert str(info.value).startswith("--max-growth: ")
    assert expected in str(info.value)


def test_parse_pairs__pairs__canonical_names_and_bytes() -> None:
    assert parse_pairs(["torch=600MB", "Nvidia_CUDNN.cu12 = 1.5GiB", "torch=600000000"]) == {
        "torch": 600_000_000,
        "nvidia-cudnn-cu12": 1_610_612_736,
    }
    assert parse_pairs([]) == {}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["torch"], "--max-dist: 'torch' has no '='; expected NAME=SIZE, like torch=600MB"),
        (["=600MB"], "--max-dist: '' is not a distribution name; expected NAME=SIZE"),
        (["to rch=1MB"], "'to rch' is not a distribution name"),
        (["torch=lots"], "--max-dist torch: 'lots' is not understood; expected a size like"),
        (["torch=0"], "--max-dist torch: '0' is zero"),
        (["torch=1GB", "Torch=2GB"], "torch is given twice (1 GB (1,000,000,000 bytes) and 2 GB"),
    ],
)
def test_parse_pairs__bad_pair__input_error(values: list[str], expected: str) -> None:
    with pytest.raises(InputError) as info:
        parse_pairs(values, "--max-dist")
    assert expected in str(info.value)


def test_parse_name__valid__canonicalised() -> None:
    assert parse_name("Zope.Interface") == "zope-interface"


def test_parse_counted__comma_lists__deduplicated_in_order() -> None:
    assert parse_counted(["unused,dead-code-only", "UNDECLARED", "unused"]) == (
        "unused",
        "dead-code-only",
        "undeclared",
    )


def test_parse_counted__unknown__names_the_allowed_ones() -> None:
    with pytest.raises(InputError) as info:
        parse_counted(["unused,typo"], "--count")
    assert str(info.value) == (
        "--count: 'typo' is not a status; expected some of used, dev-only, dead-code-only, "
        "optional-only, types-only, command, plugin, configured, used-by-dependency, types, "
        "transitive-only, unused, not-installed, not-applicable, undeclared"
    )


def test_parse_max_unused__values__zero_and_up_only() -> None:
    assert parse_max_unused(0) == 0
    assert parse_max_unused(7) == 7
    with pytest.raises(InputError, match=r"--max-unused: '3' is not a count; expected a whole"):
        parse_max_unused("3", "--max-unused")
