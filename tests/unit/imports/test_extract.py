"""Extraction of import sites from one file: kinds, laziness, bad files (fast scan and ast)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from depsize.imports.extract import decode_source, scan_bytes, scan_text_ast
from depsize.imports.fastscan import scan_text
from depsize.imports.model import FileScan, RawImport

from .helpers import FIXTURES

KINDS_MAIN = FIXTURES / "kinds" / "app" / "main.py"
BAD = FIXTURES / "badfiles"


def _by_module(scan: FileScan) -> dict[str, RawImport]:
    return {(r.module or ".") + "".join(f":{n}" for n in r.names): r for r in scan.imports}


@pytest.fixture(params=["fast", "ast"])
def kinds_scan(request: pytest.FixtureRequest) -> dict[str, RawImport]:
    text = KINDS_MAIN.read_text(encoding="utf-8")
    scan = scan_text(text) if request.param == "fast" else scan_text_ast(text)
    assert scan is not None
    return _by_module(scan)


@pytest.mark.parametrize(
    ("key", "kind", "lazy"),
    [
        ("requests", "runtime", False),
        ("ujson", "conditional", False),
        ("json", "conditional", False),
        ("orjson", "conditional", False),
        ("simplejson", "conditional", False),
        ("tomli", "runtime", False),
        ("pandas:DataFrame", "type-checking", False),
        ("numpy", "type-checking", False),
        ("attr", "runtime", False),
        ("yaml", "runtime", True),
        ("lxml.etree", "dynamic", True),
        ("bs4", "dynamic", True),
        ("sklearn", "dynamic", True),
        ("click", "runtime", False),
    ],
)
def test_extract__kinds_fixture__each_site_has_its_kind(
    kinds_scan: dict[str, RawImport], key: str, kind: str, lazy: bool
) -> None:
    site = kinds_scan[key]
    assert (site.kind, site.lazy) == (kind, lazy)


def test_extract__relative_imports__level_and_names_kept(
    kinds_scan: dict[str, RawImport],
) -> None:
    assert kinds_scan[".:helpers"].level == 1
    assert kinds_scan["helpers:shout"] == RawImport("helpers", 1, ("shout",), 12, "runtime", False)


def test_extract__kinds_fixture__fast_scan_equals_ast_walk() -> None:
    text = KINDS_MAIN.read_text(encoding="utf-8")
    assert scan_text(text) == scan_text_ast(text)


def test_extract__kinds_fixture__guard_and_url_found() -> None:
    scan = scan_bytes(KINDS_MAIN.read_bytes())
    assert scan.main_guard
    assert [u.scheme for u in scan.urls] == ["postgresql+asyncpg"]


def test_extract__syntax_error__reported_with_line() -> None:
    scan = scan_bytes((BAD / "syntax_error.py").read_bytes())
    assert scan.error is not None
    assert scan.error.startswith("syntax error")
    assert scan.error_line == 3
    assert scan.imports == ()


def test_extract__python2_file__hint_in_message() -> None:
    scan = scan_bytes((BAD / "python2.py").read_bytes())
    assert scan.error is not None
    assert "Python 2 syntax?" in scan.error
    assert scan.error_line == 3


def test_extract__latin1_with_cookie__decoded_per_pep263() -> None:
    data = (BAD / "latin1.py").read_bytes()
    assert "café" in decode_source(data)
    scan = scan_bytes(data)
    assert scan.error is None
    assert [r.module for r in scan.imports] == ["six"]


def test_extract__empty_file__no_imports_no_error() -> None:
    assert scan_bytes(b"") == FileScan()


def test_extract__undecodable_bytes__reported_with_line() -> None:
    scan = scan_bytes((BAD / "undecodable.py").read_bytes())
    assert scan.error is not None
    assert scan.error.startswith("cannot decode")
    assert scan.error_line == 2


def test_extract__unknown_coding_cookie__reported() -> None:
    scan = scan_bytes(b"# coding: no-such-codec\nimport os\n")
    assert scan.error is not None
    assert scan.error.startswith("cannot decode")


def test_extract__notebook__code_cells_without_magics() -> None:
    scan = scan_bytes((BAD / "analysis.ipynb").read_bytes(), notebook=True)
    assert scan.error is None
    assert [(r.module, r.names) for r in scan.imports] == [
        ("seaborn", ()),
        ("pandas", ()),
        ("sklearn", ("svm",)),
    ]


def test_extract__notebook_not_json__reported() -> None:
    scan = scan_bytes(b"{not json", notebook=True)
    assert scan.error is not None
    assert scan.error.startswith("not a notebook")


def test_extract__big_generated_file__scanned(tmp_path: Path) -> None:
    body = "".join(f"VALUE_{i} = {i!r}  # filler line\n" for i in range(400_000))
    data = ("import requests\n" + body + "def f():\n    import yaml\n").encode()
    assert len(data) > 10_000_000
    scan = scan_bytes(data)
    assert [(r.module, r.lazy) for r in scan.imports] == [("requests", False), ("yaml", True)]


TRICKY = {
    "docstring_code": 'def f():\n    """\n    import not_real\n    """\n    import real\n',
    "one_liner": "try: import a\nexcept ImportError: a = None\n",
    "semicolon": "import a; import b\n",
    "parenthesised": "from x import (\n    a,  # note (1)\n    b as c,\n)\n",
    "backslash": "from x \\\n    import y\n",
    "star": "from x import *\n",
    "multi": "import a.b as ab, c\n",
    "nested_def": (
        "class K:\n    def m(self):\n        try:\n            import a\n"
        "        except ImportError:\n            import b\n"
    ),
    "try_else": "try:\n    pass\nexcept ImportError:\n    pass\nelse:\n    import a\n",
    "tc_in_func": (
        "from typing import TYPE_CHECKING\ndef f():\n    if TYPE_CHECKING:\n        import a\n"
    ),
    "comprehension_if": (
        "def f(items):\n    x = [\n        i\n        for i in items\n        if i\n    ]\n"
        "    import a\n"
    ),
    "multiline_def": "def f(\n    a,\n):\n    import b\n",
    "tabs": "def f():\n\timport a\n",
    "unterminated": "import a\nx = 'abc\n",
    "except_star": "try:\n    import a\nexcept* ImportError:\n    pass\n",
    "dynamic_in_comment": "# importlib.import_module('nope')\nimport importlib\n",
    "dynamic_attr": "import importlib\nobj.import_module('nope')\n__import__('yes')\n",
    "async_def": "async def f():\n    import a\n",
    "match_case": "match x:\n    case 1:\n        import a\n",
    "string_prefixes": "x = rb'\\''\ny = f\"{1}\"\nimport a\n",
    "with_block": "def f():\n    pass\nwith open('x') as h:\n    import a\n",
    "import_in_string": "x = 'import os'\ny = \"from a import b\"\nimport real\n",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_fastscan__tricky_source__same_as_ast_or_declined(name: str) -> None:
    if name == "except_star" and sys.version_info < (3, 11):
        pytest.skip("except* is Python 3.11 syntax: the ast reference cannot parse it here")
    text = TRICKY[name]
    fast = scan_text(text)
    assert fast is None or fast == scan_text_ast(text)


@pytest.mark.parametrize("name", ["one_liner", "semicolon", "backslash", "tabs", "unterminated"])
def test_fastscan__unusual_source__declined(name: str) -> None:
    assert scan_text(TRICKY[name]) is None


def test_scan_bytes__more_imports_than_the_cap__first_kept_file_reported() -> None:
    from depsize.imports.extract import MAX_IMPORTS

    names = ", ".join(f"mod{i}" for i in range(MAX_IMPORTS + 5))
    result = scan_bytes(f"import os\nimport {names}\n".encode())
    assert len(result.imports) == MAX_IMPORTS
    assert result.imports[0].module == "os"
    assert result.error is not None
    assert result.error.startswith(f"more than {MAX_IMPORTS:,} imports")
    assert result.error_line == 2
    assert not result.lenient
