"""The alignment review view model on a real project: rows, confirmation and every edit,
each one store transaction, undone and redone by the store."""

from __future__ import annotations

import sqlite3

import pytest

from workbench.app.review import AlignmentReview
from workbench.errors import WorkbenchError
from workbench.store.project import ConflictError, Project
from workbench.store.schema import SCHEMA_VERSION


def keys(review: AlignmentReview) -> list[tuple]:
    return [(r.src, r.tgt) for r in review.rows]


def state(project: Project) -> tuple:
    """Everything an edit can change: links (ids, segments, text, status), marks, memory."""
    links = tuple((lk.id, lk.src, lk.tgt, lk.target_text, lk.status, lk.origin)
                  for lk in project.links())
    return links, frozenset(project.confirmed_ids()), project.memory_count()


def by_key(review: AlignmentReview, src, tgt):
    return next(r for r in review.rows if (r.src, r.tgt) == (tuple(src), tuple(tgt)))


def test_rows_kinds_moved_and_numbers(loose):
    review = AlignmentReview(loose)
    assert len(review) == 14
    assert [r.number for r in review.rows] == list(range(1, 15))
    kinds = {(r.src, r.tgt): r.kind for r in review.rows}
    assert kinds[((0,), (6,))] == "moved"  # 004's first paragraph, near the end of 001
    assert kinds[((), (0,))] == "insertion"
    assert kinds[((4,), ())] == "deletion"
    assert kinds[((3,), (4, 5))] == "n:m" and by_key(review, [3], [4, 5]).shape == "1:2"
    assert kinds[((2,), (3,))] == "1:1"
    assert sum(r.moved for r in review.rows) == 1
    assert review.counts()["moved"] == 1 and review.counts()["confirmed"] == 0
    ar, en = review.segment_texts(by_key(review, [3], [4, 5]))
    assert len(ar) == 1 and len(en) == 2 and en[0] and ar[0]


def test_main_pair_gold_has_no_moved_link(main_project):
    review = AlignmentReview(main_project)
    assert not any(r.moved for r in review.rows)
    assert review.counts()["1:1"] == 2 and review.counts()["n:m"] == 2


def test_confirm_is_stored_undoable_and_seen_by_another_handle(loose):
    review = AlignmentReview(loose)
    row = by_key(review, [2], [3])
    rev = loose.revision
    review.confirm(row.id)
    assert review.row(row.id).confirmed
    assert loose.changed_links(rev) == {row.id}
    with Project.open(loose.path) as other:
        assert other.confirmed_ids() == {row.id}
    assert "confirm link" in loose.history(1)[0].describe()
    assert review.confirm(row.id).link_ids == ()  # already confirmed: no history entry
    review.undo()
    assert not review.row(row.id).confirmed
    review.redo()
    assert review.row(row.id).confirmed
    review.unconfirm(row.id)
    assert loose.confirmed_ids() == set()
    assert "unconfirm" in loose.history(1)[0].describe()


def test_next_doubtful_is_the_least_confident_unconfirmed(loose):
    review = AlignmentReview(loose)
    first = review.next_doubtful()
    assert (first.src, first.tgt) == ((11,), (10,))  # 0.5942
    second = review.next_doubtful(after=first.id)
    assert (second.src, second.tgt) == ((7,), (9,))  # 0.6017
    review.confirm(first.id)
    assert review.next_doubtful().id == second.id
    for r in list(review.rows):
        review.confirm(r.id)
    assert review.next_doubtful() is None


def test_merge_with_next_carries_the_translation_and_undoes(loose):
    review = AlignmentReview(loose)
    row = by_key(review, [1], [1])
    loose.accept(row.id, "The rift widens.", base_version=row.link.version)
    review.reload()
    before = state(loose)
    result = review.merge_with_next(row.id)
    merged = review.row(result.focus)
    assert (merged.src, merged.tgt) == ((1,), (1, 2))
    assert merged.link.target_text.startswith("The rift widens.")
    assert merged.link.status == "draft" and merged.confirmed  # a person made it
    assert loose.history(1)[0].kind == "merge"
    review.undo()
    assert state(loose) == before
    review.redo()
    assert (review.row(result.focus).src, review.row(result.focus).tgt) == ((1,), (1, 2))


def test_split_at_a_boundary_on_either_side_and_undo(loose):
    review = AlignmentReview(loose)
    row = by_key(review, [3], [4, 5])
    assert (0, 1) in review.split_points(row.id) and (1, 1) in review.split_points(row.id)
    before = state(loose)
    review.split(row.id, 1, 1)
    assert ((3,), (4,)) in keys(review) and ((), (5,)) in keys(review)
    review.undo()
    assert state(loose) == before
    review.split(row.id, 0, 1)  # the cut on the English side only: [] : [4], [3] : [5]
    assert ((), (4,)) in keys(review) and ((3,), (5,)) in keys(review)
    with pytest.raises(WorkbenchError):
        review.split(by_key(review, [2], [3]).id, 0, 0)


def test_move_boundary_both_edges_both_ways(loose):
    review = AlignmentReview(loose)
    before = state(loose)
    row = by_key(review, [3], [4, 5])
    # the end of its English by -1: 5 goes to the link holding 6 ([0]:[6])
    review.move_boundary(row.id, "target", -1)
    assert ((3,), (4,)) in keys(review) and ((0,), (5, 6)) in keys(review)
    review.undo()
    assert state(loose) == before
    # the start of its English by -1: takes 3 from [2]:[3], which becomes a deletion
    review.move_boundary(row.id, "target", -1, edge="start")
    assert ((3,), (3, 4, 5)) in keys(review) and ((2,), ()) in keys(review)
    review.undo()
    # the end of [5,6]:[8] on the Arabic side by -1: 6 goes to [7]:[9]
    row = by_key(review, [5, 6], [8])
    review.move_boundary(row.id, "source", -1)
    assert ((5,), (8,)) in keys(review) and ((6, 7), (9,)) in keys(review)
    review.undo()
    # the end of [3]:[4,5] by +1 on the Arabic side: takes 4 from the deletion [4]:[],
    # which disappears
    row = by_key(review, [3], [4, 5])
    review.move_boundary(row.id, "source", +1)
    assert ((3, 4), (4, 5)) in keys(review) and ((4,), ()) not in keys(review)
    assert len(review) == 13
    review.undo()
    assert state(loose) == before
    with pytest.raises(WorkbenchError):
        review.move_boundary(by_key(review, [4], []).id, "target", 1)  # a deletion


