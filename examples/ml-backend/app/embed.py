"""Sentence embeddings, loaded once on first use."""

from __future__ import annotations

from functools import cache

import numpy as np


@cache
def _model():  # type: ignore[no-untyped-def]
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer("all-MiniLM-L6-v2", device="cpu")


def embed(text: str) -> np.ndarray:
    vector = _model().encode([text], normalize_embeddings=True)[0]
    return np.asarray(vector, dtype=np.float32)
