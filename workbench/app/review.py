"""Alignment review: the links of a project as rows, and the edits a reviewer makes.

:class:`AlignmentReview` is the view model behind the TUI's review screen (and any
other front end): one :class:`ReviewRow` per link in source order with its number,
kind (``1:1``, ``n:m``, ``deletion``, ``insertion`` or ``moved``), confidence and
confirmed mark, and the edits:

* :meth:`~AlignmentReview.confirm` / :meth:`~AlignmentReview.unconfirm`;
* :meth:`~AlignmentReview.merge_with_next`, :meth:`~AlignmentReview.split`,
  :meth:`~AlignmentReview.move_boundary`, :meth:`~AlignmentReview.unlink`,
  :meth:`~AlignmentReview.link_to`;
* :meth:`~AlignmentReview.realign_unconfirmed`: the aligner again on every link not
  confirmed, the confirmed links fixed (:mod:`workbench.align.constrained`).

Each edit is one store transaction (:meth:`Project.merge`, ``split``, ``relink``,
``confirm``), undone and redone with the store's :meth:`~AlignmentReview.undo` /
:meth:`~AlignmentReview.redo`; translations follow the links as the store carries
them.  Links a person makes are confirmed by the store; re-aligned links are not.

The rows, their kinds and the *moved* links are :mod:`workbench.app.review_rows`
(re-exported here); the order of the links is the store's
(:func:`workbench.store.records.order_links`).
"""

from __future__ import annotations

from typing import Callable, Sequence

from workbench.app.review_rows import (
    KINDS,
    EditResult,
    ReviewRow,
    as_list,
    check_side,
    doubt_key,
    kind_of,
    moved_links,
    shape_of,
)
from workbench.errors import WorkbenchError
from workbench.store.project import Project, ProjectLink
from workbench.store.records import order_links

__all__ = ["KINDS", "ReviewRow", "EditResult", "AlignmentReview", "moved_links", "order_links"]

