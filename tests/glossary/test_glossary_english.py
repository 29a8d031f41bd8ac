"""English term matching: statuses, normalisation equivalents, probable variants."""

from __future__ import annotations

import pytest

from workbench.glossary.english import skeleton_key
from workbench.glossary.model import Entry


@pytest.fixture
def g(make_glossary):
    return make_glossary(
        Entry("hts", "faction", "Hay'at Tahrir al-Sham", ["هيئة تحرير الشام"],
              variants=["HTS", "Tahrir al-Sham"],
              deprecated=["Tahrir al-Sham al-Hay'at", "Hayat Tahrir Al sham"],
              forbidden=["Levant Liberation Board"]),
        Entry("jisr", "place", "Jisr al-Shughur", ["جسر الشغور"]),
        Entry("saraqib", "place", "Saraqib", ["سراقب"]),
        Entry("turkey", "place", "Turkey", ["تركيا"]),
        Entry("harem", "place", "Harem", ["حارم"]),
        Entry("khan", "place", "Khan Shaykhun", ["خان شيخون"]),
    )


def found(g, text):
    return [(m.entry_id, m.surface, m.status) for m in g.match_english(text)]


@pytest.mark.parametrize("text,status", [
    ("forces of Hay'at Tahrir al-Sham attacked", "preferred"),
    ("forces of Hay’at Tahrir al-Sham attacked", "preferred"),  # curly apostrophe
    ("forces of HTS attacked", "variant"),
    ("forces of Tahrir al-Sham attacked", "variant"),
    ("forces of Tahrir al-Sham al-Hay’at attacked", "deprecated"),
    ("forces of Hayat Tahrir Al sham attacked", "deprecated"),
    ("forces of Hayat Tahrir al-Sham attacked", "deprecated"),  # equivalent to a deprecated form
    ("forces of the Levant Liberation Board attacked", "forbidden"),
    ("forces of Tahrir Al-Sham attacked", "equivalent"),
    ("forces of Tahrir al sham attacked", "equivalent"),
])
def test_statuses(g, text, status):
    (m,) = g.match_english(text)
    assert m.entry_id == "hts" and m.status == status
    assert text[m.start:m.end] == m.surface


def test_longest_form_wins(g):
    assert found(g, "Tahrir al-Sham al-Hay'at") == [
        ("hts", "Tahrir al-Sham al-Hay'at", "deprecated")]


def test_sentence_starts_and_headlines_count_as_exact(g):
    assert found(g, "Harem fell. Harem was taken") == [("harem", "Harem", "preferred")] * 2
    assert found(g, "x. Tahrir al-Sham said") == [("hts", "Tahrir al-Sham", "variant")]
    assert found(g, "TURKEY (FNA)- news") == [("turkey", "TURKEY", "preferred")]


def test_lower_case_common_words_are_not_names(g):
    assert found(g, "a turkey in the harem; hts; tahrir al sham") == []


def test_word_boundaries_and_possessives(g):
    assert found(g, "Turkeys and Saraqibs") == []
    assert found(g, "Turkey’s army and Tahrir al-Sham's leaders") == [
        ("turkey", "Turkey", "preferred"), ("hts", "Tahrir al-Sham", "variant")]
    assert found(g, "Tahrir al-Sham’ commanders") == [("hts", "Tahrir al-Sham", "variant")]


@pytest.mark.parametrize("text,entry,form", [
    ("villages of Jisr al-Shughour", "jisr", "Jisr al-Shughur"),
    ("the city of Saraqeb fell", "saraqib", "Saraqib"),
    ("east of Khan Sheikhoun in", "khan", "Khan Shaykhun"),
    ("reports by Jisr el-Shoghour", "jisr", "Jisr al-Shughur"),
])
def test_probable_transliteration_variants(g, text, entry, form):
    (m,) = g.match_english(text)
    assert (m.entry_id, m.status, m.form) == (entry, "probable", form)
    assert m.score < 100 and text[m.start:m.end] == m.surface
    assert g.match_english(text, probable=False) == []


@pytest.mark.parametrize("text", ["the saraqeb", "Sarajevo", "Sarmada", "Harm", "Hare",
                                  "Jisr", "Khan", "the Turks"])
def test_probable_needs_capitals_and_similarity(g, text):
    assert g.match_english(text) == []


def test_skeleton():
    assert skeleton_key("Saraqeb") == skeleton_key("Saraqib") == ("srkb",)
    assert skeleton_key("Jeish al-Izzeh") == skeleton_key("Jaish al-Izza")
    assert skeleton_key("Idlib") != skeleton_key("Aleppo")


def test_the_seed_spellings_are_all_recorded(curated, seeds):
    """Every name spelling in the English seeds is an explicit form (preferred, variant,
    deprecated or forbidden), never only a normalisation-equivalent or a probable match."""
    for key in ("000", "001", "002", "003"):
        for m in curated.match_english(seeds[key]):
            assert m.status in ("preferred", "variant", "deprecated", "forbidden"), (key, m)
            assert seeds[key][m.start:m.end] == m.surface


def test_the_deprecated_spellings_of_the_main_rewrite(curated, seeds):
    dep = {(m.entry_id, m.surface) for m in curated.match_english(seeds["000"])
           if m.status == "deprecated"}
    assert dep == {("hts", "Hayat Tahrir Al sham"), ("hts", "Hayat Tahrir Al Sham"),
                   ("jaish-al-izza", "Jaish Al Izzah"), ("tip", "Islamic Party of Turkistan"),
                   ("tip", "Turkestan Party"), ("jisr-al-shughur", "Jisr Al Shughour")}


def test_a_glossary_survives_pickling_for_worker_processes(curated):
    import pickle

    copy = pickle.loads(pickle.dumps(curated))
    text = "Jisr Al Shughour and Saraqeb"
    assert [(m.entry_id, m.status) for m in copy.match_english(text)] == \
        [(m.entry_id, m.status) for m in curated.match_english(text)]
    assert copy.match_arabic("للاذقية")[0].entry_id == "latakia"