def test_unlink_and_link_to_fix_a_wrong_link(loose):
    review = AlignmentReview(loose)
    before = state(loose)
    row = by_key(review, [11], [10])
    review.unlink(row.id, "target")
    assert ((11,), ()) in keys(review) and ((), (10,)) in keys(review)
    after_unlink = state(loose)
    review.undo()
    assert state(loose) == before
    review.redo()
    assert state(loose) == after_unlink
    # and back: link the deletion to the insertion
    dele = by_key(review, [11], [])
    cands = review.link_candidates(dele.id)
    assert cands and all(c.kind == "insertion" for c in cands)
    review.link_to(dele.id, by_key(review, [], [10]).id)
    assert ((11,), (10,)) in keys(review)
    review.undo()
    assert ((11,), ()) in keys(review)
    with pytest.raises(WorkbenchError):
        review.link_to(by_key(review, [2], [3]).id, by_key(review, [], [0]).id)
    with pytest.raises(WorkbenchError):
        review.unlink(by_key(review, [4], []).id, "source")  # already a deletion


def test_a_stale_review_is_refused_not_applied(loose):
    review = AlignmentReview(loose)
    row = by_key(review, [1], [1])
    with Project.open(loose.path) as other:
        lk = other.link(row.id)
        other.edit(lk.id, "edited elsewhere", base_version=lk.version)
    before = state(loose)
    with pytest.raises(ConflictError):
        review.merge_with_next(row.id)
    assert state(loose) == before
    assert review.refresh_if_changed()
    review.merge_with_next(row.id)


def test_fixing_the_loose_rewrite_to_its_gold(loose, loose_pair):
    """What a translator does in the review screen for 004 -> 001, and all of it undone."""
    review = AlignmentReview(loose)
    start = state(loose)
    review.confirm(by_key(review, [0], [6]).id)  # the moved first paragraph is right
    review.merge_with_next(by_key(review, [1], [1]).id)  # the lead joins the report
    review.unlink(by_key(review, [5, 6], [8]).id, "target")  # 001's own material
    review.split(by_key(review, [5, 6], []).id, 1, 0)
    review.unlink(by_key(review, [7], [9]).id, "target")
    review.unlink(by_key(review, [11], [10]).id, "target")
    gold = sorted(lk.key() for lk in loose_pair.gold_links())
    assert sorted(keys(review)) == gold
    steps = 0
    while loose.can_undo():
        review.undo()
        steps += 1
    assert steps == 6 and state(loose) == start


def test_realign_keeps_confirmed_links_and_is_one_undo_step(loose):
    review = AlignmentReview(loose)
    review.merge_with_next(by_key(review, [1], [1]).id)  # person-made: confirmed
    review.unlink(by_key(review, [11], [10]).id, "target")
    for r in review.rows:
        if (r.src, r.tgt) in (((0,), (6,)), ((2,), (3,))):
            review.confirm(r.id)
    fixed = {r.id: (r.src, r.tgt) for r in review.rows if r.confirmed}
    assert len(fixed) == 5  # [1]:[1,2], [11]:[], []:[10] and the two confirmed above
    before = state(loose)
    result = review.realign_unconfirmed()
    for link_id, key in fixed.items():
        assert (review.row(link_id).src, review.row(link_id).tgt) == key
        assert review.row(link_id).confirmed
    # every segment once
    assert sorted(i for r in review.rows for i in r.src) == list(range(12))
    assert sorted(j for r in review.rows for j in r.tgt) == list(range(11))
    old_blocks = {(lk[1], lk[2]) for lk in before[0]}
    new = [review.row(i) for i in result.link_ids if
           (review.row(i).src, review.row(i).tgt) not in old_blocks]
    assert new, "the aligner re-linked nothing: the test checks nothing"
    assert all(r.link.origin == "aligner" and not r.confirmed for r in new)
    assert all(r.confidence is not None for r in new)
    review.undo()
    assert state(loose) == before


def test_realign_with_everything_confirmed_changes_nothing(loose):
    review = AlignmentReview(loose)
    for r in list(review.rows):
        review.confirm(r.id)
    before = state(loose)
    assert review.realign_unconfirmed().link_ids == ()
    assert state(loose) == before


def test_relink_with_scores_makes_aligner_links(loose):
    review = AlignmentReview(loose)
    a, b = by_key(review, [7], [9]), by_key(review, [8], [])
    made = loose.relink([a.id, b.id], [([7, 8], [9])], scores=[0.42],
                        base_versions={a.id: a.link.version, b.id: b.link.version})
    assert made[0].origin == "aligner" and made[0].score == pytest.approx(0.42)
    assert made[0].id not in loose.confirmed_ids()


def test_an_old_project_file_gains_the_confirmed_table(loose):
    path = loose.path
    loose.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE link_confirmed")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Project.open(path) as p:
        assert p.confirmed_ids() == set()
        assert p.connection().execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        link = p.links()[0]
        assert p.confirm([link.id])
        assert p.confirmed_ids() == {link.id}
