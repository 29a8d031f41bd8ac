"""Length evidence for link confidence: would a neighbouring block fit the lengths better?

A link cut out of a longer one (two 1:1 links where the translation has one 2:2 link
whose sentence boundaries do not meet; a 1:1 link and an insertion where the gold has
1:2) has a length ratio off in one direction, and its neighbour, or the unlinked segment
beside it, makes up for it: the joined block's ratio is ordinary.  Each feature is the
absolute length z-score (the log length ratio against the document's median, over its
spread) of the joined block less that of the link as it is (negative: joining fits the
lengths better), the lowest over the candidates, 0 where there is none
(:data:`LENGTH_FEATURES`):

``join_len``
    a link with both sides joined with a neighbouring link that touches it on both sides;
``grow_len``
    a link with both sides taking in an unlinked segment beside it;
``merge_len``
    a null link's segment taken into the linked block beside it (against that block).

Lengths only, one pass over the links.
"""

from __future__ import annotations

import numpy as np

from workbench.align.links import Link

__all__ = ["LENGTH_FEATURES", "length_features"]

LENGTH_FEATURES = ("join_len", "grow_len", "merge_len")


def length_features(links: list[Link], ls: np.ndarray, lt: np.ndarray, r_mid: float,
                    spread: float, at_src: np.ndarray, at_tgt: np.ndarray,
                    order: list[int]) -> np.ndarray:
    """Rows of :data:`LENGTH_FEATURES`, one per link; ``ls``, ``lt``: segment lengths;
    ``at_src``, ``at_tgt``: the link of each segment; ``order``: the links with both
    sides (contiguous) in source order."""
    out = np.zeros((len(links), len(LENGTH_FEATURES)))
    n, m = len(ls), len(lt)

    def z(s_lo: int, s_hi: int, t_lo: int, t_hi: int) -> float:
        r = np.log(lt[t_lo:t_hi + 1].sum() / ls[s_lo:s_hi + 1].sum())
        return min(abs(float(r) - r_mid) / spread, 6.0)

    def linked(lk: Link) -> bool:
        return bool(lk.src and lk.tgt)

    for r_, k in enumerate(order):
        lk = links[k]
        s0, s1, t0, t1 = lk.src[0], lk.src[-1], lk.tgt[0], lk.tgt[-1]
        own = z(s0, s1, t0, t1)
        joins = []
        for x in (r_ - 1, r_ + 1):
            if not 0 <= x < len(order):
                continue
            nb = links[order[x]]
            lo_s, hi_s = min(s0, nb.src[0]), max(s1, nb.src[-1])
            lo_t, hi_t = min(t0, nb.tgt[0]), max(t1, nb.tgt[-1])
            if (hi_s - lo_s + 1 == len(lk.src) + len(nb.src)
                    and hi_t - lo_t + 1 == len(lk.tgt) + len(nb.tgt)):
                joins.append(z(lo_s, hi_s, lo_t, hi_t) - own)
        out[k, 0] = min(joins) if joins else 0.0
        grows = []
        if s0 > 0 and not linked(links[at_src[s0 - 1]]):
            grows.append(z(s0 - 1, s1, t0, t1) - own)
        if s1 + 1 < n and not linked(links[at_src[s1 + 1]]):
            grows.append(z(s0, s1 + 1, t0, t1) - own)
        if t0 > 0 and not linked(links[at_tgt[t0 - 1]]):
            grows.append(z(s0, s1, t0 - 1, t1) - own)
        if t1 + 1 < m and not linked(links[at_tgt[t1 + 1]]):
            grows.append(z(s0, s1, t0, t1 + 1) - own)
        out[k, 1] = min(grows) if grows else 0.0
    contiguous = set(order)
    for k, lk in enumerate(links):
        if linked(lk):
            continue
        i, at, size = (lk.src[0], at_src, n) if lk.src else (lk.tgt[0], at_tgt, m)
        merges = []
        for x in (i - 1, i + 1):
            if not 0 <= x < size or at[x] not in contiguous:
                continue
            nb = links[at[x]]
            s0, s1, t0, t1 = nb.src[0], nb.src[-1], nb.tgt[0], nb.tgt[-1]
            own = z(s0, s1, t0, t1)
            if lk.src:
                s0, s1 = min(s0, i), max(s1, i)
            else:
                t0, t1 = min(t0, i), max(t1, i)
            merges.append(z(s0, s1, t0, t1) - own)
        out[k, 2] = min(merges) if merges else 0.0
    return out
