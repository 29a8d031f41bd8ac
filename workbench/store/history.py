"""The edit history, undo and redo (a part of :class:`workbench.store.project.Project`).

Translator edits (text and status), imports, confirmations and alignment edits
(merge, split, relink) are recorded in the ``history`` table with their old and
new values.  :meth:`History.undo` reverts the most recent one that is not yet
undone, :meth:`History.redo` re-applies the most recently undone; a new edit
clears the redo list.  An undo whose links were changed since is refused with a
:class:`ConflictError`.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from workbench.mt.tm_schema import utc_timestamp as _now
from workbench.store.alignment_edits import _insert_link_segments
from workbench.store.confirm import apply_confirm
from workbench.store.connection import ConflictError
from workbench.store.records import ACCEPTED, HistoryEntry, _as_list, _Rec


def _entry(row: tuple) -> HistoryEntry:
    hid, at, kind, link_id, old, new, state, ref, actor = row
    return HistoryEntry(hid, at, kind, link_id, json.loads(old), json.loads(new), state, ref,
                        actor)


class History:
    """The history table: reading it, logging to it, undo and redo."""

    _actor: str

    @property
    def revision(self) -> int:
        """Grows with every change by any process: poll it to notice other windows' edits."""
        row = self._conn().execute("SELECT coalesce(max(id), 0) FROM history").fetchone()
        return int(row[0])

    def changed_links(self, since: int) -> set[int] | None:
        """Ids of the links whose text or status changed after :attr:`revision` ``since``
        (by any process); None if the alignment itself changed (reload every link)."""
        rows = self._conn().execute(
            "SELECT kind, old_value, new_value FROM history WHERE id > ?", (since,)).fetchall()
        ids: set[int] = set()
        for kind, old, new in rows:
            values = [json.loads(old), json.loads(new)]
            if any(isinstance(v, dict) and "links" in v for v in values):
                return None  # merge, split, relink (or their undo/redo)
            for v in values:
                ids.update(d["id"] for d in _as_list(v))
        return ids

    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        """The edit history, newest first."""
        sql = ("SELECT id, at, kind, link_id, old_value, new_value, state, ref, actor "
               "FROM history ORDER BY id DESC")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_entry(r) for r in self._conn().execute(sql).fetchall()]

    def history_count(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM history").fetchone()[0])

    def can_undo(self) -> bool:
        return self._conn().execute(
            "SELECT 1 FROM history WHERE state = 'done' LIMIT 1").fetchone() is not None

    def can_redo(self) -> bool:
        return self._conn().execute(
            "SELECT 1 FROM history WHERE state = 'undone' LIMIT 1").fetchone() is not None

    # ---- undo / redo

    def undo(self) -> HistoryEntry | None:
        """Revert the most recent edit not yet undone; None if there is nothing to undo."""
        return self._undo_redo(undo=True)

    def redo(self) -> HistoryEntry | None:
        """Re-apply the most recently undone edit; None if there is nothing to redo."""
        return self._undo_redo(undo=False)

    def _undo_redo(self, *, undo: bool) -> HistoryEntry | None:
        with self._write() as conn:
            sql = ("SELECT id, at, kind, link_id, old_value, new_value, state, ref, actor "
                   "FROM history WHERE state = ? ORDER BY id " + ("DESC" if undo else "ASC")
                   + " LIMIT 1")
            row = conn.execute(sql, ("done" if undo else "undone",)).fetchone()
            if row is None:
                return None
            entry = _entry(row)
            frm, to = (entry.new, entry.old) if undo else (entry.old, entry.new)
            now = _now()
            if entry.kind == "confirm":
                gone = apply_confirm(conn, frm, to, now, self._actor)
                if gone is not None:
                    raise ConflictError(f"cannot {'undo' if undo else 'redo'} #{entry.id}: "
                                        f"link {gone} was changed or removed since",
                                        path=self.path)
            elif entry.kind in ("edit", "import"):
                for cur_d, want_d in zip(_as_list(frm), _as_list(to)):
                    link_id = cur_d["id"]
                    got = conn.execute("SELECT target_text, status FROM link WHERE id = ?",
                                       (link_id,)).fetchone()
                    if got is None or tuple(got) != (cur_d["text"], cur_d["status"]):
                        raise ConflictError(
                            f"cannot {'undo' if undo else 'redo'} #{entry.id}: link {link_id} "
                            "was changed or removed since", path=self.path)
                    conn.execute("UPDATE link SET target_text = ?, status = ?, "
                                 "version = version + 1, updated_at = ? WHERE id = ?",
                                 (want_d["text"], want_d["status"], now, link_id))
                    self._sync_memory(conn, link_id, cur_d, want_d)
            else:
                cur_recs = [_Rec.from_json(d) for d in frm["links"]]
                want_recs = [_Rec.from_json(d) for d in to["links"]]
                for r in cur_recs:
                    row2 = conn.execute("SELECT score, origin, target_text, status FROM link "
                                        "WHERE id = ?", (r.id,)).fetchone()
                    if row2 is None:
                        raise ConflictError(f"cannot {'undo' if undo else 'redo'} #{entry.id}: "
                                            f"link {r.id} was changed since", path=self.path)
                    src, tgt = self._members(conn, r.id)
                    now_rec = _Rec(r.id, src, tgt, row2[0], row2[1], row2[2], row2[3])
                    if not now_rec.same_content(r):
                        raise ConflictError(f"cannot {'undo' if undo else 'redo'} #{entry.id}: "
                                            f"link {r.id} was changed since", path=self.path)
                for r in cur_recs:
                    conn.execute("DELETE FROM link WHERE id = ?", (r.id,))
                for r in want_recs:
                    conn.execute("INSERT INTO link (id, score, origin, target_text, status, "
                                 "version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 (r.id, r.score, r.origin, r.text, r.status, r.version + 1, now))
                    _insert_link_segments(conn, r.id, r.src, r.tgt)
                for r in cur_recs:
                    if r.status in ACCEPTED:
                        self._forget(conn, r.src, r.text)
                for r in want_recs:
                    if r.status in ACCEPTED:
                        self._remember(conn, r.id)
            conn.execute("UPDATE history SET state = ? WHERE id = ?",
                         ("undone" if undo else "done", entry.id))
            self._log(conn, "undo" if undo else "redo", entry.link_id, frm, to, now,
                      state="log", ref=entry.id)
        return entry

    # ---- history and memory helpers

    def _log(self, conn: sqlite3.Connection, kind: str, link_id: int | None, old: Any, new: Any,
             at: str, *, state: str = "done", ref: int | None = None) -> None:
        conn.execute("INSERT INTO history (at, kind, link_id, old_value, new_value, state, ref, "
                     "actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (at, kind, link_id, json.dumps(old, ensure_ascii=False),
                      json.dumps(new, ensure_ascii=False), state, ref, self._actor))

    @staticmethod
    def _drop_redo(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE history SET state = 'dropped' WHERE state = 'undone'")
