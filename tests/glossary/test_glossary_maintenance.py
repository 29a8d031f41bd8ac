"""Maintenance: fmt, add, find, stats, mine, export/import (TBX, CSV), through the API and CLI."""

from __future__ import annotations

import json
import shutil
import textwrap

import pytest

from tests.conftest import GLOSSARIES
from workbench.cli.main import main
from workbench.corpus import find_collections
from workbench.glossary import lint_glossary, load_glossary
from workbench.glossary.edit import add_entry, entries_yaml, format_file, format_text
from workbench.glossary.mine import mine_collections, mine_documents
from workbench.glossary.model import Entry, Related
from workbench.glossary.search import find_entries
from workbench.glossary.stats import glossary_stats
from workbench.errors import WorkbenchError

MESSY = textwrap.dedent("""\
    # Header comment, kept.
    entries:
      # the first entry
      - ar: ["حماة"]
        en: Hama        # trailing comment, kept
        type: place
        id: hama
      - note: a town
        ar:
          - إدلب
        variants:
          - Idleb
        id: idlib
        type: place
        en: 'Idlib'
        status: checked
    """)


def empty_dir(tmp_path):
    d = tmp_path / "no-glossaries"
    d.mkdir(exist_ok=True)
    return d


@pytest.fixture
def gloss_dir(tmp_path):
    d = tmp_path / "glossaries"
    shutil.copytree(GLOSSARIES, d)
    return d


# --- fmt -----------------------------------------------------------------------------

def test_fmt_canonical_order_and_style_keeps_comments(write_yaml):
    path = write_yaml(MESSY)
    assert format_file(path) is True
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Header comment, kept.\nentries:\n  # the first entry\n")
    assert "# trailing comment, kept" in text
    assert '  - id: hama\n    type: place\n    en: "Hama"' in text
    assert '  - id: idlib\n    type: place\n    en: "Idlib"\n    ar: ["إدلب"]\n' \
           '    variants: ["Idleb"]\n    note: "a town"\n    status: checked\n' in text
    assert "\n\n  - id: idlib" in text  # one blank line between entries
    assert format_file(path) is False  # idempotent
    g = load_glossary([path])
    assert g["idlib"].variants == ["Idleb"] and g["idlib"].extra == {"status": "checked"}


