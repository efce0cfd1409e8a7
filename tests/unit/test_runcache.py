"""The run cache's parts: what may be stored, the file format, the stamps, and a whole run
recorded and replayed in this process (the functional tests run it in child processes)."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
import time
from array import array
from pathlib import Path

import pytest

import depsize.cli
from depsize.__main__ import run
from depsize.runcache import key, record, store
from depsize.runcache.key import SETTLE_NS, cacheable, stamp, unchanged
from depsize.runcache.store import decode, encode
from support.projects import write_files
from support.site_packages import DistSpec, make_site_packages


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["scan"], True),
        (["--debug", "scan", "proj", "--format", "json", "-q"], True),
        (["why", "numpy", "--env", ".venv"], True),
        (["check", "--max-total", "1GB", "--baseline", "b.json"], True),
        (["scan", "--", "-o"], True),
        ([], False),
        (["--version"], False),
        (["trim"], False),
        (["diff", "a.json", "b.json"], False),
        (["plan", "uv.lock"], False),
        (["scan", "-o", "report.json"], False),
        (["scan", "--output=report.json"], False),
        (["scan", "-qo", "report.json"], False),
        (["scan", "--no-cache"], False),
        (["scan", "--stat-all"], False),
        (["scan", "--help"], False),
        (["check", "-h"], False),
        (["check", "--baseline", "b.json", "--update-baseline"], False),
        (["check", "--lock", "uv.lock"], False),
        (["check", "--lock=uv.lock"], False),
    ],
)
def test_cacheable__argv__only_read_only_commands_without_writing_flags(
    argv: list[str], expected: bool
) -> None:
    assert cacheable(argv) is expected


def _encoded(**changes: object) -> bytes:
    parts: dict[str, object] = {
        "key": ["scan", 1, None, True, "caf\udce9"],
        "environ": [("HOME", "/home/me"), ("NO_COLOR", None)],
        "all_environ": False,
        "stamps": [["/a"], ["/b", 7], ["/c", 1, 2], ["/d", 1, 2, 3, 4]],
        "exit_code": 1,
        "chunks": [(1, b"out\n"), (2, b"err\n"), (1, b"more")],
    }
    parts.update(changes)
    return encode(**parts)  # type: ignore[arg-type]


def test_store__encoded_run__decodes_to_the_same_parts() -> None:
    decoded = decode(_encoded())
    assert decoded is not None
    assert decoded.key == store.key_bytes(["scan", 1, None, True, "caf\udce9"])
    assert decoded.environ == [("HOME", "/home/me"), ("NO_COLOR", None)]
    assert decoded.all_environ is False
    assert decoded.base == b""
    assert decoded.paths == [b"/a", b"/b", b"/c", b"/d"]
    assert list(decoded.stamps) == [1, 0, 0, 0, 0, 2, 7, 0, 0, 0, 3, 1, 2, 0, 0, 5, 1, 2, 3, 4]
    assert decoded.exit_code == 1
    assert decoded.chunks == [(1, b"out\n"), (2, b"err\n"), (1, b"more")]


def test_store__empty_parts__decode() -> None:
    decoded = decode(_encoded(environ=[], stamps=[], chunks=[], all_environ=True, exit_code=0))
    assert decoded is not None
    assert (decoded.paths, decoded.environ, decoded.chunks) == ([], [], [])
    assert decoded.all_environ is True


def test_store__every_truncation_or_padding__is_refused() -> None:
    data = _encoded()
    for end in range(len(data)):
        assert decode(data[:end]) is None, end
    assert decode(data + b"\0") is None


@pytest.mark.parametrize(
    "damage",
    [
        b"not-depsize\n",
        key.MAGIC + b"\xff" * 56,
        key.MAGIC + (1).to_bytes(8, "little", signed=True) * 5 + b"\x02" + b"\0" * 15,
    ],
)
def test_store__foreign_or_malformed_bytes__are_refused(damage: bytes) -> None:
    assert decode(damage) is None


def test_store__bad_environment_or_chunk_table__is_refused() -> None:
    data = bytearray(_encoded(environ=[("A", "1")]))
    at = data.index(b"A\0=1")
    data[at + 2] = ord("?")  # neither "=value" nor "-"
    assert decode(bytes(data)) is None
    odd = _encoded(environ=[("A", "1")]).replace(b"A\0=1", b"A\0=1")
    assert decode(odd) is not None
    table = array("q", [3, 4]).tobytes()  # stream 3 does not exist
    good = array("q", [1, 4]).tobytes()
    assert decode(_encoded(chunks=[(1, b"out\n")]).replace(good, table)) is None


def test_unchanged__each_kind_of_stamp__holds_until_what_it_stamps_changes(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "file.py").write_text("x = 1\n")
    absent = tmp_path / "absent"
    stamps = [
        stamp(str(folder / "file.py")),
        stamp(str(folder)),
        stamp(str(folder), whole=False),
        stamp(str(absent)),
        [str(folder / "file.py"), (folder / "file.py").stat().st_mtime_ns, 6],
    ]
    assert _holds(stamps)
    (folder / "file.py").chmod(0o600)  # the ctime alone changes
    assert not _holds(stamps[:1])
    assert _holds(stamps[4:])  # the env scan cache's stamp is its mtime and size only
    assert _holds(stamps[1:4])
    (folder / "file.py").write_text("x = 22\n")
    assert not _holds(stamps[4:])
    absent.write_text("")
    assert not _holds(stamps[3:4])
    absent.unlink()
    folder.rename(tmp_path / "moved")
    folder.mkdir()  # the same path, another folder
    assert not _holds(stamps[2:3])


def _holds(stamps: list[key.Stamp]) -> bool:
    data = encode(key=[], environ=[], all_environ=False, stamps=stamps, exit_code=0, chunks=[])
    decoded = decode(data)
    assert decoded is not None
    return unchanged(decoded.paths, decoded.stamps)


def test_unchanged__malformed_numbers__is_a_change() -> None:
    assert not unchanged([b"/"], array("q", [2, 0]))
    assert not unchanged([b"/"], array("q", [9, 0, 0, 0, 0]))
    assert not unchanged([b"/nonexistent-\0"], array("q", [5, 0, 0, 0, 0]))
    assert unchanged([b"/nonexistent-path-for-depsize"], array("q", [1, 0, 0, 0, 0]))


def test_stamp__folder_not_whole__is_its_inode_only(tmp_path: Path) -> None:
    assert stamp(str(tmp_path), whole=False) == [str(tmp_path), tmp_path.stat().st_ino]
    info = tmp_path.stat()
    assert stamp(str(tmp_path)) == [
        str(tmp_path),
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_size,
        info.st_ino,
    ]
    assert stat.S_ISDIR(info.st_mode)


def test_environ__looked_up_names_are_noted_and_listing_notes_all() -> None:
    recording = record._Recording(["scan"])
    proxy = record._Environ({"A": "1", "B": "2"}, recording)
    assert proxy.get("A") == "1"
    assert "C" not in proxy
    proxy["D"] = "4"
    del proxy["D"]
    assert recording.names == {"A", "C"}
    listed = [recording.all_names]
    assert proxy.copy() == {"A": "1", "B": "2"}
    listed.append(recording.all_names)
    assert len(proxy) == 2
    assert listed == [False, True]


def _project(tmp_path: Path) -> tuple[Path, Path]:
    env = make_site_packages(
        tmp_path,
        [DistSpec("alpha", files={"alpha/__init__.py": 300}), DistSpec("beta", files={"b.py": 9})],
    )
    project = write_files(
        tmp_path / "project", {"requirements.txt": "alpha\nbeta\n", "main.py": "import alpha\n"}
    )
    time.sleep(SETTLE_NS / 1e9 + 0.2)  # old enough to be stored
    return env.prefix, project


class _Runs:
    """``depsize ARGV`` run in this process: exit code, stdout, and whether click's main ran."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.calls = 0
        real = depsize.cli.main

        def counted() -> None:
            self.calls += 1
            real()

        monkeypatch.setattr(depsize.cli, "main", counted)

    def __call__(self, *argv: str) -> tuple[object, str, bool]:
        before = self.calls
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
        err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
        self.monkeypatch.setattr(sys, "argv", ["depsize", *argv])
        self.monkeypatch.setattr(sys, "stdout", out)
        self.monkeypatch.setattr(sys, "stderr", err)
        with pytest.raises(SystemExit) as done:
            run()
        text = out.buffer.getvalue().decode()
        return done.value.code, text, self.calls == before


