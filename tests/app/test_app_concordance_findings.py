"""Concordance over the project, its memory and the bundled corpora; the project's findings
with filters and the variant fixes."""

from __future__ import annotations

import time

import pytest

from tests.conftest import GLOSSARIES
from workbench.app.concordance import Concordance, Index, Unit
from workbench.app.findings import ProjectFindings
from workbench.errors import WorkbenchError
from workbench.glossary import load_glossary


@pytest.fixture(scope="module")
def glossary():
    return load_glossary([GLOSSARIES])


def span_texts(hit):
    text = hit.source if hit.side == "source" else hit.target
    return [text[a:b] for a, b in hit.spans]


def test_arabic_query_normalised_with_clitics_and_harakat(main_project):
    conc = Concordance(main_project)
    hits = conc.search("النصره")  # ta marbuta written as ha
    assert hits and all(h.side == "source" for h in hits)
    assert {h.origin for h in hits} == {"project", "corpus"}
    assert all("النصرة" in t for h in hits for t in span_texts(h))
    first = hits[0]
    assert first.origin == "project" and first.unit.link_id is not None
    assert first.target  # a bilingual pair
    # harakat in the query do not matter
    assert len(conc.search("إِدْلِب")) == len(conc.search("ادلب")) > 0


def test_english_query_normalised_spans_in_the_original(main_project):
    conc = Concordance(main_project)
    hits = conc.search("tahrir al-sham")
    assert hits and all(h.side == "target" for h in hits)
    texts = {t for h in hits for t in span_texts(h)}
    assert "Tahrir Al sham" in texts and "Tahrir al-Sham" in texts
    assert not any(t.endswith(("’", "'")) for t in texts)
    corpus = [h for h in hits if h.origin == "corpus"]
    assert any(h.unit.ref.startswith("seeds:004-001") for h in corpus)
    assert any(h.unit.ref.startswith("seeds:002") and not h.source for h in corpus)
    assert conc.search("") == [] and conc.search("zzqxj") == []


def test_memory_units_and_edits_are_seen(main_project):
    conc = Concordance(main_project, corpora=False)
    link = main_project.links()[2]
    assert conc.search("Qwertyville") == []
    main_project.accept(link.id, "A meeting in Qwertyville.", base_version=link.version)
    hits = conc.search("qwertyville")
    assert {h.origin for h in hits} == {"project", "memory"}
    assert span_texts(hits[0]) == ["Qwertyville"]
    assert conc.search("qwertyville", origins=("memory",))[0].unit.ref.startswith("TM ")


def test_whole_words_and_limit():
    units = [Unit("project", f"u{i}", "", t) for i, t in enumerate(
        ["Idlib city", "Idlibi people", "south of Idlib"])]
    index = Index(units, "target")
    assert [k for k, _ in index.find("idlib")] == [0, 1, 2]
    assert [k for k, _ in index.find("idlib", whole_words=True)] == [0, 2]
    assert len(index.find("idlib", limit=1)) == 1


def test_concordance_is_fast_over_the_corpora(main_project):
    conc = Concordance(main_project)
    conc.search("x")  # index the project
    t = time.perf_counter()
    for q in ("إدلب", "Idlib", "جبهة النصرة", "Jaish al-Izza", "the"):
        conc.search(q)
    assert (time.perf_counter() - t) / 5 < 0.1


def test_findings_list_filter_and_fix(main_project, glossary):
    pf = ProjectFindings(main_project, glossary)
    counts = pf.counts()
    assert counts["variant"] > 0 and counts["missing"] > 0
    variants = pf.filter("variant")
    assert variants and all(f.kind == "variant" and f.fixable for f in variants)
    hts = pf.filter(term="hts")
    assert hts and all(f.term == "hts" for f in hts)
    assert pf.filter(["variant", "missing"]) == [f for f in pf.items
                                                  if f.kind in ("variant", "missing")]
    left, hit, right = variants[0].context()
    assert hit == variants[0].finding.found and left and right
    # one fix
    one = variants[0]
    before = main_project.link(one.link_id).target_text
    changed = pf.apply_fixes([one])
    assert changed == [one.link_id]
    after = main_project.link(one.link_id).target_text
    assert one.finding.fix in after and after != before
    assert len(pf.filter("variant")) == len(variants) - 1
    # all the rest: one undo step
    history = main_project.history_count()
    pf.apply_fixes()
    assert pf.counts()["variant"] == 0 and main_project.history_count() == history + 1
    main_project.undo()
    pf.reload()
    assert len(pf.filter("variant")) == len(variants) - 1
    with pytest.raises(WorkbenchError, match="unknown finding kind"):
        pf.filter("nonsense")


def test_fixing_keeps_an_accepted_status(main_project, glossary):
    pf = ProjectFindings(main_project, glossary)
    v = pf.filter("variant")[0]
    link = main_project.link(v.link_id)
    main_project.accept(link.id, link.target_text, base_version=link.version)
    pf.reload()
    pf.apply_fixes([f for f in pf.filter("variant") if f.link_id == link.id])
    assert main_project.link(link.id).status == "translated"
