"""The fast scanner agrees with the ``ast`` walk on every file it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from depsize.imports.astscan import scan_text_ast
from depsize.imports.extract import decode_source
from depsize.imports.fastscan import scan_text
from depsize.imports.model import RawImport

from .helpers import FIXTURES

FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*.py") if p.name != "conftest.py")


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fastscan__fixture_file__same_as_ast_or_declined(path: Path) -> None:
    try:
        text = decode_source(path.read_bytes())
    except UnicodeDecodeError:
        pytest.skip("undecodable on purpose")
    fast = scan_text(text)
    assert fast is None or fast == scan_text_ast(text)


_SIMPLE = st.sampled_from(
    [
        "import a",
        "import a.b as c, d",
        "from e import f",
        "from .g import h as i",
        "from . import j",
        "from k import (l,\n    m)",
        "from k import l, \\\n    m",
        "import n, \\\n    o as p",
        "from q import r  # type: ignore[import]",
        "s = 1  # note: import nope",
        "x = 'import nope'",
        'y = """\nimport nope\n"""',
        "# import nope",
        "z = importlib.import_module('dyn')",
        "w = __import__('dyn2')",
        "w = __import__('no' + pe)",
        "w = 'a __import__(\"nope\") in a string'",
        "w = [\n    __import__('dyn3'),\n]",
        "from .import n",
        "u = 'postgresql+psycopg2://x'",
        "u = b'postgresql://x'",
        "u = 'a \"postgresql://x\"'",
        "w = f'{__import__(\"os\")}'",
        "w = f'no __import__(\"os\") here {x}'",
        "from importlib import import_module",
        "m = import_module('dyn4')",
        "m = import_module('%s.x' % y)",
        "m = importlib . import_module('spaced')",
        "t = pytest.importorskip('opt')",
        "t = pytest.importorskip('opt2', minversion='1.0')",
        "t = pytest.importorskip(\n    'opt3', reason='r')",
        "t = pytest.importorskip(name)",
        "t = pytest.importorskip('no' + pe)",
        "t = foo.importorskip('nope')",
        "from pytest import importorskip",
        "t = importorskip('opt4')",
        "t = importorskip(('opt5'))",
        "pass",
        "v = [i\n    for i in range(3)\n    if i]",
    ]
)
_HEADERS = st.sampled_from(
    [
        ("def f():", None),
        ("class C:", None),
        ("if TYPE_CHECKING:", None),
        ("if x:", "else:"),
        ("if x:", "elif TYPE_CHECKING:"),
        ("try:", "except ImportError:"),
        ("try:", "except (ValueError, KeyError):"),
        ("try:", "except Exception as exc:"),
        ("try:", "finally:"),
        ("with x:", None),
        ("for i in y:", None),
        ("while x:", None),
        ("@deco(importorskip('deco'))\nclass D(import_module('base').B):", None),
    ]
)


@st.composite
def _programs(draw: st.DrawFn, depth: int = 0) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 3 and draw(st.booleans()):
            head, tail = draw(_HEADERS)
            lines.extend(head.split("\n"))
            lines.extend("    " + ln for ln in [*draw(_programs(depth + 1)), "pass"])
            if tail:
                lines.append(tail)
                lines.extend("    " + ln for ln in [*draw(_programs(depth + 1)), "pass"])
        else:
            lines.extend(draw(_SIMPLE).split("\n"))
    return lines


@settings(max_examples=300, deadline=None)
@given(_programs())
def test_fastscan__generated_programs__same_as_ast_or_declined(lines: list[str]) -> None:
    text = "import importlib\nfrom typing import TYPE_CHECKING\n" + "\n".join(lines) + "\n"
    fast = scan_text(text)
    assert fast is None or fast == scan_text_ast(text), text


@pytest.mark.parametrize(
    "text",
    [
        "from a import b  # type: ignore[import]\n",
        "x = 1  # note: import nothing here\ndef f():\n    import c  # noqa: import\n",
        "from a import b, \\\n    c as d\nimport e, \\\n    f\n",
        "from .import k\nfrom ..import l\nfrom . import m\n",
        'x = "a" \\\n    """\nimport nope\n"""\nimport g\n',
        '# a """ in a comment\nimport h\ns = \'"""\'\nimport i\n',
        "def f():\n    '''doc'''\n    try:\n        import j\n"
        "    except ImportError:\n        j = None\n",
    ],
)
def test_fastscan__common_shapes__accepted_and_same_as_ast(text: str) -> None:
    fast = scan_text(text)
    assert fast is not None
    assert fast == scan_text_ast(text)


