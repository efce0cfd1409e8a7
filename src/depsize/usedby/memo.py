"""The used-by-dependency pass, remembered beside the env scan cache.

The pass reads the installed code of every distribution the project uses: on a big env that is
most of a warm run (0.5 s of 0.8 s on a 29,000-file env). Its answer depends only on the env's
files and on the question (the candidates and the used states), so when the env scan came from
the cache — or was just stored in it — the answer is stored under that scan's token
(:attr:`depsize.env.cache.CachedEnv.token`: the cache file's identity, which any re-scan that is
stored replaces) and the question. A different token is a miss and drops what was stored; a
file that cannot be read or written is a miss, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from packaging.utils import NormalizedName

from depsize import __version__, cachepickle
from depsize.env.cache import derived_file
from depsize.graph import State
from depsize.usedby.model import DependencyUses

FORMAT = 6
KEEP = 8
"""Answers kept per env: one per question (a project, its dev view, a --group …)."""

Search = Callable[[frozenset[NormalizedName], frozenset[State]], DependencyUses]
Question = tuple[tuple[NormalizedName, ...], tuple[State, ...]]


def memo_file(cache_dir: Path, token: str) -> Path:
    """One file per env cache file (the token starts with its path)."""
    return derived_file(cache_dir, token, "usedby")


def memoised(search: Search, token: str | None, cache_dir: Path) -> Search:
    """``search``, answered from the memo file when the env scan is the stored one."""
    if token is None:
        return search
    path = memo_file(cache_dir, token)
    stamp = f"{FORMAT}:{__version__}:{_code_stamp()}:{token}"

    def answer(candidates: frozenset[NormalizedName], starts: frozenset[State]) -> DependencyUses:
        question: Question = (tuple(sorted(candidates)), tuple(sorted(starts)))
        stored = _load(path, stamp)
        found = stored.get(question)
        if found is not None:
            return found
        result = search(candidates, starts)
        kept = dict(list(stored.items())[-(KEEP - 1) :])
        kept[question] = result
        cachepickle.write_stamped(path, stamp, kept)
        return result

    return answer


def _code_stamp() -> list[int]:
    """The pass's own code: a new depsize (or an edited checkout) never reads old answers."""
    from depsize.imports import astscan, extract, fastscan  # lazy: a --no-cache run needs none
    from depsize.usedby import calls, code, metadata, shapes

    return cachepickle.code_stamp(code, shapes, calls, metadata, extract, fastscan, astscan)


def _load(path: Path, stamp: str) -> dict[Question, DependencyUses]:
    answers = cachepickle.read_stamped(path, stamp)  # absent, unreadable, another stamp: a miss
    if not isinstance(answers, dict) or not all(
        isinstance(v, DependencyUses) for v in answers.values()
    ):
        return {}
    return answers