def test_fmt_sort_and_check(write_yaml, capsys):
    path = write_yaml(MESSY.replace("id: hama", "id: zz-hama"))
    assert main(["glossary", "fmt", "--check", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == MESSY.replace("id: hama", "id: zz-hama")
    assert main(["glossary", "fmt", "--sort", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert text.index("id: idlib") < text.index("id: zz-hama")
    assert main(["glossary", "fmt", "--check", str(path)]) == 0
    capsys.readouterr()


def test_fmt_refuses_an_invalid_file(write_yaml, capsys):
    path = write_yaml("entries:\n  - id: x\n")
    assert main(["glossary", "fmt", str(path)]) == 2
    assert "not formatting an invalid glossary" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "entries:\n  - id: x\n"


def test_the_curated_files_are_formatted():
    for f in sorted(GLOSSARIES.glob("*.yaml")):
        text = f.read_text(encoding="utf-8")
        assert format_text(text, f) == text, f"{f.name}: run `workbench glossary fmt`"


# --- add -----------------------------------------------------------------------------

def test_add_appends_without_touching_the_rest(gloss_dir, capsys):
    places = gloss_dir / "places.yaml"
    before = places.read_text(encoding="utf-8")
    code = main([
        "glossary", "add", "--id", "maarat-al-numan", "--type", "place",
        "--en", "Maarat al-Numan", "--ar", "معرة النعمان", "--variant", "Ma'arrat al-Nu'man",
        "--deprecated", "Maaret al-Noman", "--related", "idlib:part-of",
        "--glossary", str(gloss_dir)])
    assert code == 0 and "added 'maarat-al-numan'" in capsys.readouterr().out
    after = places.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n") + "\n\n  - id: maarat-al-numan\n")
    g = load_glossary([gloss_dir])
    e = g["maarat-al-numan"]
    assert e.related == [Related("idlib", "part-of")] and e.deprecated == ["Maaret al-Noman"]
    assert [m.entry_id for m in g.match_arabic("في معرة النعمان")] == ["maarat-al-numan"]
    assert not lint_glossary([gloss_dir]).errors
    assert format_text(after, places) == after  # appended in the canonical style


@pytest.mark.parametrize("args,fragment", [
    (["--id", "idlib", "--en", "Idlib City", "--ar", "مدينة إدلب"], "duplicate id 'idlib'"),
    (["--id", "new-one", "--en", "Saraqib", "--ar", "سراقب الجديدة"], "also in entry 'saraqib'"),
    (["--id", "new-one", "--en", "New", "--ar", "New"], "not in Arabic script"),
    (["--id", "new-one", "--en", "New", "--ar", "جديد", "--related", "nowhere:ally"],
     "related id 'nowhere' does not exist"),
])
def test_add_refuses_what_lint_refuses(gloss_dir, capsys, args, fragment):
    before = {p.name: p.read_text(encoding="utf-8") for p in gloss_dir.glob("*.yaml")}
    code = main(["glossary", "add", "--type", "place", *args, "--glossary", str(gloss_dir)])
    assert code == 2 and fragment in capsys.readouterr().err
    assert before == {p.name: p.read_text(encoding="utf-8") for p in gloss_dir.glob("*.yaml")}


def test_add_to_a_new_file_and_a_flow_style_file(tmp_path):
    e = Entry("idlib", "place", "Idlib", ["إدلب"])
    new = tmp_path / "new.yaml"
    add_entry(e, new, glossary_paths=[])
    assert load_glossary([new])["idlib"].en == "Idlib"
    flow = tmp_path / "flow.yaml"
    flow.write_text("ignore: [Foo]\nentries: [{id: hama, type: place, en: Hama, ar: [حماة]}]\n"
                    "# end\n", encoding="utf-8")
    add_entry(e, flow, glossary_paths=[])
    g = load_glossary([flow])
    assert set(g.entries) == {"hama", "idlib"} and g.ignore == {"Foo"}


def test_add_dry_run_writes_nothing(gloss_dir, capsys):
    code = main(["glossary", "add", "--id", "x-town", "--type", "other", "--en", "X Town",
                 "--ar", "بلدة إكس", "--dry-run", "--glossary", str(gloss_dir)])
    assert code == 0 and '- id: x-town' in capsys.readouterr().out
    assert not (gloss_dir / "other.yaml").exists()


# --- find, stats ---------------------------------------------------------------------------

@pytest.mark.parametrize("query,entry", [
    ("Saraqeb", "saraqib"), ("للاذقية", "latakia"), ("جبهه النصره", "nusra"),
    ("Jisr al-Shoghour", "jisr-al-shughur"), ("zinki", "zenki"), ("HTS", "hts"),
    ("khan shaykhun", "khan-shaykhun"), ("بالهبيط", "al-habit"),
])
def test_find(curated, query, entry):
    hits = find_entries(curated, query, min_score=70)
    assert hits and hits[0].entry.id == entry


def test_find_cli(capsys):
    assert main(["glossary", "find", "Saraqeb", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["id"] == "saraqib"
    assert main(["glossary", "find", "qwxzv"]) == 1
    assert "no entry matches" in capsys.readouterr().out


def test_stats(curated, capsys):
    stats = glossary_stats(curated, find_collections().values())
    assert stats["entries"] == len(curated) and sum(stats["by_type"].values()) == len(curated)
    cov = stats["coverage"]
    docs = {d["document"]: d for d in cov["documents"]}
    assert docs["seeds:004"]["language"] == "ar" and docs["seeds:004"]["distinct_terms"] >= 15
    assert cov["english_statuses"]["deprecated"] >= 10
    assert "al-watan" in cov["entries_unused"]  # the seeds never name it in a matchable way
    assert main(["glossary", "stats"]) == 0
    out = capsys.readouterr().out
    assert "faction" in out and "seeds:004" in out


# --- mine -----------------------------------------------------------------------------------

def test_mine_finds_nothing_uncovered_in_the_seeds(curated, capsys):
    """Every faction, place, person and organisation named in the seeds is in the glossary."""
    proposals = mine_collections(curated, [find_collections()["seeds"]])
    assert proposals == [], [(p.kind, p.text) for p in proposals]
    assert main(["glossary", "mine", "seeds"]) == 0
    assert "no proposals" in capsys.readouterr().out


def test_mine_proposes_names_and_variants_it_does_not_know(curated, seeds):
    entries = {k: v for k, v in curated.entries.items() if k not in ("sarmada", "ariha")}
    jaish = curated["jaish-al-izza"]
    entries["jaish-al-izza"] = Entry(jaish.id, jaish.type, jaish.en, jaish.ar,
                                     deprecated=["Jaish Al Izzah"])
    from workbench.glossary.model import Glossary

    g = Glossary(entries, ignore=curated.ignore)
    proposals = {(p.kind, p.text): p for p in mine_documents(g, [(k, seeds[k]) for k in
                                                                  ("000", "001", "002", "003")])}
    assert ("new", "Sarmada") in proposals and ("new", "Ariha") in proposals
    assert proposals[("new", "Sarmada")].count == 2
    assert "Sarmada" in proposals[("new", "Sarmada")].evidence[0].sentence
    variant = proposals[("variant", "Jeish al-Izzeh")]
    assert variant.entry_id == "jaish-al-izza" and variant.count == 3
    assert set(k for k, _ in proposals) == {"new", "variant"}
    assert len(proposals) == 3


def test_mine_cli_json_and_unknown_collection(capsys):
    assert main(["glossary", "mine", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["glossary", "mine", "nope"]) == 2
    assert "unknown collection" in capsys.readouterr().err


# --- export / import ------------------------------------------------------------------------

def test_tbx_export_is_read_by_translate_toolkit(curated, tmp_path, capsys):
    from translate.storage import tbx

    out = tmp_path / "g.tbx"
    assert main(["glossary", "export", "--format", "tbx", "-o", str(out)]) == 0
    store = tbx.tbxfile.parsestring(out.read_bytes())
    units = {u.getid(): u for u in store.units}
    assert len(units) == len(curated)
    hts = units["hts"]
    assert hts.source == "هيئة تحرير الشام" and hts.target == "Hay'at Tahrir al-Sham"
    statuses = {t.text: t.administrative_status for t in hts.get_target_terms()}
    assert statuses["Hay'at Tahrir al-Sham"] == "preferredTerm-admn-sts"
    assert statuses["HTS"] == "admittedTerm-admn-sts"
    assert statuses["Hayat Tahrir Al sham"] == "supersededTerm-admn-sts"
    assert statuses["Levant Liberation Board"] == "deprecatedTerm-admn-sts"
    assert [t for t in hts.get_target_terms() if t.deprecated] == [
        t for t in hts.get_target_terms() if t.text == "Levant Liberation Board"]


def test_tbx_and_csv_round_trip(curated, tmp_path, capsys):
    from workbench.formats.csvio import read_csv, write_csv
    from workbench.formats.tbx import read_tbx, write_tbx

    entries = list(curated)
    write_tbx(entries, tmp_path / "g.tbx")
    write_csv(entries, tmp_path / "g.csv")

    def essence(es):
        return {e.id: (e.type, e.en, e.ar, e.variants, e.deprecated, e.forbidden,
                       [(r.id, r.relation) for r in e.related], e.note) for e in es}

    assert essence(read_tbx(tmp_path / "g.tbx")) == essence(entries)
    assert essence(read_csv(tmp_path / "g.csv")) == essence(entries)
    # import -> YAML -> the same glossary
    out = tmp_path / "imported.yaml"
    assert main(["glossary", "import", str(tmp_path / "g.csv"), "-o", str(out),
                 "--glossary", str(empty_dir(tmp_path))]) == 0
    capsys.readouterr()
    assert essence(load_glossary([out])) == essence(entries)
    # importing next to the curated glossary collides with it
    assert main(["glossary", "import", str(tmp_path / "g.tbx")]) == 2
    assert "duplicate id" in capsys.readouterr().err


def test_csv_import_of_a_hand_made_file(tmp_path, capsys):
    p = tmp_path / "terms.csv"
    p.write_text("id,en,ar,type,variants\nmaarat,Maarat al-Numan,معرة النعمان,place,"
                 "Maarat al-Nu'man | Ma'arat al-Numan\n", encoding="utf-8")
    assert main(["glossary", "import", str(p)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Imported from terms.csv\nentries:\n  - id: maarat\n")
    assert 'variants: ["Maarat al-Nu\'man", "Ma\'arat al-Numan"]' in text


@pytest.mark.parametrize("content,fragment", [
    ("id,en\nx,Y\n", "no 'ar' column"),
    ("id,en,ar,colour\nx,Y,ص,red\n", "unknown CSV column"),
    ("id,en,ar\nx,,ص\n", "empty 'en'"),
    ("id,en,ar\nx,Idlib,Idlib\n", "not in Arabic script"),
    ("id,en,ar\nx,Y,ص,extra\n", "4 fields"),
])
def test_csv_import_errors(tmp_path, capsys, content, fragment):
    p = tmp_path / "bad.csv"
    p.write_text(content, encoding="utf-8")
    assert main(["glossary", "import", str(p), "--glossary", str(empty_dir(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1


@pytest.mark.parametrize("content,fragment", [
    (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><martif>&a;</martif>',
     "declares XML entities"),
    (b"<martif><text><body><termEntry id='x'>", "not well-formed"),
    (b"<tmx/>", "not a TBX file"),
    (b"<martif><text><body><termEntry id='x'><langSet xml:lang='en'><tig><term>X</term></tig>"
     b"</langSet></termEntry></body></text></martif>", "has no Arabic term"),
])
def test_tbx_import_errors(tmp_path, capsys, content, fragment):
    p = tmp_path / "bad.tbx"
    p.write_bytes(content)
    assert main(["glossary", "import", str(p)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1


def test_export_csv_to_stdout_and_import_needs_force(tmp_path, capsys):
    assert main(["glossary", "export", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("id,type,en,ar,variants,deprecated,forbidden,related,note,ambiguous,"
                          "homonyms,senses,context\n")
    csv_path = tmp_path / "g.csv"
    csv_path.write_text(out, encoding="utf-8")
    target = tmp_path / "exists.yaml"
    target.write_text("entries: []\n", encoding="utf-8")
    assert main(["glossary", "import", str(csv_path), "-o", str(target),
                 "--glossary", str(empty_dir(tmp_path))]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "entries: []\n"


def test_entries_yaml_is_valid(curated, tmp_path):
    p = tmp_path / "all.yaml"
    p.write_text(entries_yaml(list(curated)), encoding="utf-8")
    assert not lint_glossary([p]).errors


def test_add_entry_raises_with_position(tmp_path):
    p = tmp_path / "g.yaml"
    with pytest.raises(WorkbenchError) as info:
        add_entry(Entry("Bad Id", "place", "X", ["س"]), p, glossary_paths=[])
    assert "must be lower-case" in str(info.value) and not p.exists()


def test_add_to_a_file_with_unindented_items_and_to_a_broken_file(tmp_path):
    e = Entry("idlib", "place", "Idlib", ["إدلب"])
    flat = tmp_path / "flat.yaml"
    flat.write_text("# flat\nentries:\n- id: hama\n  type: place\n  en: Hama\n  ar: [حماة]\n",
                    encoding="utf-8")
    add_entry(e, flat, glossary_paths=[])
    assert set(load_glossary([flat]).entries) == {"hama", "idlib"}
    assert flat.read_text(encoding="utf-8").startswith("# flat\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries:\n  - id: [\n", encoding="utf-8")
    with pytest.raises(WorkbenchError) as info:
        add_entry(e, broken, glossary_paths=[])
    assert "not adding to an invalid glossary file" in str(info.value)
    assert broken.read_text(encoding="utf-8") == "entries:\n  - id: [\n"


def test_tbx_import_of_other_tools_files(tmp_path):
    from workbench.formats.tbx import read_tbx

    v2 = tmp_path / "omegat.tbx"
    v2.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><text><body>
  <termEntry id="Hama">
    <langSet xml:lang="en-GB"><ntig><termGrp><term>Hama</term>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termGrp></ntig>
      <ntig><termGrp><term>Hamah</term></termGrp></ntig></langSet>
    <langSet xml:lang="ar"><ntig><termGrp><term>حماة</term></termGrp></ntig></langSet>
  </termEntry></body></text></martif>""", encoding="utf-8")
    (e,) = read_tbx(v2)
    assert (e.id, e.en, e.variants, e.ar) == ("hama", "Hama", ["Hamah"], ["حماة"])
    v3 = tmp_path / "v3.tbx"
    v3.write_text("""<?xml version="1.0"?><tbx type="TBX-Basic" style="dca" xml:lang="en"
      xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="c1">
      <langSec xml:lang="ar"><termSec><term>إدلب</term></termSec></langSec>
      <langSec xml:lang="en"><termSec><term>Idleb</term>
        <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
      <termSec><term>Idlib</term>
        <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
      </langSec></conceptEntry></body></text></tbx>""", encoding="utf-8")
    (e,) = read_tbx(v3)
    assert (e.id, e.en, e.forbidden, e.ar) == ("c1", "Idlib", ["Idleb"], ["إدلب"])
