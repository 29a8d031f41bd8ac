"""Exporting a project to TMX/XLIFF/CSV/text and importing TMX and XLIFF back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from lxml import etree

from tests.formats.test_formats_tmx import BAD_TMX
from tests.formats.test_formats_xliff import BAD_XLIFF
from tests.store.store_helpers import snapshot
from workbench.app.projects import create_project
from workbench.errors import WorkbenchError
from workbench.formats.tmx import read_tmx
from workbench.formats.xliff import XLIFF_NS, read_xliff
from workbench.store.exchange import (
    export_project,
    import_file,
    term_findings,
)
from workbench.store.project import ConflictError, Project

SCHEMAS = Path(__file__).parent.parent / "formats" / "schemas"
X = f"{{{XLIFF_NS}}}"


@pytest.fixture(scope="module")
def glossary():
    from workbench.glossary import load_glossary

    from tests.conftest import GLOSSARIES

    return load_glossary([GLOSSARIES])


def _by_src(project: Project) -> dict:
    """Links by their first source index (the insertion []:[6] has none)."""
    return {lk.src[0]: lk for lk in project.links() if lk.src}


def _work(project: Project) -> None:
    """A little translator work: one reviewed, one translated, one draft."""
    links = _by_src(project)
    project.accept(links[0].id, "Informed sources in Idlib told Sputnik that many local leaders "
                   "of al-Nusra Front and Jaish al-Izza moved their families toward Turkey.",
                   base_version=links[0].version, status="reviewed")
    project.accept(links[1].id, base_version=links[1].version)
    project.edit(links[4].id, "The Syrian defence minister", base_version=links[4].version)


def test_xliff_export_is_schema_valid_with_states_and_term_notes(project, tmp_path, glossary):
    _work(project)
    out = tmp_path / "p.xlf"
    result = export_project(project, "xliff", out, glossary=glossary)
    doc = etree.parse(str(out))
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff_core_2.0.xsd")))
    assert schema.validate(doc), schema.error_log
    with_source = [lk for lk in project.links() if not lk.is_insertion]
    assert result.count == len(with_source) == len(doc.getroot().findall(f".//{X}unit"))
    states = {u.link_id: (u.state, u.sub_state) for u in read_xliff(out).units}
    links = _by_src(project)
    assert states[links[0].id] == ("reviewed", None)
    assert states[links[1].id] == ("translated", None)
    assert states[links[4].id] == ("initial", "workbench:draft")
    assert states[links[2].id] == ("initial", None)
    # open findings of the glossary check are the notes
    findings = term_findings(project, glossary)
    notes = doc.getroot().findall(f".//{X}note[@category='terminology']")
    assert result.findings == len(notes) == sum(len(v) for v in findings.values()) > 0
    # the reviewed translation names al-Nusra Front and Jaish al-Izza but not Hama
    first = {(f.kind, f.term) for f in findings[links[0].id]}
    assert ("missing", "hama") in first
    assert not {("missing", "nusra"), ("missing", "jaish-al-izza")} & first
    unit = doc.getroot().find(f".//{X}unit[@id='u{links[0].id}']")
    assert any("hama" in n.text for n in unit.iter(f"{X}note"))


def test_xliff_round_trip_changes_nothing(project, tmp_path):
    _work(project)
    out = tmp_path / "p.xlf"
    export_project(project, "xliff", out)
    before = snapshot(project)
    result = import_file(project, out)
    assert (result.updated, result.unchanged) == (0, result.unchanged) and result.unchanged > 0
    assert snapshot(project) == before
    again = tmp_path / "again.xlf"
    export_project(project, "xliff", again)
    assert again.read_bytes() == out.read_bytes()


def test_xliff_targets_come_back_in_one_undoable_step(project, tmp_path):
    out = tmp_path / "p.xlf"
    export_project(project, "xliff", out)
    tree = etree.parse(str(out))
    segs = tree.getroot().findall(f".//{X}segment")
    segs[0].find(f"{X}target").text = "  Sources in Idlib: leaders flee.\n"
    segs[0].set("state", "final")
    segs[2].find(f"{X}target").text = "Edited in another CAT tool"
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    before = [(lk.target_text, lk.status) for lk in project.links()]
    result = import_file(project, out)
    assert result.updated == 2
    links = project.links()
    assert (links[0].target_text, links[0].status) == ("  Sources in Idlib: leaders flee.\n",
                                                       "reviewed")
    assert (links[2].target_text, links[2].status) == ("Edited in another CAT tool", "draft")
    assert [u["target"] for u in project.memory_units()] == ["  Sources in Idlib: leaders flee.\n"]
    (entry,) = project.history()
    assert entry.kind == "import"
    project.undo()
    assert [(lk.target_text, lk.status) for lk in project.links()] == before
    assert project.memory_units() == []


def test_xliff_import_refuses_overwriting_newer_project_edits(project, tmp_path):
    out = tmp_path / "p.xlf"
    export_project(project, "xliff", out)
    link = project.links()[1]
    project.edit(link.id, "edited in the project after the export", base_version=link.version)
    tree = etree.parse(str(out))
    unit = tree.getroot().find(f".//{X}unit[@id='u{link.id}']")
    unit.find(f".//{X}target").text = "edited in the file"
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    before = snapshot(project)
    with pytest.raises(ConflictError, match="changed in the project since the export"):
        import_file(project, out)
    assert snapshot(project) == before
    import_file(project, out, force=True)
    assert project.link(link.id).target_text == "edited in the file"
    assert project.history()[1].new["text"] == "edited in the project after the export"


def test_xliff_of_another_project_is_refused(project, tmp_path, seeds):
    other = create_project(tmp_path / "other.wbproj", source_text=seeds["004"][::-1],
                           target_text=seeds["000"], links=[])
    with other:
        out = tmp_path / "other.xlf"
        export_project(other, "xliff", out)
    before = snapshot(project)
    with pytest.raises(WorkbenchError, match="source text differs|has no link"):
        import_file(project, out)
    assert snapshot(project) == before


@pytest.mark.parametrize("case", sorted(BAD_TMX) + sorted(BAD_XLIFF))
def test_malformed_imports_change_nothing(project, tmp_path, case):
    _work(project)
    data, message = BAD_TMX[case] if case in BAD_TMX else BAD_XLIFF[case]
    path = tmp_path / ("bad.tmx" if case in BAD_TMX else "bad.xlf")
    path.write_bytes(data)
    before = snapshot(project)
    with pytest.raises(WorkbenchError):
        import_file(project, path)
    assert snapshot(project) == before
    assert project.integrity_check() == "ok"


def test_tmx_export_of_accepted_pairs_imports_into_another_project(project, tmp_path, main_pair):
    _work(project)
    out = tmp_path / "accepted.tmx"
    result = export_project(project, "tmx", out)
    assert result.count == 2  # reviewed + translated; the draft is not accepted
    units = read_tmx(out)
    accepted = [lk for lk in project.links() if lk.accepted]
    assert [(u.source, u.target) for u in units] == [(lk.source_text, lk.target_text)
                                                     for lk in accepted]
    assert units[1].context_prev == project.segments("source")[0].text
    assert all(u.created_at for u in units)
    with create_project(tmp_path / "b.wbproj", pair=main_pair, links=main_pair.gold_links()) as b:
        first = import_file(b, out)
        assert (first.added, first.skipped) == (2, 0)
        again = import_file(b, out)
        assert (again.added, again.skipped) == (0, 2)
        mem = b.memory_units()
        assert [(m["source"], m["target"]) for m in mem] == [(u.source, u.target) for u in units]
        assert mem[0]["created_at"] == units[0].created_at  # the original date is kept
        assert mem[0]["origin"] == "seeds:004-000"
        # the whole memory (imported units included) goes out again
        full = tmp_path / "memory.tmx"
        assert export_project(b, "tmx", full, memory=True).count == 2
    all_out = tmp_path / "all.tmx"
    n_text = sum(1 for lk in project.links() if lk.src and lk.target_text.strip())
    assert export_project(project, "tmx", all_out, all_links=True).count == n_text


def test_nothing_accepted_nothing_to_export(project, tmp_path):
    with pytest.raises(WorkbenchError, match="no segment is accepted"):
        export_project(project, "tmx", tmp_path / "x.tmx")
    with pytest.raises(WorkbenchError, match="memory is empty"):
        export_project(project, "tmx", tmp_path / "x.tmx", memory=True)
    with pytest.raises(WorkbenchError, match="unknown export format"):
        export_project(project, "docx", tmp_path / "x.docx")
    assert not (tmp_path / "x.tmx").exists()


def test_csv_export(project, tmp_path):
    _work(project)
    out = tmp_path / "p.csv"
    assert export_project(project, "csv", out).count == len(project.links())
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    links = project.links()
    assert [int(r["link"]) for r in rows] == [lk.id for lk in links]
    assert rows[0]["source"] == links[0].source_text and rows[0]["status"] == "reviewed"
    assert rows[2]["target_segments"] == "2,3"
    assert {r["origin"] for r in rows} == {"aligner"}


def test_txt_export_is_the_translation_in_order(project, tmp_path):
    _work(project)
    out = tmp_path / "p.txt"
    result = export_project(project, "txt", out)
    paragraphs = out.read_text(encoding="utf-8").rstrip("\n").split("\n\n")
    links = [lk for lk in project.links() if lk.src and lk.target_text.strip()]
    assert result.count == len(paragraphs) == len(links)
    assert paragraphs[0].startswith("Informed sources in Idlib told Sputnik")
    assert "Share it..." not in paragraphs  # target-only material is not translation
    assert paragraphs[-1] == "The Syrian defence minister"


def test_import_of_unknown_format(project, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(WorkbenchError, match="cannot tell the format"):
        import_file(project, path)


def test_unwritable_destinations_are_clear_errors(project, tmp_path, main_pair):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(WorkbenchError, match="cannot write the export") as info:
        export_project(project, "xliff", blocker / "out.xlf")
    assert str(info.value).startswith(str(blocker / "out.xlf"))
    with pytest.raises(WorkbenchError, match="cannot create the project"):
        create_project(blocker / "p.wbproj", pair=main_pair, links=main_pair.gold_links())
