"""Gaps re-aligned: deletions and insertions left between the same two links (step 7 of
:mod:`workbench.align.engine`, after the passes of :mod:`workbench.align.repair`)."""

from __future__ import annotations

import numpy as np

from workbench.align.links import Link
from workbench.align.repair import _insertion_scores, _runs, _source_order
from workbench.align.scorer import Coverage, Params, Side, block_features, raw_logits, sigmoid
from workbench.align.search import Band, best_path, link_shapes

__all__ = ["fill_gaps", "MAX_GAP_CELLS"]

#: Gaps (unlinked source x unlinked target segments between the same two links) larger
#: than this many cells are left as the main search made them.
MAX_GAP_CELLS = 400


def _gaps(links: list[Link], n: int, m: int) -> list[tuple[list[int], list[int]]]:
    """Unlinked source runs with the unlinked targets between the same two links.

    A run of unlinked source segments lies between the link of the segment before it
    and the link of the segment after it (or a document edge, but not both); the
    targets strictly between those two links' targets form its gap when none of them
    is linked.
    """
    owner: dict[int, Link] = {}
    linked_t: set[int] = set()
    for lk in links:
        if lk.src and lk.tgt:
            for i in lk.src:
                owner[i] = lk
            linked_t.update(lk.tgt)
    out = []
    for run in _runs([i for i in range(n) if i not in owner]):
        before = owner.get(run[0] - 1)
        after = owner.get(run[-1] + 1)
        if before is None and after is None:
            continue  # nothing linked: unrelated texts, not a gap
        lo = max(before.tgt) + 1 if before is not None else 0
        hi = min(after.tgt) if after is not None else m
        if lo >= hi or any(j in linked_t for j in range(lo, hi)):
            continue
        out.append((run, list(range(lo, hi))))
    return out


def fill_gaps(links: list[Link], src: Side, tgt: Side, params: Params, max_link: int,
              knn_src: np.ndarray, knn_tgt: np.ndarray,
              coverage: Coverage | None = None) -> list[Link]:
    """Re-align deletions and insertions left between the same two links.

    A rewrite drops paragraphs and adds web boilerplate, but seldom drops a paragraph
    and writes new content in its place: unlinked source segments and unlinked
    non-boilerplate target segments between the same two links are more likely a
    loose (or badly embedded) translation than a deletion next to an insertion.  The
    segments of such a gap are aligned again with the insertion of every
    non-boilerplate segment charged ``params.gap_penalty`` more (deletions are common
    in rewrites and keep their score) and without the floors that keep doubtful links
    out of the main search.
    """
    gaps = [(rs, rt) for rs, rt in _gaps(links, len(src), len(tgt))
            if len(rs) * len(rt) <= MAX_GAP_CELLS and any(tgt.null_prior[j] < 0.5 for j in rt)]
    if not gaps:
        return links
    replaced_s: set[int] = set()
    replaced_t: set[int] = set()
    new: list[Link] = []
    for rs, rt in gaps:
        n, m = len(rs), len(rt)
        band = Band.full(n, m)
        rows, cols = band.cells()
        shape_scores: dict[tuple[int, int], np.ndarray] = {}
        for a, b in link_shapes(max_link):
            scores = np.full(band.size, -np.inf)
            ok = np.flatnonzero((rows >= a) & (cols >= b))
            if len(ok):
                s0 = rows[ok] - a + rs[0]
                t0 = cols[ok] - b + rt[0]
                feats = block_features(src, tgt, a, b, s0, t0, knn_src, knn_tgt, params,
                                       coverage)
                scores[ok] = raw_logits(feats, params)
            shape_scores[(a, b)] = scores
        prior = tgt.null_prior[rt]
        ins = _insertion_scores(params, prior) - params.gap_penalty * (prior < 0.5)
        dels = np.full(n, params.del_score)
        for a, b, i, j in best_path(band, shape_scores, dels, ins):
            s_idx = tuple(rs[k] for k in range(i - a, i))
            t_idx = tuple(rt[k] for k in range(j - b, j))
            if a and b:
                k = band.at(i, j)
                p = float(sigmoid(shape_scores[(a, b)][k:k + 1])[0])
                new.append(Link(s_idx, t_idx, p))
                replaced_s.update(s_idx)
                replaced_t.update(t_idx)
    if not new:
        return links
    out = [lk for lk in links if not (set(lk.src) & replaced_s or set(lk.tgt) & replaced_t)]
    out += new
    return _source_order(out, len(src))


