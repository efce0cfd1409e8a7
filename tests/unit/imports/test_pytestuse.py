"""Fixture and marker uses in test modules: first uses, and which modules are worth parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from depsize.imports.pytestuse import fixture_and_marker_uses


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
