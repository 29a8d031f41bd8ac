"""What the confidence model reads of a link: evidence from the alignment around it.

:func:`link_features` gives one row of :data:`FEATURES` per link of a finished
alignment, from the two :class:`~workbench.align.side.Side` objects it was made on:

* the document's regime (shared by its links): the share of null links, the median
  similarity of its linked blocks, its size, whether its segments are paragraphs, the
  spread of its length ratios;
* for a link with both sides: the engine's score, the similarity of the two blocks (and
  against the document's median), its *margin* (the similarity less the best 1:1
  similarity of one of its segments with a segment outside it), how well each member
  belongs (each segment's best partner inside the link against outside), what the
  similarity gains by dropping an edge segment (an n:m link) or by taking in an unlinked
  neighbour, the length-ratio z-score, the similarity of its neighbour links, and
  whether it is out of order (a moved block);
* for a null link (a deletion or an insertion): the engine's score, the best
  similarity the segment has with any segment of the other side, what the nearest
  linked block on its side would gain by taking it in, its boilerplate likeness, its
  length against the side's median, and the null links beside it.

* what joining a link with its neighbour, or a null segment with the block beside it,
  does to the length ratio (:mod:`workbench.align.confidence_lengths`), and whether the
  alignment the ``auto`` profile did not take has the same link
  (:mod:`workbench.align.confidence_profiles`).

Similarities with other segments are looked up within :data:`WINDOW` segments of the
link on the other side, so the cost stays linear in the length of the documents.
"""

from __future__ import annotations

import numpy as np

from workbench.align.confidence_lengths import LENGTH_FEATURES, length_features
from workbench.align.confidence_profiles import PROFILE_FEATURES, profile_features
from workbench.align.links import Link

__all__ = ["FEATURES", "WINDOW", "link_type", "link_features", "TYPES"]

#: the link types the model is fitted for, one model each
TYPES = ("1:1", "n:m", "deletion", "insertion")

FEATURES = (
    # the document
    "doc_null", "doc_sim", "doc_size", "doc_para", "doc_spread", "doc_score", "doc_margin",
    "doc_ratio", "doc_nm", "doc_seglen", "doc_sides",
    # every link
    "score",
    # links with both sides
    "sim", "sim_rel", "margin", "member", "member_in", "drop_gain", "grow_gain",
    "len_z", "len_abs", "extra", "nbr_sim", "moved", "mutual",
    "join_gain", "sub_cover", "sub_out",
    # null links
    "best", "best_rel", "merge_gain", "merge_rel", "boilerplate", "seg_len", "nbr_null",
    "best_free", "partner_gap", "sub_best",
    # what the search loses by not taking the link (confidence_dp.py; -1: not known)
    "dp_margin", "dp_known",
    # the alignment the auto profile did not take (confidence_profiles.py)
) + PROFILE_FEATURES + LENGTH_FEATURES  # (and what joining does to the lengths)

#: segments either side of a link's position on the other side where alternatives are
#: looked for
WINDOW = 40


def link_type(link: Link) -> str:
    """``1:1``, ``n:m``, ``deletion`` or ``insertion``."""
    if link.src and link.tgt:
        return "1:1" if len(link.src) == 1 and len(link.tgt) == 1 else "n:m"
    return "deletion" if link.src else "insertion"


def _logit(p: float | None) -> float:
    p = 0.5 if p is None else min(max(float(p), 1e-4), 1.0 - 1e-4)
    return float(np.log(p / (1.0 - p)))


class _Sims:
    """Block similarities of two sides, memoised by (src start, a, tgt start, b)."""

    def __init__(self, src, tgt) -> None:
        self.src, self.tgt = src, tgt
        self.memo: dict = {}

    def block(self, s0: int, a: int, t0: int, b: int) -> float:
        key = (s0, a, t0, b)
        v = self.memo.get(key)
        if v is None:
            es, et = self.src.block_emb(a), self.tgt.block_emb(b)
            v = self.memo[key] = float(es[s0] @ et[t0])
        return v

    def of(self, src_idx, tgt_idx) -> float:
        return self.block(src_idx[0], len(src_idx), tgt_idx[0], len(tgt_idx))


