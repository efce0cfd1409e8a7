"""The ``ast`` walk visits expressions only in files that may hold a dynamic import or a URL."""

from __future__ import annotations

import ast

import pytest

from depsize.imports import astscan
from depsize.imports.model import FileScan


def _full_walk(text: str) -> FileScan:
    """The walk over every expression, whatever the text holds."""
    tree = ast.parse(text)
    walker = astscan._Walker(exprs=True)
    walker.walk_body(tree.body, astscan._Context())
    main_guard = any(astscan._is_main_guard(n) for n in tree.body)
    return FileScan(tuple(walker.imports), main_guard, tuple(walker.urls))


PLAIN = [
    '"""See https://example.org/docs for more."""\nimport os\n',
    "def f(x: int = 1) -> int:\n    import json\n    return json.dumps({'a': x})\n",
    "match x:\n    case 1:\n        import a\n    case _:\n        import b\n",
    "with open(p) as f:\n    for line in f:\n        import c\n",
    "# postgresql:// in a comment\nimport d\n",
]
NEEDS_EXPRESSIONS = [
    'url = "postgresql+psycopg2://db"\n',
    'url = "postgresql" "://db"\n',
    'url = "postgresql:" "//db"\n',
    'url = ("postgres"  # split\n       "ql://db")\n',
    'url = "postgresql:\\\n//db"\n',
    'url = "\\x70ostgresql://db"\n',
    'url = "postgresql\\x3a//db"\n',
    'url = "postgresql\\N{COLON}//db"\n',
    'url = f"{prefix}redis://{host}"\n',
    'url = f"{x:redis://}"\n',
    "m = importlib.import_module('yaml')\n",
    "m = __import__('yaml')\n",
    "from importlib import import_module as load\nm = load('yaml')\n",
    "np = pytest.importorskip('numpy')\n",
    "from pytest import importorskip\nnp = importorskip('numpy', minversion='1.2')\n",
    "m = importlib.\uff49mport_module('yaml')\n",  # NFKC folds the fullwidth letter
]


@pytest.mark.parametrize("text", PLAIN)
def test_astscan__no_dynamic_import_or_url__statements_only(text: str) -> None:
    assert not astscan._needs_expressions(text)
    assert astscan.scan_text_ast(text) == _full_walk(text)


@pytest.mark.parametrize("text", NEEDS_EXPRESSIONS)
def test_astscan__maybe_dynamic_import_or_url__expressions_walked(text: str) -> None:
    assert astscan._needs_expressions(text)
    assert astscan.scan_text_ast(text) == _full_walk(text)


def test_astscan__split_and_escaped_urls__found() -> None:
    for text in NEEDS_EXPRESSIONS[:10]:
        schemes = {u.scheme for u in astscan.scan_text_ast(text).urls}
        assert schemes & {"postgresql+psycopg2", "postgresql", "redis"}, text


def test_astscan__statements_only__imports_in_every_block_kept() -> None:
    text = (
        "import a\n"
        "class C:\n    def m(self):\n        import b\n"
        "try:\n    import c\nexcept ImportError:\n    import d\nelse:\n    import e\n"
        "finally:\n    import f\n"
        "while x:\n    import g\nelse:\n    import h\n"
        "async def g():\n    async with x:\n        import i\n    async for y in z:\n"
        "        import j\n"
        "if TYPE_CHECKING:\n    import k\n"
    )
    assert not astscan._needs_expressions(text)
    scan = astscan.scan_text_ast(text)
    assert [r.module for r in scan.imports] == list("abcdefghijk")
    assert scan == _full_walk(text)


def test_astscan__identifier_in_another_spelling__still_a_dynamic_import() -> None:
    scan = astscan.scan_text_ast(NEEDS_EXPRESSIONS[-1])
    assert [(r.module, r.kind) for r in scan.imports] == [("yaml", "dynamic")]


def test_astscan__class_decorator_before_body__source_order() -> None:
    """A class's decorators and bases run before its body: a ``from`` import in the body does
    not make the bare name a dynamic import function in them."""
    text = (
        "@register(importorskip('a'))\n"
        "class C(import_module('b').Base):\n"
        "    from pytest import importorskip\n"
        "    from importlib import import_module\n"
        "@register(importorskip('c'))\n"
        "class D(import_module('d').Base):\n"
        "    pass\n"
    )
    scan = astscan.scan_text_ast(text)
    assert [r.module for r in scan.imports if r.kind == "dynamic"] == ["c", "d"]
