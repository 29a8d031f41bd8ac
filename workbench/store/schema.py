"""The project file's tables and their forward migrations.

The schema version lives in ``PRAGMA user_version``; ``PRAGMA application_id``
marks the file as a workbench project so that another SQLite database given by
mistake is refused instead of being "migrated".  Each migration is one function
run inside one transaction, so a crash in the middle of a migration leaves the
file at the previous version.
"""

from __future__ import annotations

import sqlite3
from typing import Callable

from workbench.mt.tm_schema import TM_SCHEMA

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "MIGRATIONS", "STATUSES", "ORIGINS", "SIDES"]

#: "WBPJ" as a 32-bit integer: identifies a workbench project file.
APPLICATION_ID = int.from_bytes(b"WBPJ", "big")

STATUSES: tuple[str, ...] = ("new", "draft", "translated", "reviewed")
ORIGINS: tuple[str, ...] = ("aligner", "person")
SIDES: tuple[str, ...] = ("source", "target")

_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE document (
    side     TEXT PRIMARY KEY CHECK (side IN ('source', 'target')),
    name     TEXT NOT NULL,              -- e.g. seeds:004, or the file it came from
    language TEXT NOT NULL,              -- ar | en
    text     TEXT NOT NULL,              -- the whole document, logical order, as read
    sha256   TEXT NOT NULL               -- of text encoded as UTF-8
);

CREATE TABLE segment (
    side      TEXT NOT NULL REFERENCES document (side),
    unit      TEXT NOT NULL CHECK (unit IN ('paragraphs', 'sentences', 'lines')),
    idx       INTEGER NOT NULL CHECK (idx >= 0),
    text      TEXT NOT NULL,             -- whitespace-normalised segment text
    char_start INTEGER NOT NULL,         -- offsets into document.text
    char_end   INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    PRIMARY KEY (side, unit, idx)
);

-- One row per alignment link: a block of source segments with a block of target
-- segments, and the translator's English for that block.
CREATE TABLE link (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: undo restores old ids
    score       REAL,                    -- aligner confidence in [0, 1], NULL for a person's link
    origin      TEXT NOT NULL CHECK (origin IN ('aligner', 'person')),
    target_text TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'draft', 'translated', 'reviewed')),
    version     INTEGER NOT NULL DEFAULT 1,  -- bumped by every change (optimistic locking)
    updated_at  TEXT NOT NULL
);

-- Which segments a link holds.  The primary key makes it impossible for one
-- segment to sit in two links.
CREATE TABLE link_segment (
    side    TEXT NOT NULL CHECK (side IN ('source', 'target')),
    idx     INTEGER NOT NULL,
    link_id INTEGER NOT NULL REFERENCES link (id) ON DELETE CASCADE,
    PRIMARY KEY (side, idx)
);
CREATE INDEX link_segment_link ON link_segment (link_id);

-- The full edit history.  old_value/new_value are JSON.  Undoable entries
-- (kind edit|merge|split|relink|confirm) have state done|undone|dropped; undo and redo
-- themselves are recorded too (kind undo|redo, ref = the entry they applied to).
CREATE TABLE history (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,             -- ISO 8601 UTC
    kind      TEXT NOT NULL,
    link_id   INTEGER,                   -- the edited link (edit), or NULL
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    state     TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('done', 'undone', 'dropped', 'log')),
    ref       INTEGER REFERENCES history (id),
    actor     TEXT NOT NULL DEFAULT ''   -- user@host:pid of the process that made it
);
CREATE INDEX history_state ON history (state, id);
"""


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    for statement in _split(_V1 + TM_SCHEMA):
        conn.execute(statement)


def _split(script: str) -> list[str]:
    """Split a DDL script into statements (``executescript`` would commit our transaction)."""
    out, buf = [], []
    for line in script.splitlines():
        code = line.split("--", 1)[0]
        buf.append(code)
        if code.rstrip().endswith(";"):
            stmt = "\n".join(buf).strip()
            if sqlite3.complete_statement(stmt):
                out.append(stmt)
                buf = []
    rest = "\n".join(buf).strip()
    if rest:
        out.append(rest)
    return out


_V2 = """
-- A person's "this link is right" mark (alignment review): kept by re-alignment.  Keyed by
-- link id without a foreign key: ids are never reused, so the mark of a link removed by a
-- merge or split comes back with it when that edit is undone.
CREATE TABLE link_confirmed (
    link_id INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,               -- ISO 8601 UTC
    actor   TEXT NOT NULL DEFAULT ''
);
"""


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    for statement in _split(_V2):
        conn.execute(statement)


#: MIGRATIONS[n] brings a file from version n to n + 1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_to_1, _migrate_to_2]
SCHEMA_VERSION = len(MIGRATIONS)
