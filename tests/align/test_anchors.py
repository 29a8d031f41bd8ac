"""Anchors (numbers, Latin tokens, glossary terms) and the boilerplate prior."""

from __future__ import annotations

import numpy as np

from tests.conftest import GLOSSARIES, dev_doc
from workbench.align.anchors import anchor_masks, document_anchors, latin_tokens, number_keys
from workbench.align.boilerplate import boilerplate_likeness
from workbench.align.scorer import _popcount


def test_numbers_match_across_scripts_and_formats():
    ar = number_keys("قتل ٢٣ جنديا وأصيب 7 آخرون من أصل ١٬٠٠٠ بنسبة ٢٫٥٪")
    en = number_keys("23 soldiers were killed and seven wounded out of 1,000 (2.5%)", english=True)
    assert {"n:23", "n:7", "n:1000", "n:2.5"} <= ar
    assert {"n:23", "n:7", "n:1000", "n:2.5"} <= en


def test_latin_tokens_are_anchors_only_when_copied_into_the_arabic():
    src = ["قالت قناة KSWB-TV إن الهجوم وقع", "نص بلا كلمات لاتينية"]
    tgt = ["Chad Hammel told KSWB-TV in San Diego", "The attack occurred"]
    s, t = document_anchors(src, tgt)
    assert "w:kswb-tv" in s[0] and "w:kswb-tv" in t[0]
    assert not any(k.startswith("w:") for k in t[1])  # ordinary English words are not anchors
    assert latin_tokens("a b MWP") == {"mwp"}
    ms, mt = anchor_masks(s), anchor_masks(t)
    assert _popcount(ms[[0]] & mt[[0]])[0] >= 1
    assert _popcount(ms[[1]] & mt[[0]])[0] == 0


def test_glossary_terms_are_anchors(seeds):
    from workbench.glossary import load_glossary

    glossary = load_glossary([GLOSSARIES])
    src = [p for p in seeds["004"].split("\n\n") if p.strip()][:1]
    tgt = [p for p in seeds["000"].split("\n\n") if p.strip()][:1]
    s, t = document_anchors(src, tgt, glossary)
    shared = {k for k in s[0] & t[0] if k.startswith("g:")}
    assert shared, (s[0], t[0])  # Idlib, Hama, ... are in the bundled glossary


def test_glossary_terms_on_one_side_of_the_document_only_are_not_anchors(seeds):
    from workbench.glossary import load_glossary

    glossary = load_glossary([GLOSSARIES])
    src = [p for p in seeds["004"].split("\n\n") if p.strip()][:1]
    tgt = [p for p in seeds["000"].split("\n\n") if p.strip()][:1]
    s, _ = document_anchors(src, tgt, glossary)
    # the same Arabic against an English text naming none of its terms: the terms would
    # only count as missing in every block, so they are left out
    s_alone, t_alone = document_anchors(src, ["The weather was mild all week."], glossary)
    assert any(k.startswith("g:") for k in s[0])
    assert not any(k.startswith("g:") for k in s_alone[0] | t_alone[0])


def test_boilerplate_likeness():
    texts = ["Share it...", "Subscribe to our newsletter",
             "The Syrian army liberated many towns and strategic hills in the countryside of "
             "Hama and Idlib, the sources said, pointing out deep differences between groups."]

    from workbench.align import boilerplate

    ref_texts = list(boilerplate.PHRASES)
    vocab = sorted({w for t in texts + ref_texts for w in t.lower().split()})

    def bow(batch):  # a bag-of-words stand-in for the real embedder
        out = np.array([[t.lower().split().count(w) for w in vocab] for t in batch], float)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    like = boilerplate_likeness(texts, bow)
    assert like[0] == 1.0 and like[1] == 1.0
    assert like[2] == 0.0  # long content is never boilerplate


def test_boilerplate_glued_into_a_sentence_is_cut_out(dev_dir):
    from workbench.align.api import Aligner
    from workbench.align.boilerplate import split_phrases
    from workbench.text.segment import sentences

    # dev paragraphs 077, English 4: the rewrite pasted a "Read more" line before a quote
    # without a full stop; the quote is the Arabic paragraph 3
    en = (dev_dir / "paragraphs" / "en" / "077").read_text("utf-8").splitlines()[4]
    sents = [s.text for s in sentences(en, "en")]
    glued = [s for s in sents if "Read more: latest updates" in s and s.endswith("no.")]
    assert glued, sents  # the sentence splitter alone leaves it glued to the quote
    pieces = split_phrases(glued[0])
    assert pieces == ["Read more: latest updates", 'from the region "No, no, no, no , no.']
    assert split_phrases("He read more than twenty books.") == ["He read more than twenty books."]
    # the aligner's sentences of that paragraph hold the phrase on its own
    assert "Read more: latest updates" in Aligner()._sentences([en], "en")[0]


