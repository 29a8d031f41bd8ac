"""Alignment quality per link type (1:1, 1:2, 2:1, other n:m, null, moved) and null links.

* A link's *type* is its shape: ``1:1``, ``1:2``, ``2:1``, ``null`` (a deletion or an
  insertion) or ``other`` (any other n:m).  A link may in addition be *moved*: a non-null
  link that breaks the monotone order of the alignment (it is not on the longest chain
  of links whose targets increase with their sources), e.g. a paragraph the rewrite
  moved to the end.
* For each type, precision is the share of predicted links of that type that equal a
  gold link; recall the share of gold links of that type that the prediction contains
  exactly (strict matching, as in Vecalign's strict scores).
* Null-link precision/recall work per segment: a predicted deletion ``[4]:[]`` is right
  if the gold also leaves source 4 unaligned (``[3,4]:[]`` counts as two deletions).

Counts are kept as plain integers so documents can be summed (micro average) and
serialised as JSON; :class:`LinkTypeStats` turns them into ratios.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from workbench.align.links import Link
from workbench.scoring.metric import Metric

__all__ = ["LINK_TYPES", "link_type", "moved_links", "LinkTypeStats", "LinkTypeMetric",
           "count_link_types"]

#: The rows of the breakdown, in report order.
LINK_TYPES: tuple[str, ...] = ("1:1", "1:2", "2:1", "other", "null", "moved")

Key = tuple[tuple[int, ...], tuple[int, ...]]


def _key(link: Link | Key) -> Key:
    if isinstance(link, Link):
        return link.src, link.tgt
    return tuple(link[0]), tuple(link[1])


def link_type(link: Link | Key) -> str:
    src, tgt = _key(link)
    if not src or not tgt:
        return "null"
    shape = f"{len(src)}:{len(tgt)}"
    return shape if shape in ("1:1", "1:2", "2:1") else "other"


def moved_links(links: Iterable[Link | Key]) -> set[Key]:
    """Non-null links off the longest monotone chain (targets increasing with sources).

    Ties are broken deterministically (links sorted by first source, then first target),
    so the same links always give the same answer.
    """
    items = sorted((_key(lk) for lk in links if _key(lk)[0] and _key(lk)[1]),
                   key=lambda k: (min(k[0]), min(k[1])))
    if not items:
        return set()
    seq = [min(t) for _, t in items]
    # longest strictly increasing subsequence with predecessor links (patience sorting)
    tails: list[int] = []       # seq value at the end of the best chain of each length
    tail_idx: list[int] = []    # index into items of that end
    prev = [-1] * len(seq)
    for i, v in enumerate(seq):
        pos = bisect.bisect_left(tails, v)
        if pos == len(tails):
            tails.append(v)
            tail_idx.append(i)
        else:
            tails[pos] = v
            tail_idx[pos] = i
        prev[i] = tail_idx[pos - 1] if pos else -1
    chain: set[int] = set()
    i = tail_idx[-1]
    while i >= 0:
        chain.add(i)
        i = prev[i]
    return {items[i] for i in range(len(items)) if i not in chain}


def _null_units(keys: Iterable[Key]) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    for src, tgt in keys:
        if not tgt:
            out.update(("src", i) for i in src)
        elif not src:
            out.update(("tgt", j) for j in tgt)
    return out


def count_link_types(gold: Sequence[Link | Key], test: Sequence[Link | Key]) -> dict:
    """Per-type counts for one document, JSON-ready.

    ``{"types": {TYPE: {"pred", "gold", "pred_correct", "gold_found"}},
    "null": {"pred", "gold", "match"}}``
    """
    g = [_key(lk) for lk in gold]
    t = [_key(lk) for lk in test]
    gset, tset = set(g), set(t)
    g_moved, t_moved = moved_links(g), moved_links(t)
    types = {name: {"pred": 0, "gold": 0, "pred_correct": 0, "gold_found": 0}
             for name in LINK_TYPES}
    for k in tset:
        for name in {link_type(k)} | ({"moved"} if k in t_moved else set()):
            types[name]["pred"] += 1
            types[name]["pred_correct"] += k in gset
    for k in gset:
        for name in {link_type(k)} | ({"moved"} if k in g_moved else set()):
            types[name]["gold"] += 1
            types[name]["gold_found"] += k in tset
    gn, tn = _null_units(gset), _null_units(tset)
    return {"types": types, "null": {"pred": len(tn), "gold": len(gn), "match": len(gn & tn)}}


def _ratio(a: int, b: int) -> float | None:
    """``a / b``; None when there is nothing to measure (no such links)."""
    return a / b if b else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if (p + r) else 0.0


@dataclass
class LinkTypeStats:
    """Summed per-type counts (one or more documents) and their P/R/F1."""

    types: dict[str, dict[str, int]] = field(
        default_factory=lambda: {n: {"pred": 0, "gold": 0, "pred_correct": 0, "gold_found": 0}
                                 for n in LINK_TYPES})
    null: dict[str, int] = field(default_factory=lambda: {"pred": 0, "gold": 0, "match": 0})

    @classmethod
    def from_counts(cls, counts: Iterable[dict]) -> "LinkTypeStats":
        stats = cls()
        for c in counts:
            stats.add(c)
        return stats

    def add(self, counts: dict) -> None:
        for name, row in counts["types"].items():
            mine = self.types.setdefault(name, {"pred": 0, "gold": 0, "pred_correct": 0,
                                                "gold_found": 0})
            for k, v in row.items():
                mine[k] += v
        for k, v in counts["null"].items():
            self.null[k] += v

    def as_dict(self) -> dict:
        """``{"types": {TYPE: {pred, gold, P, R, F1}}, "null": {pred, gold, P, R, F1}}``.

        P is None when no link of the type was predicted, R when the gold has none.
        """
        types = {}
        for name in LINK_TYPES:
            row = self.types[name]
            p = _ratio(row["pred_correct"], row["pred"])
            r = _ratio(row["gold_found"], row["gold"])
            types[name] = {"pred": row["pred"], "gold": row["gold"], "P": p, "R": r,
                           "F1": _f1(p, r)}
        p = _ratio(self.null["match"], self.null["pred"])
        r = _ratio(self.null["match"], self.null["gold"])
        return {"types": types,
                "null": {"pred": self.null["pred"], "gold": self.null["gold"], "P": p, "R": r,
                         "F1": _f1(p, r)}}


class LinkTypeMetric(Metric):
    name = "linktypes"

    def settings(self) -> dict:
        return {"match": "strict", "moved": "off-lis", "null": "per-segment", "avg": "micro"}

    def count(self, gold: Sequence[Link | Key], test: Sequence[Link | Key]) -> dict:
        return count_link_types(gold, test)
