"""Decomposable blocks: two translations side by side are not one crossing link.

A block's embedding is more similar to its counterpart than either of its segments is to
its own (longer texts embed closer), so a 2:2 link over two consecutive 1:1 translations
outscores the two 1:1 links where these are only moderately similar (Text+Berg's German
and French: 1:1 similarities 0.4-0.7; 8 of the translation profile's 10 false 2:2 links
there were two gold 1:1 links).  A real crossing link (the sentence boundaries fall at
different places on the two sides) shows itself in the smaller links it would be cut
into: a part whose two sides hold different shares of the content has a length ratio far
from the document's, and a segment beside the cut shares content with the other part, so
joining it to that part makes the part *more* similar.

A block with several segments on both sides (2:2, 2:3, 3:2) is *decomposable* when some
cut into two links the search may take (``(u:v) + (a-u:b-v)``, both scored above the
floor) is clean: each part's log length ratio lies within :data:`CUT_LENGTH_Z` of the
length model's spread (``len_mu``, ``len_sigma``, adapted to the document) and no join
across the cut (the first segment of either side of the second part joined to the first
part, or the last of either side of the first part joined to the second) gains more than
:data:`CUT_GAIN` in similarity.  The search charges a decomposable block
``split_penalty`` more (the translation profile's,
:data:`workbench.align.profile.TRANSLATION_SPLIT`); the link's own score is left as it is.
The test reads block similarities at a few offsets of each candidate: linear in the band.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CUT_GAIN", "CUT_LENGTH_Z", "SHAPES", "penalise_decomposable"]

#: a clean cut's parts each have a length ratio within this many ``len_sigma`` of
#: ``len_mu`` (1-1.25 give the same links on every set of benchmarks/align.py; 0.75 finds
#: almost no clean cut; 2 cuts crossing links of translation-long-nm) ...
CUT_LENGTH_Z = 1.1
#: ... and no segment beside the cut raises the other part's similarity by more than this
#: (0.08-1 give the same links on every set; 0.06 charges fewer blocks: translation-long-nm
#: docs 0-39 0.921 -> 0.915)
CUT_GAIN = 0.08
#: the blocks with several segments on both sides
SHAPES = ((2, 2), (2, 3), (3, 2))


def penalise_decomposable(shape_scores: dict, band, coverage, params) -> dict:
    """``shape_scores`` with the scores of decomposable blocks (:data:`SHAPES`) lowered by
    ``params.split_penalty`` (a new dict; the arrays of the other shapes are shared)."""
    penalty = params.split_penalty
    if penalty <= 0:
        return shape_scores
    src, tgt = coverage.src, coverage.tgt
    sim = coverage.block_sims

    def length_z(x, y, p, q):
        ratio = np.log1p(tgt.block_len(y, q)) - np.log1p(src.block_len(x, p))
        return np.abs(ratio - params.len_mu) / params.len_sigma

    out = dict(shape_scores)
    rows, cols = band.cells()
    for a, b in SHAPES:
        if (a, b) not in shape_scores:
            continue
        scores = shape_scores[(a, b)]
        cand = np.flatnonzero(np.isfinite(scores))
        if not len(cand):
            continue
        i, j = rows[cand], cols[cand]
        s0, t0 = i - a, j - b
        split = np.zeros(len(cand), dtype=bool)
        for u in range(1, a):
            for v in range(1, b):
                first, rest = shape_scores.get((u, v)), shape_scores.get((a - u, b - v))
                if first is None or rest is None:
                    continue
                k1, k2 = band.index(s0 + u, t0 + v), band.index(i, j)
                ok = (k1 >= 0) & (k2 >= 0)
                ok[ok] &= np.isfinite(first[k1[ok]]) & np.isfinite(rest[k2[ok]])
                x, y = s0[ok], t0[ok]
                ok[ok] = np.maximum(length_z(x, y, u, v),
                                    length_z(x + u, y + v, a - u, b - v)) <= CUT_LENGTH_Z
                if not ok.any():
                    continue
                x, y = s0[ok], t0[ok]
                head = sim(u, v, x, y)
                tail = sim(a - u, b - v, x + u, y + v)
                most = np.maximum.reduce([
                    sim(u + 1, v, x, y) - head,                 # the tail's first source
                    sim(u, v + 1, x, y) - head,                 # the tail's first target
                    sim(a - u + 1, b - v, x + u - 1, y + v) - tail,  # the head's last source
                    sim(a - u, b - v + 1, x + u, y + v - 1) - tail,  # the head's last target
                ])
                split[np.flatnonzero(ok)[most <= CUT_GAIN]] = True
        if split.any():
            out[(a, b)] = scores.copy()
            out[(a, b)][cand[split]] -= penalty
    return out
