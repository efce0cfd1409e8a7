"""The used-by-dependency pass is remembered beside the env scan cache, and only there.

A warm run of an unchanged env answers from the memo: proven by editing a library file in place
(which keeps every folder's stamp, so the env cache still hits) and finding the old answer; a
run with ``--no-cache`` reads the edited file. Any change the env cache sees (a distribution
installed) drops the memo with it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from depsize.analyze import Settings, analyze
from depsize.usedby.memo import memo_file
from support.site_packages import BuiltEnv, DistSpec, make_site_packages

LAZY = b"def parse_form(body):\n    import formparse\n\n    return formparse.parse(body)\n"
CALL = b"from webfw.forms import parse_form\n"  # webfw calls it: a need, not a doubt
DISTS = [
    DistSpec("webfw", contents={"webfw/__init__.py": CALL, "webfw/forms.py": LAZY}),
    DistSpec("formparse", files={"formparse/__init__.py": 500}),
    DistSpec("other", files={"other/__init__.py": 50}),
]


def _age(top: Path) -> None:
    """Every entry last changed an hour ago: a settled env the cache stores."""
    past = time.time() - 3600
    for root, dirs, files in os.walk(top):
        for name in [*dirs, *files]:
            os.utime(os.path.join(root, name), (past, past))
    os.utime(top, (past, past))


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[BuiltEnv, Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built = make_site_packages(tmp_path / "env", DISTS)
    _age(built.prefix)
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("webfw\nformparse\n")
    (project / "app.py").write_text("import webfw\n")
    return built, project


def _status(project: Path, built: BuiltEnv, *, use_cache: bool = True) -> str:
    analysis = analyze(Settings(project=project, env_dir=built.prefix, use_cache=use_cache))
    assert analysis.judgement is not None
    (verdict,) = [v for v in analysis.judgement.verdicts if v.requirement.name == "formparse"]
    return verdict.status


def test_warm_run_answers_from_the_memo(setup: tuple[BuiltEnv, Path], tmp_path: Path) -> None:
    built, project = setup
    assert _status(project, built) == "used-by-dependency"  # cold: scans, stores both
    memos = list((tmp_path / "cache" / "depsize").glob("usedby-*.pickle"))
    assert len(memos) == 1
    forms = built.site / "webfw" / "forms.py"
    stat = forms.stat()
    forms.write_bytes(b"def parse_form(body):\n    return body\n".ljust(len(LAZY)))
    os.utime(forms, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # an edit no stamp shows
    assert _status(project, built) == "used-by-dependency"  # the memo's answer
    assert _status(project, built, use_cache=False) == "unused"  # the file as it is now


def test_a_change_the_env_cache_sees_drops_the_memo(
    setup: tuple[BuiltEnv, Path], tmp_path: Path
) -> None:
    built, project = setup
    assert _status(project, built) == "used-by-dependency"
    forms = built.site / "webfw" / "forms.py"
    forms.write_bytes(b"def parse_form(body):\n    return body\n")
    (built.site / "newdist").mkdir()  # what pip does: site-packages itself changes
    _age(built.prefix)
    assert _status(project, built) == "unused"


def test_a_corrupt_memo_is_a_miss(setup: tuple[BuiltEnv, Path], tmp_path: Path) -> None:
    built, project = setup
    assert _status(project, built) == "used-by-dependency"
    (memo,) = (tmp_path / "cache" / "depsize").glob("usedby-*.pickle")
    memo.write_bytes(b"\x80\x05not a pickle")
    assert _status(project, built) == "used-by-dependency"
    assert memo.read_bytes() != b"\x80\x05not a pickle"  # rewritten


def test_memo_file_is_one_per_env_cache_file(tmp_path: Path) -> None:
    one = memo_file(tmp_path, "/c/env-1.pickle:1:2:3:4")
    assert one == memo_file(tmp_path, "/c/env-1.pickle:9:9:9:9")
    assert one != memo_file(tmp_path, "/c/env-2.pickle:1:2:3:4")
