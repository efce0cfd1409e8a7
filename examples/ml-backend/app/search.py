"""A tiny in-memory vector index over sentence embeddings."""

from __future__ import annotations

import numpy as np

from app.embed import embed


class Index:
    def __init__(self) -> None:
        self.texts: list[str] = []
        self.vectors: list[np.ndarray] = []

    def add(self, text: str) -> int:
        self.texts.append(text)
        self.vectors.append(embed(text))
        return len(self.texts) - 1

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        if not self.vectors:
            return []
        matrix = np.stack(self.vectors)
        scores = matrix @ embed(query)
        best = np.argsort(-scores)[:k]
        return [(int(i), float(scores[i])) for i in best]
