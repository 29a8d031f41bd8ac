from __future__ import annotations

import itertools
import random

import pytest

from tests.conftest import DEV, SEEDS
from workbench.align.links import Link, read_links
from workbench.scoring.confidence import calibration_bins, confidence_summary, roc_auc
from workbench.scoring.linktypes import (LinkTypeStats, count_link_types, link_type,
                                         moved_links)


def test_link_type_shapes():
    assert link_type(Link((0,), (0,))) == "1:1"
    assert link_type(Link((0,), (1, 2))) == "1:2"
    assert link_type(Link((0, 1), (2,))) == "2:1"
    assert link_type(Link((0, 1), (2, 3))) == "other"
    assert link_type(Link((3,), ())) == "null"
    assert link_type(Link((), (3,))) == "null"


def test_moved_link_is_the_one_off_the_monotone_chain():
    # the first source paragraph moved to the end of the rewrite
    links = [Link((0,), (4,)), Link((1,), (0,)), Link((2,), (1, 2)), Link((3,), (3,)),
             Link((4,), ())]
    assert moved_links(links) == {((0,), (4,))}
    assert moved_links([Link((0,), (0,)), Link((1,), (1,))]) == set()
    assert moved_links([]) == set()


def test_seed_gold_has_no_moved_link_and_perfect_prediction_scores_one():
    gold = read_links(SEEDS / "gold" / "004-000.paragraphs.gold")
    counts = count_link_types(gold, gold)
    stats = LinkTypeStats.from_counts([counts]).as_dict()
    assert stats["types"]["moved"]["gold"] == len(moved_links(gold))
    for name, row in stats["types"].items():
        if row["gold"]:
            assert row["P"] == row["R"] == 1.0, name
        else:
            assert row["P"] is None and row["R"] is None
    assert stats["null"]["P"] in (1.0, None)


def test_counts_for_a_wrong_prediction():
    gold = [Link((0,), (0,)), Link((1,), (1, 2)), Link((2,), ()), Link((3,), (3,))]
    pred = [Link((0,), (0,)), Link((1,), (1,)), Link((), (2,)), Link((2,), ()),
            Link((3,), (3,))]
    c = count_link_types(gold, pred)
    assert c["types"]["1:1"] == {"pred": 3, "gold": 2, "pred_correct": 2, "gold_found": 2}
    assert c["types"]["1:2"] == {"pred": 0, "gold": 1, "pred_correct": 0, "gold_found": 0}
    # null links per segment: predicted src 2 (right) and tgt 2 (wrong)
    assert c["null"] == {"pred": 2, "gold": 1, "match": 1}
    d = LinkTypeStats.from_counts([c, c]).as_dict()
    assert d["null"]["P"] == 0.5 and d["null"]["R"] == 1.0
    assert d["types"]["1:1"]["pred"] == 6


def test_dev_gold_contains_moved_links_that_a_monotone_prediction_misses():
    if not DEV.is_dir():
        pytest.skip("dev benchmark missing")
    total = found = 0
    for f in sorted((DEV / "paragraphs" / "gold").iterdir()):
        gold = read_links(f)
        moved = moved_links(gold)
        # every gold link keeps its place, the moved ones are dropped: recall of moved is 0
        pred = [lk for lk in gold if lk.key() not in moved]
        c = count_link_types(gold, pred)
        total += c["types"]["moved"]["gold"]
        found += c["types"]["moved"]["gold_found"]
        assert c["types"]["moved"]["pred"] == 0
    assert total > 0 and found == 0


def _auc_bruteforce(scores, labels):
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


def test_roc_auc_matches_pairwise_definition_with_ties():
    rng = random.Random(3)
    for _ in range(20):
        n = rng.randint(2, 40)
        scores = [round(rng.random(), 1) for _ in range(n)]  # many ties
        labels = [rng.random() < 0.6 for _ in range(n)]
        if all(labels) or not any(labels):
            assert roc_auc(scores, labels) is None
            continue
        assert roc_auc(scores, labels) == pytest.approx(_auc_bruteforce(scores, labels))


def test_calibration_bins_and_ece():
    scores = [0.05, 0.15, 0.95, 0.95, 1.0]
    labels = [False, True, True, False, True]
    bins, ece = calibration_bins(scores, labels, bins=10)
    assert [b["n"] for b in bins] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 3]
    assert bins[9]["accuracy"] == pytest.approx(2 / 3)
    expected = (1 * 0.05 + 1 * 0.85 + 3 * abs(2 / 3 - (0.95 + 0.95 + 1.0) / 3)) / 5
    assert ece == pytest.approx(expected)
    summary = confidence_summary(zip(scores, labels))
    assert summary["n"] == 5 and sum(summary["histogram"]) == 5
    assert confidence_summary([])["roc_auc"] is None


def test_metrics_report_signatures_of_their_settings():
    from workbench import __version__
    from workbench.scoring.confidence import ConfidenceMetric
    from workbench.scoring.linktypes import LinkTypeMetric
    from workbench.scoring.metric import AlignmentMetric

    sig = AlignmentMetric("sentences").signature()
    assert sig == f"vecalign-pr|unit:sentences|nulls:P-only|avg:micro|version:{__version__}"
    assert "bins:5" in ConfidenceMetric(bins=5).signature()
    assert ConfidenceMetric(bins=5).signature() != ConfidenceMetric().signature()
    assert LinkTypeMetric().signature().startswith("linktypes|match:strict|")
    gold = read_links(SEEDS / "gold" / "004-000.paragraphs.gold")
    assert AlignmentMetric().score([gold], [gold]).f1_strict == 1.0
