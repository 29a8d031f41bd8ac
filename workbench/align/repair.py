"""The passes after the monotonic path: moved blocks and paragraphs lifted by their
sentences (steps 5-6 of :mod:`workbench.align.engine`; gaps re-aligned, step 7, are
:mod:`workbench.align.gaps`)."""

from __future__ import annotations

import bisect

import numpy as np

from workbench.align.links import Link
from workbench.align.scorer import (Coverage, Params, Side, block_features, logits,
                                    raw_logits, sigmoid)
from workbench.align.search import link_shapes

__all__ = ["recover_moves", "lift_sentence_links"]

#: Largest number of (source block, target block) pairs examined for moved blocks.
MAX_MOVE_PAIRS = 4_000_000
_CHUNK = 20_000
#: A released (doubtful) link is broken only by a candidate this many times as probable.
RELEASE_FACTOR = 2.0
#: A doubtful link (below ``move_threshold``) gives a segment only to a 1:1 move whose
#: source is linked at least this many target segments away.
MOVE_DISTANCE = 3
#: A paragraph left unlinked is linked to the one paragraph of the other side its
#: sentences were linked into (:func:`lift_sentence_links`) when at least this share of
#: one of the two (by length) is linked into the other ...
LIFT_AGREE = 0.8
#: ... and the two paragraphs' embeddings are at least this similar.
LIFT_MIN_SIM = 0.1


