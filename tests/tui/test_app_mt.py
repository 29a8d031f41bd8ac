"""The translation screen with the tiny Marian test model configured."""

from __future__ import annotations

import pytest

from tests.tui.helpers import app_for, running, screen, wait_for
from workbench.tui.widgets.panes import ProposalsPane

pytestmark = pytest.mark.anyio


async def test_mt_proposals_come_from_a_worker_then_from_the_cache(project_path, curated,
                                                                    tiny_model_dir):
    app = app_for(project_path, curated, model=str(tiny_model_dir))
    async with running(app) as pilot:
        s = screen(app)
        assert s.session.backend is not None and s.session.model_name != "no model"
        first = s.current
        # the screen answers keys while the model loads and translates
        await pilot.press("escape", "down")
        await pilot.pause()
        assert s.current != first
        await pilot.press("up", "enter")
        await pilot.pause()
        assert s.current == first
        await wait_for(pilot, lambda: any(c.kind == "mt" for c in s.candidates), 120)
        mt = [c for c in s.candidates if c.kind == "mt"]
        assert mt[0].label == "MT 1" and mt[0].text.strip()
        assert all(isinstance(c.findings, tuple) for c in mt)   # each with its term checks
        assert "MT 1" in str(s.query_one(ProposalsPane).render())
        n = next(i for i, c in enumerate(s.candidates, 1) if c.kind == "mt")
        await pilot.press(f"alt+{n}")
        assert s.editor.text == mt[0].text
        assert s.session.backend.loaded
    # opened again: the proposals come from the project's cache, the model stays unloaded
    app2 = app_for(project_path, curated, model=str(tiny_model_dir))
    async with running(app2) as pilot:
        s = screen(app2)
        await pilot.press("escape", "home", "enter")
        await wait_for(pilot, lambda: any(c.kind == "mt" for c in s.candidates), 30)
        assert all(c.cached for c in s.candidates if c.kind == "mt")
        assert not s.session.backend.loaded
