"""The alignment review screen driven with the Pilot: every edit by its keys, the store
checked after each, undone and redone with the translation screen's keys."""

from __future__ import annotations

import pytest

from tests.tui.helpers import app_for, running, screen, wait_for
from workbench.corpus import resolve_pair
from workbench.store.project import Project
from workbench.tui.screens.dialogs import ChoiceDialog
from workbench.tui.screens.review import ReviewScreen
from workbench.tui.screens.translate import TranslateScreen

pytestmark = pytest.mark.anyio


def stored(path) -> tuple[list[tuple], set]:
    """The links of the project file as (src, tgt) and the confirmed blocks."""
    p = Project.open(path)
    try:
        links = p.links()
        confirmed = p.confirmed_ids()
        return (sorted((lk.src, lk.tgt) for lk in links),
                {(lk.src, lk.tgt) for lk in links if lk.id in confirmed})
    finally:
        p.close()


async def open_review(app, pilot) -> ReviewScreen:
    await pilot.press("f5")
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
    await pilot.pause()
    return app.screen


async def goto(pilot, s: ReviewScreen, src: tuple, tgt: tuple) -> None:
    """Move the cursor there with the keys (Home, then Down)."""
    rows = s.links.rows
    k = next(n for n, r in enumerate(rows) if (r.src, r.tgt) == (src, tgt))
    await pilot.press("home", *["down"] * k)
    await pilot.pause()
    assert (s.review.row(s.current).src, s.review.row(s.current).tgt) == (src, tgt)


async def choose(app, pilot, key: str, option: int) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
    await pilot.press(str(option))
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
    await pilot.pause()


async def test_fixing_the_loose_rewrite_to_its_gold_and_undoing_all_of_it(loose_path, curated):
    gold = sorted(lk.key() for lk in resolve_pair("seeds:004-001").gold_links())
    start = stored(loose_path)
    assert start[0] != gold
    app = app_for(loose_path, curated)
    async with running(app) as pilot:
        s = await open_review(app, pilot)
        rows = s.links.rows
        assert [r.kind for r in rows].count("moved") == 1          # the moved first paragraph
        assert rows[0].kind == "insertion" and rows[0].src == ()    # an added paragraph
        await goto(pilot, s, (0,), (6,))
        await pilot.press("c")                                      # confirm
        await pilot.pause()
        assert ((0,), (6,)) in stored(loose_path)[1]
        await goto(pilot, s, (1,), (1,))
        await pilot.press("m")                                      # merge with next
        await pilot.pause()
        assert ((1,), (1, 2)) in stored(loose_path)[0]
        await goto(pilot, s, (5, 6), (8,))
        await choose(app, pilot, "u", 3)                            # unlink English 9
        assert ((), (8,)) in stored(loose_path)[0]
        await goto(pilot, s, (5, 6), ())
        await choose(app, pilot, "s", 1)                            # split 6 | 7
        assert {((5,), ()), ((6,), ())} <= set(stored(loose_path)[0])
        await goto(pilot, s, (7,), (9,))
        await choose(app, pilot, "u", 2)
        await goto(pilot, s, (11,), (10,))
        await choose(app, pilot, "u", 2)
        assert stored(loose_path)[0] == gold
        assert s.changed
        for _ in range(6):
            await pilot.press("alt+z")
            await pilot.pause()
        assert stored(loose_path) == start
        assert sorted((r.src, r.tgt) for r in s.links.rows) == start[0]
        for _ in range(6):
            await pilot.press("alt+y")
            await pilot.pause()
        assert stored(loose_path)[0] == gold
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TranslateScreen))
        t = screen(app)
        assert len(t.segments.rows) == len(gold)                    # the list follows
        assert sorted((lk.src, lk.tgt) for lk in t.session.links) == gold


