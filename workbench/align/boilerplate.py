"""A prior for inserted web boilerplate ("Share it...", "Subscribe to our newsletter").

English rewrites of news pick up boilerplate lines that have no counterpart in the
source.  Each target segment gets a boilerplate likeness in [0, 1] from its
embedding similarity to the short list of typical phrases below; the search adds
``boilerplate_weight * likeness`` to the segment's insertion score (the weight is
calibrated on the dev benchmark with the other search parameters).  The list is
generic web furniture, not text from any test document.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

__all__ = ["PHRASES", "boilerplate_likeness"]

PHRASES: tuple[str, ...] = (
    "Share it...",
    "Share this article",
    "Share on Facebook",
    "Subscribe to our newsletter",
    "Sign up here to get the latest news delivered to your inbox.",
    "Read more: latest updates",
    "Read more",
    "Also read",
    "Related articles",
    "Follow us on Telegram for breaking news.",
    "Follow us on Twitter",
    "Like us on Facebook",
    "- Advertisement -",
    "Advertisement",
    "Photo: file image.",
    "Image copyright Getty Images",
    "Click here to read the full story",
    "All rights reserved.",
    "Comments",
    "Print this page",
)

#: Similarity below this is not boilerplate at all; likeness rises to 1 at FLOOR + SPAN.
FLOOR = 0.55
SPAN = 0.3


def boilerplate_likeness(texts: Sequence[str],
                         embed: Callable[[list[str]], np.ndarray],
                         emb: np.ndarray | None = None,
                         ref: np.ndarray | None = None) -> np.ndarray:
    """Likeness in [0, 1] of each text to typical boilerplate (``emb``: their embeddings;
    ``ref``: those of :data:`PHRASES`, embedded here if not given)."""
    if not len(texts):
        return np.zeros(0)
    if emb is None:
        emb = embed(list(texts))
    if ref is None:
        ref = embed(list(PHRASES))
    best = (np.asarray(emb) @ np.asarray(ref).T).max(axis=1)
    # long segments are content, whatever they resemble
    lengths = np.array([len(t) for t in texts], dtype=np.float64)
    short = np.clip((160.0 - lengths) / 80.0, 0.0, 1.0)
    return np.clip((best - FLOOR) / SPAN, 0.0, 1.0) * short
