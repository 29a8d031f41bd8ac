"""The application-layer session the TUI uses, on a real project store."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.conftest import ROOT
from workbench.app.session import Session, locate
from workbench.errors import WorkbenchError
from workbench.formats.tmx import load_tmx
from workbench.store.project import ConflictError, Project, default_project_path

SCHEMAS = ROOT / "tests" / "formats" / "schemas"


def test_locate_names_projects_pairs_and_texts(tmp_path, project_path):
    data = tmp_path / "data"
    t = locate(str(project_path))
    assert t.path == project_path and t.exists
    t = locate("seeds:004-000", data_dir=data)
    assert t.path == default_project_path("seeds:004-000", data) and t.pair is not None
    assert not t.exists
    assert locate(None, data_dir=data).label == "seeds:004-000"
    assert locate("seeds:004-000", unit="sentences", data_dir=data).path != t.path
    with pytest.raises(ValueError, match="data_dir"):
        locate("seeds:004-000")          # the folder comes from the edge, never read here
    ar, en = tmp_path / "a.txt", tmp_path / "e.txt"
    ar.write_text("نص عربي.\n\nفقرة ثانية.\n", encoding="utf-8")
    en.write_text("Arabic text.\n\nA second paragraph.\n", encoding="utf-8")
    t1 = locate(source=ar, target=en, data_dir=data)
    assert t1.source_text.startswith("نص") and t1.path.parent == default_project_path("x", data).parent
    en.write_text("Other text.\n", encoding="utf-8")
    assert locate(source=ar, target=en, data_dir=data).path != t1.path
    with pytest.raises(WorkbenchError):
        locate("seeds:004-000", source=ar, target=en, data_dir=data)
    with pytest.raises(WorkbenchError):
        locate(source=ar, data_dir=data)
    with pytest.raises(WorkbenchError):
        locate("seeds:no-such-pair", data_dir=data)


def test_open_creates_a_pairs_default_project_once(tmp_path, main_pair, curated):
    t = locate("seeds:004-000", data_dir=tmp_path)
    s = Session.open(t, glossary=curated, links=main_pair.gold_links())
    try:
        assert t.path.exists() and len(s.links) == 13
    finally:
        s.close()
    s2 = Session.open(locate("seeds:004-000", data_dir=tmp_path), glossary=curated)
    try:
        assert [lk.id for lk in s2.links] == [lk.id for lk in s.links]
    finally:
        s2.close()


def test_open_texts_with_given_links(tmp_path, curated):
    from workbench.align.links import Link

    ar, en = tmp_path / "a.txt", tmp_path / "e.txt"
    ar.write_text("قالت هيئة تحرير الشام.\n", encoding="utf-8")
    en.write_text("Hayat Tahrir Al sham said.\n", encoding="utf-8")
    s = Session.open(locate(source=ar, target=en, data_dir=tmp_path), glossary=curated,
                     links=[Link((0,), (0,))])
    try:
        (row,) = s.rows()
        assert row.findings == 1          # the variant spelling of the rewrite
        assert s.fix(row.link, row.link.target_text) == "Hay'at Tahrir al-Sham said."
    finally:
        s.close()


def test_rows_filters_and_navigation(session):
    rows = session.rows()
    assert [r.number for r in rows] == list(range(1, 14))
    insertions = sum(r.link.is_insertion for r in rows)
    assert len(session.rows("untranslated")) == 13 - insertions
    with_findings = session.rows("findings")
    assert with_findings and all(r.findings for r in with_findings)
    assert session.summary()["findings"] == sum(r.findings for r in rows)
    assert session.rows("low") == []          # gold links carry no confidence
    with pytest.raises(WorkbenchError):
        session.rows("nope")
    first = rows[0].id
    assert session.next_link(first, "untranslated") == rows[1].id
    assert session.next_link(first, "untranslated", step=-1) == rows[-1].id
    nf = session.next_link(None, "findings")
    assert nf == with_findings[0].id


def test_accept_goes_into_the_memory_and_the_tm_proposes_it(session, project_path):
    link = session.links[0]
    assert session.initial_text(link) == ""
    text = session.fix(link, link.reference_text)
    new = session.accept(link.id, text, base_version=link.version)
    assert new.status == "translated"
    assert session.summary()["translated"] == 1
    assert session.findings(link.id) == session.check(new, text)
    (tm, *_rest) = session.tm_candidates(new)
    assert tm.kind == "tm" and tm.text == text and tm.label in ("100%", "context")
    with Project.open(project_path) as other:
        assert other.link(link.id).target_text == text
        assert other.link(link.id).status == "translated"
    with pytest.raises(WorkbenchError):
        session.accept(link.id, "  ", base_version=new.version)


def test_drafts_and_review_and_undo_redo(session, project_path):
    link = session.links[1]
    assert session.save_draft(link.id, "", base_version=link.version) is None
    d = session.save_draft(link.id, "The sources said", base_version=link.version)
    assert d.status == "draft" and d.target_text == "The sources said"
    assert session.save_draft(link.id, "The sources said", base_version=d.version) is None
    assert session.initial_text(d) == "The sources said"
    r = session.review(link.id, "The sources said so.", base_version=d.version)
    assert r.status == "reviewed"
    assert session.undo().startswith("undid")
    assert session.link(link.id).status == "draft"
    assert session.redo().startswith("redid")
    assert session.link(link.id).status == "reviewed"
    with Project.open(project_path) as other:
        assert other.link(link.id).status == "reviewed"


def test_a_stale_write_is_refused_and_reload_gives_the_stored_link(session, project_path):
    link = session.links[2]
    with Project.open(project_path) as other:
        other.edit(link.id, "from another window", base_version=link.version)
    with pytest.raises(ConflictError):
        session.save_draft(link.id, "mine", base_version=link.version)
    fresh = session.reload(link.id)
    assert fresh.target_text == "from another window" and fresh.version == link.version + 1
    assert session.save_draft(link.id, "mine", base_version=fresh.version).target_text == "mine"


def test_poll_sees_other_processes(session, project_path):
    assert session.poll() == set()
    link = session.links[3]
    with Project.open(project_path) as other:
        other.accept(link.id, "Accepted elsewhere.", base_version=link.version)
    changed = session.poll()
    assert changed == {link.id}
    assert session.link(link.id).status == "translated"
    assert session.poll() == set()
    with Project.open(project_path) as other:
        a, b = other.links()[4:6]
        other.merge([a.id, b.id], base_versions={a.id: a.version, b.id: b.version})
    assert session.poll() is None
    assert len(session.links) == 12


def test_live_findings_fixes_terms_and_rewrite_marks(session):
    link = next(lk for lk in session.links if "Hayat Tahrir Al sham" in lk.reference_text)
    found = session.check(link, "Hayat Tahrir Al sham moved")
    assert any(f.kind == "variant" and f.fix == "Hay'at Tahrir al-Sham" for f in found)
    assert session.fix(link, "Hayat Tahrir Al sham moved").startswith("Hay'at Tahrir al-Sham")
    terms = session.terms(link)
    assert terms and all(link.source_text[t.start:t.end] for t in terms)
    for t in terms:
        assert t.en == session.glossary.entries[t.entry_id].en
    marks = session.rewrite_marks(link)
    assert any(link.reference_text[f.target_span[0]:f.target_span[1]] == "Hayat Tahrir Al sham"
               for f in marks)
    rw = session.rewrite_candidate(link)
    assert rw.kind == "rewrite" and "Hayat Tahrir Al sham" not in rw.text
    # a deletion has no rewrite
    deleted = [lk for lk in session.links if lk.is_deletion]
    for lk in deleted:
        assert session.rewrite_candidate(lk) is None


def test_without_a_model_there_is_one_notice_and_no_mt(session):
    assert session.backend is None
    assert "no machine-translation model" in session.mt_notice
    assert "workbench models fetch" in session.mt_notice
    assert session.summary()["model"] == "no model"
    link = session.links[0]
    assert session.mt_candidates(link) == []
    kinds = [c.kind for c in session.candidates(link)]
    assert kinds == ["rewrite"]


def test_exports_tmx_xliff_text(session, tmp_path):
    link = session.links[0]
    session.accept(link.id, "Informed sources in Idlib said.", base_version=link.version)
    out = session.export("tmx")
    assert out.startswith("wrote 1 translation units")
    tmx = session.default_export_path("tmx")
    assert tmx.parent == session.project.path.parent
    units = load_tmx(tmx).units
    assert [u.target for u in units] == ["Informed sources in Idlib said."]
    xlf = tmp_path / "out.xlf"
    session.export("xliff", xlf)
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff_core_2.0.xsd")))
    doc = etree.parse(str(xlf))
    assert schema.validate(doc), schema.error_log
    txt = session.export("txt")
    assert "paragraphs" in txt
    assert "Informed sources in Idlib said." in session.default_export_path("txt").read_text()
    foreign = tmp_path / "notes.tmx"
    foreign.write_text("my own notes", encoding="utf-8")
    with pytest.raises(WorkbenchError):
        session.export("tmx", foreign)
    with pytest.raises(WorkbenchError):
        session.export("tmx", session.project.path)


def test_mt_candidates_from_the_tiny_model_then_from_the_cache(project_path, curated,
                                                               tiny_model_dir):
    s = Session.open(locate(str(project_path)), glossary=curated, model=str(tiny_model_dir))
    try:
        assert s.backend is not None and s.model_name != "no model"
        link = next(lk for lk in s.links if "هيئة تحرير الشام" in lk.source_text
                    or "تحرير الشام" in lk.source_text)
        assert s.mt_candidates(link, cached_only=True) == []
        got = s.mt_candidates(link)
        assert got and got[0].kind == "mt" and got[0].label == "MT 1"
        assert all(isinstance(c.findings, tuple) for c in got)
        assert s.backend.loaded
    finally:
        s.close()
    s2 = Session.open(locate(str(project_path)), glossary=curated, model=str(tiny_model_dir))
    try:
        again = s2.mt_candidates(s2.link(link.id), cached_only=True)
        assert [c.text for c in again] == [c.text for c in got]
        assert all(c.cached for c in again)
        assert not s2.backend.loaded
        kinds = [c.kind for c in s2.candidates(s2.link(link.id))]
        assert "mt" in kinds and kinds[-1] == "rewrite"
    finally:
        s2.close()
