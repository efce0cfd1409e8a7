"""The layers of docs/architecture.md: no module imports one above it.

Read from the source with ``ast``: every ``import depsize…`` at any depth (lazy imports inside
functions count), except those under ``if TYPE_CHECKING:``, which only name types.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

LAYERS: dict[str, int] = {
    # 0: the vocabulary every stage shares
    "depsize": 0,
    "depsize.errors": 0,
    "depsize.units": 0,
    "depsize.models": 0,
    "depsize.safeio": 0,
    "depsize.cachepickle": 0,
    "depsize.records": 0,
    "depsize.elf": 0,
    "depsize.projectroot": 0,
    "depsize.report.typed": 0,
    # 1: what settings and loaders are made of
    "depsize.check.sizes": 1,
    "depsize.check.policy": 1,
    "depsize.graph": 1,
    "depsize.mapping": 1,
    # 2: settings, resolved once
    "depsize.config": 2,
    # 3: loaders
    "depsize.env": 3,
    "depsize.requirements": 3,
    "depsize.imports": 3,
    "depsize.sanity": 3,
    # 4: pure stages over what was loaded
    "depsize.attribute": 4,
    "depsize.recommend": 4,
    "depsize.usedby": 4,
    "depsize.join": 4,
    "depsize.evidence": 4,
    "depsize.undeclared": 4,
    "depsize.unreached": 4,
    "depsize.status": 4,
    "depsize.transitive": 4,
    "depsize.verdicts": 4,
    "depsize.failon": 4,
    # 5: the composition root
    "depsize.analyze": 5,
    # 6: what reads an Analysis or a report document
    "depsize.report": 6,
    "depsize.check": 6,
    "depsize.diff": 6,
    "depsize.trim": 6,
    "depsize.plan": 6,
    # 7: the command line
    "depsize.cli": 7,
    "depsize.commands": 7,
    "depsize.__main__": 7,
    "depsize.runcache": 7,
}


def layer(module: str) -> int:
    """The layer of *module*: the entry of its longest dotted prefix in :data:`LAYERS`."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        found = LAYERS.get(".".join(parts[:end]))
        if found is not None:
            return found
    raise KeyError(module)


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted((SRC / "depsize").rglob("*.py")):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        yield name.removesuffix(".__init__"), path


def _runtime_imports(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """(module, line) of each depsize import not under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                yield from _runtime_imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        yield from _runtime_imports(node)


def _upward() -> list[str]:
    found = []
    for name, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, line in _runtime_imports(tree):
            if target.split(".")[0] == "depsize" and layer(target) > layer(name):
                found.append(
                    f"{path.relative_to(SRC)}:{line}: {name} (layer {layer(name)}) imports "
                    f"{target} (layer {layer(target)})"
                )
    return found


def test_layering__every_module__has_a_layer() -> None:
    for name, _ in _modules():
        assert layer(name) in range(8), name


def test_layering__every_import__at_or_below_its_module() -> None:
    assert _upward() == []


def test_layering__an_upward_import__is_found() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from depsize.analyze import Analysis\n"
        "def f():\n    from depsize.cli import main\n"
    )
    assert [(m, line) for m, line in _runtime_imports(tree) if m.startswith("depsize")] == [
        ("depsize.cli", 5)
    ]
    assert layer("depsize.check.policy") < layer("depsize.config") < layer("depsize.check.run")
    with pytest.raises(KeyError):
        layer("elsewhere")


IMPORT_STAGE_FORBIDDEN = ("depsize.env", "depsize.mapping", "depsize.join")
"""The import stage reads the project only: what the env holds is looked up by ``depsize.join``."""
ENV_NAMES = frozenset({"InstalledDist", "EnvScan", "ImportMapper"})


def _env_reads(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """(what, line) of each import of the env's modules or values, type-only ones included, and
    of each annotation naming an env value."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith(IMPORT_STAGE_FORBIDDEN):
                yield node.module, node.lineno
            yield from ((a.name, node.lineno) for a in node.names if a.name in ENV_NAMES)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(IMPORT_STAGE_FORBIDDEN):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            yield from _env_names(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            yield from _env_names(node.returns)


def _env_names(annotation: ast.expr) -> Iterator[tuple[str, int]]:
    names = {n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)}
    names |= {
        n.value
        for n in ast.walk(annotation)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    yield from ((n, annotation.lineno) for n in sorted(names & ENV_NAMES))


def test_layering__import_stage__reads_nothing_of_the_env() -> None:
    found = []
    for name, path in _modules():
        if name == "depsize.imports" or name.startswith("depsize.imports."):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(SRC)}:{line}: {what}" for what, line in _env_reads(tree)]
    assert found == []


def test_layering__env_read_in_the_import_stage__is_found() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from depsize.mapping import ImportMapper\n"
        "from depsize.models import InstalledDist, ScanWarning\n"
        "def f(dists: Mapping[str, InstalledDist], m: 'ImportMapper') -> None:\n"
        "    import depsize.env.scan\n"
        "def g() -> list[EnvScan]: ...\n"
    )
    assert sorted(_env_reads(tree), key=lambda x: (x[1], x[0])) == [
        ("ImportMapper", 3),
        ("depsize.mapping", 3),
        ("InstalledDist", 4),
        ("ImportMapper", 5),
        ("InstalledDist", 5),
        ("depsize.env.scan", 6),
        ("EnvScan", 7),
    ]
