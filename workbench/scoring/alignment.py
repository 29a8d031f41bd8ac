"""Alignment precision, recall and F1, strict and lax, exactly as Vecalign's ``score.py``.

Definitions (Vecalign, after Véronis & Langlais / W11-4624):

* precision counts every predicted link, null links (deletions, insertions) included;
* recall is computed like precision with the roles swapped and *without* null links
  on either side, so null links count in precision only;
* a predicted link is a strict hit if it equals a gold link, a lax hit if it shares a
  source segment with a gold link whose target overlaps it;
* counts are summed over documents before the ratios (micro average); a ratio with
  an empty denominator is 0.

The implementation follows Vecalign's ``score.py`` (Copyright 2019 Brian Thompson,
Apache License 2.0), rewritten over :class:`~workbench.align.links.Link`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from workbench.align.links import Link

__all__ = ["AlignmentCounts", "AlignmentScore", "score_alignment", "score_documents",
           "precision_counts"]

Pairs = Iterable[tuple[tuple[int, ...], tuple[int, ...]]]


def _as_pairs(links: Iterable[Link] | Pairs) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    out = []
    for lk in links:
        if isinstance(lk, Link):
            out.append((lk.src, lk.tgt))
        else:
            src, tgt = lk
            out.append((tuple(src), tuple(tgt)))
    return out


@dataclass
class AlignmentCounts:
    """Strict/lax true and false positives for precision (p_*) and recall (r_*)."""

    p_tp_strict: int = 0
    p_fp_strict: int = 0
    p_tp_lax: int = 0
    p_fp_lax: int = 0
    r_tp_strict: int = 0
    r_fp_strict: int = 0
    r_tp_lax: int = 0
    r_fp_lax: int = 0

    def __iadd__(self, other: "AlignmentCounts") -> "AlignmentCounts":
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def precision_counts(gold: Pairs, test: Pairs) -> tuple[int, int, int, int]:
    """(tp_strict, fp_strict, tp_lax, fp_lax) of ``test`` against ``gold``."""
    test_set = {(tuple(x), tuple(y)) for x, y in test if len(x) or len(y)}
    gold_set = {(tuple(x), tuple(y)) for x, y in gold if len(x) or len(y)}
    src_to_gold_tgt: dict[int, set[int]] = defaultdict(set)
    for gs, gt in gold_set:
        for s in gs:
            src_to_gold_tgt[s].update(gt)
    tps = fps = tpl = fpl = 0
    for ts, tt in test_set:
        if (ts, tt) in gold_set:
            tps += 1
            tpl += 1
            continue
        fps += 1
        targets: set[int] = set()
        for s in ts:
            targets |= src_to_gold_tgt.get(s, set())
        if targets.intersection(tt):
            tpl += 1
        else:
            fpl += 1
    return tps, fps, tpl, fpl


def count_document(gold: Iterable[Link] | Pairs, test: Iterable[Link] | Pairs) -> AlignmentCounts:
    g, t = _as_pairs(gold), _as_pairs(test)
    c = AlignmentCounts()
    c.p_tp_strict, c.p_fp_strict, c.p_tp_lax, c.p_fp_lax = precision_counts(g, t)
    t_no_null = [(x, y) for x, y in t if x and y]
    g_no_null = [(x, y) for x, y in g if x and y]
    c.r_tp_strict, c.r_fp_strict, c.r_tp_lax, c.r_fp_lax = precision_counts(t_no_null, g_no_null)
    return c


def _ratio(a: int, b: int) -> float:
    return a / (a + b) if (a + b) else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if (p + r) else 0.0


@dataclass
class AlignmentScore:
    """Strict and lax precision/recall/F1 over one or more documents."""

    counts: AlignmentCounts = field(default_factory=AlignmentCounts)

    @property
    def precision_strict(self) -> float:
        return _ratio(self.counts.p_tp_strict, self.counts.p_fp_strict)

    @property
    def precision_lax(self) -> float:
        return _ratio(self.counts.p_tp_lax, self.counts.p_fp_lax)

    @property
    def recall_strict(self) -> float:
        return _ratio(self.counts.r_tp_strict, self.counts.r_fp_strict)

    @property
    def recall_lax(self) -> float:
        return _ratio(self.counts.r_tp_lax, self.counts.r_fp_lax)

    @property
    def f1_strict(self) -> float:
        return _f1(self.precision_strict, self.recall_strict)

    @property
    def f1_lax(self) -> float:
        return _f1(self.precision_lax, self.recall_lax)

    def as_dict(self) -> dict[str, dict[str, float]]:
        """``{"strict": {"P", "R", "F1"}, "lax": {...}}`` -- the report's stable keys."""
        return {
            "strict": {"P": self.precision_strict, "R": self.recall_strict, "F1": self.f1_strict},
            "lax": {"P": self.precision_lax, "R": self.recall_lax, "F1": self.f1_lax},
        }

    def vecalign_dict(self) -> dict[str, float]:
        """The keys of Vecalign's ``score_multiple`` result."""
        return dict(recall_strict=self.recall_strict, recall_lax=self.recall_lax,
                    precision_strict=self.precision_strict, precision_lax=self.precision_lax,
                    f1_strict=self.f1_strict, f1_lax=self.f1_lax)


def score_documents(gold_docs: Sequence[Iterable[Link] | Pairs],
                    test_docs: Sequence[Iterable[Link] | Pairs]) -> AlignmentScore:
    """Micro-averaged score over documents (counts summed first), as Vecalign does."""
    if len(gold_docs) != len(test_docs):
        raise ValueError(f"{len(gold_docs)} gold documents but {len(test_docs)} predictions")
    score = AlignmentScore()
    for g, t in zip(gold_docs, test_docs):
        score.counts += count_document(g, t)
    return score


def score_alignment(gold: Iterable[Link] | Pairs, test: Iterable[Link] | Pairs) -> AlignmentScore:
    """Score one document."""
    return score_documents([gold], [test])
