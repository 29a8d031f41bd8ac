"""Aligning two sides: band, scores, search, moved blocks and confidences.

:func:`align_sides` is the whole single-level pipeline over two :class:`Side` objects:

1. the band: the whole table for short documents, otherwise a band around the
   path found on downsampled sides (recursively; :mod:`workbench.align.search`);
2. the neighbourhood of every segment (mean similarity to its ``knn`` best
   partners inside the band), for the margin feature;
3. the score of every link shape at every band cell (:mod:`workbench.align.scorer`);
4. the best monotonic path;
5. moved blocks: source and target blocks left unlinked by the monotonic path are
   linked when the scorer is confident enough (``move_threshold``), best first,
   so that swapped and moved paragraphs are recovered; weak monotonic links are
   released for this, and a doubtful one (below ``move_threshold``) may lose one
   side's segment to a far 1:1 move at least twice as probable;
6. paragraphs lifted by their sentences: when segments hold several sentences, the
   sentences are aligned first (their confident links are the ``agree_*`` evidence,
   :func:`evidence`); a paragraph still unlinked is linked to the paragraph its
   sentences were linked into when the other is unlinked or doubtfully linked
   (:func:`lift_sentence_links`): a short paragraph moved into a longer one, a
   paragraph cut down to a sentence;
7. gaps: deletions and non-boilerplate insertions left between the same two links
   are aligned again with those insertions charged more (``gap_penalty``,
   :func:`fill_gaps`): a rewrite seldom drops a paragraph and writes new content
   in its place;
8. a confidence in [0, 1] for every link: the scorer's probability for a link,
   one minus the best probability of any link covering the segment for a null link,
   mapped per kind of link to the probability that the link is right
   (:mod:`workbench.align.confidence`, fitted on the dev benchmark).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from workbench.align.confidence import calibrate_links
from workbench.align.links import Link
from workbench.align.scorer import (Coverage, Params, Side, block_features, logits,
                                    raw_logits, sigmoid)
from workbench.align.search import Band, band_around_path, best_path, link_shapes

__all__ = ["AlignStats", "align_sides", "evidence", "FULL_CELLS", "BAND_WIDTH"]

#: Tables up to this many cells are searched whole; larger ones coarse-to-fine.
FULL_CELLS = 250_000
#: Half-width (in segments) of the band around the coarse path.
BAND_WIDTH = 8
#: Largest number of (source block, target block) pairs examined for moved blocks.
MAX_MOVE_PAIRS = 4_000_000
_CHUNK = 20_000
#: A released (doubtful) link is broken only by a candidate this many times as probable.
RELEASE_FACTOR = 2.0
#: A doubtful link (below ``move_threshold``) gives a segment only to a 1:1 move whose
#: source is linked at least this many target segments away.
MOVE_DISTANCE = 3
#: Gaps (unlinked source x unlinked target segments between the same two links) larger
#: than this many cells are left as the main search made them.
MAX_GAP_CELLS = 400
#: A paragraph left unlinked is linked to the one paragraph of the other side its
#: sentences were linked into (:func:`lift_sentence_links`) when at least this share of
#: one of the two (by length) is linked into the other ...
LIFT_AGREE = 0.8
#: ... and the two paragraphs' embeddings are at least this similar.
LIFT_MIN_SIM = 0.1


@dataclass
class AlignStats:
    """Work done by an alignment (for tests of the linear behaviour, and for benchmarks)."""

    cells: int = 0        # candidate links scored
    band_cells: int = 0   # cells in the search bands, all levels
    levels: int = 0       # coarse-to-fine levels below the finest


def _neighbourhoods(src: Side, tgt: Side, band: Band, k: int) -> tuple[np.ndarray, np.ndarray,
                                                                        np.ndarray, np.ndarray]:
    """1:1 similarities over the band, and each segment's mean similarity to its k best."""
    n, m = len(src), len(tgt)
    rows, cols = band.cells()
    keep = (rows >= 1) & (cols >= 1)
    s, t = rows[keep] - 1, cols[keep] - 1
    sims = np.empty(len(s), dtype=np.float64)
    for start in range(0, len(s), _CHUNK):
        sl = slice(start, start + _CHUNK)
        sims[sl] = np.einsum("ij,ij->i", src.emb1[s[sl]], tgt.emb1[t[sl]])

    def top_mean(group: np.ndarray, size: int) -> np.ndarray:
        order = np.lexsort((-sims, group))
        g = group[order]
        starts = np.searchsorted(g, np.arange(size), side="left")
        rank = np.arange(len(g)) - starts[g]
        sel = rank < k
        total = np.bincount(g[sel], weights=sims[order][sel], minlength=size)
        count = np.bincount(g[sel], minlength=size)
        return np.where(count > 0, total / np.maximum(count, 1), 0.0)

    return top_mean(s, n), top_mean(t, m), s, t


