"""An n:m link's edge segment given back to the unlinked segment beside it
(:func:`workbench.align.gaps.split_absorbed`), on plain NTREX translations (1:1 by line,
documents 0-79 only): the two documents of the ``translation`` set the search alone got
wrong, each checked with the pass switched off too, so that the test fails if it stops
doing the work.
"""

from __future__ import annotations

import pytest

from tests.align.test_profile import _ntrex_doc
from workbench.align.adapt import adapt_params
from workbench.align.api import Aligner
from workbench.align.engine import align_sides
from workbench.align.links import check_coverage


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


def _keys(links):
    return {lk.key() for lk in links}


@pytest.mark.parametrize("doc,absorbed,null", [
    # the Arabic headline is twice as long as the English one: its 1:1 link scores below
    # the search's floor, the headline is deleted and the first sentence's link takes the
    # English headline (1:2)
    (29, ((1,), (0, 1)), ((0,), ())),
    # a misspelt Arabic line ("هوحُر", "he is free") the embedder cannot read joins the
    # next line's link (2:1) and its English line is left as an insertion
    (53, ((22, 23), (23,)), ((), (22,))),
])
def test_absorbed_edge_segment_is_linked_with_the_null_beside_it(aligner, doc, absorbed,
                                                                 null):
    src, tgt = _ntrex_doc(doc)
    gold = {((k,), (k,)) for k in range(len(src))}
    assert len(src) == len(tgt)
    s, t = aligner.build_sides(src, tgt)
    params = adapt_params(aligner.params, s, t)
    without = _keys(align_sides(s, t, params, absorbed=False))
    assert {absorbed, null} <= without
    assert len(gold - without) == 2
    links = aligner.align_segments(src, tgt)  # --profile auto
    check_coverage(links, len(src), len(tgt), require_complete=True)
    assert _keys(links) == gold
    assert _keys(aligner.align_segments(src, tgt, profile="rewrite")) == gold
