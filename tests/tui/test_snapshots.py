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


def _open(key, cls_name, until=None, then=()):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press(key)
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == cls_name)
        from textual.widgets import Input

        for box in pilot.app.screen.query(Input):      # a blinking cursor is not stable
            box.cursor_blink = False
        if until is not None:
            await wait_for(pilot, lambda: until(pilot.app.screen), timeout=60)
        if then:
            await pilot.press(*then)
        await pilot.pause(0.4)
    return run_before


def test_review_screen(snap_compare, loose_path, curated):
    assert snap_compare(_app(loose_path, curated, "textual-dark"), terminal_size=SIZE,
                        run_before=_open("f5", "ReviewScreen", then=("down", "down")))


def test_glossary_screen(snap_compare, project_path, curated):
    assert snap_compare(_app(project_path, curated, "textual-dark"), terminal_size=SIZE,
                        run_before=_open("f6", "GlossaryScreen", then=tuple("izza")))


def test_concordance_screen(snap_compare, project_path, curated):
    assert snap_compare(_app(project_path, curated, "textual-dark"), terminal_size=SIZE,
                        run_before=_open("ctrl+f", "ConcordanceScreen",
                                         until=lambda s: s.concordance is not None,
                                         then=tuple("Idlib")))


def test_findings_screen(snap_compare, project_path, curated):
    assert snap_compare(_app(project_path, curated, "textual-dark"), terminal_size=SIZE,
                        run_before=_open("f2", "FindingsScreen",
                                         until=lambda s: s.findings is not None))