def _path_nodes(links: list[Link]) -> list[tuple[int, int]]:
    nodes = [(0, 0)]
    x = y = 0
    for lk in links:
        x += len(lk.src)
        y += len(lk.tgt)
        nodes.append((x, y))
    return nodes


def _band(src: Side, tgt: Side, params: Params, stats: AlignStats, full_cells: int,
          band_width: int) -> Band:
    n, m = len(src), len(tgt)
    if (n + 1) * (m + 1) <= full_cells or n < 4 or m < 4:
        return Band.full(n, m)
    coarse = align_sides(src.downsampled(), tgt.downsampled(), params, max_link=2,
                         stats=stats, moves=False, full_cells=full_cells, band_width=band_width,
                         calibrated=False)
    stats.levels += 1
    nodes = [(min(2 * x, n), min(2 * y, m)) for x, y in _path_nodes(coarse)]
    return band_around_path(nodes, n, m, band_width)


def _null_links(n: int, m: int) -> list[Link]:
    return [Link((i,), (), 1.0) for i in range(n)] + [Link((), (j,), 1.0) for j in range(m)]


def align_sides(src: Side, tgt: Side, params: Params, *, max_link: int = 3,
                stats: AlignStats | None = None, moves: bool = True,
                full_cells: int = FULL_CELLS, band_width: int = BAND_WIDTH,
                check=None, memo: dict | None = None, calibrated: bool = True,
                rivals: dict | None = None, gaps: set | None = None) -> list[Link]:
    """Align two sides; every segment of both sides appears in exactly one link.

    Link scores are the calibrated probabilities that the links are right (see
    :mod:`workbench.align.confidence`); ``calibrated=False`` gives the raw ones (the
    scorer's probability for a link, one minus the best probability of any link
    covering the segment for a null link), from which the calibration is fitted;
    ``gaps`` (a set) receives the keys of the links made by gap filling (a kind of
    their own for the confidence maps).
    ``rivals`` (a dict) receives, for every link with both sides, the best probability
    of another candidate link sharing a segment with it.

    ``memo`` (a dict kept by the caller between calls on the same two sides) keeps
    the features of short documents, so that calibration can re-run the search
    with other weights cheaply.
    """
    stats = stats if stats is not None else AlignStats()
    gap_keys: set = set()
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return _null_links(n, m)
    if memo is not None and "band" in memo:
        band, knn_src, knn_tgt, coverage = memo["band"]
    else:
        band = _band(src, tgt, params, stats, full_cells, band_width)
        stats.band_cells += band.size
        if check is not None:
            check()
        knn_src, knn_tgt, _, _ = _neighbourhoods(src, tgt, band, max(1, params.knn))
        dense = band.size == (n + 1) * (m + 1)
        sub_links = None
        if dense and src.sub_side is not None and tgt.sub_side is not None:
            # paragraphs: align their sentences first, as evidence for the paragraph links
            sub_links = evidence(align_sides(src.sub_side, tgt.sub_side, params,
                                             max_link=max_link, stats=stats, moves=True,
                                             full_cells=full_cells, band_width=band_width,
                                             check=check, calibrated=False), params)
        coverage = Coverage(src, tgt, dense=dense, sub_links=sub_links)
        if memo is not None and dense:
            memo["band"] = (band, knn_src, knn_tgt, coverage)
    if coverage.has_agreement and params.paragraph is not None:
        params = params.paragraph  # multi-sentence segments have their own calibration
    rows, cols = band.cells()
    shape_scores: dict[tuple[int, int], np.ndarray] = {}
    # the two best probabilities of any link (any shape) covering each segment: a null
    # link is right when none of them is, a link is doubtful when another one is close
    top_row, top_col = _Top2(n), _Top2(m)
    # folded in at once after the loop: the same as one chunk after the other (the two
    # best of all, ties to the first candidate), in a few large calls
    row_parts: list = []
    col_parts: list = []
    for a, b in link_shapes(max_link):
        scores = np.full(band.size, -np.inf)
        ok = np.flatnonzero((rows >= a) & (cols >= b))
        for start in range(0, len(ok), _CHUNK):
            idx = ok[start:start + _CHUNK]
            s0, t0 = rows[idx] - a, cols[idx] - b
            key = (a, b, start)
            if memo is not None and key in memo:
                feats = memo[key]
            else:
                feats = block_features(src, tgt, a, b, s0, t0, knn_src, knn_tgt, params, coverage)
                if memo is not None and "band" in memo:
                    memo[key] = feats
            scores[idx] = logits(feats, params)
            p = sigmoid(scores[idx])
            cand = _candidate_key(a, b, s0, t0, m)
            for k in range(a):
                row_parts.append((s0 + k, p, cand))
            for k in range(b):
                col_parts.append((t0 + k, p, cand))
            if len(row_parts) + len(col_parts) >= _FOLD_PARTS:  # long documents: bounded
                _fold(top_row, row_parts)
                _fold(top_col, col_parts)
            if params.min_link_prob > 0:
                floor = np.log(params.min_link_prob / (1.0 - params.min_link_prob))
                scores[idx] = np.where(scores[idx] < floor, -np.inf, scores[idx])
        stats.cells += len(ok)
        shape_scores[(a, b)] = scores
        if check is not None:
            check()
    _fold(top_row, row_parts)
    _fold(top_col, col_parts)
    path = best_path(band, shape_scores, np.full(n, params.del_score),
                     _insertion_scores(params, tgt.null_prior))
    links: list[Link] = []
    for a, b, i, j in path:
        src_idx = tuple(range(i - a, i))
        tgt_idx = tuple(range(j - b, j))
        if a and b:
            k = band.at(i, j)
            score = float(sigmoid(shape_scores[(a, b)][k:k + 1])[0])
        elif a:
            score = float(1.0 - top_row.best[i - 1])
        else:
            score = float(1.0 - top_col.best[j - 1])
        links.append(Link(src_idx, tgt_idx, score))
    if moves:
        links = recover_moves(links, src, tgt, params, max_link, knn_src, knn_tgt, coverage)
        links = lift_sentence_links(links, src, tgt, params, knn_src, knn_tgt, coverage)
        if params.gap_penalty > 0:
            before = {lk.key() for lk in links}
            links = fill_gaps(links, src, tgt, params, max_link, knn_src, knn_tgt, coverage)
            gap_keys = {lk.key() for lk in links if lk.src and lk.tgt} - before
    links = _order(links)
    if gaps is not None:
        gaps.update(gap_keys)
    if (calibrated and params.confidence) or rivals is not None:
        found = {lk.key(): _rival(lk, top_row, top_col, m) for lk in links if lk.src and lk.tgt}
        if rivals is not None:
            rivals.update(found)
        if calibrated and params.confidence:
            links = calibrate_links(links, params.confidence, found, tgt.null_prior, gap_keys)
    return links


