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

import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from workbench.align.embed import WINDOW, normalize_rows, sliding_blocks
from workbench.errors import WorkbenchError

__all__ = ["FEATURES", "Params", "Side", "Coverage", "load_params", "block_features",
           "logits", "raw_logits", "sigmoid"]

FEATURES = ("sim", "margin", "cov_src", "cov_tgt", "agree_src", "agree_tgt", "has_agree",
            "len_z2", "anchor_shared", "anchor_missing", "extra", "many", "src_multi",
            "agree_min")
PARAMS_PATH = Path(__file__).with_name("params.json")


@dataclass
class Params:
    """Calibrated scorer and search parameters (see ``params.json``)."""

    weights: list[float] = field(default_factory=lambda: [-5.0, 19.0, 3.5, 3.9, 0.0, 0.0, 0.0,
                                                          -0.45, 0.05, -0.15, -3.0, -4.4, -0.1,
                                                          0.0])
    bias: float = -3.0
    len_mu: float = 0.1
    len_sigma: float = 0.25
    knn: int = 2
    del_score: float = -2.0
    ins_score: float = -2.0
    move_threshold: float = 0.5
    boilerplate_weight: float = 2.0
    multi_bonus: float = 0.0
    min_link_prob: float = 0.05
    min_sim: float = 0.2
    release_below: float = 0.2
    #: the insertion of a non-boilerplate segment left beside deletions between the same
    #: two links is charged this much more when the segments between those links are
    #: re-aligned (``engine.fill_gaps``; 0 leaves them as they are)
    gap_penalty: float = 0.0
    note: str = ""
    #: per kind of link, the monotone map from raw to calibrated confidence
    #: (``{"match": {"x": [...], "y": [...]}, ...}``, see :mod:`workbench.align.confidence`)
    confidence: dict | None = None
    #: the features the weights were fitted for (checked on loading: a file fitted for
    #: another feature set is stale)
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    #: the profile used when segments hold several sentences (paragraphs): its sentences
    #: are aligned with this (sentence) profile first, the segments with that one
    paragraph: "Params | None" = None
    # -- switches (on in use; off only to measure what each brings) ---------------------
    #: widen the length model to each document's looseness (:mod:`workbench.align.adapt`)
    adapt_length: bool = True
    #: ... and move its mean to the document's when that lies far from the fitted one
    shift_mean: bool = True
    #: cut boilerplate phrases glued into English sentences out as sentences of their own
    split_boilerplate: bool = True
    #: transliterated names are anchors (:mod:`workbench.align.anchors`)
    name_anchors: bool = True
    #: a moved block absorbs the unlinked segments beside it when that scores better
    grow_moves: bool = True
    #: a move may keep the rest of an n:m link it takes an edge segment from
    remainders: bool = True

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


_REFIT = "run scripts/calibrate_align.py to fit it again"


def load_params(path: str | Path | None = None) -> Params:
    """The calibrated parameters; a missing, unreadable or stale file is an error.

    Stale: weights for another feature set than :data:`FEATURES`, or keys this
    version does not know (a file from another version of the aligner).
    """
    p = Path(path) if path is not None else PARAMS_PATH
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkbenchError(f"the aligner's calibrated parameters are missing; {_REFIT}",
                             path=p) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise WorkbenchError(f"the aligner's calibrated parameters cannot be read ({exc}); "
                             f"{_REFIT}", path=p) from None
    if not isinstance(data, dict):
        raise WorkbenchError(f"the aligner's calibrated parameters are not an object; {_REFIT}",
                             path=p)
    return _params_from_dict(data, p)