def test_run__twice_in_process__the_second_is_replayed_until_an_input_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    prefix, project = _project(tmp_path)
    runs = _Runs(monkeypatch)
    real_stat = os.stat
    args = ("scan", str(project), "--env", str(prefix), "--format", "json", "-q")
    code, first, replayed = runs(*args)
    assert (code, replayed) == (0, False)
    assert list((tmp_path / "xdg" / "depsize").glob("run-*.bin"))
    code, second, replayed = runs(*args)
    assert (code, second, replayed) == (0, first, True)
    assert {r["name"] for r in json.loads(second)["requirements"]} == {"alpha", "beta"}

    (project / "extra.py").write_text("import beta\n")
    code, third, replayed = runs(*args)
    assert (code, replayed) == (0, False)
    assert third != first
    assert os.stat is real_stat  # given back after each run
    assert not isinstance(os.environ, record._Environ)


def test_run__check_appending_a_step_summary__is_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    prefix, project = _project(tmp_path)
    runs = _Runs(monkeypatch)
    args = ("check", str(project), "--env", str(prefix), "--max-total", "1GB")
    code, _, replayed = runs(*args)
    assert (code, replayed) == (0, False)
    assert summary.read_text()
    assert not list((tmp_path / "xdg" / "depsize").glob("run-*.bin"))
    code, _, replayed = runs(*args)
    assert (code, replayed) == (0, False)


