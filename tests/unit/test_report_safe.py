"""Names and texts from scanned files, shown safely in every output format.

A project whose file names and requirement lines carry terminal escapes, bidi overrides, rich
markup and bytes that are not UTF-8 is scanned through the real command line; every format
must show them as visible escapes, never as raw control characters, and never crash an encoder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from depsize.check.github import step_summary_markdown, workflow_command
from depsize.check.model import CheckResult, Contributor, Outcome
from depsize.cli import main
from depsize.report.markdown import escape as markdown_escape
from depsize.report.safe import clean, patch_text, terminal, visible
from support.reports import analyze_project, webapp
from support.site_packages import DistSpec, make_site_packages

ESC = "\x1b[2J\x1b]52;c;aGVsbG8=\x07\r\x08\u202e"
"""Clear the screen, write the clipboard (OSC 52), carriage return, backspace, RTL override."""
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What must never reach an output (tab and newline are the report's own layout)."""


def _hostile_project(tmp_path: Path) -> tuple[Path, Path]:
    built = make_site_packages(tmp_path, [DistSpec("click", files={"click/__init__.py": 10})])
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text(
        f"click\nfoo{ESC}[bold]x[/bold][link=http://e.vil]y[/link]|`<b>\n", encoding="utf-8"
    )
    raw = os.fsencode(project)
    with open(os.path.join(raw, b"caf\xe9.py"), "wb") as handle:
        handle.write(b"import click\nimport sur\xe9\n")
    with open(os.path.join(raw, f"bad{ESC}.py".encode()), "wb") as handle:
        handle.write(b"def (:\n")
    return project, built.prefix


def _scan(project: Path, env: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["scan", str(project), "--env", str(env), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        ((), "bad\\x1b[2J\\x1b]52;c;aGVsbG8=\\x07\\x0d\\x08\\u202e.py"),
        (("--color", "always"), "bad\\x1b[2J\\x1b]52;c;aGVsbG8=\\x07\\x0d\\x08\\u202e.py"),
        (("--format", "markdown"), "bad\\\\x1b\\[2J\\\\x1b\\]52;c;aGVsbG8=\\\\x07"),
        (("--format", "html"), "bad\\x1b[2J\\x1b]52;c;aGVsbG8=\\x07\\x0d\\x08\\u202e.py"),
    ],
    ids=["text", "console", "markdown", "html"],
)
def test_scan__hostile_names__visible_in_every_format(
    tmp_path: Path, args: tuple[str, ...], shown: str
) -> None:
    project, env = _hostile_project(tmp_path)
    code, out, err = _scan(project, env, *args)
    assert code == 0, err
    ours = re.sub("\x1b\\[[0-9;]*m", "", out) if "--color" in args else out  # rich's colours
    assert not RAW_CONTROL.search(ours), repr(RAW_CONTROL.search(ours))
    assert not RAW_CONTROL.search(err)
    assert shown in out
    assert ("caf\\\\xe9.py" if "markdown" in args else "caf\\xe9.py") in out
    if "--format" not in args:
        assert "[bold]x[/bold][link=http://e.vil]y[/link]" in out  # markup shown, not applied


