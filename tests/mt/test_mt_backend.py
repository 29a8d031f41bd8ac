"""The transformers backend, model resolution and the missing-model message."""

from __future__ import annotations

import shutil
import sys

import pytest

from workbench.errors import CancelledError, WorkbenchError
from workbench.mt.backend import Hypothesis, TranslationBackend, load_backend
from workbench.mt.modeldir import ModelNotFoundError, inspect_model_dir, resolve_model
from workbench.progress import CancelToken


def test_import_is_light():
    import subprocess

    code = ("import sys, workbench.mt, workbench.mt.backend, workbench.mt.propose, "
            "workbench.mt.memory, workbench.mt.models; "
            "print('torch' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_model_dir_is_recognised(tiny_model_dir):
    info = inspect_model_dir(tiny_model_dir)
    assert info.family == "marian"
    assert info.languages == "ar->en"
    assert info.size_bytes > 1_000_000
    assert [f.name for f in info.weight_files] == ["model.safetensors"]


def test_reproduces_training_pairs(tiny_backend, pairs):
    """Loaded through AutoModelForSeq2SeqLM/AutoTokenizer like a real model, it translates."""
    assert isinstance(tiny_backend, TranslationBackend)
    sample = pairs[::4]
    out = tiny_backend.translate([ar for ar, _ in sample])
    assert [h[0].text for h in out] == [en for _, en in sample]
    assert all(isinstance(h[0], Hypothesis) and h[0].score < 0 and h[0].tokens > 3 for h in out)


def test_n_best_is_sorted_and_distinct(tiny_backend, pairs):
    [hyps] = tiny_backend.translate([pairs[0][0]], n_best=4)
    assert 2 <= len(hyps) <= 4
    assert len({h.text for h in hyps}) == len(hyps)
    assert [h.score for h in hyps] == sorted((h.score for h in hyps), reverse=True)
    assert hyps[0].text == pairs[0][1]


def test_empty_and_whitespace_segments(tiny_backend, pairs):
    out = tiny_backend.translate(["", "   ", pairs[1][0]])
    assert out[0][0].text == "" and out[1][0].text == ""
    assert out[2][0].text == pairs[1][1]
    assert tiny_backend.translate([]) == []


def test_batching_does_not_change_results(tiny_model_dir, tiny_backend, pairs):
    one = load_backend(tiny_model_dir, batch_size=1, threads=1)
    texts = [ar for ar, _ in pairs[:6]]
    assert ([h[0].text for h in one.translate(texts)]
            == [h[0].text for h in tiny_backend.translate(texts)])


def test_long_input_is_split_into_sentences_and_joined(tiny_model_dir, pairs):
    backend = load_backend(tiny_model_dir, threads=1, lazy=False)
    (a_ar, a_en), (b_ar, b_en) = pairs[0], pairs[13]
    joined = f"{a_ar} {b_ar}"
    limit = max(backend.count_tokens(a_ar), backend.count_tokens(b_ar))
    assert backend.count_tokens(joined) > limit
    backend.max_input_tokens = limit
    [hyps] = backend.translate([joined], n_best=2)
    assert hyps[0].text == f"{a_en} {b_en}"


def test_progress_and_cancel(tiny_backend, pairs):
    events = []
    tiny_backend.translate([p[0] for p in pairs[:3]], progress=events.append)
    assert events[0].done == 0 and events[-1].done == 3 and events[-1].total == 3
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        tiny_backend.translate([pairs[0][0]], cancel=token)


def test_lazy_loading_and_fingerprint(tiny_model_dir, tmp_path):
    backend = load_backend(tiny_model_dir)
    assert not backend.loaded
    fp = backend.fingerprint
    assert fp.startswith(f"{tiny_model_dir.name}@") and not backend.loaded
    # a copy has the same weights, hence the same hash; changed weights change it
    copy = tmp_path / tiny_model_dir.name
    shutil.copytree(tiny_model_dir, copy)
    assert load_backend(copy).fingerprint == fp
    with open(copy / "model.safetensors", "ab") as fh:
        fh.write(b"\0")
    assert load_backend(copy).fingerprint != fp


def test_bad_arguments(tiny_backend):
    with pytest.raises(WorkbenchError, match="n-best"):
        tiny_backend.translate(["x"], n_best=0)


# --- resolution --------------------------------------------------------------------------

def _write_config(path, **values):
    from workbench.config import save_config_value

    for k, v in values.items():
        save_config_value(k, v)


def test_missing_model_message():
    with pytest.raises(ModelNotFoundError) as err:
        load_backend(None)
    msg = str(err.value)
    assert "no machine-translation model is configured" in msg
    assert "workbench models fetch Helsinki-NLP/opus-mt-ar-en" in msg
    assert "--model PATH" in msg
    assert isinstance(err.value, WorkbenchError) and err.value.exit_code == 2


def test_unknown_id_and_bad_paths(tmp_path):
    with pytest.raises(ModelNotFoundError, match="'nobody/no-such-model' not found"):
        resolve_model("nobody/no-such-model")
    with pytest.raises(ModelNotFoundError, match="not found"):
        resolve_model(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFoundError, match="no config.json"):
        resolve_model(tmp_path / "empty")
    (tmp_path / "file.bin").write_bytes(b"x")
    with pytest.raises(ModelNotFoundError, match="got a file"):
        resolve_model(tmp_path / "file.bin")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelNotFoundError, match="unreadable model configuration"):
        load_backend(bad)


