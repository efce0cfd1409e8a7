"""``depsize trim``: golden files, byte-for-byte round trips, selection, diff and safe writing."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.utils import NormalizedName, canonicalize_name

from depsize.analyze import Analysis, Settings, analyze
from depsize.attribute import Attribution, Root, RootSizes
from depsize.errors import InputError
from depsize.models import Confidence, Status
from depsize.requirements import DeclaredRequirement, DeclaredSet, load_declared, render
from depsize.trim import (
    Addition,
    CpuTorch,
    Removal,
    TrimPlan,
    describe,
    parse_statuses,
    plan_from_analysis,
    plan_trim,
    readable,
    select_removals,
    unified_diff,
    write_plan,
)
from depsize.verdicts import Judgement, Verdict
from support.site_packages import DistSpec, make_site_packages

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "trim"
BOM = b"\xef\xbb\xbf"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# -- golden files ---------------------------------------------------------------------------------


def _case(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name / "case.json").read_text(encoding="utf-8"))
    return data


def _golden_params() -> Iterator[Any]:
    for case_dir in sorted(FIXTURES.iterdir()):
        if (case_dir / "case.json").is_file():
            for variant in _case(case_dir.name)["variants"]:
                yield pytest.param(case_dir.name, variant, id=f"{case_dir.name}-{variant}")


def _variant(data: bytes, variant: str, *, keep_final_newline: bool = False) -> bytes:
    """The bytes of a fixture as ``variant`` writes it: CRLF endings, a BOM, no final newline."""
    if variant == "as-is":
        return data
    ending = b"\r\n" if "crlf" in variant else b"\n"
    data = data.replace(b"\n", ending)
    if "no-final-newline" in variant and not keep_final_newline:
        data = data.removesuffix(ending)
    return BOM + data if "bom" in variant else data


def _inputs(case_dir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(case_dir).as_posix(): path.read_bytes()
        for path in sorted(case_dir.rglob("*"))
        if path.is_file() and path.name != "case.json" and "expected" not in path.parts
    }


def _removals(declared: DeclaredSet, spec: list[list[Any]]) -> list[Removal]:
    wanted = {canonicalize_name(name): (status, size) for name, status, size in spec}
    return [Removal(req, *wanted[req.name]) for req in declared.requirements if req.name in wanted]


def _changed_lines(old: bytes, new: bytes) -> tuple[set[int], set[int]]:
    """(old line numbers replaced or deleted, old line counts after which lines were inserted)."""
    matcher = difflib.SequenceMatcher(
        None, old.splitlines(keepends=True), new.splitlines(keepends=True), autojunk=False
    )
    touched: set[int] = set()
    inserted: set[int] = set()
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "insert":
            inserted.add(i1)
        elif tag != "equal":
            touched.update(range(i1 + 1, i2 + 1))
    return touched, inserted


def _dotted(data: Any, path: str) -> Any:
    keys = path.split(".")
    if keys[0] == "project" and keys[1] == "optional-dependencies":
        keys = ["project", "optional-dependencies", ".".join(keys[2:])]
    for key in keys:
        data = data[key]
    return data


@pytest.mark.parametrize(("name", "variant"), list(_golden_params()))
def test_plan_trim__golden_case__expected_bytes_and_only_intended_lines(
    tmp_path: Path, name: str, variant: str
) -> None:
    case_dir, case = FIXTURES / name, _case(name)
    adds_newline = case.get("final_newline") == "added"
    inputs = {rel: _variant(data, variant) for rel, data in _inputs(case_dir).items()}
    for rel, data in inputs.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    declared = load_declared(tmp_path, environ={})
    cpu = CpuTorch(case["cpu_torch"]) if "cpu_torch" in case else None
    plan = plan_trim(
        declared,
        _removals(declared, case["remove"]),
        comments=case.get("comments", True),
        additions=[Addition(*a) for a in case.get("additions", [])],
        cpu_torch=cpu,
        project=tmp_path,
    )
    outputs = {edit.path.relative_to(tmp_path).as_posix(): edit.new for edit in plan.files}
    assert set(outputs) == set(case["changed"])
    for rel, old in inputs.items():
        expected_file = case_dir / "expected" / rel
        expected = (
            _variant(expected_file.read_bytes(), variant, keep_final_newline=adds_newline)
            if expected_file.is_file()
            else old
        )
        assert outputs.get(rel, old) == expected, rel
    for rel, lines in case["changed"].items():
        touched, inserted = _changed_lines(inputs[rel], outputs[rel])
        assert touched == set(lines["lines"])
        assert inserted <= set(lines.get("inserted_after", []))
    assert {s.name: s.reason for s in plan.skipped} == case.get("skipped", {})
    for path, items in case.get("arrays", {}).items():
        assert _dotted(tomllib.loads(outputs["pyproject.toml"].decode()), path) == items


# -- nothing to remove: every byte back ------------------------------------------------------------

_REQUIREMENT = st.sampled_from(
    [
        "flask",
        "requests[socks]>=2.31,<3",
        'django==4.2 ; python_version >= "3.8"',
        "pyyaml @ https://example.com/PyYAML-6.0.1.tar.gz",
        "rich==13.9.4  # pretty",
        "numpy==1.26.4 --hash=sha256:03a8c78d01d9781b28a6989f6fa1bb2c",
        "caf\u00e9-lib==1.0",
        "${EXTRA}",
    ]
)
_OTHER = st.sampled_from(
    [
        "",
        "   ",
        "# a comment",
        "  # indented comment \\",
        "-i https://pypi.org/simple",
        "--extra-index-url https://example.com/simple  # mirror",
        "--pre",
        "-r other.txt",
        "-c constraints.txt",
        "\t",
    ]
)
_CONTINUED = st.tuples(
    st.sampled_from(["attrs==23.2.0 \\", "six \\", "idna==3.10 \\"]),
    st.sampled_from(["    --hash=sha256:0123abcd", '  ; python_version < "3.12"', "", "# tail"]),
).map(list)


def _assemble(parts: tuple[list[list[str]], list[str], bool, bool]) -> bytes:
    blocks, endings, final_newline, bom = parts
    lines = [line for block in blocks for line in block]
    endings = (endings * len(lines))[: len(lines)]
    if lines and not final_newline:
        endings[-1] = ""
    data = "".join(line + ending for line, ending in zip(lines, endings, strict=True)).encode()
    return BOM + data if bom else data


requirements_files = st.tuples(
    st.lists(
        st.one_of(_REQUIREMENT.map(lambda r: [r]), _OTHER.map(lambda o: [o]), _CONTINUED),
        max_size=12,
    ),
    st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=12),
    st.booleans(),
    st.booleans(),
).map(_assemble)
"""Requirements files built from real-world line shapes, any line endings, BOM or not."""


def _declared_from(folder: Path, data: bytes) -> DeclaredSet:
    (folder / "other.txt").write_bytes(b"click\n")
    (folder / "constraints.txt").write_bytes(b"urllib3<3\n")
    (folder / "requirements.txt").write_bytes(data)
    return load_declared(folder, [folder / "requirements.txt"], environ={})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=requirements_files, comments=st.booleans())
def test_plan_trim__nothing_to_remove__every_file_byte_for_byte(
    data: bytes, comments: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        declared = _declared_from(Path(folder), data)
        plan = plan_trim(declared, [], comments=comments)
    assert all(edit.new == edit.old for edit in plan.files)
    assert unified_diff(plan) == ""
    assert plan.summary.declared_before == plan.summary.declared_after


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=requirements_files)
def test_plan_trim__every_requirement_removed_without_comments__only_their_lines_go(
    data: bytes,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        declared = _declared_from(Path(folder), data)
        main = [r for r in declared.requirements if r.source.name == "requirements.txt"]
        plan = plan_trim(declared, [Removal(r, "unused") for r in main], comments=False)
    (rfile,) = [f for f in declared.requirements_files if f.path.name == "requirements.txt"]
    expected = render(rfile, [(r.line, r.end_line) for r in main])
    if data.startswith(BOM) and not expected.startswith(BOM):
        expected = BOM + expected
    new = {e.path.name: e.new for e in plan.files}.get("requirements.txt", data)
    assert new == expected


# -- selection ------------------------------------------------------------------------------------


def _requirement(name: str) -> DeclaredRequirement:
    return DeclaredRequirement(
        name=canonicalize_name(name),
        display_name=name,
        extras=frozenset(),
        specifier="",
        marker=None,
        url=None,
        editable=False,
        local_path=None,
        source=Path("requirements.txt"),
        line=1,
        end_line=1,
        raw=name,
    )


def _verdict(name: str, status: Status, *, ignored: bool = False, pin: bool = False) -> Verdict:
    req = _requirement(name)
    sizes = RootSizes(Root(req.name), frozenset(), 10, 10, 7, 10)
    confidence: Confidence = "likely" if pin else "certain"
    return Verdict(req, status, sizes=sizes, ignored=ignored, pin=pin, confidence=confidence)


def _judgement(*verdicts: Verdict) -> Judgement:
    return Judgement(verdicts, (), (), Attribution((), (), 0, 0, 0))


def test_select_removals__defaults__unused_and_dead_code_only() -> None:
    judgement = _judgement(
        _verdict("rich", "unused"),
        _verdict("numpy", "dead-code-only"),
        _verdict("flask", "used"),
        _verdict("idna", "transitive-only"),
    )
    removals = select_removals(judgement)
    assert [(r.requirement.name, r.status, r.freed_bytes) for r in removals] == [
        ("rich", "unused", 7),
        ("numpy", "dead-code-only", 7),
    ]


def test_select_removals__ignored_kept_and_likely_pins__not_removed() -> None:
    judgement = _judgement(
        _verdict("rich", "unused", ignored=True),
        _verdict("Py_YAML", "unused"),
        _verdict("httpx", "transitive-only", pin=True),
        _verdict("idna", "transitive-only"),
    )
    removals = select_removals(judgement, ("unused", "transitive-only"), keep=["py.yaml"])
    assert [(r.requirement.name, r.freed_bytes) for r in removals] == [("idna", 0)]
    pins_too = select_removals(
        judgement, ("unused", "transitive-only"), keep=["py.yaml"], include_likely=True
    )
    assert [(r.requirement.name, r.freed_bytes) for r in pins_too] == [("httpx", 0), ("idna", 0)]


def test_parse_statuses__known_and_unknown__tuple_or_input_error() -> None:
    assert parse_statuses("unused, transitive-only") == ("unused", "transitive-only")
    with pytest.raises(InputError, match="used cannot be removed safely"):
        parse_statuses("unused,used")
    with pytest.raises(InputError):
        parse_statuses(" , ")


def test_readable__continuation_with_hashes__one_line_hashes_shortened() -> None:
    raw = "numpy==1.26.4 \\\n    --hash=sha256:" + "a" * 64 + " \\\n    --hash sha256:" + "b" * 64
    assert readable(raw) == (
        "numpy==1.26.4 --hash=sha256:aaaaaaaaaaaa... --hash sha256:bbbbbbbbbbbb..."
    )


# -- plans on small projects ----------------------------------------------------------------------

Project = Callable[..., Path]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Write ``files`` (relative path → text or bytes) into a new folder and return it."""

    def make(files: dict[str, bytes | str], name: str = "project") -> Path:
        root = tmp_path / name
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return root

    return make