def _contiguous(idx: tuple) -> bool:
    return all(b == a + 1 for a, b in zip(idx, idx[1:]))


def link_features(links: list[Link], src, tgt, alt: list[Link] | None = None,
                  margins: dict | None = None) -> np.ndarray:
    """One row of :data:`FEATURES` per link (``links`` cover ``src`` and ``tgt``; ``alt``:
    the alignment the ``auto`` profile did not take, if any; ``margins``: what the search
    loses by not taking each link, by key, :mod:`workbench.align.confidence_dp`)."""
    n, m = len(src), len(tgt)
    out = np.zeros((len(links), len(FEATURES)), dtype=np.float64)
    if not links:
        return out
    col = {f: k for k, f in enumerate(FEATURES)}
    sims = _Sims(src, tgt)
    e1s, e1t = src.emb1, tgt.emb1
    pair = [k for k, lk in enumerate(links) if lk.src and lk.tgt and _contiguous(lk.src)
            and _contiguous(lk.tgt)]
    pair_sim = {k: sims.of(links[k].src, links[k].tgt) for k in pair}
    doc_sim = float(np.median(list(pair_sim.values()))) if pair_sim else 0.0
    ls = np.maximum(src.lengths, 1.0)
    lt = np.maximum(tgt.lengths, 1.0)
    ratios = {k: float(np.log(lt[list(links[k].tgt)].sum() / ls[list(links[k].src)].sum()))
              for k in pair}
    r = np.array(list(ratios.values())) if ratios else np.zeros(1)
    r_mid = float(np.median(r))
    spread = max(float(np.median(np.abs(r - r_mid))) * 1.4826, 0.05)
    nulls = sum(1 for lk in links if not (lk.src and lk.tgt))
    doc = {"doc_null": nulls / len(links), "doc_sim": doc_sim,
           "doc_size": float(np.log1p(n + m)), "doc_para": float(src.sub_side is not None),
           "doc_spread": spread, "doc_ratio": r_mid,
           "doc_nm": sum(1 for k in pair if len(links[k].src) + len(links[k].tgt) > 2)
           / len(links),
           "doc_seglen": float(np.log(np.median(ls))) if n else 0.0,
           "doc_sides": float(np.log(max(n, 1) / max(m, 1)))}
    # where each segment is linked: link number by source / target segment
    at_src = np.full(n, -1)
    at_tgt = np.full(m, -1)
    for k, lk in enumerate(links):
        at_src[list(lk.src)] = k
        at_tgt[list(lk.tgt)] = k
    med_s = float(np.median(ls)) if n else 1.0
    med_t = float(np.median(lt)) if m else 1.0
    # source order of the pair links (for neighbours and moved blocks)
    order = sorted(pair, key=lambda k: links[k].src[0])
    rank = {k: r_ for r_, k in enumerate(order)}
    # the target position each source position maps to (for the window of a null link)
    src_pos = np.array([links[k].src[0] for k in order], dtype=np.float64)
    tgt_pos = np.array([links[k].tgt[0] for k in order], dtype=np.float64)
    by_tgt = np.argsort(tgt_pos, kind="mergesort")

    def across(i: int, to_tgt: bool) -> int:
        """The position on the other side facing segment ``i`` (by the nearest pair link)."""
        if not order:
            return int(round(i * (m / max(n, 1) if to_tgt else n / max(m, 1))))
        if to_tgt:
            j = int(np.clip(np.searchsorted(src_pos, i), 0, len(order) - 1))
            return int(tgt_pos[j])
        j = int(np.clip(np.searchsorted(tgt_pos[by_tgt], i), 0, len(order) - 1))
        return int(src_pos[by_tgt][j])

    def window(center: int, size: int) -> np.ndarray:
        return np.arange(max(0, center - WINDOW), min(size, center + WINDOW + 1))

    subs = _Subs(src, tgt) if src.has_subunits and tgt.has_subunits else None
    for k, lk in enumerate(links):
        row = out[k]
        for f, v in doc.items():
            row[col[f]] = v
        row[col["score"]] = _logit(lk.score)
        dp = (margins or {}).get(lk.key())
        row[col["dp_margin"]], row[col["dp_known"]] = (-1.0, 0.0) if dp is None else (dp, 1.0)
        if lk.src and lk.tgt:
            s_idx, t_idx = list(lk.src), list(lk.tgt)
            sim = pair_sim.get(k)
            if sim is None:  # a link with a hole: mean of its 1:1 similarities
                sim = float((e1s[s_idx] @ e1t[t_idx].T).mean())
            row[col["sim"]] = sim
            row[col["sim_rel"]] = sim - doc_sim
            tw = window(t_idx[0], m)
            sw = window(s_idx[0], n)
            s_sims = e1s[s_idx] @ e1t[tw].T          # members' sims within the window
            t_sims = e1t[t_idx] @ e1s[sw].T
            t_in = np.isin(tw, t_idx)
            s_in = np.isin(sw, s_idx)
            out_s = s_sims[:, ~t_in].max(axis=1) if (~t_in).any() else np.full(len(s_idx), -1.0)
            out_t = t_sims[:, ~s_in].max(axis=1) if (~s_in).any() else np.full(len(t_idx), -1.0)
            in_s = s_sims[:, t_in].max(axis=1)
            in_t = t_sims[:, s_in].max(axis=1)
            row[col["margin"]] = sim - max(out_s.max(), out_t.max())
            row[col["member"]] = min((in_s - out_s).min(), (in_t - out_t).min())
            row[col["member_in"]] = min(in_s.min(), in_t.min()) - doc_sim
            # every member's best partner in the window is inside the link, both ways
            row[col["mutual"]] = float(np.all(in_s >= out_s) and np.all(in_t >= out_t))
            row[col["extra"]] = len(s_idx) + len(t_idx) - 2
            if subs is not None:
                row[col["sub_cover"]], row[col["sub_out"]] = subs.cover(s_idx, t_idx, sw, tw)
            if k in ratios:
                z = (ratios[k] - r_mid) / spread
                row[col["len_z"]] = float(np.clip(z, -6, 6))
                row[col["len_abs"]] = float(min(abs(z), 6))
            if k in pair_sim:
                row[col["drop_gain"]] = _drop_gain(sims, lk, sim)
                row[col["grow_gain"]] = _grow_gain(sims, lk, sim, at_src, at_tgt, links)
            if k in rank:
                r_ = rank[k]
                nb = [pair_sim[order[x]] for x in (r_ - 1, r_ + 1) if 0 <= x < len(order)]
                row[col["nbr_sim"]] = (float(np.mean(nb)) - doc_sim) if nb else 0.0
                prev_t = links[order[r_ - 1]].tgt[-1] if r_ > 0 else -1
                next_t = links[order[r_ + 1]].tgt[0] if r_ + 1 < len(order) else m
                row[col["moved"]] = float(not (prev_t < t_idx[0] and t_idx[-1] < next_t))
                row[col["join_gain"]] = _join_gain(sims, lk, sim, [links[order[x]] for x in
                                                   (r_ - 1, r_ + 1) if 0 <= x < len(order)],
                                                   pair_sim, [order[x] for x in (r_ - 1, r_ + 1)
                                                              if 0 <= x < len(order)])
            continue
        # a null link
        if lk.src:
            i = lk.src[0]
            other = window(across(i, True), m)
            best = float((e1t[other] @ e1s[i]).max()) if len(other) else -1.0
            gain, merged = _merge_gain(sims, i, n, at_src, links, "src")
            length = ls[i] / med_s
            nbr = sum(1 for x in (i - 1, i + 1) if 0 <= x < n and not links[at_src[x]].tgt)
        else:
            j = lk.tgt[0]
            other = window(across(j, False), n)
            best = float((e1s[other] @ e1t[j]).max()) if len(other) else -1.0
            gain, merged = _merge_gain(sims, j, m, at_tgt, links, "tgt")
            length = lt[j] / med_t
            nbr = sum(1 for x in (j - 1, j + 1) if 0 <= x < m and not links[at_tgt[x]].src)
            row[col["boilerplate"]] = float(tgt.null_prior[j])
        if subs is not None:
            row[col["sub_best"]] = subs.best(lk, other)
        row[col["best"]] = best
        row[col["best_rel"]] = best - doc_sim
        row[col["merge_gain"]] = gain
        row[col["merge_rel"]] = merged - doc_sim
        row[col["seg_len"]] = float(np.log(length))
        row[col["nbr_null"]] = nbr
        # the best partner on the other side: unlinked, or how its own link compares
        far = at_tgt[other] if lk.src else at_src[other]
        sims_i = (e1t[other] @ e1s[i]) if lk.src else (e1s[other] @ e1t[j])
        free = far < 0
        free |= np.array([not (links[x].src and links[x].tgt) for x in far], dtype=bool)
        row[col["best_free"]] = float(sims_i[free].max()) if free.any() else -0.5
        top = int(np.argmax(sims_i)) if len(sims_i) else -1
        if top >= 0 and not free[top] and far[top] in pair_sim:
            row[col["partner_gap"]] = float(sims_i[top]) - pair_sim[far[top]]
        else:
            row[col["partner_gap"]] = 0.0
    if pair:
        out[:, col["doc_score"]] = float(np.mean(out[pair, col["score"]]))
        out[:, col["doc_margin"]] = float(np.median(out[pair, col["margin"]]))
    linked = {k: out[k, col["sim"]] for k, lk in enumerate(links) if lk.src and lk.tgt}
    out[:, col[PROFILE_FEATURES[0]]:col[PROFILE_FEATURES[-1]] + 1] = profile_features(
        links, alt, sims.of, linked, doc_sim)
    out[:, col[LENGTH_FEATURES[0]]:col[LENGTH_FEATURES[-1]] + 1] = length_features(
        links, ls, lt, r_mid, spread, at_src, at_tgt, order)
    return out


