"""The link scorer: how good is a candidate link between a source block and a target block?

The scorer is kept apart from the search (as in Vecalign).  A candidate link joins
``a`` consecutive source segments starting at ``s0`` with ``b`` consecutive target
segments starting at ``t0``; its features are

``sim``
    cosine of the embeddings of the two blocks (each block's text concatenated);
``margin``
    ``sim`` minus the mean similarity of the block's segments to their ``knn``
    nearest neighbours on the other side (Artetxe & Schwenk's margin): a paragraph
    that is merely on the same topic as everything else does not win;
``cov_src``, ``cov_tgt``
    coverage at the sentence level: the length-weighted mean, over the sentences of
    the source block, of each one's best similarity to a sentence of the target
    block (and the other way round), so that a paragraph that lost or gained a
    sentence, or carries a boilerplate prefix, still matches;
``agree_src``, ``agree_tgt``, ``has_agree``
    for multi-sentence segments (paragraphs): the sentences are aligned first, and
    these are the length-weighted shares of the block's sentences linked into the
    other block (``has_agree`` is 1 when that evidence exists);
``agree_min``
    the smallest such share of any single segment of the block, on either side: a
    paragraph none of whose sentences is linked into the other block is not part of
    a merge however long its neighbour (a 2:1 link that swallows a deleted paragraph
    keeps a high length-weighted share);
``len_z2``
    squared z-score of the log character-length ratio (Gale-Church style, with
    the English/Arabic ratio's mean and spread measured on the dev benchmark),
    capped;
``anchor_shared``, ``anchor_missing``
    anchors (numbers, Latin tokens, glossary terms: :mod:`workbench.align.anchors`)
    found on both sides, and found on one side only;
``extra``, ``many``, ``src_multi``
    the shape of the link: ``a + b - 2``, both sides multi-segment, source multi-segment.

A logistic model over these features gives the probability that the candidate is
a correct link; its log-odds is the link's score in the search, and deletions and
insertions score ``del_score`` and ``ins_score`` a segment.  All numbers live in
``params.json`` beside this module, fitted on the dev benchmark by
``scripts/calibrate_align.py`` (logistic fit of the weights over gold vs non-gold
candidates, then a small grid over the null and move parameters for strict F1).
"""

from __future__ import annotations

import numpy as np

from workbench.align.params import FEATURES, PARAMS_PATH, Params, load_params
from workbench.align.search import band_dots, pair_dots
from workbench.align.side import SHORT_PART_TOKENS, Side, head_blocks

__all__ = ["FEATURES", "PARAMS_PATH", "Params", "Side", "Coverage", "load_params",
           "block_features", "logits", "raw_logits", "sigmoid", "head_blocks",
           "SHORT_PART_TOKENS"]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def _popcount(masks: np.ndarray) -> np.ndarray:
    return np.bitwise_count(masks).sum(axis=1).astype(np.float64)