def test_broken_weights_are_a_clear_error(tiny_model_dir, tmp_path):
    copy = tmp_path / "broken"
    shutil.copytree(tiny_model_dir, copy)
    (copy / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(WorkbenchError, match="cannot load the model"):
        load_backend(copy, lazy=False)


def test_configured_id_resolves_under_models_dir(tiny_model_dir, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(tiny_model_dir, models / "acme--tiny-ar-en")
    _write_config(tmp_path, models_dir=str(models), model="acme/tiny-ar-en")
    from workbench.config import load_config

    cfg = load_config()  # read at the edge, handed down
    backend = load_backend(cfg.model, models_dir=cfg.models_dir)
    assert backend.path == (models / "acme--tiny-ar-en").resolve()
    assert backend.model_id == "acme/tiny-ar-en"


def test_id_resolves_from_the_hugging_face_cache(tiny_model_dir, tmp_path, monkeypatch):
    """HF_HOME is honoured; the snapshot is found offline, as huggingface_hub lays it out."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    repo = tmp_path / "hf" / "hub" / "models--acme--cached-ar-en"
    rev = "0123456789abcdef0123456789abcdef01234567"
    shutil.copytree(tiny_model_dir, repo / "snapshots" / rev)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(rev)
    path = resolve_model("acme/cached-ar-en")
    assert path == repo / "snapshots" / rev
    info = inspect_model_dir(path)
    assert info.model_id == "acme/cached-ar-en"
    from workbench.mt.models import list_models

    [listed] = list_models(tmp_path / "no-models-dir")
    assert (listed.model_id, listed.family, listed.path) == ("acme/cached-ar-en", "marian", path)
    backend = load_backend("acme/cached-ar-en", threads=1)
    assert backend.model_id == "acme/cached-ar-en"


def test_available_backend_is_quiet(tiny_model_dir):
    from workbench.mt.backend import available_backend

    backend, message = available_backend(None)
    assert backend is None and "workbench models fetch" in message
    backend, message = available_backend(tiny_model_dir)
    assert backend is not None and message == "" and not backend.loaded


def test_default_threads_never_oversubscribe(monkeypatch):
    import os

    from workbench.mt.backend import default_threads

    cores = len(os.sched_getaffinity(0))
    monkeypatch.setenv("WORKBENCH_MT_THREADS", "999")
    assert default_threads() == cores
    monkeypatch.delenv("WORKBENCH_MT_THREADS")
    assert 1 <= default_threads() <= max(1, cores - 1)
    monkeypatch.setenv("WORKBENCH_MT_THREADS", "many")
    with pytest.raises(WorkbenchError, match="WORKBENCH_MT_THREADS"):
        default_threads()


def _make_m2m100(out, tiny_model_dir, extra_vocab: int):
    """An untrained M2M100 with the real tokenizer class (vocabulary shared with the tiny
    Marian model; ``extra_vocab`` rows for the language tokens, too few breaks it)."""
    import json
    import warnings

    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    out.mkdir(parents=True)
    shutil.copy(tiny_model_dir / "source.spm", out / "sentencepiece.bpe.model")
    marian = json.loads((tiny_model_dir / "vocab.json").read_text(encoding="utf-8"))
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in marian:
        vocab.setdefault(piece, len(vocab))
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tok = M2M100Tokenizer(str(out / "vocab.json"), str(out / "sentencepiece.bpe.model"),
                              src_lang="ar", tgt_lang="en")
    cfg = M2M100Config(vocab_size=len(vocab) + extra_vocab, d_model=32, encoder_layers=1,
                       decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
                       encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=128,
                       pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2)
    M2M100ForConditionalGeneration(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def tiny_m2m100_dir(tiny_model_dir, tmp_path_factory):
    return _make_m2m100(tmp_path_factory.mktemp("m2m100") / "acme--m2m100-tiny",
                        tiny_model_dir, 120)


def test_a_model_that_does_not_fit_its_tokenizer_is_a_clear_error(tiny_model_dir, tmp_path,
                                                                     pairs):
    broken = _make_m2m100(tmp_path / "broken", tiny_model_dir, 0)
    backend = load_backend(broken, threads=1, num_beams=1)
    with pytest.raises(WorkbenchError, match="translation with this model failed"):
        backend.translate([pairs[0][0]])


def test_m2m100_family_sets_language_codes(tiny_m2m100_dir, pairs):
    backend = load_backend(tiny_m2m100_dir, threads=1, num_beams=2, lazy=False)
    assert backend.family == "m2m100" and backend.model_id == "acme/m2m100-tiny"
    tok = backend._tokenizer
    assert backend._forced_bos == tok.get_lang_id("en")
    assert tok("نص")["input_ids"][0] == tok.get_lang_id("ar")  # source language prefix
    [hyps] = backend.translate([pairs[0][0]], n_best=2)
    assert hyps and all("__en__" not in h.text for h in hyps)


def test_nllb_family_sets_language_codes(tiny_model_dir, tmp_path, pairs):
    """An untrained NLLB-style model (M2M100 weights, NllbTokenizer): arb_Arab -> eng_Latn."""
    import json

    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    marian = json.loads((tiny_model_dir / "vocab.json").read_text(encoding="utf-8"))
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in marian:
        vocab.setdefault(piece, len(vocab))
    tok = NllbTokenizer(vocab=vocab, merges=[], src_lang="eng_Latn", tgt_lang="fra_Latn")
    out = tmp_path / "acme--nllb-tiny"
    cfg = M2M100Config(vocab_size=len(tok) + 8, d_model=32, encoder_layers=1, decoder_layers=1,
                       encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                       decoder_ffn_dim=64, max_position_embeddings=128, pad_token_id=1,
                       bos_token_id=0, eos_token_id=2, decoder_start_token_id=2)
    M2M100ForConditionalGeneration(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    backend = load_backend(out, threads=1, num_beams=2, lazy=False)
    assert backend.family == "nllb"
    loaded = backend._tokenizer
    assert backend._forced_bos == loaded.convert_tokens_to_ids("eng_Latn")
    # the saved tokenizer said English->French; the backend sets Arabic->English
    assert loaded("نص")["input_ids"][0] == loaded.convert_tokens_to_ids("arb_Arab")
    [hyps] = backend.translate([pairs[0][0]], n_best=2)
    assert hyps and all("eng_Latn" not in h.text for h in hyps)


def test_batches_respect_size_and_token_budget(tiny_model_dir, pairs):
    backend = load_backend(tiny_model_dir, threads=1, batch_size=4, lazy=False)
    backend.max_batch_tokens = 400
    pieces = [(i, 0, ar) for i, (ar, _) in enumerate(pairs)]
    batches = list(backend._batches(pieces, beams=4))
    assert sorted(p for b in batches for p in b) == sorted(pieces)
    for b in batches:
        longest = max(backend.count_tokens(t) for _i, _k, t in b)
        assert len(b) <= 4 and (len(b) == 1 or longest * len(b) * 4 <= 400)
    lengths = [backend.count_tokens(t) for b in batches for _i, _k, t in b]
    assert lengths == sorted(lengths)  # batched by length