class _Subs:
    """Sentence-level evidence for segments that hold several sentences (paragraphs)."""

    def __init__(self, src, tgt) -> None:
        self.src, self.tgt = src, tgt

    def _units(self, side, segs) -> np.ndarray:
        return np.flatnonzero(np.isin(side.sub_owner, segs))

    def cover(self, s_idx, t_idx, sw, tw) -> tuple[float, float]:
        """The length-weighted share of the link's sentences (both sides) whose best match
        among the other side's sentences in the window is inside the link, and the best
        similarity of one of them with a sentence outside the link less its best inside."""
        shares, weights, gaps = [], [], []
        for side, other, mine, theirs, win in ((self.src, self.tgt, s_idx, t_idx, tw),
                                               (self.tgt, self.src, t_idx, s_idx, sw)):
            u = self._units(side, mine)
            v = self._units(other, win)
            if not len(u) or not len(v):
                continue
            sims = side.sub_emb[u] @ other.sub_emb[v].T
            inside = np.isin(other.sub_owner[v], theirs)
            best_in = sims[:, inside].max(axis=1) if inside.any() else np.full(len(u), -1.0)
            best_out = sims[:, ~inside].max(axis=1) if (~inside).any() else np.full(len(u), -1.0)
            shares.append((best_in >= best_out).astype(float))
            weights.append(side.sub_len[u])
            gaps.append(float((best_out - best_in).max()))
        if not shares:
            return 1.0, -1.0
        w = np.concatenate(weights)
        return float((np.concatenate(shares) * w).sum() / max(w.sum(), 1.0)), max(gaps)

    def best(self, lk, other_win) -> float:
        """For a null segment: the best similarity of one of its sentences with a sentence
        of the other side in the window."""
        side, other, segs = ((self.src, self.tgt, lk.src) if lk.src else
                             (self.tgt, self.src, lk.tgt))
        u = self._units(side, list(segs))
        v = self._units(other, other_win)
        if not len(u) or not len(v):
            return -1.0
        return float((side.sub_emb[u] @ other.sub_emb[v].T).max())


