"""The embedder protocol (:class:`Embedder`), in a module of its own.

:mod:`workbench.align.embed` re-exports it beside the encoder and the cache; the cache
(:mod:`workbench.align.cache`) imports it from here, so that ``embed`` and ``cache`` do
not import each other.
"""

from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np

__all__ = ["Embedder"]


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised vectors (one float32 row per text)."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...
