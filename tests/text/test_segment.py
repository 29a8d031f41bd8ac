from __future__ import annotations

import pytest

from tests.conftest import DEV
from workbench.errors import WorkbenchError
from workbench.text.segment import lines, paragraphs, segment, sentences


@pytest.mark.parametrize("doc,count", [("004", 12), ("000", 7), ("001", 11), ("002", 29),
                                       ("003", 10)])
def test_seed_paragraph_counts(seeds, doc, count):
    assert len(paragraphs(seeds[doc])) == count


@pytest.mark.parametrize("doc", ["004", "000", "001", "002", "003"])
def test_seed_offsets_point_into_document(seeds, doc):
    text = seeds[doc]
    lang = "ar" if doc == "004" else "en"
    for unit in ("paragraphs", "sentences", "lines"):
        segs = segment(text, unit, lang)
        assert [s.index for s in segs] == list(range(len(segs)))
        for s in segs:
            raw = text[s.start:s.end]
            assert " ".join(raw.split()) == s.text
        # segments are in document order and do not overlap
        assert all(a.end <= b.start for a, b in zip(segs, segs[1:]))


def test_seed_004_sentences_stay_inside_paragraphs(seeds):
    paras = paragraphs(seeds["004"])
    sents = sentences(seeds["004"], "ar")
    assert len(sents) == 12  # every paragraph of 004 is one sentence
    for s in sents:
        p = paras[s.paragraph]
        assert p.start <= s.start and s.end <= p.end
    # the bracketed headline pieces are their own paragraphs
    assert paras[4].text == "} وزير الدفاع السوري"
    assert sents[9].text.startswith("على صعيد آخر")


def test_seed_003_sentences(seeds):
    sents = sentences(seeds["003"], "en")
    texts = [s.text for s in sents]
    assert texts[0] == "Terrorists in Idlib CLASH Over Fears of Syrian Army Offensive"
    assert len(sents) > len(paragraphs(seeds["003"]))


def test_arabic_sentence_rules():
    text = "قال د. أحمد إن الوضع صعب، وأضاف؛ هل ستتحسن؟ نعم! الرقم 3.5 مليون. انتهى"
    got = [s.text for s in sentences(text, "ar")]
    assert got == ["قال د. أحمد إن الوضع صعب، وأضاف؛ هل ستتحسن؟", "نعم!", "الرقم 3.5 مليون.", "انتهى"]


def test_arabic_line_end_is_a_boundary_and_initials_are_not():
    text = "زار الوزير م. علي البلدة\nوالتقى الجنود. ثم غادر"
    got = [s.text for s in sentences(text, "ar")]
    assert got == ["زار الوزير م. علي البلدة", "والتقى الجنود.", "ثم غادر"]


def test_arabic_quotes_stay_with_the_sentence():
    text = "وأكد المركز أن «القوات نجحت.» وقال آخر كلاما."
    got = [s.text for s in sentences(text, "ar")]
    assert got == ["وأكد المركز أن «القوات نجحت.»", "وقال آخر كلاما."]


def test_english_sentence_rules():
    text = ('Mr. Smith met Dr. Jones in the U.S. capital. Prices rose 3.5 percent. '
            '"We will win," he said. "They lost." The U.S. The end? Yes! J. R. Smith agreed.')
    got = [s.text for s in sentences(text, "en")]
    assert got == [
        "Mr. Smith met Dr. Jones in the U.S. capital.",
        "Prices rose 3.5 percent.",
        '"We will win," he said.',
        '"They lost."',
        "The U.S.",
        "The end?",
        "Yes!",
        "J. R. Smith agreed.",
    ]


def test_english_lowercase_continuation_is_not_a_boundary():
    got = [s.text for s in sentences("It costs approx. five dollars, etc. and more.", "en")]
    assert got == ["It costs approx. five dollars, etc. and more."]


def test_paragraphs_whitespace_and_blank_lines():
    text = "  first\nstill first  \n \n\n\tsecond para\n\n\n"
    ps = paragraphs(text)
    assert [p.text for p in ps] == ["first still first", "second para"]
    assert text[ps[0].start:ps[0].end] == "first\nstill first"


def test_lines_skip_blank():
    assert [s.text for s in lines("a\n\n  b  \n\n")] == ["a", "b"]


def test_unknown_language_and_unit():
    with pytest.raises(WorkbenchError, match="unknown language"):
        segment("x", "sentences", "fr")
    with pytest.raises(WorkbenchError, match="unknown segment unit"):
        segment("x", "words", "en")


def _boundaries(pieces):
    out, pos = set(), 0
    for piece in pieces[:-1]:
        pos += len(piece) + 1
        out.add(pos)
    return out


def test_arabic_sentence_boundaries_against_dev_benchmark():
    """The benchmark's sentence lines are NTREX lines (some hold two sentences, headlines have
    no stop); every boundary between them should also be one of ours (boundary recall)."""
    if not DEV.is_dir():
        pytest.skip("dev benchmark missing")
    theirs_total = found = 0
    for f in sorted((DEV / "paragraphs" / "ar").iterdir())[:40]:
        paras = f.read_text(encoding="utf-8").splitlines()
        sent_lines = (DEV / "sentences" / "ar" / f.name).read_text(encoding="utf-8").splitlines()
        k = 0
        for para in paras:
            # the sentence lines that make up this paragraph
            group = []
            while k < len(sent_lines) and len(" ".join(group)) < len(para):
                group.append(sent_lines[k])
                k += 1
            if " ".join(group) != para:
                continue
            ours = [s.text for s in sentences(para, "ar")]
            theirs_b, ours_b = _boundaries(group), _boundaries(ours)
            theirs_total += len(theirs_b)
            found += len(theirs_b & ours_b)
    assert theirs_total > 100
    assert found / theirs_total > 0.85


def test_ellipsis_and_question_marks_in_running_text():
    ar = "قال المصدر إن الوضع... صعب جدا. وأضاف آخر: لا."
    assert [s.text for s in sentences(ar, "ar")] == ["قال المصدر إن الوضع... صعب جدا.",
                                                   "وأضاف آخر: لا."]
    en = '"Why?" he asked. It ended at 1 p.m. However, talks went on... and on. Then… Nothing.'
    assert [s.text for s in sentences(en, "en")] == [
        '"Why?" he asked.', "It ended at 1 p.m.", "However, talks went on... and on.", "Then…",
        "Nothing."]
    assert [s.text for s in sentences("We met at 5 p.m. in Hama.", "en")] == [
        "We met at 5 p.m. in Hama."]
