"""XLIFF 2.0: schema-valid output, lossless round trips, translate-toolkit, hostile files."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import SEED_FILES
from workbench.errors import WorkbenchError
from workbench.formats.xliff import (
    STATE_OF_STATUS,
    XLIFF_NS,
    XliffNote,
    XliffUnit,
    read_xliff,
    status_of_state,
    write_xliff,
    xliff_bytes,
)
from workbench.text.segment import paragraphs

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff_core_2.0.xsd")))


@pytest.fixture(scope="module")
def units() -> list[XliffUnit]:
    ar = paragraphs(SEED_FILES["004"].read_text(encoding="utf-8"))
    en = paragraphs(SEED_FILES["000"].read_text(encoding="utf-8"))
    out = []
    for (status, (state, sub)), a, e in zip(STATE_OF_STATUS.items(), ar, en):
        out.append(XliffUnit(id=f"u{a.index}", source=a.text, target=e.text, state=state,
                             sub_state=sub, link_id=a.index + 1, version=3, src=(a.index,),
                             tgt=(e.index,),
                             notes=[XliffNote("missing: nusra, expected 'al-Nusra Front'",
                                              "terminology", 1)] if status == "new" else []))
    out.append(XliffUnit(id="u-ws", source=" جملة  بمسافات\nوسطر ", target="\tlead, two  spaces\n",
                         link_id=99, version=1, src=(7,), tgt=()))
    out.append(XliffUnit(id="u-ctrl", source="حرف\x0bتحكم", target="vertical\x0btab\r",
                         state="translated", link_id=100, version=1))
    out.append(XliffUnit(id="u-untranslated", source="لم يترجم", target=None))
    return out


def test_export_validates_against_the_oasis_core_schema(tmp_path, schema, units):
    path = tmp_path / "a.xlf"
    assert write_xliff(units, path, original="seeds:004-000") == len(units)
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log
    root = doc.getroot()
    assert root.get("srcLang") == "ar" and root.get("trgLang") == "en"
    states = [s.get("state") for s in root.iter(f"{{{XLIFF_NS}}}segment")]
    assert states[:4] == ["initial", "initial", "translated", "reviewed"]


def test_round_trip_is_lossless(tmp_path, units):
    path = tmp_path / "a.xlf"
    write_xliff(units, path, original="seeds:004-000")
    doc = read_xliff(path)
    assert doc.original == "seeds:004-000" and (doc.source_lang, doc.target_lang) == ("ar", "en")
    assert doc.units == units
    # writing what was read gives the same bytes
    assert xliff_bytes(doc.units, original=doc.original) == path.read_bytes()


def test_whitespace_and_control_characters_survive(tmp_path, units):
    path = tmp_path / "ws.xlf"
    write_xliff(units, path)
    root = etree.parse(str(path)).getroot()
    ws = root.find(f".//{{{XLIFF_NS}}}unit[@id='u-ws']")
    space = "{http://www.w3.org/XML/1998/namespace}space"
    assert ws.find(f".//{{{XLIFF_NS}}}target").get(space) == "preserve"
    ctrl = root.find(f".//{{{XLIFF_NS}}}unit[@id='u-ctrl']")
    assert [cp.get("hex") for cp in ctrl.iter(f"{{{XLIFF_NS}}}cp")] == ["000B", "000B", "000D"]
    back = {u.id: u for u in read_xliff(path).units}
    assert back["u-ws"].target == "\tlead, two  spaces\n"
    assert back["u-ctrl"].target == "vertical\x0btab\r"
    assert back["u-untranslated"].target is None


def test_arabic_is_written_in_logical_order(tmp_path, units):
    path = tmp_path / "a.xlf"
    write_xliff(units, path)
    raw = path.read_text(encoding="utf-8")
    assert units[0].source in raw
    assert not any(c in raw for c in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067")


def test_states_map_to_statuses():
    for status, (state, sub) in STATE_OF_STATUS.items():
        assert status_of_state(state, sub) == (None if status == "new" else status)
    assert status_of_state("final", None) == "reviewed"


def test_translate_toolkit_reads_our_xliff(tmp_path, units):
    xliff2 = pytest.importorskip("translate.storage.xliff2")
    path = tmp_path / "a.xlf"
    write_xliff(units[:4], path)
    with open(path, "rb") as fh:
        store = xliff2.Xliff2File(fh)
    assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("ar", "en")
    assert [(u.source, u.target) for u in store.units] == [(u.source, u.target) for u in units[:4]]
    assert [u.istranslated() for u in store.units] == [False, False, True, True]


def _xliff(body: str, *, attrs: str = 'version="2.0" srcLang="ar" trgLang="en"',
           ns: str = XLIFF_NS) -> bytes:
    return (f'<?xml version="1.0"?><xliff xmlns="{ns}" {attrs}><file id="f">{body}</file>'
            "</xliff>").encode()


_UNIT = '<unit id="u1"><segment><source>حلب</source><target>Aleppo</target></segment></unit>'

BAD_XLIFF = {
    "truncated": (_xliff(_UNIT)[:-20], "not well-formed"),
    "xliff 1.2": (_xliff(_UNIT, ns="urn:oasis:names:tc:xliff:document:1.2",
                         attrs='version="1.2"'), "XLIFF 1.2"),
    "namespace": (_xliff(_UNIT, ns="urn:example:other"), "namespace"),
    "no namespace": (b'<xliff version="2.0" srcLang="ar" trgLang="en"><file id="f"/></xliff>',
                     "namespace is 'missing'"),
    "source language": (_xliff(_UNIT, attrs='version="2.0" srcLang="fr" trgLang="en"'),
                        "source language is 'fr'"),
    "target language": (_xliff(_UNIT, attrs='version="2.0" srcLang="ar" trgLang="de"'),
                        "target language is 'de'"),
    "no target language": (_xliff(_UNIT, attrs='version="2.0" srcLang="ar"'),
                           "target language is None"),
    "no segment": (_xliff('<unit id="u1"><notes><note>x</note></notes></unit>'), "no <segment>"),
    "bad state": (_xliff('<unit id="u1"><segment state="done"><source>a</source></segment>'
                         '</unit>'), "unknown segment state 'done'"),
    "root": (b"<tmx version='1.4'/>", "not an XLIFF file"),
    "bomb": (b'<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa">'
             b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><xliff xmlns="' + XLIFF_NS.encode()
             + b'" version="2.0" srcLang="ar" trgLang="en"><file id="f"><unit id="u"><segment>'
             b'<source>&b;</source></segment></unit></file></xliff>', "entities"),
    "external": (b'<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                 b'<xliff xmlns="' + XLIFF_NS.encode() + b'" version="2.0" srcLang="ar" '
                 b'trgLang="en"><file id="f"><unit id="u"><segment><source>&x;</source>'
                 b'</segment></unit></file></xliff>', "entities"),
}


@pytest.mark.parametrize("case", sorted(BAD_XLIFF))
def test_malformed_xliff_is_refused_with_a_clear_message(tmp_path, case):
    data, message = BAD_XLIFF[case]
    path = tmp_path / f"{case.replace(' ', '_')}.xlf"
    path.write_bytes(data)
    with pytest.raises(WorkbenchError, match=message) as info:
        read_xliff(path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


def test_units_with_several_segments_are_joined(tmp_path):
    path = tmp_path / "multi.xlf"
    path.write_bytes(_xliff(
        '<unit id="u1"><segment state="reviewed"><source>جملة أولى.</source><target>First.'
        '</target></segment><ignorable><source> </source></ignorable><segment state="translated">'
        '<source>ثانية.</source><target>Second.</target></segment></unit>'))
    (u,) = read_xliff(path).units
    assert (u.source, u.target, u.state) == ("جملة أولى. ثانية.", "First. Second.", "translated")
    assert u.link_id is None


def test_writer_refuses_duplicate_ids_and_empty_files(tmp_path):
    with pytest.raises(WorkbenchError, match="duplicate"):
        xliff_bytes([XliffUnit("u1", "a"), XliffUnit("u1", "b")])
    with pytest.raises(WorkbenchError, match="nothing to export"):
        xliff_bytes([])