#: an edge segment of an n:m link is *absorbed* when the link without it is at least this
#: similar minus this much (the segment adds nothing to the block: it renders the
#: unlinked segment beside it, not the link's)
ABSORBED_GAIN = 0.01


def split_absorbed(links: list[Link], src: Side, tgt: Side, params: Params,
                   knn_src: np.ndarray, knn_tgt: np.ndarray,
                   coverage: Coverage | None = None) -> list[Link]:
    """Give an n:m link's edge segment back to the unlinked segment beside it.

    The search may leave a segment unlinked because its 1:1 link scored below the floors
    (a headline whose length ratio is far from the document's, a misspelt line the
    embedder cannot read) and let the neighbouring link take its partner: the partner then
    adds nothing to that link's block.  Such an edge segment is linked 1:1 with the
    unlinked segment when that scores better than the null link beside the longer link,
    scored as :func:`fill_gaps` scores a gap (no floors; a non-boilerplate insertion
    charged ``gap_penalty`` more).
    """
    def log_odds(s: tuple, t: tuple) -> float:
        f = block_features(src, tgt, len(s), len(t), np.array([s[0]]), np.array([t[0]]),
                           knn_src, knn_tgt, params, coverage)
        return float(raw_logits(f, params)[0])

    def sim(s: tuple, t: tuple) -> float:
        return float(src.block_emb(len(s))[s[0]] @ tgt.block_emb(len(t))[t[0]])

    def null_score(lk: Link) -> float:
        if lk.src:
            return params.del_score
        prior = float(tgt.null_prior[lk.tgt[0]])
        return float(_insertion_scores(params, prior) - params.gap_penalty * (prior < 0.5))

    # the link beside a null segment (on the null's own side) and its far edge segment
    by_src = {i: lk for lk in links for i in lk.src}
    by_tgt = {j: lk for lk in links for j in lk.tgt}
    out = set(links)
    for null in [lk for lk in links if bool(lk.src) != bool(lk.tgt)]:
        if null not in out:
            continue
        x = (null.src or null.tgt)[0]
        own = by_src if null.src else by_tgt
        for step in (-1, 1):
            lk = own.get(x + step)
            if lk is None or lk not in out or not (lk.src and lk.tgt):
                continue
            # the link's segments on the null's side and on the other side
            near, far = (lk.src, lk.tgt) if null.src else (lk.tgt, lk.src)
            if len(far) < 2:
                continue
            y = far[0] if step > 0 else far[-1]  # the far edge facing the null segment
            rest = far[1:] if step > 0 else far[:-1]
            pair = ((x,), (y,)) if null.src else ((y,), (x,))
            if tgt.null_prior[pair[1][0]] >= 0.5:
                continue  # boilerplate is left as the search made it, as fill_gaps does
            kept = (near, rest) if null.src else (rest, near)
            old = (lk.src, lk.tgt)
            if sim(*kept) < sim(*old) - ABSORBED_GAIN:
                continue
            # better than the null beside the longer link, and than both segments unlinked
            unlinked = Link((), (y,)) if null.src else Link((y,), ())
            if (log_odds(*pair) + log_odds(*kept) <= null_score(null) + log_odds(*old)
                    or log_odds(*pair) <= null_score(null) + null_score(unlinked)):
                continue
            out -= {null, lk}
            p_pair = float(sigmoid(np.array([log_odds(*pair)]))[0])
            p_kept = float(sigmoid(np.array([log_odds(*kept)]))[0])
            out |= {Link(*pair, p_pair), Link(*kept, p_kept)}
            break
    if len(out) == len(links) and out == set(links):
        return links
    return _source_order(list(out), len(src))
