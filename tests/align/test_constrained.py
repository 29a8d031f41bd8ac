"""Alignment with fixed links (workbench.align.constrained): anchors cut the documents,
every gap is aligned on its own, fixed segments are never touched."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDS
from workbench.align.api import Aligner
from workbench.align.constrained import align_with_fixed, anchors, gaps
from workbench.align.links import Link, read_links
from workbench.errors import WorkbenchError
from workbench.text.segment import segment


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


@pytest.fixture(scope="module")
def loose_texts(seeds):
    src = [s.text for s in segment(seeds["004"], "paragraphs", "ar")]
    tgt = [t.text for t in segment(seeds["001"], "paragraphs", "en")]
    return src, tgt


def test_anchors_skip_moved_and_null_links():
    fixed = [Link((0,), (6,)), Link((1,), (1, 2)), Link((2,), (3,)), Link((4,), ()),
             Link((), (0,)), Link((5,), (5,))]
    # [0]:[6] is out of order: the run [1]:[1,2], [2]:[3], [5]:[5] cuts
    assert [lk.key() for lk in anchors(fixed)] == [((1,), (1, 2)), ((2,), (3,)), ((5,), (5,))]
    assert gaps(8, 8, fixed) == [([3], [4]), ([6, 7], [7])]


def test_gaps_cover_every_free_segment_once():
    fixed = [Link((2,), (2,)), Link((5, 6), (4,)), Link((9,), ())]
    got = gaps(10, 8, fixed)
    assert got == [([0, 1], [0, 1]), ([3, 4], [3]), ([7, 8], [5, 6, 7])]
    with pytest.raises(WorkbenchError):
        gaps(3, 3, [Link((5,), (0,))])


def test_fixed_links_stay_and_every_segment_is_used_once(aligner, loose_texts):
    src, tgt = loose_texts
    fixed = [Link((0,), (6,)), Link((1,), (1, 2)), Link((11,), ())]
    new = align_with_fixed(src, tgt, fixed, aligner=aligner)
    used_s = sorted(i for lk in fixed + new for i in lk.src)
    used_t = sorted(j for lk in fixed + new for j in lk.tgt)
    assert used_s == list(range(len(src))) and used_t == list(range(len(tgt)))
    assert not {lk.key() for lk in new} & {lk.key() for lk in fixed}
    assert all(lk.score is not None and 0.0 <= lk.score <= 1.0 for lk in new)
    assert all(11 not in lk.src for lk in new)
    # a deletion fixed by a person stays even where the free aligner links the paragraph
    free = aligner.align_segments(src, tgt)
    linked = next(lk for lk in free if len(lk.src) == 1 and lk.tgt)
    new2 = align_with_fixed(src, tgt, [Link(linked.src, ())], aligner=aligner)
    assert all(linked.src[0] not in lk.src for lk in new2)
    assert sorted(j for lk in new2 for j in lk.tgt) == list(range(len(tgt)))


def test_gold_links_fixed_reproduce_the_gold(aligner, loose_texts):
    src, tgt = loose_texts
    gold = read_links(SEEDS / "gold" / "004-001.paragraphs.gold")
    assert align_with_fixed(src, tgt, gold, aligner=aligner) == []
    # all gold links but the 1:2 of paragraph 3: its gap is [3] against [4, 5]
    fixed = [lk for lk in gold if lk.key() != ((3,), (4, 5))]
    new = align_with_fixed(src, tgt, fixed, aligner=aligner)
    assert sorted(i for lk in new for i in lk.src) == [3]
    assert sorted(j for lk in new for j in lk.tgt) == [4, 5]


def test_overlapping_fixed_links_are_refused(loose_texts):
    src, tgt = loose_texts
    with pytest.raises(WorkbenchError):
        align_with_fixed(src, tgt, [Link((0,), (0,)), Link((0,), (1,))])
