"""Arabic term matching: every clitic rule of the issue, with positive and negative cases."""

from __future__ import annotations

import pytest

from workbench.glossary.model import Entry


@pytest.fixture
def g(make_glossary):
    return make_glossary(
        Entry("idlib", "place", "Idlib", ["إدلب"]),
        Entry("hama", "place", "Hama", ["حماة"]),
        Entry("latakia", "place", "Latakia", ["اللاذقية"]),
        Entry("al-habit", "place", "al-Habit", ["الهبيط"]),
        Entry("levant", "place", "the Levant", ["الشام"]),
        Entry("rrc", "organization", "Russian Reconciliation Centre",
              ["المركز الروسي للمصالحة"]),
        Entry("nusra", "faction", "al-Nusra Front", ["جبهة النصرة"]),
        Entry("hts", "faction", "Hay'at Tahrir al-Sham", ["هيئة تحرير الشام", "تحرير الشام"]),
    )


def ids(g, text):
    return [(m.entry_id, m.surface) for m in g.match_arabic(text)]


# --- proclitics ------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "و", "ف", "ب", "ك", "ل", "وب", "فب", "ول", "فل", "وك"])
def test_proclitics_on_a_bare_term(g, prefix):
    text = f"في {prefix}إدلب اليوم"
    assert ids(g, text) == [("idlib", "إدلب")]
    m = g.match_arabic(text)[0]
    assert text[m.start:m.end] == "إدلب"  # the proclitic is not part of the term's span


@pytest.mark.parametrize("word", ["مإدلب", "بلإدلب", "وفإدلب", "ببإدلب", "تإدلب", "سإدلب"])
def test_other_letters_before_a_term_are_not_proclitics(g, word):
    assert ids(g, f"في {word} اليوم") == []


# --- the article -----------------------------------------------------------------

@pytest.mark.parametrize("word", ["الهبيط", "والهبيط", "فالهبيط", "بالهبيط", "كالهبيط",
                                  "وبالهبيط"])
def test_article_forms(g, word):
    assert ids(g, f"بلدة {word} الاستراتيجية") == [("al-habit", "الهبيط")]


@pytest.mark.parametrize("word", ["للهبيط", "وللهبيط", "فللهبيط"])
def test_lam_plus_article_is_written_lam_lam(g, word):
    (m,) = g.match_arabic(f"وصل {word} أمس")
    assert m.entry_id == "al-habit" and m.surface == "للهبيط"


@pytest.mark.parametrize("word", ["للاذقية", "وللاذقية", "فللاذقية"])
def test_lam_plus_article_before_lam_drops_a_lam(g, word):
    # ل + اللاذقية is written للاذقية (not لللاذقية)
    (m,) = g.match_arabic(f"بريف {word} الشمالي")
    assert m.entry_id == "latakia" and m.surface == "للاذقية"


@pytest.mark.parametrize("word", ["لالهبيط", "لاللاذقية", "لللاذقية", "بللهبيط", "هبيط",
                                  "ولالهبيط"])
def test_impossible_article_spellings_do_not_match(g, word):
    assert ids(g, f"وصل {word} أمس") == []


def test_the_article_is_not_added_to_a_bare_form(g):
    assert ids(g, "مدينة الإدلب") == []


def test_real_spellings_from_the_arabic_seed(curated, seeds):
    found: dict[str, set[str]] = {}
    for m in curated.match_arabic(seeds["004"]):
        found.setdefault(m.entry_id, set()).add(m.surface)
        assert seeds["004"][m.start:m.end] == m.surface
    assert found["latakia"] == {"اللاذقية"}  # واللاذقية and بريف اللاذقية
    assert found["hts"] == {"هيئة «تحرير الشام"}  # لهيئة «تحرير الشام»: across the quote
    assert found["russian-reconciliation-centre"] == {"المركز الروسي للمصالحة"}
    assert found["tip"] == {"الحزب الإسلامي التركستاني", "الحزب التركستاني"}
    assert found["nusra"] == {"جبهة النصرة"} and found["jaish-al-izza"] == {"جيش العزة"}
    assert found["al-habit"] == {"الهبيط"} and found["ali-ayoub"] == {"علي أيوب", "العماد أيوب"}
    assert {"sputnik", "chinese-principality", "hmeimim", "jisr-al-shughur", "bashar-al-assad",
            "idlib", "hama", "syria", "russian-defence-ministry"} <= set(found)