def _plan(root: Path, names: dict[str, int], **kwargs: Any) -> TrimPlan:
    declared = load_declared(root, environ={})
    spec = [[name, "unused", size] for name, size in names.items()]
    return plan_trim(declared, _removals(declared, spec), project=root, **kwargs)


def test_plan_trim__summary__counts_and_freed_for_names_gone_everywhere(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "rich\nsix\nflask\n",
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["six", "idna"]\n',
        }
    )
    asked: list[frozenset[NormalizedName]] = []

    def freed(names: frozenset[NormalizedName]) -> int:
        asked.append(names)
        return 1000 * len(names)

    plan = _plan(root, {"rich": 5, "six": 3}, reachable_bytes=10_000, freed_bytes=freed)
    assert asked == [frozenset({"rich", "six"})]
    summary = plan.summary
    assert (summary.declared_before, summary.declared_after) == (4, 2)  # six counts once
    assert (summary.reachable_before, summary.freed, summary.reachable_after) == (
        10_000,
        2000,
        8000,
    )
    text = "\n".join(describe(plan))
    assert "declared requirements: 4 -> 2" in text
    assert "10.0 kB -> 8.0 kB (frees 2.0 kB)" in text
    assert "requirements.txt:1: removed rich (unused, frees 5 B)" in text


