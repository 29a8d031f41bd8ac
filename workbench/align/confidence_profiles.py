"""Evidence for link confidence from the alignment the ``auto`` profile did not take.

The ``auto`` profile (:mod:`workbench.align.profile`) aligns a pair twice, with the
rewrite and with the translation profile, and keeps one alignment.  Where the other
alignment makes the same link, two searches with different n:m priors agree; where it
does not, what it makes instead is the alternative a reviewer would weigh: the same
segments in a longer link (a 1:2 the kept alignment cut into a 1:1 and an insertion),
a null link's segment taken into a link, or a long link cut into shorter ones.

:func:`profile_features` gives, per link of the kept alignment (:data:`PROFILE_FEATURES`):

``alt_same``
    1 when the other alignment has exactly this link;
``alt_split``
    how many links of the other alignment cover this link's segments, less one;
``alt_gain``
    for a link with both sides: the best similarity of a differing link of the other
    alignment over some of its segments, less this link's (0 when there is none); for a
    null link: the similarity of the other alignment's link that takes its segment in,
    less the document's median (-0.5 when the other leaves it unlinked too).

Without another alignment (a profile forced by the user) every link counts as agreed.
The cost is one pass over the links of both alignments.
"""

from __future__ import annotations

import numpy as np

from workbench.align.links import Link

__all__ = ["PROFILE_FEATURES", "profile_features"]

PROFILE_FEATURES = ("alt_same", "alt_split", "alt_gain")


def _contiguous(idx: tuple) -> bool:
    return all(b == a + 1 for a, b in zip(idx, idx[1:]))


def profile_features(links: list[Link], other: list[Link] | None, sim_of,
                     sims: dict, doc_sim: float) -> np.ndarray:
    """Rows of :data:`PROFILE_FEATURES`, one per link of ``links``; ``other``: the
    alignment not taken (``None``: none); ``sim_of(src, tgt)``: a block's similarity;
    ``sims``: the similarities of ``links`` already known (by position)."""
    out = np.zeros((len(links), len(PROFILE_FEATURES)))
    if other is None:
        out[:, 0] = 1.0
        for k, lk in enumerate(links):
            if not (lk.src and lk.tgt):
                out[k, 2] = -0.5
        return out
    keys = {lk.key() for lk in other}
    by_src: dict[int, int] = {}
    by_tgt: dict[int, int] = {}
    for x, lk in enumerate(other):
        for i in lk.src:
            by_src[i] = x
        for j in lk.tgt:
            by_tgt[j] = x
    memo: dict = {}

    def sim(x: int) -> float | None:
        lk = other[x]
        if not (lk.src and lk.tgt and _contiguous(lk.src) and _contiguous(lk.tgt)):
            return None
        if x not in memo:
            memo[x] = sim_of(lk.src, lk.tgt)
        return memo[x]

    for k, lk in enumerate(links):
        cover = {by_src[i] for i in lk.src if i in by_src} | {by_tgt[j] for j in lk.tgt
                                                             if j in by_tgt}
        same = lk.key() in keys
        out[k, 0] = float(same)
        out[k, 1] = min(max(len(cover) - 1, 0), 4)
        if lk.src and lk.tgt:
            own = sims.get(k)
            gains = [s - own for x in cover if own is not None and not same
                     and (s := sim(x)) is not None]
            out[k, 2] = max(gains) if gains else 0.0
        else:
            taken = [s for x in cover if (s := sim(x)) is not None]
            out[k, 2] = (max(taken) - doc_sim) if taken else -0.5
    return out
