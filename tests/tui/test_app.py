"""The translation screen driven with the Pilot on a real project store."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.conftest import ROOT
from tests.tui.helpers import app_for, running, screen, wait_for
from workbench.formats.tmx import load_tmx
from workbench.store.project import Project
from workbench.tui.screens.translate import DRAFT_DELAY
from workbench.tui.widgets.panes import FindingsView, ProposalsPane, SourcePane

pytestmark = pytest.mark.anyio

SCHEMAS = ROOT / "tests" / "formats" / "schemas"


def stored(path, link_id):
    p = Project.open(path)
    try:
        return p.link(link_id)
    finally:
        p.close()


async def test_opens_on_the_first_untranslated_link(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        s = screen(app)
        first = s.session.next_link(None, "untranslated")
        assert s.current == first
        assert len(s.segments.rows) == len(s.session.links) == 13
        assert app.focused is s.editor
        source = s.query_one(SourcePane)
        assert source.text == s.session.link(first).source_text
        await wait_for(pilot, lambda: source.spans)          # terms highlighted
        assert any(source.text[a:b] for a, b in source.spans)
        rendered = source.render().plain
        # every Arabic letter of the paragraph is on screen (shaped: compare counts)
        assert len(rendered.replace("\n", "").replace(" ", "")) > 0.8 * len(
            source.text.replace(" ", ""))


async def test_move_filter_and_choose(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        s = screen(app)
        start = s.current
        await pilot.press("escape")
        assert app.focused is s.segments
        await pilot.press("down")
        await pilot.pause()
        assert s.current != start and s.current == s.segments.current_id
        await pilot.press("enter")
        assert app.focused is s.editor
        await pilot.press("alt+f")                      # Filter: findings
        await pilot.pause()
        assert s.filter_name == "findings"
        assert all(r.findings for r in s.segments.rows) and s.segments.rows
        await pilot.press("f4")                          # next filter: low confidence
        assert s.filter_name == "low"
        await pilot.press("alt+0")
        assert s.filter_name == "all" and len(s.segments.rows) == 13
        await pilot.press("f8")                          # next untranslated
        await pilot.pause()
        assert not s.session.link(s.current).accepted


async def test_rewrite_fixes_accept_and_undo(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        s = screen(app)
        link = s.session.link(s.current)
        await pilot.press("ctrl+r")                      # Insert rewrite
        assert s.editor.text == s.session.fix(link, link.reference_text)
        assert "Hayat Tahrir Al sham" in link.reference_text
        assert "Hayat Tahrir Al sham" not in s.editor.text
        s.editor.replace_all("Hayat Tahrir Al sham and Jaish al-Izza left Idlib.")
        await pilot.press("ctrl+g")                      # Apply glossary fixes
        assert "Hayat Tahrir Al sham" not in s.editor.text
        assert s.editor.text == s.session.fix(link, "Hayat Tahrir Al sham and Jaish al-Izza "
                                                    "left Idlib.")
        text = s.editor.text
        await pilot.press("f9")                          # Accept and next
        await pilot.pause()
        got = stored(project_path, link.id)
        assert got.status == "translated" and got.target_text == text
        assert s.current != link.id
        p = Project.open(project_path)
        try:
            assert any(u["target"] == text for u in p.memory_units())
        finally:
            p.close()
        await pilot.press("alt+z")                       # Undo
        await pilot.pause()
        assert stored(project_path, link.id).status != "translated"
        await pilot.press("alt+y")                       # Redo
        await pilot.pause()
        assert stored(project_path, link.id).status == "translated"


async def test_typing_is_checked_live_and_kept_as_a_draft(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        s = screen(app)
        link_id = s.current
        await pilot.press(*"Sputnik said", "space")
        s.editor.insert("Hayat Tahrir Al sham moved.")
        await pilot.pause(DRAFT_DELAY + 0.5)
        got = stored(project_path, link_id)
        assert got.status == "draft" and got.target_text == s.editor.text
        view = s.query_one(FindingsView)
        await wait_for(pilot, lambda: "→" in str(view.render()))   # a variant with its fix
        assert s.editor._highlights                     # and highlighted in the editor
        # leaving the link stores at once
        await pilot.press("f8")
        s.editor.insert("x")
        other = s.current
        await pilot.press("f8")
        assert stored(project_path, other).target_text == "x"


async def test_export_tmx_and_xliff(project_path, curated, tmp_path):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        s = screen(app)
        s.editor.replace_all("Informed sources in Idlib told Sputnik.")
        await pilot.press("f9")
        await pilot.press("alt+x")                       # Export TMX: the dialog
        await pilot.pause()
        inp = app.screen.query_one("#path")
        inp.value = str(tmp_path / "out.tmx")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "out.tmx").exists())
        units = load_tmx(tmp_path / "out.tmx").units
        assert any("told Sputnik" in str(u) for u in units)
        await pilot.press("alt+l")                       # Export XLIFF
        await pilot.pause()
        app.screen.query_one("#path").value = str(tmp_path / "out.xlf")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "out.xlf").exists())
        schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff_core_2.0.xsd")))
        assert schema.validate(etree.parse(str(tmp_path / "out.xlf")))
        # the project itself is never an export target, even with overwrite ticked
        await pilot.press("alt+x")
        await pilot.pause()
        app.screen.query_one("#path").value = str(project_path)
        app.screen.query_one("#force").value = True
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert Project.open(project_path).links()


async def test_a_stale_write_is_refused_and_the_text_kept(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        s = screen(app)
        link_id = s.current
        other = Project.open(project_path)
        lk = other.link(link_id)
        other.edit(link_id, "written in another window", base_version=lk.version)
        other.close()
        s.editor.replace_all("my own text")
        await pilot.press("f9")
        await pilot.pause()
        assert stored(project_path, link_id).target_text == "written in another window"
        assert s.current == link_id and s.editor.text == "my own text"
        await pilot.press("f9")                          # accept again: now it applies
        await pilot.pause()
        assert stored(project_path, link_id).target_text == "my own text"


async def test_text_kept_over_a_conflict_survives_the_next_poll(project_path, curated):
    """The 1 s poll used to take the kept text for an unchanged editor and reload the link
    over it (seen when the suite ran on a loaded machine): the translator's text was lost."""
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        s = screen(app)
        link_id = s.current
        for text in ("written in another window", "and written there again"):
            other = Project.open(project_path)
            other.edit(link_id, text, base_version=other.link(link_id).version)
            other.close()
            if text.startswith("written"):
                s.editor.replace_all("my own text")
                await pilot.press("f9")                  # refused: a conflict, text kept
                await pilot.pause()
            s.poll()                                     # the other window's change arrives
            await pilot.pause()
            assert s.current == link_id and s.editor.text == "my own text"
        assert stored(project_path, link_id).target_text == "and written there again"
        await pilot.press("f9")                          # refused again: changed since
        await pilot.pause()
        assert stored(project_path, link_id).target_text == "and written there again"
        await pilot.press("f9")                          # the translator's text applies
        await pilot.pause()
        assert stored(project_path, link_id).target_text == "my own text"