def test_plan_trim__name_kept_in_another_file__not_counted_as_freed(project: Project) -> None:
    root = project(
        {"requirements.txt": "six\n", "setup.cfg": "[options]\ninstall_requires = six\n"}
    )
    declared = load_declared(root, environ={})
    txt_six = [r for r in declared.requirements if r.source.name == "requirements.txt"]
    plan = plan_trim(declared, [Removal(txt_six[0], "unused", 3)], freed_bytes=len)
    assert plan.summary.removed_names == ()
    assert plan.summary.freed == 0


def test_plan_trim__two_requirements_on_one_line__skipped_unless_both_go(project: Project) -> None:
    root = project(
        {"requirements.txt": "-e ./a -e ./b\nrich\n", "a/setup.py": "", "b/setup.py": ""}
    )
    declared = load_declared(root, environ={})
    first = next(r for r in declared.requirements if r.line == 1)
    plan = plan_trim(declared, [Removal(first, "unused")])
    assert [s.reason for s in plan.skipped] == [f"its line also declares {_other(declared, first)}"]
    both = [Removal(r, "unused") for r in declared.requirements if r.line == 1]
    assert plan_trim(declared, both).files[0].new.startswith(b"# depsize: removed")


def _other(declared: DeclaredSet, first: DeclaredRequirement) -> str:
    return next(r.display_name for r in declared.requirements if r.line == 1 and r != first)


