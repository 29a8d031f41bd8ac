"""Dynamic-programming search for the best monotonic alignment, banded for long documents.

The search is separate from the scorer: it only sees, for every link shape
``(a, b)`` (``a`` source and ``b`` target segments; ``(1, 0)`` a deletion,
``(0, 1)`` an insertion) and every end cell ``(i, j)`` of a *band*, the score of
the link covering source ``i-a..i-1`` and target ``j-b..j-1``.  It maximises the
sum of link scores over monotonic paths from ``(0, 0)`` to ``(n, m)``.

The band is a column range ``[lo[i], hi[i])`` per row ``i``.  For short
documents it is the whole table; for long ones it surrounds the path found on a
coarser version of the documents (consecutive segments merged in pairs,
recursively, as Vecalign does), so that the work grows linearly with length.

Each row is computed with numpy: shapes that consume source segments read rows
above; insertions (which stay in the row) are a running maximum,
``D[j] = P[j] + max_{k<=j} (V[k] - P[k])`` with ``P`` the prefix sums of the
insertion scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Band", "link_shapes", "best_path", "band_around_path", "band_dots", "pair_dots",
           "DELETION", "INSERTION"]

DELETION = (1, 0)
INSERTION = (0, 1)


def link_shapes(max_link: int) -> list[tuple[int, int]]:
    """The n:m shapes allowed for ``max_link`` (>= 1).

    Up to 3, ``a + b <= max_link + 1`` (``max_link=3`` gives 1:1, 1:2, 2:1, 1:3, 3:1 and
    2:2).  Above 3 only the shapes translations have: 1:k and k:1 up to ``k = max_link``
    (at most 6), and 2:3 and 3:2; so the search grows by two shapes a step of
    ``max_link``, not by the whole triangle.
    """
    max_link = max(1, int(max_link))
    small = [(a, b) for a in range(1, 4) for b in range(1, 4)
             if a + b <= min(max_link, 3) + 1]
    if max_link <= 3:
        return small
    longer = [(1, k) for k in range(4, min(max_link, MAX_SIDE) + 1)]
    longer += [(k, 1) for k in range(4, min(max_link, MAX_SIDE) + 1)]
    return small + [(2, 3), (3, 2)] + sorted(longer, key=lambda s: (max(s), s))


#: the most segments on one side of a link
MAX_SIDE = 6


@dataclass
class Band:
    """Allowed end cells: row ``i`` (0..n) holds columns ``lo[i] <= j < hi[i]``."""

    lo: np.ndarray
    hi: np.ndarray

    def __post_init__(self) -> None:
        self.lo = np.asarray(self.lo, dtype=np.int64)
        self.hi = np.asarray(self.hi, dtype=np.int64)
        widths = self.hi - self.lo
        self.off = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)

    @classmethod
    def full(cls, n: int, m: int) -> "Band":
        return cls(np.zeros(n + 1, np.int64), np.full(n + 1, m + 1, np.int64))

    @property
    def size(self) -> int:
        return int(self.off[-1])

    def cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of every cell, in storage order."""
        widths = self.hi - self.lo
        rows = np.repeat(np.arange(len(self.lo), dtype=np.int64), widths)
        cols = np.arange(self.size, dtype=np.int64) - self.off[rows] + self.lo[rows]
        return rows, cols

    def at(self, i: int, j: int) -> int:
        """Flat index of the band cell ``(i, j)`` (which must be in the band)."""
        return int(self.off[i] + j - self.lo[i])

    def index(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Flat index of (rows, cols), or -1 where the cell is outside the band."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        ok = (rows >= 0) & (rows < len(self.lo))
        r = np.where(ok, rows, 0)
        ok &= (cols >= self.lo[r]) & (cols < self.hi[r])
        return np.where(ok, self.off[r] + cols - self.lo[r], -1)


def best_path(band: Band, shape_scores: dict[tuple[int, int], np.ndarray],
              del_scores: np.ndarray, ins_scores: np.ndarray, totals: list | None = None,
              ) -> list[tuple[int, int, int, int]]:
    """The best path as links ``(a, b, i, j)`` (shape and end cell), in order.

    ``shape_scores[(a, b)]`` has one score per band cell (the link ending there;
    ``-inf`` where impossible).  ``del_scores[i]`` scores deleting source ``i``,
    ``ins_scores[j]`` inserting target ``j``.  ``totals`` (a list, if given) receives
    the best total of a path from (0, 0) to every band cell.
    """
    n = len(band.lo) - 1
    shapes = [DELETION] + list(shape_scores)
    total = np.full(band.size, -np.inf)
    back = np.full(band.size, -1, dtype=np.int16)  # index into shapes; len(shapes) = insertion
    ins_code = len(shapes)
    ins_prefix = np.concatenate([[0.0], np.cumsum(ins_scores)])
    off, los, his = band.off.tolist(), band.lo.tolist(), band.hi.tolist()
    for i in range(n + 1):
        lo, hi = los[i], his[i]
        best = np.full(hi - lo, -np.inf)
        arg = np.full(hi - lo, -1, dtype=np.int16)
        if i == 0 and lo == 0:
            best[0] = 0.0
        for code, (a, b) in enumerate(shapes):
            if a > i:
                continue
            # the columns j whose link start (i - a, j - b) is in the band: a slice
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
            cur = best[start - lo:stop - lo]
            better = cand > cur
            np.copyto(cur, cand, where=better)
            arg[start - lo:stop - lo][better] = code
        # insertions: D[j] = P[j] + max_{k<=j}(V[k] - P[k]) within the row
        p = ins_prefix[lo:hi]
        w = best - p
        run = np.maximum.accumulate(w)
        from_ins = run > w
        total[off[i]:off[i] + hi - lo] = run + p
        arg[from_ins] = ins_code
        back[off[i]:off[i] + hi - lo] = arg
    if totals is not None:
        totals.append(total)
    # backtrack from (n, m)
    m = his[n] - 1
    path: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while i > 0 or j > 0:
        code = int(back[off[i] + j - los[i]])
        if code == ins_code:
            a, b = INSERTION
        elif code < 0:
            raise RuntimeError(f"alignment search: no path through cell ({i}, {j})")
        else:
            a, b = shapes[code]
        path.append((a, b, i, j))
        i -= a
        j -= b
    path.reverse()
    return path


def band_around_path(nodes: list[tuple[int, int]], n: int, m: int, width: int) -> Band:
    """A band of rows 0..n around a monotonic path given by its ``nodes`` ``(x, y)``.

    Row ``i`` may use the columns the path uses within ``width`` rows of it, widened
    by ``width`` on both sides.  Nodes must start at (0, 0) and end at (n, m).
    """
    xs = np.array([x for x, _ in nodes], dtype=np.int64)
    ys = np.array([y for _, y in nodes], dtype=np.int64)
    rows = np.arange(n + 1, dtype=np.int64)
    # lowest column near row i: the last node at or before row i - width
    k_lo = np.searchsorted(xs, rows - width, side="right") - 1
    y_lo = ys[np.clip(k_lo, 0, len(ys) - 1)]
    y_lo = np.where(k_lo < 0, 0, y_lo)
    # highest column near row i: the first node at or after row i + width
    k_hi = np.searchsorted(xs, rows + width, side="left")
    y_hi = np.where(k_hi >= len(ys), m, ys[np.clip(k_hi, 0, len(ys) - 1)])
    lo = np.clip(y_lo - width, 0, m)
    hi = np.clip(y_hi + width, 0, m) + 1
    lo[0] = 0
    hi[n] = m + 1
    # keep the band connected: each row must reach the previous row's columns
    hi = np.maximum.accumulate(hi)
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    return Band(lo, hi)


def band_dots(left: np.ndarray, right: np.ndarray, band: Band, du: int, dv: int,
              rows_per_block: int = 64) -> np.ndarray:
    """``left[i - du] . right[j - dv]`` at every band cell ``(i, j)`` with ``i >= du`` and
    ``j >= dv`` (NaN at the others), in the band's storage order.

    A band row's columns are contiguous, so a block of rows is one matrix product over
    the columns they span: no row of either side is gathered once a cell.
    """
    out = np.full(band.size, np.nan, dtype=np.float32)
    n_rows = len(band.lo)
    for r0 in range(du, n_rows, rows_per_block):
        r1 = min(r0 + rows_per_block, n_rows)
        lo = max(int(band.lo[r0:r1].min()), dv)
        hi = int(band.hi[r0:r1].max())
        if hi <= lo:
            continue
        prod = left[r0 - du:r1 - du] @ right[lo - dv:hi - dv].T
        start, stop = int(band.off[r0]), int(band.off[r1])
        rows = np.repeat(np.arange(r0, r1), band.hi[r0:r1] - band.lo[r0:r1])
        cols = np.arange(start, stop) - band.off[rows] + band.lo[rows]
        ok = cols >= dv
        out[start:stop][ok] = prod[rows[ok] - r0, cols[ok] - lo]
    return out


def pair_dots(left: np.ndarray, right: np.ndarray, s: np.ndarray, t: np.ndarray,
              min_run: int = 8) -> np.ndarray:
    """``left[s[k]] . right[t[k]]`` for every ``k``: ``np.einsum("ij,ij->i", left[s],
    right[t])``, value for value, without gathering a row a pair where the pairs come in
    runs (``s`` the same and ``t`` consecutive: the cells of a table row), each run one
    call over the rows of ``right`` as they lie (the same products summed in the same
    order; several times faster on a whole table, where runs are rows)."""
    s = np.asarray(s, dtype=np.int64)
    t = np.asarray(t, dtype=np.int64)
    k = len(s)
    if k == 0:
        return np.einsum("ij,ij->i", left[s], right[t])
    cut = np.flatnonzero((s[1:] != s[:-1]) | (t[1:] != t[:-1] + 1)) + 1
    if k < min_run * (len(cut) + 1):  # short runs: gather the rows
        return np.einsum("ij,ij->i", left[s], right[t])
    out = np.empty(k, dtype=np.result_type(left, right))
    bounds = [0, *cut.tolist(), k]
    ss, tt = s.tolist(), t.tolist()
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        t0 = tt[lo]
        np.einsum("j,ij->i", left[ss[lo]], right[t0:t0 + hi - lo], out=out[lo:hi])
    return out
