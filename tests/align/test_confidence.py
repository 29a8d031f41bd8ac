"""Link confidences: calibrated per kind of link, and predictive of errors on dev data."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.align.api import Aligner
from workbench.align.confidence import (KINDS, apply_map, calibrate_links, fit_isotonic,
                                        fit_maps, link_kind)
from workbench.align.links import Link, read_links
from workbench.align.scorer import load_params
from workbench.scoring.confidence import calibration_bins, roc_auc


def test_link_kinds():
    prior = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.9, 0.0])
    links = (Link((0,), (0,)), Link((0, 1), (2,)), Link((4,), (6,)), Link((3,), ()),
             Link((), (4,)), Link((), (5,)))
    gaps = {((4,), (6,))}
    assert [link_kind(lk, prior, gaps) for lk in links] == list(KINDS)
    assert link_kind(Link((), (5,))) == "insertion"
    assert link_kind(Link((4,), (6,))) == "match"  # not made by gap filling


def test_isotonic_map_is_monotone_and_follows_the_rates():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 4000)
    y = rng.uniform(0, 1, 4000) < x  # P(right | x) = x
    mapping = fit_isotonic(x, y)
    assert mapping["n"] == 4000
    assert np.all(np.diff(mapping["y"]) >= 0) and np.all(np.diff(mapping["x"]) >= 0)
    grid = np.linspace(0.05, 0.95, 10)
    assert np.abs(apply_map(mapping, grid) - grid).max() < 0.1
    # a score that says nothing gets the base rate
    flat = fit_isotonic(np.full(100, 0.5), [True] * 75 + [False] * 25)
    assert apply_map(flat, 0.5) == pytest.approx(0.75)


def test_calibration_keeps_links_and_orders_kinds():
    maps = fit_maps([("match", 0.9, True)] * 9 + [("match", 0.9, False)]
                    + [("deletion", 1.0, True)] * 3 + [("deletion", 1.0, False)] * 2)
    links = [Link((0,), (0,), 0.9), Link((1,), (), 1.0), Link((), (1,), 0.3)]
    out = calibrate_links(links, maps)
    assert [lk.key() for lk in out] == [lk.key() for lk in links]
    assert out[0].score > out[1].score  # the doubtful deletion sorts first
    assert out[2].score == 0.3  # no map for insertions: the raw score stays
    assert apply_map(None, 0.4) == 0.4


def test_a_backward_score_gets_a_decreasing_map():
    x = np.linspace(0, 1, 200)
    mapping = fit_isotonic(x, x < 0.5)
    assert mapping["sign"] == -1
    assert apply_map(mapping, 0.1) > 0.8 > 0.2 > apply_map(mapping, 0.9)


def test_a_close_rival_lowers_a_links_confidence():
    maps = fit_maps([("match", x, x > 0.5) for x in np.linspace(0, 1, 101)])
    lk = Link((0,), (0,), 0.8)
    alone, rivalled = (calibrate_links([lk], maps, {lk.key(): r})[0].score for r in (0.0, 0.8))
    assert alone > rivalled


def test_shipped_params_have_maps_for_both_profiles():
    params = load_params()
    for profile in (params, params.paragraph):
        assert profile.confidence and set(profile.confidence) <= set(KINDS)
        for mapping in profile.confidence.values():
            assert mapping["n"] > 0 and np.all(np.diff(mapping["y"]) >= 0)


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


def _records(aligner, dev_dir, unit, names):
    scores, labels = [], []
    for name in names:
        src = [s for s in (dev_dir / unit / "ar" / name).read_text("utf-8").splitlines()
               if s.strip()]
        tgt = [t for t in (dev_dir / unit / "en" / name).read_text("utf-8").splitlines()
               if t.strip()]
        keys = {lk.key() for lk in read_links(dev_dir / unit / "gold" / name)}
        for lk in aligner.align_segments(src, tgt):
            assert 0.0 <= lk.score <= 1.0
            scores.append(lk.score)
            labels.append(lk.key() in keys)
    return scores, labels


@pytest.mark.slow
def test_confidence_predicts_errors_on_dev_paragraphs(aligner, dev_dir):
    """Wrong links get lower confidence than right ones (null links included)."""
    names = [f"{k:03d}" for k in range(0, 80, 4)]  # every 4th dev document
    scores, labels = _records(aligner, dev_dir, "paragraphs", names)
    assert not all(labels)  # the subset has errors to find
    assert roc_auc(scores, labels) > 0.7
    assert calibration_bins(scores, labels)[1] < 0.1
    # null links are no longer all certain
    assert min(scores) < 0.9


def test_a_link_below_every_fitted_score_falls_towards_zero():
    x = np.linspace(0.4, 1.0, 100)
    mapping = fit_isotonic(x, np.ones(100, dtype=bool), anchor=True)
    assert apply_map(mapping, 0.5) == pytest.approx(1.0)
    assert apply_map(mapping, 0.2) == pytest.approx(0.5)
    assert apply_map(mapping, 0.0) == 0.0
    # null links are not anchored: a certain competitor does not make a null link wrong
    assert apply_map(fit_isotonic(x, np.ones(100, dtype=bool)), 0.0) == pytest.approx(1.0)
