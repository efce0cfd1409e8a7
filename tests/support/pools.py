"""Counting the worker pools a test's code starts (the real pools: they still run)."""

from __future__ import annotations

from typing import Any

import pytest

from depsize.imports import parallel


def count_pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, each :class:`~depsize.imports.parallel.PoolMap` started appends the number
    of its items to the returned list."""
    started: list[int] = []

    class Counting(parallel.PoolMap[Any, Any]):
        def __init__(self, task: Any, items: Any, *args: Any) -> None:
            started.append(len(items))
            super().__init__(task, items, *args)

    monkeypatch.setattr(parallel, "PoolMap", Counting)
    return started
