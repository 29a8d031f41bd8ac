"""Translator edits: text and status of links, confirmations (a part of
:class:`workbench.store.project.Project`).

Optimistic locking: an edit names the :attr:`ProjectLink.version` it was based
on, and if another window or process changed the link in between, the edit is
refused with :class:`ConflictError` (nothing is overwritten).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from workbench.errors import WorkbenchError
from workbench.mt.tm_schema import utc_timestamp as _now
from workbench.store.confirm import confirmed_ids, set_confirmed
from workbench.store.connection import ConflictError
from workbench.store.records import ACCEPTED, ProjectLink, check_text
from workbench.store.schema import STATUSES


class Edits:
    """Text and status edits of links, and confirmations."""

    path: Path
    _actor: str

    def edit(self, link_id: int, text: str | None = None, *, status: str | None = None,
             base_version: int) -> ProjectLink:
        """Change a link's text and/or status in one committed transaction.

        ``base_version`` is the :attr:`ProjectLink.version` the edit was based on;
        if the link changed since, :class:`ConflictError` is raised and nothing
        is written.  Changing the text without giving a status makes the link a
        ``draft``.  Setting an accepted status (``translated``, ``reviewed``) adds
        the pair to the translation memory.
        """
        return self.apply_edits([(link_id, text, status, base_version)], kind="edit")[0]

    def accept(self, link_id: int, text: str | None = None, *, base_version: int,
               status: str = "translated") -> ProjectLink:
        """Mark a link translated (or reviewed), optionally with new text; adds it to the TM."""
        if status not in ACCEPTED:
            raise WorkbenchError(f"accept needs status {' or '.join(ACCEPTED)}, not {status!r}")
        return self.edit(link_id, text, status=status, base_version=base_version)

    def apply_edits(self, edits: Sequence[tuple[int, str | None, str | None, int]], *,
                    kind: str = "import") -> list[ProjectLink]:
        """Apply several ``(link_id, text, status, base_version)`` edits all or nothing.

        One transaction and one history entry (one undo step).  Edits that change
        nothing are skipped.
        """
        if kind not in ("edit", "import"):
            raise WorkbenchError(f"unknown edit kind {kind!r}")
        prepared = []
        for link_id, text, status, base in edits:
            if text is not None:
                text = check_text(text)
            if status is not None and status not in STATUSES:
                raise WorkbenchError(f"unknown status {status!r} (expected one of "
                                     f"{', '.join(STATUSES)})")
            prepared.append((int(link_id), text, status, int(base)))
        if len({e[0] for e in prepared}) != len(prepared):
            raise WorkbenchError("the same link is edited twice in one batch")
        with self._write() as conn:
            olds, news, tm_adds = [], [], []
            now = _now()
            for link_id, text, status, base in prepared:
                row = conn.execute("SELECT target_text, status, version FROM link WHERE id = ?",
                                   (link_id,)).fetchone()
                if row is None:
                    raise ConflictError(f"link {link_id} does not exist (any more): the "
                                        "alignment was changed; reload and edit again",
                                        path=self.path)
                old_text, old_status, version = row
                if version != base:
                    raise ConflictError(
                        f"link {link_id} was changed elsewhere since you read it (version "
                        f"{base}, now {version}); nothing was overwritten: reload it and edit "
                        "again", path=self.path)
                new_text = old_text if text is None else text
                if status is not None:
                    new_status = status
                elif new_text != old_text:
                    new_status = "draft"
                else:
                    new_status = old_status
                if (new_text, new_status) == (old_text, old_status):
                    continue
                conn.execute("UPDATE link SET target_text = ?, status = ?, version = version + 1,"
                             " updated_at = ? WHERE id = ?",
                             (new_text, new_status, now, link_id))
                olds.append({"id": link_id, "text": old_text, "status": old_status})
                news.append({"id": link_id, "text": new_text, "status": new_status})
                if new_status in ACCEPTED:
                    tm_adds.append(link_id)
            if olds:
                single = kind == "edit" and len(olds) == 1
                self._log(conn, kind, olds[0]["id"] if single else None,
                          olds[0] if single else olds, news[0] if single else news, now)
                self._drop_redo(conn)
                for link_id in tm_adds:
                    self._remember(conn, link_id)
        return [self.link(e[0]) for e in prepared]

    # ---- confirmed links (alignment review)

    def confirmed_ids(self) -> set[int]:
        """Ids of the links a person confirmed (see :mod:`workbench.store.confirm`)."""
        return confirmed_ids(self._conn())

    def confirm(self, link_ids: Sequence[int], confirmed: bool = True) -> bool:
        """Mark links confirmed (or not) in one undoable transaction; False if nothing changed."""
        with self._write() as conn:
            now = _now()
            olds, news = set_confirmed(conn, link_ids, confirmed, now, self._actor)
            if not olds:
                return False
            self._log(conn, "confirm", olds[0]["id"] if len(olds) == 1 else None, olds, news,
                      now)
            self._drop_redo(conn)
        return True