def test_fastscan__many_sibling_blocks__same_as_ast() -> None:
    """Walks that jump over whole blocks (methods of a class, functions in a ``try``)."""
    method = "    def m{n}(self):\n        if x:\n            import a{n}\n        import b{n}\n"
    function = "    def f{n}():\n        import c{n}\n    for i in y:\n        import d{n}\n"
    text = (
        "class C:\n"
        + "".join(method.format(n=n) for n in range(30))
        + "try:\n"
        + "".join(function.format(n=n) for n in range(30))
        + "    try:\n        import e\n    except ValueError:\n        import f\n"
        + "except (ImportError, KeyError):\n    import g\nelse:\n    import h\n"
    )
    fast = scan_text(text)
    assert fast is not None
    assert fast == scan_text_ast(text)
    assert {r.kind for r in fast.imports if r.module.startswith(("c", "d"))} == {"conditional"}


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("x = \"a __import__('os') b\"\n", True),
        ('x = b"postgresql://db"\n', True),
        ('x = rb"""postgresql://db"""\n', True),
        ('x = """postgresql://db"""\n', True),
        ("x = '\"postgresql://db\"'\n", True),
        ("x = __import__('a' + b)\n", True),  # a computed name: an open load
        ("x = __import__(r'yaml', None)\n", True),
        ("if a:\n    pass\nelif TYPE_CHECKING:\n    import b\nelse:\n    import c\n", True),
        ("from importlib import import_module\nm = import_module('d')\n", True),
        ("m = import_module('e')\nfrom importlib import import_module\n", True),
        ("x = f\"{__import__('os').sep}\"\n", False),
        ("x = __import__('a' 'b')\n", False),
        ("x = [\n    __import__('c'),\n]\n", False),
        ("def f(): return __import__('d')\n", False),
        ("x = __import__ ('e')\n", True),
        ("x = __import__('%s.f' % g)\n", True),
        ("x = __import__('h-i')\n", False),
        ("x = __import__(('j'))\n", False),
        ("x = __import__('''k''')\n", False),
        ("x = __import__(  # note\n    'l')\n", False),
        ("x = (__import__\n    ('m'))\n", False),
        ("import importlib\nx = importlib . import_module('n')\n", False),
        ("import importlib\nx = (importlib).import_module('o')\n", False),
        ("import importlib\nx = importlib.\uff49mport_module('p')\n", False),
        ("import \uff51\n", False),
        ("x = f'a {y} __import__(\"q\") b'\n", True),
        ("x = f'a {__import__(\"r\")} b'\n", False),
        ("@d(import_module('s'))\nclass C:\n    from importlib import import_module\n", True),
    ],
)
def test_fastscan__literals_and_dynamic_calls__as_ast_sees_them(text: str, accepted: bool) -> None:
    fast = scan_text(text)
    assert (fast is not None) == accepted
    assert fast is None or fast == scan_text_ast(text)


IMPORTORSKIP = [
    ("import pytest\nnp = pytest.importorskip('numpy')\n", ["numpy"]),
    ("import pytest\nnp = pytest.importorskip('numpy', minversion='1.2')\n", ["numpy"]),
    ('import pytest\nnp = pytest.importorskip("numpy", reason="optional")\n', ["numpy"]),
    ("import pytest\nnp = pytest.importorskip(\n    'numpy',\n)\n", ["numpy"]),
    ("import pytest\ndef test_a():\n    pytest.importorskip('lxml.etree')\n", ["lxml.etree"]),
    ("from pytest import importorskip\nnp = importorskip('numpy')\n", ["numpy"]),
    ("from pytest import importorskip\nnp = importorskip('numpy', minversion='1.2')\n", ["numpy"]),
    ("np = importorskip('numpy')\nfrom pytest import importorskip\n", []),
    ("from foo import importorskip\nnp = importorskip('numpy')\n", []),
    ("import pytest\nnp = pytest.importorskip(name)\n", []),
    ("import pytest\nnp = pytest.importorskip('num' + 'py')\n", []),
    ("import pytest\nnp = pytest.importorskip(f'numpy')\n", []),
    ("import pytest\nnp = pytest.importorskip(modname='numpy')\n", []),
    ("import pytest\nnp = pytest.importorskip('.relative')\n", []),
    ("np = foo.importorskip('numpy')\n", []),
    ("np = foo.pytest.importorskip('numpy')\n", []),
    ("np = mypytest.importorskip('numpy')\n", []),
    ("import pytest\nx = 'pytest.importorskip(\"numpy\")'\n", []),
    ("import pytest\n# pytest.importorskip('numpy')\n", []),
]