class Coverage:
    """Sentence-level coverage of candidate blocks (features ``cov_src`` and ``cov_tgt``).

    With ``dense=True`` (short documents) tables over all (segment, block) pairs are
    built from the sub-unit similarities; otherwise each segment counts as one unit
    and coverage is computed per candidate from segment similarities.
    """

    def __init__(self, src: Side, tgt: Side, dense: bool, sub_links=None, band=None) -> None:
        self.src, self.tgt = src, tgt
        self.dense = dense
        #: (sparse) the search band, and per offset (du, dv) the similarity of segments
        #: (i - du, j - dv) at every band cell (i, j): the pairs inside the candidate
        #: blocks, computed once an offset rather than once a shape and pair
        self.band = None if dense else band
        self._pairs: dict[tuple[int, int], np.ndarray] = {}
        self._vs: dict[int, np.ndarray] = {}
        self._vt: dict[int, np.ndarray] = {}
        self._as: dict[int, np.ndarray] = {}
        self._at: dict[int, np.ndarray] = {}
        self.has_agreement = False
        #: the sentence links read as evidence (paragraph mode), or None
        self.sub_links = sub_links
        if dense:
            sims = src.sub_emb @ tgt.sub_emb.T
            self.r = np.maximum.reduceat(sims, tgt.sub_start, axis=1)   # src sub x tgt seg
            self.c = np.maximum.reduceat(sims, src.sub_start, axis=0)   # src seg x tgt sub
            if sub_links is not None:
                # which sentence is linked into which segment of the other side
                self.r_link = np.zeros_like(self.r)
                self.c_link = np.zeros_like(self.c)
                for lk in sub_links:
                    for k in lk.src:
                        for l in lk.tgt:
                            self.r_link[k, tgt.sub_owner[l]] = 1.0
                            self.c_link[src.sub_owner[k], l] = 1.0
                self.has_agreement = True

    def _pair(self, s: np.ndarray, t: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Similarities of segments ``s`` and ``t`` (those of the links ending at band cells
        ``(i, j)``, read from the offset's table where the cell is in the band)."""
        src, tgt = self.src, self.tgt
        if self.band is None or not len(s):
            return pair_dots(src.emb1, tgt.emb1, s, t)
        du, dv = int(i[0] - s[0]), int(j[0] - t[0])
        if (du, dv) not in self._pairs:
            self._pairs[(du, dv)] = band_dots(src.emb1, tgt.emb1, self.band, du, dv)
        return self._from_table(self._pairs[(du, dv)], src.emb1, tgt.emb1, s, t, i, j)

    def _from_table(self, table, left, right, s, t, i, j) -> np.ndarray:
        idx = self.band.index(i, j)
        out = table[np.maximum(idx, 0)].astype(np.float64)
        miss = np.flatnonzero(idx < 0)
        if len(miss):
            out[miss] = np.einsum("ij,ij->i", left[s[miss]], right[t[miss]])
        return out

    def block_sims(self, a: int, b: int, s0: np.ndarray, t0: np.ndarray) -> np.ndarray:
        """Similarities of the blocks ``(s0..+a, t0..+b)`` (from one table a shape over the
        band, when there is one)."""
        es, et = self.src.block_emb(a), self.tgt.block_emb(b)
        if self.band is None or not len(s0):
            return pair_dots(es, et, s0, t0).astype(np.float64)
        if ("block", a, b) not in self._pairs:
            self._pairs[("block", a, b)] = band_dots(es, et, self.band, a, b)
        return self._from_table(self._pairs[("block", a, b)], es, et, s0, t0, s0 + a, t0 + b)

    @staticmethod
    def _sliding_max(x: np.ndarray, width: int, axis: int) -> np.ndarray:
        n = x.shape[axis]
        out = np.take(x, np.arange(n - width + 1), axis=axis)
        for k in range(1, width):
            out = np.maximum(out, np.take(x, np.arange(k, n - width + 1 + k), axis=axis))
        return out

    def _tables(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        if b not in self._vs:
            rb = self._sliding_max(self.r, b, 1)                       # src sub x tgt block
            self._vs[b] = np.add.reduceat(rb * self.src.sub_len[:, None], self.src.sub_start,
                                          axis=0)                      # src seg x tgt block
        if a not in self._vt:
            ca = self._sliding_max(self.c, a, 0)                       # src block x tgt sub
            self._vt[a] = np.add.reduceat(ca * self.tgt.sub_len[None, :], self.tgt.sub_start,
                                          axis=1)                      # src block x tgt seg
        return self._vs[b], self._vt[a]

    def agreement(self, a: int, b: int, s0: np.ndarray, t0: np.ndarray,
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Shares of the blocks' sentences linked into the other block (zeros if unknown)."""
        if not self.has_agreement:
            return np.zeros(len(s0)), np.zeros(len(s0))
        src, tgt = self.src, self.tgt
        if b not in self._as:
            rb = self._sliding_max(self.r_link, b, 1)
            self._as[b] = np.add.reduceat(rb * src.sub_len[:, None], src.sub_start, axis=0)
        if a not in self._at:
            ca = self._sliding_max(self.c_link, a, 0)
            self._at[a] = np.add.reduceat(ca * tgt.sub_len[None, :], tgt.sub_start, axis=1)
        ag_s = np.zeros(len(s0))
        ag_t = np.zeros(len(s0))
        for u in range(a):
            ag_s += self._as[b][s0 + u, t0]
        for v in range(b):
            ag_t += self._at[a][s0, t0 + v]
        return (ag_s / np.maximum(src.block_len(s0, a), 1.0),
                ag_t / np.maximum(tgt.block_len(t0, b), 1.0))

    def agreement_min(self, a: int, b: int, s0: np.ndarray, t0: np.ndarray) -> np.ndarray:
        """The smallest share of one segment's sentences linked into the other block."""
        if not self.has_agreement:
            return np.zeros(len(s0))
        self.agreement(a, b, s0[:0], t0[:0])  # builds the tables
        out = np.ones(len(s0))
        for u in range(a):
            seg = s0 + u
            out = np.minimum(out, self._as[b][seg, t0]
                             / np.maximum(self.src.lengths[seg], 1.0))
        for v in range(b):
            seg = t0 + v
            out = np.minimum(out, self._at[a][s0, seg]
                             / np.maximum(self.tgt.lengths[seg], 1.0))
        return out

    def features(self, a: int, b: int, s0: np.ndarray, t0: np.ndarray,
                 ) -> tuple[np.ndarray, np.ndarray]:
        src, tgt = self.src, self.tgt
        ws = src.block_len(s0, a)
        wt = tgt.block_len(t0, b)
        cov_s = np.zeros(len(s0))
        cov_t = np.zeros(len(s0))
        if self.dense:
            vs, vt = self._tables(a, b)
            for u in range(a):
                cov_s += vs[s0 + u, t0]
            for v in range(b):
                cov_t += vt[s0, t0 + v]
        else:
            pair = np.empty((a, b, len(s0)))
            for u in range(a):
                for v in range(b):
                    pair[u, v] = self._pair(s0 + u, t0 + v, s0 + a, t0 + b)
            for u in range(a):
                cov_s += src.lengths[s0 + u] * pair[u].max(axis=0)
            for v in range(b):
                cov_t += tgt.lengths[t0 + v] * pair[:, v].max(axis=0)
        return cov_s / np.maximum(ws, 1.0), cov_t / np.maximum(wt, 1.0)


def block_features(src: Side, tgt: Side, a: int, b: int, s0: np.ndarray, t0: np.ndarray,
                   knn_src: np.ndarray, knn_tgt: np.ndarray, params: Params,
                   coverage: Coverage | None = None) -> np.ndarray:
    """Feature matrix (k, len(FEATURES)) of the candidates ``(s0[i]..+a, t0[i]..+b)``."""
    k = len(s0)
    feats = np.zeros((k, len(FEATURES)), dtype=np.float64)
    if k == 0:
        return feats
    if coverage is None:
        coverage = Coverage(src, tgt, dense=False)
    sim = coverage.block_sims(a, b, s0, t0)
    feats[:, 0] = sim
    # length-weighted, so that a short fragment added to a block does not lower the
    # block's neighbourhood (and so raise its margin) on its own
    neighbours = 0.5 * (src.block_weighted_mean(knn_src, s0, a)
                        + tgt.block_weighted_mean(knn_tgt, t0, b))
    feats[:, 1] = sim - neighbours
    feats[:, 2], feats[:, 3] = coverage.features(a, b, s0, t0)
    feats[:, 4], feats[:, 5] = coverage.agreement(a, b, s0, t0)
    feats[:, 6] = float(coverage.has_agreement)
    ls = src.block_len(s0, a)
    lt = tgt.block_len(t0, b)
    z = (np.log1p(lt) - np.log1p(ls) - params.len_mu) / params.len_sigma
    feats[:, 7] = np.minimum(z * z, 25.0)
    ms = src.block_mask(s0, a)
    mt = tgt.block_mask(t0, b)
    shared = _popcount(ms & mt)
    feats[:, 8] = np.minimum(shared, 3.0)
    feats[:, 9] = np.minimum(_popcount(ms ^ mt), 5.0)
    feats[:, 10] = a + b - 2
    feats[:, 11] = float(a > 1 and b > 1)
    feats[:, 12] = float(a > 1)
    feats[:, 13] = coverage.agreement_min(a, b, s0, t0)
    return feats


def raw_logits(feats: np.ndarray, params: Params) -> np.ndarray:
    """Log-odds of the candidates without the similarity floor; ``multi_bonus`` (tuned for
    the search) favours n:m links."""
    out = feats @ np.asarray(params.weights, dtype=np.float64) + params.bias
    out += params.multi_bonus * (feats[:, FEATURES.index("extra")] > 0)
    return out


def logits(feats: np.ndarray, params: Params) -> np.ndarray:
    """Log-odds of the candidates (:func:`raw_logits`); blocks less similar than almost
    every gold link (``min_sim``) are never linked, whatever the margin."""
    return np.where(feats[:, 0] < params.min_sim, -np.inf, raw_logits(feats, params))
