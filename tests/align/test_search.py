"""The dynamic-programming search and its band, on hand-made score tables."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from workbench.align.search import Band, band_around_path, best_path, link_shapes


def _scores(n: int, m: int, table: dict[tuple[int, int, int, int], float],
            shapes=((1, 1), (1, 2), (2, 1))) -> tuple[Band, dict]:
    """Score tables where every link scores -5 except those listed as (s0, a, t0, b)."""
    band = Band.full(n, m)
    rows, cols = band.cells()
    out = {}
    for a, b in shapes:
        sc = np.full(band.size, -np.inf)
        ok = (rows >= a) & (cols >= b)
        sc[ok] = -5.0
        for (s0, aa, t0, bb), v in table.items():
            if (aa, bb) == (a, b):
                sc[band.index(np.array([s0 + a]), np.array([t0 + b]))[0]] = v
        out[(a, b)] = sc
    return band, out


def _links(path):
    return [(tuple(range(i - a, i)), tuple(range(j - b, j))) for a, b, i, j in path]


def test_link_shapes():
    assert link_shapes(1) == [(1, 1)]
    assert set(link_shapes(3)) == {(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2)}
    assert (2, 3) not in link_shapes(3) and (2, 3) in link_shapes(4)


def test_one_to_one_path_with_null_links():
    # source 1 has no counterpart, target 2 is inserted
    band, scores = _scores(3, 4, {(0, 1, 0, 1): 3.0, (2, 1, 1, 1): 3.0, (0, 1, 3, 1): 0.5})
    path = best_path(band, scores, np.full(3, -1.0), np.full(4, -1.0))
    links = _links(path)
    assert ((0,), (0,)) in links and ((2,), (1,)) in links
    assert ((1,), ()) in links
    assert ((), (2,)) in links and ((), (3,)) in links
    # every segment exactly once
    assert sorted(i for s, _ in links for i in s) == [0, 1, 2]
    assert sorted(j for _, t in links for j in t) == [0, 1, 2, 3]


def test_n_to_m_links_win_over_pieces():
    band, scores = _scores(3, 3, {(0, 1, 0, 2): 4.0, (0, 1, 0, 1): 2.0, (1, 2, 2, 1): 4.0})
    links = _links(best_path(band, scores, np.full(3, -1.0), np.full(3, -1.0)))
    assert links == [((0,), (0, 1)), ((1, 2), (2,))]


def test_all_null_when_nothing_scores():
    band, scores = _scores(2, 2, {})
    links = _links(best_path(band, scores, np.zeros(2), np.zeros(2)))
    assert sorted(links) == sorted([((0,), ()), ((1,), ()), ((), (0,)), ((), (1,))])


@pytest.mark.parametrize("n,m", [(1, 1), (4, 7), (7, 4), (6, 6)])
def test_dp_matches_brute_force(n, m):
    """On small random tables the DP finds the best monotonic path (exhaustive check)."""
    rng = np.random.default_rng(n * 10 + m)
    shapes = [(1, 1), (1, 2), (2, 1)]
    band = Band.full(n, m)
    rows, cols = band.cells()
    scores = {}
    for a, b in shapes:
        sc = rng.normal(size=band.size)
        sc[(rows < a) | (cols < b)] = -np.inf
        scores[(a, b)] = sc
    dels, ins = rng.normal(size=n), rng.normal(size=m)
    path = best_path(band, scores, dels, ins)

    def value(p):
        total = 0.0
        for a, b, i, j in p:
            if a and b:
                total += scores[(a, b)][band.index(np.array([i]), np.array([j]))[0]]
            elif a:
                total += dels[i - 1]
            else:
                total += ins[j - 1]
        return total

    best = -np.inf
    all_shapes = shapes + [(1, 0), (0, 1)]

    def walk(i, j, acc):
        nonlocal best
        if (i, j) == (n, m):
            best = max(best, value(acc))
            return
        for a, b in all_shapes:
            if i + a <= n and j + b <= m:
                walk(i + a, j + b, acc + [(a, b, i + a, j + b)])

    walk(0, 0, [])
    assert value(path) == pytest.approx(best)


def test_band_around_a_diagonal_path_is_narrow_and_connected():
    n = m = 1000
    nodes = [(k, k) for k in range(0, n + 1, 2)]
    band = band_around_path(nodes, n, m, width=8)
    widths = band.hi - band.lo
    assert widths.max() <= 4 * 8 + 4
    assert band.size < 40 * (n + 1)
    assert band.lo[0] == 0 and band.hi[n] == m + 1
    # each row overlaps the previous one (a monotonic path can cross the band)
    assert np.all(band.lo[1:] <= band.hi[:-1])
    # the path itself lies inside the band
    for x, y in nodes:
        assert band.lo[x] <= y < band.hi[x]


def test_banded_search_follows_a_path_like_the_full_search():
    n, m = 40, 40
    truth = {(k, 1, k, 1): 3.0 for k in range(n)}
    band, scores = _scores(n, m, truth)
    full = _links(best_path(band, scores, np.full(n, -1.0), np.full(m, -1.0)))
    narrow = band_around_path([(k, k) for k in range(n + 1)], n, m, width=2)
    rows, cols = narrow.cells()
    nscores = {}
    for shape, sc in scores.items():
        nscores[shape] = sc[band.index(rows, cols)]
    banded = _links(best_path(narrow, nscores, np.full(n, -1.0), np.full(m, -1.0)))
    assert banded == full == [((k,), (k,)) for k in range(n)]
    assert narrow.size < band.size / 4


def test_band_index_outside_is_minus_one():
    band = Band(np.array([0, 1, 2]), np.array([2, 3, 4]))
    assert band.index(np.array([0, 1, 2, 5]), np.array([0, 0, 3, 0])).tolist() == [0, -1, 5, -1]
    assert list(itertools.islice(zip(*band.cells()), 3)) == [(0, 0), (0, 1), (1, 1)]
