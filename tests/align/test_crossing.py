"""Crossing links read from the sentence evidence (:mod:`workbench.align.crossing`), on a
faithful translation built from NTREX lines (documents 0-79 only): translation-long-nm's
document 007 of ``benchmarks/align.py``, whose joined English lines make it a paragraph
document, and whose 3:2 and 2:3 links the paragraph profile's prior against crossing
blocks kept the search from taking.  Checked with the pass switched off too."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workbench.align.adapt import adapt_params
from workbench.align.api import Aligner
from workbench.align.engine import align_sides
from workbench.align.profile import translation_params
from workbench.align.scorer import load_params


@pytest.fixture(scope="module")
def doc():
    from benchmarks.align import SHARED, load_translation_long_set

    if not (SHARED / "data" / "ntrex" / "DOCUMENT_IDS.tsv").is_file():
        pytest.skip("NTREX not found")
    return load_translation_long_set("translation-long-nm", limit=8)[7]


def test_crossing_links_joined_from_the_sentence_links(doc):
    crossing = {((0, 1, 2), (0, 1)), ((3, 4), (2, 3, 4))}
    assert crossing <= {lk.key() for lk in doc.gold}
    aligner = Aligner()
    s, t = aligner.build_sides(doc.src, doc.tgt)
    assert s.sub_side is not None  # aligned as paragraphs: sentences first
    params = translation_params(adapt_params(aligner.params, s, t))
    assert params.join_crossing and not load_params().join_crossing  # the rewrite fit: off
    off = {lk.key() for lk in align_sides(s, t, replace(params, join_crossing=False),
                                          max_link=6)}
    assert not crossing & off
    on = {lk.key() for lk in align_sides(s, t, params, max_link=6)}
    assert crossing <= on
    assert on - crossing == off - {lk for lk in off if set(lk[0]) & {0, 1, 2, 3, 4}}
    assert crossing <= {lk.key() for lk in aligner.align_segments(doc.src, doc.tgt)}  # auto
