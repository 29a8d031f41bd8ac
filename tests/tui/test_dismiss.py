"""Dismissing a term finding from the TUI (issue 18's dismissals, offered by issue 21's
screens): on the findings screen and on the translation screen's findings pane; stored in
the project, left out of every list, undone and redone with Alt+Z / Alt+Y, and still
dismissed when the app is opened again."""

from __future__ import annotations

import pytest

from tests.tui.helpers import app_for, running, screen, wait_for
from workbench.store.dismissals import dismissal_key, dismissals
from workbench.store.project import Project
from workbench.tui.screens.dialogs import ChoiceDialog
from workbench.tui.screens.findings import FindingsScreen
from workbench.tui.screens.translate import TranslateScreen
from workbench.tui.widgets.panes import FindingsView

pytestmark = pytest.mark.anyio


def stored(path) -> list:
    p = Project.open(path)
    try:
        return dismissals(p)
    finally:
        p.close()


async def open_findings(app, pilot) -> FindingsScreen:
    await pilot.press("f2")
    await wait_for(pilot, lambda: isinstance(app.screen, FindingsScreen))
    s = app.screen
    await wait_for(pilot, lambda: s.findings is not None, timeout=30)
    await pilot.pause()
    return s


async def test_dismiss_on_the_findings_screen_undo_redo_and_restart(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        t = screen(app)
        open_before = t.session.summary()["findings"]
        s = await open_findings(app, pilot)
        n = len(s.findings)
        assert n > 0
        s.query_one("#find-list").highlighted = 1
        await pilot.pause()
        it = s.shown[1]
        await pilot.press("alt+d")
        await pilot.pause()
        rows = stored(project_path)
        assert len(rows) == 1
        lk = s.session.project.link(it.link_id)
        assert rows[0].key == dismissal_key(it.finding, lk.source_text, lk.target_text)
        assert (rows[0].link_id, rows[0].kind, rows[0].term) == (it.link_id, it.kind, it.term)
        assert len(s.findings) == n - 1 and s.query_one("#find-list").option_count == n - 1
        assert it.finding not in [x.finding for x in s.findings.items
                                  if x.link_id == it.link_id]
        await pilot.press("alt+z")                      # undo: the store forgets it
        await pilot.pause()
        assert stored(project_path) == [] and len(s.findings) == n
        await pilot.press("alt+y")                      # redo
        await pilot.pause()
        assert len(stored(project_path)) == 1 and len(s.findings) == n - 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TranslateScreen))
        await pilot.pause()
        assert t.session.summary()["findings"] == open_before - 1
    # the app opened again: still dismissed
    again = app_for(project_path, curated)
    async with running(again) as pilot:
        assert screen(again).session.summary()["findings"] == open_before - 1
        s = await open_findings(again, pilot)
        assert len(s.findings) == n - 1
        assert all(not (x.link_id == it.link_id and x.finding == it.finding)
                   for x in s.findings.items)


async def test_dismiss_from_the_translation_screen_findings_pane(project_path, curated):
    p = Project.open(project_path)
    try:
        links = p.links()
    finally:
        p.close()
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        t = screen(app)
        ses = t.session
        target = next(lk for lk in links if len(ses._findings_of(lk)) >= 2)
        link = ses.link(target.id)
        ses.save_draft(link.id, link.target_text + " ", base_version=link.version)
        ses.refresh()
        t.go_to(target.id)
        await pilot.pause()
        before = ses.findings(target.id)
        assert len(before) >= 2
        await pilot.press("alt+d")                       # several: which one?
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, TranslateScreen))
        await pilot.pause()
        rows = stored(project_path)
        assert len(rows) == 1 and rows[0].link_id == target.id
        assert rows[0].kind == before[1].kind and rows[0].term == before[1].term
        after = ses.findings(target.id)
        assert len(after) == len(before) - 1 and before[1] not in after
        pane = str(t.query_one(FindingsView).render())
        assert pane.count("\n") == len(after) - 1
        row = next(r for r in t.segments.rows if r.link.id == target.id)
        assert row.findings == len(after)               # the segment list's count too
        await pilot.press("alt+z")
        await pilot.pause()
        assert stored(project_path) == [] and len(ses.findings(target.id)) == len(before)
