"""Confirmed links: a person's mark that a link is right (alignment review).

The mark lives in the ``link_confirmed`` table (schema version 2), keyed by link id.
Link ids are never reused and an alignment edit replaces links by new ids, so a mark
belongs to one block of segments: the mark of a link removed by a merge comes back
with the link when the merge is undone, and nothing has to be copied.

* Marking and unmarking is an undoable history entry of kind ``confirm`` whose old and
  new values are ``[{"id": ..., "confirmed": bool}, ...]`` (the shape of text edits, so
  :meth:`Project.changed_links` reports the links).
* An alignment edit confirms the links a person made (a block that was not one of the
  replaced links, origin ``person``) and keeps the mark of a block it left as it was;
  links the aligner made (re-alignment) start unconfirmed.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Sequence

from workbench.errors import WorkbenchError

__all__ = ["confirmed_ids", "set_confirmed", "apply_confirm", "carry_confirmation"]


def confirmed_ids(conn: sqlite3.Connection) -> set[int]:
    """Ids of the existing links that are confirmed."""
    rows = conn.execute("SELECT c.link_id FROM link_confirmed c JOIN link l ON l.id = c.link_id")
    return {int(r[0]) for r in rows}


def _is_confirmed(conn: sqlite3.Connection, link_id: int) -> bool:
    return conn.execute("SELECT 1 FROM link_confirmed WHERE link_id = ?",
                        (link_id,)).fetchone() is not None


def _mark(conn: sqlite3.Connection, link_id: int, value: bool, at: str, actor: str) -> None:
    if value:
        conn.execute("INSERT OR REPLACE INTO link_confirmed (link_id, at, actor) VALUES (?, ?, ?)",
                     (link_id, at, actor))
    else:
        conn.execute("DELETE FROM link_confirmed WHERE link_id = ?", (link_id,))


def set_confirmed(conn: sqlite3.Connection, link_ids: Sequence[int], value: bool, at: str,
                  actor: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Mark (or unmark) links inside the caller's transaction; returns the (old, new) history
    values of the links whose mark changed (empty when nothing changed)."""
    olds, news = [], []
    for link_id in dict.fromkeys(int(i) for i in link_ids):
        if conn.execute("SELECT 1 FROM link WHERE id = ?", (link_id,)).fetchone() is None:
            raise WorkbenchError(f"link {link_id} does not exist (any more): the alignment was "
                                 "changed; reload and try again")
        before = _is_confirmed(conn, link_id)
        if before == value:
            continue
        _mark(conn, link_id, value, at, actor)
        olds.append({"id": link_id, "confirmed": before})
        news.append({"id": link_id, "confirmed": value})
    return olds, news


def apply_confirm(conn: sqlite3.Connection, frm: Iterable[dict], to: Iterable[dict], at: str,
                  actor: str) -> int | None:
    """Undo or redo a ``confirm`` entry: from the marks ``frm`` to ``to``.  Returns the id of
    a link that was removed or re-marked since (the caller refuses), else None."""
    frm, to = list(frm), list(to)
    for cur in frm:
        link_id = int(cur["id"])
        exists = conn.execute("SELECT 1 FROM link WHERE id = ?", (link_id,)).fetchone()
        if exists is None or _is_confirmed(conn, link_id) != bool(cur["confirmed"]):
            return link_id
    for want in to:
        _mark(conn, int(want["id"]), bool(want["confirmed"]), at, actor)
    return None


def carry_confirmation(conn: sqlite3.Connection, old: Sequence[Any], new: Sequence[Any],
                       at: str, actor: str) -> None:
    """After an alignment edit replaced ``old`` records by ``new`` ones (ids assigned):
    a block left as it was keeps its mark; a block a person made is confirmed."""
    old_keys = {(tuple(r.src), tuple(r.tgt)): r.id for r in old}
    for r in new:
        same = old_keys.get((tuple(r.src), tuple(r.tgt)))
        if same is not None:
            if _is_confirmed(conn, same):
                _mark(conn, r.id, True, at, actor)
        elif r.origin == "person":
            _mark(conn, r.id, True, at, actor)