def test_plan_trim__add_missing__skips_declared_and_files_without_requirements_txt(
    project: Project,
) -> None:
    root = project({"requirements.txt": "rich"})
    plan = _plan(root, {}, additions=[Addition("Rich", "13", "rich", "a.py:1")])
    assert [(s.name, s.reason) for s in plan.skipped] == [("Rich", "already declared")]
    plan = _plan(
        root, {}, additions=[Addition("click", "8.1.7", "click", "a.py:2")], comments=False
    )
    assert plan.files[0].new == b"rich\nclick==8.1.7\n"
    bare = project({"pyproject.toml": '[project]\nname = "x"\n'}, "bare")
    plan = _plan(bare, {}, additions=[Addition("click", "8", "click", "a.py:2")])
    assert plan.files == ()
    assert [s.reason for s in plan.skipped] == ["no requirements file to add it to"]


def test_plan_trim__cpu_torch__once_per_file_never_twice(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "-r ml.txt\ntorch==2.3.1+cu121\n",
            "ml.txt": "torchvision\n",
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["torchaudio"]\n',
        }
    )
    plan = _plan(root, {}, cpu_torch=CpuTorch(2_900_000_000), comments=False)
    option = b"--extra-index-url https://download.pytorch.org/whl/cpu\n"
    assert {e.path.name: e.new for e in plan.files} == {
        "requirements.txt": option + b"-r ml.txt\ntorch==2.3.1+cu121\n",
        "ml.txt": option + b"torchvision\n",
    }
    assert plan.summary.cpu_torch_saving == 2_900_000_000
    assert [c.bytes for _, c in plan.changes] == [2_900_000_000, 0]
    reasons = sorted(s.reason for s in plan.skipped)
    assert reasons == [
        "pins a CUDA build: change the pin to +cpu by hand",
        "pyproject.toml cannot name a pip index",
    ]
    again = project({"requirements.txt": option.decode() + "torch\n"}, "again")
    plan = _plan(again, {}, cpu_torch=CpuTorch(1))
    assert plan.files == ()
    assert plan.summary.cpu_torch_saving is None


def test_plan_trim__cpu_torch_after_leading_comments__file_line_ending_used(
    project: Project,
) -> None:
    root = project({"requirements.txt": "\ufeff# header\r\n# more\r\ntorch"})
    plan = _plan(root, {}, cpu_torch=CpuTorch(5), comments=False)
    assert plan.files[0].new == (
        b"\xef\xbb\xbf# header\r\n# more\r\n"
        b"--extra-index-url https://download.pytorch.org/whl/cpu\r\ntorch"
    )
    first = project({"requirements.txt": "\ufefftorch\n"}, "first")
    plan = _plan(first, {}, cpu_torch=CpuTorch(5), comments=False)
    assert plan.files[0].new == (
        b"\xef\xbb\xbf--extra-index-url https://download.pytorch.org/whl/cpu\ntorch\n"
    )


