"""A prior for inserted web boilerplate ("Share it...", "Subscribe to our newsletter").

English rewrites of news pick up boilerplate lines that have no counterpart in the
source.  Each target segment gets a boilerplate likeness in [0, 1] from its
embedding similarity to the short list of typical phrases below; the search adds
``boilerplate_weight * likeness`` to the segment's insertion score (the weight is
calibrated on the dev benchmark with the other search parameters).  The list is
generic web furniture, not text from any test document.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

__all__ = ["PHRASES", "boilerplate_likeness", "split_phrases"]

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

#: Phrases cut out of a sentence they are glued into (:func:`split_phrases`): the
#: longer ones, which do not occur as ordinary prose.
_GLUED = sorted((p for p in PHRASES if len(p.split()) >= 3 or p.endswith("...")), key=len,
                reverse=True)
_GLUED_RE = re.compile("|".join(re.escape(p) for p in _GLUED))

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


def split_phrases(sentence: str) -> list[str]:
    """``sentence`` cut around the boilerplate phrases glued into it.

    Rewrites paste web furniture into running text without a full stop ("... fake
    news." Read more: latest updates "No, no, no."): as a sentence of its own the
    phrase is recognised as boilerplate and the text around it can still be matched.
    """
    out: list[str] = []
    pos = 0
    for m in _GLUED_RE.finditer(sentence):
        out += [sentence[pos:m.start()].strip(), m.group()]
        pos = m.end()
    if not out:
        return [sentence]
    out.append(sentence[pos:].strip())
    return [x for x in out if x.strip(" .,;:-")] or [sentence]
