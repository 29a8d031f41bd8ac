"""Sentence links as evidence for paragraph links, on real dev documents.

Paragraphs are aligned after their sentences (with moves); the sentence links feed
the ``agree_*`` features and lift a paragraph the search left unlinked onto the
paragraph its sentences were linked into (``engine.lift_sentence_links``).  A
sentence link the gap filler made below ``release_below`` is no evidence
(``engine.evidence``).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import dev_doc
from workbench.align import engine, repair
from workbench.align.adapt import adapt_params
from workbench.align.api import Aligner


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


def _keys(links):
    return {lk.key() for lk in links}


def test_a_moved_question_is_linked_by_its_sentence(dev_dir, aligner, monkeypatch):
    # 046: the Arabic paragraph 2, one short question, became the opening sentence of
    # the last English paragraph (which goes on with a quote the Arabic lacks); the
    # Arabic paragraph 9 was dropped.  The paragraphs' embeddings are hardly similar
    # (the question is short, the English paragraph long), but the sentence alignment
    # links the question to the English opening sentence.
    src, tgt, gold = dev_doc(dev_dir, "paragraphs", "046")
    assert {((2,), (9,)), ((9,), ())} <= _keys(gold)
    links = aligner.align_segments(src, tgt)
    assert {((2,), (9,)), ((9,), ())} <= _keys(links)
    moved = next(lk for lk in links if lk.key() == ((2,), (9,)))
    assert 0.0 <= moved.score <= 1.0
    # without the lift the monotonic search and the move pass leave the question
    # unlinked and pair the last paragraphs, which share only their topic
    monkeypatch.setattr(repair, "LIFT_AGREE", 1.01)
    without = _keys(aligner.align_segments(src, tgt))
    assert ((2,), ()) in without and ((2,), (9,)) not in without


def test_lifted_alignments_keep_every_segment_once_in_source_order(dev_dir, aligner):
    for name in ("046", "020", "071"):
        src, tgt, _ = dev_doc(dev_dir, "paragraphs", name)
        links = aligner.align_segments(src, tgt)
        assert sorted(i for lk in links for i in lk.src) == list(range(len(src)))
        assert sorted(j for lk in links for j in lk.tgt) == list(range(len(tgt)))
        # in source order, insertions before the next link with a target
        firsts = [lk.src[0] for lk in links if lk.src]
        assert firsts == sorted(firsts)


def test_boilerplate_is_never_lifted(dev_dir, aligner):
    # 071: an Arabic paragraph the rewrite dropped sits beside "Read more: latest
    # updates from the region"; the sentence gap filler links the two, but boilerplate
    # stays unlinked
    src, tgt, gold = dev_doc(dev_dir, "paragraphs", "071")
    assert tgt[3].startswith("Read more") and ((), (3,)) in _keys(gold)
    links = _keys(aligner.align_segments(src, tgt))
    assert ((), (3,)) in links and ((4,), ()) in links


def test_doubtful_sentence_links_are_no_evidence(dev_dir, aligner):
    # 072: the English paragraph 8 opens with a quote the Arabic does not have and
    # goes on with the Arabic paragraph 9; the Arabic paragraph 8 was dropped.  The
    # sentence gap filler pairs the dropped Arabic sentence with the added English
    # quote at a probability below ``release_below``: counted as agreement, it made
    # the two Arabic paragraphs one 2:1 link.
    src, tgt, gold = dev_doc(dev_dir, "paragraphs", "072")
    s, t = aligner.build_sides(src, tgt)
    params = adapt_params(aligner.params, s, t)
    raw = engine.align_sides(s.sub_side, t.sub_side, params, calibrated=False)
    owner_s, owner_t = s.sub_owner, t.sub_owner
    weak = [lk for lk in raw if lk.src and lk.tgt and lk.score < params.release_below
            and {int(owner_s[i]) for i in lk.src} == {8}
            and {int(owner_t[j]) for j in lk.tgt} == {8}]
    assert weak, "the weak sentence link this test is about"
    kept = engine.evidence(raw, params)
    assert not any(lk in kept for lk in weak)
    assert all(lk in kept for lk in raw if lk.score >= params.release_below)
    links = _keys(aligner.align_segments(src, tgt))
    assert {((8,), ()), ((9,), (8,))} <= links & _keys(gold)
    assert ((8, 9), (8,)) not in links


def test_evidence_keeps_links_without_a_score():
    from workbench.align.links import Link
    from workbench.align.scorer import Params

    p = Params(release_below=0.2)
    links = [Link((0,), (0,), 0.9), Link((1,), (1,), 0.1), Link((2,), (2,), None), Link((3,), ())]
    kept = engine.evidence(links, p)
    assert [lk.key() for lk in kept] == [((0,), (0,)), ((2,), (2,)), ((3,), ())]
    assert np.isclose(kept[0].score, 0.9)
