"""The proposal cache: the ``mt_cache`` table of a project (or a stand-alone file).

A proposal is stored as JSON under a key that hashes everything it depends on:
the model's fingerprint (id and weight-file hash), the options (n-best, glossary
fingerprint, protection) and the source text.  A hit costs one indexed read and
no model: re-opening a project does not translate again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from typing import Any, Iterable

from workbench.mt.tm_schema import ensure_tm_schema, utc_timestamp

__all__ = ["ProposalCache", "cache_key"]


def cache_key(fingerprint: str, options: dict[str, Any], source: str) -> str:
    """SHA-256 of model fingerprint, options (canonical JSON) and source text."""
    payload = json.dumps([fingerprint, options, source], ensure_ascii=False, sort_keys=True,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ProposalCache:
    """Proposals by key in the ``mt_cache`` table of ``conn``; thread-safe."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._lock = threading.RLock()
        ensure_tm_schema(conn)
        self.hits = 0
        self.misses = 0

    key = staticmethod(cache_key)

    def get(self, key: str) -> dict[str, Any] | None:
        return self.get_many([key]).get(key)

    def get_many(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, dict[str, Any]] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for k, text in self.conn.execute(
                        f"SELECT key, proposal FROM mt_cache WHERE key IN ({marks})", chunk):
                    try:
                        found[k] = json.loads(text)
                    except json.JSONDecodeError:
                        continue  # a damaged row is a miss, and will be overwritten
            self.hits += len(found)
            self.misses += len(keys) - len(found)
        return found

    def put(self, key: str, model: str, proposal: dict[str, Any]) -> None:
        self.put_many([(key, model, proposal)])

    def put_many(self, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        now = utc_timestamp()
        data = [(k, m, json.dumps(p, ensure_ascii=False), now) for k, m, p in rows]
        if not data:
            return
        with self._lock, self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO mt_cache (key, model, proposal, created_at) "
                "VALUES (?, ?, ?, ?)", data)

    def clear(self, model: str | None = None) -> int:
        """Drop cached proposals (of one model fingerprint, or all); returns how many."""
        with self._lock, self.conn:
            if model is None:
                cur = self.conn.execute("DELETE FROM mt_cache")
            else:
                cur = self.conn.execute("DELETE FROM mt_cache WHERE model = ?", (model,))
            return cur.rowcount

    def __len__(self) -> int:
        with self._lock:
            return int(self.conn.execute("SELECT COUNT(*) FROM mt_cache").fetchone()[0])
