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
