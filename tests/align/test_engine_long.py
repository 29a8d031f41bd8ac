"""The engine with a synthetic embedder: null links, n:m links, moves, and the long-document path.

The embedder here maps every ``#k`` marker in a text to a fixed random vector (a
block's text is the sum of its markers), with a little per-text noise, so the
expected alignment is known by construction and thousands of segments embed in
milliseconds.  The real embedder is exercised in test_align_api.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from workbench.align.api import Aligner
from workbench.align.engine import AlignStats
from workbench.align.links import check_coverage
from workbench.scoring.alignment import score_alignment

_MARK = re.compile(r"#(\d+)")


class KeyEmbedder:
    name = "test-keys"
    dim = 64

    def __init__(self, noise: float = 0.25) -> None:
        self.noise = noise
        self.calls = 0

    def _vec(self, key: int) -> np.ndarray:
        return np.random.default_rng(key).normal(size=self.dim)

    def embed(self, texts):
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim))
        for r, text in enumerate(texts):
            for k in _MARK.findall(text):
                out[r] += self._vec(int(k))
            seed = sum(map(ord, text)) * 7919 + len(text)
            out[r] += self.noise * np.random.default_rng(seed).normal(size=self.dim) * \
                max(1.0, np.linalg.norm(out[r]) / 8)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


AR_FILLER = "نص عربي طويل بعض الشيء عن الأخبار"
EN_FILLER = "an English sentence about the news of the day"


def ar(k: int) -> str:
    return f"{AR_FILLER} #{k}"


def en(k: int) -> str:
    return f"{EN_FILLER} #{k}"


@pytest.fixture(scope="module")
def aligner():
    return Aligner(KeyEmbedder())


def _synthetic(n: int, seed: int = 0):
    """n source segments; the target drops some, inserts some, and merges a few pairs."""
    rng = np.random.default_rng(seed)
    src = [ar(k) for k in range(n)]
    tgt: list[str] = []
    gold = []
    k = 0
    while k < n:
        r = rng.random()
        if r < 0.04:
            gold.append(((k,), ()))
            k += 1
        elif r < 0.08:
            gold.append(((), (len(tgt),)))
            tgt.append(en(100_000 + k))
        elif r < 0.12 and k + 1 < n:
            gold.append(((k, k + 1), (len(tgt),)))
            tgt.append(f"{en(k)} and {en(k + 1)}")
            k += 2
        else:
            gold.append(((k,), (len(tgt),)))
            tgt.append(en(k))
            k += 1
    return src, tgt, gold


def test_null_and_two_to_one_links(aligner):
    src, tgt, gold = _synthetic(60, seed=1)
    links = aligner.align_segments(src, tgt)
    check_coverage(links, len(src), len(tgt), require_complete=True)
    assert score_alignment(gold, links).f1_strict >= 0.95
    kinds = {lk.kind for lk in links}
    assert {"1:1", "2:1", "null"} <= kinds
    assert all(0.0 <= lk.score <= 1.0 for lk in links)


def test_one_to_two_link():
    al = Aligner(KeyEmbedder(noise=0.1))
    src = [ar(1), f"{ar(2)} و{ar(3)}", ar(4)]
    tgt = [en(1), en(2), en(3), en(4)]
    links = al.align_segments(src, tgt)
    assert [(lk.src, lk.tgt) for lk in links] == [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,))]


def test_swapped_and_moved_blocks_are_recovered(aligner):
    src = [ar(k) for k in range(12)]
    order = [0, 1, 3, 2, 4, 5, 6, 7, 8, 9, 10, 11]  # 2 and 3 swapped ...
    order = order[1:] + order[:1]                     # ... and the first moved to the end
    tgt = [en(k) for k in order]
    links = aligner.align_segments(src, tgt)
    pairs = {(lk.src, lk.tgt) for lk in links}
    assert pairs == {((k,), (order.index(k),)) for k in range(12)}
    # source order, whatever the target order
    assert [lk.src[0] for lk in links] == list(range(12))


def test_empty_sides_give_all_null_links(aligner):
    assert aligner.align_segments([], []) == []
    links = aligner.align_segments([ar(1), ar(2)], [])
    assert [(lk.src, lk.tgt) for lk in links] == [((0,), ()), ((1,), ())]
    links = aligner.align_segments([], [en(1)])
    assert [(lk.src, lk.tgt) for lk in links] == [((), (0,))]


def test_unrelated_texts_are_not_forced_together(aligner):
    links = aligner.align_segments([ar(1), ar(2), ar(3)], [en(7), en(8)])
    assert all(lk.is_null for lk in links)


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["rewrite", "translation", "auto"])
def test_long_documents_use_a_band_and_scale_linearly(aligner, profile):
    """2,400-segment documents: a correct alignment, with work O(n), not O(n * m), under
    every profile (translation: shapes up to 1:6 and 6:1; auto: both searches)."""
    from workbench.align.profile import profile_max_link
    from workbench.align.search import link_shapes

    shapes = {p: len(link_shapes(profile_max_link(p, None))) for p in ("rewrite", "translation")}
    n_shapes = shapes["rewrite"] + shapes["translation"] if profile == "auto" else shapes[profile]
    cells = {}
    for n in (1200, 2400):
        src, tgt, gold = _synthetic(n, seed=n)
        stats = AlignStats()
        links = aligner.align_segments(src, tgt, stats=stats, profile=profile)
        check_coverage(links, len(src), len(tgt), require_complete=True)
        assert score_alignment(gold, links).f1_strict >= 0.95
        assert stats.levels >= 1  # coarse-to-fine was used
        full_table = len(src) * len(tgt) * n_shapes
        assert stats.cells < full_table / 10
        cells[n] = stats.cells
    # doubling the length about doubles the work (quadratic would quadruple it)
    assert cells[2400] / cells[1200] < 2.6


def test_banded_coverage_reads_the_pairs_from_tables_with_the_same_values(aligner):
    """Above the whole-table size, coverage reads the similarity of every segment pair
    inside a candidate block from one table an offset over the band, and each block's
    from one table a shape (matrix products over each block of band rows): the same
    features as computing each candidate's again (to float32 rounding), for candidates
    inside the band and outside it (moves)."""
    from workbench.align.scorer import Coverage, block_features
    from workbench.align.search import band_around_path

    src, tgt, _ = _synthetic(300, seed=3)
    s, t = aligner.build_sides(src, tgt)
    n, m = len(s), len(t)
    band = band_around_path([(k, k * m // n) for k in range(n + 1)], n, m, 4)
    plain, tabled = Coverage(s, t, dense=False), Coverage(s, t, dense=False, band=band)
    knn_s, knn_t = np.zeros(n), np.zeros(m)
    rng = np.random.default_rng(0)
    for a, b in [(1, 1), (1, 3), (2, 2), (3, 2), (6, 1)]:
        s0 = rng.integers(0, n - a + 1, 400)
        t0 = np.clip(s0 * m // n + rng.integers(-20, 21, 400), 0, m - b)  # some off the band
        outside = band.index(s0 + a, t0 + b) < 0
        assert outside.any() and not outside.all()
        one = block_features(s, t, a, b, s0, t0, knn_s, knn_t, aligner.params, plain)
        two = block_features(s, t, a, b, s0, t0, knn_s, knn_t, aligner.params, tabled)
        assert np.allclose(one, two, rtol=0, atol=1e-5)
    shapes = [(1, 1), (1, 3), (2, 2), (3, 2), (6, 1)]
    offsets = {(du, dv) for a, b in shapes for du in range(1, a + 1) for dv in range(1, b + 1)}
    assert set(tabled._pairs) == offsets | {("block", a, b) for a, b in shapes}
