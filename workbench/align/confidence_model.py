"""Link confidence: the probability that a link is right, from the evidence around it.

The aligner's final links are scored by a small calibrated model, one per link type
(:data:`~workbench.align.confidence_features.TYPES`: 1:1, n:m, deletion, insertion; a null
link's model is chosen by the unit too, sentences or paragraphs, :data:`MODELS`):
a logistic regression over standardised features of
:mod:`workbench.align.confidence_features` (the engine's own score among them), then
a monotone (isotonic) map of its output to the rate of right links.  The weights are
fitted with cross-validation by ``scripts/calibrate_confidence.py`` and shipped as
``confidence_model.json`` beside this module; a missing, unreadable or stale file (for
another feature set) is an error that says how to fit it again, never a silent
fallback.  Sorting links by the score puts the doubtful ones first, across types.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

from workbench.align.confidence_features import FEATURES, link_features, link_type
from workbench.align.links import Link
from workbench.errors import WorkbenchError

__all__ = ["MODELS", "model_kinds", "MODEL_PATH", "VERSION", "ConfidenceModel", "load_model",
           "default_model", "rescore", "fit_logistic", "fit_isotonic", "fit_model", "type_features"]

MODEL_PATH = Path(__file__).with_name("confidence_model.json")
#: bumped when the meaning of a feature changes (a file of another version is stale)
VERSION = 6

_REFIT = "run scripts/calibrate_confidence.py to fit it again"

_DOC = ["doc_null", "doc_sim", "doc_size", "doc_para", "doc_spread", "doc_score", "doc_margin",
        "doc_ratio", "doc_nm", "doc_seglen", "doc_sides", "score"]
_PAIR = ["sim", "sim_rel", "margin", "member", "member_in", "grow_gain", "len_z", "len_abs",
         "nbr_sim", "moved", "mutual", "join_gain", "sub_cover", "sub_out", "join_len",
         "grow_len", "alt_same", "alt_split", "alt_gain", "dp_margin", "dp_known"]
#: the regime features the main features are multiplied with
_REGIME = ["doc_null", "doc_para", "doc_ratio", "doc_sim", "doc_nm"]
#: the features multiplied with the regime
_MIXED = {"sim_rel", "best_rel", "margin", "nbr_null", "seg_len", "member", "merge_gain",
          "best_free", "len_abs", "drop_gain", "grow_gain", "boilerplate", "join_gain",
          "sub_cover", "sub_out", "sub_best", "dp_margin"}
_NULL = ["best", "best_rel", "merge_gain", "merge_rel", "seg_len", "nbr_null", "best_free",
         "partner_gap", "sub_best", "merge_len"]


#: the models: one per link type, null links' one per unit as well (a dropped paragraph and
#: a dropped sentence are different evidence)
MODELS = ("1:1", "n:m", "deletion/sentences", "deletion/paragraphs", "insertion/sentences",
          "insertion/paragraphs")


#: How far the regression's probability may move a link within a flat step of the
#: isotonic map: links on one step (all the doubtful 1:1 links of a document can be) keep
#: the regression's order, so "next doubtful link" has no ties; invisible at two decimals.
TIE_BREAK = 1e-3


def model_kinds(x: np.ndarray, kinds) -> np.ndarray:
    """The model (:data:`MODELS`) of each link, from its type and its row ``x``."""
    kinds = np.asarray(kinds, dtype=object)
    unit = np.where(x[:, FEATURES.index("doc_para")] > 0.5, "/paragraphs", "/sentences")
    null = np.isin(kinds, ["deletion", "insertion"])
    return np.where(null, kinds + unit, kinds)


def type_features(kind: str) -> list[str]:
    """The inputs the model of link type ``kind`` reads: the document's regime, the link's
    own features, and the products of the main ones with the regime (how much a piece of
    evidence says depends on the kind of document: an unlinked segment beside other
    unlinked ones is likely right in a rewrite, not in a faithful translation)."""
    kind, by_unit, _ = kind.partition("/")
    if kind == "1:1":
        own = _PAIR
    elif kind == "n:m":
        own = _PAIR + ["drop_gain", "extra"]
    elif kind == "deletion":
        own = _NULL
    else:
        own = _NULL + ["boilerplate"]
    mixed = ["score"] + [f for f in own if f in _MIXED]
    doc, regime = _DOC, _REGIME
    if by_unit:  # one unit: paragraph mode is constant
        doc, regime = [f for f in _DOC if f != "doc_para"], [f for f in _REGIME if f != "doc_para"]
    return doc + own + [f"{f}*{r}" for r in regime for f in mixed]


def columns(x: np.ndarray, names: list[str]) -> np.ndarray:
    """The model inputs ``names`` of rows ``x`` (all :data:`FEATURES`): a feature, or the
    product ``a*b`` of two (how a feature's weight changes with the document's regime)."""
    out = np.empty((len(x), len(names)))
    for k, name in enumerate(names):
        a, _, b = name.partition("*")
        out[:, k] = x[:, FEATURES.index(a)]
        if b:
            out[:, k] *= x[:, FEATURES.index(b)]
    return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0,
                 iters: int = 100) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-penalised logistic regression (damped Newton steps:
    each step halved until the penalised loss falls; ``x`` standardised, the bias not
    penalised)."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    base = float(np.clip(y.mean(), 1e-3, 1 - 1e-3)) if n else 0.5
    w[-1] = np.log(base / (1 - base))
    pen = np.full(d + 1, l2)
    pen[-1] = 1e-6

    def loss(v: np.ndarray) -> float:
        z = xb @ v
        return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(pen * v * v))

    current = loss(w)
    for _ in range(iters):
        p = _sigmoid(xb @ w)
        grad = xb.T @ (p - y) + pen * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(pen)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-6:
            trial = w - t * step
            value = loss(trial)
            if value <= current:
                break
            t /= 2
        else:
            break
        w, done = trial, current - value < 1e-10 * max(1.0, abs(current))
        current = value
        if done:
            break
    return w[:-1], float(w[-1])


def fit_isotonic(x: np.ndarray, y: np.ndarray, prior: float = 5.0) -> dict:
    """A non-decreasing map of ``x`` to the rate of ``y`` (pool adjacent violators, each
    block shrunk towards the overall rate by ``prior`` pseudo-links), piecewise linear
    between the blocks' mean ``x``: ``{"x": [...], "y": [...]}``."""
    order = np.argsort(x, kind="mergesort")
    xs, ys = np.asarray(x, float)[order], np.asarray(y, float)[order]
    if not len(xs):
        return {"x": [], "y": []}
    base = float(ys.mean())
    blocks: list[list[float]] = []
    for xv, yv in zip(xs, ys):
        blocks.append([xv, yv, 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            sx, sy, c = blocks.pop()
            blocks[-1][0] += sx
            blocks[-1][1] += sy
            blocks[-1][2] += c
    bx = [b[0] / b[2] for b in blocks]
    by = list(np.maximum.accumulate([(b[1] + prior * base) / (b[2] + prior) for b in blocks]))
    return {"x": [round(v, 6) for v in bx], "y": [round(v, 6) for v in by]}


class ConfidenceModel:
    """The fitted model: per link type, feature scaling, logistic weights and an
    isotonic map (see the module docstring)."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.types = data["types"]

    def logits(self, x: np.ndarray, kinds: list[str]) -> np.ndarray:
        """The logistic regression's log-odds for rows ``x`` (all :data:`FEATURES`)."""
        out = np.zeros(len(kinds))
        kinds_arr = model_kinds(x, kinds)
        for kind, spec in self.types.items():
            rows = np.flatnonzero(kinds_arr == kind)
            if not len(rows):
                continue
            z = (columns(x[rows], spec["features"]) - spec["mean"]) / spec["scale"]
            out[rows] = z @ np.asarray(spec["weights"]) + spec["bias"]
        return out

    def predict(self, x: np.ndarray, kinds: list[str]) -> np.ndarray:
        """Calibrated probabilities that each link is right."""
        z = self.logits(x, kinds)
        p = _sigmoid(z)
        kinds_arr = model_kinds(x, kinds)
        for kind, spec in self.types.items():
            iso = spec.get("isotonic")
            rows = np.flatnonzero(kinds_arr == kind)
            if iso and iso["x"] and len(rows):
                # the map is flat where the data gave no rise (its ends, pooled blocks):
                # the regression's own order breaks those ties, by at most TIE_BREAK / 2
                p[rows] = (np.interp(z[rows], iso["x"], iso["y"])
                           + TIE_BREAK * (_sigmoid(z[rows]) - 0.5))
        return np.clip(p, 0.0, 1.0)


def load_model(path: str | Path | None = None) -> ConfidenceModel:
    """The shipped confidence model; a missing, unreadable or stale file is an error."""
    p = Path(path) if path is not None else MODEL_PATH
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkbenchError(f"the link confidence model is missing; {_REFIT}", path=p) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise WorkbenchError(f"the link confidence model cannot be read ({exc}); {_REFIT}",
                             path=p) from None
    if not isinstance(data, dict) or not isinstance(data.get("types"), dict):
        raise WorkbenchError(f"the link confidence model is not a model file; {_REFIT}", path=p)
    if data.get("version") != VERSION or data.get("features") != list(FEATURES):
        raise WorkbenchError("stale link confidence model: fitted for version "
                             f"{data.get('version')} of the features, not {VERSION}; {_REFIT}",
                             path=p)
    missing = [t for t in MODELS if t not in data["types"]]
    if missing:
        raise WorkbenchError(f"stale link confidence model: no model for {', '.join(missing)} "
                             f"links; {_REFIT}", path=p)
    for kind, spec in data["types"].items():
        k = len(spec.get("features", []))
        if not k or any(len(spec.get(f, ())) != k for f in ("mean", "scale", "weights")):
            raise WorkbenchError(f"stale link confidence model: the {kind} model's weights "
                                 f"do not match its features; {_REFIT}", path=p)
    return ConfidenceModel(data)


_default: ConfidenceModel | None = None
_lock = threading.Lock()


def default_model() -> ConfidenceModel:
    """The shipped model, loaded once a process."""
    global _default
    with _lock:
        if _default is None:
            _default = load_model()
        return _default


def rescore(links: list[Link], src, tgt, model: ConfidenceModel | None = None,
            other: list[Link] | None = None, margins: dict | None = None) -> list[Link]:
    """The same links, each scored by the confidence model (``src``, ``tgt``: the sides
    the links were aligned on; ``other``: the alignment the ``auto`` profile did not take;
    ``margins``: what the search loses by not taking each link, by key)."""
    if not links or not len(src) or not len(tgt):
        return links  # one side empty: the only alignment there is, as the engine scores it
    model = model or default_model()
    x = link_features(links, src, tgt, other, margins)
    p = model.predict(x, [link_type(lk) for lk in links])
    return [Link(lk.src, lk.tgt, float(v)) for lk, v in zip(links, p)]


def fit_model(x: np.ndarray, kinds: list[str], y: np.ndarray, l2: float = 20.0,
              isotonic: bool = True, note: str = "") -> dict:
    """A model file's contents fitted on rows ``x`` (all :data:`FEATURES`) of links of
    types ``kinds`` with outcomes ``y`` (right or not).

    Per type: the features standardised, a logistic regression, and (``isotonic``) a
    monotone map of its log-odds to the rate of right links, fitted on log-odds of the
    type's links held out in two folds (even and odd rows), so that it corrects the
    regression's over-confidence on links it has not seen.
    """
    kinds_arr = model_kinds(x, kinds)
    y = np.asarray(y, dtype=float)
    types: dict = {}
    for kind in MODELS:
        rows = np.flatnonzero(kinds_arr == kind)
        types[kind] = spec = _fit_type(x[rows], y[rows], kind, l2)
        if isotonic and len(rows) >= 40 and 0 < y[rows].sum() < len(rows):
            held = np.zeros(len(rows))
            for f in (0, 1):
                test = np.arange(len(rows)) % 2 == f
                part = _fit_type(x[rows][~test], y[rows][~test], kind, l2)
                held[test] = ConfidenceModel({"types": {kind: part}}).logits(
                    x[rows][test], list(kinds_arr[rows][test]))
            spec["isotonic"] = fit_isotonic(held, y[rows])
    return {"version": VERSION, "features": list(FEATURES), "note": note, "types": types}


def _fit_type(x: np.ndarray, y: np.ndarray, kind: str, l2: float) -> dict:
    feats = type_features(kind)
    z = columns(x, feats)
    mean = z.mean(axis=0) if len(z) else np.zeros(len(feats))
    scale = z.std(axis=0) if len(z) else np.ones(len(feats))
    scale = np.where(scale > 1e-9, scale, 1.0)
    if len(z) and 0 < y.sum() < len(y):
        w, b = fit_logistic((z - mean) / scale, y, l2)
    else:  # one outcome only (or no links): the rate, whatever the features
        rate = float(np.clip(y.mean() if len(y) else 0.5, 0.01, 0.99))
        w, b = np.zeros(len(feats)), float(np.log(rate / (1 - rate)))
    return {"features": feats, "n": int(len(y)), "right": int(y.sum()),
            "mean": [round(float(v), 6) for v in mean],
            "scale": [round(float(v), 6) for v in scale],
            "weights": [round(float(v), 6) for v in w], "bias": round(b, 6)}