def _join_gain(sims: _Sims, lk: Link, sim: float, nbrs: list, pair_sim: dict,
               keys: list) -> float:
    """How much more similar the link is joined with a neighbour link that touches it on
    both sides (one block of both: a longer link the search cut in two), against the
    better of the two; -0.5 when no neighbour touches it."""
    best = -0.5
    for nb, key in zip(nbrs, keys):
        s_lo, s_hi = min(lk.src[0], nb.src[0]), max(lk.src[-1], nb.src[-1])
        t_lo, t_hi = min(lk.tgt[0], nb.tgt[0]), max(lk.tgt[-1], nb.tgt[-1])
        a, b = s_hi - s_lo + 1, t_hi - t_lo + 1
        if a != len(lk.src) + len(nb.src) or b != len(lk.tgt) + len(nb.tgt) or a + b > 8:
            continue
        best = max(best, sims.block(s_lo, a, t_lo, b) - max(sim, pair_sim[key]))
    return best


def _drop_gain(sims: _Sims, lk: Link, sim: float) -> float:
    """How much the link's similarity rises by dropping one edge segment (the most; a
    member with nothing on the other side raises it), 0 for a 1:1 link."""
    s0, a, t0, b = lk.src[0], len(lk.src), lk.tgt[0], len(lk.tgt)
    gains = []
    if a > 1:
        gains += [sims.block(s0 + 1, a - 1, t0, b), sims.block(s0, a - 1, t0, b)]
    if b > 1:
        gains += [sims.block(s0, a, t0 + 1, b - 1), sims.block(s0, a, t0, b - 1)]
    return (max(gains) - sim) if gains else 0.0