def test_scan__hostile_names__json_is_valid_and_visible(tmp_path: Path) -> None:
    project, env = _hostile_project(tmp_path)
    code, out, err = _scan(project, env, "--format", "json")
    assert code == 0, err
    assert out.isascii()
    data = json.loads(out)
    messages = [w["message"] for w in data["warnings"]] + [str(w["file"]) for w in data["warnings"]]
    text = json.dumps(messages, ensure_ascii=False)
    assert not RAW_CONTROL.search(text)
    assert any("caf\\xe9.py" in m for m in messages)
    assert any("foo\\x1b[2J" in m for m in messages)


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "html"])
@pytest.mark.parametrize("environ", [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C"}])
def test_scan__ascii_or_c_locale_pipe__no_encoder_crash(
    tmp_path: Path, fmt: str, environ: dict[str, str]
) -> None:
    project, env = _hostile_project(tmp_path)
    base = {k: v for k, v in os.environ.items() if k not in {"LANG", "LC_ALL", "PYTHONUTF8"}}
    done = subprocess.run(
        [sys.executable, "-m", "depsize", "scan", str(project), "--env", str(env), "--format", fmt],
        capture_output=True,
        env={**base, **environ},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"Traceback" not in done.stderr
    assert b"\x1b" not in done.stdout
    assert b"\x1b" not in done.stderr
    doubled = fmt in {"json", "markdown"}  # a backslash escaped by the format itself
    assert (b"caf\\\\xe9.py" if doubled else b"caf\\xe9.py") in done.stdout


def test_scan__output_file__hostile_names_written_as_utf8(tmp_path: Path) -> None:
    project, env = _hostile_project(tmp_path)
    for fmt in ("table", "json", "markdown", "html"):
        target = tmp_path / f"report.{fmt}"
        code, _, err = _scan(project, env, "--format", fmt, "-o", str(target))
        assert code == 0, err
        text = target.read_bytes().decode("utf-8")  # strict: valid UTF-8
        assert not RAW_CONTROL.search(text), fmt
        doubled = fmt in {"json", "markdown"}
        assert ("caf\\\\xe9.py" if doubled else "caf\\xe9.py") in text, fmt


def test_workflow_command__escapes__visible_and_escaped() -> None:
    line = workflow_command(f"bad {ESC}\n2nd", file=f"caf\udce9{ESC}.py", line=3, title=ESC)
    assert not RAW_CONTROL.search(line)
    assert "\n" not in line
    assert line.startswith("::error file=caf\\xe9\\x1b[2J\\x1b]52;c;aGVsbG8=\\x07")
    assert line.endswith("::bad \\x1b[2J\\x1b]52;c;aGVsbG8=\\x07\\x0d\\x08\\u202e%0A2nd")


def test_markdown_escape__table_breakers_and_controls() -> None:
    assert markdown_escape("a|b`c<d\ne\x1b") == "a\\|b\\`c&lt;d e\\\\x1b"


def test_visible__surrogate_escapes__the_byte_shown() -> None:
    name = os.fsdecode(b"caf\xe9\xff.py")
    assert visible(name) == "caf\\xe9\\xff.py"
    assert visible("\ud800") == "\\ud800"
    assert visible("café · 日本") == "café · 日本"


def test_clean__nested_report__every_string() -> None:
    data = {"a\x1b": [("x\u202e", 1), {"k": "\udce9"}], "n": None}
    assert clean(data) == {"a\\x1b": [("x\\u202e", 1), {"k": "\\xe9"}], "n": None}


def test_terminal__lines_kept_controls_shown() -> None:
    assert terminal("one\x1b\ntwo\r") == "one\\x1b\ntwo\\x0d"


@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)))
def test_visible__any_text__no_raw_control_and_encodable(text: str) -> None:
    shown = visible(text)
    assert not RAW_CONTROL.search(shown)
    assert "\n" not in shown
    assert "\t" not in shown
    shown.encode("utf-8")  # never a lone surrogate left
    if not RAW_CONTROL.search(text) and not re.search(
        "[\t\n\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]", text
    ):
        assert shown == text


def test_step_summary__hostile_names__visible_and_code_spans_unbroken(tmp_path: Path) -> None:
    evil = Contributor(f"ev`il{ESC}", 10, file="req`s\udce9.txt", line=2)
    outcome = Outcome("max-unused", 1, 0, f"1 unused{ESC}", (evil,))
    built = webapp(tmp_path)
    document = analyze_project(built.project, built.env)
    report = replace(document, env=replace(document.env, path="/e`nv\udce9"))
    text = step_summary_markdown(CheckResult(violations=(outcome,)), report)
    text.encode("utf-8")  # no lone surrogate left
    assert not RAW_CONTROL.search(text)
    assert "Environment: ``/e`nv\\\\xe9``" in text  # a backtick inside: a longer fence
    assert "``req`s\\\\xe9.txt:2``" in text


def test_patch_text__tabs_kept_controls_shown() -> None:
    diff = "--- a/requirements.txt\n+++ b/requirements.txt\n-ev\x1b]0;pwned\x07il==1\n+x\t# kept\n"
    shown = patch_text(diff)
    assert "\x1b" not in shown
    assert "\x07" not in shown
    assert "-ev\\x1b]0;pwned\\x07il==1\n" in shown
    assert "+x\t# kept\n" in shown
