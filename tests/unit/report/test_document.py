"""The report document: written from a real analysis, valid against docs/schema.json, read back
equal, and every malformed file an input error naming the file and the JSON path at fault."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from depsize.errors import InputError
from depsize.report.document import ReportDocument, dump, load, parse
from support.reports import KB, Built, analyze_project, spec, write_project
from support.site_packages import make_site_packages

SCHEMA = json.loads((Path(__file__).parents[3] / "docs" / "schema.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def extras(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """web requires server[fast]; server's extra fast requires speedup."""
    root = tmp_path_factory.mktemp("extras")
    env = make_site_packages(
        root,
        [
            spec("web", 1 * KB, ("server[fast]",)),
            spec("server", 2 * KB, ('speedup; extra == "fast"',), extras=("fast",)),
            spec("speedup", 50 * KB, ()),
            spec("slow", 3 * KB, ()),
        ],
    )
    project = write_project(root / "proj", {"requirements.txt": "web\n", "app.py": "import web\n"})
    return Built(project, env, analyze_project(project, env))


def _data(document: ReportDocument) -> dict[str, Any]:
    data = json.loads(dump(document))
    assert isinstance(data, dict)
    return data


def test_from_analysis__requirement_row__closure_with_extras(extras: Built) -> None:
    (web,) = extras.document.requirements
    assert web.closure == ("server", "speedup", "web")
    assert web.closure_bytes == sum(extras.own(n) for n in web.closure)
    assert extras.document.distributions[1].requires == ()  # edges without extras: none
    assert [d.name for d in extras.document.extraneous] == ["slow"]


def test_dump__real_report__valid_against_the_schema(extras: Built) -> None:
    data = _data(extras.document)
    jsonschema.validate(data, SCHEMA)
    assert data["requirements"][0]["closure"] == ["server", "speedup", "web"]
    assert list(data)[:3] == ["schema_version", "depsize_version", "project"]


def test_load__dumped_file__reads_back_equal(tmp_path: Path, extras: Built) -> None:
    path = tmp_path / "report.json"
    path.write_text(dump(extras.document), encoding="utf-8")
    assert load(path) == extras.document


def test_parse__report_before_closure_existed__reads_with_empty_closure(extras: Built) -> None:
    data = _data(extras.document)
    del data["requirements"][0]["closure"], data["declarations"]
    document = parse(data)
    assert document.requirements[0].closure == ()
    assert document.declarations.locks == ()


def _broken(extras: Built, path: str, value: object) -> dict[str, Any]:
    data = _data(extras.document)
    *parents, last = path.split(".")
    target: Any = data
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is KeyError:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            "env.total_bytes",
            "123",
            "env.total_bytes is a string ('123'); expected an integer",
        ),
        ("requirements.0.name", KeyError, "requirements[0].name is missing"),
        ("distributions.0.own_bytes", True, "distributions[0].own_bytes is a boolean (True)"),
        ("distributions.0.own_bytes", -5, "distributions[0].own_bytes is -5; expected a byte"),
        (
            "requirements.0.status",
            "usd",
            "requirements[0].status is a string ('usd'); expected one",
        ),
        ("requirements.0.closure", "web", "requirements[0].closure is a string ('web'); expected"),
        ("env", None, "env is null; expected an object"),
        (
            "requirements.0.source.file",
            3,
            "requirements[0].source.file is an integer (3); expected a string or null",
        ),
        ("summary.statuses", [], "summary.statuses is an array; expected an object"),
    ],
)
def test_parse__wrong_shape__input_error_naming_the_json_path(
    extras: Built, path: str, value: object, expected: str
) -> None:
    with pytest.raises(InputError) as info:
        parse(_broken(extras, path, value), "baseline", Path("ci/baseline.json"))
    message = str(info.value)
    assert message.startswith("ci/baseline.json: baseline: ")
    assert expected in message
    assert message.endswith(
        "expected a JSON report written by `depsize scan --format json` (schema_version 1)"
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], "report is a JSON list; expected a JSON report"),
        ({"schema_version": 2}, "report has schema_version 2; expected a JSON report"),
        ({"schema_version": True}, "report has schema_version True"),
        ({"schema_version": 1}, "report: depsize_version is missing"),
    ],
)
def test_parse__not_a_report__input_error(data: object, expected: str) -> None:
    with pytest.raises(InputError, match="expected a JSON report") as info:
        parse(data)
    assert str(info.value).startswith(expected)


def test_load__truncated_json__input_error_naming_file_and_place(
    tmp_path: Path, extras: Built
) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(dump(extras.document)[:500], encoding="utf-8")
    with pytest.raises(InputError) as info:
        load(path, "baseline")
    message = str(info.value)
    assert message.startswith(f"{path}: baseline is not valid JSON (")
    assert "truncated?); expected a JSON report written by `depsize scan --format json`" in message


def test_load__deep_nesting__input_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    with pytest.raises(InputError, match=r"deep\.json: report is nested too deeply"):
        load(path)


def test_load__not_utf8__input_error(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(InputError, match=r"baseline\.json: report is not UTF-8"):
        load(path)


def test_load__missing__input_error_with_the_hint(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load(tmp_path / "nope.json", "baseline", ", or --update-baseline to create it")
    assert "baseline cannot be read" in str(info.value)
    assert str(info.value).endswith(", or --update-baseline to create it")


def test_load__a_folder__input_error_without_the_missing_hint(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load(tmp_path, "baseline", ", or --update-baseline to create it")
    assert "baseline cannot be read" in str(info.value)
    assert "--update-baseline" not in str(info.value)
