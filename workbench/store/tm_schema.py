"""Tables of the translation memory and the MT cache, shared by the project store and
``workbench.mt`` (which can also keep them in a stand-alone SQLite file).

Both use ``CREATE ... IF NOT EXISTS`` so :func:`ensure_tm_schema` is idempotent.
"""

from __future__ import annotations

import sqlite3

TM_SCHEMA = """
CREATE TABLE IF NOT EXISTS tm_unit (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,            -- Arabic, logical order, as accepted
    target       TEXT NOT NULL,            -- English
    source_key   TEXT NOT NULL,            -- workbench.text.arabic_key(source)
    context_prev TEXT,                     -- source text of the previous segment, if known
    context_next TEXT,                     -- source text of the next segment, if known
    origin       TEXT NOT NULL DEFAULT '', -- project path, TMX file, ...
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,            -- ISO 8601 UTC
    UNIQUE (source, target)
);
CREATE INDEX IF NOT EXISTS tm_unit_key ON tm_unit (source_key);

CREATE TABLE IF NOT EXISTS mt_cache (
    key        TEXT PRIMARY KEY,           -- hash of model id + model file hash + options + source
    model      TEXT NOT NULL,
    proposal   TEXT NOT NULL,              -- JSON of the proposal (n-best, scores, term checks)
    created_at TEXT NOT NULL
);
"""


def ensure_tm_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(TM_SCHEMA)