def test_transliterated_names_are_anchors_only_when_on_both_sides():
    src = ["قال كافانو إن شركة نيلسن أحصت المشاهدين", "وزار الوزير مدينة إدلب"]
    tgt = ["Kavanaugh said Nielsen counted the viewers", "Meanwhile the minister went home"]
    s, t = document_anchors(src, tgt)
    assert {"t:KFN", "t:NLSN"} <= s[0] & t[0]
    # Idlib is written in the Arabic only: not an anchor (it cannot be shared)
    assert not any(k.startswith("t:") for k in s[1] | t[1])
    assert not any(k.startswith("t:") for k in document_anchors(src, tgt, names=False)[0][0])


def test_shared_anchors_get_bits_of_their_own():
    from workbench.align.anchors import anchor_mask_pair

    # 40 numbers on both sides: hashed into 128 bits some would collide, here none may
    src = [" ".join(str(100 + k) for k in range(40))] + [str(500 + k) for k in range(40)]
    tgt = [str(100 + k) for k in range(40)] + [" ".join(str(500 + k) for k in range(40))]
    s, t = document_anchors(src, tgt, names=False)
    ms, mt = anchor_mask_pair(s, t)
    assert _popcount(ms[[0]] & mt[[-1]])[0] == 0       # disjoint anchor sets share no bit
    assert (_popcount(ms[[0]] & mt[:40]) == 1).all()    # each shared number is one bit


def test_names_beyond_the_bits_are_dropped_not_hashed():
    from workbench.align.anchors import anchor_mask_pair

    # 120 shared numbers and 20 shared names: the numbers keep their bits, the 12 names
    # that find none are left out rather than hashed onto other anchors
    src = [{f"n:{k}" for k in range(120)} | {f"t:N{k:02d}" for k in range(20)}, {"n:7"}]
    tgt = [{f"n:{k}" for k in range(120)}, {f"t:N{k:02d}" for k in range(20)}]
    ms, mt = anchor_mask_pair(src, tgt)
    assert _popcount(ms[[0]])[0] == 128 and _popcount(mt[[0]])[0] == 120
    assert _popcount(mt[[1]])[0] == 8      # the names that got a bit of their own
    assert _popcount(ms[[1]] & mt[[1]])[0] == 0


def test_names_are_not_looked_for_when_other_anchors_fill_the_mask():
    from workbench.align.anchors import MASK_BITS

    # كافانو / Kavanaugh share a skeleton; beside a few numbers it is an anchor
    src = ["قال كافانو إن 12 شخصا", "نص آخر"]
    tgt = ["Kavanaugh said 12 people", "Other text"]
    s, t = document_anchors(src, tgt)
    assert any(k.startswith("t:") for k in s[0]) and any(k.startswith("t:") for k in t[0])
    # with as many shared numbers as the mask has bits, no name could get a bit of its own
    many = " ".join(str(1000 + k) for k in range(MASK_BITS))
    s, t = document_anchors([src[0] + " " + many, src[1]], [tgt[0] + " " + many, tgt[1]])
    assert not any(k.startswith("t:") for keys in s + t for k in keys)


def test_nested_masks_are_the_masks_of_both_levels(dev_dir, seeds):
    """Anchors found once in the sentences give each paragraph the union of its
    sentences' and the same masks as finding them at each level (seeds 004/000, dev 053)."""
    from workbench.align.anchors import document_masks, nested_masks
    from workbench.text.segment import paragraphs, sentences

    pairs = [([p.text for p in paragraphs(seeds["004"])], [p.text for p in paragraphs(seeds["000"])])]
    pairs.append(dev_doc(dev_dir, "paragraphs", "053")[:2])
    for src, tgt in pairs:
        sp = [[s.text for s in sentences(t, "ar")] or [t] for t in src]
        tp = [[s.text for s in sentences(t, "en")] or [t] for t in tgt]
        got = nested_masks(sp, tp)
        want = (*document_masks(src, tgt),
                *document_masks([x for p in sp for x in p], [x for p in tp for x in p]))
        for g, w in zip(got, want):
            assert np.array_equal(g, w)
        assert got[0].any() and got[2].any()