async def test_changes_from_another_process_show_up(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        s = screen(app)
        last = s.session.links[-1]
        other = Project.open(project_path)
        other.accept(last.id, "done elsewhere", base_version=last.version)
        other.close()
        await wait_for(pilot, lambda: s.session.link(last.id).status == "translated", 5)
        row = next(r for r in s.segments.rows if r.id == last.id)
        assert row.link.target_text == "done elsewhere"


async def test_user_keymap_remaps_by_binding_id(project_path, curated):
    app = app_for(project_path, curated, keymap={"accept_next": "f5"})
    async with running(app) as pilot:
        s = screen(app)
        link_id = s.current
        s.editor.replace_all("remapped")
        await pilot.press("f5")
        await pilot.pause()
        assert stored(project_path, link_id).status == "translated"


async def test_help_and_terms_screens(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        await pilot.press("f1")
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("f3")
        assert app.screen.__class__.__name__ == "TermsScreen"
        text = str(app.screen.query_one("Static").render())
        assert "Idlib" in text or "Sputnik" in text
        # each term's Arabic as it stands in the link, shaped for the screen (app mode)
        from workbench.tui.widgets.kwic import arabic_inline

        t = app.screen_stack[-2]
        link = t.session.link(t.current)
        hits = t.session.terms(link)
        assert hits
        for h in hits:
            assert arabic_inline(link.source_text[h.start:h.end]) in text
        assert not any(link.source_text[h.start:h.end] in text for h in hits)


async def test_proposals_show_the_memory(project_path, curated):
    app = app_for(project_path, curated)
    async with running(app) as pilot:
        s = screen(app)
        first = s.current
        s.editor.replace_all("first paragraph done")
        await pilot.press("f9")
        await pilot.pause()
        # the same Arabic elsewhere would match 100%; here the memory has the unit and
        # the rewrite proposal is always there
        await pilot.press("escape", "home", "enter")
        await pilot.pause(0.3)
        assert s.current == s.segments.rows[0].id
        assert any(c.kind == "rewrite" for c in s.candidates)
        assert "rewrite" in str(s.query_one(ProposalsPane).render())
        assert first is not None


async def test_alt_keys_from_a_real_terminal_are_bindings_not_text(project_path, curated):
    """A terminal sends Alt+X as "x" with the alt modifier; the editor must not insert it."""
    from textual import events

    app = app_for(project_path, curated)
    async with running(app) as pilot:
        s = screen(app)
        s.editor.replace_all("text")
        app._driver.send_message(events.Key("alt+x", "x"))
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ExportDialog")
        await pilot.press("escape")
        assert s.editor.text == "text"
        app._driver.send_message(events.Key("x", "x"))      # plain x is text
        await pilot.pause()
        assert s.editor.text == "textx"