# --- multi-word terms --------------------------------------------------------------

@pytest.mark.parametrize("text,surface", [
    ("وجبهة النصرة", "جبهة النصرة"),
    ("لجبهة النصرة", "جبهة النصرة"),
    ("بالمركز الروسي للمصالحة", "المركز الروسي للمصالحة"),
    ("للمركز الروسي للمصالحة", "للمركز الروسي للمصالحة"),
])
def test_proclitics_attach_to_the_first_word_of_a_multi_word_term(g, text, surface):
    assert [m.surface for m in g.match_arabic(f"قال {text} إن")] == [surface]


@pytest.mark.parametrize("text", ["جبهة والنصرة", "جبهة بالنصرة", "المركز والروسي للمصالحة"])
def test_proclitics_never_attach_to_later_words(g, text):
    assert ids(g, f"قال {text} إن") == []


@pytest.mark.parametrize("text", ["جبهة النصرتها", "جبهة النصرةهم", "المركز الروسي للمصالحته"])
def test_multi_word_terms_take_no_enclitic(g, text):
    assert ids(g, f"قال {text} إن") == []


# --- enclitics -----------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["ه", "ها", "هما", "هم", "هن", "ك", "كم", "كما", "كن", "نا"])
def test_enclitic_pronouns_on_single_word_terms(g, suffix):
    (m,) = g.match_arabic(f"في إدلب{suffix} اليوم")
    assert m.entry_id == "idlib" and m.surface == "إدلب"


@pytest.mark.parametrize("word", ["حماتها", "حماتهم", "وحماتنا", "بحماته"])
def test_ta_marbuta_becomes_ta_before_an_enclitic(g, word):
    (m,) = g.match_arabic(f"في {word} اليوم")
    assert m.entry_id == "hama" and m.surface == "حمات"


@pytest.mark.parametrize("word", ["حماةها", "حماةهم"])
def test_ta_marbuta_does_not_stay_before_an_enclitic(g, word):
    assert ids(g, f"في {word} اليوم") == []


@pytest.mark.parametrize("word", ["حمات", "إدلبي", "إدلبية", "إدلبني", "الهبيطها", "اللاذقيتها"])
def test_no_other_suffixes(g, word):
    # bare ت without a pronoun, the nisba ي, other endings, pronouns on article terms
    assert ids(g, f"في {word} اليوم") == []


# --- word boundaries, longest match, normalisation, offsets ---------------------------------

def test_word_boundaries_use_the_arabic_letter_class(g):
    assert ids(g, "بلاد الشامية") == []
    assert ids(g, "بلاد الشام.") == [("levant", "الشام")]
    assert ids(g, "(إدلب)، و«إدلب»") == [("idlib", "إدلب"), ("idlib", "إدلب")]
    assert ids(g, "إدلب2019") == [("idlib", "إدلب")]


def test_longest_match_wins_and_spans_do_not_overlap(g):
    assert ids(g, "عناصر هيئة تحرير الشام في") == [("hts", "هيئة تحرير الشام")]
    assert ids(g, "عناصر تحرير الشام في بلاد الشام") == [("hts", "تحرير الشام"),
                                                         ("levant", "الشام")]


def test_normalised_matching_maps_back_to_the_original(g):
    text = "دخلوا إِدْلِب ثم ادلب ثم إدلـــب"
    found = g.match_arabic(text)
    assert [m.surface for m in found] == ["إِدْلِب", "ادلب", "إدلـــب"]
    for m in found:
        assert text[m.start:m.end] == m.surface and m.status == "source"


def test_empty_and_non_arabic_text(g, make_glossary):
    assert g.match_arabic("") == [] and g.match_arabic("Idlib and Hama") == []
    assert make_glossary().match_arabic("إدلب") == []
