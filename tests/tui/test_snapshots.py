"""Snapshots of the translation screen and the help screen at a fixed size, dark and
light (pytest-textual-snapshot; update with --snapshot-update after a deliberate change)."""

from __future__ import annotations

import pytest

from tests.tui.helpers import app_for, ready, wait_for

SIZE = (140, 40)


def _app(project_path, curated, theme):
    app = app_for(project_path, curated, theme=theme, mode="app")
    return app


async def _ready(pilot):
    app = pilot.app
    await wait_for(pilot, lambda: ready(app))
    s = app.screen
    s.editor.cursor_blink = False
    await wait_for(pilot, lambda: s.candidates)
    await pilot.pause(0.2)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_translation_screen(snap_compare, project_path, curated, theme):
    async def run_before(pilot):
        await _ready(pilot)
        pilot.app.screen.editor.insert("Hayat Tahrir Al sham")
        await pilot.pause(0.6)

    assert snap_compare(_app(project_path, curated, theme), terminal_size=SIZE,
                        run_before=run_before)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_help_screen(snap_compare, project_path, curated, theme):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("f1")
        await pilot.pause(0.2)

    assert snap_compare(_app(project_path, curated, theme), terminal_size=SIZE,
                        run_before=run_before)
