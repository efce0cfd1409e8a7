"""``depsize plan`` against a real simple index served in-process, and the fixtures the real
tools wrote (tests/fixtures/plan/README.md)."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from depsize.cli import main
from support.plan_index import IndexServer, plan_wheels, serve_index
from support.plan_json import PlanDocument, known_sizes, load_plan
from support.wheels import WheelSpec, write_wheel, write_wheels

FIXTURES = Path(__file__).parents[1] / "fixtures" / "plan"
LOCKS = (
    "app/uv.lock",
    "app/pylock.toml",
    "app/requirements.txt",
    "app/poetry/poetry.lock",
    "app/pip-report.json",
)


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    write_wheels(plan_wheels(), folder)
    return folder


@pytest.fixture
def index(wheels: Path) -> Iterator[IndexServer]:
    with serve_index(wheels) as server:
        yield server


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)


def plan(*args: str) -> Result:
    return CliRunner().invoke(main, ["plan", *args], catch_exceptions=False)


def plan_json(*args: str) -> PlanDocument:
    result = plan(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return load_plan(result.stdout)


def sizes(document: PlanDocument) -> dict[str, int | None]:
    return {d["name"]: d["installed_bytes"] for d in document["distributions"]}


def test_fixture_wheels__same_bytes_as_when_locked__hashes_match(wheels: Path) -> None:
    text = (FIXTURES / "app-new" / "pylock.toml").read_text()
    for wheel in wheels.iterdir():
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() in text, wheel.name


@pytest.mark.parametrize("lock", LOCKS)
def test_plan__each_lock_kind_against_the_index__same_set_and_sizes(
    lock: str, index: IndexServer, wheels: Path
) -> None:
    document = plan_json(
        str(FIXTURES / lock), "--index-url", index.url, "--platform", "linux_x86_64"
    )
    assert set(sizes(document)) == {"alpha", "beta", "gamma"}  # delta is for Windows only
    every_line = plan_json(
        str(FIXTURES / "app/requirements.txt"), "--find-links", str(wheels), "--no-cache"
    )
    expected = known_sizes(every_line)
    if document["roots_from"] == "declared":
        # pip writes REQUESTED (and its RECORD row) only for what it is asked for by name:
        # the declared alpha and gamma, not beta, which alpha pulls in
        row = (
            "beta-2.0.dist-info/REQUESTED,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\r\n"
        )
        expected["beta"] -= len(row)
    assert known_sizes(document) == expected
    assert document["partial"] is False
    assert document["total_bytes"] == sum(known_sizes(document).values())


@pytest.mark.parametrize("lock", ["app/uv.lock", "app/pylock.toml", "app/poetry/poetry.lock"])
def test_plan__windows_target__marker_brings_delta(lock: str, index: IndexServer) -> None:
    document = plan_json(str(FIXTURES / lock), "--index-url", index.url, "--platform", "win_amd64")
    assert set(sizes(document)) == {"alpha", "beta", "gamma", "delta"}


def test_plan__uv_lock__roots_are_the_declared_requirements(index: IndexServer) -> None:
    document = plan_json(str(FIXTURES / "app-new/uv.lock"), "--index-url", index.url)
    rows = {r["name"]: r for r in document["requirements"]}
    assert document["roots_from"] == "declared"
    assert set(rows) == {"alpha", "gamma", "heavy"}
    dist = known_sizes(document)
    assert rows["heavy"]["exclusive_bytes"] == dist["heavy"] + dist["heavy-core"]
    assert rows["heavy"]["closure_bytes"] == dist["heavy"] + dist["heavy-core"] + dist["beta"]
    shares = sum(r["share_bytes"] for r in rows.values())
    assert shares == document["total_bytes"]


def test_plan__large_wheel__only_the_tail_is_fetched(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    blob = random.Random(0).randbytes(6 * 1024 * 1024)  # incompressible: the wheel is 6 MiB
    spec = WheelSpec(
        "big", "1.0", contents={"big/weights.bin": blob}, files={"big/__init__.py": 10}
    )
    wheel = write_wheel(spec, folder)
    (tmp_path / "req.txt").write_text("big==1.0\n")
    with serve_index(folder) as server:
        document = plan_json(str(tmp_path / "req.txt"), "--index-url", server.url, "--no-cache")
        served = [(p, r) for p, r in server.requests if p.startswith("/files/")]
        sent = server.bytes_sent
    assert wheel.stat().st_size > 5_000_000
    assert served == [(f"/files/{wheel.name}", "bytes=-65536")]
    assert sent < 70_000  # the index page and 64 KiB of the wheel's 6 MB
    with zipfile.ZipFile(wheel) as archive:
        payload_bytes = sum(
            i.file_size for i in archive.infolist() if i.filename.startswith("big/")
        )
    installed = sizes(document)["big"]
    assert installed is not None
    assert installed > payload_bytes


def test_plan__server_without_ranges__whole_wheel_cached_then_reused(
    wheels: Path, tmp_path: Path
) -> None:
    with serve_index(wheels, ranges=False) as server:
        first = plan_json(str(FIXTURES / "app/uv.lock"), "--index-url", server.url)
        whole = server.bytes_sent
        server.requests.clear()
        second = plan_json(str(FIXTURES / "app/uv.lock"), "--index-url", server.url)
    assert sizes(first) == sizes(second)
    assert whole >= sum(w.stat().st_size for w in wheels.glob("[abg]*.whl"))
    assert not [p for p, _ in server.requests if p.startswith("/files/")]  # cache hit
    assert list((tmp_path / "cache" / "depsize" / "plan" / "wheels").rglob("*.whl"))


def test_plan__warm_cache__no_request_at_all(index: IndexServer) -> None:
    lock = str(FIXTURES / "app/pylock.toml")
    cold = plan(lock, "--no-cache")  # the lock's own URLs name a server that is gone
    assert cold.exit_code == 2
    assert "Connection refused" in cold.stderr
    plan_json(lock, "--index-url", index.url)
    index.requests.clear()
    warm = plan_json(lock)
    assert warm["partial"] is False
    assert index.requests == []


def test_plan__missing_project__exit_2_partial_named(wheels: Path, tmp_path: Path) -> None:
    (tmp_path / "req.txt").write_text("alpha==1.0\nnowhere==1.0\n")
    with serve_index(wheels) as server:
        result = plan(str(tmp_path / "req.txt"), "--index-url", server.url, "--format", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["partial"] is True
    missing = {d["name"]: d for d in document["distributions"]}["nowhere"]
    assert missing["installed_bytes"] is None
    assert "HTTP 404" in missing["reason"]
    assert "nowhere 1.0: installed size unknown" in result.stderr
    assert "partial result" in result.stderr


def test_plan__index_times_out__exit_2_says_so(wheels: Path, tmp_path: Path) -> None:
    (tmp_path / "req.txt").write_text("gamma==0.5\n")
    with serve_index(wheels, delay=1.5) as server:
        result = plan(str(tmp_path / "req.txt"), "--index-url", server.url, "--timeout", "0.3")
    assert result.exit_code == 2
    assert "timed out after 0.3 s" in result.stderr


def test_plan__truncated_wheel__exit_2_names_it(wheels: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(wheels, broken)
    target = broken / "gamma-0.5-py3-none-any.whl"
    target.write_bytes(target.read_bytes()[:-30])
    (tmp_path / "req.txt").write_text("gamma==0.5\nbeta==2.0\n")
    with serve_index(broken) as server:
        result = plan(str(tmp_path / "req.txt"), "--index-url", server.url, "--format", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    by_name = {d["name"]: d for d in document["distributions"]}
    assert by_name["beta"]["installed_bytes"] > 0
    assert by_name["gamma"]["installed_bytes"] is None
    assert "gamma-0.5-py3-none-any.whl" in by_name["gamma"]["reason"]
    assert "truncated" in by_name["gamma"]["reason"]


def test_plan__sdist_only__unknown_never_zero(tmp_path: Path, wheels: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(wheels, folder)
    (folder / "srconly-1.0.tar.gz").write_bytes(b"not really")
    (tmp_path / "req.txt").write_text("gamma==0.5\nsrconly==1.0\n")
    with serve_index(folder) as server:
        result = plan(str(tmp_path / "req.txt"), "--index-url", server.url, "--format", "json")
        budget = plan(str(tmp_path / "req.txt"), "--index-url", server.url, "--max-total", "1GB")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    row = {d["name"]: d for d in document["distributions"]}["srconly"]
    assert (row["installed_bytes"], row["unknown"]) == (None, "sdist-only")
    assert document["partial"] is True
    assert budget.exit_code == 2
    assert "budget not proven" in budget.stderr
    assert "PARTIAL" in budget.stdout


def test_plan__budget__exit_1_over_0_under(index: IndexServer) -> None:
    lock = str(FIXTURES / "app/uv.lock")
    assert plan(lock, "--index-url", index.url, "--max-total", "1MB").exit_code == 0
    over = plan(lock, "--index-url", index.url, "--max-total", "10kB")
    assert over.exit_code == 1
    assert "over budget" in over.stderr


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("uv.lock", "version = 2\n", "uv.lock version 2 is not supported"),
        ("pylock.toml", 'lock-version = "2.0"\n', "lock-version '2.0' is not supported"),
        ("poetry.lock", '[metadata]\nlock-version = "9.0"\n', "lock-version '9.0'"),
        ("report.json", '{"version": "2"}', "pip report version '2' is not supported"),
        ("requirements.txt", "alpha>=1\n", "requirements.txt:1: alpha is not pinned"),
        ("uv.lock", "version = [", "not valid TOML"),
    ],
)
def test_plan__bad_lock__exit_2_names_the_file(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = plan(str(path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert str(tmp_path) in result.stderr


def test_plan__diff_markdown__added_requirement_and_its_closure(index: IndexServer) -> None:
    result = plan(
        "--diff",
        str(FIXTURES / "app/uv.lock"),
        str(FIXTURES / "app-new/uv.lock"),
        "--index-url",
        index.url,
        "--format",
        "markdown",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    added = [line for line in lines if line.startswith("| added")]
    assert len(added) == 2
    assert all(line.endswith("| heavy |") for line in added)
    assert any("heavy adds" in line for line in lines)


def test_plan__index_named_in_the_requirements_file__used_without_index_url(
    wheels: Path, tmp_path: Path
) -> None:
    with serve_index(wheels) as server:
        (tmp_path / "req.txt").write_text(f"--index-url {server.url}\ngamma==0.5\n")
        document = plan_json(str(tmp_path / "req.txt"))
    assert sizes(document)["gamma"] == 1342


def test_plan__whole_download_with_another_hash__refused(wheels: Path, tmp_path: Path) -> None:
    with serve_index(wheels, ranges=False) as server:
        base = server.url.rsplit("/simple", 1)[0]
        (tmp_path / "pylock.toml").write_text(
            'lock-version = "1.0"\ncreated-by = "hand"\n\n[[packages]]\nname = "gamma"\n'
            'version = "0.5"\nwheels = [{ url = "'
            + base
            + '/files/gamma-0.5-py3-none-any.whl", hashes = { sha256 = "'
            + "0" * 64
            + '" } }]\n'
        )
        result = plan(str(tmp_path / "pylock.toml"))
    assert result.exit_code == 2
    assert "is not the " + "0" * 64 + " the lock names" in result.stderr
    assert not list((tmp_path / "cache").rglob("*.whl"))


def test_plan__html__scan_report_of_the_planned_set(tmp_path: Path, wheels: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(wheels, folder)
    (folder / "srconly-1.0.tar.gz").write_bytes(b"not really")
    (tmp_path / "req.txt").write_text("heavy==1.2\nheavy-core==1.0\nbeta==2.0\nsrconly==1.0\n")
    with serve_index(folder) as server:
        result = plan(str(tmp_path / "req.txt"), "--index-url", server.url, "--format", "html")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!doctype html>")
    assert "heavy-core" in result.stdout
    assert "PARTIAL: 1 installed sizes unknown" in result.stdout
    assert "srconly 1.0: installed size unknown" in result.stdout


def test_plan__directory_package__unknown_until_built(tmp_path: Path, index: IndexServer) -> None:
    (tmp_path / "pylock.toml").write_text(
        'lock-version = "1.0"\ncreated-by = "hand"\n\n'
        '[[packages]]\nname = "local"\ndirectory = { path = "./local" }\n\n'
        '[[packages]]\nname = "gamma"\nversion = "0.5"\n'
    )
    result = plan(str(tmp_path / "pylock.toml"), "--index-url", index.url, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {d["name"]: d for d in json.loads(result.stdout)["distributions"]}
    assert rows["local"]["installed_bytes"] is None
    assert "built from a directory" in rows["local"]["reason"]
    assert rows["gamma"]["installed_bytes"] == 1342


def test_plan__diff_json_and_table__removed_and_resized(tmp_path: Path, wheels: Path) -> None:
    write_wheel(WheelSpec("beta", "2.1", files={"beta/__init__.py": 9_000}), wheels)
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("alpha==1.0\nbeta==2.0\ngamma==0.5\n")
    new.write_text("alpha==1.0\nbeta==2.1\n")
    args = ("--diff", str(old), str(new), "--find-links", str(wheels))
    result = plan(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    changes = {c["name"]: c for c in document["changes"]}
    assert set(changes) == {"beta", "gamma"}
    assert changes["gamma"]["kind"] == "removed"
    assert changes["gamma"]["delta_bytes"] == -1342
    resized = changes["beta"]
    assert (resized["kind"], resized["old_version"], resized["new_version"]) == (
        "resized",
        "2.0",
        "2.1",
    )
    assert resized["delta_bytes"] == resized["new_bytes"] - resized["old_bytes"]
    assert resized["brought_by"] == ["alpha"]
    total = document["new_total_bytes"] - document["old_total_bytes"]
    assert total == sum(c["delta_bytes"] for c in document["changes"])
    table = plan(*args)
    assert table.exit_code == 0
    assert "resized" in table.stdout
    assert "2.0 → 2.1" in table.stdout


def test_plan__only_a_wheel_for_another_platform__no_wheel_for_target(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    wheel = write_wheel(WheelSpec("native", "1.0", files={"native/__init__.py": 10}), folder)
    wheel.rename(folder / "native-1.0-cp311-cp311-win_amd64.whl")
    (tmp_path / "req.txt").write_text("native==1.0\n")
    args = (str(tmp_path / "req.txt"), "--find-links", str(folder))
    document = plan_json(*args, "--platform", "linux_x86_64")
    (row,) = document["distributions"]
    assert (row["installed_bytes"], row["unknown"]) == (None, "no-wheel-for-target")
    windows = plan_json(*args, "--platform", "win_amd64", "--python-version", "3.11")
    assert sizes(windows)["native"] is not None


def test_plan__private_index__netrc_credentials_sent(
    wheels: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "req.txt").write_text("gamma==0.5\n")
    with serve_index(wheels, auth="me:s3cret") as server:
        refused = plan(str(tmp_path / "req.txt"), "--index-url", server.url)
        netrc = tmp_path / "netrc"
        netrc.write_text("machine 127.0.0.1 login me password s3cret\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("NETRC", str(netrc))
        document = plan_json(str(tmp_path / "req.txt"), "--index-url", server.url)
    assert refused.exit_code == 2
    assert "HTTP 401" in refused.stderr
    assert sizes(document)["gamma"] == 1342
    assert "s3cret" not in json.dumps(document)


def test_check_lock__budgets_over_the_planned_set_before_any_install(
    index: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", index.url)
    lock = str(FIXTURES / "app/uv.lock")
    total = plan_json(lock, "--index-url", index.url)["total_bytes"]
    project = tmp_path / "project"
    project.mkdir()

    def check(*args: str) -> Result:
        return CliRunner().invoke(main, ["check", str(project), "--lock", lock, *args])

    under = check("--max-total", "1MB", "--format", "json")
    assert under.exit_code == 0, under.output
    outcome = json.loads(under.stdout)
    assert outcome["passed"][0]["measured"] == total
    over = check("--max-total", "10kB")
    assert over.exit_code == 1, over.output
    assert f"({total:,} bytes) > budget 10 kB" in over.stdout
    broken = tmp_path / "uv.lock"
    broken.write_text("version = 2\n")
    refused = CliRunner().invoke(
        main, ["check", str(project), "--lock", str(broken), "--max-total", "1MB"]
    )
    assert refused.exit_code == 2
    assert "uv.lock version 2 is not supported" in refused.stderr