def test_run__env_not_stored_by_the_env_cache__is_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    env = make_site_packages(tmp_path, [DistSpec("alpha", files={"alpha.py": 30})])
    project = write_files(tmp_path / "project", {"main.py": "import alpha\n"})
    runs = _Runs(monkeypatch)  # no wait: the env is too fresh for the env scan cache
    args = ("why", "alpha", str(project), "--env", str(env.prefix))
    code, text, replayed = runs(*args)
    assert (code, replayed) == (0, False)
    assert text.startswith("alpha 1.0")
    assert not list((tmp_path / "xdg" / "depsize").glob("run-*.bin"))


def test_recording__file_events__note_reads_and_spoil_on_writes_outside_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = str(tmp_path / "xdg" / "depsize")
    recording = record._Recording(["scan"])
    monkeypatch.setattr(record, "_CURRENT", [recording])
    record._hook("open", (str(tmp_path / "a.txt"), "r", 0))
    record._hook("open", (os.fsencode(tmp_path / "b.txt"), None, os.O_RDONLY))
    record._hook("open", (3, "rb", 0))  # a descriptor: already noted when opened
    record._hook("os.listdir", (None,))
    record._hook("os.scandir", (str(tmp_path),))
    record._hook("open", (os.path.join(cache, "x.tmp"), None, os.O_CREAT | os.O_WRONLY))
    record._hook("os.rename", (os.path.join(cache, "x.tmp"), os.path.join(cache, "x")))
    record._hook("os.mkdir", (str(tmp_path / "xdg"), 0o777))
    record._hook("sys._getframe", (1,))
    assert recording.opened == {str(tmp_path / "a.txt"), str(tmp_path / "b.txt")}
    assert recording.listed == {os.getcwd(), str(tmp_path)}
    assert not recording.spoiled
    record._hook("open", (str(tmp_path / "out.json"), "w", 0))
    assert recording.spoiled


@pytest.mark.parametrize(
    ("event", "args"),
    [
        ("open", ("/tmp/report.json", None, os.O_WRONLY | os.O_CREAT)),
        ("os.rename", ("/tmp/a", "/tmp/b")),
        ("os.remove", ("/tmp/a", None)),
        ("os.scandir", (5,)),
        ("subprocess.Popen", ("python", ["python"], None, None)),
        ("os.fork", ()),
        ("socket.connect", (None, ("pypi.org", 443))),
        ("os.chdir", ("/",)),
    ],
)
def test_recording__side_effect_or_unknown_folder__spoils_it(
    monkeypatch: pytest.MonkeyPatch, event: str, args: tuple[object, ...]
) -> None:
    recording = record._Recording(["scan"])
    monkeypatch.setattr(record, "_CURRENT", [recording])
    record._hook(event, args)
    assert recording.spoiled


def test_recording__no_run_recorded__events_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(record, "_CURRENT", [])
    record._hook("os.fork", ())  # nothing to spoil, nothing raised
    assert record._path(object()) is None
    assert record._path("a\0b") is None
    assert record._path(b"/a") == "/a"