def _runs(indices: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _blocks(indices: list[int], max_size: int) -> list[tuple[int, int]]:
    """(start, size) of every block of consecutive indices up to ``max_size``."""
    out = []
    for run in _runs(indices):
        for k, start in enumerate(run):
            for size in range(1, min(max_size, len(run) - k) + 1):
                out.append((start, size))
    return out


def recover_moves(links: list[Link], src: Side, tgt: Side, params: Params, max_link: int,
                  knn_src: np.ndarray, knn_tgt: np.ndarray,
                  coverage: Coverage | None = None) -> list[Link]:
    """Link unlinked source and target blocks out of order when the scorer is confident."""
    # weak links are released too: a segment in a doubtful monotonic link may belong to
    # a moved block elsewhere (a released link comes back if nothing better claims it)
    released = [lk for lk in links if lk.src and lk.tgt and lk.score is not None
                and lk.score < params.release_below]
    # doubtful links (below what a move needs) may lose a segment to a 1:1 move from far
    # away that is clearly more probable: a paragraph moved across the document
    doubtful = [lk for lk in links if lk.src and lk.tgt and lk.score is not None
                and params.release_below <= lk.score < params.move_threshold]
    position = {i: lk.tgt[0] for lk in links if lk.src and lk.tgt for i in lk.src}
    doubt_src = {i: lk.score for lk in doubtful for i in lk.src}
    doubt_tgt = {j: lk.score for lk in doubtful for j in lk.tgt}
    released = released + doubtful
    null_src = sorted([lk.src[0] for lk in links if lk.src and not lk.tgt]
                      + [i for lk in released for i in lk.src])
    null_tgt = sorted([lk.tgt[0] for lk in links if lk.tgt and not lk.src]
                      + [j for lk in released for j in lk.tgt])
    if not null_src or not null_tgt:
        return links
    shapes = link_shapes(max_link)
    max_a = max(a for a, _ in shapes)
    max_b = max(b for _, b in shapes)
    sblocks = _blocks(null_src, max_a)
    tblocks = _blocks(null_tgt, max_b)
    if len(sblocks) * len(tblocks) > MAX_MOVE_PAIRS:
        sblocks = [(s, 1) for s in null_src]
        tblocks = [(t, 1) for t in null_tgt]
        if len(sblocks) * len(tblocks) > MAX_MOVE_PAIRS:
            return links
    cands: list[tuple[float, int, int, int, int]] = []
    for a, b in shapes:
        s0 = np.array([s for s, size in sblocks if size == a], dtype=np.int64)
        t0 = np.array([t for t, size in tblocks if size == b], dtype=np.int64)
        if not len(s0) or not len(t0):
            continue
        ss, tt = np.repeat(s0, len(t0)), np.tile(t0, len(s0))
        for start in range(0, len(ss), _CHUNK):
            sl = slice(start, start + _CHUNK)
            p = sigmoid(logits(block_features(src, tgt, a, b, ss[sl], tt[sl], knn_src, knn_tgt,
                                              params, coverage), params))
            # a 1:1 move between segments the search left unlinked breaks nothing: it
            # needs only what keeps a link (``release_below``), others ``move_threshold``
            floor = (min(params.move_threshold, params.release_below) if a == b == 1
                     else params.move_threshold)
            for k in np.flatnonzero(p >= floor):
                cands.append((float(p[k]), int(ss[sl][k]), a, int(tt[sl][k]), b))
    if not cands:
        return links
    cands.sort(key=lambda c: (-c[0], c[2] + c[4], c[1], c[3]))
    own = {(lk.src[0], len(lk.src), lk.tgt[0], len(lk.tgt)) for lk in released}
    used_s: set[int] = set()
    used_t: set[int] = set()
    moved: dict[int, Link] = {}
    weak_src = {i: lk.score for lk in released for i in lk.src}
    weak_tgt = {j: lk.score for lk in released for j in lk.tgt}
    released_by_seg = {("s", i): lk for lk in released for i in lk.src}
    released_by_seg.update({("t", j): lk for lk in released for j in lk.tgt})
    weak_moves = False
    # segments a moved block may absorb: those the search left unlinked
    free_src = {lk.src[0] for lk in links if lk.src and not lk.tgt}
    free_tgt = {lk.tgt[0] for lk in links if lk.tgt and not lk.src}
    for p, s, a, t, b in cands:
        ss = set(range(s, s + a))
        tt = set(range(t, t + b))
        if ss & used_s or tt & used_t:
            continue
        if p < params.move_threshold and (weak_moves or any(i in weak_src for i in ss)
                                          or any(j in weak_tgt for j in tt)):
            # below the move threshold only segments nobody linked move, and only one
            # such move a document, when no confident one was found
            continue
        # breaking a released link needs clearly better evidence than that link had
        broken = [weak_src[i] for i in ss if i in weak_src] + [weak_tgt[j] for j in tt
                                                                if j in weak_tgt]
        kept: list[Link] = []
        if broken and (s, a, t, b) not in own and p < RELEASE_FACTOR * max(broken):
            # a move that takes an edge segment of an n:m link may keep the rest of that
            # link: the move and the rest together must then be clearly better than it
            kept = _remainders(ss, tt, released_by_seg, src, tgt, params, knn_src, knn_tgt,
                               coverage, used_s, used_t)
            if not params.remainders or kept is None or (
                    p + sum(r.score for r in kept) < RELEASE_FACTOR * max(broken)):
                continue
        doubts = [doubt_src[i] for i in ss if i in doubt_src] + [doubt_tgt[j] for j in tt
                                                                 if j in doubt_tgt]
        if doubts and (s, a, t, b) not in own and not (
                a == b == 1 and s in position and abs(t - position[s]) >= MOVE_DISTANCE
                and not (s in doubt_src and t in doubt_tgt)):
            continue
        used_s |= ss
        used_t |= tt
        weak_moves = weak_moves or (s, a, t, b) not in own
        moved[s] = Link(tuple(range(s, s + a)), tuple(range(t, t + b)), p)
        if params.grow_moves and (s, a, t, b) not in own:
            grown = _grow(moved.pop(s), src, tgt, params, shapes, knn_src, knn_tgt, coverage,
                          free_src - used_s, free_tgt - used_t)
            used_s.update(grown.src)
            used_t.update(grown.tgt)
            moved[grown.src[0]] = grown
        for r in kept or ():
            used_s.update(r.src)
            used_t.update(r.tgt)
            moved[r.src[0]] = r
    out: list[Link] = []
    for lk in links:
        if lk.src and lk.tgt:
            if not (set(lk.src) & used_s or set(lk.tgt) & used_t):
                out.append(lk)  # not released, or released and not claimed: kept as it was
                continue
            # a released link that lost some segments: the rest become null links
            for i in lk.src:
                out.append(moved[i] if i in moved else Link((i,), (), 1.0 - lk.score)
                           if i not in used_s else None)
            for j in lk.tgt:
                if j not in used_t:
                    out.append(Link((), (j,), 1.0 - lk.score))
            continue
        if lk.src and lk.src[0] in used_s:
            if lk.src[0] in moved:
                out.append(moved[lk.src[0]])
            continue
        if lk.tgt and not lk.src and lk.tgt[0] in used_t:
            continue
        out.append(lk)
    return [lk for lk in out if lk is not None]


def lift_sentence_links(links: list[Link], src: Side, tgt: Side, params: Params,
                        knn_src: np.ndarray, knn_tgt: np.ndarray,
                        coverage: Coverage | None) -> list[Link]:
    """Link an unlinked paragraph to the one its sentences were linked into.

    The sentences of paragraphs are aligned first, with moves (the evidence behind
    the ``agree_*`` features).  A paragraph that the paragraph search left unlinked
    while (nearly) all of its sentences, or all of the other paragraph's, are linked
    into one paragraph of the other side is a moved or much-shortened paragraph whose
    whole embedding says less than its sentences do: a short question moved to the
    end and followed there by a new quote, a paragraph cut to a sentence.  It is
    linked 1:1 when the other paragraph is unlinked too (not boilerplate) or only in
    a doubtful link (below ``move_threshold``), which is then broken.
    """
    if coverage is None or not coverage.has_agreement:
        return links
    src_link = {i: lk for lk in links for i in lk.src}
    tgt_link = {j: lk for lk in links for j in lk.tgt}

    def doubtful(lk: Link) -> bool:
        return lk.score is not None and lk.score < params.move_threshold

    def support(lk: Link) -> float:
        """The larger share of a link's two blocks linked into each other by sentences."""
        o_s, o_t = coverage.agreement(len(lk.src), len(lk.tgt), np.array([lk.src[0]]),
                                      np.array([lk.tgt[0]]))
        return max(float(o_s[0]), float(o_t[0]))

    # an unlinked paragraph, and one that is unlinked or only doubtfully linked
    open_s = [i for i, lk in sorted(src_link.items()) if not lk.tgt or doubtful(lk)]
    open_t = [j for j, lk in sorted(tgt_link.items()) if tgt.null_prior[j] < 0.5
              and (not lk.src or doubtful(lk))]
    pairs = [(i, j) for i in open_s for j in open_t
             if not src_link[i].tgt or not tgt_link[j].src]
    if not pairs:
        return links
    ss = np.array([i for i, _ in pairs], dtype=np.int64)
    tt = np.array([j for _, j in pairs], dtype=np.int64)
    ag_s, ag_t = coverage.agreement(1, 1, ss, tt)
    ok = np.flatnonzero(np.maximum(ag_s, ag_t) >= LIFT_AGREE)
    if not len(ok):
        return links
    ss, tt, agree = ss[ok], tt[ok], np.maximum(ag_s, ag_t)[ok]
    feats = block_features(src, tgt, 1, 1, ss, tt, knn_src, knn_tgt, params, coverage)
    keep = feats[:, 0] >= LIFT_MIN_SIM
    raw = raw_logits(feats, params)  # the similarity floor is what the lift looks past
    new: list[Link] = []
    broken: set = set()
    used_s: set[int] = set()
    used_t: set[int] = set()
    for k in sorted(np.flatnonzero(keep), key=lambda k: (-agree[k], -feats[k, 0])):
        i, j = int(ss[k]), int(tt[k])
        if i in used_s or j in used_t:
            continue
        old = [lk for lk in (src_link[i], tgt_link[j]) if lk.src and lk.tgt]
        if any(x in used_s for lk in old for x in lk.src) or any(
                x in used_t for lk in old for x in lk.tgt):
            continue
        # the doubtful link broken must not have more sentence support than this one
        if any(support(lk) >= agree[k] for lk in old):
            continue
        broken.update(lk.key() for lk in old)
        new.append(Link((i,), (j,), float(sigmoid(raw[k:k + 1])[0])))
        used_s.add(i)
        used_t.add(j)
    if not new:
        return links
    out: list[Link] = list(new)
    for lk in links:
        if lk.key() in broken:
            out += [Link((i,), (), 1.0 - lk.score) for i in lk.src if i not in used_s]
            out += [Link((), (j,), 1.0 - lk.score) for j in lk.tgt if j not in used_t]
        elif not (set(lk.src) & used_s or set(lk.tgt) & used_t):
            out.append(lk)
    return _source_order(out, len(src))


def _insertion_scores(params: Params, null_prior):
    """The search's score for leaving target segments unlinked (boilerplate costs less)."""
    return params.ins_score + params.boilerplate_weight * null_prior


def _log_odds(src: Side, tgt: Side, params: Params, knn_src, knn_tgt, coverage, s0: int,
              a: int, t0: int, b: int) -> float:
    """The scorer's log-odds for the one link ``(s0..+a, t0..+b)``."""
    f = block_features(src, tgt, a, b, np.array([s0]), np.array([t0]), knn_src, knn_tgt,
                       params, coverage)
    return float(logits(f, params)[0])


def _grow(link: Link, src: Side, tgt: Side, params: Params, shapes, knn_src, knn_tgt,
          coverage, free_src: set[int], free_tgt: set[int]) -> Link:
    """Extend a moved link by unlinked neighbours while the path score improves.

    The monotonic search weighs a merge against null links by log-odds plus the null
    scores; a moved block is found by its probability alone, so a moved merge (two
    paragraphs swapped with a third and joined) would come back as a 1:1 move and a
    deletion.  Here the block grows, one segment at a time, when the log-odds of the
    larger link beat those of the link plus the null score of the segment it absorbs.
    """
    allowed = set(shapes)

    def log_odds(s0: int, a: int, t0: int, b: int) -> float:
        return _log_odds(src, tgt, params, knn_src, knn_tgt, coverage, s0, a, t0, b)

    s0, a, t0, b = link.src[0], len(link.src), link.tgt[0], len(link.tgt)
    current = log_odds(s0, a, t0, b)
    while True:
        options = []
        if (a + 1, b) in allowed:
            for s in (s0 - 1, s0 + a):
                if s in free_src:
                    options.append((min(s, s0), a + 1, t0, b, params.del_score))
        if (a, b + 1) in allowed:
            for t in (t0 - 1, t0 + b):
                if t in free_tgt:
                    null = float(_insertion_scores(params, tgt.null_prior[t]))
                    options.append((s0, a, min(t, t0), b + 1, null))
        best = None
        for ns, na, nt, nb, null in options:
            value = log_odds(ns, na, nt, nb)
            gain = value - current - null
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, ns, na, nt, nb, value)
        if best is None:
            break
        _, s0, a, t0, b, current = best
    if (s0, a, t0, b) == (link.src[0], len(link.src), link.tgt[0], len(link.tgt)):
        return link
    return Link(tuple(range(s0, s0 + a)), tuple(range(t0, t0 + b)), float(sigmoid(current)))


