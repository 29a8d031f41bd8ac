"""Keeping the project's translation memory in step with its accepted links (a part of
:class:`workbench.store.project.Project`).

An accepted link (``translated`` or ``reviewed``) is a TM unit, added in the same
transaction as the edit; a link that stops being accepted takes its unit away,
unless another accepted link still has the same pair.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Mapping, Sequence

from workbench.mt.tm_schema import upsert_tm_unit
from workbench.store.records import ACCEPTED, check_text
from workbench.text.segment import Segment


class MemorySync:
    """The project's TM units: kept in step with accepted links, read and added to."""

    _segments: dict[str, list[Segment]]

    def _context(self, conn: sqlite3.Connection, src: tuple[int, ...]) -> tuple[str | None,
                                                                                 str | None]:
        segs = self._segments["source"]
        prev = segs[src[0] - 1].text if src and src[0] > 0 else None
        nxt = segs[src[-1] + 1].text if src and src[-1] + 1 < len(segs) else None
        return prev, nxt

    def _remember(self, conn: sqlite3.Connection, link_id: int) -> None:
        """Add an accepted link to the translation memory (inside the caller's transaction)."""
        row = conn.execute("SELECT target_text FROM link WHERE id = ?", (link_id,)).fetchone()
        src, _ = self._members(conn, link_id)
        if row is None or not src or not row[0].strip():
            return
        source = " ".join(self._segments["source"][i].text for i in src)
        prev, nxt = self._context(conn, src)
        add_memory_unit(conn, source, row[0], context_prev=prev, context_next=nxt,
                        origin=self.origin, note=f"link {link_id}")

    def _forget(self, conn: sqlite3.Connection, src: Sequence[int], text: str) -> None:
        """Remove a TM unit this project added, unless another accepted link still has it."""
        if not src:
            return
        source = " ".join(self._segments["source"][i].text for i in src)
        for (other,) in conn.execute("SELECT id FROM link WHERE target_text = ? AND status IN "
                                     "('translated', 'reviewed')", (text,)).fetchall():
            other_src, _ = self._members(conn, other)
            if " ".join(self._segments["source"][i].text for i in other_src) == source:
                return
        conn.execute("DELETE FROM tm_unit WHERE source = ? AND target = ? AND origin = ?",
                     (source, text, self.origin))

    def _sync_memory(self, conn: sqlite3.Connection, link_id: int, cur: Mapping[str, Any],
                     want: Mapping[str, Any]) -> None:
        if cur["status"] in ACCEPTED and (want["status"] not in ACCEPTED
                                          or want["text"] != cur["text"]):
            src, _ = self._members(conn, link_id)
            self._forget(conn, src, cur["text"])
        if want["status"] in ACCEPTED:
            self._remember(conn, link_id)

    def memory_count(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM tm_unit").fetchone()[0])

    def memory_units(self) -> list[dict[str, Any]]:
        """Every translation-memory unit in the project, oldest first."""
        rows = self._conn().execute(
            "SELECT id, source, target, context_prev, context_next, origin, note, created_at "
            "FROM tm_unit ORDER BY id").fetchall()
        keys = ("id", "source", "target", "context_prev", "context_next", "origin", "note",
                "created_at")
        return [dict(zip(keys, r)) for r in rows]

    def add_memory_units(self, units: Iterable[Mapping[str, Any]], *, origin: str = "",
                         ) -> int:
        """Add TM units (dicts with source, target and optionally context_prev, context_next,
        note, created_at) in one transaction; returns how many were new."""
        units = list(units)
        for u in units:
            check_text(u["source"], "TM source")
            check_text(u["target"], "TM target")
        with self._write() as conn:
            before = conn.execute("SELECT count(*) FROM tm_unit").fetchone()[0]
            for u in units:
                add_memory_unit(conn, u["source"], u["target"],
                                context_prev=u.get("context_prev"),
                                context_next=u.get("context_next"),
                                origin=u.get("origin") or origin, note=u.get("note") or "",
                                created_at=u.get("created_at"))
            after = conn.execute("SELECT count(*) FROM tm_unit").fetchone()[0]
        return after - before


def add_memory_unit(conn: sqlite3.Connection, source: str, target: str, *,
                    context_prev: str | None = None, context_next: str | None = None,
                    origin: str = "", note: str = "", created_at: str | None = None) -> None:
    """Insert one TM unit (ignored if the same source/target pair is already there), inside
    the caller's transaction: an edit and its TM unit commit together.  The one writer is
    :func:`workbench.mt.tm_schema.upsert_tm_unit` (the rows
    :class:`workbench.mt.memory.TranslationMemory` reads)."""
    upsert_tm_unit(conn, source, target, context_prev=context_prev, context_next=context_next,
                   origin=origin, note=note, created_at=created_at)