def _grow_gain(sims: _Sims, lk: Link, sim: float, at_src, at_tgt, links) -> float:
    """How much the link's similarity rises by taking in an unlinked segment beside it
    (the most; -0.5 when no neighbour is unlinked)."""
    s0, a, t0, b = lk.src[0], len(lk.src), lk.tgt[0], len(lk.tgt)
    n, m = len(at_src), len(at_tgt)
    gains = []
    if a < 6:
        if s0 > 0 and not links[at_src[s0 - 1]].tgt:
            gains.append(sims.block(s0 - 1, a + 1, t0, b))
        if s0 + a < n and not links[at_src[s0 + a]].tgt:
            gains.append(sims.block(s0, a + 1, t0, b))
    if b < 6:
        if t0 > 0 and not links[at_tgt[t0 - 1]].src:
            gains.append(sims.block(s0, a, t0 - 1, b + 1))
        if t0 + b < m and not links[at_tgt[t0 + b]].src:
            gains.append(sims.block(s0, a, t0, b + 1))
    return (max(gains) - sim) if gains else -0.5


def _merge_gain(sims: _Sims, i: int, size: int, at, links, side: str) -> tuple[float, float]:
    """For an unlinked segment ``i`` of ``side``: how much the similarity of a linked block
    beside it rises by taking it in (the most), and that block's similarity then;
    ``(-0.5, -0.5)`` when no neighbour is linked."""
    best = None
    for x in (i - 1, i + 1):
        if not 0 <= x < size:
            continue
        lk = links[at[x]]
        if not (lk.src and lk.tgt) or not (_contiguous(lk.src) and _contiguous(lk.tgt)):
            continue
        s0, a, t0, b = lk.src[0], len(lk.src), lk.tgt[0], len(lk.tgt)
        if (a if side == "src" else b) >= 6:
            continue
        old = sims.block(s0, a, t0, b)
        if side == "src":
            new = sims.block(min(s0, i), a + 1, t0, b)
        else:
            new = sims.block(s0, a, min(t0, i), b + 1)
        if best is None or new - old > best[0]:
            best = (new - old, new)
    return best if best is not None else (-0.5, -0.5)