def _params_from_dict(data: dict, path: Path | None = None) -> Params:
    unknown = sorted(set(data) - set(Params.__dataclass_fields__))
    if unknown:
        raise WorkbenchError(f"stale calibrated parameters: unknown keys {', '.join(unknown)}; "
                             f"{_REFIT}", path=path)
    known = dict(data)
    if "features" in known and list(known["features"]) != list(FEATURES):
        raise WorkbenchError("stale calibrated parameters: fitted for the features "
                             f"{', '.join(known['features'])}, not {', '.join(FEATURES)}; "
                             f"{_REFIT}", path=path)
    if len(known.get("weights", FEATURES)) != len(FEATURES):
        raise WorkbenchError(f"stale calibrated parameters: {len(known['weights'])} weights for "
                             f"{len(FEATURES)} features; {_REFIT}", path=path)
    if isinstance(known.get("paragraph"), dict):
        known["paragraph"] = _params_from_dict(known["paragraph"], path)
    return Params(**known)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


#: A block with a part of fewer inner tokens than this is embedded from its joined text
#: rather than composed (see :meth:`Side.block_emb`).
SHORT_PART_TOKENS = WINDOW


class Side:
    """One side of a document pair: segment texts, embeddings, lengths and anchor masks.

    ``emb1`` holds one row per segment.  ``block_emb(a)`` gives one row per block
    of ``a`` consecutive segments (row ``k`` = segments ``k..k+a-1``): computed by
    composed from the segments' pooled rows when ``pooled`` and ``head`` are given
    (a composable embedder, see :mod:`workbench.align.embed`; blocks with a part of
    under :data:`SHORT_PART_TOKENS` tokens, where the joins weigh most, are embedded
    from their joined text by ``block_embedder`` if given), else by
    ``block_embedder`` from the concatenated texts when one is given, else
    approximated by the normalised sum of the segment embeddings.
    """

    def __init__(self, texts: list[str], emb1: np.ndarray, lengths: np.ndarray,
                 masks: np.ndarray, block_embedder=None,
                 null_prior: np.ndarray | None = None,
                 sub_emb: np.ndarray | None = None, sub_owner: np.ndarray | None = None,
                 sub_len: np.ndarray | None = None, pooled: np.ndarray | None = None,
                 head=None, junction: np.ndarray | None = None, joins=None,
                 blocks: dict[int, np.ndarray] | None = None) -> None:
        self.texts = texts
        self.pooled = pooled if head is not None else None
        self.head = head
        #: join corrections for composed blocks: ``joins(left_rows, right_rows)`` gives
        #: exact ones (computed once, for every pair of consecutive segments), else the
        #: mean ``junction`` vector stands in
        self.junction = junction
        self.joins = joins
        self.emb1 = np.asarray(emb1, dtype=np.float32)
        self.lengths = np.asarray(lengths, dtype=np.float64)
        self.masks = masks
        self.block_embedder = block_embedder
        #: per segment, how likely it is to be unlinked whatever the other side says
        #: (boilerplate likeness of target segments); zeros if not given
        self.null_prior = (np.zeros(len(self.lengths)) if null_prior is None
                           else np.asarray(null_prior, dtype=np.float64))
        #: block embeddings by block size (given ones, e.g. computed chunk by chunk for a
        #: long side, are used as they are)
        self._blocks: dict[int, np.ndarray] = {**(blocks or {}), 1: self.emb1}
        #: sentence-level sub-units of the segments (for coverage): embeddings, owning
        #: segment (non-decreasing) and length; by default each segment is one unit
        if sub_emb is None:
            self.sub_emb = self.emb1
            self.sub_owner = np.arange(len(self.lengths))
            self.sub_len = self.lengths
        else:
            self.sub_emb = np.asarray(sub_emb, dtype=np.float32)
            self.sub_owner = np.asarray(sub_owner, dtype=np.int64)
            self.sub_len = np.asarray(sub_len, dtype=np.float64)
        self.sub_start = np.searchsorted(self.sub_owner, np.arange(len(self.lengths)))
        self.has_subunits = sub_emb is not None
        #: a Side over the sentences of this side's segments (set by the aligner), or None
        self.sub_side: Side | None = None
        #: a future computing this side's blocks in the background (set by the aligner,
        #: see :meth:`workbench.align.api.Aligner.build_sides`), or None
        self.pending = None
        self._wmean_sums = None

    def set_emb1(self, emb1: np.ndarray, sub_emb: np.ndarray | None = None) -> None:
        """Set the segment (and sub-unit) embeddings, computed after the side was made."""
        self.emb1 = np.asarray(emb1, dtype=np.float32)
        self._blocks[1] = self.emb1
        if sub_emb is not None:
            self.sub_emb = np.asarray(sub_emb, dtype=np.float32)
        elif not self.has_subunits:
            self.sub_emb = self.emb1

    def __len__(self) -> int:
        return len(self.lengths)

    def block_emb(self, a: int) -> np.ndarray:
        if self.pending is not None:
            self.pending.result()  # blocks being computed in the background: wait for them
        return self._block_emb(a)

    def _block_emb(self, a: int) -> np.ndarray:
        if a not in self._blocks:
            n = len(self)
            if n < a:
                self._blocks[a] = np.zeros((0, self.emb1.shape[1]), dtype=np.float32)
            elif self.pooled is not None:
                if self.joins is not None:  # exact corrections, once per side
                    self.junction = np.asarray(self.joins(self.pooled[:-1], self.pooled[1:]))
                    self.joins = None
                rows = sliding_blocks(self.pooled, a, self.junction)
                blocks = np.asarray(self.head(rows), dtype=np.float32)
                redo, texts = self._redo_short(a)
                if len(redo):
                    blocks[redo] = self.block_embedder(texts)
                self._blocks[a] = blocks
            elif self.block_embedder is not None and self.texts:
                texts = [" ".join(self.texts[k:k + a]) for k in range(n - a + 1)]
                self._blocks[a] = np.asarray(self.block_embedder(texts), dtype=np.float32)
            else:
                total = self.emb1[:n - a + 1].copy()
                for k in range(1, a):
                    total += self.emb1[k:n - a + 1 + k]
                self._blocks[a] = normalize_rows(total)
        return self._blocks[a]

    def _redo_short(self, a: int) -> tuple[np.ndarray, list[str]]:
        """The blocks of ``a`` segments with a short part, to embed whole, and their texts."""
        if self.block_embedder is None or not self.texts:
            return np.zeros(0, dtype=np.int64), []
        # joins weigh most in short texts: embed blocks with a short part whole
        short = self.pooled[:, -1] < SHORT_PART_TOKENS
        redo = np.flatnonzero(np.convolve(short, np.ones(a), "valid") > 0)
        return redo, [" ".join(self.texts[k:k + a]) for k in redo]

    @cached_property
    def _len_csum(self) -> np.ndarray:
        return np.concatenate([[0.0], np.cumsum(self.lengths)])

    def block_len(self, s0: np.ndarray, a: int) -> np.ndarray:
        return self._len_csum[s0 + a] - self._len_csum[s0]

    def block_mask(self, s0: np.ndarray, a: int) -> np.ndarray:
        out = self.masks[s0].copy()
        for k in range(1, a):
            out |= self.masks[s0 + k]
        return out

    def block_mean(self, values: np.ndarray, s0: np.ndarray, a: int) -> np.ndarray:
        csum = np.concatenate([[0.0], np.cumsum(values)])
        return (csum[s0 + a] - csum[s0]) / a

    def block_weighted_mean(self, values: np.ndarray, s0: np.ndarray, a: int) -> np.ndarray:
        """Mean of ``values`` over each block, weighted by segment length."""
        cached = self._wmean_sums
        if cached is None or cached[0] is not values:  # the same values call after call
            w = np.maximum(self.lengths, 1.0)
            cached = self._wmean_sums = (values, np.concatenate([[0.0], np.cumsum(values * w)]),
                                         np.concatenate([[0.0], np.cumsum(w)]))
        _, csum, wsum = cached
        return (csum[s0 + a] - csum[s0]) / (wsum[s0 + a] - wsum[s0])

    def downsampled(self) -> "Side":
        """Pairs of consecutive segments merged (for coarse-to-fine search)."""
        n = len(self)
        idx = np.arange(0, n, 2)
        emb = self.emb1[idx].astype(np.float64)
        lengths = self.lengths[idx].copy()
        masks = self.masks[idx].copy()
        odd = idx + 1 < n
        emb[odd] += self.emb1[idx[odd] + 1]
        lengths[odd] += self.lengths[idx[odd] + 1]
        masks[odd] |= self.masks[idx[odd] + 1]
        return Side([], normalize_rows(emb), lengths, masks)


