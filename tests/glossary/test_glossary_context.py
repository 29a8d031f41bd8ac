"""QA with the context rules of ambiguous entries, on the bundled glossary: Arabic words that
are also names (حماة "guardians"), English words that are also names ("turkey"), homonyms
(أريحا: Ariha and Jericho), Arabic presentation forms and vocalisation."""

from __future__ import annotations

import pytest

from workbench.cli.main import main
from workbench.glossary.qa import check_segments
from workbench.glossary.search import find_entries


def kinds(glossary, src, tgt, *, numbers=False):
    return [(f.kind, f.term, f.severity) for f in check_segments(glossary, [src], [tgt],
                                                                numbers=numbers)]


@pytest.mark.parametrize("src,tgt,expected", [
    # حماة: the city, "guardians", "mother-in-law"
    ("حماة الديار يحمون البلاد", "The guardians of the homeland protect the country", []),
    ("حماة الديار عليكم سلام", "Peace be upon you, defenders of the homeland", []),
    ("وصلوا إلى حماة أمس", "They reached Hama yesterday", []),
    ("وصلوا إلى حماة أمس", "They reached the city yesterday", [("check", "hama", "info")]),
    ("وصلوا إلى مدينة حماة أمس", "They reached the city yesterday",
     [("missing", "hama", "warning")]),
    ("قصفوا ريف حماة الشمالي", "They shelled the northern countryside",
     [("missing", "hama", "warning")]),
    ("زارت حماتها أمس", "She visited her mother-in-law yesterday", []),
    # درعا: the city, and "a shield" (accusative indefinite)
    ("اتخذوهم درعا بشريا", "They used them as human shields", []),
    ("اتخذوا المدنيين درعًا", "They used civilians as cover", []),
    ("في محافظة درعا", "in the province", [("missing", "daraa", "warning")]),
    # النصرة alone: "support" in a campaign name; جبهة النصرة is never ambiguous
    ("أطلقوا حملة النصرة لغزة", "They launched a campaign for Gaza", []),
    ("هاجم عناصر النصرة القرية", "The fighters attacked the village",
     [("missing", "nusra", "warning")]),
    ("هاجمت جبهة النصرة القرية", "The group attacked the village",
     [("missing", "nusra", "warning")]),
    # حمص: the city, and chickpeas
    ("أكلنا صحن حمص بطحينة", "We ate a plate of hummus", []),
    ("أكلنا حمص", "We ate chickpeas", []),
    # English homographs
    ("أكلنا الديك الرومي", "We ate turkey for dinner", []),
    ("أكلنا الديك الرومي", "We ate roast turkey.", []),
    ("زار الوفد الحدود", "The delegation visited Turkey", [("unsourced", "turkey", "warning")]),
    ("ولد في الولايات المتحدة", "He was born in Damascus, Maryland", []),
    ("ولد في الولايات المتحدة", "He was born in Damascus", [("unsourced", "damascus", "warning")]),
    ("أطلقت روسيا القمر الصناعي", "Russia launched Sputnik 1", []),
    ("كانت هند قد زارت المدينة", "Kelli had visited the city", [("check", "kelli", "info")]),
])
def test_context_rules(curated, src, tgt, expected):
    assert kinds(curated, src, tgt) == expected


@pytest.mark.parametrize("tgt", ["in Ariha", "in Jericho", "the road to Jericho"])
def test_a_homonym_is_clean_with_either_english(curated, tgt):
    assert kinds(curated, "وصلوا إلى أريحا", tgt) == []


def test_homonyms_without_english_follow_the_context(curated):
    assert kinds(curated, "وصلوا إلى أريحا", "they arrived") == [("check", "ariha", "info")]
    assert kinds(curated, "وصلوا إلى أريحا الفلسطينية", "they arrived") == [
        ("missing", "jericho", "warning")]
    assert kinds(curated, "وصلوا إلى أريحا الإدلبية", "they arrived") == [
        ("missing", "ariha", "warning")]


def test_the_matcher_keeps_every_homonym_on_request(curated):
    assert [m.entry_id for m in curated.match_arabic("في أريحا")] == ["ariha"]
    ms = curated.match_arabic("في أريحا", homonyms=True)
    assert sorted(m.entry_id for m in ms) == ["ariha", "jericho"]
    assert len({(m.start, m.end) for m in ms}) == 1


def test_a_wrong_homonym_is_not_unsourced(curated):
    # the English has Jericho for أريحا: neither missing ariha nor unsourced jericho
    findings = check_segments(curated, ["قصفت الطائرات أريحا"], ["Planes bombed Jericho"])
    assert not [f for f in findings if f.kind in ("missing", "unsourced")]


def test_a_capital_turkey_is_still_turkey(curated):
    assert kinds(curated, "زار الوفد تركيا", "the delegation visited Turkey") == []
    assert kinds(curated, "زار الوفد تركيا", "the delegation visited the country") == [
        ("missing", "turkey", "warning")]


def test_the_seed_substitution_stays_an_error(curated):
    findings = check_segments(curated, ["قاتلت جبهة النصرة"], ["Hay'at Tahrir al-Sham fought"])
    assert {(f.kind, f.severity, f.swapped_with) for f in findings} == {
        ("missing", "error", "hts"), ("unsourced", "error", "nusra")}


# --- presentation forms and vocalisation ---------------------------------------------------

@pytest.mark.parametrize("src", [
    "وصلوا إلى مدينة حماة",
    "وصلوا إلى مدينة ﺣﻤﺎﺓ",                # presentation forms
    "وَصَلُوا إِلَى مَدِينَةِ حَمَاةَ",      # full vocalisation
    "وصلوا إلى مديـنة حمـاة",              # tatweel
    "ﻭﺻﻠﻮﺍ ﺇﻟﻰ ﻣﺪﻳﻨﺔ ﺣﻤﺎﺓ",                 # all presentation forms
])
def test_presentation_forms_and_vocalisation_match_alike(curated, src):
    assert kinds(curated, src, "they reached the city") == [("missing", "hama", "warning")]
    assert kinds(curated, src, "they reached Hama") == []


@pytest.mark.parametrize("query", ["ﺣﻤﺎﺓ", "حَمَاةَ", "حمـاة", "ﺑﺤﻤﺎﺓ"])
def test_glossary_find_normalises_the_query(curated, query):
    hits = find_entries(curated, query)
    assert hits and hits[0].entry.id == "hama" and hits[0].score == 100


def test_glossary_find_shows_both_homonyms(curated):
    assert {"ariha", "jericho"} <= {h.entry.id for h in find_entries(curated, "أريحا")[:2]}


def test_cli_find_with_presentation_forms(capsys):
    assert main(["glossary", "find", "ﺇﺩﻟﺐ"]) == 0
    assert "idlib" in capsys.readouterr().out
