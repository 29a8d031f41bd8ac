"""Alignment edits: merge, split and relink (a part of :class:`workbench.store.project.Project`).

A changed alignment replaces links by new ones over exactly the same segments;
the translator's text moves with its first segment, as a draft.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from workbench.errors import WorkbenchError
from workbench.mt.tm_schema import utc_timestamp as _now
from workbench.store.confirm import carry_confirmation
from workbench.store.connection import ConflictError
from workbench.store.records import ACCEPTED, ProjectLink, _Rec
from workbench.text.segment import Segment


def _insert_link_segments(conn: sqlite3.Connection, link_id: int, src: Iterable[int],
                          tgt: Iterable[int]) -> None:
    conn.executemany("INSERT INTO link_segment (side, idx, link_id) VALUES (?, ?, ?)",
                     [("source", i, link_id) for i in src] + [("target", j, link_id) for j in tgt])


def _rec_order(r: _Rec) -> tuple:
    return (r.src[0] if r.src else float("inf"), r.tgt[0] if r.tgt else -1)


class AlignmentEdits:
    """Merge, split and relink links."""

    path: Path
    _actor: str
    _segments: dict[str, list[Segment]]

    def merge(self, link_ids: Sequence[int], *, base_versions: Mapping[int, int]) -> ProjectLink:
        """Join links into one (their texts concatenated in order)."""
        ids = list(dict.fromkeys(int(i) for i in link_ids))
        if len(ids) < 2:
            raise WorkbenchError("merge needs at least two links")
        with self._write() as conn:
            old = self._load_recs(conn, ids, base_versions)
            old.sort(key=_rec_order)
            src = tuple(sorted(i for r in old for i in r.src))
            tgt = tuple(sorted(j for r in old for j in r.tgt))
            text = " ".join(t for t in (r.text.strip() for r in old) if t)
            status = "new" if all(r.status == "new" for r in old) else "draft"
            new = self._replace(conn, "merge", old, [_Rec(0, src, tgt, None, "person", text,
                                                          status)])
        return self.link(new[0])

    def split(self, link_id: int, src_at: int, tgt_at: int, *, base_version: int,
              ) -> list[ProjectLink]:
        """Split a link in two: its first ``src_at`` source and ``tgt_at`` target segments
        form the first part, the rest the second.  The translator's text (if the link
        was no longer ``new``) stays with the first part as a draft; other parts start
        from their aligned target text."""
        with self._write() as conn:
            (old,) = self._load_recs(conn, [link_id], {link_id: base_version})
            if not (0 <= src_at <= len(old.src) and 0 <= tgt_at <= len(old.tgt)):
                raise WorkbenchError(f"cannot split link {link_id} ({len(old.src)} source, "
                                     f"{len(old.tgt)} target segments) at {src_at}/{tgt_at}")
            blocks = [(old.src[:src_at], old.tgt[:tgt_at]), (old.src[src_at:], old.tgt[tgt_at:])]
            if any(not s and not t for s, t in blocks):
                raise WorkbenchError("a split must leave segments on both sides of the cut")
            new = self._replace(conn, "split", [old], self._carry([old], blocks))
        return [self.link(i) for i in new]

    def relink(self, link_ids: Sequence[int], blocks: Sequence[tuple[Sequence[int], Sequence[int]]],
               *, base_versions: Mapping[int, int],
               scores: Sequence[float | None] | None = None) -> list[ProjectLink]:
        """Replace links by new ones over the same segments.

        ``blocks`` are ``(source indices, target indices)`` pairs that together use
        exactly the segments of the replaced links, each once.  A block equal to an
        old link keeps its text and status; translator text of a changed link moves,
        as a draft, to the block holding its first source (else target) segment.
        With ``scores`` (one per block: a re-alignment), the changed blocks are the
        aligner's links with those confidences, else a person's (confirmed) links.
        """
        ids = list(dict.fromkeys(int(i) for i in link_ids))
        if not ids:
            raise WorkbenchError("relink needs at least one link")
        norm = [(tuple(sorted(int(i) for i in s)), tuple(sorted(int(j) for j in t)))
                for s, t in blocks]
        if not norm or any(not s and not t for s, t in norm):
            raise WorkbenchError("every new link needs at least one segment")
        if scores is not None and len(scores) != len(norm):
            raise WorkbenchError(f"{len(norm)} blocks but {len(scores)} scores")
        with self._write() as conn:
            old = self._load_recs(conn, ids, base_versions)
            recs = self._carry(old, norm)
            if scores is not None:
                kept = {(r.src, r.tgt) for r in old}
                for r, score in zip(recs, scores):
                    if (r.src, r.tgt) not in kept:
                        r.origin, r.score = "aligner", None if score is None else float(score)
            new = self._replace(conn, "relink", old, recs)
        return [self.link(i) for i in new]

    def _load_recs(self, conn: sqlite3.Connection, ids: Sequence[int],
                   base_versions: Mapping[int, int]) -> list[_Rec]:
        recs = []
        for link_id in ids:
            row = conn.execute("SELECT id, score, origin, target_text, status, version FROM link "
                               "WHERE id = ?", (link_id,)).fetchone()
            if row is None:
                raise ConflictError(f"link {link_id} does not exist (any more): the alignment "
                                    "was changed; reload and try again", path=self.path)
            if link_id not in base_versions:
                raise WorkbenchError(f"no base version given for link {link_id}")
            if row[5] != int(base_versions[link_id]):
                raise ConflictError(
                    f"link {link_id} was changed elsewhere since you read it (version "
                    f"{base_versions[link_id]}, now {row[5]}); nothing was changed: reload and "
                    "try again", path=self.path)
            src, tgt = self._members(conn, link_id)
            recs.append(_Rec(row[0], src, tgt, row[1], row[2], row[3], row[4], row[5]))
        return recs

    @staticmethod
    def _members(conn: sqlite3.Connection, link_id: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        rows = conn.execute("SELECT side, idx FROM link_segment WHERE link_id = ? ORDER BY idx",
                            (link_id,)).fetchall()
        return (tuple(i for s, i in rows if s == "source"),
                tuple(i for s, i in rows if s == "target"))

    def _reference(self, tgt: Sequence[int]) -> str:
        return " ".join(self._segments["target"][j].text for j in tgt)

    def _carry(self, old: list[_Rec],
               blocks: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> list[_Rec]:
        """New records for ``blocks``, carrying over text and status from ``old``."""
        by_key = {(r.src, r.tgt): r for r in old}
        new: list[_Rec] = []
        kept: set[int] = set()
        for s, t in blocks:
            same = by_key.get((s, t))
            if same is not None:
                kept.add(same.id)
                new.append(_Rec(0, s, t, same.score, same.origin, same.text, same.status))
            else:
                new.append(_Rec(0, s, t, None, "person", self._reference(t), "new"))
        for r in sorted(old, key=_rec_order):
            if r.id in kept or r.status == "new":
                continue
            anchor = ("source", r.src[0]) if r.src else ("target", r.tgt[0])
            for b in new:
                if (anchor[0] == "source" and anchor[1] in b.src) or (
                        anchor[0] == "target" and anchor[1] in b.tgt):
                    if b.status == "new":
                        b.text, b.status = r.text, "draft"
                    else:
                        b.text = f"{b.text} {r.text}".strip()
                    break
        return new

    def _replace(self, conn: sqlite3.Connection, kind: str, old: list[_Rec],
                 new: list[_Rec]) -> list[int]:
        n_src, n_tgt = len(self._segments["source"]), len(self._segments["target"])
        for side, get, n in (("source", lambda r: r.src, n_src), ("target", lambda r: r.tgt, n_tgt)):
            before = sorted(i for r in old for i in get(r))
            after = sorted(i for r in new for i in get(r))
            if before != after:
                extra = sorted(set(after) - set(before))
                missing = sorted(set(before) - set(after))
                dup = sorted({i for i in after if after.count(i) > 1})
                what = (f"uses {side} segments {extra} that are not in the links being replaced"
                        if extra else f"uses {side} segments {dup} twice" if dup
                        else f"leaves out {side} segments {missing}")
                raise WorkbenchError(f"the new alignment {what}")
            if any(i < 0 or i >= n for i in after):
                raise WorkbenchError(f"{side} index out of range (0..{n - 1})")
        now = _now()
        for r in old:
            conn.execute("DELETE FROM link WHERE id = ?", (r.id,))
        ids = []
        for r in new:
            cur = conn.execute("INSERT INTO link (score, origin, target_text, status, version, "
                               "updated_at) VALUES (?, ?, ?, ?, 1, ?)",
                               (r.score, r.origin, r.text, r.status, now))
            r.id, r.version = int(cur.lastrowid), 1
            _insert_link_segments(conn, r.id, r.src, r.tgt)
            ids.append(r.id)
        carry_confirmation(conn, old, new, now, self._actor)
        self._log(conn, kind, None, {"links": [r.to_json() for r in old]},
                  {"links": [r.to_json() for r in new]}, now)
        self._drop_redo(conn)
        for r in new:
            if r.status in ACCEPTED:
                self._remember(conn, r.id)
        return ids
