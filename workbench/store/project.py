"""Project files: one SQLite database per project that never loses a translator's work.

A project holds the two documents of a pair (text and SHA-256), their segments,
the alignment links between them (who made each: the aligner or a person), the
translator's English for every link with its status (``new``, ``draft``,
``translated``, ``reviewed``), the full edit history, the translation memory and
the MT cache (the tables of :mod:`workbench.mt.tm_schema`).

Durability and concurrency
--------------------------
* WAL journal, ``synchronous=FULL``, foreign keys on, a busy timeout.  Every
  edit is one ``BEGIN IMMEDIATE ... COMMIT`` transaction, committed before the
  call returns: there is no save step.
* Optimistic locking: every link has a ``version``; an edit names the version
  it was based on, and if another window or process changed the link in
  between, the edit is refused with :class:`ConflictError` (nothing is
  overwritten).
* Each thread gets its own connection, so the TUI can call any method from a
  worker thread.
* :meth:`Project.create_aligned` builds the file under a temporary name and renames
  it into place, so a crash during creation leaves no half-made project (making a
  project for a pair, aligning it first, is :func:`workbench.app.projects.create_project`).

Undo and redo
-------------
Translator edits (text and status), imports and alignment edits (merge, split,
relink) are recorded in the ``history`` table with their old and new values.
:meth:`Project.undo` reverts the most recent one that is not yet undone,
:meth:`Project.redo` re-applies the most recently undone; a new edit clears the
redo list.  The history is the project's, shared by every process that opens
it.  An undo whose links were changed since is refused with a ConflictError.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable

from workbench.errors import WorkbenchError
from workbench.store.alignment_edits import AlignmentEdits
from workbench.store.connection import (
    ConflictError,
    Connections,
    ProjectBusyError,
    _actor,
)
from workbench.store.edits import Edits
from workbench.store.history import History
from workbench.store.lifecycle import PROJECT_SUFFIX, Lifecycle, default_project_path
from workbench.store.memory_sync import MemorySync, add_memory_unit  # noqa: F401
from workbench.store.records import (
    ACCEPTED,
    HistoryEntry,
    ProjectLink,
    StoredDocument,
    check_text,
    order_links,
)
from workbench.store.schema import SIDES, STATUSES
from workbench.text.segment import Segment

__all__ = [
    "ACCEPTED",
    "ConflictError",
    "HistoryEntry",
    "Project",
    "ProjectBusyError",
    "ProjectLink",
    "STATUSES",
    "StoredDocument",
    "check_text",
    "default_project_path",
    "PROJECT_SUFFIX",
]


class Project(Lifecycle, Connections, Edits, AlignmentEdits, History, MemorySync):
    """An open project file.  Use :meth:`create` or :meth:`open`; close it (or use ``with``).

    Its parts, by concern: :mod:`~workbench.store.lifecycle` (open, create, migrate),
    :mod:`~workbench.store.connection` (connections, transactions),
    :mod:`~workbench.store.edits` (text, status, confirmations),
    :mod:`~workbench.store.alignment_edits` (merge, split, relink),
    :mod:`~workbench.store.history` (history, undo, redo) and
    :mod:`~workbench.store.memory_sync` (the translation memory); reading is here.
    """

    def __init__(self, path: Path) -> None:
        # use Project.open / Project.create_aligned
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conns: dict[int, sqlite3.Connection] = {}
        self._mt_conns: dict[int, sqlite3.Connection] = {}
        self._mt_objects: dict[tuple[int, str], Any] = {}
        self._closed = False
        self._actor = _actor()
        self._segments: dict[str, list[Segment]] = {}
        try:
            conn = self._conn()
            self._check_and_migrate(conn)
            self._meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            self.unit: str = self._meta["unit"]
            for side in SIDES:
                rows = conn.execute(
                    "SELECT idx, text, char_start, char_end, paragraph FROM segment "
                    "WHERE side = ? AND unit = ? ORDER BY idx", (side, self.unit)).fetchall()
                self._segments[side] = [Segment(*r) for r in rows]
        except sqlite3.DatabaseError as exc:
            self.close()
            raise WorkbenchError(f"cannot read the project: {exc}", path=self.path) from None
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"Project({str(self.path)!r}, unit={self.unit!r}, pair={self.pair_id!r})"

    # ---- reading

    @property
    def pair_id(self) -> str:
        return self._meta.get("pair", "")

    @property
    def source_language(self) -> str:
        return self._meta.get("source_language", "ar")

    @property
    def target_language(self) -> str:
        return self._meta.get("target_language", "en")

    @property
    def created_at(self) -> str:
        return self._meta.get("created_at", "")

    @property
    def origin(self) -> str:
        """How translation-memory units from this project are labelled."""
        return f"project:{self.path.resolve()}"

    def meta(self) -> dict[str, str]:
        return dict(self._meta)

    def document(self, side: str) -> StoredDocument:
        if side not in SIDES:
            raise WorkbenchError(f"unknown side {side!r} (source or target)")
        row = self._conn().execute(
            "SELECT side, name, language, text, sha256 FROM document WHERE side = ?",
            (side,)).fetchone()
        return StoredDocument(*row)

    def segments(self, side: str) -> list[Segment]:
        if side not in SIDES:
            raise WorkbenchError(f"unknown side {side!r} (source or target)")
        return list(self._segments[side])

    def links(self) -> list[ProjectLink]:
        """Every link, in source order (insertions after the link holding the target before)."""
        with self._read() as conn:
            rows = conn.execute("SELECT id, score, origin, target_text, status, version, "
                                "updated_at FROM link").fetchall()
            members = conn.execute(
                "SELECT link_id, side, idx FROM link_segment ORDER BY idx").fetchall()
        return order_links(self._build(rows, members))

    def link(self, link_id: int) -> ProjectLink:
        with self._read() as conn:
            rows = conn.execute("SELECT id, score, origin, target_text, status, version, "
                                "updated_at FROM link WHERE id = ?", (link_id,)).fetchall()
            members = conn.execute("SELECT link_id, side, idx FROM link_segment "
                                   "WHERE link_id = ? ORDER BY idx", (link_id,)).fetchall()
        if not rows:
            raise ConflictError(f"link {link_id} does not exist (any more): the alignment was "
                                "changed; reload the project", path=self.path)
        return self._build(rows, members)[0]

    def link_for_segment(self, side: str, index: int) -> ProjectLink:
        row = self._conn().execute("SELECT link_id FROM link_segment WHERE side = ? AND idx = ?",
                                   (side, index)).fetchone()
        if row is None:
            raise WorkbenchError(f"no {side} segment {index}")
        return self.link(row[0])

    def _build(self, rows: Iterable[tuple], members: Iterable[tuple]) -> list[ProjectLink]:
        src: dict[int, list[int]] = {}
        tgt: dict[int, list[int]] = {}
        for link_id, side, idx in members:
            (src if side == "source" else tgt).setdefault(link_id, []).append(idx)
        ssegs, tsegs = self._segments["source"], self._segments["target"]
        out = []
        for link_id, score, origin, text, status, version, updated in rows:
            s = tuple(sorted(src.get(link_id, ())))
            t = tuple(sorted(tgt.get(link_id, ())))
            out.append(ProjectLink(
                id=link_id, src=s, tgt=t, score=score, origin=origin, target_text=text,
                status=status, version=version, updated_at=updated,
                source_text=" ".join(ssegs[i].text for i in s),
                reference_text=" ".join(tsegs[j].text for j in t)))
        return out

    def status_counts(self) -> dict[str, int]:
        """Links with source text, by status (insertions, which have none, are not counted)."""
        counts = dict.fromkeys(STATUSES, 0)
        for link in self.links():
            if not link.is_insertion:
                counts[link.status] += 1
        return counts

    def integrity_check(self) -> str:
        """``ok`` or SQLite's description of the damage."""
        rows = self._conn().execute("PRAGMA integrity_check").fetchall()
        return "; ".join(r[0] for r in rows)
