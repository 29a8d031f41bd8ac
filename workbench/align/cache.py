"""The embedding cache: by text hash, in memory and (optionally) on disk in SQLite."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from workbench.align.compose import _D, _HEAD_IDS, _TAIL_IDS, POOL_DIM, compose
from workbench.align.protocol import Embedder
from workbench.progress import CancelToken, ProgressEvent, Reporter

__all__ = ["CachedEmbedder", "default_cache_path"]

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
        if embedder is None:
            from workbench.align.usem3 import USEEmbedder

            embedder = USEEmbedder()
        self.inner: Embedder = embedder
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
