"""House-style spellings (workbench.glossary.evidence): the transliteration key, variant
findings with their fix for a term the Arabic has and the English spells another way, and
the names of a similar shape that are not the term."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.glossary.evidence import (
    HOUSE_MIN_SCORE,
    find_house_variant,
    house_score,
    name_key,
    word_key,
)
from workbench.glossary.model import Entry
from workbench.glossary.qa import apply_fixes, check_segments

SPELLINGS = Path(__file__).resolve().parents[2] / "benchmarks/data/glossary/press_spellings.tsv"


@pytest.mark.parametrize("word,key", [
    ("Deraa", "dera"), ("Daraa", "dara"), ("Dar'a", "dara"), ("Hamah", "hama"),
    ("al-Tamaneh", "altamana"), ("Sheikhoun", "shaykhun"), ("Qalamoun", "kalamun"),
    ("Latakiyah", "latakia"), ("Hazzarin", "hazarin"), ("Salqeen", "salkin"),
])
def test_word_key(word, key):
    assert word_key(word) == key


def test_name_key_drops_articles():
    assert name_key("Jisr ash-Shughour") == name_key("Jisr al-Shughur") == ("jisr", "shugur")
    assert name_key("Bab el Hawa") == ("bab", "hawa")


def test_deraa_is_a_variant_of_daraa_even_when_not_listed(make_glossary):
    g = make_glossary(Entry("daraa", "place", "Daraa", ["درعا"]))
    (f,) = check_segments(g, ["قصفت الطائرات درعا"], ["Planes bombed Deraa"], numbers=False)
    assert (f.kind, f.term, f.found, f.fix, f.severity) == ("variant", "daraa", "Deraa", "Daraa",
                                                           "warning")
    assert "house-style" in f.note
    assert apply_fixes("Planes bombed Deraa", [f]) == "Planes bombed Daraa"


def test_deraa_with_the_bundled_glossary(curated):
    (f,) = check_segments(curated, ["في درعا"], ["in Deraa"], numbers=False)
    assert (f.kind, f.fix) == ("variant", "Daraa")


@pytest.mark.parametrize("src,tgt,term,found,fix", [
    ("وصلوا إلى حماة", "They reached Hamaa", "hama", "Hamaa", "Hama"),
    ("في حمص", "in Hums", "homs", "Hums", "Homs"),
    ("في مدينة درعا", "in Deraah city", "daraa", "Deraah", "Daraa"),
    ("قصف خان شيخون", "shelling of Khan Shaikhoun", "khan-shaykhun", "Khan Shaikhoun",
     "Khan Shaykhun"),
    ("في جسر الشغور", "in Jisr ash-Shughur", "jisr-al-shughur", "Jisr ash-Shughur",
     "Jisr al-Shughur"),
    ("في الدانا", "in ad-Dana", "al-dana", "ad-Dana", "al-Dana"),
    ("في الدانا", "Ad-Dana fell.", "al-dana", "Ad-Dana", "Al-Dana"),
    ("في سلقين", "in Salqeen", "salqin", "Salqeen", "Salqin"),
    ("في اللاذقية", "in Latakiyah", "latakia", "Latakiyah", "Latakia"),
    ("في أريحا", "in Areeha", "ariha", "Areeha", "Ariha"),  # an ambiguous form with homonyms
    ("قتل بشار الأسد", "Bashar al-Asad's forces", "bashar-al-assad", "Bashar al-Asad",
     "Bashar al-Assad"),
])
def test_house_style_spellings_are_variants_with_their_fix(curated, src, tgt, term, found, fix):
    findings = check_segments(curated, [src], [tgt], numbers=False)
    assert [(f.kind, f.term, f.found, f.fix) for f in findings] == [("variant", term, found, fix)]
    assert apply_fixes(tgt, findings) == tgt.replace(found, fix)


@pytest.mark.parametrize("src,tgt,kind", [
    ("في حمص", "Homes were destroyed", "check"),    # an English word at a sentence start
    ("في مدينة حمص", "Hamas fighters left the city", "missing"),
    ("في مدينة درعا", "in Darayya", "missing"),      # another town
    ("في بلدة سحاب", "Sahib visited the town", "missing"),
    ("قصف خان السبل", "shelling of Khan al-Sabil", "missing"),  # another village
    ("في مدينة حماة", "in the city of Hamad", "missing"),
])
def test_similar_names_are_not_variants(curated, src, tgt, kind):
    assert [f.kind for f in check_segments(curated, [src], [tgt], numbers=False)] == [kind]


def test_other_terms_of_the_english_are_not_candidates(curated):
    # "Hama" is a term of its own in the English: never a spelling of Homs
    findings = check_segments(curated, ["في مدينة حمص"], ["in Hama"], numbers=False)
    assert {f.kind for f in findings} == {"missing", "unsourced"}


def test_lowercase_words_are_not_candidates():
    e = Entry("daraa", "place", "Daraa", ["درعا"])
    assert find_house_variant(e, "the deraa road") is None
    assert find_house_variant(e, "the Deraa road").surface == "Deraa"


def _spellings():
    rows = []
    for line in SPELLINGS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def test_the_dev_set_of_press_spellings(curated):
    """Precision and recall of the key at the shipped threshold on the whole dev set
    (benchmarks/glossary_qa.py reports the held-out half)."""
    rows = _spellings()
    assert len(rows) >= 200 and {r[2] for r in rows} == {"variant", "other"}
    tp = fp = fn = 0
    for eid, spelling, label in rows:
        scores = [house_score(name_key(f), name_key(spelling)) for f in curated[eid].allowed]
        hit = any(s is not None and s >= HOUSE_MIN_SCORE for s in scores)
        tp += hit and label == "variant"
        fp += hit and label == "other"
        fn += (not hit) and label == "variant"
    assert tp / (tp + fp) >= 0.95 and tp / (tp + fn) >= 0.9, (tp, fp, fn)


@pytest.mark.parametrize("src,tgt,term,found,fix", [
    ("قتلى في درعا", "deaths in Daraa'", "daraa", "Daraa'", "Daraa"),  # a final ayn, not a
    ("في جسر الشغور", "in Jisr al-Shugour", "jisr-al-shughur", "Jisr al-Shugour",  # possessive
     "Jisr al-Shughur"),
    ("في الغوطة الشرقية", "in Eastern Gouta", "eastern-ghouta", "Eastern Gouta",
     "Eastern Ghouta"),
    ("وصل إلى حمص", "He arrived in Hims", "homs", "Hims", "Homs"),  # the first vowel is free
    ("في الهبيط", "in al-Hbeit", "al-habit", "al-Hbeit", "al-Habit"),  # dropped, short name
    ("قرب خان السبل", "near Khan al-Sbol", "khan-al-subul", "Khan al-Sbol", "Khan al-Subul"),
])
def test_spellings_of_the_old_fresh_set_and_kin(curated, src, tgt, term, found, fix):
    findings = check_segments(curated, [src], [tgt], numbers=False)
    assert [(f.kind, f.term, f.found, f.fix) for f in findings] == [("variant", term, found, fix)]


@pytest.mark.parametrize("text", [
    "Daraa's governor", "Daraa’s governor", "Daraa' governor",  # possessives
    "the town they call 'Daraa' now", "the town they call ‘Daraa’ now",  # a quotation
])
def test_a_trailing_apostrophe_that_is_not_the_names(curated, text):
    (m,) = curated.match_english(text)
    assert (m.surface, m.status) == ("Daraa", "preferred")


@pytest.mark.parametrize("form,spelling", [
    ("Daraa", "Darra"), ("Daraa", "Dura"),    # the final ayn (doubled vowel) dropped
    ("Harem", "Haram"), ("Harem", "Hiram"),   # the form's closed last e is an i
    ("Sahab", "Suhaib"),                      # a diphthong is an i, not an a
    ("al-Amar", "Omar"),                      # two consonants: the first vowel is not free
    ("Homs", "Hamas"),                        # a vowel added between two opening consonants
])
def test_look_alikes_refused_by_the_rules(form, spelling):
    assert house_score(name_key(form), name_key(spelling)) is None


@pytest.mark.parametrize("form,spelling", [
    ("Daraa", "Dar'a"), ("Daraa", "Deraah"), ("Ahmad", "Ahmed"), ("Harem", "Hareim"),
    ("Azmarin", "Izmarin"), ("al-Hamirat", "al-Humairat"), ("Hmeimim", "Himeimim"),
])
def test_spellings_kept_by_the_rules(form, spelling):
    assert house_score(name_key(form), name_key(spelling)) is not None


def test_an_adjective_renders_the_name(curated):
    # "Syrian Democratic Forces" for قوات سوريا الديمقراطية: Syria is not missing
    assert check_segments(curated, ["سيطرت قوات سوريا الديمقراطية على البلدة"],
                          ["The Syrian Democratic Forces took the town"], numbers=False) == []
    (f,) = check_segments(curated, ["عاد اللاجئون إلى سوريا"], ["The refugees returned home"],
                          numbers=False)
    assert (f.kind, f.term) == ("missing", "syria")


@pytest.mark.parametrize("src,tgt,term,found,fix", [
    # round 3, from the misses of the round-2 held-out set
    ("قصفت الطائرات أطراف خان شيخون", "Jets struck the outskirts of Khan Cheikhoun",
     "khan-shaykhun", "Khan Cheikhoun", "Khan Shaykhun"),      # French ch for sh
    ("قصفت الطائرات بلدة الهبيط", "Planes bombed the town of al-Hobeit", "al-habit",
     "al-Hobeit", "al-Habit"),                                  # a free first vowel costs nothing
    ("قال الرئيس بشار الأسد", "President Bashar Assad said", "bashar-al-assad",
     "Bashar Assad", "Bashar al-Assad"),                        # AP style around "Assad"
])
def test_round_three_spellings(curated, src, tgt, term, found, fix):
    findings = check_segments(curated, [src], [tgt], numbers=False)
    assert [(f.kind, f.term, f.found, f.fix) for f in findings] == [("variant", term, found, fix)]
    assert apply_fixes(tgt, findings) == tgt.replace(found, fix)


@pytest.mark.parametrize("tgt", ["President Bashar al-Assad said", "Assad's forces advanced",
                                 "Hafez al-Assad's son Bashar said"])
def test_allowed_forms_of_assad_stay_clean(curated, tgt):
    assert check_segments(curated, ["قال الرئيس بشار الأسد"], [tgt], numbers=False) == []


def test_daraa_al_balad_confirms_the_city(curated):
    (f,) = check_segments(curated, ["دخلت القوات درعا البلد"], ["Forces entered the old quarter"],
                          numbers=False)
    assert (f.kind, f.term) == ("missing", "daraa")
