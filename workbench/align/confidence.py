"""Link confidences as calibrated probabilities that a link is right.

The engine's raw confidence of a link is the scorer's probability for it, and for a
null link one minus the best probability of any candidate link (of any shape) that
covers its segment.  Raw scores of different kinds of link are not comparable (the
scorer's probability is fitted over all candidates, not over the links the search
keeps, and a null link's raw score measures something else), so each kind is mapped
to the observed rate of correct links by a monotone (isotonic) map fitted on the dev
benchmark (``scripts/calibrate_align.py --confidence``).  The map is monotone, so it
never changes which links are chosen, only their scores: sorting links by the
calibrated score puts the doubtful ones first, across kinds.

Kinds: ``match`` (1:1), ``multi`` (n:m), ``gap`` (a link made by the engine's gap
filling, whose raw score is low by construction), ``deletion`` (``[i]:[]``), ``insertion``
(``[]:[k]``) and ``boilerplate`` (the insertion of a web boilerplate line such as
"Subscribe to our newsletter", which the gold sometimes attaches to a neighbour).
A link's raw score is lowered by its best rival's probability (a link sharing a
segment with it): ``p * (1 - RIVAL_WEIGHT * rival)``.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from workbench.align.links import Link

__all__ = ["KINDS", "link_kind", "fit_isotonic", "apply_map", "calibrate_links", "fit_maps", "raw_input"]

KINDS = ("match", "multi", "gap", "deletion", "insertion", "boilerplate")
#: Boilerplate likeness from which an insertion is a ``boilerplate`` insertion.
BOILERPLATE = 0.5
#: How much a link's best rival lowers its raw confidence (``p * (1 - w * rival)``).
RIVAL_WEIGHT = 0.5


def link_kind(link: Link, null_prior=None, gap_keys=None) -> str:
    """The link's kind; an insertion of a target segment whose boilerplate likeness
    (``null_prior``, per target segment) is at least 0.5 is a ``boilerplate`` one, and a
    link made by gap filling (its key in ``gap_keys``) a ``gap`` one."""
    if link.src and link.tgt:
        if gap_keys and link.key() in gap_keys:
            return "gap"
        return "match" if len(link.src) == 1 and len(link.tgt) == 1 else "multi"
    if link.src:
        return "deletion"
    if null_prior is not None and null_prior[link.tgt[0]] >= BOILERPLATE:
        return "boilerplate"
    return "insertion"


def fit_isotonic(x: Sequence[float], y: Sequence[bool], prior: float = 2.0,
                 anchor: bool = False) -> dict:
    """A non-decreasing map from ``x`` to the rate of ``y`` (pool adjacent violators).

    When ``x`` ranks the outcomes backwards (AUC below 0.5) the map is fitted on
    ``-x`` (``"sign": -1``).  With ``anchor`` (links, not null links) an increasing
    map falls linearly to 0 below the lowest raw score seen.  Each pooled block's rate is shrunk towards the overall rate by ``prior`` pseudo
    observations (a block of two links is not evidence of certainty).  The map is
    piecewise linear between the blocks' mean ``x`` (flat beyond them), stored as
    ``{"x": [...], "y": [...], "n": count, "sign": 1 or -1}``.
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if not len(xs):
        return {"x": [], "y": [], "n": 0, "sign": 1}
    # the direction is learnt too: a raw score may rank a kind of link backwards
    sign = -1 if _rank_agreement(xs, ys) < 0 else 1
    xs = sign * xs
    order = np.argsort(xs, kind="mergesort")
    xs, ys = xs[order], ys[order]
    base = float(ys.mean())
    # blocks: [sum_x, sum_y, count]
    blocks: list[list[float]] = []
    for xv, yv in zip(xs, ys):
        blocks.append([xv, yv, 1.0])
        while len(blocks) > 1 and (blocks[-2][1] / blocks[-2][2]
                                   >= blocks[-1][1] / blocks[-1][2]):
            sx, sy, c = blocks.pop()
            blocks[-1][0] += sx
            blocks[-1][1] += sy
            blocks[-1][2] += c
    bx = [b[0] / b[2] for b in blocks]
    by = [(b[1] + prior * base) / (b[2] + prior) for b in blocks]
    # shrinking keeps the order of the rates only approximately: restore it
    by = list(np.maximum.accumulate(by))
    if anchor and sign > 0 and xs[0] > 0:
        # below every score seen in fitting, fall towards 0 at 0 (a link the scorer
        # gives no chance is not given the dev set's base rate)
        lowest = float(xs[0])
        if lowest < bx[0]:
            bx, by = [lowest] + bx, [by[0]] + by
        bx, by = [0.0] + bx, [0.0] + by
    return {"x": [round(v, 6) for v in bx], "y": [round(v, 6) for v in by], "n": int(len(xs)),
            "sign": sign}


def _rank_agreement(x: np.ndarray, y: np.ndarray) -> float:
    """Mann-Whitney AUC of ``x`` for ``y``, minus 0.5 (0 when one class is absent)."""
    pos, neg = x[y > 0.5], x[y <= 0.5]
    if not len(pos) or not len(neg):
        return 0.0
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)) - 0.5)


def apply_map(mapping: dict | None, x: np.ndarray | float) -> np.ndarray | float:
    """The calibrated value(s) of raw confidence(s) ``x`` (``x`` itself without a map)."""
    if not mapping or not mapping.get("x"):
        return x
    return np.interp(mapping.get("sign", 1) * np.asarray(x, dtype=float), mapping["x"],
                     mapping["y"])


def raw_input(link: Link, rival: float | None = None) -> float | None:
    """What the map reads: the raw score, for a link less its best rival's probability."""
    if link.score is None:
        return None
    if rival is None or not (link.src and link.tgt):
        return float(link.score)
    return float(link.score) * (1.0 - RIVAL_WEIGHT * rival)


def calibrate_links(links: Iterable[Link], maps: dict, rivals: dict | None = None,
                    null_prior=None, gap_keys=None) -> list[Link]:
    """The same links, each with its kind's calibrated confidence.

    ``rivals`` maps a link's key to the best probability of another candidate link
    sharing a segment with it (a link with a close rival is doubtful); ``null_prior``
    the target segments' boilerplate likeness (see :func:`link_kind`).
    """
    rivals = rivals or {}
    out = []
    for lk in links:
        kind = link_kind(lk, null_prior, gap_keys)
        mapping = maps.get(kind) or (maps.get("match") if kind == "gap" else None)
        score = lk.score
        if mapping and score is not None:
            x = raw_input(lk, rivals.get(lk.key()))
            score = float(np.clip(apply_map(mapping, x), 0.0, 1.0))
        out.append(Link(lk.src, lk.tgt, score))
    return out


def fit_maps(records: Iterable[tuple[str, float, bool]]) -> dict:
    """One isotonic map per kind from ``(kind, raw confidence, correct)`` records."""
    by_kind: dict[str, tuple[list[float], list[bool]]] = {}
    for kind, raw, ok in records:
        xs, ys = by_kind.setdefault(kind, ([], []))
        xs.append(float(raw))
        ys.append(bool(ok))
    return {k: fit_isotonic(xs, ys, anchor=k in ("match", "multi"))
            for k, (xs, ys) in sorted(by_kind.items())}
