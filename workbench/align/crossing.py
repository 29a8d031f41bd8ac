"""Crossing links read from the sentence evidence (paragraph mode, translation profile).

When segments hold several sentences, the sentences are aligned first
(:func:`workbench.align.engine.evidence`).  In a faithful translation whose sentence
boundaries fall at different places on the two sides, a sentence link then joins a
segment of one paragraph link with a segment of the next one: the English segment that
renders the end of one Arabic segment and the start of the next belongs to both.  The
paragraph profile's prior against blocks with several segments on both sides (fitted on
rewrites, ``many`` about -6.7) keeps the search from taking such a block.

:func:`join_crossing` merges two consecutive paragraph links into one (at most 3:3) when a
confident sentence link (raw probability at least :data:`CROSSING_MIN_PROB`) crosses
between them, and every sentence of the merged segments is linked, confidently, inside the
merged block (a rewrite that moved a sentence to the next paragraph also drops or adds
some: it stays as it is).  On translation-long-nm this finds 8 of the 12 crossing links of
the 13 documents aligned in paragraph mode (none before).
"""

from __future__ import annotations

import numpy as np

from workbench.align.links import Link

__all__ = ["CROSSING_MIN_PROB", "join_crossing"]

#: a sentence link this probable (raw) is evidence that its segments share a link
CROSSING_MIN_PROB = 0.5
#: the largest merged link on either side
MAX_SIDE = 3


def _confident(lk: Link) -> bool:
    return bool(lk.src and lk.tgt) and lk.score is not None and lk.score >= CROSSING_MIN_PROB


def join_crossing(links: list[Link], sub_links: list[Link], src_owner: np.ndarray,
                  tgt_owner: np.ndarray, score) -> list[Link]:
    """``links`` with consecutive links merged where the sentence links cross them.

    ``sub_links`` are the sentence links (raw scores), ``src_owner`` / ``tgt_owner`` the
    segment of every sentence, ``score(src, tgt)`` the probability of a merged link.
    """
    owner_s = [int(x) for x in src_owner]
    owner_t = [int(x) for x in tgt_owner]
    count_s = np.bincount(owner_s)
    count_t = np.bincount(owner_t)
    sent = [(frozenset(owner_s[k] for k in lk.src), frozenset(owner_t[k] for k in lk.tgt), lk)
            for lk in sub_links if lk.src and lk.tgt]
    out = list(links)
    changed = True
    while changed:
        changed = False
        by_s = {i: lk for lk in out if lk.tgt for i in lk.src}
        by_t = {j: lk for lk in out if lk.src for j in lk.tgt}
        for ss, tt, sl in sent:
            if not _confident(sl):
                continue
            owners = {by_s[i] for i in ss if i in by_s} | {by_t[j] for j in tt if j in by_t}
            if len(owners) != 2:
                continue
            a, b = sorted(owners, key=lambda lk: lk.src[0])
            if a.src[-1] + 1 != b.src[0] or a.tgt[-1] + 1 != b.tgt[0]:
                continue
            ms, mt = set(a.src + b.src), set(a.tgt + b.tgt)
            if len(ms) > MAX_SIDE or len(mt) > MAX_SIDE:
                continue
            inside = [(s2, t2, l2) for s2, t2, l2 in sent if s2 & ms or t2 & mt]
            if not all(_confident(l2) and s2 <= ms and t2 <= mt for s2, t2, l2 in inside):
                continue
            if (sum(len(l2.src) for _, _, l2 in inside) != sum(count_s[i] for i in ms)
                    or sum(len(l2.tgt) for _, _, l2 in inside) != sum(count_t[j] for j in mt)):
                continue  # a sentence of the merged segments unlinked: not a clean block
            merged = (a.src + b.src, a.tgt + b.tgt)
            out = [lk for lk in out if lk is not a and lk is not b]
            out.append(Link(*merged, score(*merged)))
            changed = True
            break
    return out
