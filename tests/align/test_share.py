"""The work the two searches of ``--profile auto`` share (workbench.align.share), and the
row products of whole tables (search.pair_dots): the same numbers as computed apart.

Real text: Text+Berg dev lines 0-119 (GNU GPL v2, read where it is shared,
``../shared/data/textberg-dev``, never copied into the project: skipped where absent),
searched coarse-to-fine by lowering the size searched whole, and a dev rewrite of
paragraphs (its sentences aligned first, as evidence).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import dev_doc
from workbench.align.api import Aligner
from workbench.align.engine import align_sides
from workbench.align.profile import translation_params
from workbench.align.search import link_shapes, pair_dots
from workbench.align.share import SharedWork

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
TEXTBERG = SHARED / "data" / "textberg-dev"


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


def _textberg(lines: int = 120):
    if not (TEXTBERG / "dev.defr").is_file():
        pytest.skip("the Text+Berg dev set is not in ../shared/data/textberg-dev")
    de = (TEXTBERG / "dev.de").read_text(encoding="utf-8").splitlines()[:lines]
    fr = (TEXTBERG / "dev.fr").read_text(encoding="utf-8").splitlines()[:lines + 10]
    return de, fr


def _both_profiles(src, tgt, params, share, full_cells):
    """The translation then the rewrite search (as ``auto`` runs them): links with their
    scores, margins and rivals."""
    out = []
    for p, max_link in ((translation_params(params), 6), (params, 3)):
        margins: dict = {}
        rivals: dict = {}
        links = align_sides(src, tgt, p, max_link=max_link, share=share, margins=margins,
                            rivals=rivals, full_cells=full_cells)
        out.append(([(lk.src, lk.tgt, lk.score) for lk in links], margins, rivals))
    return out


@pytest.mark.parametrize("full_cells", [2_000, 250_000])
def test_shared_searches_equal_separate_ones_on_german_french(aligner, full_cells):
    de, fr = _textberg()
    src, tgt = aligner.build_sides(de, fr, source_lang="de", target_lang="fr",
                                   max_block=6)
    share = SharedWork(link_shapes(3))
    shared = _both_profiles(src, tgt, aligner.params, share, full_cells)
    apart = _both_profiles(src, tgt, aligner.params, None, full_cells)
    assert shared == apart  # links, scores, margins and rivals value for value
    kept = share.child("down")._feats if full_cells < 10_000 else share._feats
    assert kept  # the rewrite search did read the translation search's features


def test_shared_searches_equal_separate_ones_on_paragraphs(aligner, dev_dir):
    src_texts, tgt_texts, _ = dev_doc(dev_dir, "paragraphs", "014")
    src, tgt = aligner.build_sides(src_texts, tgt_texts, max_block=6)
    assert src.sub_side is not None  # sentences aligned first
    share = SharedWork(link_shapes(3))
    shared = _both_profiles(src, tgt, aligner.params, share, 250_000)
    apart = _both_profiles(src, tgt, aligner.params, None, 250_000)
    assert shared == apart
    assert share.child("sub")._feats  # the sentence level was shared


def test_pair_dots_is_the_gathered_einsum_value_for_value(aligner):
    de, fr = _textberg(200)
    src, tgt = aligner.build_sides(de, fr, source_lang="de", target_lang="fr")
    n, m = len(src), len(tgt)
    rows = np.repeat(np.arange(n), m)
    cols = np.tile(np.arange(m), n)
    rng = np.random.default_rng(0)
    for a, b in ((1, 1), (2, 1), (1, 3)):
        es, et = src.block_emb(a), tgt.block_emb(b)
        keep = (rows <= n - a) & (cols <= m - b)
        s, t = rows[keep], cols[keep]
        for sl in (slice(None), slice(37, 5000), slice(0, 0)):  # whole rows, cut rows
            want = np.einsum("ij,ij->i", es[s[sl]], et[t[sl]])
            assert np.array_equal(pair_dots(es, et, s[sl], t[sl]), want)
        pick = rng.choice(len(s), 3000)  # scattered pairs (no runs)
        assert np.array_equal(pair_dots(es, et, s[pick], t[pick]),
                              np.einsum("ij,ij->i", es[s[pick]], et[t[pick]]))


def test_the_search_totals_are_the_margins_forward_pass(aligner, monkeypatch):
    """path_margins reads the search's own forward totals (and, deferred, is computed only
    when asked): the same margins as its own forward pass gives."""
    from workbench.align import engine
    from workbench.align.confidence_dp import DeferredMargins, _forward, path_margins

    de, fr = _textberg()
    src, tgt = aligner.build_sides(de, fr, source_lang="de", target_lang="fr", max_block=6)
    seen = []
    real = engine.best_path

    def spy(band, scores, dels, ins, totals=None):
        path = real(band, scores, dels, ins, totals=totals)
        seen.append((band, scores, dels, ins, path, totals))
        return path

    monkeypatch.setattr(engine, "best_path", spy)
    params = translation_params(aligner.params)
    margins: dict = {}
    align_sides(src, tgt, params, max_link=6, margins=margins, full_cells=2_000)
    band, scores, dels, ins, path, totals = seen[-1]  # the finest level (coarse ones first)
    assert np.array_equal(totals[0], _forward(band, scores, dels, ins))
    assert path_margins(band, scores, dels, ins, path) == margins
    deferred = DeferredMargins()
    align_sides(src, tgt, params, max_link=6, margins=deferred, full_cells=2_000)
    assert not deferred  # nothing computed until asked
    assert deferred.resolve() == margins
