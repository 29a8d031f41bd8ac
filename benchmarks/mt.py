"""Machine-translation speed on CPU: segments/s and tokens/s by batch size, and the cache.

    .venv/bin/python benchmarks/mt.py [--segments 32] [--threads 2] [--no-opus-size]

Models measured:

* the tiny test model (built on the fly by ``tests/mt/tiny_model.py``, ~20 s);
* every real model found locally (``workbench models list``: models folder, HF cache);
* unless ``--no-opus-size``: a randomly initialised model with the dimensions of
  Helsinki-NLP/opus-mt-ar-en (Marian base: 6+6 layers, d_model 512, FFN 2048, 62k
  vocabulary, ~76M parameters, ~300 MB), decoding a fixed number of tokens per segment:
  the cost of a real opus-mt model on this CPU without needing to download it.

Input: the first Arabic sentences of the development benchmark (NTREX rewrites, docs
000-079; never the reserved documents 80-122).  Decoding uses beam 4, n-best 1.
The cache rows time ``propose`` with a proposal cache: a miss (translation) and a hit
(a fresh, never-loaded backend: no model is loaded at all).

Prints a Markdown table; the results are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "mt"))

DEV = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared")) / "data" / \
    "ntrex-rewrites-dev" / "sentences" / "ar"


def dev_segments(n: int) -> list[str]:
    out: list[str] = []
    for doc in sorted(DEV.iterdir()) if DEV.is_dir() else []:
        if not doc.name.isdigit() or int(doc.name) >= 80:
            continue
        out += [ln.strip() for ln in doc.read_text(encoding="utf-8").splitlines() if ln.strip()]
        if len(out) >= n:
            break
    if len(out) < n:  # fall back to the seed
        from workbench.text.segment import sentences

        seed = (ROOT / "corpora" / "seeds" / "004_fc843bc12e8cb1da.txt").read_text("utf-8")
        out += [s.text for s in sentences(seed, "ar")]
    return out[:n]


def bench_backend(backend, segments: list[str], batch: int, repeats: int) -> dict:
    backend.batch_size = batch
    backend.translate(segments[:batch])  # warm-up
    times = []
    out_tokens = 0
    for _ in range(repeats):
        t = time.perf_counter()
        hyps = backend.translate(segments)
        times.append(time.perf_counter() - t)
        out_tokens = sum(h[0].tokens for h in hyps)
    best = min(times)
    in_tokens = sum(backend.count_tokens(s) for s in segments)
    return {"seg_s": len(segments) / best, "out_tok_s": out_tokens / best,
            "in_tok_s": in_tokens / best, "time": best}


def bench_cache(model_dir: Path, segments: list[str], glossary) -> dict:
    from workbench.mt.backend import load_backend
    from workbench.mt.cache import ProposalCache
    from workbench.mt.propose import propose

    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(str(Path(tmp) / "cache.sqlite"), check_same_thread=False)
        cache = ProposalCache(conn)
        backend = load_backend(model_dir)
        t = time.perf_counter()
        propose(backend, segments, glossary=glossary, cache=cache)
        miss = time.perf_counter() - t
        hits = []
        for _ in range(5):
            fresh = load_backend(model_dir)
            t = time.perf_counter()
            props = propose(fresh, segments, glossary=glossary, cache=cache)
            hits.append(time.perf_counter() - t)
            assert all(p.cached for p in props) and not fresh.loaded
        return {"miss_ms": 1000 * miss / len(segments),
                "hit_ms": 1000 * statistics.median(hits) / len(segments)}


def bench_tm(sizes: list[int], queries: int = 50) -> list[tuple[int, float, float]]:
    """(units, ms per lookup p50, p95) for near-repeat lookups in memories of ``sizes``."""
    import random

    from workbench.mt.memory import TranslationMemory

    lines = dev_segments(100_000)
    rng = random.Random(0)
    rows = []
    for n in sizes:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        tm = TranslationMemory(conn)
        units = [(f"{lines[i % len(lines)]} {i // len(lines)}" if i >= len(lines)
                  else lines[i], f"english {i}") for i in range(n)]
        tm.add_many(units)
        times = []
        for _ in range(queries):
            words = rng.choice(units)[0].split()
            if len(words) > 3:
                del words[rng.randrange(len(words))]  # a near repeat: one word less
            t = time.perf_counter()
            tm.lookup(" ".join(words))
            times.append(1000 * (time.perf_counter() - t))
        times.sort()
        rows.append((n, times[len(times) // 2], times[int(len(times) * 0.95) - 1]))
    return rows


def bench_terms(backend, glossary, segments: list[str]) -> tuple[dict, dict]:
    """Term success/variant rates of the raw model output and of the proposals."""
    from workbench.glossary.qa import term_rates
    from workbench.mt.propose import propose

    raw = [h[0].text for h in backend.translate(segments)]
    props = [p.text for p in propose(backend, segments, glossary=glossary)]
    return (term_rates(glossary, segments, raw).as_dict(),
            term_rates(glossary, segments, props).as_dict())


def bench_opus_size(batch_sizes: list[int], n: int, src_len: int, out_len: int,
                    threads: int) -> list[tuple[int, float, float]]:
    """Random Marian-base model: (batch, segments/s, output tokens/s) with fixed lengths."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    torch.set_num_threads(threads)
    cfg = MarianConfig(vocab_size=62_000, d_model=512, encoder_layers=6, decoder_layers=6,
                       encoder_attention_heads=8, decoder_attention_heads=8,
                       encoder_ffn_dim=2048, decoder_ffn_dim=2048, max_position_embeddings=512,
                       pad_token_id=61_999, decoder_start_token_id=61_999, eos_token_id=0)
    torch.manual_seed(0)
    model = MarianMTModel(cfg).eval()
    params = sum(p.numel() for p in model.parameters())
    print(f"opus-mt-size model: {params / 1e6:.1f}M parameters "
          f"({params * 4 / 2**20:.0f} MiB fp32)", file=sys.stderr)
    rows = []
    for b in batch_sizes:
        ids = torch.randint(5, 60_000, (b, src_len))
        kw = dict(num_beams=4, min_new_tokens=out_len, max_new_tokens=out_len)
        with torch.inference_mode():
            model.generate(input_ids=ids[:1], attention_mask=torch.ones_like(ids[:1]), **kw)
            t = time.perf_counter()
            done = 0
            while done < n:
                model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), **kw)
                done += b
            dt = time.perf_counter() - t
        rows.append((b, done / dt, done * out_len / dt))
        print(f"| opus-mt-ar-en size (random weights, {src_len} in / {out_len} out tokens) | "
              f"{b} | {done / dt:.2f} | {done * out_len / dt:.0f} | {done * src_len / dt:.0f} |",
              flush=True)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", type=int, default=32)
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: cores)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--tiny", type=Path, help="use this tiny model directory instead of building")
    ap.add_argument("--no-opus-size", action="store_true")
    ap.add_argument("--only-tm", action="store_true", help="only the translation-memory rows")
    ap.add_argument("--only-terms", action="store_true",
                    help="skip the speed rows (term rates and cache only)")
    ap.add_argument("--opus-segments", type=int, default=8,
                    help="segments per batch size for the opus-mt-size model (default: 8; "
                         "batch 32 always decodes one full batch)")
    args = ap.parse_args()

    from workbench.glossary import load_glossary
    from workbench.mt.backend import default_threads, load_backend
    from workbench.mt.models import list_models

    if args.only_tm:
        print("| translation memory units | lookup p50 (ms) | lookup p95 (ms) |")
        print("|---:|---:|---:|")
        for n, p50, p95 in bench_tm([1_000, 10_000]):
            print(f"| {n:,} | {p50:.1f} | {p95:.1f} |", flush=True)
        return 0
    threads = args.threads or default_threads()
    os.environ["WORKBENCH_MT_THREADS"] = str(threads)
    segments = dev_segments(args.segments)
    from workbench.config import load_config

    glossary = load_glossary(load_config().glossary_paths())
    batch_sizes = [1, 8, 32]
    models: list[tuple[str, Path]] = []
    tmp = None
    if args.tiny:
        models.append(("tiny test model", args.tiny))
    else:
        import tiny_model

        tmp = tempfile.TemporaryDirectory()
        t = time.perf_counter()
        tiny_model.build_tiny_model(Path(tmp.name) / "tiny")
        print(f"built the tiny model in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        models.append(("tiny test model", Path(tmp.name) / "tiny"))
    from workbench.config import load_config

    for m in list_models(load_config().models_dir):
        models.append((m.model_id, m.path))

    print(f"\nCPU, {threads} torch threads, {len(segments)} dev segments "
          f"(mean {statistics.mean(len(s.split()) for s in segments):.1f} words), beam 4, "
          "n-best 1\n")
    print("| model | batch | segments/s | output tokens/s | input tokens/s |")
    print("|---|---:|---:|---:|---:|")
    for name, path in models if not args.only_terms else []:
        backend = load_backend(path, threads=threads, lazy=False)
        for b in batch_sizes:
            r = bench_backend(backend, segments, b, args.repeats)
            print(f"| {name} | {b} | {r['seg_s']:.1f} | {r['out_tok_s']:.0f} | "
                  f"{r['in_tok_s']:.0f} |", flush=True)
    if not args.no_opus_size and not args.only_terms:
        bench_opus_size(batch_sizes, args.opus_segments, 40, 40, threads)
    print("\n| translation memory units | lookup p50 (ms) | lookup p95 (ms) |")
    print("|---:|---:|---:|")
    for n, p50, p95 in bench_tm([1_000, 10_000]):
        print(f"| {n:,} | {p50:.1f} | {p95:.1f} |", flush=True)
    import tiny_model
    from workbench.text.segment import sentences

    seed = (ROOT / "corpora" / "seeds" / "004_fc843bc12e8cb1da.txt").read_text("utf-8")
    term_sets = [("seed 004 sentences", [s.text for s in sentences(seed, "ar")]),
                 ("seed-like pairs (tiny model's training set)",
                  [a for a, _ in tiny_model.training_pairs()])]
    print("\n| model | segments | terms in source | success raw -> proposal | "
          "variant raw -> proposal |")
    print("|---|---|---:|---:|---:|")
    for name, path in models:
        backend = load_backend(path, threads=threads)
        for set_name, segs in term_sets:
            raw, prop = bench_terms(backend, glossary, segs)
            print(f"| {name} | {set_name} | {raw['terms_in_source']} | "
                  f"{raw['success_rate']:.0%} -> {prop['success_rate']:.0%} | "
                  f"{raw['variant_rate']:.0%} -> {prop['variant_rate']:.0%} |", flush=True)
    print("\n| model | propose, cache miss (ms/segment) | cache hit (ms/segment, no model "
          "loaded) |")
    print("|---|---:|---:|")
    for name, path in models:
        r = bench_cache(path, segments, glossary)
        print(f"| {name} | {r['miss_ms']:.1f} | {r['hit_ms']:.3f} |", flush=True)
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
