"""A per-document length model: how loose is this rewrite?

The length feature (``len_z2``) of :mod:`workbench.align.scorer` measures a link's log
length ratio against the spread ``len_sigma`` fitted on the dev benchmark.  A loose
rewrite (a summary, an expanded retelling) has a far wider spread: its correct links
look like length mismatches.  :func:`adapt_params` estimates the document's spread from
its confident pairs (mutual nearest neighbours by embedding, similarity at least
:data:`CONFIDENT_SIM`) and widens ``len_sigma`` by the ratio of that spread to the
fitted one, never narrowing it and by at most :data:`MAX_WIDEN`.  The estimate is
robust (a median of squared z-scores, against that of a normal law), so that one
confident but wrong pair does not make every length plausible.

A rewrite that is systematically shorter (a summary) or longer than a translation
also moves the mean: when the median of the confident ratios lies more than
:data:`SHIFT_BEYOND` fitted spreads from the fitted mean (about two standard errors of a
median of three pairs; the median of ten pairs of a dev rewrite rarely goes that far),
the model is centred on that median and its spread measured around it.

Each profile is adapted on the level it scores: the sentence profile from the
sentences (the sub-units of paragraphs, when the sides have them), the paragraph
profile from the segments.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from workbench.align.scorer import Params, Side

__all__ = ["adapt_params", "length_spread"]

#: Pairs at least this similar (cosine), mutual nearest neighbours, inform the estimate.
CONFIDENT_SIM = 0.6
#: Fewer confident pairs than this leave the fitted model as it is.
MIN_PAIRS = 3
#: ``len_sigma`` is widened by at most this factor.
MAX_WIDEN = 3.0
#: Median of a squared standard normal variable.
_MEDIAN_CHI2_1 = 0.4549
#: Sides above this many segments are not estimated (the similarity table would be big).
MAX_SEGMENTS = 3000


def _confident_ratios(es: np.ndarray, et: np.ndarray, ls: np.ndarray,
                      lt: np.ndarray) -> np.ndarray:
    """Log length ratios (target over source) of the confident mutual nearest pairs."""
    if len(es) < MIN_PAIRS or len(et) < MIN_PAIRS or max(len(es), len(et)) > MAX_SEGMENTS:
        return np.zeros(0)
    sim = es @ et.T
    best_t = sim.argmax(axis=1)
    best_s = sim.argmax(axis=0)
    rows = np.arange(len(es))
    keep = (best_s[best_t] == rows) & (sim[rows, best_t] >= CONFIDENT_SIM)
    i, j = rows[keep], best_t[keep]
    return np.log1p(lt[j]) - np.log1p(ls[i])


def length_spread(ratios: np.ndarray, params: Params) -> float:
    """The factor by which the document's length ratios spread wider than ``params`` say."""
    if len(ratios) < MIN_PAIRS:
        return 1.0
    z2 = ((ratios - params.len_mu) / params.len_sigma) ** 2
    return float(np.clip(np.sqrt(np.median(z2) / _MEDIAN_CHI2_1), 1.0, MAX_WIDEN))


#: Move the length model's mean to the document's median ratio (``Params.shift_mean``)
#: when it lies more than SHIFT_BEYOND fitted spreads away (on the dev sets: no change at
#: 1.5, at 1.0 the dev sentences lose 0.004 F1).
SHIFT_BEYOND = 1.5


def _widen(params: Params, ratios: np.ndarray) -> Params:
    mu = float(np.median(ratios)) if len(ratios) >= MIN_PAIRS else params.len_mu
    if params.shift_mean and abs(mu - params.len_mu) > SHIFT_BEYOND * params.len_sigma:
        shifted = dataclasses.replace(params, len_mu=mu)
        factor = length_spread(ratios, shifted)
        return dataclasses.replace(shifted, len_sigma=params.len_sigma * factor)
    factor = length_spread(ratios, params)
    if factor == 1.0:
        return params
    return dataclasses.replace(params, len_sigma=params.len_sigma * factor)


def adapt_params(params: Params, src: Side, tgt: Side) -> Params:
    """``params`` with each profile's length model fitted to this document's looseness."""
    seg = _confident_ratios(src.emb1, tgt.emb1, src.lengths, tgt.lengths)
    if src.sub_side is not None and tgt.sub_side is not None:
        sub = _confident_ratios(src.sub_side.emb1, tgt.sub_side.emb1, src.sub_side.lengths,
                                tgt.sub_side.lengths)
    else:
        sub = seg
    out = _widen(params, sub)
    if params.paragraph is not None:
        out = dataclasses.replace(out, paragraph=_widen(params.paragraph, seg))
    return out
