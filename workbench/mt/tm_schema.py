"""The translation-memory and MT-cache tables, their one writer and their one clock.

The tables live in a project file (:mod:`workbench.store`, which embeds them in its
schema) or in a stand-alone SQLite file (:func:`workbench.mt.db.open_tm_db`).  They
are defined here, below both, so that :mod:`workbench.mt` never imports the store.

* :data:`TM_SCHEMA` / :func:`ensure_tm_schema` -- ``CREATE ... IF NOT EXISTS``, so
  idempotent;
* :func:`upsert_tm_unit` -- the only ``INSERT`` into ``tm_unit``: a repeated
  source/target pair is stored once and gains the context it lacked.  It runs in
  the caller's transaction (a project edit and its TM unit commit together);
* :func:`utc_timestamp` -- the one timestamp format of the project file and the TM
  (``2026-12-04T19:00:00.123Z``).  Rows written before it was unified may hold
  ``2026-12-04T19:00:00Z`` (the stand-alone memory's old format) or an offset
  (``+00:00``, the old MT cache); readers take them as ISO 8601 either way
  (:func:`parse_timestamp`).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from workbench.text.normalize import normalized_arabic

__all__ = ["TM_SCHEMA", "ensure_tm_schema", "upsert_tm_unit", "utc_timestamp",
           "parse_timestamp"]

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


def utc_timestamp() -> str:
    """Now, UTC, ISO 8601 with milliseconds and ``Z``: ``2026-12-04T19:00:00.123Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_timestamp(text: str) -> datetime | None:
    """A stored timestamp in any of the formats ever written (see the module doc), as an
    aware UTC datetime; None if empty or unreadable."""
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def upsert_tm_unit(conn: sqlite3.Connection, source: str, target: str, *,
                   context_prev: str | None = None, context_next: str | None = None,
                   origin: str | None = "", note: str | None = "",
                   created_at: str | None = None) -> bool:
    """Insert one TM unit; True if a row was added or gained context.

    A pair already there is not duplicated: it only fills a missing ``context_prev``
    / ``context_next``.  ``created_at`` (e.g. a TMX creation date) is kept as given;
    without it the unit gets :func:`utc_timestamp`.  No commit: the caller owns the
    transaction.
    """
    cur = conn.execute(
        "INSERT INTO tm_unit (source, target, source_key, context_prev, context_next, origin, "
        "note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (source, target) DO UPDATE SET "
        "context_prev = COALESCE(tm_unit.context_prev, excluded.context_prev), "
        "context_next = COALESCE(tm_unit.context_next, excluded.context_next) "
        "WHERE tm_unit.context_prev IS NULL OR tm_unit.context_next IS NULL",
        (source, target, normalized_arabic(source), context_prev, context_next, origin or "",
         note or "", created_at or utc_timestamp()))
    return cur.rowcount > 0
