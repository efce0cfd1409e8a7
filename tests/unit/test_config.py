"""``[tool.depsize]``: strict keys and values, with the valid ones listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from depsize.check.policy import CheckOptions, Policy
from depsize.config import Flags, load_config, read_jobs, resolve_settings
from depsize.errors import InputError


def _config(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.depsize]\n" + body)
    return tmp_path


def test_load_config__ignore_status_typo__input_error_listing_statuses(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_config(_config(tmp_path, 'ignore = {unsed = ["gunicorn"]}\n'))
    message = str(caught.value)
    assert "ignore: unknown status 'unsed'" in message
    valid = message.split("valid: ")[1].split(", ")
    assert {"unused", "undeclared", "dead-code-only", "not-installed"} <= set(valid)
    assert "unsed" not in valid


def test_load_config__ignore_per_status__read(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, 'ignore = {unused = ["Gunicorn"], undeclared = "x"}\n'))
    assert config.ignore == {"unused": frozenset({"gunicorn"}), "undeclared": frozenset({"x"})}


def test_load_config__unknown_key__input_error_listing_keys(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown key.*grups.*known keys: requirements, groups"):
        load_config(_config(tmp_path, 'grups = ["dev"]\n'))


def test_load_config__explicit_file_top_level_table__read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.depsize]\ngroups = ["main"]\n')
    other = tmp_path / "depsize.toml"
    other.write_text('groups = ["dev"]\n[check]\nmax-total = "1GB"\n')
    config = load_config(tmp_path, other)
    assert config.groups == ("dev",)
    assert config.check == Policy(max_total=1_000_000_000)
    assert config.path == other


def test_load_config__explicit_pyproject_elsewhere__its_tool_table(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    shared = tmp_path / "shared" / "pyproject.toml"
    shared.write_text('[tool.depsize]\nexclude = ["scripts/*"]\n')
    assert load_config(tmp_path, shared).exclude == ("scripts/*",)


def test_load_config__explicit_file_missing__input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.toml: cannot read the config"):
        load_config(tmp_path, tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[tool]\ndepsize = 3\n", "[tool.depsize] must be a table, not 3"),
        ("tool = 1\n", "[tool] must be a table"),
        ("[tool.depsize]\nexclude = 3\n", "[tool.depsize] exclude must be a string or a list"),
        ("[tool.depsize]\ncheck = 3\n", "[tool.depsize.check] must be a table, not 3"),
        (
            "[tool.depsize.check]\nmax-total = true\n",
            "[tool.depsize.check] max-total: True is not a size",
        ),
        (
            '[tool.depsize.check]\nmax-unused = "two"\n',
            "[tool.depsize.check] max-unused: 'two' is not a count",
        ),
        ("[tool.depsize.check]\nmax-sise = 1\n", "unknown key 'max-sise'; allowed keys"),
    ],
)
def test_load_config__wrong_type__input_error_naming_the_file_and_the_key(
    tmp_path: Path, body: str, expected: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(body)
    with pytest.raises(InputError) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'pyproject.toml'}: ")
    assert expected in str(caught.value)


def test_load_config__check_baseline__relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "ci").mkdir()
    config_file = tmp_path / "ci" / "depsize.toml"
    config_file.write_text('[check]\nbaseline = "base.json"\nmax-growth = "5%"\n')
    assert load_config(tmp_path, config_file).check.baseline == tmp_path / "ci" / "base.json"


def test_resolve_settings__flags_and_config__flags_win_once(tmp_path: Path) -> None:
    _config(
        tmp_path,
        'requirements = ["req/base.txt"]\ngroups = ["main"]\nexclude = ["old/*"]\n'
        'entry = ["app.main"]\n'
        '[tool.depsize.check]\nmax-total = "1GB"\nmax-dist = {torch = "600MB"}\n',
    )
    from_config = resolve_settings(Flags(project=tmp_path), {})
    assert from_config.requirements == (tmp_path / "req" / "base.txt",)
    assert (from_config.groups, from_config.entries) == (("main",), ("app.main",))
    assert from_config.exclude == ("old/*",)
    assert from_config.policy == Policy(max_total=1_000_000_000, max_dist={"torch": 600_000_000})
    assert from_config.jobs is None
    assert from_config.config_path == tmp_path / "pyproject.toml"
    flags = Flags(
        project=tmp_path,
        groups=("dev",),
        exclude=("new/*",),
        extend_exclude=("tmp/*",),
        check=CheckOptions(max_total="2GB", max_dist=("numpy=50MB",)),
    )
    given = resolve_settings(flags, {"DEPSIZE_JOBS": "2"})
    assert given.groups == ("dev",)
    assert given.exclude == ("new/*", "tmp/*")
    assert given.policy.max_total == 2_000_000_000
    assert given.policy.max_dist == {"torch": 600_000_000, "numpy": 50_000_000}
    assert given.jobs == 2


def test_resolve_settings__env_only__config_not_read(tmp_path: Path) -> None:
    _config(tmp_path, "bogus = 1\n")
    assert resolve_settings(Flags(project=tmp_path, env_only=True), {}).config_path is None
    with pytest.raises(InputError, match="unknown key"):
        resolve_settings(Flags(project=tmp_path), {})


def test_resolve_settings__bad_flag__input_error_naming_the_flag_not_a_file(
    tmp_path: Path,
) -> None:
    with pytest.raises(InputError) as caught:
        resolve_settings(Flags(project=tmp_path, check=CheckOptions(max_total="big")), {})
    assert str(caught.value).startswith("--max-total: 'big' is not understood")


@pytest.mark.parametrize(("value", "expected"), [("1", 1), (" 3 ", 3), ("", None)])
def test_read_jobs__set_or_not__processes(value: str, expected: int | None) -> None:
    assert read_jobs({"DEPSIZE_JOBS": value}) == expected
    assert read_jobs({}) is None


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_read_jobs__not_a_positive_number__input_error(value: str) -> None:
    with pytest.raises(InputError, match=r"DEPSIZE_JOBS=.*expected a whole number, 1 or more"):
        read_jobs({"DEPSIZE_JOBS": value})
