"""The tree walks give what ``ast.walk`` and ``ast.iter_child_nodes`` give, node for node."""

from __future__ import annotations

import ast
import dataclasses
import json.decoder
from pathlib import Path

import pytest

from depsize.imports.astwalk import child_nodes, walk_nodes


@pytest.mark.parametrize("module", [ast, dataclasses, json.decoder], ids=lambda m: m.__name__)
def test_walk_nodes__real_module__same_nodes_in_the_order_of_ast_walk(module: object) -> None:
    """Real code (the standard library's ``ast``, ``dataclasses`` and ``json.decoder``
    modules hold every kind of statement and expression between them)."""
    source = getattr(module, "__file__", None)
    assert isinstance(source, str)
    tree = ast.parse(Path(source).read_text(encoding="utf-8"))
    expected = list(ast.walk(tree))
    got = walk_nodes(tree)
    assert len(got) == len(expected) > 1000
    assert all(a is b for a, b in zip(got, expected, strict=True))
    assert all(child_nodes(n) == list(ast.iter_child_nodes(n)) for n in expected)


def test_walk_nodes__one_leaf__itself_only() -> None:
    leaf = ast.Constant(value="x")
    assert walk_nodes(leaf) == [leaf]
    assert child_nodes(leaf) == []
