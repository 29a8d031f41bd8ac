"""The concordance and findings screens driven with the Pilot on a real project."""

from __future__ import annotations

import pytest

from tests.tui.helpers import app_for, running, screen, wait_for
from workbench.store.project import Project
from workbench.tui.screens.concordance import ConcordanceScreen
from workbench.tui.screens.findings import FindingsScreen
from workbench.tui.screens.translate import TranslateScreen

pytestmark = pytest.mark.anyio


def texts(path) -> dict[int, str]:
    p = Project.open(path)
    try:
        return {lk.id: lk.target_text for lk in p.links()}
    finally:
        p.close()


async def open_screen(app, pilot, key, cls):
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, cls))
    await pilot.pause()
    return app.screen


async def test_concordance_english_and_arabic_hits_and_insert(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        t = screen(app)
        s = await open_screen(app, pilot, "ctrl+f", ConcordanceScreen)
        await wait_for(pilot, lambda: s.concordance is not None, timeout=60)
        await pilot.press(*"jisr al")
        await pilot.pause()
        assert s.hits, "no hit for Jisr al"
        origins = {h.origin for h in s.hits}
        assert "project" in origins and "corpus" in origins
        for h in s.hits:
            assert h.side == "target"
            a, b = h.spans[0]
            assert h.target[a:b].lower().replace("-", " ").startswith("jisr al")
        # only the project's links
        s.query_one("#conc-origin").value = "project"
        await pilot.pause()
        assert s.hits and {h.origin for h in s.hits} == {"project"}
        # Arabic, normalised (the query without the article's hamza/alef forms)
        s.query_one("#conc-query").value = "جسر الشغور"
        await pilot.pause()
        assert s.hits and all(h.side == "source" for h in s.hits)
        a, b = s.hits[0].spans[0]
        assert "الشغور" in s.hits[0].source[a:b]
        english = " ".join(s.hits[0].target.split())
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TranslateScreen))
        await pilot.pause()
        assert english in t.editor.text


async def test_findings_list_filter_fix_undo_and_jump(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        t = screen(app)
        s = await open_screen(app, pilot, "f2", FindingsScreen)
        await wait_for(pilot, lambda: s.findings is not None, timeout=30)
        await pilot.pause()
        assert len(s.findings) > 0
        assert s.query_one("#find-list").option_count == len(s.shown) == len(s.findings)
        s.query_one("#find-kind").value = "variant"
        await pilot.pause()
        assert s.shown and all(it.kind == "variant" for it in s.shown)
        it = s.shown[0]
        before = texts(project_path)
        await pilot.press("f")
        await pilot.pause()
        after = texts(project_path)
        assert after[it.link_id] != before[it.link_id]
        assert it.finding.fix in after[it.link_id]
        assert all(after[k] == before[k] for k in before if k != it.link_id)
        assert not any(x.link_id == it.link_id and x.finding.found == it.finding.found
                       and x.kind == "variant" for x in s.findings.items)
        await pilot.press("alt+z")
        await pilot.pause()
        assert texts(project_path) == before
        # a term filter, then Enter goes to the link
        await pilot.press("shift+tab", "shift+tab")
        s.query_one("#find-term").value = it.term
        await pilot.pause()
        assert s.shown and all(x.term == it.term or it.term in (x.finding.found or "")
                               for x in s.shown)
        s.query_one("#find-list").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TranslateScreen))
        await pilot.pause()
        assert t.current == s.shown[0].link_id
