"""Glossary work from inside a project: search, detail with occurrences, add term and add
variant through the comment-preserving writer (on a copy of the curated glossary)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import GLOSSARIES
from workbench.app.terms import AddForm, Terms, suggest_id
from workbench.glossary import GlossaryError, lint_glossary


@pytest.fixture
def gloss_dir(tmp_path: Path) -> Path:
    d = tmp_path / "glossaries"
    shutil.copytree(GLOSSARIES, d)
    return d


@pytest.fixture
def terms(gloss_dir, main_project) -> Terms:
    return Terms([gloss_dir], project=main_project)


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_search_both_scripts_normalised_and_fuzzy(terms):
    assert terms.search("إدلب")[0].entry.id == "idlib"
    assert terms.search("ادلب")[0].entry.id == "idlib"  # hamza-less alef
    assert terms.search("Idleb")[0].entry.id == "idlib"  # fuzzy
    assert terms.search("nusra")[0].entry.id == "nusra"
    assert terms.search("") == []


def test_detail_lists_the_links_it_occurs_in(terms, main_project):
    d = terms.detail("idlib")
    assert d.entry.en == "Idlib" and "إدلب" in d.entry.ar
    assert d.occurrences and {o.side for o in d.occurrences} == {"source", "target"}
    for o in d.occurrences:
        assert o.text[o.span[0]:o.span[1]]
        assert main_project.link(o.link_id)
    hts = terms.detail("hts")
    assert any(rel for _, rel, _ in hts.related)  # nusra is its predecessor


def test_add_term_appends_lints_clean_and_keeps_comments(terms, gloss_dir):
    places = gloss_dir / "places.yaml"
    before = places.read_text("utf-8")
    path, entry = terms.add_term(AddForm(en="Kafr Nabudah", ar=["كفرنبودة"], type="place",
                                         note="a town in northern Hama"))
    assert path == places and entry.id == "kafr-nabudah"
    after = places.read_text("utf-8")
    assert after.startswith(before.rstrip("\n"))  # nothing above moved
    assert comments(after) == comments(before)
    assert 'en: "Kafr Nabudah"' in after and 'ar: ["كفرنبودة"]' in after
    report = lint_glossary([gloss_dir])
    assert not report.errors
    assert "kafr-nabudah" in terms.glossary.entries  # reloaded
    assert terms.search("كفرنبوده")[0].entry.id == "kafr-nabudah"


def test_a_refused_term_shows_the_lint_message_and_writes_nothing(terms, gloss_dir):
    places = gloss_dir / "places.yaml"
    before = places.read_text("utf-8")
    with pytest.raises(GlossaryError, match="already"):
        terms.add_term(AddForm(en="Idlib", ar=["إدلب"], type="place"))
    with pytest.raises(GlossaryError):  # an Arabic form that is Latin: lint refuses it
        terms.add_term(AddForm(en="New Town", ar=["New Town"], type="place"))
    with pytest.raises(GlossaryError, match="Arabic"):
        terms.add_term(AddForm(en="Nowhere", ar=[], type="place"))
    assert places.read_text("utf-8") == before


def test_add_variant_and_deprecated_keep_comments_and_other_entries(terms, gloss_dir):
    places = gloss_dir / "places.yaml"
    before = places.read_text("utf-8")
    path = terms.add_form("idlib", "Idleb City", "variants")
    assert path == places
    terms.add_form("idlib", "Edleb", "deprecated")
    after = places.read_text("utf-8")
    assert comments(after) == comments(before)
    assert not lint_glossary([gloss_dir]).errors
    e = terms.entry("idlib")
    assert "Idleb City" in e.variants and "Edleb" in e.deprecated
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(changed) == 2 and all("Idleb City" in c or "Edleb" in c for c in changed)
    with pytest.raises(GlossaryError, match="already"):
        terms.add_form("idlib", "Edleb", "deprecated")
    with pytest.raises(GlossaryError, match="preferred"):
        terms.add_form("idlib", "Idlib", "variants")


def test_mining_the_project_and_prefilling_the_form(terms, main_project):
    assert [p for p in terms.mine() if p.kind == "new"] == []  # the glossary covers 000
    link = main_project.links()[1]
    main_project.accept(link.id, "Fighters left Kafr Nabudah for Turkey on Monday.",
                        base_version=link.version)
    proposals = terms.mine()
    new = [p for p in proposals if p.kind == "new"]
    assert [p.text for p in new] == ["Kafr Nabudah"]
    assert new[0].evidence[0].document == "translation"
    form = terms.prefill(new[0])
    assert (form.en, form.id, form.ar) == ("Kafr Nabudah", "kafr-nabudah", [])
    form.ar, form.type = ["كفرنبودة"], "place"
    terms.add_term(form)
    assert [p for p in terms.mine() if p.kind == "new"] == []


def test_suggest_id():
    assert suggest_id("Jaish al-Izza") == "jaish-al-izza"
    assert suggest_id("Hay'at Tahrir al-Sham") == "hayat-tahrir-al-sham"
    assert suggest_id("Jisr al-Shughūr") == "jisr-al-shughur"
