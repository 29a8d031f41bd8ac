"""Dismissed terminology findings, kept in the project file (issue 18).

A translator who has looked at a finding and judged it fine (a ``check`` of حماة that means
"guardians", a name that is right after all) dismisses it; it is then not reported again for
that pair.  A dismissal is stored in its own table, ``glossary_dismissal`` (created on first
use, so older projects need no migration), keyed by the finding's kind, term and what it
found, and by the normalised texts of the pair: when the source or the English of the pair
changes, the dismissal no longer applies and the finding comes back.  The link id is kept
for the TUI; ``workbench qa --project`` matches by the texts, so it honours the dismissals
whatever alignment it made.

Functions take an open :class:`~workbench.store.project.Project`.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from typing import Any, Iterable

from workbench.glossary.qa import Finding
from workbench.mt.tm_schema import utc_timestamp

__all__ = ["Dismissal", "dismiss", "dismissal_key", "dismissals", "is_dismissed",
           "undismiss", "without_dismissed"]

_TABLE = """CREATE TABLE IF NOT EXISTS glossary_dismissal (
    key TEXT PRIMARY KEY,
    link_id INTEGER,
    kind TEXT NOT NULL,
    term TEXT,
    found TEXT,
    source_text TEXT NOT NULL,
    target_text TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT ''
)"""


@dataclass(frozen=True)
class Dismissal:
    key: str
    link_id: int | None
    kind: str
    term: str | None
    found: str | None
    source_text: str
    target_text: str
    note: str
    created_at: str
    actor: str


def _norm(text: str) -> str:
    return " ".join((text or "").split())


def dismissal_key(finding: Finding, source: str, target: str) -> str:
    """The key of ``finding`` in the pair ``source``/``target`` (whitespace runs ignored)."""
    parts = [finding.kind, finding.term or "", finding.found or finding.expected or "",
             _norm(source), _norm(target)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _has_table(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                        "name = 'glossary_dismissal'").fetchone() is not None


def dismiss(project: Any, finding: Finding, source: str, target: str, *,
            link_id: int | None = None, note: str = "") -> str:
    """Dismiss ``finding`` of the pair ``source``/``target``; returns its key (idempotent)."""
    key = dismissal_key(finding, source, target)
    now = utc_timestamp()
    with project._write() as conn:
        conn.execute(_TABLE)
        conn.execute(
            "INSERT OR REPLACE INTO glossary_dismissal (key, link_id, kind, term, found, "
            "source_text, target_text, note, created_at, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, link_id, finding.kind, finding.term, finding.found, _norm(source),
             _norm(target), note, now, getattr(project, "_actor", "")))
    return key


def undismiss(project: Any, key: str) -> bool:
    """Remove a dismissal; False if there was none."""
    with project._write() as conn:
        if not _has_table(conn):
            return False
        return conn.execute("DELETE FROM glossary_dismissal WHERE key = ?",
                            (key,)).rowcount > 0


def dismissals(project: Any, *, link_id: int | None = None) -> list[Dismissal]:
    """Every dismissal of the project (of one link if ``link_id``), oldest first."""
    with project._read() as conn:
        if not _has_table(conn):
            return []
        sql = ("SELECT key, link_id, kind, term, found, source_text, target_text, note, "
               "created_at, actor FROM glossary_dismissal")
        args: tuple = ()
        if link_id is not None:
            sql += " WHERE link_id = ?"
            args = (link_id,)
        rows = conn.execute(sql + " ORDER BY created_at, key", args).fetchall()
    return [Dismissal(*r) for r in rows]


def _keys(project: Any) -> set[str]:
    with project._read() as conn:
        if not _has_table(conn):
            return set()
        return {r[0] for r in conn.execute("SELECT key FROM glossary_dismissal")}


def is_dismissed(project: Any, finding: Finding, source: str, target: str) -> bool:
    return dismissal_key(finding, source, target) in _keys(project)


def without_dismissed(project: Any, findings: Iterable[Finding],
                      texts: Any) -> tuple[list[Finding], int]:
    """``findings`` minus the dismissed ones, and how many were dropped.

    ``texts(finding)`` gives the (source, target) texts of the finding's pair."""
    keys = _keys(project)
    kept: list[Finding] = []
    dropped = 0
    for f in findings:
        source, target = texts(f)
        if keys and dismissal_key(f, source, target) in keys:
            dropped += 1
        else:
            kept.append(f)
    return kept, dropped
