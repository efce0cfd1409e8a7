"""Walks of an ``ast`` tree as ``ast.walk`` and ``ast.iter_child_nodes`` make them, faster.

The same nodes in the same order, from a list that grows while it is read instead of a
generator per node: the extractors walk every expression of big modules (a test module's
fixtures and markers, the computed imports of a loader table).
"""

from __future__ import annotations

import ast


def walk_nodes(top: ast.AST) -> list[ast.AST]:
    """``top`` and every node under it, in the order of ``ast.walk`` (breadth first)."""
    nodes = [top]
    append, extend = nodes.append, nodes.extend
    node_type = ast.AST
    for node in nodes:  # grows while it is read: each node's children go to the end
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, node_type):
                append(value)
            elif isinstance(value, list):
                extend([item for item in value if isinstance(item, node_type)])
    return nodes


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """The direct children of ``node``, in the order of ``ast.iter_child_nodes``."""
    children: list[ast.AST] = []
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, ast.AST):
            children.append(value)
        elif isinstance(value, list):
            children.extend([item for item in value if isinstance(item, ast.AST)])
    return children