def test_finish__run_ended_by_an_exception__streams_given_back_and_nothing_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", out)
    real_stat = os.stat
    assert record.start(["scan"])
    assert not record.start(["scan"])  # one recording at a time
    assert sys.stdout is not out
    print("partial")
    record.note_run("no-such-token")
    record.finish(None)
    record.finish(0)  # nothing left to finish
    assert sys.stdout is out
    assert os.stat is real_stat
    assert out.buffer.getvalue() == b"partial\n"
    assert not (tmp_path / "xdg").exists()


def test_invocation__names_this_boot_when_the_system_tells_it() -> None:
    boot = Path("/proc/sys/kernel/random/boot_id")
    expected = boot.read_text().strip() if boot.is_file() else None
    assert key.invocation(["scan"])[2] == expected


def test_unchanged__paths_inside_the_base__stored_relative_and_checked_from_it(
    tmp_path: Path,
) -> None:
    base = tmp_path / "site"
    (base / "pkg").mkdir(parents=True)
    (base / "pkg" / "mod.py").write_text("x\n")
    outside = tmp_path / "other.txt"
    outside.write_text("y\n")
    stamps = [stamp(str(base)), stamp(str(base / "pkg")), stamp(str(base / "pkg" / "mod.py"))]
    stamps.append(stamp(str(outside)))
    data = encode(
        key=[], base=str(base), environ=[], all_environ=False, stamps=stamps, exit_code=0, chunks=[]
    )
    decoded = decode(data)
    assert decoded is not None
    assert decoded.base == os.fsencode(base)
    assert decoded.paths == [os.fsencode(base), b"pkg", b"pkg/mod.py", os.fsencode(outside)]
    assert unchanged(decoded.paths, decoded.stamps, decoded.base)
    (base / "pkg" / "mod.py").write_text("xx\n")
    assert not unchanged(decoded.paths, decoded.stamps, decoded.base)
    base.rename(tmp_path / "gone")
    assert not unchanged(decoded.paths[3:], decoded.stamps[15:], decoded.base)  # no base


def test_prune__more_runs_than_kept__the_oldest_go(tmp_path: Path) -> None:
    for number in range(5):
        path = tmp_path / f"run-{number:08x}.bin"
        path.write_bytes(b"")
        os.utime(path, ns=(number * 10**9, number * 10**9))
    (tmp_path / "env-00000000.pickle").write_bytes(b"")
    record.prune(str(tmp_path), keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "env-00000000.pickle",
        "run-00000003.bin",
        "run-00000004.bin",
    ]
    record.prune(str(tmp_path / "missing"))  # no folder: nothing to do


def test_recording__listing_entry_stat__is_noted_like_os_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "mod.py").write_text("x\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    real_scandir = os.scandir
    assert record.start(["scan"])
    try:
        with os.scandir(tmp_path) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        names = [(e.name, e.is_dir(), e.is_file(), e.is_symlink()) for e in entries]
        junction = entries[1].is_junction()  # type: ignore[attr-defined]
        size = entries[0].stat().st_size
        inode, shown, where = entries[1].inode(), repr(entries[1]), os.fspath(entries[1])
        walked = [files for _, _, files in os.walk(tmp_path)]
        listing = os.scandir(tmp_path)
        listing.close()
        recording = record._CURRENT[0]
    finally:
        record.finish(None)
    assert names == [("mod.py", False, True, False), ("sub", True, False, False)]
    assert size == 2
    assert entries[0].path in recording.stated  # (and os.walk lstat-s "sub")
    assert inode == (tmp_path / "sub").stat().st_ino
    assert "sub" in shown
    assert where == str(tmp_path / "sub")
    assert walked == [["mod.py"], []]
    assert os.scandir is real_scandir
    assert not junction


def test_real_paths__shared_folders__same_as_realpath(tmp_path: Path) -> None:
    from depsize.runcache.inputs import _RealPaths

    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "d").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "a" / "b")  # a folder through a symlink
    (tmp_path / "a" / "rel").symlink_to("../d")  # relative, with ..
    (tmp_path / "chain").symlink_to(tmp_path / "link")  # a symlink to a symlink
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    paths = [
        tmp_path / "a" / "b" / "c",
        tmp_path / "link" / "c",
        tmp_path / "a" / "rel",
        tmp_path / "chain" / "c",
        tmp_path / "dangling" / "x",
        tmp_path / "loop1" / "x",
        tmp_path / "missing" / "deeper",
        tmp_path / "a",
        Path("/"),
    ]
    real = _RealPaths()
    for path in [*paths, *reversed(paths)]:  # asked in either order, folders known or not
        assert real.of(str(path)) == os.path.realpath(path), path
