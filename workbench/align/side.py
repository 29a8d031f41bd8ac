"""One side of a document pair (:class:`Side`): texts, embeddings, block embeddings,
lengths, anchor masks and sentence sub-units, as the scorer reads them."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from workbench.align.embed import WINDOW, normalize_rows, sliding_blocks

__all__ = ["Side", "head_blocks", "SHORT_PART_TOKENS"]


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
