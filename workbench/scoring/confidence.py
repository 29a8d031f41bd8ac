"""How well an aligner's link confidences predict which links are right.

Given ``(confidence, correct)`` for every predicted link that carries a score:

* the distribution of confidences (mean, quantiles, a histogram);
* ROC AUC of confidence as a detector of correct links (Mann-Whitney U with average
  ranks for ties): 0.5 is chance, 1.0 means every correct link is more confident than
  every wrong one;
* calibration: equal-width confidence bins with their accuracy, and the expected
  calibration error (ECE, bin-size-weighted mean |accuracy - confidence|).
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from workbench.scoring.metric import Metric

__all__ = ["roc_auc", "calibration_bins", "confidence_summary", "ConfidenceMetric"]


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=float)
    sorted_vals = values[order]
    i = 0
    n = len(values)
    while i < n:
        j = i
        while j + 1 < n and sorted_vals[j + 1] == sorted_vals[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Area under the ROC curve of ``scores`` for ``labels`` (None if one class is absent)."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = _average_ranks(s)
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def calibration_bins(scores: Sequence[float], labels: Sequence[bool], bins: int = 10,
                     ) -> tuple[list[dict], float | None]:
    """Equal-width bins over [0, 1]: ``[{lo, hi, n, confidence, accuracy}]`` and the ECE."""
    s = np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)
    y = np.asarray(labels, dtype=float)
    idx = np.minimum((s * bins).astype(int), bins - 1)
    rows = []
    ece = 0.0
    for b in range(bins):
        mask = idx == b
        n = int(mask.sum())
        conf = float(s[mask].mean()) if n else None
        acc = float(y[mask].mean()) if n else None
        if n:
            ece += n * abs(acc - conf)
        rows.append({"lo": b / bins, "hi": (b + 1) / bins, "n": n, "confidence": conf,
                     "accuracy": acc})
    return rows, (ece / len(s) if len(s) else None)


def confidence_summary(pairs: Iterable[Sequence], bins: int = 10) -> dict:
    """Everything the report shows about confidences, from ``[(confidence, correct), ...]``."""
    pairs = [(float(c), bool(ok)) for c, ok in pairs]
    if not pairs:
        return {"n": 0, "mean": None, "quantiles": None, "histogram": None, "roc_auc": None,
                "calibration": None, "ece": None, "accuracy": None}
    s = np.array([c for c, _ in pairs])
    y = np.array([ok for _, ok in pairs])
    hist, _ = np.histogram(np.clip(s, 0, 1), bins=bins, range=(0.0, 1.0))
    cal, ece = calibration_bins(s, y, bins)
    q = np.quantile(s, [0.1, 0.25, 0.5, 0.75, 0.9])
    return {
        "n": len(pairs),
        "mean": float(s.mean()),
        "accuracy": float(y.mean()),
        "quantiles": {k: float(v) for k, v in zip(("p10", "p25", "p50", "p75", "p90"), q)},
        "histogram": [int(h) for h in hist],
        "roc_auc": roc_auc(s, y),
        "calibration": cal,
        "ece": ece,
    }


class ConfidenceMetric(Metric):
    name = "confidence"

    def __init__(self, bins: int = 10) -> None:
        self.bins = bins

    def settings(self) -> dict:
        return {"correct": "strict", "auc": "mann-whitney", "bins": self.bins}

    def summarize(self, pairs: Iterable[Sequence]) -> dict:
        return confidence_summary(pairs, self.bins)