class AlignmentReview:
    """The review rows of a project and its alignment edits (see the module docstring)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.rows: list[ReviewRow] = []
        self._confirmed: set[int] = set()
        self._by_id: dict[int, int] = {}
        self._owner: dict[tuple[str, int], int] = {}
        self.revision = -1
        self.reload()

    # ---- reading

    def reload(self) -> list[ReviewRow]:
        """Read the links again (after an edit in another window)."""
        self.revision = self.project.revision
        self._confirmed = self.project.confirmed_ids()
        return self._build(self.project.links())

    def _build(self, links: list[ProjectLink]) -> list[ReviewRow]:
        confirmed = self._confirmed
        moved = moved_links(links)
        self.rows = [ReviewRow(n, lk, kind_of(lk, lk.id in moved), shape_of(lk), lk.id in moved,
                               lk.id in confirmed) for n, lk in enumerate(links, 1)]
        self._by_id = {r.id: k for k, r in enumerate(self.rows)}
        self._owner = {}
        for r in self.rows:
            for i in r.src:
                self._owner[("source", i)] = r.id
            for j in r.tgt:
                self._owner[("target", j)] = r.id
        return self.rows

    def _update(self, removed: Sequence[int] = (), added: Sequence[ProjectLink] = (),
                changed: Sequence[ProjectLink] = (), steps: int = 1) -> None:
        """Apply this object's own edit to the rows without reading every link again (an
        edit on 1,000 links stays a few milliseconds); reload if another process wrote in
        between (the revision moved by more than this edit's ``steps`` entries)."""
        revision = self.project.revision
        if revision != self.revision + steps:
            self.reload()
            return
        self.revision = revision
        gone = set(removed)
        new = {lk.id: lk for lk in changed}
        links = [new.get(r.id, r.link) for r in self.rows if r.id not in gone]
        self._build(order_links(links + list(added)))

    def refresh_if_changed(self) -> bool:
        """Reload when another process changed the project; True if it did."""
        if self.project.revision != self.revision:
            self.reload()
            return True
        return False

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, link_id: int) -> ReviewRow:
        k = self._by_id.get(link_id)
        if k is None:
            raise WorkbenchError(f"link {link_id} is not in the project (any more)")
        return self.rows[k]

    def index_of(self, link_id: int) -> int:
        """The row position of a link (0-based)."""
        self.row(link_id)
        return self._by_id[link_id]

    def owner(self, side: str, index: int) -> int:
        """The id of the link holding a segment."""
        check_side(side)
        try:
            return self._owner[(side, index)]
        except KeyError:
            raise WorkbenchError(f"no {side} segment {index}") from None

    def segment_texts(self, row: ReviewRow) -> tuple[list[str], list[str]]:
        """The Arabic and the English segments of a row, one string each."""
        ssegs, tsegs = self.project.segments("source"), self.project.segments("target")
        return [ssegs[i].text for i in row.src], [tsegs[j].text for j in row.tgt]

    def by_confidence(self) -> list[ReviewRow]:
        """Rows from the least confident (links without a score, a person's, last)."""
        return sorted(self.rows, key=doubt_key)

    def next_doubtful(self, after: int | None = None) -> ReviewRow | None:
        """The least confident link not confirmed; with ``after`` (a link id), the next one
        after it in that order (wrapping round).  None when every link is confirmed."""
        todo = sorted((r for r in self.rows if not r.confirmed), key=doubt_key)
        if not todo:
            return None
        if after is not None and after in self._by_id:
            ids = [r.id for r in todo]
            if after in ids:
                return todo[(ids.index(after) + 1) % len(todo)]
            here = doubt_key(self.row(after))
            return next((r for r in todo if doubt_key(r) > here), todo[0])
        return todo[0]

    def counts(self) -> dict[str, int]:
        """Rows by kind, and how many are confirmed."""
        out = dict.fromkeys(KINDS, 0)
        for r in self.rows:
            out[r.kind] += 1
        out["confirmed"] = sum(r.confirmed for r in self.rows)
        return out

    # ---- confirming

    def confirm(self, link_id: int, confirmed: bool = True) -> EditResult:
        self.row(link_id)
        self.refresh_if_changed()
        changed = self.project.confirm([link_id], confirmed)
        if changed:
            (self._confirmed.add if confirmed else self._confirmed.discard)(link_id)
            self._update(steps=1)
        return EditResult("confirm" if confirmed else "unconfirm",
                          (link_id,) if changed else (), link_id)

    def unconfirm(self, link_id: int) -> EditResult:
        return self.confirm(link_id, False)

    def toggle_confirmed(self, link_id: int) -> EditResult:
        return self.confirm(link_id, not self.row(link_id).confirmed)

    # ---- alignment edits

    def _versions(self, *ids: int) -> dict[int, int]:
        return {i: self.row(i).link.version for i in ids}

    def _done(self, kind: str, replaced: Sequence[int], links: Sequence[ProjectLink],
              focus: int | None) -> EditResult:
        self._confirmed = self.project.confirmed_ids()  # the store marks a person's links
        self._update(removed=replaced, added=links)
        return EditResult(kind, tuple(lk.id for lk in links), focus)

    def next_row(self, link_id: int) -> ReviewRow | None:
        k = self.index_of(link_id) + 1
        return self.rows[k] if k < len(self.rows) else None

    def merge_with_next(self, link_id: int) -> EditResult:
        """Join a link with the next one in source order."""
        nxt = self.next_row(link_id)
        if nxt is None:
            raise WorkbenchError("the last link has no next link to merge with")
        merged = self.project.merge([link_id, nxt.id], base_versions=self._versions(link_id,
                                                                                     nxt.id))
        return self._done("merge", [link_id, nxt.id], [merged], merged.id)

    def split(self, link_id: int, src_at: int, tgt_at: int) -> EditResult:
        """Cut a link in two after its first ``src_at`` source and ``tgt_at`` target segments."""
        row = self.row(link_id)
        parts = self.project.split(link_id, src_at, tgt_at,
                                   base_version=row.link.version)
        return self._done("split", [link_id], parts, parts[0].id)

    def split_points(self, link_id: int) -> list[tuple[int, int]]:
        """Every (src_at, tgt_at) a split of this link can take."""
        row = self.row(link_id)
        ns, nt = len(row.src), len(row.tgt)
        return [(a, b) for a in range(ns + 1) for b in range(nt + 1)
                if (a or b) and (ns - a or nt - b)]

    def move_boundary(self, link_id: int, side: str, delta: int, *, edge: str = "end"
                      ) -> EditResult:
        """Move one edge of a link by one segment on one side.

        ``edge="end"``: ``delta=+1`` takes the next segment of ``side`` from the link holding
        it, ``-1`` gives the link's last segment to the link holding the one after it.
        ``edge="start"``: ``-1`` takes the segment before the link's first, ``+1`` gives its
        first segment to the link holding the one before it.  A link left with no segment
        disappears; one left with one side becomes a deletion or an insertion.
        """
        check_side(side)
        if delta not in (-1, 1) or edge not in ("start", "end"):
            raise WorkbenchError("move a boundary by one segment: delta -1 or +1, edge start "
                                 "or end")
        row = self.row(link_id)
        mine = list(row.src if side == "source" else row.tgt)
        n = len(self.project.segments(side))
        if not mine:
            raise WorkbenchError(f"link {row.number} has no {side} segments: it has no "
                                 f"{side} boundary to move (link it with Link to... or merge)")
        grow = (edge == "end") == (delta > 0)
        if edge == "end":
            seg = mine[-1] + 1 if grow else mine[-1]
            neighbour_seg = seg if grow else seg + 1
        else:
            seg = mine[0] - 1 if grow else mine[0]
            neighbour_seg = seg if grow else seg - 1
        if not 0 <= neighbour_seg < n:
            raise WorkbenchError(f"no {side} segment {neighbour_seg + 1} there: the "
                                 f"{'end' if neighbour_seg >= n else 'start'} of the document")
        other_id = self.owner(side, neighbour_seg)
        if other_id == link_id:
            raise WorkbenchError("that segment is already in this link")
        other = self.row(other_id)
        theirs = list(other.src if side == "source" else other.tgt)
        if grow:
            theirs.remove(seg)
            mine.append(seg)
        else:
            mine.remove(seg)
            theirs.append(seg)
        if side == "source":
            blocks = [(mine, list(row.tgt)), (theirs, list(other.tgt))]
        else:
            blocks = [(list(row.src), mine), (list(other.src), theirs)]
        blocks = [(s, t) for s, t in blocks if s or t]
        made = self.project.relink([link_id, other_id], blocks,
                                   base_versions=self._versions(link_id, other_id))
        focus = made[0].id if made else None
        return self._done("move boundary", [link_id, other_id], made, focus)

    def unlink(self, link_id: int, side: str, index: int | None = None) -> EditResult:
        """Detach one segment (default: the link's last on ``side``) into a deletion (source)
        or an insertion (target); the rest of the link stays linked."""
        check_side(side)
        row = self.row(link_id)
        mine = list(row.src if side == "source" else row.tgt)
        if not mine:
            raise WorkbenchError(f"link {row.number} has no {side} segment to unlink")
        if index is None:
            index = mine[-1]
        if index not in mine:
            raise WorkbenchError(f"{side} segment {index} is not in link {row.number}")
        if len(mine) == 1 and not (row.tgt if side == "source" else row.src):
            raise WorkbenchError(f"link {row.number} is already a "
                                 f"{'deletion' if side == 'source' else 'insertion'}")
        rest = [i for i in mine if i != index]
        if side == "source":
            blocks = [(rest, list(row.tgt)), ([index], [])]
        else:
            blocks = [(list(row.src), rest), ([], [index])]
        blocks = [(s, t) for s, t in blocks if s or t]
        made = self.project.relink([link_id], blocks,
                                   base_versions=self._versions(link_id))
        return self._done("unlink", [link_id], made, made[0].id)

    def link_candidates(self, link_id: int) -> list[ReviewRow]:
        """The links a deletion (or insertion) can be linked to: the insertions (deletions),
        nearest first by position."""
        row = self.row(link_id)
        if row.kind not in ("deletion", "insertion"):
            return []
        want = "insertion" if row.kind == "deletion" else "deletion"
        here = self.index_of(link_id)
        return sorted((r for r in self.rows if r.kind == want),
                      key=lambda r: abs(self.index_of(r.id) - here))

    def link_to(self, link_id: int, other_id: int) -> EditResult:
        """Link a deletion with an insertion (either order) into one link."""
        a, b = self.row(link_id), self.row(other_id)
        kinds = {a.kind, b.kind}
        if kinds != {"deletion", "insertion"}:
            raise WorkbenchError(f"Link to... joins a deletion with an insertion (links "
                                 f"{a.number} and {b.number} are {a.kind} and {b.kind}); "
                                 "use Merge with next for other links")
        made = self.project.relink([a.id, b.id], [(list(a.src) + list(b.src),
                                                   list(a.tgt) + list(b.tgt))],
                                   base_versions=self._versions(a.id, b.id))
        return self._done("link", [a.id, b.id], made, made[0].id)

    def realign_unconfirmed(self, *, aligner=None, glossary=None, max_link: int = 3,
                            progress: Callable | None = None, cancel=None) -> EditResult:
        """Run the aligner again over every link not confirmed, the confirmed ones fixed.

        One relink (one undo step); blocks the aligner finds again keep their links'
        text and status.
        """
        from workbench.align.constrained import align_with_fixed

        self.refresh_if_changed()
        fixed = [r.link.as_link() for r in self.rows if r.confirmed]
        free = [r for r in self.rows if not r.confirmed]
        if not free:
            return EditResult("realign", (), None)
        src = [s.text for s in self.project.segments("source")]
        tgt = [t.text for t in self.project.segments("target")]
        new = align_with_fixed(src, tgt, fixed, aligner=aligner, glossary=glossary,
                               max_link=max_link, progress=progress, cancel=cancel)
        if sorted((lk.src, lk.tgt) for lk in new) == sorted((r.src, r.tgt) for r in free):
            return EditResult("realign", (), None)  # the aligner agrees: nothing to change
        made = self.project.relink([r.id for r in free], [(lk.src, lk.tgt) for lk in new],
                                   base_versions={r.id: r.link.version for r in free},
                                   scores=[lk.score for lk in new])
        return self._done("realign", [r.id for r in free], made, None)

    # ---- undo / redo

    def undo(self):
        """The store's undo (any edit: text, status, confirmation, alignment); the
        :class:`~workbench.store.records.HistoryEntry` undone, or None."""
        return self._undo_redo(True)

    def redo(self):
        return self._undo_redo(False)

    def _undo_redo(self, undo: bool):
        self.refresh_if_changed()
        entry = self.project.undo() if undo else self.project.redo()
        if entry is None:
            return None
        frm, to = (entry.new, entry.old) if undo else (entry.old, entry.new)
        try:
            if entry.kind == "confirm":
                for d in as_list(to):
                    (self._confirmed.add if d["confirmed"] else self._confirmed.discard)(d["id"])
                self._update(steps=1)
            elif entry.kind in ("edit", "import"):
                self._update(changed=[self.project.link(d["id"]) for d in as_list(to)], steps=1)
            else:
                self._confirmed = self.project.confirmed_ids()
                self._update(removed=[d["id"] for d in frm["links"]],
                             added=[self.project.link(d["id"]) for d in to["links"]], steps=1)
        except (KeyError, TypeError, WorkbenchError):
            self.reload()
        return entry