def evidence(sub_links: list[Link], params: Params) -> list[Link]:
    """The sentence links that count as evidence for paragraph links (``agree_*``).

    A sentence link less probable than ``release_below`` (raw score) is one the move
    pass would give away: gap filling makes such links between a dropped sentence and
    an added one, and they are no evidence that the two paragraphs correspond.
    """
    return [lk for lk in sub_links if lk.score is None or lk.score >= params.release_below]


#: Chunks of candidate probabilities kept before they are folded into the top two (each
#: chunk holds up to ``_CHUNK`` candidates: short documents fold once, long ones as they go).
_FOLD_PARTS = 64


def _fold(top: "_Top2", parts: list) -> None:
    """Fold the kept ``(segments, probabilities, candidates)`` chunks into ``top``; empty them."""
    if parts:
        top.update(*(np.concatenate(x) for x in zip(*parts)))
        parts.clear()


def _candidate_key(a: int, b: int, s0, t0, m: int):
    """An integer naming the candidate link ``(s0..+a, t0..+b)`` (``m`` target segments)."""
    return ((np.asarray(s0, dtype=np.int64) * (m + 1) + t0) * 16 + a) * 16 + b


class _Top2:
    """The two best probabilities of any candidate link covering each segment of a side,
    and which candidate (:func:`_candidate_key`) has the best."""

    def __init__(self, n: int) -> None:
        self.best = np.zeros(n)
        self.second = np.zeros(n)
        self.owner = np.full(n, -1, dtype=np.int64)

    def update(self, seg: np.ndarray, p: np.ndarray, cand: np.ndarray) -> None:
        """Fold the probabilities ``p`` of candidates ``cand`` covering segments ``seg`` in."""
        if not len(seg):
            return
        order = np.lexsort((-p, seg))
        g, v = seg[order], p[order]
        first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        segs, v1 = g[first], v[first]
        nxt = np.minimum(first + 1, len(g) - 1)
        v2 = np.where((first + 1 < len(g)) & (g[nxt] == segs), v[nxt], 0.0)
        o1, o2 = self.best[segs], self.second[segs]
        self.owner[segs] = np.where(v1 > o1, cand[order][first], self.owner[segs])
        self.best[segs] = np.maximum(o1, v1)
        self.second[segs] = np.maximum(np.minimum(o1, v1), np.maximum(o2, v2))

    def rival(self, seg: int, cand: int) -> float:
        """The best probability at ``seg`` of a candidate other than ``cand``."""
        return float(self.second[seg] if self.owner[seg] == cand else self.best[seg])


