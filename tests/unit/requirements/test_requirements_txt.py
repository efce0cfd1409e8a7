"""pip requirements-file syntax: every form, exact start lines, warnings for bad lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from depsize.requirements.model import DeclaredRequirement
from depsize.requirements.pipsyntax import expand_variables, parse_options, split_arguments
from depsize.requirements.targets import TargetError
from depsize.requirements.txt import RequirementsReader, group_for_file

Write = Callable[[str, str | bytes], Path]


def read(path: Path, environ: dict[str, str] | None = None) -> RequirementsReader:
    reader = RequirementsReader(environ or {})
    reader.read(path)
    return reader


def by_name(reader: RequirementsReader) -> dict[str, DeclaredRequirement]:
    return {r.name: r for r in reader.requirements}


@pytest.fixture
def syntax(project: Callable[[str], Path]) -> RequirementsReader:
    return read(project("syntax") / "requirements.txt", {"PRIVATE_PKG": "secret-pkg"})


def test_txt__every_syntax_form__start_lines_exact(syntax: RequirementsReader) -> None:
    lines = [(r.name, r.line, r.end_line) for r in syntax.requirements]
    assert lines == [
        ("scikit-learn", 11, 11),
        ("requests", 12, 12),
        ("numpy", 13, 15),
        ("black", 16, 16),
        ("local-package", 17, 17),
        ("httpx", 18, 18),
        ("attrs", 19, 19),
        ("six", 20, 20),
        ("click", 21, 21),
        ("uvicorn", 22, 24),
        ("pywin32", 25, 25),
        ("secret-pkg", 26, 26),
        ("pydantic", 27, 28),
        ("rich", 29, 29),
    ]


def test_txt__any_case_and_separator__canonical_name(syntax: RequirementsReader) -> None:
    req = by_name(syntax)["scikit-learn"]
    assert (req.display_name, req.specifier, req.group) == ("Scikit_Learn", "==1.4.0", "main")


def test_txt__extras_marker_trailing_comment__parsed(syntax: RequirementsReader) -> None:
    req = by_name(syntax)["requests"]
    assert req.extras == {"security", "socks"}
    assert req.specifier == ">=2.31"
    assert req.marker == 'python_version >= "3.8"'
    assert req.raw.endswith("# trailing comment")


def test_txt__hash_options_on_continuations__hashes_kept(syntax: RequirementsReader) -> None:
    req = by_name(syntax)["numpy"]
    assert req.hashes == ("sha256:aaaa", "sha256:bbbb")
    assert req.specifier == "==1.26.4"


def test_txt__editable_vcs_url__name_from_egg(syntax: RequirementsReader) -> None:
    req = by_name(syntax)["black"]
    assert req.editable
    assert req.url == "git+https://github.com/psf/black.git@24.1.0#egg=black"


def test_txt__editable_local_dir__name_from_its_pyproject(syntax: RequirementsReader) -> None:
    req = by_name(syntax)["local-package"]
    assert (req.editable, req.local_path, req.display_name) == (True, "./localpkg", "Local_Package")


def test_txt__name_at_url__url_kept(syntax: RequirementsReader) -> None:
    req = by_name(syntax)["httpx"]
    assert req.url == "https://files.example.com/httpx-0.27.0-py3-none-any.whl"
    assert not req.editable


def test_txt__wheel_url_and_wheel_path__name_and_version_from_filename(
    syntax: RequirementsReader,
) -> None:
    reqs = by_name(syntax)
    assert (reqs["attrs"].specifier, reqs["attrs"].url is not None) == ("==23.2.0", True)
    assert reqs["six"].specifier == "==1.16.0"
    assert reqs["six"].local_path == "./wheels/six-1.16.0-py2.py3-none-any.whl"


def test_txt__marker_on_continuation_line__joined(syntax: RequirementsReader) -> None:
    req = by_name(syntax)["uvicorn"]
    assert (req.extras, req.specifier, req.marker) == (
        frozenset({"standard"}),
        ">=0.27",
        'sys_platform != "win32"',
    )


def test_txt__env_variable__expanded_and_raw_kept(syntax: RequirementsReader) -> None:
    req = by_name(syntax)["secret-pkg"]
    assert req.raw == "${PRIVATE_PKG}==2.0"


def test_txt__comment_ending_in_backslash__swallows_next_line_like_pip(
    syntax: RequirementsReader,
) -> None:
    assert "this-line-is-part-of-the-comment" not in by_name(syntax)
    assert by_name(syntax)["pydantic"].specifier == ">=2"


def test_txt__per_line_config_settings__kept_as_option(syntax: RequirementsReader) -> None:
    assert by_name(syntax)["rich"].options == (("config-settings", "editable_mode=compat"),)


def test_txt__global_option_lines__recorded_not_requirements(syntax: RequirementsReader) -> None:
    (rfile,) = syntax.files
    assert rfile.option_spans == tuple((n, n) for n in range(2, 10))
    assert syntax.warnings == []


def test_txt__unparsable_line__warning_with_line_raw_reason_and_rest_read(write: Write) -> None:
    path = write("requirements.txt", "flask\nthis is not valid\nrequests>=2\n")
    reader = read(path)
    assert [r.name for r in reader.requirements] == ["flask", "requests"]
    (warning,) = reader.warnings
    assert (warning.file, warning.line) == (path, 2)
    assert "'this is not valid'" in warning.message
    assert "Expected" in warning.message
    assert str(warning).startswith(f"{path}:2: ")


def test_txt__unknown_option__warning_and_rest_read(write: Write) -> None:
    reader = read(write("r.txt", "--frobnicate yes\nflask\n"))
    assert [r.name for r in reader.requirements] == ["flask"]
    assert "unknown option '--frobnicate'" in reader.warnings[0].message


def test_txt__hash_without_requirement__warning(write: Write) -> None:
    reader = read(write("r.txt", "--hash=sha256:abc\n"))
    assert "belongs on a requirement line" in reader.warnings[0].message


def test_txt__unset_or_lowercase_variable__left_as_written() -> None:
    assert expand_variables("${UNSET}/${lower}/${SET}", {"SET": "x", "lower": "y"}) == (
        "${UNSET}/${lower}/x"
    )


def test_txt__empty_variable__left_as_written() -> None:
    assert expand_variables("${EMPTY}", {"EMPTY": ""}) == "${EMPTY}"


def test_txt__hash_inside_name__not_a_comment(write: Write) -> None:
    reader = read(write("r.txt", "foo#bar\n"))
    assert reader.requirements == []
    assert "foo#bar" in reader.warnings[0].message


def test_txt__url_without_egg__name_guessed_with_warning(write: Write) -> None:
    reader = read(write("r.txt", "git+https://github.com/org/Tool_Kit.git@main\n"))
    assert reader.requirements[0].name == "tool-kit"
    assert "guessed 'Tool_Kit'" in reader.warnings[0].message


def test_txt__url_with_marker__marker_split_on_semicolon_space(write: Write) -> None:
    text = 'https://x.org/a/pkg-1.0.tar.gz ; python_version < "3.11"\n'
    req = read(write("r.txt", text)).requirements[0]
    assert (req.name, req.specifier, req.marker) == ("pkg", "==1.0", 'python_version < "3.11"')


def test_txt__local_dir_without_metadata__guessed_from_folder(write: Write, tmp_path: Path) -> None:
    (tmp_path / "My_Lib").mkdir()
    reader = read(write("r.txt", "./My_Lib[fast]\n"))
    req = reader.requirements[0]
    assert (req.name, req.extras, req.local_path) == ("my-lib", frozenset({"fast"}), "./My_Lib")
    assert len(reader.warnings) == 1


def test_txt__bad_wheel_filename__warning(write: Write) -> None:
    reader = read(write("r.txt", "./dist/not-a-wheel.whl\n"))
    assert reader.requirements == []
    assert "not-a-wheel.whl" in reader.warnings[0].message


def test_txt__unbalanced_quote_in_options__warning(write: Write) -> None:
    reader = read(write("r.txt", "flask --hash 'sha256:abc\n"))
    assert "cannot split options" in reader.warnings[0].message


def test_txt__missing_option_value__warning(write: Write) -> None:
    reader = read(write("r.txt", "--index-url\n"))
    assert "needs a value" in reader.warnings[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-rbase.txt", [("requirement", "base.txt")]),
        ("--requirement=base.txt", [("requirement", "base.txt")]),
        ("-i https://x --pre", [("index-url", "https://x"), ("pre", None)]),
        ("--only-binary :all: --no-index", [("only-binary", ":all:"), ("no-index", None)]),
        ("-C key=value", [("config-settings", "key=value")]),
    ],
)
def test_parse_options__both_forms__same_result(
    text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert parse_options(text) == expected


def test_parse_options__unknown__raises() -> None:
    with pytest.raises(TargetError, match="unknown option"):
        parse_options("--nope")


def test_split_arguments__options_after_requirement__split_at_first_dash() -> None:
    assert split_arguments("foo>=1 --hash=a") == ("foo>=1", "--hash=a")
    assert split_arguments("-e .") == ("", "-e .")


@pytest.mark.parametrize(
    ("name", "inherited", "group"),
    [
        ("requirements.txt", None, "main"),
        ("requirements-dev.txt", None, "dev"),
        ("dev-requirements.txt", "main", "dev"),
        ("requirements_test.txt", None, "test"),
        ("requirements/docs.txt", None, "docs"),
        ("requirements/base.txt", "dev", "main"),
        ("requirements/prod.txt", "lint", "main"),
        ("requirements/_plugins.txt", "test", "test"),
        ("requirements/_plugins.txt", None, "main"),
        ("requirements-gpu.txt", None, "main"),
    ],
)
def test_group_for_file__names__group(name: str, inherited: str | None, group: str) -> None:
    assert group_for_file(Path(name), inherited) == group


def test_txt__last_line_ends_with_backslash__requirement_still_read(write: Write) -> None:
    reader = read(write("r.txt", "flask \\\n>=3 \\"))
    (req,) = reader.requirements
    assert (req.specifier, req.line, req.end_line) == (">=3", 1, 2)


def test_txt__url_with_bad_marker__warning(write: Write) -> None:
    reader = read(write("r.txt", "https://x.org/a-1.0.tar.gz ; nonsense marker\n"))
    assert reader.requirements == []
    assert "nonsense" in reader.warnings[0].message


@pytest.mark.parametrize(
    ("text", "name", "specifier"),
    [("./dist/pkg_a-2.1.tgz", "pkg-a", "==2.1"), ("./dist/b-3.0.tar.bz2", "b", "==3.0")],
)
def test_txt__other_archives__name_and_version_from_filename(
    write: Write, text: str, name: str, specifier: str
) -> None:
    req = read(write("r.txt", text + "\n")).requirements[0]
    assert (req.name, req.specifier, req.local_path) == (name, specifier, text)


def test_txt__archive_without_version__warning(write: Write) -> None:
    reader = read(write("r.txt", "./dist/noversion.tgz\n"))
    assert "cannot read a name and version" in reader.warnings[0].message


def test_txt__name_at_file_url__local_path_set(write: Write) -> None:
    req = read(write("r.txt", "pkg @ file:///opt/src/my%20pkg\n")).requirements[0]
    assert (req.url, req.local_path) == ("file:///opt/src/my%20pkg", "/opt/src/my pkg")