def head_blocks(head, rows: list[np.ndarray], wanted: list[tuple[Side, int]],
                ) -> list[np.ndarray]:
    """The embeddings of pooled ``rows`` (``head`` of each array), and the blocks ``wanted``
    (``(side, a)``: as ``side.block_emb(a)`` computes them, stored in the side), all
    headed in one product and the blocks with a short part embedded whole in one call.

    The same as one after the other (a row's head does not depend on the rows headed
    with it), in fewer, larger products.
    """
    todo = []
    for side, a in wanted:
        if a in side._blocks:
            continue
        if len(side) < a or side.pooled is None:
            side._block_emb(a)
            continue
        if side.joins is not None:  # exact corrections, once per side
            side.junction = np.asarray(side.joins(side.pooled[:-1], side.pooled[1:]))
            side.joins = None
        todo.append((side, a))
    parts = list(rows) + [sliding_blocks(side.pooled, a, side.junction) for side, a in todo]
    if not parts:
        return []
    bounds = np.cumsum([0] + [len(p) for p in parts])
    out = np.asarray(head(np.concatenate(parts)), dtype=np.float32)
    pieces = [out[bounds[k]:bounds[k + 1]] for k in range(len(parts))]
    redo = [(side, a, *side._redo_short(a)) for side, a in todo]
    texts = [x for *_, t in redo for x in t]
    if texts:
        embedder = next(side.block_embedder for side, a, _, t in redo if t)
        whole = np.asarray(embedder(texts), dtype=np.float32)
    start = 0
    for (side, a, idx, t), blocks in zip(redo, pieces[len(rows):]):
        if len(idx):
            blocks[idx] = whole[start:start + len(idx)]
            start += len(idx)
        side._blocks[a] = blocks
    return pieces[:len(rows)]


