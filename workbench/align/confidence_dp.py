"""What the search would lose by not taking a link: max-marginals of the alignment DP.

The search (:func:`workbench.align.search.best_path`) maximises the sum of link scores
over monotonic paths.  For a link of the best path, the best path *without* it takes
another link over its first segment (another shape or position, or the segment left
unlinked); the difference between the two totals is what the search pays to not take
the link, a margin in log-odds that reads the whole document: a link the search took
by a hair (a 1:1 link where a 1:2 link scored nearly as well) has a small one.

:func:`path_margins` computes it for every link of a path from one forward and one
backward pass over the band (the same work as the search itself) and the best total of
every link (its *max-marginal*: the best path through it), reduced per row and per
column, so that the cost stays linear in the length of the documents.
"""

from __future__ import annotations

import numpy as np

from workbench.align.search import DELETION, INSERTION, Band

__all__ = ["path_margins", "MAX_MARGIN", "DeferredMargins"]

#: the margin of a link with no alternative at all (and the cap of every margin)
MAX_MARGIN = 20.0


def _forward(band: Band, shape_scores: dict, del_scores: np.ndarray,
             ins_scores: np.ndarray) -> np.ndarray:
    """The best total of a path from (0, 0) to every band cell (as the search adds up)."""
    n = len(band.lo) - 1
    total = np.full(band.size, -np.inf)
    ins_prefix = np.concatenate([[0.0], np.cumsum(ins_scores)])
    off, los, his = band.off.tolist(), band.lo.tolist(), band.hi.tolist()
    shapes = [DELETION] + list(shape_scores)
    for i in range(n + 1):
        lo, hi = los[i], his[i]
        best = np.full(hi - lo, -np.inf)
        if i == 0 and lo == 0:
            best[0] = 0.0
        for a, b in shapes:
            if a > i:
                continue
            start, stop = max(lo, los[i - a] + b), min(hi, his[i - a] + b)
            if start >= stop:
                continue
            p0 = off[i - a] + start - b - los[i - a]
            prev = total[p0:p0 + stop - start]
            if (a, b) == DELETION:
                cand = prev + del_scores[i - 1]
            else:
                s0 = off[i] + start - lo
                cand = prev + shape_scores[(a, b)][s0:s0 + stop - start]
            np.maximum(best[start - lo:stop - lo], cand, out=best[start - lo:stop - lo])
        p = ins_prefix[lo:hi]
        total[off[i]:off[i] + hi - lo] = np.maximum.accumulate(best - p) + p
    return total


def _backward(band: Band, shape_scores: dict, del_scores: np.ndarray,
              ins_scores: np.ndarray, m: int) -> np.ndarray:
    """The best total of a path from every band cell to (n, m): the forward pass over
    both sides reversed."""
    n = len(band.lo) - 1
    rev = Band(m - band.hi[::-1] + 1, m - band.lo[::-1] + 1)
    r_rows, r_cols = rev.cells()
    rev_scores = {}
    for (a, b), scores in shape_scores.items():
        k = band.index(n - r_rows + a, m - r_cols + b)
        rev_scores[(a, b)] = np.where(k >= 0, scores[np.maximum(k, 0)], -np.inf)
    total_r = _forward(rev, rev_scores, del_scores[::-1], ins_scores[::-1])
    rows, cols = band.cells()
    return total_r[rev.index(n - rows, m - cols)]


def path_margins(band: Band, shape_scores: dict, del_scores: np.ndarray,
                 ins_scores: np.ndarray, path: list[tuple[int, int, int, int]],
                 fwd: np.ndarray | None = None) -> dict[tuple, float]:
    """For every link ``(a, b, i, j)`` of ``path`` (shape and end cell, as the search gives
    them): the best path's total less the best total of a path without the link, by the
    link's key ``(src indices, tgt indices)``; at most :data:`MAX_MARGIN`.  ``fwd``: the
    forward totals if known (the search's own, ``best_path(totals=...)``: the same
    numbers, the same maxima of the same sums)."""
    n = len(band.lo) - 1
    m = int(band.hi[n]) - 1
    del_scores = np.asarray(del_scores, dtype=np.float64)
    ins_scores = np.asarray(ins_scores, dtype=np.float64)
    if fwd is None:
        fwd = _forward(band, shape_scores, del_scores, ins_scores)
    bwd = _backward(band, shape_scores, del_scores, ins_scores, m)
    best = fwd[band.at(n, m)]
    rows, cols = band.cells()

    def through(a: int, b: int, cells: np.ndarray) -> np.ndarray:
        """Max-marginals of the links of shape (a, b) ending at band ``cells``."""
        start = band.index(rows[cells] - a, cols[cells] - b)
        if (a, b) == DELETION:
            score = del_scores[np.maximum(rows[cells] - 1, 0)]
        elif (a, b) == INSERTION:
            score = ins_scores[np.maximum(cols[cells] - 1, 0)]
        else:
            score = shape_scores[(a, b)][cells]
        return np.where(start >= 0, fwd[np.maximum(start, 0)] + score + bwd[cells], -np.inf)

    shapes = [DELETION, INSERTION] + list(shape_scores)
    every = np.arange(band.size)
    row_max, col_max = {}, {}
    for a, b in shapes:
        mm = through(a, b, every)
        row_max[(a, b)] = np.maximum.reduceat(mm, band.off[:-1]) if band.size else mm
        row_max[(a, b)][band.off[:-1] == band.off[1:]] = -np.inf  # (empty rows)
        col_max[(a, b)] = np.full(m + 1, -np.inf)
        np.maximum.at(col_max[(a, b)], cols, mm)
    out: dict[tuple, float] = {}
    for a, b, i, j in path:
        alt = -np.inf
        for sa, sb in shapes:
            if (sa, sb) == (a, b) and not (a and b):
                continue  # the same null link placed elsewhere is the same link
            if a:  # links over the link's first source segment i - a: end rows above
                ends = range(i - a + 1, min(i - a + sa, n) + 1) if sa else ()
                for r in ends:
                    if (sa, sb) == (a, b) and r == i:  # the link's own row: all but it
                        cells = np.arange(band.off[r], band.off[r + 1])
                        cells = cells[cols[cells] != j]
                        v = through(sa, sb, cells).max() if len(cells) else -np.inf
                    else:
                        v = row_max[(sa, sb)][r]
                    alt = max(alt, float(v))
            else:  # an insertion: links over its target segment j - 1
                ends = range(j, min(j - 1 + sb, m) + 1) if sb else ()
                for c in ends:
                    alt = max(alt, float(col_max[(sa, sb)][c]))
        key = (tuple(range(i - a, i)), tuple(range(j - b, j)))
        out[key] = float(min(best - alt, MAX_MARGIN)) if np.isfinite(alt) else MAX_MARGIN
    return out


class DeferredMargins(dict):
    """A ``margins`` dict for :func:`workbench.align.engine.align_sides` filled only when
    asked (:meth:`resolve`): the ``auto`` profile runs two searches and reads the margins
    of the one it takes, so the other's are never computed."""

    _args: tuple | None = None

    def later(self, *args, **kw) -> None:
        """Keep :func:`path_margins`'s arguments for :meth:`resolve`."""
        self._args = (args, kw)

    def resolve(self) -> "DeferredMargins":
        """The margins (computed on the first call)."""
        if self._args is not None:
            args, kw = self._args
            self._args = None
            self.update(path_margins(*args, **kw))
        return self