def _rival(link: Link, top_row: _Top2, top_col: _Top2, m: int) -> float:
    """The best probability of another candidate link sharing a segment with ``link``.

    The link's own candidate is recognised by its key, not by its probability: the
    score a link carries may be computed again (moves, gap filling) and differ from
    its candidate's in the last bits, and two candidates may be equally probable.
    """
    cand = int(_candidate_key(len(link.src), len(link.tgt), link.src[0], link.tgt[0], m))
    return max([top_row.rival(i, cand) for i in link.src]
               + [top_col.rival(j, cand) for j in link.tgt])


def _runs(indices: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _blocks(indices: list[int], max_size: int) -> list[tuple[int, int]]:
    """(start, size) of every block of consecutive indices up to ``max_size``."""
    out = []
    for run in _runs(indices):
        for k, start in enumerate(run):
            for size in range(1, min(max_size, len(run) - k) + 1):
                out.append((start, size))
    return out


def recover_moves(links: list[Link], src: Side, tgt: Side, params: Params, max_link: int,
                  knn_src: np.ndarray, knn_tgt: np.ndarray,
                  coverage: Coverage | None = None) -> list[Link]:
    """Link unlinked source and target blocks out of order when the scorer is confident."""
    # weak links are released too: a segment in a doubtful monotonic link may belong to
    # a moved block elsewhere (a released link comes back if nothing better claims it)
    released = [lk for lk in links if lk.src and lk.tgt and lk.score is not None
                and lk.score < params.release_below]
    # doubtful links (below what a move needs) may lose a segment to a 1:1 move from far
    # away that is clearly more probable: a paragraph moved across the document
    doubtful = [lk for lk in links if lk.src and lk.tgt and lk.score is not None
                and params.release_below <= lk.score < params.move_threshold]
    position = {i: lk.tgt[0] for lk in links if lk.src and lk.tgt for i in lk.src}
    doubt_src = {i: lk.score for lk in doubtful for i in lk.src}
    doubt_tgt = {j: lk.score for lk in doubtful for j in lk.tgt}
    released = released + doubtful
    null_src = sorted([lk.src[0] for lk in links if lk.src and not lk.tgt]
                      + [i for lk in released for i in lk.src])
    null_tgt = sorted([lk.tgt[0] for lk in links if lk.tgt and not lk.src]
                      + [j for lk in released for j in lk.tgt])
    if not null_src or not null_tgt:
        return links
    shapes = link_shapes(max_link)
    max_a = max(a for a, _ in shapes)
    max_b = max(b for _, b in shapes)
    sblocks = _blocks(null_src, max_a)
    tblocks = _blocks(null_tgt, max_b)
    if len(sblocks) * len(tblocks) > MAX_MOVE_PAIRS:
        sblocks = [(s, 1) for s in null_src]
        tblocks = [(t, 1) for t in null_tgt]
        if len(sblocks) * len(tblocks) > MAX_MOVE_PAIRS:
            return links
    cands: list[tuple[float, int, int, int, int]] = []
    for a, b in shapes:
        s0 = np.array([s for s, size in sblocks if size == a], dtype=np.int64)
        t0 = np.array([t for t, size in tblocks if size == b], dtype=np.int64)
        if not len(s0) or not len(t0):
            continue
        ss, tt = np.repeat(s0, len(t0)), np.tile(t0, len(s0))
        for start in range(0, len(ss), _CHUNK):
            sl = slice(start, start + _CHUNK)
            p = sigmoid(logits(block_features(src, tgt, a, b, ss[sl], tt[sl], knn_src, knn_tgt,
                                              params, coverage), params))
            # a 1:1 move between segments the search left unlinked breaks nothing: it
            # needs only what keeps a link (``release_below``), others ``move_threshold``
            floor = (min(params.move_threshold, params.release_below) if a == b == 1
                     else params.move_threshold)
            for k in np.flatnonzero(p >= floor):
                cands.append((float(p[k]), int(ss[sl][k]), a, int(tt[sl][k]), b))
    if not cands:
        return links
    cands.sort(key=lambda c: (-c[0], c[2] + c[4], c[1], c[3]))
    own = {(lk.src[0], len(lk.src), lk.tgt[0], len(lk.tgt)) for lk in released}
    used_s: set[int] = set()
    used_t: set[int] = set()
    moved: dict[int, Link] = {}
    weak_src = {i: lk.score for lk in released for i in lk.src}
    weak_tgt = {j: lk.score for lk in released for j in lk.tgt}
    released_by_seg = {("s", i): lk for lk in released for i in lk.src}
    released_by_seg.update({("t", j): lk for lk in released for j in lk.tgt})
    weak_moves = False
    # segments a moved block may absorb: those the search left unlinked
    free_src = {lk.src[0] for lk in links if lk.src and not lk.tgt}
    free_tgt = {lk.tgt[0] for lk in links if lk.tgt and not lk.src}
    for p, s, a, t, b in cands:
        ss = set(range(s, s + a))
        tt = set(range(t, t + b))
        if ss & used_s or tt & used_t:
            continue
        if p < params.move_threshold and (weak_moves or any(i in weak_src for i in ss)
                                          or any(j in weak_tgt for j in tt)):
            # below the move threshold only segments nobody linked move, and only one
            # such move a document, when no confident one was found
            continue
        # breaking a released link needs clearly better evidence than that link had
        broken = [weak_src[i] for i in ss if i in weak_src] + [weak_tgt[j] for j in tt
                                                                if j in weak_tgt]
        kept: list[Link] = []
        if broken and (s, a, t, b) not in own and p < RELEASE_FACTOR * max(broken):
            # a move that takes an edge segment of an n:m link may keep the rest of that
            # link: the move and the rest together must then be clearly better than it
            kept = _remainders(ss, tt, released_by_seg, src, tgt, params, knn_src, knn_tgt,
                               coverage, used_s, used_t)
            if not params.remainders or kept is None or (
                    p + sum(r.score for r in kept) < RELEASE_FACTOR * max(broken)):
                continue
        doubts = [doubt_src[i] for i in ss if i in doubt_src] + [doubt_tgt[j] for j in tt
                                                                 if j in doubt_tgt]
        if doubts and (s, a, t, b) not in own and not (
                a == b == 1 and s in position and abs(t - position[s]) >= MOVE_DISTANCE
                and not (s in doubt_src and t in doubt_tgt)):
            continue
        used_s |= ss
        used_t |= tt
        weak_moves = weak_moves or (s, a, t, b) not in own
        moved[s] = Link(tuple(range(s, s + a)), tuple(range(t, t + b)), p)
        if params.grow_moves and (s, a, t, b) not in own:
            grown = _grow(moved.pop(s), src, tgt, params, shapes, knn_src, knn_tgt, coverage,
                          free_src - used_s, free_tgt - used_t)
            used_s.update(grown.src)
            used_t.update(grown.tgt)
            moved[grown.src[0]] = grown
        for r in kept or ():
            used_s.update(r.src)
            used_t.update(r.tgt)
            moved[r.src[0]] = r
    out: list[Link] = []
    for lk in links:
        if lk.src and lk.tgt:
            if not (set(lk.src) & used_s or set(lk.tgt) & used_t):
                out.append(lk)  # not released, or released and not claimed: kept as it was
                continue
            # a released link that lost some segments: the rest become null links
            for i in lk.src:
                out.append(moved[i] if i in moved else Link((i,), (), 1.0 - lk.score)
                           if i not in used_s else None)
            for j in lk.tgt:
                if j not in used_t:
                    out.append(Link((), (j,), 1.0 - lk.score))
            continue
        if lk.src and lk.src[0] in used_s:
            if lk.src[0] in moved:
                out.append(moved[lk.src[0]])
            continue
        if lk.tgt and not lk.src and lk.tgt[0] in used_t:
            continue
        out.append(lk)
    return [lk for lk in out if lk is not None]


def lift_sentence_links(links: list[Link], src: Side, tgt: Side, params: Params,
                        knn_src: np.ndarray, knn_tgt: np.ndarray,
                        coverage: Coverage | None) -> list[Link]:
    """Link an unlinked paragraph to the one its sentences were linked into.

    The sentences of paragraphs are aligned first, with moves (the evidence behind
    the ``agree_*`` features).  A paragraph that the paragraph search left unlinked
    while (nearly) all of its sentences, or all of the other paragraph's, are linked
    into one paragraph of the other side is a moved or much-shortened paragraph whose
    whole embedding says less than its sentences do: a short question moved to the
    end and followed there by a new quote, a paragraph cut to a sentence.  It is
    linked 1:1 when the other paragraph is unlinked too (not boilerplate) or only in
    a doubtful link (below ``move_threshold``), which is then broken.
    """
    if coverage is None or not coverage.has_agreement:
        return links
    src_link = {i: lk for lk in links for i in lk.src}
    tgt_link = {j: lk for lk in links for j in lk.tgt}

    def doubtful(lk: Link) -> bool:
        return lk.score is not None and lk.score < params.move_threshold

    def support(lk: Link) -> float:
        """The larger share of a link's two blocks linked into each other by sentences."""
        o_s, o_t = coverage.agreement(len(lk.src), len(lk.tgt), np.array([lk.src[0]]),
                                      np.array([lk.tgt[0]]))
        return max(float(o_s[0]), float(o_t[0]))

    # an unlinked paragraph, and one that is unlinked or only doubtfully linked
    open_s = [i for i, lk in sorted(src_link.items()) if not lk.tgt or doubtful(lk)]
    open_t = [j for j, lk in sorted(tgt_link.items()) if tgt.null_prior[j] < 0.5
              and (not lk.src or doubtful(lk))]
    pairs = [(i, j) for i in open_s for j in open_t
             if not src_link[i].tgt or not tgt_link[j].src]
    if not pairs:
        return links
    ss = np.array([i for i, _ in pairs], dtype=np.int64)
    tt = np.array([j for _, j in pairs], dtype=np.int64)
    ag_s, ag_t = coverage.agreement(1, 1, ss, tt)
    ok = np.flatnonzero(np.maximum(ag_s, ag_t) >= LIFT_AGREE)
    if not len(ok):
        return links
    ss, tt, agree = ss[ok], tt[ok], np.maximum(ag_s, ag_t)[ok]
    feats = block_features(src, tgt, 1, 1, ss, tt, knn_src, knn_tgt, params, coverage)
    keep = feats[:, 0] >= LIFT_MIN_SIM
    raw = raw_logits(feats, params)  # the similarity floor is what the lift looks past
    new: list[Link] = []
    broken: set = set()
    used_s: set[int] = set()
    used_t: set[int] = set()
    for k in sorted(np.flatnonzero(keep), key=lambda k: (-agree[k], -feats[k, 0])):
        i, j = int(ss[k]), int(tt[k])
        if i in used_s or j in used_t:
            continue
        old = [lk for lk in (src_link[i], tgt_link[j]) if lk.src and lk.tgt]
        if any(x in used_s for lk in old for x in lk.src) or any(
                x in used_t for lk in old for x in lk.tgt):
            continue
        # the doubtful link broken must not have more sentence support than this one
        if any(support(lk) >= agree[k] for lk in old):
            continue
        broken.update(lk.key() for lk in old)
        new.append(Link((i,), (j,), float(sigmoid(raw[k:k + 1])[0])))
        used_s.add(i)
        used_t.add(j)
    if not new:
        return links
    out: list[Link] = list(new)
    for lk in links:
        if lk.key() in broken:
            out += [Link((i,), (), 1.0 - lk.score) for i in lk.src if i not in used_s]
            out += [Link((), (j,), 1.0 - lk.score) for j in lk.tgt if j not in used_t]
        elif not (set(lk.src) & used_s or set(lk.tgt) & used_t):
            out.append(lk)
    return _source_order(out, len(src))


def _insertion_scores(params: Params, null_prior):
    """The search's score for leaving target segments unlinked (boilerplate costs less)."""
    return params.ins_score + params.boilerplate_weight * null_prior


def _log_odds(src: Side, tgt: Side, params: Params, knn_src, knn_tgt, coverage, s0: int,
              a: int, t0: int, b: int) -> float:
    """The scorer's log-odds for the one link ``(s0..+a, t0..+b)``."""
    f = block_features(src, tgt, a, b, np.array([s0]), np.array([t0]), knn_src, knn_tgt,
                       params, coverage)
    return float(logits(f, params)[0])


def _grow(link: Link, src: Side, tgt: Side, params: Params, shapes, knn_src, knn_tgt,
          coverage, free_src: set[int], free_tgt: set[int]) -> Link:
    """Extend a moved link by unlinked neighbours while the path score improves.

    The monotonic search weighs a merge against null links by log-odds plus the null
    scores; a moved block is found by its probability alone, so a moved merge (two
    paragraphs swapped with a third and joined) would come back as a 1:1 move and a
    deletion.  Here the block grows, one segment at a time, when the log-odds of the
    larger link beat those of the link plus the null score of the segment it absorbs.
    """
    allowed = set(shapes)

    def log_odds(s0: int, a: int, t0: int, b: int) -> float:
        return _log_odds(src, tgt, params, knn_src, knn_tgt, coverage, s0, a, t0, b)

    s0, a, t0, b = link.src[0], len(link.src), link.tgt[0], len(link.tgt)
    current = log_odds(s0, a, t0, b)
    while True:
        options = []
        if (a + 1, b) in allowed:
            for s in (s0 - 1, s0 + a):
                if s in free_src:
                    options.append((min(s, s0), a + 1, t0, b, params.del_score))
        if (a, b + 1) in allowed:
            for t in (t0 - 1, t0 + b):
                if t in free_tgt:
                    null = float(_insertion_scores(params, tgt.null_prior[t]))
                    options.append((s0, a, min(t, t0), b + 1, null))
        best = None
        for ns, na, nt, nb, null in options:
            value = log_odds(ns, na, nt, nb)
            gain = value - current - null
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, ns, na, nt, nb, value)
        if best is None:
            break
        _, s0, a, t0, b, current = best
    if (s0, a, t0, b) == (link.src[0], len(link.src), link.tgt[0], len(link.tgt)):
        return link
    return Link(tuple(range(s0, s0 + a)), tuple(range(t0, t0 + b)), float(sigmoid(current)))


