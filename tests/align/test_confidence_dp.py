"""What the search loses by not taking a link (workbench.align.confidence_dp), against every
path enumerated on small tables, and on a band."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.align.confidence_dp import MAX_MARGIN, path_margins
from workbench.align.search import Band, best_path, link_shapes


def _all_paths(band: Band, n: int, m: int, shapes):
    out = []

    def rec(i, j, acc):
        if (i, j) == (n, m):
            out.append(list(acc))
            return
        for a, b in list(shapes) + [(1, 0), (0, 1)]:
            if i + a <= n and j + b <= m and band.index([i + a], [j + b])[0] >= 0:
                acc.append((a, b, i + a, j + b))
                rec(i + a, j + b, acc)
                acc.pop()

    rec(0, 0, [])
    return out


def _key(a, b, i, j):
    return tuple(range(i - a, i)), tuple(range(j - b, j))


@pytest.mark.parametrize("seed", range(12))
def test_margins_are_the_best_path_less_the_best_path_without_the_link(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 6)), int(rng.integers(2, 6))
    if seed % 2:  # a band: each row a column range around the diagonal
        lo = np.array([max(0, round(i * m / n) - 2) for i in range(n + 1)])
        hi = np.array([min(m + 1, round(i * m / n) + 3) for i in range(n + 1)])
        lo[0], hi[n] = 0, m + 1
        band = Band(lo, hi)
    else:
        band = Band.full(n, m)
    rows, cols = band.cells()
    scores = {}
    for a, b in link_shapes(3):
        s = rng.normal(0.0, 2.0, band.size)
        s[(rows < a) | (cols < b) | (band.index(rows - a, cols - b) < 0)] = -np.inf
        scores[(a, b)] = s
    dels, ins = rng.normal(-1.0, 1.0, n), rng.normal(-1.0, 1.0, m)

    def total(path):
        return sum(dels[i - 1] if (a, b) == (1, 0) else ins[j - 1] if (a, b) == (0, 1)
                   else scores[(a, b)][band.at(i, j)] for a, b, i, j in path)

    paths = _all_paths(band, n, m, scores)
    path = best_path(band, scores, dels, ins)
    margins = path_margins(band, scores, dels, ins, path)
    best = max(total(p) for p in paths)
    assert total(path) == pytest.approx(best)
    for link in path:
        key = _key(*link)
        without = [total(p) for p in paths if key not in {_key(*x) for x in p}]
        expected = min(best - max(without), MAX_MARGIN) if without else MAX_MARGIN
        assert margins[key] == pytest.approx(expected)
