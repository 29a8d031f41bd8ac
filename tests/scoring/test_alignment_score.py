from __future__ import annotations

import random

import pytest

from tests.conftest import DEV
from workbench.align.links import Link, read_links
from workbench.scoring.alignment import score_alignment, score_documents

sentweave_score = pytest.importorskip("sentweave.score")


def _perturb(links, rng):
    """A plausible wrong alignment: merge, split and null some links."""
    out = []
    i = 0
    links = list(links)
    while i < len(links):
        lk = links[i]
        r = rng.random()
        if r < 0.15 and i + 1 < len(links):
            nxt = links[i + 1]
            out.append(Link(lk.src + nxt.src, lk.tgt + nxt.tgt))
            i += 2
            continue
        if r < 0.3 and lk.src and lk.tgt:
            out.append(Link(lk.src, ()))
            out.append(Link((), lk.tgt))
        elif r < 0.4 and len(lk.tgt) > 1:
            out.append(Link(lk.src, lk.tgt[:1]))
            out.append(Link((), lk.tgt[1:]))
        else:
            out.append(lk)
        i += 1
    return out


def test_matches_vecalign_score_on_dev_gold():
    if not DEV.is_dir():
        pytest.skip("dev benchmark missing")
    rng = random.Random(7)
    golds, tests = [], []
    for f in sorted((DEV / "sentences" / "gold").iterdir())[:30]:
        gold = read_links(f)
        golds.append(gold)
        tests.append(_perturb(gold, rng))
    ours = score_documents(golds, tests).vecalign_dict()
    theirs = sentweave_score.score_multiple(
        gold_list=[[(lk.src, lk.tgt) for lk in g] for g in golds],
        test_list=[[(lk.src, lk.tgt) for lk in t] for t in tests])
    for key, value in theirs.items():
        assert ours[key] == pytest.approx(value, abs=1e-9), key
    assert 0.3 < ours["f1_strict"] < 1.0


def test_nulls_count_in_precision_only():
    gold = [Link((0,), (0,)), Link((1,), ()), Link((), (1,))]
    perfect = score_alignment(gold, gold)
    assert perfect.f1_strict == 1.0
    wrong_nulls = [Link((0,), (0,)), Link((1,), (1,))]
    s = score_alignment(gold, wrong_nulls)
    assert s.recall_strict == 1.0 and s.precision_strict == 0.5
    d = s.as_dict()
    assert set(d) == {"strict", "lax"} and set(d["strict"]) == {"P", "R", "F1"}


def test_lax_counts_partial_overlap():
    gold = [Link((0,), (0, 1))]
    test = [Link((0,), (0,)), Link((), (1,))]
    s = score_alignment(gold, test)
    assert s.precision_strict == 0.0 and s.precision_lax == 0.5
