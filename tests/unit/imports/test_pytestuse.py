"""Fixture and marker uses in test modules: first uses, and which modules are worth parsing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from depsize.imports.pytestuse import KnownUses, fixture_and_marker_uses


def _files(tmp_path: Path, texts: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in texts.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_uses__first_use_of_each_kept_later_modules_not_needed(tmp_path: Path) -> None:
    files = _files(
        tmp_path,
        {
            "test_a.py": "import pytest\n\n@pytest.mark.slowish\ndef test_a(db):\n    pass\n",
            "test_b.py": "import pytest\n\n@pytest.mark.slowish\ndef test_b(db, tmp):\n    pass\n",
            "test_c.py": "def test_c(\n    other,\n    tmp,\n):\n    pass\n",
        },
    )
    found = fixture_and_marker_uses(files, {"db", "tmp"}, {"slowish"})
    assert (found["fixture:db"].file.name, found["fixture:db"].line) == ("test_a.py", 4)
    assert (found["marker:slowish"].file.name, found["marker:slowish"].line) == ("test_a.py", 3)
    assert (found["fixture:tmp"].file.name, found["fixture:tmp"].line) == ("test_b.py", 4)
    assert found["marker:slowish"].what == "marker @pytest.mark.slowish"


def test_uses__a_marker_after_mark_with_a_comment_between__found(tmp_path: Path) -> None:
    text = "import pytest\n\npytestmark = (pytest.mark  # why\n    . flaky)\n"
    files = _files(tmp_path, {"test_a.py": text})
    found = fixture_and_marker_uses(files, set(), {"flaky"})
    assert found["marker:flaky"].line == 3


def test_uses__a_marker_name_used_only_as_a_word__not_a_marker_use(tmp_path: Path) -> None:
    files = _files(tmp_path, {"test_a.py": "flaky = 1\n\ndef test_a(flaky):\n    pass\n"})
    found = fixture_and_marker_uses(files, set(), {"flaky"})
    assert "marker:flaky" not in found


def test_uses__a_fixture_found_as_a_name_once_its_marker_is_known__still_found(
    tmp_path: Path,
) -> None:
    """A name both a fixture and a marker: finding the marker does not stop the fixture search."""
    files = _files(
        tmp_path,
        {
            "test_a.py": "import pytest\n\n@pytest.mark.timeout(3)\ndef test_a():\n    pass\n",
            "test_b.py": "def test_b(timeout):\n    pass\n",
        },
    )
    found = fixture_and_marker_uses(files, {"timeout"}, {"timeout"})
    assert found["marker:timeout"].file.name == "test_a.py"
    assert (found["fixture:timeout"].file.name, found["fixture:timeout"].line) == ("test_b.py", 1)


def test_uses__pytest_plugins_read_in_every_module_that_sets_it(tmp_path: Path) -> None:
    files = _files(
        tmp_path,
        {
            "conftest.py": "pytest_plugins = ['pkg_a.plugin']\n",
            "sub_conftest.py": "pytest_plugins = ('pkg_b',)\n",
        },
    )
    found = fixture_and_marker_uses(files, {"unused"}, set())
    assert found["plugins:pkg_a.plugin"].file.name == "conftest.py"
    assert found["plugins:pkg_a"].line == 1
    assert found["plugins:pkg_b"].file.name == "sub_conftest.py"


def test_uses__nothing_asked__nothing_read(tmp_path: Path) -> None:
    files = _files(tmp_path, {"test_a.py": "def test_a(db):\n    pass\n"})
    assert fixture_and_marker_uses(files, set(), set()) == {}


@pytest.mark.parametrize(
    "text",
    [
        'def test_a(x=")", db=None):\n    pass\n',
        "def test_a(\n    x,  # a comment with ) and (\n    db,\n):\n    pass\n",
        "class TestA:\n    async def test_a(self, *, db: 'Db') -> None:\n        pass\n",
        "import pytest\n\n@pytest.mark.usefixtures('db')\ndef test_a():\n    pass\n",
        'def test_a(request):\n    request.getfixturevalue("db")\n',
        "@pytest.fixture\ndef other(db):\n    return db\n",
    ],
)
def test_uses__fixture_as_a_parameter_or_quoted__found(tmp_path: Path, text: str) -> None:
    files = _files(tmp_path, {"test_a.py": "import pytest\n" + text})
    found = fixture_and_marker_uses(files, {"db"}, set())
    assert "fixture:db" in found


def test_uses__fixture_name_only_as_a_word__module_not_parsed(tmp_path: Path) -> None:
    """``db`` only as an argument of a call: no use of the fixture, and the module is not parsed
    at all (the parameters of its tests, asked for by no one, are not listed)."""
    files = _files(tmp_path, {"test_a.py": "def test_a(tmp):\n    load(db)\n"})
    found = fixture_and_marker_uses(files, {"db"}, set())
    assert found == {}
    parsed = fixture_and_marker_uses(files, {"db", "tmp"}, set())
    assert "fixture:tmp" in parsed  # the same module, parsed for a fixture it does name


KEPT = {
    "test_a.py": 'import pytest\n\n@pytest.mark.slowish\ndef test_a(db):\n    x = "spare"\n',
    "test_b.py": 'def test_b(tmp, db):\n    x = "spare"\n',
    "conftest.py": "pytest_plugins = ['pkg_a']\n",
    "test_c.py": 'def test_c(db, "spare"\n',  # does not parse: no use
}
"""Every module names ``spare`` quoted (no use of it): asked for it, each one is parsed."""


def _all_kept(files: list[Path], cache: Path, root: Path) -> KnownUses:
    first = KnownUses(cache, root)
    assert fixture_and_marker_uses(files, {"spare"}, set(), first)["plugins:pkg_a"].line == 1
    first.save()
    known = KnownUses(cache, root)  # read back from the file
    assert len(known.entries) == 4  # every module parsed once, all it holds kept
    return known


@pytest.mark.parametrize(
    ("fixtures", "markers"), [({"db", "tmp"}, {"slowish"}), ({"tmp"}, set()), (set(), {"x"})]
)
def test_uses__known_from_an_earlier_run__same_answer_as_parsing(
    tmp_path: Path, fixtures: set[str], markers: set[str]
) -> None:
    files = _files(tmp_path, KEPT)
    known = _all_kept(files, tmp_path / "cache", tmp_path)
    assert fixture_and_marker_uses(files, fixtures, markers, known) == (
        fixture_and_marker_uses(files, fixtures, markers)
    )


def test_uses__known_module_edited__parsed_again(tmp_path: Path) -> None:
    files = _files(tmp_path, KEPT)
    cache = tmp_path / "cache"
    _all_kept(files, cache, tmp_path)
    test_a, test_b = files[0], files[1]
    old = test_b.stat()
    test_b.write_text('def test_b(tmp, zz):\n    x = "spare"\n')  # same size and mtime: trusted
    os.utime(test_b, ns=(old.st_atime_ns, old.st_mtime_ns))
    test_a.write_text("def test_a():\n    pass\n")
    os.utime(test_a, ns=(old.st_atime_ns, old.st_mtime_ns + 1_000_000_000))
    found = fixture_and_marker_uses(files, {"db"}, set(), KnownUses(cache, tmp_path))
    assert (found["fixture:db"].file.name, found["fixture:db"].line) == ("test_b.py", 1)
    assert "fixture:db" not in fixture_and_marker_uses(files, {"db"}, set())  # a parse now


def test_uses__known_file_damaged_or_of_another_project__a_miss(tmp_path: Path) -> None:
    files = _files(tmp_path, KEPT)
    cache = tmp_path / "cache"
    kept = KnownUses(cache, tmp_path)
    fixture_and_marker_uses(files, {"db"}, set(), kept)
    kept.save()
    assert KnownUses(cache, tmp_path / "other").entries == {}
    kept.path.write_bytes(b"\x80\x05not a pickle")
    assert KnownUses(cache, tmp_path).entries == {}
    for entries in ({str(files[0]): 5}, {str(files[0]): ((1, 2), (("fixture:db", 1),))}):
        kept.entries, kept.changed = entries, True  # type: ignore[assignment]
        kept.save()
        assert KnownUses(cache, tmp_path).entries == {}
    assert "fixture:db" in fixture_and_marker_uses(files, {"db"}, set(), KnownUses(cache, tmp_path))