def _popcount(masks: np.ndarray) -> np.ndarray:
    return np.bitwise_count(masks).sum(axis=1).astype(np.float64)


class Coverage:
    """Sentence-level coverage of candidate blocks (features ``cov_src`` and ``cov_tgt``).

    With ``dense=True`` (short documents) tables over all (segment, block) pairs are
    built from the sub-unit similarities; otherwise each segment counts as one unit
    and coverage is computed per candidate from segment similarities.
    """

    def __init__(self, src: Side, tgt: Side, dense: bool, sub_links=None) -> None:
        self.src, self.tgt = src, tgt
        self.dense = dense
        self._vs: dict[int, np.ndarray] = {}
        self._vt: dict[int, np.ndarray] = {}
        self._as: dict[int, np.ndarray] = {}
        self._at: dict[int, np.ndarray] = {}
        self.has_agreement = False
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
                    pair[u, v] = np.einsum("ij,ij->i", src.emb1[s0 + u], tgt.emb1[t0 + v])
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
    es = src.block_emb(a)
    et = tgt.block_emb(b)
    sim = np.einsum("ij,ij->i", es[s0], et[t0]).astype(np.float64)
    feats[:, 0] = sim
    # length-weighted, so that a short fragment added to a block does not lower the
    # block's neighbourhood (and so raise its margin) on its own
    neighbours = 0.5 * (src.block_weighted_mean(knn_src, s0, a)
                        + tgt.block_weighted_mean(knn_tgt, t0, b))
    feats[:, 1] = sim - neighbours
    if coverage is None:
        coverage = Coverage(src, tgt, dense=False)
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