async def test_move_boundary_and_link_to_and_a_refused_edit(loose_path, curated):
    app = app_for(loose_path, curated)
    async with running(app) as pilot:
        s = await open_review(app, pilot)
        await goto(pilot, s, (3,), (4, 5))
        await choose(app, pilot, "b", 2)     # English: give the last segment to the next link
        links = stored(loose_path)[0]         # (the one holding English 7: the moved [0]:[6])
        assert ((3,), (4,)) in links and ((0,), (5, 6)) in links
        await pilot.press("alt+z")
        await pilot.pause()
        assert ((3,), (4, 5)) in stored(loose_path)[0]
        # a deletion linked to the nearest insertion
        await goto(pilot, s, (4,), ())
        candidates = s.review.link_candidates(s.current)
        assert candidates and all(r.kind == "insertion" for r in candidates)
        want = (candidates[0].src, candidates[0].tgt)
        await choose(app, pilot, "l", 1)
        assert ((4,), want[1]) in stored(loose_path)[0]
        # Link to... on a 1:1 link: a notification, nothing written
        before = stored(loose_path)
        await goto(pilot, s, (2,), (3,))
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert any("joins a deletion with an insertion" in n.message
                   for n in app._notifications)
        assert stored(loose_path) == before


async def test_next_doubtful_sort_and_sentences(loose_path, curated):
    app = app_for(loose_path, curated)
    async with running(app) as pilot:
        s = await open_review(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        lowest = min((r for r in s.review.rows if not r.confirmed),
                     key=lambda r: r.confidence)
        assert s.current == lowest.id
        await pilot.press("c", "n")
        await pilot.pause()
        assert s.current != lowest.id and s.review.row(lowest.id).confirmed
        await pilot.press("o")                                   # sort by confidence
        await pilot.pause()
        scores = [r.confidence for r in s.links.rows]
        assert scores == sorted(scores)
        await pilot.press("o")
        await pilot.pause()
        assert [r.number for r in s.links.rows] == list(range(1, len(s.links.rows) + 1))
        await goto(pilot, s, (3,), (4, 5))
        english = str(s.query_one("#detail-english").render())
        assert "paragraph 5" in english and "paragraph 6" in english
        await pilot.press("t")
        await pilot.pause()
        english = str(s.query_one("#detail-english").render())
        assert "sentence 5.1" in english


async def test_realign_keeps_confirmed_links(loose_path, curated):
    app = app_for(loose_path, curated)
    async with running(app) as pilot:
        s = await open_review(app, pilot)
        await goto(pilot, s, (1,), (1,))
        await pilot.press("m")                    # made by a person: confirmed
        await goto(pilot, s, (11,), (10,))
        await choose(app, pilot, "u", 2)
        await goto(pilot, s, (0,), (6,))
        await pilot.press("c")
        await pilot.pause()
        confirmed = stored(loose_path)[1]
        assert ((0,), (6,)) in confirmed and ((1,), (1, 2)) in confirmed
        before = stored(loose_path)
        await pilot.press("r")
        await wait_for(pilot, lambda: not s.busy, timeout=120)
        said = [n.message for n in app._notifications]
        assert any(m.startswith("realigned") for m in said), said
        after = stored(loose_path)
        assert after != before, "the aligner re-linked nothing: the test checks nothing"
        assert confirmed <= after[1]                     # kept, and still confirmed
        assert confirmed <= set(after[0])
        srcs = sorted(i for src, _ in after[0] for i in src)
        tgts = sorted(j for _, tgt in after[0] for j in tgt)
        assert srcs == list(range(12)) and tgts == list(range(11))
        await pilot.press("alt+z")
        await pilot.pause()
        assert stored(loose_path) == before              # one undo step


async def test_another_process_edit_appears(loose_path, curated):
    app = app_for(loose_path, curated)
    async with running(app) as pilot:
        s = await open_review(app, pilot)
        other = Project.open(loose_path)
        try:
            from workbench.app.review import AlignmentReview

            r = AlignmentReview(other)
            r.merge_with_next(next(x for x in r.rows if x.src == (1,)).id)
        finally:
            other.close()
        await wait_for(pilot, lambda: any(r.src == (1,) and r.tgt == (1, 2)
                                          for r in s.links.rows), timeout=5)