@pytest.mark.parametrize(("text", "modules"), IMPORTORSKIP)
@pytest.mark.parametrize("scanner", ["fast", "ast"])
def test_scanners__importorskip__dynamic_import_of_a_literal_only(
    text: str, modules: list[str], scanner: str
) -> None:
    scan = scan_text(text) if scanner == "fast" else scan_text_ast(text)
    assert scan is not None
    dynamic = [r for r in scan.imports if r.kind == "dynamic"]
    assert [r.module for r in dynamic] == modules
    assert all(r.level == 0 and r.names == () for r in dynamic)
    assert scan == scan_text_ast(text)


def test_scanners__importorskip_in_test_function__lazy_dynamic_with_its_line() -> None:
    text = "import pytest\n\ndef test_yaml():\n    yaml = pytest.importorskip('yaml')\n"
    fast = scan_text(text)
    assert fast is not None
    assert fast == scan_text_ast(text)
    assert fast.imports[-1] == RawImport("yaml", 0, (), 4, "dynamic", True)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("import importlib\nm = importlib.import_module(name)\n", True),
        ("from importlib import import_module\nm = import_module(f'app.{x}.models')\n", True),
        ("import importlib\nm = importlib.import_module('.' + name, __name__)\n", True),
        ("import importlib\nm = importlib.import_module('.'.join(parts))\n", True),
        ("m = __import__(settings.SESSION_ENGINE)\n", True),
        ("m = __import__(getattr(settings, 'CACHE_BACKEND'))\n", True),
        ("m = __import__(\n    name,\n    fromlist=['x'],  # a comment with ) in it\n)\n", True),
        ("m = __import__(name=x)\n", True),
        ("m = __import__(*names)\n", True),
        (
            "def f(n):\n    try:\n        return __import__(n)\n    except ImportError:\n"
            "        return None\n",
            True,
        ),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    m = __import__(x)\n", True),
        ("class C:\n    m = __import__(x)\n", True),
        ("a = __import__(x); b = __import__(y)\n", False),  # two on one line: the walk's order
        ("a = __import__(__import__(x).y)\n", False),
        ("a = [\n    __import__(x),\n]\n", False),  # not at its statement's start
        ("def f(): return __import__(x)\n", False),
        ("if x: m = __import__(y)\n", False),
        ("m = __import__(x\n", False),
        ("m = __import__(x, ')')\n", True),
        ("m = foo.__import__(x)\n", True),  # no dynamic import: nothing to record
        ("m = importlib.import_module(x)\n", True),
        ("m = import_module(x)\n", True),  # a bare name nothing imported: not the function
        ("m = importlib . import_module(x)\n", False),
    ],
)
def test_fastscan__computed_dynamic_imports__open_loads_as_ast_sees_them(
    text: str, accepted: bool
) -> None:
    fast = scan_text(text)
    assert (fast is not None) == accepted
    assert fast is None or fast == scan_text_ast(text)


def test_fastscan__computed_import__open_load_with_its_context() -> None:
    text = (
        "import importlib\n"
        "def load(kind):\n"
        "    try:\n"
        "        return importlib.import_module(f'svc.handlers.{kind}')\n"
        "    except ImportError:\n"
        "        return None\n"
    )
    fast = scan_text(text)
    assert fast is not None
    assert fast == scan_text_ast(text)
    [load] = fast.open_loads
    assert (load.line, load.prefix, load.kind, load.lazy) == (
        4,
        "svc.handlers.",
        "conditional",
        True,
    )
    assert load.call == "importlib.import_module(f'svc.handlers.{kind}')"
    assert fast.table == ()  # the name has a literal prefix: no table needed


def test_scanners__computed_import_without_prefix__loader_table_of_single_literals() -> None:
    text = (
        "import importlib\n"
        "BACKENDS = {\n"
        '    "pg": "app.backends.postgres",  # "app.not_a_literal"\n'
        "    'my': '''app.backends.mysql''',\n"
        '    "raw": b"app.bytes",\n'
        '    "joined": "app." "joined",\n'
        '    "fmt": f"app.fstring",\n'
        '    "path": "app.tasks:run",\n'
        '    "esc": "app\\x2ebackends",\n'
        '    "field": f"app.{x}", "rawbytes": rb"app.rb", "__all__": "__version__",\n'
        "}\n"
        'if __name__ == "__main__":\n'
        "    importlib.import_module(BACKENDS[key])\n"
    )
    fast = scan_text(text)
    assert fast is not None
    assert fast == scan_text_ast(text)
    assert fast.table == (
        ("pg", 3),
        ("app.backends.postgres", 3),
        ("my", 4),
        ("app.backends.mysql", 4),
        ("raw", 5),
        ("joined", 6),
        ("joined", 6),
        ("fmt", 7),
        ("app.fstring", 7),
        ("path", 8),
        ("app.tasks:run", 8),
        ("esc", 9),
        ("field", 10),
        ("rawbytes", 10),
    )
