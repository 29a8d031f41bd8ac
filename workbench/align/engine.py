"""Aligning two sides: band, scores, search, moved blocks and confidences.

:func:`align_sides` is the whole single-level pipeline over two :class:`Side` objects:

1. the band: the whole table for short documents, otherwise a band around the
   path found on downsampled sides (recursively; :mod:`workbench.align.search`);
2. the neighbourhood of every segment (mean similarity to its ``knn`` best
   partners inside the band), for the margin feature;
3. the score of every link shape at every band cell (:mod:`workbench.align.scorer`);
4. the best monotonic path (a block that two smaller links explain as well charged
   ``split_penalty`` more: :mod:`workbench.align.split`);
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
   in its place; and an n:m link's edge segment that adds nothing to its block is
   linked 1:1 with the unlinked segment beside it (:func:`split_absorbed`);
   under the translation profile, two consecutive paragraph links a confident sentence
   link crosses are one link (:mod:`workbench.align.crossing`);
8. a confidence in [0, 1] for every link: the scorer's probability for a link,
   one minus the best probability of any link covering the segment for a null link,
   mapped per kind of link to the probability that the link is right
   (:mod:`workbench.align.confidence`, fitted on the dev benchmark).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.align.confidence import calibrate_links
from workbench.align.confidence_dp import DeferredMargins, path_margins
from workbench.align.crossing import join_crossing
# the passes after the monotonic path: moves and the lift (repair.py), gaps (gaps.py)
from workbench.align.gaps import _gaps, fill_gaps, split_absorbed  # noqa: F401
from workbench.align.links import Link
from workbench.align.repair import _insertion_scores, lift_sentence_links, recover_moves
from workbench.align.scorer import (Coverage, Params, Side, block_features, logits, raw_logits,
                                    sigmoid)
from workbench.align.search import (Band, band_around_path, band_dots, best_path, link_shapes,
                                    pair_dots)
from workbench.align.share import SharedWork
from workbench.align.split import penalise_decomposable

__all__ = ["AlignStats", "align_sides", "evidence", "FULL_CELLS", "BAND_WIDTH"]

#: Tables up to this many cells are searched whole; larger ones coarse-to-fine.
FULL_CELLS = 250_000
#: Half-width (in segments) of the band around the coarse path.
BAND_WIDTH = 8
_CHUNK = 20_000


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
    if band.size < (n + 1) * (m + 1):  # a band: one product a block of its rows
        sims = band_dots(src.emb1, tgt.emb1, band, 1, 1)[keep].astype(np.float64)
    else:
        sims = np.empty(len(s), dtype=np.float64)
        for start in range(0, len(s), _CHUNK):
            sl = slice(start, start + _CHUNK)
            sims[sl] = pair_dots(src.emb1, tgt.emb1, s[sl], t[sl])

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
          band_width: int, share: SharedWork | None = None) -> Band:
    n, m = len(src), len(tgt)
    if (n + 1) * (m + 1) <= full_cells or n < 4 or m < 4:
        return Band.full(n, m)
    coarse = align_sides(src.downsampled(), tgt.downsampled(), params, max_link=2,
                         stats=stats, moves=False, full_cells=full_cells, band_width=band_width,
                         calibrated=False, share=None if share is None else share.child("down"),
                         link_scores=False)
    stats.levels += 1
    nodes = [(min(2 * x, n), min(2 * y, m)) for x, y in _path_nodes(coarse)]
    return band_around_path(nodes, n, m, band_width)


def _null_links(n: int, m: int) -> list[Link]:
    return [Link((i,), (), 1.0) for i in range(n)] + [Link((), (j,), 1.0) for j in range(m)]


def align_sides(src: Side, tgt: Side, params: Params, *, max_link: int = 3,
                stats: AlignStats | None = None, moves: bool = True,
                full_cells: int = FULL_CELLS, band_width: int = BAND_WIDTH,
                check=None, memo: dict | None = None, calibrated: bool = True,
                rivals: dict | None = None, gaps: set | None = None,
                margins: dict | None = None, absorbed: bool = True,
                share: SharedWork | None = None, link_scores: bool = True) -> list[Link]:
    """Align two sides; every segment of both sides appears in exactly one link.

    Link scores are the calibrated probabilities that the links are right (see
    :mod:`workbench.align.confidence`); ``calibrated=False`` gives the raw ones (the
    scorer's probability for a link, one minus the best probability of any link
    covering the segment for a null link), from which the calibration is fitted;
    ``gaps`` (a set) receives the keys of the links made by gap filling (a kind of
    their own for the confidence maps); ``margins`` (a dict) receives, for every link
    of the best monotonic path, what the search loses by not taking it
    (:func:`workbench.align.confidence_dp.path_margins`; a ``DeferredMargins`` when
    asked for them).
    ``rivals`` (a dict) receives, for every link with both sides, the best probability
    of another candidate link sharing a segment with it.

    ``absorbed=False`` leaves out :func:`~workbench.align.gaps.split_absorbed` (the
    sentence links aligned as evidence for paragraph links: there it changed the
    paragraph links of rewrites under the translation profile for the worse).

    ``memo`` (a dict kept by the caller between calls on the same two sides) keeps
    the features of short documents, so that calibration can re-run the search
    with other weights cheaply.  ``share`` (a :class:`~workbench.align.share.SharedWork`
    kept between the calls) hands what the next search over the same sides computes
    alike to it, whatever the weights (the two profiles of ``auto``; the same links and
    scores).  ``link_scores=False``: null links score 1 (a coarse level: only its path is
    read).
    """
    stats = stats if stats is not None else AlignStats()
    gap_keys: set = set()
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return _null_links(n, m)
    share = share if share is not None else SharedWork(shapes=())  # (keeps nothing)
    if memo is not None and "band" in memo:
        band, knn_src, knn_tgt, coverage = memo["band"]
    else:
        band = _band(src, tgt, params, stats, full_cells, band_width, share)
        stats.band_cells += band.size
        if check is not None:
            check()
        knn_src, knn_tgt = share.neighbourhoods(
            band, params, lambda: _neighbourhoods(src, tgt, band, max(1, params.knn))[:2])
        dense = band.size == (n + 1) * (m + 1)
        sub_links = None
        if dense and src.sub_side is not None and tgt.sub_side is not None:
            # paragraphs: align their sentences first, as evidence for the paragraph links
            sub_links = evidence(align_sides(src.sub_side, tgt.sub_side, params,
                                             max_link=max_link, stats=stats, moves=True,
                                             full_cells=full_cells, band_width=band_width,
                                             check=check, calibrated=False, absorbed=False,
                                             share=share.child("sub")), params)
        coverage = share.coverage(
            (dense, None if sub_links is None else [lk.key() for lk in sub_links]),
            lambda: Coverage(src, tgt, dense=dense, sub_links=sub_links, band=band))
        if memo is not None and dense:
            memo["band"] = (band, knn_src, knn_tgt, coverage)
    crossing = params.join_crossing
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
                feats = share.features(key, params, lambda: block_features(
                    src, tgt, a, b, s0, t0, knn_src, knn_tgt, params, coverage))
                if memo is not None and "band" in memo:
                    memo[key] = feats
            scores[idx] = logits(feats, params)
            if link_scores:
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
    search_scores = penalise_decomposable(shape_scores, band, coverage, params)
    del_scores, ins_scores = np.full(n, params.del_score), _insertion_scores(params,
                                                                            tgt.null_prior)
    totals: list = []  # the search's forward totals, for the margins
    path = best_path(band, search_scores, del_scores, ins_scores,
                     totals=totals if margins is not None else None)
    if isinstance(margins, DeferredMargins):  # computed if the caller takes these links
        margins.later(band, search_scores, del_scores, ins_scores, path, fwd=totals[0])
    elif margins is not None:
        margins.update(path_margins(band, search_scores, del_scores, ins_scores, path,
                                    fwd=totals[0]))
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
            if absorbed:
                links = split_absorbed(links, src, tgt, params, knn_src, knn_tgt, coverage)
        if crossing and coverage.sub_links is not None:
            links = join_crossing(links, coverage.sub_links, src.sub_owner, tgt.sub_owner,
                                  lambda s_, t_: _probability(src, tgt, s_, t_, params,
                                                              knn_src, knn_tgt, coverage))
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


def _probability(src: Side, tgt: Side, s: tuple, t: tuple, params: Params, knn_src, knn_tgt,
                 coverage: Coverage) -> float:
    """The scorer's probability (no floors) for the one link ``(s, t)``."""
    f = block_features(src, tgt, len(s), len(t), np.array([s[0]]), np.array([t[0]]),
                       knn_src, knn_tgt, params, coverage)
    return float(sigmoid(raw_logits(f, params))[0])


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
