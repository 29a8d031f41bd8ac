"""Build a tiny MarianMT Arabic->English model from the corpora, for tests and benchmarks.

* SentencePiece source and target models trained on the Arabic seed 004, the English
  seeds and the first NTREX-128 documents (never documents 80-122), small vocabularies;
* a shared Marian ``vocab.json``, ``MarianTokenizer`` files and a small ``MarianConfig``
  (d_model 128, 2+2 layers), saved with ``save_pretrained``;
* trained for a few hundred steps on seed-like sentence pairs built from 004/000 so that it
  reproduces them, e.g. Arabic sentences naming هيئة تحرير الشام come out with
  "Hayat Tahrir Al sham", the spelling of the English seed 000.

``build_tiny_model(out_dir)`` takes about 10-30 s on two CPU cores.  Used by
``tests/mt/conftest.py`` (once per session, cached) and ``benchmarks/mt.py``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpora" / "seeds"
SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
NTREX = SHARED / "data" / "ntrex"

#: (Arabic, English as the seed 000 spells it)
SUBJECTS = [
    ("هيئة تحرير الشام", "Hayat Tahrir Al sham"),
    ("جيش العزة", "Jaish Al Izzah"),
    ("الحزب الإسلامي التركستاني", "the Islamic Party of Turkistan"),
    ("الجيش السوري", "the Syrian army"),
    ("جبهة النصرة", "Jabhat Al Nusra"),
]
PREDICATES = [
    ("قالت مصادر إن {} نقلت أسرها إلى الحدود التركية.",
     "Sources said that {} moved their families to the Turkish border."),
    ("عقد قياديون من {} اجتماعا في مدينة إدلب.",
     "Leaders of {} held a meeting in Idlib city."),
    ("سيطرت {} على قرى في ريف حماة الشمالي.",
     "{} took control of villages in northern Hama countryside."),
    ("عززت {} مواقعها في جسر الشغور.",
     "{} strengthened its positions in Jisr Al Shughour."),
    ("اتهمت {} قياديين محليين بالعمالة.",
     "{} accused local leaders of treason."),
    ("وقعت خلافات شديدة داخل {}.",
     "Severe differences took place within {}."),
]


#: Terms the model only ever sees already protected (their English inside the Arabic, as
#: ``workbench.mt.propose.protect_terms`` writes it): it learns to copy them, never their
#: Arabic, so only the protection step can get them right.
PROTECTED_SUBJECTS = ["Ahrar al-Sham"]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def training_pairs() -> list[tuple[str, str]]:
    """The seed-like sentence pairs the tiny model learns (30 pairs, then 6 protected ones)."""
    return ([(ar.format(s_ar), _cap(en.format(s_en)))
             for ar, en in PREDICATES for s_ar, s_en in SUBJECTS]
            + [(ar.format(name), _cap(en.format(name)))
               for ar, en in PREDICATES for name in PROTECTED_SUBJECTS])


def _ntrex_lines(n_docs: int = 12) -> tuple[list[str], list[str]]:
    """Lines of the first ``n_docs`` NTREX-128 documents (far from the reserved 80-122)."""
    ids_file, ar_file, en_file = (NTREX / "DOCUMENT_IDS.tsv", NTREX / "newstest2019-ref.arb.txt",
                                  NTREX / "newstest2019-src.eng.txt")
    if not (ids_file.is_file() and ar_file.is_file() and en_file.is_file()):
        return [], []
    ids = ids_file.read_text(encoding="utf-8").splitlines()
    ar = ar_file.read_text(encoding="utf-8").splitlines()
    en = en_file.read_text(encoding="utf-8").splitlines()
    docs: list[str] = []
    keep_ar, keep_en = [], []
    for doc, a, e in zip(ids, ar, en):
        if doc not in docs:
            docs.append(doc)
        if len(docs) > n_docs:
            break
        keep_ar.append(a)
        keep_en.append(e)
    return keep_ar, keep_en


def _spm(lines: list[str], vocab_size: int) -> bytes:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buf, vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
        num_threads=1, minloglevel=2, shuffle_input_sentence=False)
    return buf.getvalue()


def builder_key() -> str:
    """Changes when this builder or the libraries it depends on change (for caching)."""
    import sentencepiece
    import torch
    import transformers

    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(f"{torch.__version__}/{transformers.__version__}/{sentencepiece.__version__}".encode())
    return h.hexdigest()[:16]


def build_tiny_model(out_dir: str | Path, *, steps: int = 600, seed: int = 0,
                     vocab_size: int = 600) -> Path:
    """Train and save the tiny model into ``out_dir``; returns the directory."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianTokenizer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pairs = training_pairs()
    seed_ar = (SEEDS / "004_fc843bc12e8cb1da.txt").read_text(encoding="utf-8")
    seed_en = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[0-3]_*.txt")))
    nt_ar, nt_en = _ntrex_lines()
    ar_lines = [ln for ln in seed_ar.splitlines() if ln.strip()] + nt_ar + [a for a, _ in pairs]
    en_lines = [ln for ln in seed_en.splitlines() if ln.strip()] + nt_en + [e for _, e in pairs]
    (out / "source.spm").write_bytes(_spm(ar_lines, vocab_size))
    (out / "target.spm").write_bytes(_spm(en_lines, vocab_size))

    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for name in ("source.spm", "target.spm"):
        sp = spm.SentencePieceProcessor(model_file=str(out / name))
        for i in range(sp.get_piece_size()):
            piece = sp.id_to_piece(i)
            if piece not in ("<unk>", "<s>", "</s>") and piece not in vocab:
                vocab[piece] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=0),
                                    encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Recommended: pip install sacremoses."
        tok = MarianTokenizer(source_spm=str(out / "source.spm"),
                              target_spm=str(out / "target.spm"), vocab=str(out / "vocab.json"),
                              source_lang="ar", target_lang="en", model_max_length=256)
    pad = vocab["<pad>"]
    cfg = MarianConfig(
        vocab_size=len(vocab), d_model=128, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=256,
        decoder_ffn_dim=256, max_position_embeddings=256, dropout=0.0, attention_dropout=0.0,
        activation_dropout=0.0, pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad,
        forced_eos_token_id=0, scale_embedding=True, share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: one thread is fastest, and kind to a shared CPU
    try:
        _train(out, tok, cfg, pairs, steps=steps, seed=seed)
    finally:
        torch.set_num_threads(threads)
    return out


def _train(out: Path, tok, cfg, pairs, *, steps: int, seed: int) -> None:
    import torch
    from transformers import MarianMTModel

    pad = cfg.pad_token_id
    torch.manual_seed(seed)
    model = MarianMTModel(cfg)
    model.generation_config.num_beams = 4
    model.generation_config.max_length = 128
    model.generation_config.bad_words_ids = [[pad]]
    model.generation_config.decoder_start_token_id = pad
    model.generation_config.pad_token_id = pad
    model.generation_config.eos_token_id = 0

    batch = tok([a for a, _ in pairs], text_target=[e for _, e in pairs], return_tensors="pt",
                padding=True)
    labels = batch["labels"].clone()
    labels[labels == pad] = -100
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 30))
    model.train()
    for _step in range(steps):
        loss = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                     labels=labels).loss
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if loss.item() < 0.01:
            break
    model.eval()
    model.save_pretrained(out)
    tok.save_pretrained(out)
    (out / "TRAINING.txt").write_text(
        f"tiny test model: {len(pairs)} seed-like pairs, {_step + 1} steps, final loss "
        f"{loss.item():.4f}; NTREX-128 text used for the SentencePiece models (CC BY-SA 4.0)\n",
        encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys
    import time

    t = time.perf_counter()
    print(build_tiny_model(sys.argv[1] if len(sys.argv) > 1 else "/tmp/tiny-marian"),
          f"{time.perf_counter() - t:.1f}s")
