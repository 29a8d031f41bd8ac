"""``workbench.align.plot.plot_alignment``: a readable PNG, and clear errors for bad input."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from workbench.align.links import Link, read_links
from workbench.align.plot import GOLD_COLOR, PRED_COLOR, plot_alignment, render_alignment
from workbench.errors import WorkbenchError
from workbench.text.segment import paragraphs

from tests.conftest import SEED_FILES, SEEDS


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i:i + 2], 16) for i in (1, 3, 5))


def _count(img: Image.Image, color: str, tol: int = 40) -> int:
    a = np.asarray(img.convert("RGB")).astype(int)
    return int((np.abs(a - np.array(_rgb(color))).sum(axis=2) < tol).sum())


@pytest.fixture(scope="module")
def seed_alignment():
    """The aligner's result on the 004 -> 000 seed pair (paragraphs) and its gold links."""
    from workbench.align.api import Aligner

    src = SEED_FILES["004"].read_text(encoding="utf-8")
    tgt = SEED_FILES["000"].read_text(encoding="utf-8")
    result = Aligner().align_texts(src, tgt, "paragraphs")
    return result, read_links(SEEDS / "gold" / "004-000.paragraphs.gold")


def test_seed_pair_heatmap_is_a_png_with_links_and_gold(seed_alignment, tmp_path):
    result, gold = seed_alignment
    assert result.similarity.shape == (len(result.source), len(result.target)) == (12, 7)
    path = plot_alignment(result.similarity, result.links, tmp_path / "seed.png", gold=gold,
                          title="004 -> 000", src_labels=[s.text for s in result.source],
                          tgt_labels=[t.text for t in result.target])
    assert path == tmp_path / "seed.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as img:
        assert img.format == "PNG"
        w, h = img.size
        assert 400 <= w <= 2500 and 400 <= h <= 2500
        assert _count(img, PRED_COLOR) > 500      # boxes and deletion crosses
        assert _count(img, GOLD_COLOR) > 100      # gold dots
    assert [p.name for p in tmp_path.iterdir()] == ["seed.png"]  # no temp file left


def test_gold_markers_only_when_gold_is_given(seed_alignment, tmp_path):
    result, gold = seed_alignment
    without = plot_alignment(result.similarity, result.links, tmp_path / "a.png")
    with Image.open(without) as img:
        assert _count(img, GOLD_COLOR) < 20
        red_without = _count(img, PRED_COLOR)
    # drawing every link as a 1:1 box on the diagonal instead changes the picture
    diag = [Link((i,), (i,)) for i in range(7)] + [Link((i,), ()) for i in range(7, 12)]
    other = plot_alignment(result.similarity, diag, tmp_path / "b.png")
    assert other.read_bytes() != without.read_bytes()
    with Image.open(other) as img:
        assert _count(img, PRED_COLOR) != red_without


def test_long_document_stays_a_bounded_image(tmp_path):
    rng = np.random.default_rng(7)
    n, m = 600, 640
    sim = rng.uniform(-0.1, 0.9, size=(n, m)).astype(np.float32)
    links = [Link((i,), (i,)) for i in range(n)] + [Link((), (j,)) for j in range(n, m)]
    gold = [Link((i,), (i,)) for i in range(0, n, 2)] + [Link((i,), ()) for i in range(1, n, 2)]
    path = plot_alignment(sim, links, tmp_path / "long.png", gold=gold)
    with Image.open(path) as img:
        assert max(img.size) <= 22 * 110 + 10


def test_accepts_pairs_and_non_contiguous_links():
    sim = np.eye(4)
    png = render_alignment(sim, [((0, 2), (1,)), ((1,), (0,)), ((3,), ()), ((), (2, 3))])
    assert png[:4] == b"\x89PNG"


@pytest.mark.parametrize("sim, links, kw, message", [
    (np.zeros((3, 4)), [Link((3,), (0,))], {}, "source index 3, but the similarity matrix has 3 rows"),
    (np.zeros((3, 4)), [Link((0,), (4,))], {}, "target index 4, but the similarity matrix has 4 columns"),
    (np.zeros((3, 4)), [Link((0,), (0,))], {"gold": [Link((0,), (9,))]}, "gold link [0]:[9]"),
    (np.zeros(5), [], {}, "must be 2-D"),
    (np.zeros((0, 4)), [], {}, "nothing to plot"),
    (None, [], {}, "no similarity matrix"),
    (np.zeros((3, 4)), [], {"src_labels": ["a", "b"]}, "2 source labels for 3 source segments"),
    (np.zeros((3, 4)), [], {"tgt_labels": ["a"]}, "1 target labels for 4 target segments"),
])
def test_mismatched_input_is_a_clear_error(tmp_path, sim, links, kw, message):
    with pytest.raises(WorkbenchError) as info:
        plot_alignment(sim, links, tmp_path / "x.png", **kw)
    assert message in str(info.value)
    assert not (tmp_path / "x.png").exists()


def test_refuses_a_non_png_name(tmp_path):
    with pytest.raises(WorkbenchError, match="ending in .png"):
        plot_alignment(np.eye(2), [], tmp_path / "plot.jpg")


def test_gold_of_the_seed_pair_fits_the_seed_paragraphs(tmp_path):
    """The plot's checks accept a real gold file against the real segment counts."""
    n_src = len(paragraphs(SEED_FILES["004"].read_text(encoding="utf-8")))
    n_tgt = len(paragraphs(SEED_FILES["000"].read_text(encoding="utf-8")))
    gold = read_links(SEEDS / "gold" / "004-000.paragraphs.gold")
    path = plot_alignment(np.zeros((n_src, n_tgt)), gold, tmp_path / "g.png", gold=gold)
    assert path.stat().st_size > 1000
    with pytest.raises(WorkbenchError, match="different documents"):
        plot_alignment(np.zeros((n_src - 1, n_tgt)), gold, tmp_path / "g.png")
