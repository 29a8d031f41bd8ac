"""Consonant skeletons: names written in Arabic and in English meet on one key."""

from __future__ import annotations

import pytest

from tests.conftest import dev_doc
from workbench.text.skeleton import (arabic_skeletons, english_name_skeletons, english_skeleton,
                                     lowercase_words)


@pytest.mark.parametrize("arabic, english", [
    ("كافانو", "Kavanaugh"),          # v written with fa, silent final gh
    ("بإدلب", "Idlib"),               # the preposition bi- taken off
    ("الشغور", "Shoghour"),           # the article off; ghain written gh
    ("التركستاني", "Turkistani"),
    ("«سبوتنيك»", "Sputnik"),
    ("نيلسن", "Nielsen"),
    ("وبيرنرز", "Berners"),           # the conjunction wa- taken off
])
def test_a_name_has_the_same_skeleton_in_both_scripts(arabic, english):
    assert english_skeleton(english) in arabic_skeletons(arabic)


def test_diacritics_and_tatweel_do_not_split_an_arabic_word():
    assert arabic_skeletons("إِدْلِب") == arabic_skeletons("إدلب") == {"DLB"}
    assert arabic_skeletons("إدلـــب") == {"DLB"}


def test_common_capitalised_words_are_not_names():
    text = "Meanwhile, the Kavanaugh hearing went on. On Monday Nielsen said so."
    keys = english_name_skeletons(text, lowercase_words(["meanwhile it rained"]))
    assert keys == {"KFN", "NLSN"}
    assert english_name_skeletons("Meanwhile Kavanaugh spoke.") >= {"KFN"}


def test_names_tie_the_right_paragraphs_of_the_dev_documents(dev_dir):
    """On real dev documents, gold paragraph pairs share a name key far more often than
    other pairs of the same documents (the anchor is evidence, not noise)."""
    from workbench.align.anchors import name_keys

    gold_hits = gold_n = other_hits = other_n = 0
    for k in range(20):
        src, tgt, gold = dev_doc(dev_dir, "paragraphs", f"{k:03d}")
        ks, kt = name_keys(src, tgt)
        pairs = {(lk.src[0], lk.tgt[0]) for lk in gold if len(lk.src) == len(lk.tgt) == 1}
        for i in range(len(src)):
            for j in range(len(tgt)):
                hit = bool(ks[i] & kt[j])
                if (i, j) in pairs:
                    gold_hits, gold_n = gold_hits + hit, gold_n + 1
                else:
                    other_hits, other_n = other_hits + hit, other_n + 1
    assert gold_n > 30
    assert gold_hits / gold_n > 0.5
    assert gold_hits / gold_n > 2 * other_hits / other_n
