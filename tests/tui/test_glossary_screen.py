"""The glossary screen driven with the Pilot on a copy of the bundled glossary: search,
entry detail and occurrences, add term from the translation screen, add variant,
a refused entry, mining; the YAML checked after each write."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import GLOSSARIES
from tests.tui.helpers import app_for, running, screen, wait_for
from workbench.glossary import load_glossary
from workbench.glossary.load import lint_glossary
from workbench.tui.screens.glossary import GlossaryScreen
from workbench.tui.screens.term_forms import AddTermDialog, AddVariantDialog
from workbench.tui.screens.translate import TranslateScreen
from workbench.tui.widgets.kwic import arabic_inline

pytestmark = pytest.mark.anyio


@pytest.fixture
def gloss(tmp_path):
    folder = tmp_path / "glossaries"
    shutil.copytree(GLOSSARIES, folder)
    return folder


def app_with(project_path, gloss):
    return app_for(project_path, load_glossary([gloss]), glossary_paths=[gloss])


async def open_glossary(app, pilot, key="f6") -> GlossaryScreen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, GlossaryScreen))
    await pilot.pause()
    return app.screen


def hit_ids(s: GlossaryScreen) -> list[str]:
    box = s.query_one("#hits")
    return [box.get_option_at_index(k).id for k in range(box.option_count)]


async def test_search_as_you_type_detail_and_jump_to_an_occurrence(project_path, gloss):
    app = app_with(project_path, gloss)
    async with running(app) as pilot:
        t = screen(app)
        s = await open_glossary(app, pilot)
        assert hit_ids(s), "the current link's terms are listed before any query"
        await pilot.press(*"tahrir al sham")
        await pilot.pause()
        assert hit_ids(s)[0] == "hts"
        detail = str(s.query_one("#entry").render())
        assert "Hay'at Tahrir al-Sham" in detail
        assert arabic_inline("هيئة تحرير الشام") in detail     # shaped for the screen
        assert "Levant Liberation Board" in detail and "predecessor" in detail
        occ = s.query_one("#occurrences")
        assert occ.option_count > 0
        first = int(str(occ.get_option_at_index(0).id).split("-")[1])
        await pilot.press("ctrl+down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TranslateScreen))
        await pilot.pause()
        assert t.current == first
        # Arabic query, normalised (no hamza on the alef, clitic attached)
        s = await open_glossary(app, pilot)
        await pilot.press(*"والنصره")
        await pilot.pause()
        assert "nusra" in hit_ids(s)


async def test_add_term_from_the_selection_writes_yaml_that_lints_and_keeps_comments(
        project_path, gloss):
    before = (gloss / "factions.yaml").read_text(encoding="utf-8")
    app = app_with(project_path, gloss)
    async with running(app) as pilot:
        t = screen(app)
        link = t.current
        await pilot.press(*"the Jaish al-Fath coalition")
        await pilot.press(*["left"] * len(" coalition"), *["shift+left"] * len("Jaish al-Fath"))
        assert t.editor.selected_text == "Jaish al-Fath"
        await pilot.press("alt+n")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTermDialog))
        await pilot.pause()
        d = app.screen
        assert d.query_one("#term-en").value == "Jaish al-Fath"
        assert d.query_one("#term-id").value == "jaish-al-fath"
        # no Arabic yet: refused, the form stays open with the message
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AddTermDialog)
        assert "Arabic" in str(d.query_one("#term-error").render())
        d.query_one("#term-ar").value = "جيش الفتح"
        d.query_one("#term-type").value = "faction"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, GlossaryScreen))
        await pilot.pause()
        text = (gloss / "factions.yaml").read_text(encoding="utf-8")
        assert text.startswith(before.rstrip("\n")[:200])          # the head and comments kept
        assert "# Armed factions" in text and "jaish-al-fath" in text
        report = lint_glossary([gloss])
        assert report.ok, report.errors
        entry = report.glossary.entries["jaish-al-fath"]
        assert entry.ar == ["جيش الفتح"] and entry.type == "faction"
        assert hit_ids(app.screen) == ["jaish-al-fath"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TranslateScreen))
        await wait_for(pilot, lambda: "jaish-al-fath" in t.session.glossary.entries)
        assert t.current == link


async def test_a_duplicate_id_is_refused_and_nothing_is_written(project_path, gloss):
    files = {p.name: p.read_bytes() for p in gloss.iterdir()}
    app = app_with(project_path, gloss)
    async with running(app) as pilot:
        s = await open_glossary(app, pilot)
        await pilot.press("alt+n")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTermDialog))
        d = app.screen
        d.query_one("#term-en").value = "Hay'at Tahrir al-Sham"
        d.query_one("#term-ar").value = "الهيئة"
        await pilot.pause()
        d.query_one("#term-id").focus()
        await pilot.press("ctrl+u", *"hts")       # the id typed by hand
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "already an entry 'hts'" in str(d.query_one("#term-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen) and not s.changed
    assert {p.name: p.read_bytes() for p in gloss.iterdir()} == files


async def test_add_variant_to_the_current_entry(project_path, gloss):
    app = app_with(project_path, gloss)
    async with running(app) as pilot:
        s = await open_glossary(app, pilot)
        await pilot.press(*"jeish al izzeh")
        await pilot.pause()
        entry_id = hit_ids(s)[0]
        await pilot.press("alt+v")
        await wait_for(pilot, lambda: isinstance(app.screen, AddVariantDialog))
        d = app.screen
        d.query_one("#variant-form").value = "Jaysh al-Izzah"
        d.query_one("#variant-kind").value = "deprecated"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, GlossaryScreen))
        report = lint_glossary([gloss])
        assert report.ok, report.errors
        assert "Jaysh al-Izzah" in report.glossary.entries[entry_id].deprecated
        assert "Jaysh al-Izzah" in str(s.query_one("#entry").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TranslateScreen))
        g = screen(app).session.glossary
        await wait_for(pilot, lambda: "Jaysh al-Izzah" in
                       screen(app).session.glossary.entries[entry_id].deprecated)
        assert g is not None


async def test_mining_lists_candidates_and_accepting_one_opens_the_form(project_path, gloss):
    (gloss / "factions.yaml").unlink()       # the factions are then new names to the miner
    app = app_with(project_path, gloss)
    async with running(app) as pilot:
        s = await open_glossary(app, pilot)
        await pilot.press("alt+m")
        await wait_for(pilot, lambda: s.proposals is not None, timeout=60)
        await pilot.pause()
        assert s.proposals, "the miner found nothing in the main pair"
        assert s.query_one("#hits").option_count == len(s.proposals)
        p = s.proposals[0]
        assert p.text in str(s.query_one("#entry").render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, (AddTermDialog, AddVariantDialog)))
        d = app.screen
        field = "#term-en" if isinstance(d, AddTermDialog) else "#variant-form"
        assert d.query_one(field).value in (p.text, s.terms.prefill(p).en)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert s.proposals is None                      # back to searching


async def test_glossary_writes_are_undone_and_redone(project_path, gloss):
    files = {p.name: p.read_bytes() for p in gloss.iterdir()}
    app = app_with(project_path, gloss)
    async with running(app) as pilot:
        s = await open_glossary(app, pilot)
        await pilot.press("alt+n")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTermDialog))
        d = app.screen
        d.query_one("#term-ar").value = "جيش الفتح"
        d.query_one("#term-en").value = "Jaish al-Fath"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, GlossaryScreen))
        await pilot.press(*"jeish al izzeh")
        await pilot.pause()
        entry_id = hit_ids(s)[0]
        await pilot.press("alt+v")
        await wait_for(pilot, lambda: isinstance(app.screen, AddVariantDialog))
        app.screen.query_one("#variant-form").value = "Jaysh al-Izzah"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, GlossaryScreen))
        assert "jaish-al-fath" in lint_glossary([gloss]).glossary.entries
        await pilot.press("alt+z")
        await pilot.pause()
        g = lint_glossary([gloss]).glossary
        assert "Jaysh al-Izzah" not in g.entries[entry_id].deprecated + g.entries[
            entry_id].variants
        assert "jaish-al-fath" in g.entries
        await pilot.press("alt+z")
        await pilot.pause()
        assert {p.name: p.read_bytes() for p in gloss.iterdir()
                if not p.name.endswith(".lock")} == files          # byte for byte
        assert "jaish-al-fath" not in s.terms.glossary.entries
        await pilot.press("alt+y")
        await pilot.pause()
        assert "jaish-al-fath" in lint_glossary([gloss]).glossary.entries
        # a change from outside since: the undo is refused, the file kept
        other = gloss / "other.yaml"
        edited = other.read_text(encoding="utf-8") + "\n# a maintainer's comment\n"
        other.write_text(edited, encoding="utf-8")
        await pilot.press("alt+z")
        await pilot.pause()
        assert other.read_text(encoding="utf-8") == edited
        assert any("changed since" in n.message for n in app._notifications)


async def test_an_ambiguous_entry_and_an_arabic_hit_are_shaped_for_the_screen(
        project_path, gloss):
    from workbench.tui.display.rtl import inline

    app = app_with(project_path, gloss)
    async with running(app) as pilot:
        s = await open_glossary(app, pilot)
        await pilot.press(*"Hama")
        await pilot.pause()
        assert hit_ids(s)[0] == "hama"
        detail = str(s.query_one("#entry").render())
        senses = s.terms.glossary.entries["hama"].senses
        assert "ambiguous: " + arabic_inline("حماة") in detail
        for sense in senses:          # the Arabic inside the other senses, laid out too
            assert inline(sense) in detail
        assert "حماة" not in detail   # no Arabic left in logical order
        hit = str(s.query_one("#hits").get_option_at_index(0).prompt)
        assert "(preferred: Hama)" not in hit      # the matched form is the name itself
        # an Arabic query: the form it matched is shown shaped in the hit list
        s.query_one("#query").value = "وسراقب"
        await pilot.pause()
        hit = str(s.query_one("#hits").get_option_at_index(0).prompt)
        assert hit_ids(s)[0] == "saraqib" and f"(ar: {arabic_inline('سراقب')})" in hit
        assert "سراقب" not in hit