def _remainders(ss: set[int], tt: set[int], released_by_seg: dict, src: Side, tgt: Side,
                params: Params, knn_src, knn_tgt, coverage, used_s: set[int],
                used_t: set[int]) -> list[Link] | None:
    """The rest of every released link a move breaks, scored; None when a rest is not a link.

    A rest with an empty side becomes null links; any other rest is a link when both its
    sides are contiguous and not yet claimed and the scorer gives it at least
    ``min_link_prob``.
    """
    broken = {id(lk): lk for key, lk in released_by_seg.items()
              if (key[0] == "s" and key[1] in ss) or (key[0] == "t" and key[1] in tt)}
    out = []
    for lk in broken.values():
        rs = [i for i in lk.src if i not in ss]
        rt = [j for j in lk.tgt if j not in tt]
        if not rs or not rt:
            continue  # what is left of it becomes null links
        if rs[-1] - rs[0] != len(rs) - 1 or rt[-1] - rt[0] != len(rt) - 1:
            return None
        if set(rs) & used_s or set(rt) & used_t:
            return None
        pr = float(sigmoid(_log_odds(src, tgt, params, knn_src, knn_tgt, coverage,
                                     rs[0], len(rs), rt[0], len(rt))))
        if pr < params.min_link_prob:
            return None
        out.append(Link(tuple(rs), tuple(rt), pr))
    return out


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


def _source_order(links: list[Link], n: int) -> list[Link]:
    """Source order; an insertion before the first link with a source and a later target."""
    firsts = sorted((min(lk.tgt), min(lk.src)) for lk in links if lk.src and lk.tgt)
    starts = [t for t, _ in firsts]
    after = [n] * (len(firsts) + 1)  # after[k]: first source of links firsts[k:]
    for k in range(len(firsts) - 1, -1, -1):
        after[k] = min(after[k + 1], firsts[k][1])

    def key(lk: Link) -> tuple[int, int, int]:
        if lk.src:
            return (min(lk.src), 1, 0)
        j = lk.tgt[0]
        return (after[bisect.bisect_right(starts, j)], 0, j)

    return sorted(links, key=key)


def _order(links: list[Link]) -> list[Link]:
    """Source order; an insertion goes just before the next link that has a target."""
    out: list[Link] = []
    pending: list[Link] = []
    for lk in links:
        if not lk.src:
            pending.append(lk)
        elif not lk.tgt:
            out.append(lk)
        else:
            out.extend(pending)
            pending = []
            out.append(lk)
    out.extend(pending)
    return out
