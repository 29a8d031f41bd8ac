"""TMX 1.4b: writing, reading, interoperability with translate-toolkit, hostile files."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.conftest import SEED_FILES
from workbench.errors import WorkbenchError
from workbench.formats.tmx import TMUnit, load_tmx, read_tmx, write_tmx
from workbench.text.segment import paragraphs

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def units() -> list[TMUnit]:
    ar = paragraphs(SEED_FILES["004"].read_text(encoding="utf-8"))
    en = paragraphs(SEED_FILES["000"].read_text(encoding="utf-8"))
    out = [TMUnit(source=a.text, target=e.text, created_at="2026-11-21T10:00:00Z",
                  note=f"paragraph {a.index}", context_prev=ar[a.index - 1].text if a.index else None,
                  origin="seeds:004-000") for a, e in zip(ar[:4], en[:4])]
    out.append(TMUnit(source="  نص  بمسافات \n وسطر ", target=" two  spaces\nand a line ",
                      created_at="2026-11-21T10:00:00+00:00"))
    return out


def test_round_trip_keeps_text_dates_notes_and_context(tmp_path, units):
    path = tmp_path / "seeds.tmx"
    assert write_tmx(units, path) == len(units)
    back = read_tmx(path)
    assert [(u.source, u.target) for u in back] == [(u.source, u.target) for u in units]
    assert [u.note for u in back[:4]] == [f"paragraph {i}" for i in range(4)]
    assert back[0].context_prev is None and back[1].context_prev == units[0].source
    assert {u.created_at for u in back} == {"2026-11-21T10:00:00Z"}
    assert back[0].origin == "seeds:004-000"
    # Arabic stays in logical order: the exact code points, no bidi controls added
    raw = path.read_text(encoding="utf-8")
    assert units[0].source in raw
    assert not any(c in raw for c in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067")


def test_written_tmx_has_the_required_header_and_languages(tmp_path, units):
    path = tmp_path / "a.tmx"
    write_tmx(units, path, unit="sentences")
    root = etree.parse(str(path)).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attr in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang",
                 "srclang", "datatype"):
        assert header.get(attr), attr
    assert header.get("segtype") == "sentence" and header.get("srclang") == "ar"
    langs = {tuv.get(XML_LANG) for tuv in root.iter("tuv")}
    assert langs == {"ar", "en"}
    tu = root.find("body/tu")
    assert tu.get("creationdate") == "20261121T100000Z"
    # DTD order inside <tu>: notes and props before the variants
    tags = [c.tag for c in tu]
    assert tags.index("tuv") > max(i for i, t in enumerate(tags) if t in ("note", "prop"))


def test_translate_toolkit_reads_our_tmx(tmp_path, units):
    tmx = pytest.importorskip("translate.storage.tmx")
    path = tmp_path / "ours.tmx"
    write_tmx(units, path)
    with open(path, "rb") as fh:
        store = tmx.tmxfile(fh, sourcelanguage="ar", targetlanguage="en")
    assert [(u.source, u.target) for u in store.units] == [(u.source, u.target) for u in units]
    assert "paragraph 0" in store.units[0].getnotes()


def test_we_read_translate_toolkit_tmx(tmp_path):
    tmx = pytest.importorskip("translate.storage.tmx")
    store = tmx.tmxfile(sourcelanguage="ar", targetlanguage="en")
    unit = store.addsourceunit("قوات سوريا الديمقراطية")
    unit.target = "Syrian Democratic Forces"
    path = tmp_path / "tt.tmx"
    path.write_bytes(bytes(store))
    assert b"<!DOCTYPE" in path.read_bytes()  # a DTD reference, never fetched
    (u,) = read_tmx(path)
    assert (u.source, u.target) == ("قوات سوريا الديمقراطية", "Syrian Democratic Forces")


def _tmx(body: str, *, header: str = '<header srclang="ar" segtype="sentence"/>',
         root: str = '<tmx version="1.4">') -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{root}{header}<body>{body}</body></tmx>'.encode()


def _tu(ar: str, en: str, ar_lang: str = "ar", en_lang: str = "en", attr: str = "xml:lang") -> str:
    return (f'<tu><tuv {attr}="{ar_lang}"><seg>{ar}</seg></tuv>'
            f'<tuv {attr}="{en_lang}"><seg>{en}</seg></tuv></tu>')


def test_regional_codes_old_lang_attribute_inline_codes(tmp_path):
    path = tmp_path / "x.tmx"
    path.write_bytes(_tmx(
        _tu("حلب", "Aleppo", "ar-SY", "en-GB")
        + _tu("إدلب", "Idlib", "AR", "EN", attr="lang")
        + '<tu><tuv xml:lang="ar"><seg>هيئة <bpt i="1">&lt;b&gt;</bpt>تحرير<ept i="1">'
          '&lt;/b&gt;</ept> الشام</seg></tuv><tuv xml:lang="en"><seg>Hay\'at '
          '<hi>Tahrir</hi> al-Sham<ph>{1}</ph></seg></tuv></tu>'
        + _tu("فقط عربي", "", en_lang="fr")))
    tmx = load_tmx(path)
    assert [(u.source, u.target) for u in tmx.units] == [
        ("حلب", "Aleppo"), ("إدلب", "Idlib"), ("هيئة تحرير الشام", "Hay'at Tahrir al-Sham")]
    assert tmx.skipped == 1 and "fr" in tmx.languages


BAD_TMX = {
    "truncated": (_tmx(_tu("حلب", "Aleppo"))[:-30], "not well-formed"),
    "namespace": (_tmx(_tu("حلب", "Aleppo"), root='<tmx xmlns="urn:example:tmx" version="1.4">'),
                  "namespace"),
    "root": (b'<?xml version="1.0"?><xliff version="2.0"/>', "root element is <xliff>"),
    "no body": (b'<tmx version="1.4"><header/></tmx>', "no <body>"),
    "languages": (_tmx(_tu("Bonjour", "Hallo", "fr", "de")),
                  "no ar-en translation units \\(languages found: fr, de\\)"),
    "empty": (_tmx(""), "no translation units"),
    "no seg": (_tmx('<tu><tuv xml:lang="ar"></tuv></tu>'), "without <seg>"),
    "bomb": (b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">'
             b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
             b']><tmx version="1.4"><header/><body><tu><tuv xml:lang="ar"><seg>&c;</seg></tuv>'
             b'<tuv xml:lang="en"><seg>x</seg></tuv></tu></body></tmx>', "entities"),
    "external": (b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                 b'<tmx version="1.4"><header/><body><tu><tuv xml:lang="ar"><seg>&x;</seg></tuv>'
                 b'<tuv xml:lang="en"><seg>x</seg></tuv></tu></body></tmx>', "entities"),
    "binary": (b"\x00\x01\x02 not xml at all", "not well-formed"),
    "deep nesting": (_tmx('<tu><tuv xml:lang="ar"><seg>' + "<hi>" * 5000 + "x" + "</hi>" * 5000
                          + '</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>'),
                     "Excessive depth"),
}


@pytest.mark.parametrize("case", sorted(BAD_TMX))
def test_malformed_tmx_is_refused_with_a_clear_message(tmp_path, case):
    data, message = BAD_TMX[case]
    path = tmp_path / f"{case.replace(' ', '_')}.tmx"
    path.write_bytes(data)
    with pytest.raises(WorkbenchError, match=message) as info:
        read_tmx(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_missing_tmx_file(tmp_path):
    with pytest.raises(WorkbenchError, match="not found"):
        read_tmx(tmp_path / "nope.tmx")
