"""used-by-dependency: a lazy import in a library function nothing calls is a doubt.

IPython imports nbconvert inside ``unicode_std_stream``, a deprecated function no file of
IPython names again; the env is a real site-packages folder in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import NormalizedName

from depsize.env.discover import from_prefix
from depsize.env.scan import scan_env
from depsize.graph import build_graph
from depsize.usedby import DependencyUse, DependencyUses, find_dependency_uses
from depsize.usedby.calls import with_project_calls
from depsize.verdicts import Verdict
from support.projects import app_project, verdicts_of
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

IO = b'''"""IO related utilities."""

import sys
import warnings


def unicode_std_stream(stream="stdout"):
    """DEPRECATED, moved to nbconvert.utils.io"""
    warnings.warn("IPython.utils.io.unicode_std_stream has moved to nbconvert.utils.io")
    from nbconvert.utils.io import unicode_std_stream

    return unicode_std_stream(stream)
'''
TEE = b"""

class Tee:
    def flush(self):
        import nbconvert

        return nbconvert
"""
NBCONVERT = DistSpec("nbconvert", files={"nbconvert/__init__.py": 10, "nbconvert/utils/io.py": 10})


def _env(tmp_path: Path, **more: bytes) -> BuiltEnv:
    contents = {"ipylike/__init__.py": b"", "ipylike/utils/io.py": IO, **more}
    entry_points = more.pop("entry_points", None)
    spec = DistSpec(
        "ipylike",
        contents={k: v for k, v in contents.items() if k != "entry_points"},
        entry_points=entry_points.decode() if entry_points else None,
    )
    return make_site_packages(tmp_path, [spec, NBCONVERT])


def _uses(built: BuiltEnv) -> list[DependencyUse]:
    env = from_prefix(built.prefix, how="test")
    scan = scan_env(env)
    graph = build_graph(scan.dists, env.marker_environment())
    found = find_dependency_uses(
        scan, graph, {NormalizedName("nbconvert")}, {(NormalizedName("ipylike"), "")}
    )
    return list(found.uses.get(NormalizedName("nbconvert"), ()))


def _verdict(tmp_path: Path, built: BuiltEnv, app: str = "import ipylike\n") -> Verdict:
    project = app_project(tmp_path, "ipylike\nnbconvert\n", app)
    return verdicts_of(project, built.prefix)[NormalizedName("nbconvert")]


def test_find_dependency_uses__function_nothing_calls__uncalled_but_methods_are_not(
    tmp_path: Path,
) -> None:
    uses = _uses(_env(tmp_path, **{"ipylike/utils/io.py": IO + TEE}))

    assert [(u.function, u.uncalled) for u in uses] == [
        ("unicode_std_stream", True),
        ("Tee.flush", False),
    ]
    assert uses[0].describe() == (
        "nbconvert imported by ipylike, for ipylike's unicode_std_stream "
        "(inside a function; nothing in ipylike calls it)"
    )


def test_judge__lazy_import_only_in_uncalled_function__unused_but_likely(tmp_path: Path) -> None:
    built = _env(tmp_path)

    verdict = _verdict(tmp_path, built)

    assert (verdict.status, verdict.confidence) == ("unused", "likely")
    assert verdict.confidence_reason is not None
    assert verdict.confidence_reason.startswith(
        "nbconvert imported by ipylike, for ipylike's unicode_std_stream (inside a "
        "function; nothing in ipylike calls it) at site-packages/ipylike/utils/io.py:10: "
    )


@pytest.mark.parametrize(
    "where",
    [
        {"ipylike/console.py": b"from .utils.io import unicode_std_stream\n"},
        {"ipylike/utils/__init__.py": b"__all__ = ['unicode_std_stream']\n"},
        {"ipylike/tests/test_io.py": b"def test():\n    io.unicode_std_stream()\n"},
        {"entry_points": b"[console_scripts]\nuss = ipylike.utils.io:unicode_std_stream\n"},
    ],
    ids=["called", "all", "its-tests", "entry-point"],
)
def test_find_dependency_uses__function_named_elsewhere_in_its_dist__a_need(
    tmp_path: Path, where: dict[str, bytes]
) -> None:
    uses = _uses(_env(tmp_path, **where))

    assert [(u.function, u.uncalled) for u in uses] == [("unicode_std_stream", False)]


def test_judge__project_names_the_uncalled_function__used_by_dependency(tmp_path: Path) -> None:
    built = _env(tmp_path)
    app = "import ipylike.utils.io as io\n\nio.unicode_std_stream('stderr')\n"

    verdict = _verdict(tmp_path, built, app)

    assert verdict.status == "used-by-dependency"
    assert verdict.evidence[0].text == (
        "nbconvert imported by ipylike, for ipylike's unicode_std_stream (inside a function)"
    )


def test_find_dependency_uses__more_files_than_are_scanned__a_need(tmp_path: Path) -> None:
    # past the files kept per source, an unscanned file may call it or need the candidate
    more = {f"ipylike/m{i}.py": b"def f%d():\n    import nbconvert\n" % i for i in range(3)}
    uses = _uses(_env(tmp_path, **more))

    assert len(uses) == 3
    assert not any(u.uncalled for u in uses)


def test_find_dependency_uses__a_file_of_its_dist_cannot_be_read__a_need(tmp_path: Path) -> None:
    built = _env(tmp_path, **{"ipylike/broken.py": b""})
    (built.site / "ipylike" / "broken.py").unlink()
    (built.site / "ipylike" / "broken.py").mkdir()  # listed in RECORD, not a file

    assert [(u.function, u.uncalled) for u in _uses(built)] == [("unicode_std_stream", False)]


def test_with_project_calls__a_project_file_cannot_be_read__called(tmp_path: Path) -> None:
    use = DependencyUse(
        NormalizedName("nbconvert"),
        NormalizedName("ipylike"),
        tmp_path / "io.py",
        10,
        "import",
        "nbconvert",
        function="unicode_std_stream",
        lazy=True,
        uncalled=True,
    )
    (tmp_path / "app.py").write_text("print('no call')\n")
    found = DependencyUses(uses={use.candidate: (use,)})

    assert with_project_calls(found, [tmp_path / "app.py"]) == found
    unread = with_project_calls(found, [tmp_path / "app.py", tmp_path / "gone.py"])
    assert [u.uncalled for u in unread.uses[use.candidate]] == [False]