def _remainders(ss: set[int], tt: set[int], released_by_seg: dict, src: Side, tgt: Side,
                params: Params, knn_src, knn_tgt, coverage, used_s: set[int],
                used_t: set[int]) -> list[Link] | None:
    """The rest of every released link a move breaks, scored; None when a rest is not a link.

    A rest with an empty side becomes null links; any other rest is a link when both its
    sides are contiguous and not yet claimed and the scorer gives it at least
    ``min_link_prob``.
    """
    broken = {id(lk): lk for key, lk in released_by_seg.items()
              if (key[0] == "s" and key[1] in ss) or (key[0] == "t" and key[1] in tt)}
    out = []
    for lk in broken.values():
        rs = [i for i in lk.src if i not in ss]
        rt = [j for j in lk.tgt if j not in tt]
        if not rs or not rt:
            continue  # what is left of it becomes null links
        if rs[-1] - rs[0] != len(rs) - 1 or rt[-1] - rt[0] != len(rt) - 1:
            return None
        if set(rs) & used_s or set(rt) & used_t:
            return None
        pr = float(sigmoid(_log_odds(src, tgt, params, knn_src, knn_tgt, coverage,
                                     rs[0], len(rs), rt[0], len(rt))))
        if pr < params.min_link_prob:
            return None
        out.append(Link(tuple(rs), tuple(rt), pr))
    return out


def _source_order(links: list[Link], n: int) -> list[Link]:
    """Source order; an insertion before the first link with a source and a later target."""
    firsts = sorted((min(lk.tgt), min(lk.src)) for lk in links if lk.src and lk.tgt)
    starts = [t for t, _ in firsts]
    after = [n] * (len(firsts) + 1)  # after[k]: first source of links firsts[k:]
    for k in range(len(firsts) - 1, -1, -1):
        after[k] = min(after[k + 1], firsts[k][1])

    def key(lk: Link) -> tuple[int, int, int]:
        if lk.src:
            return (min(lk.src), 1, 0)
        j = lk.tgt[0]
        return (after[bisect.bisect_right(starts, j)], 0, j)

    return sorted(links, key=key)