def test_plan_trim__manifest_changed_since_read__input_error(project: Project) -> None:
    root = project({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["six"]\n'})
    declared = load_declared(root, environ={})
    (root / "pyproject.toml").write_text('[project]\nname = "y"\ndependencies = ["six"]\n')
    with pytest.raises(InputError, match="changed since it was read"):
        plan_trim(declared, [Removal(declared.requirements[0], "unused")])


def test_plan_trim__manifest_gone_since_read__input_error(project: Project) -> None:
    root = project({"Pipfile": '[packages]\nsix = "*"\n'})
    declared = load_declared(root, environ={})
    (root / "Pipfile").unlink()
    with pytest.raises(InputError, match="Pipfile: cannot read"):
        plan_trim(declared, [Removal(declared.requirements[0], "unused")])


def test_plan_trim__poetry_inline_table__skipped_file_untouched(project: Project) -> None:
    root = project({"pyproject.toml": '[tool.poetry]\ndependencies = { six = "^1", rich = "*" }\n'})
    plan = _plan(root, {"six": 1})
    assert plan.files == ()
    assert [(s.name, s.reason) for s in plan.skipped] == [
        ("six", "its position in the file is not known")
    ]


def test_plan_trim__requirement_from_setup_cfg_file_directive__skipped(project: Project) -> None:
    root = project(
        {"setup.cfg": "[options]\ninstall_requires = file: reqs.in\n", "reqs.in": "six\n"}
    )
    plan = _plan(root, {"six": 1})
    assert [s.reason for s in plan.skipped] == ["declared in reqs.in, which trim does not edit"]


# -- diff and description -------------------------------------------------------------------------


def test_unified_diff__no_final_newline__git_style_marker_and_relative_paths(
    project: Project,
) -> None:
    root = project({"requirements.txt": "flask\nrich", "requirements/dev.txt": "pytest\nmypy\n"})
    plan = _plan(root, {"rich": 11_400_000, "mypy": 1})
    assert unified_diff(plan) == (
        "--- a/requirements.txt\n"
        "+++ b/requirements.txt\n"
        "@@ -1,2 +1,2 @@\n"
        " flask\n"
        "-rich\n"
        "\\ No newline at end of file\n"
        '+# depsize: removed "rich" (unused, frees 11.4 MB)\n'
        "\\ No newline at end of file\n"
        "--- a/requirements/dev.txt\n"
        "+++ b/requirements/dev.txt\n"
        "@@ -1,2 +1,2 @@\n"
        " pytest\n"
        "-mypy\n"
        '+# depsize: removed "mypy" (unused, frees 1 B)\n'
    )


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
def test_unified_diff__applied_with_patch__gives_the_new_bytes(
    project: Project, tmp_path: Path
) -> None:
    import subprocess

    root = project(
        {"requirements.txt": "# top\r\nflask\r\nrich==13 \\\r\n  --hash=sha256:ab\r\nsix"}
    )
    plan = _plan(root, {"rich": 5, "six": 1})
    (tmp_path / "fix.patch").write_text(unified_diff(plan), newline="")
    subprocess.run(
        ["patch", "-p1", "--binary", "-s", "-i", str(tmp_path / "fix.patch")],
        cwd=root,
        check=True,
    )
    assert (root / "requirements.txt").read_bytes() == plan.files[0].new


def test_describe__skips_and_insertions__where_and_why(project: Project) -> None:
    root = project({"requirements.txt": "rich\ntorch\n", "setup.cfg": "[options]\nx = 1\n"})
    declared = load_declared(root, environ={})
    plan = plan_trim(
        declared,
        [],
        additions=[
            Addition("rich", "1", "rich", "a.py:1"),
            Addition("six", "1.16.0", "six", "b.py:2"),
        ],
        cpu_torch=CpuTorch(2_000_000_000),
        project=root,
    )
    assert describe(plan) == [
        "declared requirements: 2 -> 3",
        "CPU torch wheels: projected saving 2.0 GB",
        "requirements.txt (at the top): added --extra-index-url "
        "https://download.pytorch.org/whl/cpu (CPU-only torch wheels instead of CUDA ones, "
        "projected saving 2.0 GB)",
        "requirements.txt (after line 2): added six==1.16.0 (import six at b.py:2, not declared)",
        "not changed: requirements.txt rich: already declared",
    ]


def test_describe__nothing_to_change__says_so(project: Project) -> None:
    root = project({"requirements.txt": "flask\n"})
    lines = describe(_plan(root, {}))
    assert lines == ["declared requirements: 1 -> 1", "nothing to change"]


# -- writing --------------------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_plan__in_place__atomic_with_backup_and_mode_kept(project: Project) -> None:
    root = project({"requirements.txt": "flask\nrich\n"})
    target = root / "requirements.txt"
    target.chmod(0o640)
    plan = _plan(root, {"rich": 1})
    written = write_plan(plan, in_place=True)
    assert written == [root / "requirements.txt.bak", target]
    assert target.read_bytes() == b'flask\n# depsize: removed "rich" (unused, frees 1 B)\n'
    assert (root / "requirements.txt.bak").read_bytes() == b"flask\nrich\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(root) == []


def test_write_plan__no_backup__no_bak_file(project: Project) -> None:
    root = project({"requirements.txt": "flask\nrich\n"})
    write_plan(_plan(root, {"rich": 1}, comments=False), in_place=True, backup=False)
    assert (root / "requirements.txt").read_bytes() == b"flask\n"
    assert not (root / "requirements.txt.bak").exists()


def test_write_plan__symlinked_source__target_file_replaced_link_kept(project: Project) -> None:
    root = project({"real/requirements.txt": "flask\nrich\n"})
    (root / "requirements.txt").symlink_to(root / "real" / "requirements.txt")
    write_plan(_plan(root, {"rich": 1}, comments=False), in_place=True, backup=False)
    assert (root / "requirements.txt").is_symlink()
    assert (root / "real" / "requirements.txt").read_bytes() == b"flask\n"


def test_write_plan__source_changed_on_disk__input_error_nothing_written(
    project: Project,
) -> None:
    root = project({"requirements.txt": "flask\nrich\n"})
    plan = _plan(root, {"rich": 1})
    (root / "requirements.txt").write_bytes(b"flask\nrich\nclick\n")
    with pytest.raises(InputError, match=r"requirements\.txt: changed since it was read"):
        write_plan(plan, in_place=True)
    assert (root / "requirements.txt").read_bytes() == b"flask\nrich\nclick\n"
    assert not (root / "requirements.txt.bak").exists()
    assert _leftovers(root) == []


def test_write_plan__output__new_file_never_overwritten_without_force(
    project: Project, tmp_path: Path
) -> None:
    root = project({"requirements.txt": "flask\nrich\n"})
    plan = _plan(root, {"rich": 1}, comments=False)
    output = tmp_path / "trimmed.txt"
    assert write_plan(plan, output=output) == [output]
    assert output.read_bytes() == b"flask\n"
    output.write_bytes(b"precious\n")
    with pytest.raises(InputError, match="exists; use --force"):
        write_plan(plan, output=output)
    assert output.read_bytes() == b"precious\n"
    write_plan(plan, output=output, force=True)
    assert output.read_bytes() == b"flask\n"
    assert (root / "requirements.txt").read_bytes() == b"flask\nrich\n"


def test_write_plan__output_with_several_files__input_error(
    project: Project, tmp_path: Path
) -> None:
    root = project({"requirements.txt": "-r base.txt\nrich\n", "base.txt": "six\n"})
    plan = _plan(root, {"rich": 1, "six": 1})
    with pytest.raises(InputError, match=r"2 files would change .*--in-place.*-r FILE"):
        write_plan(plan, output=tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()


def test_write_plan__neither_or_both_destinations__input_error(
    project: Project, tmp_path: Path
) -> None:
    plan = _plan(project({"requirements.txt": "rich\n"}), {"rich": 1})
    with pytest.raises(InputError, match="either"):
        write_plan(plan)
    with pytest.raises(InputError, match="either"):
        write_plan(plan, in_place=True, output=tmp_path / "x.txt")


def test_write_plan__nothing_changed__nothing_written(project: Project) -> None:
    root = project({"requirements.txt": "rich\n"})
    assert write_plan(_plan(root, {}), in_place=True) == []
    assert sorted(p.name for p in root.iterdir()) == ["requirements.txt"]


def test_write_plan__older_backup_differs__kept_unless_force(project: Project) -> None:
    root = project({"requirements.txt": "rich\n", "requirements.txt.bak": "pristine\n"})
    plan = _plan(root, {"rich": 1})
    with pytest.raises(InputError, match=r"requirements\.txt\.bak: exists and differs"):
        write_plan(plan, in_place=True)
    assert (root / "requirements.txt").read_bytes() == b"rich\n"
    assert (root / "requirements.txt.bak").read_bytes() == b"pristine\n"
    write_plan(plan, in_place=True, force=True)
    assert (root / "requirements.txt.bak").read_bytes() == b"rich\n"


@pytest.mark.skipif(IS_ROOT, reason="root writes read-only files anyway")
def test_write_plan__read_only_target__input_error_original_intact(project: Project) -> None:
    root = project({"requirements.txt": "flask\nrich\n"})
    target = root / "requirements.txt"
    target.chmod(0o444)
    with pytest.raises(InputError, match="read-only"):
        write_plan(_plan(root, {"rich": 1}), in_place=True)
    assert target.read_bytes() == b"flask\nrich\n"
    assert sorted(p.name for p in root.iterdir()) == ["requirements.txt"]


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders anyway")
def test_write_plan__read_only_folder__input_error_nothing_written(project: Project) -> None:
    root = project({"requirements.txt": "flask\nrich\n"})
    plan = _plan(root, {"rich": 1})
    root.chmod(0o555)
    try:
        with pytest.raises(InputError, match="nothing written"):
            write_plan(plan, in_place=True, backup=False)
        assert (root / "requirements.txt").read_bytes() == b"flask\nrich\n"
        assert sorted(p.name for p in root.iterdir()) == ["requirements.txt"]
    finally:
        root.chmod(0o755)


def test_write_plan__output_folder_cannot_exist__input_error_nothing_written(
    project: Project, tmp_path: Path
) -> None:
    root = project({"requirements.txt": "flask\nrich\n"})
    (tmp_path / "a-file").write_bytes(b"")
    with pytest.raises(InputError, match="nothing written"):
        write_plan(_plan(root, {"rich": 1}), output=tmp_path / "a-file" / "out.txt")
    assert (tmp_path / "a-file").read_bytes() == b""


def test_write_plan__rename_fails__no_temp_file_left_original_intact(
    project: Project, tmp_path: Path
) -> None:
    root = project({"requirements.txt": "flask\nrich\n"})
    blocker = tmp_path / "out"
    (blocker / "inside").mkdir(parents=True)
    with pytest.raises(InputError, match="nothing written"):
        write_plan(_plan(root, {"rich": 1}), output=blocker, force=True)
    assert blocker.is_dir()
    assert _leftovers(tmp_path) == []
    assert (root / "requirements.txt").read_bytes() == b"flask\nrich\n"


def test_write_plan__second_file_fails__first_file_restored(project: Project) -> None:
    root = project({"requirements.txt": "-r base.txt\nrich\n", "base.txt": "six\nidna\n"})
    (root / "base.txt.bak" / "inside").mkdir(parents=True)
    plan = _plan(root, {"rich": 1, "six": 1})
    with pytest.raises(InputError, match=r"base\.txt\.bak: cannot write"):
        write_plan(plan, in_place=True, force=True)
    assert (root / "requirements.txt").read_bytes() == b"-r base.txt\nrich\n"
    assert (root / "base.txt").read_bytes() == b"six\nidna\n"
    assert not (root / "requirements.txt.bak").exists()
    assert _leftovers(root) == []


# -- from an analysis -----------------------------------------------------------------------------


@pytest.fixture
def analysed(tmp_path: Path) -> Analysis:
    built = make_site_packages(
        tmp_path,
        [
            DistSpec("flask", files={"flask/__init__.py": 1000}, requires=("markupsafe",)),
            DistSpec("markupsafe", files={"markupsafe/__init__.py": 300}),
            DistSpec("rich", files={"rich/__init__.py": 5000}, requires=("pygments",)),
            DistSpec("pygments", files={"pygments/__init__.py": 7000}),
            DistSpec("six", files={"six.py": 200}),
            DistSpec(
                "pyyaml", version="6.0.1", files={"yaml/__init__.py": 400}, top_level=("yaml",)
            ),
            DistSpec("pytest", files={"pytest/__init__.py": 400}),
            DistSpec(
                "torch",
                version="2.3.1",
                files={"torch/__init__.py": 100, "torch/lib/libcudart.so.12": 90_000},
                requires=("nvidia-cublas-cu12",),
            ),
            DistSpec("nvidia-cublas-cu12", files={"nvidia/cublas/lib/libcublas.so.12": 500_000}),
        ],
    )
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "requirements.txt").write_text("flask\nrich==13.9.4  # pretty\nsix\ntorch==2.3.1\n")
    (project / "main.py").write_text("import flask\nimport yaml\nimport torch\nimport notthere\n")
    (project / "tests" / "test_main.py").write_text("import pytest\n")
    return analyze(Settings(project=project, env_dir=built.prefix, use_cache=False))


def test_plan_from_analysis__all_options__removes_adds_and_measures(analysed: Analysis) -> None:
    plan = plan_from_analysis(analysed, cpu_torch=True, add_missing=True, keep=["SIX"])
    assert analysed.judgement is not None
    rich = analysed.judgement.attribution.by_name()[canonicalize_name("rich")]
    assert plan.files[0].new == (
        b"--extra-index-url https://download.pytorch.org/whl/cpu"
        b"  # depsize: CPU-only torch wheels (saves 590 kB of CUDA)\n"
        b"flask\n"
        b'# depsize: removed "rich==13.9.4  # pretty" (unused, frees 12.3 kB)\n'
        b"six\n"
        b"torch==2.3.1\n"
        b"pyyaml==6.0.1  # depsize: imported at main.py:2, not declared\n"
    )
    summary = plan.summary
    assert summary.removed_names == ("rich",)
    dists = analysed.scan.dists
    own = (
        dists[canonicalize_name("rich")].own_bytes + dists[canonicalize_name("pygments")].own_bytes
    )
    assert summary.freed == rich.exclusive == own
    assert summary.reachable_before is not None
    assert summary.reachable_after == summary.reachable_before - summary.freed
    assert (
        summary.cpu_torch_saving
        == dists[canonicalize_name("nvidia-cublas-cu12")].own_bytes + 90_000
    )
    assert (summary.declared_before, summary.declared_after) == (4, 4)
    assert sorted(plan.notes) == [
        "--add-missing: notthere not added (not installed)",
        "--add-missing: pytest not added (not imported at run time by live code)",
    ]


def test_plan_from_analysis__no_gpu_payload__cpu_torch_note(tmp_path: Path) -> None:
    built = make_site_packages(tmp_path, [DistSpec("six", files={"six.py": 200})])
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("six\n")
    (project / "main.py").write_text("print()\n")
    analysis = analyze(Settings(project=project, env_dir=built.prefix, use_cache=False))
    plan = plan_from_analysis(analysis, cpu_torch=True, comments=False)
    assert plan.files[0].new == b""
    assert plan.notes == ("--cpu-torch: the environment holds no CUDA payload; nothing to change",)


def test_plan_from_analysis__no_requirements__input_error(tmp_path: Path) -> None:
    built = make_site_packages(tmp_path, [DistSpec("six", files={"six.py": 200})])
    (tmp_path / "project").mkdir()
    analysis = analyze(Settings(project=tmp_path / "project", env_dir=built.prefix))
    with pytest.raises(InputError, match="declares no requirements"):
        plan_from_analysis(analysis)


UV_HEADER = (
    "# This file was autogenerated by uv via the following command:\n"
    "#    uv pip compile requirements.in -o requirements.txt\n"
)


def test_plan_trim__lock_line_of_transitive_only__kept_with_reason(project: Project) -> None:
    root = project(
        {
            "requirements.in": "flask\nwerkzeug\n",
            "requirements.txt": UV_HEADER + "flask==3.0.0\nwerkzeug==3.0.1\n",
        }
    )
    declared = load_declared(root, environ={})
    lock_line = next(r for r in declared.locked if r.name == "werkzeug")
    removals = [*_removals(declared, [["werkzeug", "transitive-only", 0]])]
    plan = plan_trim(declared, [*removals, Removal(lock_line, "transitive-only", 0)], project=root)
    assert [(p.name, c.line, c.name) for p, c in plan.changes] == [
        ("requirements.in", 2, "werkzeug")
    ]
    (skip,) = plan.skipped
    assert (skip.path, skip.line) == (root / "requirements.txt", 4)
    assert skip.reason.startswith("a generated lock keeps every distribution the env needs")


def test_plan_trim__unused_name_in_lock__lock_line_removed_too(project: Project) -> None:
    root = project(
        {
            "requirements.in": "flask\nrich\n",
            "requirements.txt": UV_HEADER + "flask==3.0.0\nrich==13.9.4\n",
        }
    )
    declared = load_declared(root, environ={})
    lock_line = next(r for r in declared.locked if r.name == "rich")
    removals = [*_removals(declared, [["rich", "unused", 10]]), Removal(lock_line, "unused", 10)]
    plan = plan_trim(declared, removals, project=root, comments=False)
    assert {p.name: e.new.decode() for p, e in ((e.path, e) for e in plan.files)} == {
        "requirements.in": "flask\n",
        "requirements.txt": UV_HEADER + "flask==3.0.0\n",
    }
    assert (plan.summary.declared_before, plan.summary.declared_after) == (2, 1)


def test_plan_trim__add_missing_beside_a_lock__added_to_its_source(project: Project) -> None:
    root = project(
        {
            "requirements.txt": UV_HEADER + "flask==3.0.0\n",
            "requirements.in": "flask\n",
        }
    )
    declared = load_declared(root, environ={})
    plan = plan_trim(
        declared,
        [],
        project=root,
        comments=False,
        additions=[Addition("rich", "13.9.4", "rich", "app.py:1")],
    )
    assert [(e.path.name, e.new.decode()) for e in plan.files] == [
        ("requirements.in", "flask\nrich==13.9.4\n")
    ]
